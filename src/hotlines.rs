//! `content/hotlines.toml`, the single source of truth for phone numbers: loading, validation,
//! staleness of `verified` dates, and the `tel:` form of each number.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use crate::diag::{Diagnostic, codes};
use crate::phone::{FORMS, Phone, PhoneError};
use crate::toml_read::{DateValue, Doc, Sp, Table};

/// One hotline.
#[derive(Clone, Debug, Serialize)]
pub struct Hotline {
    pub id: String,
    pub name: String,
    pub number: String,
    pub area_code: String,
    pub hours: String,
    pub scope: String,
    pub region: String,
    /// `YYYY-MM-DD`, empty when never verified.
    pub verified: String,
    pub primary: bool,
    /// The number as shown: `0472-7107009` or `110`.
    pub display: String,
    /// The `tel:` URL with the area code: `tel:04727107009`.
    pub tel: String,
    /// Whether `verified` is older than the site's limit (computed at load time).
    pub stale: bool,
}

/// All hotlines, in file order, with their ids' spans for error reporting.
#[derive(Clone, Debug, Default)]
pub struct Hotlines {
    pub list: Vec<Hotline>,
    by_id: BTreeMap<String, usize>,
    /// The file they came from and its text, for locating characters in messages.
    pub source: Option<(std::path::PathBuf, Arc<str>)>,
}

const KEYS: &[&str] = &[
    "id",
    "name",
    "number",
    "area_code",
    "hours",
    "scope",
    "region",
    "verified",
    "primary",
];

impl Hotlines {
    pub fn get(&self, id: &str) -> Option<&Hotline> {
        self.by_id.get(id).map(|&i| &self.list[i])
    }

    pub fn ids(&self) -> Vec<&str> {
        self.list.iter().map(|h| h.id.as_str()).collect()
    }

    pub fn primary(&self) -> Vec<&Hotline> {
        self.list.iter().filter(|h| h.primary).collect()
    }

    /// Load `content/hotlines.toml` if it exists. Returns the hotlines and warnings (stale dates).
    pub fn load(
        root: &Path,
        today: time::Date,
        max_age_days: i64,
    ) -> Result<(Hotlines, Vec<Diagnostic>), Vec<Diagnostic>> {
        let display = Path::new("content/hotlines.toml");
        let read = crate::boundary::Boundary::new(root).read("content/hotlines.toml");
        let Some(bytes) = read.map_err(|d| vec![d])? else {
            return Ok((Hotlines::default(), Vec::new()));
        };
        let source = crate::content::decode_text(bytes, display).map_err(|d| vec![d])?;
        Self::parse(display, &source, today, max_age_days)
    }

    pub fn parse(
        display: &Path,
        source: &Arc<str>,
        today: time::Date,
        max_age_days: i64,
    ) -> Result<(Hotlines, Vec<Diagnostic>), Vec<Diagnostic>> {
        let doc = Doc::new(display, source, 0);
        let table = doc.parse_table(source)?;
        let top = Table::new(&doc, &table);
        let mut p = EntryParser {
            doc: &doc,
            today,
            max_age_days,
            errs: Vec::new(),
            warnings: Vec::new(),
            id_spans: BTreeMap::new(),
        };
        top.check_keys(&["hotline"], "hotlines.toml", &mut p.errs);
        let mut hotlines = Hotlines::default();
        let entries = top.opt_table_array("hotline", &mut p.errs);
        for (t, span) in entries.unwrap_or_default() {
            if let Some(h) = p.entry(&t, span) {
                hotlines.by_id.insert(h.id.clone(), hotlines.list.len());
                hotlines.list.push(h);
            }
        }
        if p.errs.is_empty() {
            hotlines.source = Some((display.to_path_buf(), source.clone()));
            Ok((hotlines, p.warnings))
        } else {
            Err(p.errs)
        }
    }
}

/// Reads the `[[hotline]]` entries one by one, remembering the ids seen and collecting errors and
/// warnings (stale `verified` dates).
struct EntryParser<'d> {
    doc: &'d Doc<'d>,
    today: time::Date,
    max_age_days: i64,
    errs: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    id_spans: BTreeMap<String, Sp<String>>,
}

