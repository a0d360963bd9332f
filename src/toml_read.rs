//! Typed, span-aware reading of TOML documents written by users (front matter, `site.toml`,
//! `hotlines.toml`, variant files): every wrong type, unknown key or bad value becomes a Chinese
//! [`Diagnostic`] pointing at the exact spot, with a suggestion.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::confusables;
use crate::diag::{Diagnostic, codes, did_you_mean};

/// A value together with its byte range in the file it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Sp<T> {
    pub value: T,
    pub span: Range<usize>,
}

/// A date from a front matter or data file: the instant (for sorting and feeds) and the calendar
/// date as written (for display).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateValue {
    pub instant: OffsetDateTime,
    pub date: Date,
}

impl DateValue {
    /// `YYYY-MM-DD`.
    pub fn ymd(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            self.date.year(),
            self.date.month() as u8,
            self.date.day()
        )
    }

    /// RFC 3339, for feeds and sitemaps.
    pub fn rfc3339(&self) -> String {
        self.instant
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|_| format!("{}T00:00:00Z", self.ymd()))
    }

    /// Parse `YYYY-MM-DD` or an RFC 3339 date-time given as a string.
    pub fn parse_str(s: &str) -> Option<DateValue> {
        let s = s.trim();
        if let Ok(dt) = OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
            return Some(DateValue {
                instant: dt,
                date: dt.date(),
            });
        }
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        let d = Date::parse(s, &fmt).ok()?;
        Some(DateValue::from_date(d))
    }

    pub fn from_date(d: Date) -> DateValue {
        DateValue {
            instant: PrimitiveDateTime::new(d, Time::MIDNIGHT).assume_utc(),
            date: d,
        }
    }

    fn from_toml(dt: &toml::value::Datetime) -> Option<DateValue> {
        let d = dt.date?;
        let date =
            Date::from_calendar_date(d.year as i32, Month::try_from(d.month).ok()?, d.day).ok()?;
        let time = match dt.time {
            Some(t) => Time::from_hms_nano(
                t.hour,
                t.minute,
                t.second.unwrap_or(0),
                t.nanosecond.unwrap_or(0),
            )
            .ok()?,
            None => Time::MIDNIGHT,
        };
        let offset = match dt.offset {
            Some(toml::value::Offset::Custom { minutes }) => {
                UtcOffset::from_whole_seconds(minutes as i32 * 60).ok()?
            }
            _ => UtcOffset::UTC,
        };
        Some(DateValue {
            instant: PrimitiveDateTime::new(date, time).assume_offset(offset),
            date,
        })
    }
}

/// The file a TOML text comes from, and where that text starts inside it.
pub struct Doc<'a> {
    pub file: &'a Path,
    pub source: &'a Arc<str>,
    pub offset: usize,
}

impl<'a> Doc<'a> {
    pub fn new(file: &'a Path, source: &'a Arc<str>, offset: usize) -> Self {
        Doc {
            file,
            source,
            offset,
        }
    }

    /// An error at a span relative to the TOML text.
    pub fn error(
        &self,
        code: &'static str,
        msg: impl Into<String>,
        span: Range<usize>,
    ) -> Diagnostic {
        Diagnostic::error(code, msg).at(self.file, self.source, self.abs(span))
    }

    pub fn abs(&self, span: Range<usize>) -> Range<usize> {
        span.start + self.offset..span.end + self.offset
    }

