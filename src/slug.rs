//! ASCII URL slugs (Chinese turned into pinyin, read word by word so that polyphones like 行 in 银行 and
//! 行长 come out right) and HTML heading ids. Phrase readings are remembered across builds in
//! `ROOT/.fangpian-cache/pinyin.txt` ([`load_readings`], [`save_readings`]): the phrase dictionary costs
//! about half a second to load, and a site's names rarely change between builds.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

use pinyin::{ToPinyin, ToPinyinMulti};

use crate::print::cache::{site_cache, write_atomic};

/// An ASCII slug for a URL segment: lowercase letters, digits and `-`. A run of Chinese characters becomes
/// its pinyin without spaces or tones, other letters and symbols separate words, emoji-only names become
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
    let mut run = String::new();
    for c in text.chars() {
        if c.to_pinyin().is_some() {
            run.push(c);
            continue;
        }
        if !run.is_empty() {
            if last == Last::Gap || last == Last::Ascii {
                out.push('-');
            }
            out.push_str(&run_pinyin(&run));
            run.clear();
            last = Last::Cjk;
        }
        if c.is_ascii_alphanumeric() {
            if last == Last::Gap || last == Last::Cjk {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            last = Last::Ascii;
        } else if last != Last::Start {
            last = Last::Gap;
        }
    }
    if !run.is_empty() {
        if last == Last::Gap || last == Last::Ascii {
            out.push('-');
        }
        out.push_str(&run_pinyin(&run));
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

/// The toneless pinyin of a run of Chinese characters, `ü` written `v` as pinyin input methods type it.
/// Characters with one reading are spelled directly; a run with a polyphone is read word by word from the
/// phrase dictionary of `pinyin-converter` (银行 yinhang, 行长 hangzhang), which is loaded only then.
fn run_pinyin(run: &str) -> String {
    let per_char = || -> String {
        run.to_pinyin()
            .flatten()
            .flat_map(|p| p.plain().chars())
            .map(|c| if c == 'ü' { 'v' } else { c })
            .collect()
    };
    let polyphone = run.chars().any(|c| {
        c.to_pinyin_multi().is_some_and(|m| {
            let first = m.get(0).plain();
            m.into_iter().any(|p| p.plain() != first)
        })
    });
    if !polyphone {
        return per_char();
    }
    if let Some(read) = remembered(run) {
        return read;
    }
    let read = phrase_reading(run).unwrap_or_else(per_char);
    remember(run, &read);
    read
}

/// The phrase-dictionary reading of a run with a polyphone, if it spells out as plain letters.
fn phrase_reading(run: &str) -> Option<String> {
    let read = pinyin_phrases::Converter::new(run)
        .without_tone()
        .yu_to_v()
        .to_string_with("");
    is_reading(&read).then_some(read)
}

fn is_reading(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase())
}

/// The first line of the readings file: the file's format and the phrase dictionary's version (a new
/// dictionary may read a phrase differently, so its readings start afresh).
const READINGS_HEADER: &str = "fangpian pinyin readings 1, pinyin-converter 0.1.0";
/// The readings file, in the site's cache folder.
const READINGS_FILE: &str = "pinyin.txt";

/// Readings of polyphone runs known to this process: loaded from the site's cache, or read from the
/// phrase dictionary. `used` are the runs this process asked for, `added` whether any was new.
#[derive(Default)]
struct Readings {
    known: HashMap<String, String>,
    used: HashSet<String>,
    added: bool,
}

static READINGS: Mutex<Option<Readings>> = Mutex::new(None);

fn readings() -> std::sync::MutexGuard<'static, Option<Readings>> {
    READINGS.lock().unwrap_or_else(|e| e.into_inner())
}

fn remembered(run: &str) -> Option<String> {
    let mut guard = readings();
    let r = guard.as_mut()?;
    let read = r.known.get(run)?.clone();
    r.used.insert(run.to_string());
    Some(read)
}