impl EntryParser<'_> {
    /// One `[[hotline]]` table starting at `span`; `None` when it has an error.
    fn entry(&mut self, t: &Table, span: Range<usize>) -> Option<Hotline> {
        t.check_keys(KEYS, "[[hotline]]", &mut self.errs);
        let id = self.required(t, "id", &span);
        let name = self.required(t, "name", &span);
        let number = self.required(t, "number", &span);
        let errs = &mut self.errs;
        let area_code = t.opt_sp_str("area_code", errs);
        let verified = t.opt_date("verified", errs);
        let hours = t.opt_str("hours", errs).unwrap_or_default();
        let scope = t.opt_str("scope", errs).unwrap_or_default();
        let region = t.opt_str("region", errs).unwrap_or_default();
        let primary = t.opt_bool("primary", errs).unwrap_or(false);
        let (id, name, number) = (id?, name?, number?);
        self.check_id(&id)?;
        let phone = self.phone(&number, area_code.as_ref())?;
        self.check_unique(&id)?;
        let stale = self.check_verified(&id, &number, verified.as_ref());
        self.id_spans.insert(id.value.clone(), id.clone());
        Some(Hotline {
            id: id.value,
            name: name.value,
            display: phone.display(),
            tel: phone.tel(),
            number: phone.local,
            area_code: phone.area,
            hours,
            scope,
            region,
            verified: verified.map(|v| v.value.ymd()).unwrap_or_default(),
            primary,
            stale,
        })
    }

    /// A key every hotline must have.
    fn required(&mut self, t: &Table, key: &str, span: &Range<usize>) -> Option<Sp<String>> {
        let v = t.opt_sp_str(key, &mut self.errs);
        if v.is_none() && t.get(key).is_none() {
            self.errs.push(
                self.doc
                    .error(
                        codes::HOTLINE_FIELD,
                        format!("这条热线缺少 `{key}`"),
                        span.start..span.start + 1,
                    )
                    .label("这一条 [[hotline]]")
                    .hint(match key {
                        "id" => "每条热线都要有一个英文编号，例如 id = \"police\"，正文里用 <hotline:police> 引用",
                        "name" => "写上热线名称，例如 name = \"反诈预警劝阻专线\"",
                        _ => "写上号码本身，例如 number = \"96110\"；区号另写在 area_code",
                    }),
            );
        }
        v
    }

    fn check_id(&mut self, id: &Sp<String>) -> Option<()> {
        let ok = !id.value.is_empty()
            && id
                .value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if ok {
            return Some(());
        }
        self.errs.push(
            Diagnostic::error(
                codes::HOTLINE_FIELD,
                format!("热线编号 `{}` 只能用英文字母、数字、- 和 _", id.value),
            )
            .at(self.doc.file, self.doc.source, id.span.clone())
            .label("编号不合规")
            .hint("例如 id = \"fanzha-96110\""),
        );
        None
    }

    fn phone(&mut self, number: &Sp<String>, area_code: Option<&Sp<String>>) -> Option<Phone> {
        let area = area_code.map_or("", |a| a.value.as_str());
        match Phone::parse(area, &number.value) {
            Ok(p) => Some(p),
            Err(e) => {
                let (file, source) = (self.doc.file, self.doc.source);
                self.errs
                    .push(phone_error(file, source, &e, number, area_code));
                None
            }
        }
    }

    fn check_unique(&mut self, id: &Sp<String>) -> Option<()> {
        let Some(prev) = self.id_spans.get(&id.value) else {
            return Some(());
        };
        let (line, _) = crate::diag::line_col(self.doc.source, prev.span.start);
        self.errs.push(
            Diagnostic::error(
                codes::HOTLINE_DUPLICATE,
                format!("热线编号 `{}` 重复了", id.value),
            )
            .at(self.doc.file, self.doc.source, id.span.clone())
            .label("重复的编号")
            .hint(format!(
                "第 {line} 行已经用过这个编号；每条热线的 id 必须不同"
            )),
        );
        None
    }

    /// Whether the number was last verified too long ago (with a warning when it was).
    fn check_verified(
        &mut self,
        id: &Sp<String>,
        number: &Sp<String>,
        verified: Option<&Sp<DateValue>>,
    ) -> bool {
        let Some(v) = verified else {
            return false;
        };
        if (self.today - v.value.date).whole_days() <= self.max_age_days {
            return false;
        }
        self.warnings.push(
            Diagnostic::warning(
                codes::STALE_HOTLINE,
                format!(
                    "热线 `{}`（{}）上次核实是 {}，已超过 {} 天",
                    id.value,
                    number.value,
                    v.value.ymd(),
                    self.max_age_days
                ),
            )
            .at(self.doc.file, self.doc.source, v.span.clone())
            .label("核实日期太旧")
            .hint("请打一次电话确认号码仍然有效，再把 verified 改成今天的日期"),
        );
        true
    }
}

