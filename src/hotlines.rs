//! `content/hotlines.toml`, the single source of truth for phone numbers: loading, validation,
//! staleness of `verified` dates, and the `tel:` form of each number.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use crate::diag::{Diagnostic, codes};
use crate::phone::{FORMS, Phone, PhoneError};
use crate::toml_read::{Doc, Sp, Table};

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
        let mut errs = Vec::new();
        let mut warnings = Vec::new();
        top.check_keys(&["hotline"], "hotlines.toml", &mut errs);
        let mut hotlines = Hotlines::default();
        let mut id_spans: BTreeMap<String, Sp<String>> = BTreeMap::new();
        for (t, span) in top
            .opt_table_array("hotline", &mut errs)
            .unwrap_or_default()
        {
            t.check_keys(KEYS, "[[hotline]]", &mut errs);
            let required = |key: &str, errs: &mut Vec<Diagnostic>| -> Option<Sp<String>> {
                let v = t.opt_sp_str(key, errs);
                if v.is_none() && t.get(key).is_none() {
                    errs.push(
                        doc.error(
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
            };
            let id = required("id", &mut errs);
            let name = required("name", &mut errs);
            let number = required("number", &mut errs);
            let area_code = t.opt_sp_str("area_code", &mut errs);
            let verified = t.opt_date("verified", &mut errs);
            let hotline_fields = (
                t.opt_str("hours", &mut errs).unwrap_or_default(),
                t.opt_str("scope", &mut errs).unwrap_or_default(),
                t.opt_str("region", &mut errs).unwrap_or_default(),
                t.opt_bool("primary", &mut errs).unwrap_or(false),
            );
            let (Some(id), Some(name), Some(number)) = (id, name, number) else {
                continue;
            };
            if id.value.is_empty()
                || !id
                    .value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                errs.push(
                    Diagnostic::error(
                        codes::HOTLINE_FIELD,
                        format!("热线编号 `{}` 只能用英文字母、数字、- 和 _", id.value),
                    )
                    .at(display, source, id.span.clone())
                    .label("编号不合规")
                    .hint("例如 id = \"fanzha-96110\""),
                );
                continue;
            }
            let phone = match Phone::parse(
                area_code.as_ref().map_or("", |a| a.value.as_str()),
                &number.value,
            ) {
                Ok(p) => p,
                Err(e) => {
                    errs.push(phone_error(
                        display,
                        source,
                        &e,
                        &number,
                        area_code.as_ref(),
                    ));
                    continue;
                }
            };
            if let Some(prev) = id_spans.get(&id.value) {
                let (line, _) = crate::diag::line_col(source, prev.span.start);
                errs.push(
                    Diagnostic::error(
                        codes::HOTLINE_DUPLICATE,
                        format!("热线编号 `{}` 重复了", id.value),
                    )
                    .at(display, source, id.span.clone())
                    .label("重复的编号")
                    .hint(format!(
                        "第 {line} 行已经用过这个编号；每条热线的 id 必须不同"
                    )),
                );
                continue;
            }
            let stale = match &verified {
                Some(v) => (today - v.value.date).whole_days() > max_age_days,
                None => false,
            };
            if let Some(v) = &verified
                && stale
            {
                warnings.push(
                    Diagnostic::warning(
                        codes::STALE_HOTLINE,
                        format!(
                            "热线 `{}`（{}）上次核实是 {}，已超过 {} 天",
                            id.value,
                            number.value,
                            v.value.ymd(),
                            max_age_days
                        ),
                    )
                    .at(display, source, v.span.clone())
                    .label("核实日期太旧")
                    .hint("请打一次电话确认号码仍然有效，再把 verified 改成今天的日期"),
                );
            }
            let (hours, scope, region, primary) = hotline_fields;
            hotlines.by_id.insert(id.value.clone(), hotlines.list.len());
            hotlines.list.push(Hotline {
                id: id.value.clone(),
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
            });
            id_spans.insert(id.value.clone(), id);
        }
        if errs.is_empty() {
            hotlines.source = Some((display.to_path_buf(), source.clone()));
            Ok((hotlines, warnings))
        } else {
            Err(errs)
        }
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
