//! The built-in Chinese search index, written at build time and read by the theme's small
//! `search.js` (plain ES5, no WebAssembly, no `Intl.Segmenter`).
//!
//! Each page becomes one document whose text is its title and warning signs (the weighted "head"),
//! then its description and other typed fields, then the visible text of its body. Text is folded
//! one UTF-16 unit for one (full-width ASCII to half-width, Latin to lower case), so positions in
//! the folded text are positions in the original. A *word character* is a Han character, an ASCII
//! digit or an ASCII letter; everything else separates. The index holds every word character
//! (for one-character queries) and every pair of adjacent word characters (bigrams), so a query of
//! word characters is a substring of a page exactly when its bigrams occur at consecutive positions.
//!
//! Files under `search/` (the client finds a gram's shard with the same hash, [`shard_of`]):
//! - `index.json`: `{"v":1,"n":documents,"s":posting shards,"p":position shards}`;
//! - `s/N.txt`: one line per gram: `gram TAB docs TAB head-docs`, document numbers as base-36
//!   deltas joined by `,` (head-docs: the documents with the gram in the title or warning signs);
//! - `p/N.txt`: one line per bigram: `gram TAB doc:pos.pos;doc:pos…` (base-36 deltas), fetched only
//!   to verify queries of three or more characters;
//! - `t/N.txt`: document N: a JSON line (`u` path, `t` title, `k` kind, `d` date, `h` head length in
//!   UTF-16 units), then its text, for results and snippets.

use std::collections::HashMap;
use std::fmt::Write as _;

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::frontmatter::KindFields;
use crate::markdown::Bodies;
use crate::output::Sink;
use crate::site::Site;

/// Folder of the index in the output.
pub const DIR: &str = "search";
/// URL of the search page (rendered from the theme's `search.html`).
pub const PAGE: &str = "/search/";
/// Target size in bytes of one postings shard before compression: a sentence fetches one shard
/// per bigram, so shards are small.
const POSTINGS_SHARD_BYTES: usize = 4_000;
/// Target size in bytes of one positions shard before compression.
const POSITIONS_SHARD_BYTES: usize = 8_000;

/// Fold one UTF-16 unit: full-width ASCII and the ideographic space to their half-width forms,
/// ASCII capitals to lower case. Never changes the length of a text.
pub fn fold(c: u16) -> u16 {
    match c {
        0xFF01..=0xFF5E => fold(c - 0xFEE0),
        0x3000 => 0x20,
        0x41..=0x5A => c + 32,
        _ => c,
    }
}