fn remember(run: &str, read: &str) {
    let mut guard = readings();
    let r = guard.get_or_insert_with(Readings::default);
    r.known.insert(run.to_string(), read.to_string());
    r.used.insert(run.to_string());
    r.added = true;
}

/// Load the readings remembered by earlier builds of the site at `root` (a missing, unreadable or
/// outdated file is simply not used).
pub fn load_readings(root: &Path) {
    let file = site_cache(root).map(|d| d.join(READINGS_FILE));
    let Some(text) = file.and_then(|f| std::fs::read_to_string(f).ok()) else {
        return;
    };
    let mut lines = text.lines();
    if lines.next() != Some(READINGS_HEADER) {
        return;
    }
    let mut guard = readings();
    let r = guard.get_or_insert_with(Readings::default);
    for (run, read) in lines.filter_map(|l| l.split_once('\t')) {
        let is_run = !run.is_empty() && run.chars().all(|c| c.to_pinyin().is_some());
        if is_run && is_reading(read) && !r.known.contains_key(run) {
            r.known.insert(run.to_string(), read.to_string());
        }
    }
}

/// Write the readings this process used back to the site's cache when any was new or any remembered
/// one went unused ([`write_atomic`]). Failing only costs time in the next build.
pub fn save_readings(root: &Path) {
    let mut guard = readings();
    let Some(r) = guard.as_mut() else {
        return;
    };
    if !r.added && r.used.len() == r.known.len() {
        return;
    }
    let mut lines: Vec<String> = r
        .used
        .iter()
        .filter_map(|run| Some(format!("{run}\t{}\n", r.known.get(run)?)))
        .collect();
    lines.sort();
    // What was written is what the next build will know.
    let Readings { known, used, added } = r;
    known.retain(|run, _| used.contains(run));
    *added = false;
    drop(guard);
    let Some(dir) = site_cache(root).filter(|d| std::fs::create_dir_all(d).is_ok()) else {
        return;
    };
    let text = format!("{READINGS_HEADER}\n{}", lines.concat());
    write_atomic(&dir, READINGS_FILE, text.as_bytes());
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
    fn polyphones_are_read_by_word() {
        for (text, slug) in [
            ("银行", "yinhang"),
            ("重庆", "chongqing"),
            ("长者", "zhangzhe"),
            ("行长", "hangzhang"),
            ("朝阳", "chaoyang"),
            ("会计", "kuaiji"),
            ("音乐", "yinyue"),
            ("银行柜员冒充公检法", "yinhangguiyuanmaochonggongjianfa"),
            ("重庆 2026 年", "chongqing-2026-nian"),
        ] {
            assert_eq!(slugify(text), slug, "{text}");
        }
    }

    /// Publicity vocabulary with polyphones (anti-fraud, elderly care, banking, insurance, place names):
    /// at least 98 % must be read right.
    #[test]
    fn polyphone_vocabulary_scores_at_least_98_percent() {
        let list = include_str!("../tests/data/polyphones.txt");
        let mut words = 0;
        let mut misses = Vec::new();
        for line in list.lines().filter(|l| !l.starts_with('#')) {
            let (word, want) = line.split_once(' ').unwrap();
            let polyphone = word.chars().any(|c| {
                c.to_pinyin_multi().is_some_and(|m| {
                    let first = m.get(0).plain();
                    m.into_iter().any(|p| p.plain() != first)
                })
            });
            if !polyphone {
                continue;
            }
            words += 1;
            let got = slugify(word);
            if got != want {
                misses.push(format!("{word}: {got}, not {want}"));
            }
        }
        eprintln!("{words} polyphone words, misses: {misses:?}");
        assert!(words >= 150, "only {words} polyphone words");
        let score = (words - misses.len()) as f64 / words as f64;
        assert!(score >= 0.98, "{score:.3} of {words}; misses: {misses:?}");
    }

    #[test]
    fn heading_ids() {
        assert_eq!(heading_id("记住这几句话"), "记住这几句话");
        assert_eq!(heading_id("What to do?"), "what-to-do");
        assert_eq!(heading_id("！！"), "section");
    }
}
