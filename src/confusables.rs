//! Characters a writer types by accident that look like (or hide next to) the ASCII a TOML file
//! needs: full-width punctuation from a Chinese IME (`＝ ： “ ” ‘ ’ ， 【 】 ［ ］`), spaces that are
//! not spaces (U+00A0, U+3000) and invisible characters (U+200B–U+200D, U+2060, U+FEFF). This module
//! owns their table (name and what to type instead), the scan of TOML text outside strings and
//! comments, and the check of string values that must not hide such characters.

use std::ops::Range;

/// One confusable character: how to name it to a writer and what to type instead.
pub struct Confusable {
    pub ch: char,
    /// Chinese name, e.g. 全角等号.
    pub name: &'static str,
    /// What to type instead; empty means "delete it".
    pub instead: &'static str,
    /// Invisible: also wrong inside identifiers, slugs, links and numbers.
    pub invisible: bool,
}

const fn c(ch: char, name: &'static str, instead: &'static str, invisible: bool) -> Confusable {
    Confusable {
        ch,
        name,
        instead,
        invisible,
    }
}

/// Every character this module knows, in the order the issue lists them.
pub const TABLE: &[Confusable] = &[
    c('＝', "全角等号", "=", false),
    c('：', "全角冒号", "=", false),
    c('“', "中文左双引号", "\"", false),
    c('”', "中文右双引号", "\"", false),
    c('‘', "中文左单引号", "\"", false),
    c('’', "中文右单引号", "\"", false),
    c('，', "全角逗号", ",", false),
    c('【', "中文左方括号", "[", false),
    c('】', "中文右方括号", "]", false),
    c('［', "全角左方括号", "[", false),
    c('］', "全角右方括号", "]", false),
    c('\u{00A0}', "不换行空格", " ", true),
    c('\u{3000}', "全角空格", " ", true),
    c('\u{200B}', "零宽空格", "", true),
    c('\u{200C}', "零宽不连字", "", true),
    c('\u{200D}', "零宽连字", "", true),
    c('\u{2060}', "零宽不换行", "", true),
    c('\u{FEFF}', "字节顺序标记（BOM）", "", true),
];

pub fn lookup(ch: char) -> Option<&'static Confusable> {
    TABLE.iter().find(|c| c.ch == ch)
}

impl Confusable {
    /// `「＝」（U+FF1D，全角等号）`.
    pub fn describe(&self) -> String {
        let shown = if self.invisible {
            String::new()
        } else {
            format!("「{}」", self.ch)
        };
        format!("{shown}（U+{:04X}，{}）", self.ch as u32, self.name)
    }

    /// `把全角等号「＝」改成半角「=」` or `删掉零宽空格（U+200B）`.
    pub fn fix(&self) -> String {
        match (self.invisible, self.instead) {
            (_, "") => format!(
                "删掉{}（U+{:04X}，看不见，但在那里）",
                self.name, self.ch as u32
            ),
            (true, " ") => format!(
                "把{}（U+{:04X}）改成普通的半角空格，或者删掉",
                self.name, self.ch as u32
            ),
            (_, to) => format!("把{}「{}」改成半角「{to}」", self.name, self.ch),
        }
    }
}

/// The confusable characters of a TOML text that stand outside strings and comments, where TOML
/// syntax needs ASCII: byte offset and character, first per line only (one message a line).
pub fn scan_toml(text: &str) -> Vec<(usize, &'static Confusable)> {
    #[derive(PartialEq)]
    enum S {
        Code,
        Comment,
        Basic,
        Literal,
        MlBasic,
        MlLiteral,
    }
    let mut state = S::Code;
    let mut found = Vec::new();
    let mut line_reported = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, ch)) = chars.next() {
        let rest = &text[i..];
        match state {
            S::Code => match ch {
                '#' => state = S::Comment,
                '"' if rest.starts_with("\"\"\"") => {
                    state = S::MlBasic;
                    chars.nth(1);
                }
                '\'' if rest.starts_with("'''") => {
                    state = S::MlLiteral;
                    chars.nth(1);
                }
                '"' => state = S::Basic,
                '\'' => state = S::Literal,
                _ => {
                    if let Some(c) = lookup(ch)
                        && !line_reported
                        && !(i == 0 && ch == '\u{FEFF}')
                    {
                        found.push((i, c));
                        line_reported = true;
                    }
                }
            },
            S::Comment if ch == '\n' => state = S::Code,
            S::Basic | S::MlBasic if ch == '\\' => {
                chars.next();
            }
            S::Basic | S::Literal if ch == '\n' => state = S::Code,
            S::Basic if ch == '"' => state = S::Code,
            S::Literal if ch == '\'' => state = S::Code,
            S::MlBasic if rest.starts_with("\"\"\"") => {
                state = S::Code;
                chars.nth(1);
            }
            S::MlLiteral if rest.starts_with("'''") => {
                state = S::Code;
                chars.nth(1);
            }
            _ => {}
        }
        if ch == '\n' {
            line_reported = false;
        }
    }
    found
}

/// The first invisible character in a string value, with its byte range inside `value`.
pub fn invisible_in(value: &str) -> Option<(Range<usize>, &'static Confusable)> {
    value.char_indices().find_map(|(i, ch)| {
        lookup(ch)
            .filter(|c| c.invisible)
            .map(|c| (i..i + ch.len_utf8(), c))
    })
}

/// Keys whose values are identifiers, slugs, links, numbers or file names: an invisible character
/// there makes a different, broken value, so it is an error. Elsewhere (titles, texts) a warning.
pub const IDENTIFIER_KEYS: &[&str] = &[
    "id",
    "slug",
    "number",
    "area_code",
    "tactics",
    "hotlines",
    "source",
    "qr",
    "variants",
    "layout",
    "template",
    "page_template",
    "aliases",
    "category",
    "categories",
    "tags",
    "kind",
    "size",
    "orientation",
    "paper",
    "base_url",
    "theme",
    "language",
    "level",
    "sort_by",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ime_punctuation_outside_strings_only() {
        let t = "title＝\"甲，乙：“丙”\"\n# 注释：可以\ntags = [\"a\"，\"b\"]\ndate：2024-05-01\n";
        let f: Vec<char> = scan_toml(t).iter().map(|(_, c)| c.ch).collect();
        assert_eq!(f, vec!['＝', '，', '：']);
        let (at, _) = scan_toml(t)[2];
        assert_eq!(&t[at..at + 3], "：");
    }

    #[test]
    fn multiline_and_literal_strings_are_skipped() {
        let t = "a = '''x＝\ny：'''\nb = \"\"\"\n，\"\"\"\nc = 'd：'\ne = 1\u{3000}\n";
        let f: Vec<char> = scan_toml(t).iter().map(|(_, c)| c.ch).collect();
        assert_eq!(f, vec!['\u{3000}']);
    }

    #[test]
    fn curly_quotes_as_delimiters_are_found() {
        let t = "title = “保健品”\n";
        let f = scan_toml(t);
        assert_eq!(f.len(), 1, "one message a line");
        assert_eq!(f[0].1.ch, '“');
        assert_eq!(f[0].1.fix(), "把中文左双引号「“」改成半角「\"」");
    }

    #[test]
    fn invisible_characters_in_values() {
        let (r, c) = invisible_in("110\u{200B}").unwrap();
        assert_eq!((r, c.name), (3..6, "零宽空格"));
        assert!(invisible_in("“正常的标题”，全角标点可以").is_none());
        assert!(lookup('\u{FEFF}').unwrap().describe().contains("U+FEFF"));
    }
}