    /// Parse a TOML document, turning a syntax error into a Chinese diagnostic. Full-width
    /// punctuation and odd spaces outside strings are reported first, each naming the character.
    pub fn parse_table<'i>(&self, text: &'i str) -> Result<DeTable<'i>, Vec<Diagnostic>> {
        let confusables = confusables::scan_toml(text);
        if !confusables.is_empty() {
            return Err(confusables
                .into_iter()
                .map(|(at, c)| self.confusable(at..at + c.ch.len_utf8(), c))
                .collect());
        }
        match DeTable::parse(text) {
            Ok(t) => Ok(t.into_inner()),
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                let detail = e.message().trim().to_string();
                let hint = date_line_fix(text, span.start)
                    .map(|fixed| format!("日期写成 年-月-日，不加引号：{fixed}"))
                    .unwrap_or_else(|| toml_hint(&detail));
                Err(vec![
                    self.error(codes::TOML_SYNTAX, "TOML 语法错误", span)
                        .label(format!("这里写得不对（{detail}）"))
                        .hint(hint),
                ])
            }
        }
    }

    /// A character from [`confusables::TABLE`] at `span` (relative to the TOML text).
    fn confusable(&self, span: Range<usize>, c: &confusables::Confusable) -> Diagnostic {
        self.error(
            codes::CONFUSABLE_CHAR,
            format!("这里有一个{}", c.describe()),
            span,
        )
        .label(format!("{}，TOML 要用半角字符", c.name))
        .hint(c.fix())
    }

    /// An invisible character inside the string value of `key` (the value at `span`): an error,
    /// except for an odd space in free text, which may be meant.
    fn check_invisible(&self, key: &str, value: &str, span: Range<usize>) -> Option<Diagnostic> {
        let (at, c) = confusables::invisible_in(value)?;
        let is_ident = confusables::IDENTIFIER_KEYS.contains(&key);
        if !is_ident && matches!(c.ch, '\u{00A0}' | '\u{3000}') {
            return None;
        }
        let abs = self.abs(span);
        let raw = self.source.get(abs.clone()).unwrap_or("");
        let spot = raw
            .find(&value[at.clone()])
            .map_or(abs.clone(), |i| abs.start + i..abs.start + i + at.len());
        Some(
            Diagnostic::error(
                codes::CONFUSABLE_CHAR,
                format!("`{key}` 的值里有一个看不见的字符{}", c.describe()),
            )
            .at(self.file, self.source, spot)
            .label(
                match value[..at.start].chars().rev().take(4).collect::<String>() {
                    before if before.is_empty() => format!("这里藏着{}（在最前面）", c.name),
                    before => format!(
                        "这里藏着{}（在「{}」后面）",
                        c.name,
                        before.chars().rev().collect::<String>()
                    ),
                },
            )
            .hint(format!("{}；从 Word 或网页复制的文字常带这种字符", c.fix())),
        )
    }
}

/// A date written `2024/5/20`, `2024.5.20`, `2024-5-20` or `2024年5月20日` (quoted or not): the
/// corrected `YYYY-MM-DD`.
pub fn loose_date(text: &str) -> Option<String> {
    let t = text.trim().trim_matches(['"', '\'']).trim();
    let t = t.strip_suffix('日').unwrap_or(t);
    let parts: Vec<&str> = t
        .split(['/', '.', '-', '年', '月'])
        .map(str::trim)
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let (y, m, d): (i32, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let month = Month::try_from(m).ok()?;
    (y >= 1000 && Date::from_calendar_date(y, month, d).is_ok())
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// The line holding `offset`, corrected, when it is `key = <a date in a loose form>`.
fn date_line_fix(text: &str, offset: usize) -> Option<String> {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let (key, value) = line.split_once('=')?;
    let key = key.trim();
    let fixed = loose_date(value.split('#').next()?)?;
    (!key.is_empty()).then(|| format!("{key} = {fixed}"))
}

fn toml_hint(detail: &str) -> String {
    if detail.contains("duplicate") {
        "同一个键只能写一次，请删掉重复的那一行".into()
    } else if detail.contains("string") || detail.contains("quote") {
        "文字要用英文双引号括起来，例如 title = \"保健品骗局\"".into()
    } else {
        "每行写成 键 = 值；文字用英文双引号，列表用 [\"甲\", \"乙\"]，日期写成 2024-05-01".into()
    }
}

/// Chinese name of a TOML value's type, for error messages.
pub fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "文字（字符串）",
        DeValue::Integer(_) => "整数",
        DeValue::Float(_) => "小数",
        DeValue::Boolean(_) => "是/否（true 或 false）",
        DeValue::Datetime(_) => "日期",
        DeValue::Array(_) => "列表",
        DeValue::Table(_) => "表",
    }
}

/// Read access to one TOML table with typed getters that report problems into an error list.
pub struct Table<'a, 'i> {
    pub doc: &'a Doc<'a>,
    pub table: &'a DeTable<'i>,
}

type Entry<'a, 'i> = (
    &'a Spanned<std::borrow::Cow<'i, str>>,
    &'a Spanned<DeValue<'i>>,
);

impl<'a, 'i> Table<'a, 'i> {
    pub fn new(doc: &'a Doc<'a>, table: &'a DeTable<'i>) -> Self {
        Table { doc, table }
    }

    fn entry(&self, key: &str) -> Option<Entry<'a, 'i>> {
        self.table.iter().find(|(k, _)| k.get_ref().as_ref() == key)
    }

    pub fn get(&self, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Span of a key (relative to the TOML text).
    pub fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.entry(key).map(|(k, _)| k.span())
    }