/// Whether a folded unit is part of a word: a Han character, an ASCII digit or letter.
pub fn is_word(c: u16) -> bool {
    matches!(c, 0x30..=0x39 | 0x61..=0x7A | 0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// Whether a folded unit is a Han character.
pub fn is_han(c: u16) -> bool {
    is_word(c) && c > 0x7A
}

/// The folded text of `s` as UTF-16 units.
pub fn fold_text(s: &str) -> Vec<u16> {
    s.encode_utf16().map(fold).collect()
}

/// A query as the index sees it: folded, with everything but word characters dropped.
pub fn normalize_query(q: &str) -> Vec<u16> {
    fold_text(q).into_iter().filter(|&c| is_word(c)).collect()
}

/// Whether `q` (normalized) is answered exactly: at most four Han characters, with any digits and
/// Latin letters. Longer queries are sentences and are ranked.
pub fn is_exact_query(q: &[u16]) -> bool {
    !q.is_empty() && q.iter().filter(|&&c| is_han(c)).count() <= 4
}

/// The shard of a gram: a hash both sides compute the same way (exact in JavaScript's doubles).
pub fn shard_of(gram: &[u16], shards: usize) -> usize {
    let h = gram
        .iter()
        .fold(0u64, |h, &c| (h * 31 + u64::from(c)) % 2_147_483_647);
    (h % shards.max(1) as u64) as usize
}

/// One indexed page.
#[derive(Clone, Debug)]
pub struct Document {
    pub path: String,
    pub title: String,
    pub kind: &'static str,
    pub date: Option<String>,
    /// Title, warning signs, other fields and body text, joined by newlines.
    pub text: String,
    /// Length of the head (title and warning signs) in UTF-16 units.
    pub head: usize,
}

/// The visible text of rendered body HTML: tags removed (block tags become newlines), SVG and
/// script content dropped, entities decoded, runs of white space collapsed.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut skip: Option<&str> = None;
    while let Some(lt) = rest.find('<') {
        if skip.is_none() {
            push_decoded(&mut out, &rest[..lt]);
        }
        let tag_end = rest[lt..].find('>').map_or(rest.len(), |e| lt + e + 1);
        let tag = &rest[lt + 1..tag_end.saturating_sub(1).max(lt + 1)];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let closing = tag.starts_with('/');
        match skip {
            Some(s) if closing && name == s => skip = None,
            Some(_) => {}
            None if !closing && matches!(name.as_str(), "svg" | "script" | "style") => {
                if !tag.ends_with('/') {
                    skip = Some(match name.as_str() {
                        "svg" => "svg",
                        "script" => "script",
                        _ => "style",
                    });
                }
            }
            None => {
                let block = matches!(
                    name.as_str(),
                    "p" | "br" | "li" | "div" | "tr" | "td" | "th" | "blockquote" | "pre" | "table"
                ) || (name.len() == 2 && name.starts_with('h'));
                if block {
                    out.push('\n');
                }
            }
        }
        rest = &rest[tag_end..];
    }
    push_decoded(&mut out, rest);
    collapse_space(&out)
}

fn push_decoded(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').filter(|&s| s <= 10);
        let decoded = semi.and_then(|s| {
            let name = &after[..s];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, s))
        });
        match decoded {
            Some((c, s)) => {
                out.push(c);
                rest = &after[s + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// Runs of white space become one space, or one newline when they hold a newline; trimmed.
fn collapse_space(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending: Option<char> = None;
    for c in s.chars() {
        if c.is_whitespace() {
            if c == '\n' || pending != Some('\n') {
                pending = Some(if c == '\n' { '\n' } else { ' ' });
            }
            continue;
        }
        if let Some(p) = pending.take()
            && !out.is_empty()
        {
            out.push(p);
        }
        out.push(c);
    }
    out
}

/// The typed front-matter texts of a page after the head, in a fixed order.
fn field_texts(p: &crate::content::Page) -> Vec<String> {
    let mut v = vec![p.meta.description.clone()];
    match &p.meta.fields {
        KindFields::Case {
            region,
            amount,
            outcome,
            source,
            ..
        } => v.extend([region, amount, outcome, source].into_iter().cloned()),
        KindFields::Tactic {
            category,
            what_to_do,
            legal_basis,
            ..
        } => {
            v.extend(category.iter().map(|c| c.value.clone()));
            v.extend(what_to_do.iter().chain(legal_basis).cloned());
        }
        KindFields::Alert { level, .. } => v.push(level.text().to_string()),
        KindFields::Print(f) => {
            v.push(f.headline.clone());
            v.push(f.slogan.clone());
            v.extend(f.points.iter().cloned());
        }
        KindFields::None => {}
    }
    v.extend(p.meta.tags.iter().cloned());
    v.retain(|s| !s.trim().is_empty());
    v
}

/// The document of page `i`.
pub fn document(site: &Site, bodies: &Bodies, i: usize) -> Document {
    let p = &site.pages[i];
    let mut head = vec![p.meta.title.clone()];
    if let KindFields::Tactic { warning_signs, .. } = &p.meta.fields {
        head.extend(warning_signs.iter().cloned());
    }
    let head_text = collapse_space(&head.join("\n"));
    let mut text = head_text.clone();
    for t in field_texts(p) {
        text.push('\n');
        text.push_str(&collapse_space(&t));
    }
    let body = html_text(&bodies.pages[i].html);
    if !body.is_empty() {
        text.push('\n');
        text.push_str(&body);
    }
    Document {
        path: p.path.clone(),
        title: p.meta.title.clone(),
        kind: p.kind.label(),
        date: p.meta.date.map(|d| d.ymd()),
        head: head_text.encode_utf16().count(),
        text,
    }
}

/// Every page of the site as a document, newest first (then by path), so that the document
/// numbers are stable for the same input.
pub fn documents(site: &Site, bodies: &Bodies) -> Vec<Document> {
    let mut docs: Vec<Document> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| document(site, bodies, i))
        .collect();
    docs.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.path.cmp(&b.path)));
    docs
}

/// The grams of one document: every word character and every bigram, as (gram key, position)
/// pairs sorted by key and position (one flat vector: no allocation per gram).
struct DocGrams {
    pairs: Vec<(u32, u32)>,
    /// Length of the head in UTF-16 units.
    head: u32,
}

impl DocGrams {
    /// Each gram with its sorted positions and whether it occurs in the head.
    fn groups(&self) -> impl Iterator<Item = (u32, bool, &[(u32, u32)])> {
        self.pairs
            .chunk_by(|a, b| a.0 == b.0)
            .map(|g| (g[0].0, g[0].1 < self.head, g))
    }
}

/// A hasher for gram keys (already well-spread 32-bit numbers): one multiplication instead of
/// SipHash, which was most of the time of indexing 10,000 pages (~15 million lookups).
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type KeyMap<V> = HashMap<u32, V, std::hash::BuildHasherDefault<KeyHasher>>;

