//! ASCII URL slugs (Chinese turned into pinyin) and HTML heading ids.

use pinyin::ToPinyin;

/// An ASCII slug for a URL segment: lowercase letters, digits and `-`. Chinese characters become
/// their pinyin (one word each), other letters and symbols separate words, emoji-only names become
/// their code points so that every file name gets a stable, non-empty slug.
pub fn slugify(text: &str) -> String {
    #[derive(PartialEq)]
    enum Last {
        Start,
        Ascii,
        Cjk,
        Gap,
    }
    let mut out = String::with_capacity(text.len());
    let mut last = Last::Start;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if last == Last::Gap || last == Last::Cjk {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            last = Last::Ascii;
        } else if let Some(p) = c.to_pinyin() {
            if last == Last::Gap || last == Last::Ascii {
                out.push('-');
            }
            // ü is not ASCII; pinyin input methods type it as v.
            out.extend(p.plain().chars().map(|c| if c == 'ü' { 'v' } else { c }));
            last = Last::Cjk;
        } else if last != Last::Start {
            last = Last::Gap;
        }
    }
    if !out.is_empty() {
        return out;
    }
    // Nothing spellable (e.g. only emoji): name the code points. Punctuation alone (`！！！`) gives
    // no slug at all, which callers report.
    let codes: Vec<String> = text
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation() && !is_punctuation(*c))
        .map(|c| format!("u{:x}", c as u32))
        .collect();
    codes.join("-")
}

/// Whether `c` is punctuation in any script (`！`, `。`, `、`, `…`).
fn is_punctuation(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    c.general_category_group() == GeneralCategoryGroup::Punctuation
}

/// An id for a heading: keeps letters of any script (Chinese stays Chinese, as in Zola's "safe"
/// mode) and digits, lowercases ASCII, turns spaces into `-`, drops punctuation.
pub fn heading_id(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_')
            && !out.ends_with('-')
            && !out.is_empty()
        {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "section".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("保健品"), "baojianpin");
        assert_eq!(slugify("tactic-00002"), "tactic-00002");
        assert_eq!(slugify("My File Name"), "my-file-name");
        assert_eq!(slugify("以房养老 Guide"), "yifangyanglao-guide");
        assert_eq!(slugify("🚨"), "u1f6a8");
        assert_eq!(slugify("低价旅游"), "dijialvyou");
        assert_eq!(slugify("a.b"), "a-b");
        assert_eq!(slugify("snake_case"), "snake-case");
        assert_eq!(slugify("2022年案例"), "2022-niananli");
        assert_eq!(slugify("！！！"), "");
        assert_eq!(slugify("!!!"), "");
        assert_eq!(slugify("🚨！"), "u1f6a8");
    }

    #[test]
    fn heading_ids() {
        assert_eq!(heading_id("记住这几句话"), "记住这几句话");
        assert_eq!(heading_id("What to do?"), "what-to-do");
        assert_eq!(heading_id("！！"), "section");
    }
}
