//! Chinese phone numbers: validation of an area code and a number (hotlines) or of one written number
//! (variant files), and the one display form and `tel:` target shared by the web pages and the posters.
//!
//! Accepted forms: fixed lines (area code `0` + 2–3 digits, then 7–8 digits), mobiles (11 digits starting
//! with 1, no area code), service numbers (3–5 digits: 110, 96110, 12315, 95588…) and 400/800 numbers
//! (10 digits).

/// What kind of number it is, which decides its grouping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Fixed,
    Mobile,
    Service,
    TollFree,
}

/// A validated number: the area code (fixed lines only, else empty) and the digits dialled after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone {
    pub area: String,
    pub local: String,
    pub kind: Kind,
}

/// Why a number is not a valid Chinese phone number. Every variant knows its fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhoneError {
    /// Characters other than digits, spaces, `-` and brackets.
    NotDigits,
    /// The area code is not `0` followed by 2–3 digits.
    BadArea,
    /// The number carries an area code (again, or a different one): the corrected pair.
    Mixed { area: String, local: String },
    /// A mobile, service or 400/800 number written with an area code: the number alone.
    NeedlessArea { local: String, what: &'static str },
    /// A 7–8 digit fixed-line number without its area code.
    MissingArea,
    /// No accepted form has this many digits.
    BadLength { digits: usize },
}

/// Separators a writer may type between digit groups (ASCII or full-width).
fn is_separator(c: char) -> bool {
    matches!(c, '-' | ' ' | '(' | ')' | '－' | '\u{3000}' | '（' | '）')
}

/// The digits of `text` (full-width digits count), or `None` if it holds anything but digits and separators.
fn digits_of(text: &str) -> Option<String> {
    let mut out = String::new();
    for c in text.trim().chars() {
        match c {
            '0'..='9' => out.push(c),
            '０'..='９' => out.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            c if is_separator(c) => {}
            _ => return None,
        }
    }
    Some(out)
}

/// Split a number that starts with `0` into its area code and the rest: by the writer's first separator
/// (`0472-7107009`), else by the code's known length (010 and 02x are three digits, all others four).
fn split_area(text: &str, digits: &str) -> (String, String) {
    let groups: Vec<String> = text
        .split(is_separator)
        .filter(|g| !g.is_empty())
        .filter_map(digits_of)
        .collect();
    if groups.len() >= 2 && (3..=4).contains(&groups[0].len()) {
        return (groups[0].clone(), groups[1..].concat());
    }
    let len = if digits.starts_with("010") || digits.starts_with("02") {
        3
    } else {
        4
    };
    let len = len.min(digits.len());
    (digits[..len].to_string(), digits[len..].to_string())
}

fn valid_area(area: &str) -> bool {
    area.starts_with('0')
        && (3..=4).contains(&area.len())
        && area.bytes().all(|b| b.is_ascii_digit())
}

impl Phone {
    /// A hotline's `area_code` and `number`.
    pub fn parse(area_code: &str, number: &str) -> Result<Phone, PhoneError> {
        let digits = digits_of(number).ok_or(PhoneError::NotDigits)?;
        let area = digits_of(area_code).ok_or(PhoneError::BadArea)?;
        if !area.is_empty() && !valid_area(&area) {
            return Err(PhoneError::BadArea);
        }
        if digits.starts_with('0') {
            let (area, local) = if !area.is_empty() && digits.starts_with(&area) {
                (area.clone(), digits[area.len()..].to_string())
            } else {
                split_area(number, &digits)
            };
            return Err(PhoneError::Mixed { area, local });
        }
        Self::classify(area, digits)
    }

    /// One written number, area code included: `023-72700000`, `13812345678`, `96110`.
    pub fn parse_written(text: &str) -> Result<Phone, PhoneError> {
        let digits = digits_of(text).ok_or(PhoneError::NotDigits)?;
        if digits.starts_with('0') {
            let (area, local) = split_area(text, &digits);
            if !valid_area(&area) {
                return Err(PhoneError::BadArea);
            }
            return Self::classify(area, local);
        }
        Self::classify(String::new(), digits)
    }

    fn classify(area: String, local: String) -> Result<Phone, PhoneError> {
        let n = local.len();
        let (kind, what) = if n == 11 && local.starts_with('1') {
            (Kind::Mobile, "手机号")
        } else if n == 10 && (local.starts_with("400") || local.starts_with("800")) {
            (Kind::TollFree, "400/800 号码")
        } else if (3..=5).contains(&n) {
            (Kind::Service, "全国统一的服务号码")
        } else if (7..=8).contains(&n) && !local.starts_with(['0', '1']) {
            if area.is_empty() {
                return Err(PhoneError::MissingArea);
            }
            return Ok(Phone {
                area,
                local,
                kind: Kind::Fixed,
            });
        } else {
            return Err(PhoneError::BadLength { digits: n });
        };
        if !area.is_empty() {
            return Err(PhoneError::NeedlessArea { local, what });
        }
        Ok(Phone { area, local, kind })
    }