    pub fn keys(&self) -> impl Iterator<Item = &'a str> {
        self.table.iter().map(|(k, _)| k.get_ref().as_ref())
    }

    /// Report every key that is not in `allowed`.
    pub fn check_keys(&self, allowed: &[&str], context: &str, errs: &mut Vec<Diagnostic>) {
        for (k, _) in self.table.iter() {
            let name = k.get_ref().as_ref();
            if !allowed.contains(&name) {
                errs.push(
                    self.doc
                        .error(
                            codes::UNKNOWN_KEY,
                            format!("{context} 里没有 `{name}` 这个键"),
                            k.span(),
                        )
                        .label("不认识的键")
                        .hint(did_you_mean(name, allowed)),
                );
            }
        }
    }

    fn wrong_type(
        &self,
        key: &str,
        want: &str,
        v: &Spanned<DeValue<'_>>,
        example: &str,
    ) -> Diagnostic {
        self.doc
            .error(
                codes::WRONG_TYPE,
                format!("`{key}` 应该是{want}，这里是{}", type_name(v.get_ref())),
                v.span(),
            )
            .label(format!("应该是{want}"))
            .hint(format!("例如：{key} = {example}"))
    }

    pub fn opt_sp_str(&self, key: &str, errs: &mut Vec<Diagnostic>) -> Option<Sp<String>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => {
                errs.extend(self.doc.check_invisible(key, s, v.span()));
                Some(Sp {
                    value: s.to_string(),
                    span: self.doc.abs(v.span()),
                })
            }
            _ => {
                errs.push(self.wrong_type(key, "文字（字符串）", v, "\"……\""));
                None
            }
        }
    }

    pub fn opt_str(&self, key: &str, errs: &mut Vec<Diagnostic>) -> Option<String> {
        self.opt_sp_str(key, errs).map(|s| s.value)
    }

    pub fn opt_bool(&self, key: &str, errs: &mut Vec<Diagnostic>) -> Option<bool> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                errs.push(self.wrong_type(key, "是/否（true 或 false）", v, "true"));
                None
            }
        }
    }

    pub fn opt_int(&self, key: &str, errs: &mut Vec<Diagnostic>) -> Option<i64> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Integer(i) => match parse_int(i.as_str(), i.radix()) {
                Some(n) => Some(n),
                None => {
                    errs.push(
                        self.doc
                            .error(
                                codes::INVALID_VALUE,
                                format!("`{key}` 的数字太大"),
                                v.span(),
                            )
                            .label("超出范围"),
                    );
                    None
                }
            },
            _ => {
                errs.push(self.wrong_type(key, "整数", v, "3"));
                None
            }
        }
    }

    pub fn opt_float(&self, key: &str, errs: &mut Vec<Diagnostic>) -> Option<f64> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Integer(i) => parse_int(i.as_str(), i.radix()).map(|n| n as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse().ok(),
            _ => {
                errs.push(self.wrong_type(key, "数字", v, "3"));
                None
            }
        }
    }

    pub fn opt_date(&self, key: &str, errs: &mut Vec<Diagnostic>) -> Option<Sp<DateValue>> {
        let v = self.get(key)?;
        let parsed = match v.get_ref() {
            DeValue::Datetime(dt) => DateValue::from_toml(dt),
            DeValue::String(s) => DateValue::parse_str(s),
            _ => {
                errs.push(self.wrong_type(key, "日期", v, "2024-05-01"));
                return None;
            }
        };
        match parsed {
            Some(d) => Some(Sp {
                value: d,
                span: self.doc.abs(v.span()),
            }),
            None => {
                let hint = match v.get_ref() {
                    DeValue::String(s) if let Some(fixed) = loose_date(s) => {
                        format!("日期写成 年-月-日，不加引号：{key} = {fixed}")
                    }
                    _ => format!("日期写成 年-月-日，例如：{key} = 2024-05-01"),
                };
                errs.push(
                    self.doc
                        .error(
                            codes::INVALID_DATE,
                            format!("`{key}` 不是有效的日期"),
                            v.span(),
                        )
                        .label("看不懂这个日期")
                        .hint(hint),
                );
                None
            }
        }
    }

    pub fn opt_str_list(&self, key: &str, errs: &mut Vec<Diagnostic>) -> Option<Vec<Sp<String>>> {
        let v = self.get(key)?;
        let DeValue::Array(items) = v.get_ref() else {
            errs.push(self.wrong_type(key, "列表", v, "[\"甲\", \"乙\"]"));
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => {
                    errs.extend(self.doc.check_invisible(key, s, item.span()));
                    out.push(Sp {
                        value: s.to_string(),
                        span: self.doc.abs(item.span()),
                    })
                }
                other => {
                    errs.push(
                        self.doc
                            .error(
                                codes::WRONG_TYPE,
                                format!(
                                    "`{key}` 列表里的每一项都应该是文字，这一项是{}",
                                    type_name(other)
                                ),
                                item.span(),
                            )
                            .label("应该是文字")
                            .hint("文字要用英文双引号括起来，例如 [\"甲\", \"乙\"]"),
                    );
                }
            }
        }
        Some(out)
    }

    pub fn opt_table(&self, key: &str, errs: &mut Vec<Diagnostic>) -> Option<Table<'a, 'i>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Table(t) => Some(Table::new(self.doc, t)),
            _ => {
                errs.push(self.wrong_type(key, "表", v, &format!("{{ … }}，或单独一行 [{key}]")));
                None
            }
        }
    }

    /// A table of arbitrary values (e.g. `[extra]`), converted for templates.
    pub fn opt_json(&self, key: &str, errs: &mut Vec<Diagnostic>) -> Option<serde_json::Value> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Table(_) => Some(to_json(v.get_ref())),
            _ => {
                errs.push(self.wrong_type(key, "表", v, &format!("单独一行 [{key}]")));
                None
            }
        }
    }

    /// An array of tables, such as `[[hotline]]`.
    pub fn opt_table_array(
        &self,
        key: &str,
        errs: &mut Vec<Diagnostic>,
    ) -> Option<Vec<(Table<'a, 'i>, Range<usize>)>> {
        let v = self.get(key)?;
        let DeValue::Array(items) = v.get_ref() else {
            errs.push(self.wrong_type(key, "表的列表", v, &format!("[[{key}]]")));
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(t) => out.push((Table::new(self.doc, t), item.span())),
                other => errs.push(
                    self.doc
                        .error(
                            codes::WRONG_TYPE,
                            format!("`{key}` 的每一项都应该是表，这一项是{}", type_name(other)),
                            item.span(),
                        )
                        .hint(format!("每一项用单独一行 [[{key}]] 开头")),
                ),
            }
        }
        Some(out)
    }
}