/// The diagnostic for a hotline whose `area_code` and `number` are not a valid Chinese number: it points at
/// the field to change and gives the corrected pair.
fn phone_error(
    display: &Path,
    source: &Arc<str>,
    e: &PhoneError,
    number: &Sp<String>,
    area_code: Option<&Sp<String>>,
) -> Diagnostic {
    let pair = |area: &str, local: &str| format!("area_code = \"{area}\"，number = \"{local}\"");
    let (code, field, label, hint) = match e {
        PhoneError::NotDigits => (
            codes::HOTLINE_NUMBER,
            number,
            "号码里有数字以外的字符",
            "只写号码，例如 number = \"7107009\"；区号写在 area_code = \"0472\"".to_string(),
        ),
        PhoneError::BadArea => (
            codes::HOTLINE_NUMBER,
            area_code.unwrap_or(number),
            "区号不对",
            "例如 area_code = \"023\"；手机号和全国统一号码（110、12345）不写区号".to_string(),
        ),
        PhoneError::Mixed { area, local } => (
            codes::HOTLINE_AREA_CODE,
            number,
            "number 里又写了区号",
            format!("区号和号码分开写：{}", pair(area, local)),
        ),
        PhoneError::NeedlessArea { local, .. } => (
            codes::HOTLINE_AREA_CODE,
            area_code.unwrap_or(number),
            "这里应当留空",
            format!("改成 {}", pair("", local)),
        ),
        PhoneError::MissingArea => (
            codes::HOTLINE_AREA_CODE,
            number,
            "固定电话要有区号",
            format!(
                "加上区号，例如 area_code = \"0472\"，number = \"{}\"",
                number.value.trim()
            ),
        ),
        PhoneError::BadLength { .. } => (
            codes::HOTLINE_NUMBER,
            number,
            "位数不对",
            format!("请核对号码。能用的号码：{FORMS}"),
        ),
    };
    let written = if matches!(e, PhoneError::BadArea) {
        area_code.map_or("", |a| a.value.as_str())
    } else {
        number.value.as_str()
    };
    let message = match e {
        PhoneError::NeedlessArea { .. } => format!(
            "{}（area_code = \"{}\"）",
            e.message(written),
            area_code.map_or("", |a| a.value.as_str())
        ),
        _ => e.message(written),
    };
    Diagnostic::error(code, message)
        .at(display, source, field.span.clone())
        .label(label)
        .hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<(Hotlines, Vec<Diagnostic>), Vec<Diagnostic>> {
        let src: Arc<str> = Arc::from(text);
        let today = time::macros::date!(2026 - 11 - 23);
        Hotlines::parse(Path::new("content/hotlines.toml"), &src, today, 180)
    }

    #[test]
    fn tel_links_carry_the_area_code() {
        let (h, w) = parse(
            "[[hotline]]\nid = \"mz\"\nname = \"民政举报\"\nnumber = \"7107009\"\narea_code = \"0472\"\nverified = 2022-05-15\n\n[[hotline]]\nid = \"police\"\nname = \"报警\"\nnumber = \"110\"\nprimary = true\n",
        )
        .unwrap();
        assert_eq!(h.get("mz").unwrap().tel, "tel:04727107009");
        assert_eq!(h.get("mz").unwrap().display, "0472-7107009");
        assert_eq!(h.get("police").unwrap().tel, "tel:110");
        assert_eq!(h.primary().len(), 1);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].code, "W2001");
    }

    #[test]
    fn duplicates_and_bad_numbers_are_errors() {
        let e = parse("[[hotline]]\nid = \"a\"\nname = \"x\"\nnumber = \"110\"\n[[hotline]]\nid = \"a\"\nname = \"y\"\nnumber = \"12a\"\n")
            .unwrap_err();
        assert_eq!(e[0].code, "E1303");
        let e = parse("[[hotline]]\nid = \"a\"\nname = \"x\"\nnumber = \"110\"\n[[hotline]]\nid = \"a\"\nname = \"y\"\nnumber = \"120\"\n")
            .unwrap_err();
        assert_eq!(e[0].code, "E1302");
        assert_eq!(e[0].position(), "content/hotlines.toml:6:6");
    }
}