    /// The number as printed and shown: `0472-7107009`, `400-123-4567`, `96110`, and a mobile as its 11 digits
    /// `13812345678` (grouped, it would no longer fit the 72 pt numbers across an A4 poster).
    pub fn display(&self) -> String {
        let l = &self.local;
        match self.kind {
            Kind::Fixed => format!("{}-{l}", self.area),
            Kind::TollFree => format!("{}-{}-{}", &l[..3], &l[3..6], &l[6..]),
            Kind::Mobile | Kind::Service => l.clone(),
        }
    }

    /// The `tel:` link: the area code and the number, digits only.
    pub fn tel(&self) -> String {
        format!("tel:{}{}", self.area, self.local)
    }
}

impl PhoneError {
    /// The message for a writer, given the text they wrote.
    pub fn message(&self, written: &str) -> String {
        match self {
            PhoneError::NotDigits => format!("号码 `{written}` 只能包含数字"),
            PhoneError::BadArea => format!("区号 `{written}` 应该是 0 开头的 3～4 位数字"),
            PhoneError::Mixed { area, .. } => {
                format!("号码 `{written}` 里带着区号 {area}；区号只写在 area_code 里")
            }
            PhoneError::NeedlessArea { what, .. } => format!("{what}不加区号：`{written}`"),
            PhoneError::MissingArea => format!("固定电话 `{written}` 缺少区号"),
            PhoneError::BadLength { digits: 0 } => "号码是空的".to_string(),
            PhoneError::BadLength { digits } => {
                format!("号码 `{written}` 有 {digits} 位数字，不是有效的电话号码")
            }
        }
    }
}

/// What the accepted forms look like, for hints.
pub const FORMS: &str = "固定电话 7～8 位（区号另写，如 0472）、手机 11 位（1 开头）、服务号码 3～5 位（如 110、96110、12315）、400/800 号码 10 位";

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(area: &str, number: &str) -> (String, String) {
        let p = Phone::parse(area, number).unwrap();
        (p.display(), p.tel())
    }

    #[test]
    fn accepted_forms_and_their_grouping() {
        assert_eq!(
            ok("0472", "7107009"),
            ("0472-7107009".into(), "tel:04727107009".into())
        );
        assert_eq!(
            ok("023", "7270 6001"),
            ("023-72706001".into(), "tel:02372706001".into())
        );
        assert_eq!(
            ok("", "13812345678"),
            ("13812345678".into(), "tel:13812345678".into())
        );
        assert_eq!(
            ok("", "4001234567"),
            ("400-123-4567".into(), "tel:4001234567".into())
        );
        assert_eq!(ok("", "96110"), ("96110".into(), "tel:96110".into()));
        assert_eq!(ok("", "１１０"), ("110".into(), "tel:110".into()));
        assert_eq!(ok("", "95588"), ("95588".into(), "tel:95588".into()));
    }

    #[test]
    fn area_code_in_the_number_gives_the_corrected_pair() {
        let fix = |area: &str, local: &str| PhoneError::Mixed {
            area: area.into(),
            local: local.into(),
        };
        assert_eq!(
            Phone::parse("0472", "0472-7107009"),
            Err(fix("0472", "7107009"))
        );
        assert_eq!(
            Phone::parse("0472", "04727107009"),
            Err(fix("0472", "7107009"))
        );
        assert_eq!(
            Phone::parse("", "023-72706001"),
            Err(fix("023", "72706001"))
        );
        assert_eq!(Phone::parse("", "02372706001"), Err(fix("023", "72706001")));
        assert_eq!(
            Phone::parse("", "(0472)7107009"),
            Err(fix("0472", "7107009"))
        );
    }

    #[test]
    fn wrong_forms_are_refused() {
        assert_eq!(Phone::parse("", "7107009"), Err(PhoneError::MissingArea));
        assert_eq!(Phone::parse("472", "7107009"), Err(PhoneError::BadArea));
        assert_eq!(Phone::parse("", "11O"), Err(PhoneError::NotDigits));
        assert_eq!(
            Phone::parse("", "12"),
            Err(PhoneError::BadLength { digits: 2 })
        );
        assert_eq!(
            Phone::parse("", "1381234567"),
            Err(PhoneError::BadLength { digits: 10 })
        );
        assert!(matches!(
            Phone::parse("023", "13812345678"),
            Err(PhoneError::NeedlessArea { .. })
        ));
        assert!(matches!(
            Phone::parse("0472", "110"),
            Err(PhoneError::NeedlessArea { .. })
        ));
    }

    #[test]
    fn written_numbers() {
        let p = Phone::parse_written("023-72700000").unwrap();
        assert_eq!(
            (p.display(), p.tel()),
            ("023-72700000".into(), "tel:02372700000".into())
        );
        let p = Phone::parse_written("0472 7100000").unwrap();
        assert_eq!(p.display(), "0472-7100000");
        assert_eq!(
            Phone::parse_written("138-1234-5678").unwrap().display(),
            "13812345678"
        );
        assert_eq!(
            Phone::parse_written("7100000"),
            Err(PhoneError::MissingArea)
        );
        assert_eq!(
            Phone::parse_written("0472-710"),
            Err(PhoneError::NeedlessArea {
                local: "710".into(),
                what: "全国统一的服务号码"
            })
        );
    }
}