fn gram_key(gram: &[u16]) -> u32 {
    match gram {
        [a] => u32::from(*a),
        [a, b] => (u32::from(*a) << 16) | u32::from(*b),
        _ => 0,
    }
}

fn key_units(key: u32) -> Vec<u16> {
    if key > 0xFFFF {
        vec![(key >> 16) as u16, key as u16]
    } else {
        vec![key as u16]
    }
}

fn doc_grams(doc: &Document) -> DocGrams {
    let t = fold_text(&doc.text);
    let mut pairs = Vec::with_capacity(t.len() * 2);
    for (i, &c) in t.iter().enumerate() {
        if !is_word(c) {
            continue;
        }
        pairs.push((gram_key(&[c]), i as u32));
        if let Some(&d) = t.get(i + 1).filter(|&&d| is_word(d)) {
            pairs.push((gram_key(&[c, d]), i as u32));
        }
    }
    pairs.sort_unstable();
    DocGrams {
        pairs,
        head: doc.head as u32,
    }
}

/// All documents that hold one gram, in document order.
#[derive(Default)]
struct Postings {
    docs: Vec<u32>,
    head: Vec<u32>,
    /// For bigrams, flat: document, number of positions, the positions; again for the next document.
    positions: Vec<u32>,
}

fn base36(mut n: u32, out: &mut String) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = [0u8; 7];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = DIGITS[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or("0"));
}

fn deltas(list: &[u32], sep: char, out: &mut String) {
    let mut prev = 0;
    for (k, &n) in list.iter().enumerate() {
        if k > 0 {
            out.push(sep);
        }
        base36(n - prev, out);
        prev = n;
    }
}

fn postings_line(gram: &str, p: &Postings, out: &mut String) {
    out.push_str(gram);
    out.push('\t');
    deltas(&p.docs, ',', out);
    out.push('\t');
    deltas(&p.head, ',', out);
    out.push('\n');
}

fn positions_line(gram: &str, p: &Postings, out: &mut String) {
    out.push_str(gram);
    out.push('\t');
    let (mut prev, mut at) = (0, 0);
    while at < p.positions.len() {
        let (d, n) = (p.positions[at], p.positions[at + 1] as usize);
        if at > 0 {
            out.push(';');
        }
        base36(d - prev, out);
        prev = d;
        out.push(':');
        deltas(&p.positions[at + 2..at + 2 + n], '.', out);
        at += 2 + n;
    }
    out.push('\n');
}

/// Shard count for `bytes` of lines in shards of `target` bytes.
fn shard_count(bytes: usize, target: usize) -> usize {
    bytes.div_ceil(target).max(1)
}

/// The files of the index for `docs`, as (path relative to the output, bytes).
pub fn index_files(docs: &[Document]) -> Vec<(String, Vec<u8>)> {
    let per_doc: Vec<DocGrams> = docs.par_iter().map(doc_grams).collect();
    crate::timing::mark("search grams");
    let mut all: KeyMap<Postings> = KeyMap::default();
    for (d, g) in per_doc.into_iter().enumerate() {
        let d = d as u32;
        for (key, head, pos) in g.groups() {
            let p = all.entry(key).or_default();
            p.docs.push(d);
            if head {
                p.head.push(d);
            }
            if key > 0xFFFF {
                p.positions.extend([d, pos.len() as u32]);
                p.positions.extend(pos.iter().map(|x| x.1));
            }
        }
    }
    crate::timing::mark("search postings merged");
    let mut grams: Vec<(u32, Postings)> = all.into_iter().collect();
    grams.sort_unstable_by_key(|g| g.0);
    // Estimated sizes choose the shard counts: about 2 bytes per number.
    let post_bytes: usize = grams
        .iter()
        .map(|(_, p)| 8 + 2 * (p.docs.len() + p.head.len()))
        .sum();
    let pos_bytes: usize = grams.iter().map(|(_, p)| 8 + 2 * p.positions.len()).sum();
    let s = shard_count(post_bytes, POSTINGS_SHARD_BYTES);
    let ps = shard_count(pos_bytes, POSITIONS_SHARD_BYTES);
    let mut post = vec![String::new(); s];
    let mut pos = vec![String::new(); ps];
    for (key, p) in &grams {
        let units = key_units(*key);
        let gram = String::from_utf16_lossy(&units);
        postings_line(&gram, p, &mut post[shard_of(&units, s)]);
        if !p.positions.is_empty() {
            positions_line(&gram, p, &mut pos[shard_of(&units, ps)]);
        }
    }
    let mut files = vec![(
        format!("{DIR}/index.json"),
        format!("{{\"v\":1,\"n\":{},\"s\":{s},\"p\":{ps}}}", docs.len()).into_bytes(),
    )];
    files.extend(
        post.into_iter()
            .enumerate()
            .map(|(i, t)| (format!("{DIR}/s/{i}.txt"), t.into_bytes())),
    );
    files.extend(
        pos.into_iter()
            .enumerate()
            .map(|(i, t)| (format!("{DIR}/p/{i}.txt"), t.into_bytes())),
    );
    files.extend(docs.iter().enumerate().map(|(i, d)| {
        let meta = serde_json::json!({
            "u": d.path, "t": d.title, "k": d.kind, "d": d.date, "h": d.head,
        });
        let mut text = String::with_capacity(d.text.len() + 128);
        let _ = writeln!(text, "{meta}");
        text.push_str(&d.text);
        (format!("{DIR}/t/{i}.txt"), text.into_bytes())
    }));
    files
}