fn parse_int(s: &str, radix: u32) -> Option<i64> {
    let clean: String = s.chars().filter(|&c| c != '_').collect();
    let digits = clean
        .strip_prefix("0x")
        .or_else(|| clean.strip_prefix("0o"))
        .or_else(|| clean.strip_prefix("0b"))
        .unwrap_or(&clean);
    i64::from_str_radix(digits, radix).ok()
}

/// Convert a TOML value to JSON for templates (dates become `YYYY-MM-DD` or RFC 3339 strings).
pub fn to_json(v: &DeValue<'_>) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        DeValue::String(s) => J::String(s.to_string()),
        DeValue::Integer(i) => parse_int(i.as_str(), i.radix()).map_or(J::Null, J::from),
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(J::Null, J::Number),
        DeValue::Boolean(b) => J::Bool(*b),
        DeValue::Datetime(dt) => J::String(dt.to_string()),
        DeValue::Array(a) => J::Array(a.iter().map(|x| to_json(x.get_ref())).collect()),
        DeValue::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.get_ref().to_string(), to_json(v.get_ref())))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_all_forms() {
        let d = DateValue::parse_str("2022-05-15").unwrap();
        assert_eq!(d.ymd(), "2022-05-15");
        assert_eq!(d.rfc3339(), "2022-05-15T00:00:00Z");
        let d = DateValue::parse_str("2016-01-01T20:46:00+08:00").unwrap();
        assert_eq!(d.ymd(), "2016-01-01");
        assert!(DateValue::parse_str("2022-13-01").is_none());
    }

    #[test]
    fn typed_getters_report_wrong_types() {
        let src: Arc<str> = Arc::from("title = 3\ntags = [\"a\", 2]\ndate = \"2022-02-30\"\n");
        let doc = Doc::new(Path::new("x.md"), &src, 0);
        let t = doc.parse_table(&src).unwrap();
        let t = Table::new(&doc, &t);
        let mut errs = Vec::new();
        assert!(t.opt_str("title", &mut errs).is_none());
        assert_eq!(t.opt_str_list("tags", &mut errs).unwrap().len(), 1);
        assert!(t.opt_date("date", &mut errs).is_none());
        let codes: Vec<_> = errs.iter().map(|e| e.code).collect();
        assert_eq!(codes, ["E1005", "E1005", "E1008"]);
        assert_eq!(errs[1].position(), "x.md:2:14");
    }
}