/// Write the search index of the site into `sink`. Returns the write errors.
pub fn write(site: &Site, bodies: &Bodies, sink: &dyn Sink) -> Vec<Diagnostic> {
    let docs = documents(site, bodies);
    crate::timing::mark("search documents");
    let files = index_files(&docs);
    crate::timing::mark("search files made");
    files
        .par_iter()
        .filter_map(|(rel, bytes)| sink.write(rel, bytes).err())
        .collect()
}

/// The documents whose folded text contains the normalized `query`, by plain substring search: the
/// ground truth that the index and `search.js` must reproduce for short queries (used by the tests).
pub fn substring_matches(docs: &[Document], query: &str) -> Vec<usize> {
    let q = normalize_query(query);
    if q.is_empty() {
        return Vec::new();
    }
    docs.iter()
        .enumerate()
        .filter(|(_, d)| {
            fold_text(&d.text)
                .windows(q.len())
                .any(|w| w == q.as_slice())
        })
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    #[test]
    fn folds_full_width_and_case() {
        assert_eq!(fold_text("ＡＰＰ９６１１０　Ｘ"), u("app96110 x"));
        assert_eq!(normalize_query("冒充，公安 局！"), u("冒充公安局"));
        assert_eq!(normalize_query("拨打９６１１０"), u("拨打96110"));
    }

    #[test]
    fn exact_queries_are_short() {
        assert!(is_exact_query(&normalize_query("公安局")));
        assert!(is_exact_query(&normalize_query("96110")));
        assert!(is_exact_query(&normalize_query("拨打96110报警")));
        assert!(!is_exact_query(&normalize_query("有人冒充公安局打电话")));
        assert!(!is_exact_query(&normalize_query("，。 ")));
    }

    #[test]
    fn html_text_keeps_visible_words() {
        let html = "<h2 id=\"a\">识别要点</h2><p>拨打<a class=\"hotline\" href=\"tel:96110\"><svg><path d=\"M1\"/></svg><span>反诈专线</span> 96110</a>&amp;报警</p><ul><li>不转账</li></ul>";
        assert_eq!(html_text(html), "识别要点\n拨打反诈专线 96110&报警\n不转账");
    }

    #[test]
    fn grams_and_positions_stop_at_separators() {
        let doc = Document {
            path: "/a/".into(),
            title: "公安局".into(),
            kind: "页面",
            date: None,
            text: "公安局\n局，长AB".into(),
            head: 3,
        };
        let dg = doc_grams(&doc);
        let g: Vec<(u32, bool, Vec<u32>)> = dg
            .groups()
            .map(|(k, h, p)| (k, h, p.iter().map(|x| x.1).collect()))
            .collect();
        let keys: Vec<Vec<u16>> = g.iter().map(|x| key_units(x.0)).collect();
        assert!(keys.contains(&u("安局")));
        assert!(keys.contains(&u("ab")));
        assert!(!keys.contains(&u("局局")), "newline separates");
        assert!(!keys.contains(&u("局长")), "punctuation separates");
        let an = g.iter().find(|x| key_units(x.0) == u("安局")).unwrap();
        assert_eq!((an.1, an.2.clone()), (true, vec![1]));
        let ab = g.iter().find(|x| key_units(x.0) == u("ab")).unwrap();
        assert_eq!((ab.1, ab.2.clone()), (false, vec![7]));
    }

    #[test]
    fn base36_deltas() {
        let mut s = String::new();
        deltas(&[3, 4, 40, 1336], ',', &mut s);
        assert_eq!(s, "3,1,10,100");
    }

    #[test]
    fn shard_hash_is_stable() {
        // The same numbers as search.js computes.
        assert_eq!(
            shard_of(&u("公安"), 1000),
            ((20844 * 31 + 23433) % 1000) as usize
        );
        assert_eq!(shard_of(&u("x"), 1), 0);
    }
}
