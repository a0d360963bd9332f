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
//! - `index.json`: `{"v":2,"n":documents,"s":posting shards,"p":position shards,"t":documents
//!   per text file}`;
//! - numbers are deltas written in base 32 without separators: every digit but the last from
//!   `ABCDEFGHIJKLMNOPQRSTUVWXYZwxyz-_`, the last from `0123456789abcdefghijklmnopqrstuv`;
//! - `s/N.txt`: one line per gram: `gram TAB docs TAB head-docs`, document numbers as deltas
//!   (head-docs: the documents with the gram in the title or warning signs);
//! - `p/N.txt`: one line per bigram: `gram TAB positions;positions…`, the positions (deltas from 0)
//!   in each document of the gram's `s/` line, in that order; fetched only to verify queries of
//!   three or more characters;
//! - `t/N.txt`: documents N × t to N × t + t − 1, for results and snippets, each as a JSON line (`u`
//!   path, `t` title, `k` kind, `d` date, `h` head length and `l` text length in UTF-16 units), then
//!   its text and a newline.

use rustc_hash::FxHashMap;

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::frontmatter::KindFields;
use crate::markdown::Bodies;
use crate::output::Sink;
use crate::print::cache::Cache;
use crate::reuse::{Hasher, Key};
use crate::site::Site;

mod runs;

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
/// script content dropped, entities decoded, runs of white space collapsed. One pass over the HTML:
/// the text is collapsed as it is decoded.
pub fn html_text(html: &str) -> String {
    let mut out = Collapsed::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut skip: Option<&str> = None;
    while let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) {
        if skip.is_none() {
            push_decoded(&mut out, &rest[..lt]);
        }
        let tag_end =
            memchr::memchr(b'>', &rest.as_bytes()[lt..]).map_or(rest.len(), |e| lt + e + 1);
        let tag = &rest[lt + 1..tag_end.saturating_sub(1).max(lt + 1)];
        let bare = tag.trim_start_matches('/');
        let end = bare
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(bare.len());
        let name = &bare[..end];
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        let closing = tag.starts_with('/');
        // Elements whose content is not text.
        let hidden = ["svg", "script", "style"].into_iter().find(|n| is(n));
        match skip {
            Some(s) if closing && is(s) => skip = None,
            Some(_) => {}
            None if !closing && hidden.is_some() => {
                if !tag.ends_with('/') {
                    skip = hidden;
                }
            }
            None => {
                const BLOCKS: [&str; 10] = [
                    "p",
                    "br",
                    "li",
                    "div",
                    "tr",
                    "td",
                    "th",
                    "blockquote",
                    "pre",
                    "table",
                ];
                let heading = name.len() == 2 && (name.starts_with('h') || name.starts_with('H'));
                if heading || BLOCKS.iter().any(|b| is(b)) {
                    out.push("\n");
                }
            }
        }
        rest = &rest[tag_end..];
    }
    push_decoded(&mut out, rest);
    out.text
}

fn push_decoded(out: &mut Collapsed, text: &str) {
    let mut rest = text;
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push(&rest[..amp]);
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
        let (c, rest_at) = decoded.map_or(('&', 0), |(c, s)| (c, s + 1));
        out.push(c.encode_utf8(&mut [0; 4]));
        rest = &after[rest_at..];
    }
    out.push(rest);
}

/// Text with its runs of white space collapsed as it is pushed: a run becomes one space, or one
/// newline when it holds a newline; white space at the start and the end is dropped.
struct Collapsed {
    text: String,
    /// The separator owed before the next word: none, ' ' or '\n'.
    pending: Option<char>,
}

impl Collapsed {
    fn with_capacity(n: usize) -> Self {
        Collapsed {
            text: String::with_capacity(n),
            pending: None,
        }
    }

    /// Append `s`, copying each run of non-space characters as one slice. Only a few lead bytes
    /// can start a non-ASCII space, so most Han characters are skipped without decoding.
    fn push(&mut self, s: &str) {
        let bytes = s.as_bytes();
        let (mut i, mut run) = (0, 0);
        while i < bytes.len() {
            let b = bytes[i];
            let (space, len) = match b {
                b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' => (true, 1),
                0..0x80 => (false, 1),
                0xC2 | 0xE1..=0xE3 => {
                    let c = s[i..].chars().next().unwrap_or_default();
                    (c.is_whitespace(), c.len_utf8())
                }
                0xC0..0xE0 => (false, 2),
                0xE0..0xF0 => (false, 3),
                _ => (false, 4),
            };
            if space {
                self.word(&s[run..i]);
                if b == b'\n' || self.pending != Some('\n') {
                    self.pending = Some(if b == b'\n' { '\n' } else { ' ' });
                }
                run = i + len;
            }
            i += len;
        }
        self.word(&s[run..]);
    }

    /// Append a run of non-space characters, after the separator owed (none at the start).
    fn word(&mut self, w: &str) {
        if w.is_empty() {
            return;
        }
        if let Some(p) = self.pending.take()
            && !self.text.is_empty()
        {
            self.text.push(p);
        }
        self.text.push_str(w);
    }
}

/// Runs of white space become one space, or one newline when they hold a newline; trimmed.
fn collapse_space(s: &str) -> String {
    let mut out = Collapsed::with_capacity(s.len());
    out.push(s);
    out.text
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
    let docs = Documents::of_site(site, bodies);
    (0..docs.len())
        .into_par_iter()
        .map(|i| docs.get(i).clone())
        .collect()
}

/// The documents an index is written from, made on demand: each has a key of everything it is made
/// from, and a build makes only the documents of the runs and text files whose keys changed (each
/// once).
pub struct Documents<'a> {
    keys: Vec<Key>,
    make: Box<dyn Fn(usize) -> Document + Sync + 'a>,
    made: Vec<std::sync::OnceLock<Document>>,
}

impl<'a> Documents<'a> {
    /// The pages of `site`, newest first (then by path). A page's document is made from its
    /// file's name and text (`Page::source_key`), its kind and address, and what its body's HTML
    /// is made from (the program, the pages' paths and the hotlines: `Bodies::site_key`).
    pub fn of_site(site: &'a Site, bodies: &'a Bodies) -> Self {
        let mut order: Vec<(Option<String>, usize)> = site
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.meta.date.map(|d| d.ymd()), i))
            .collect();
        let path = |i: usize| &site.pages[i].path;
        order.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| path(a.1).cmp(path(b.1))));
        let order: Vec<usize> = order.into_iter().map(|(_, i)| i).collect();
        let keys = order
            .par_iter()
            .map(|&i| {
                let p = &site.pages[i];
                let mut h = Hasher::of("search document");
                h.key(&bodies.site_key)
                    .str(p.kind.label())
                    .str(&p.path)
                    .str(&p.asset_base)
                    .key(&p.source_key);
                h.finish()
            })
            .collect();
        Documents::new(keys, Box::new(move |n| document(site, bodies, order[n])))
    }

    /// Documents given whole, keyed by their content.
    pub fn given(docs: &'a [Document]) -> Self {
        let keys = docs
            .iter()
            .map(|d| {
                let mut h = Hasher::of("search document");
                h.str(&d.path).str(&d.title).str(d.kind);
                h.str(d.date.as_deref().unwrap_or("-"))
                    .bytes(&(d.head as u64).to_le_bytes())
                    .str(&d.text);
                h.finish()
            })
            .collect();
        Documents::new(keys, Box::new(|n| docs[n].clone()))
    }

    fn new(keys: Vec<Key>, make: Box<dyn Fn(usize) -> Document + Sync + 'a>) -> Self {
        let made = (0..keys.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        Documents { keys, make, made }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Document `n`, made at its first use.
    pub fn get(&self, n: usize) -> &Document {
        self.made[n].get_or_init(|| (self.make)(n))
    }

    /// The keys of documents `range`.
    fn keys(&self, range: std::ops::Range<usize>) -> &[Key] {
        &self.keys[range]
    }
}

/// The UTF-16 units of a gram's key (one character or two), without allocating.
fn key_units(key: u32) -> KeyUnits {
    if key > 0xFFFF {
        KeyUnits([(key >> 16) as u16, key as u16], 2)
    } else {
        KeyUnits([key as u16, 0], 1)
    }
}

struct KeyUnits([u16; 2], usize);

impl std::ops::Deref for KeyUnits {
    type Target = [u16];
    fn deref(&self) -> &[u16] {
        &self.0[..self.1]
    }
}

/// A gram's text, written into `buf`.
fn gram_text(key: u32, buf: &mut [u8; 8]) -> &str {
    let mut len = 0;
    for c in char::decode_utf16(key_units(key).iter().copied()) {
        len += c
            .unwrap_or(char::REPLACEMENT_CHARACTER)
            .encode_utf8(&mut buf[len..])
            .len();
    }
    std::str::from_utf8(&buf[..len]).unwrap_or_default()
}

/// All documents that hold one gram, in document order, kept compact while the index is built (a
/// number takes one or two bytes instead of four: the postings of 10,000 pages are ~20 million
/// numbers). Lists are LEB128 varints of deltas of *n + 1*, so that no value is 0:
/// - `docs`, `head`: the documents (head: those with the gram in the title or warning signs);
/// - `positions` (bigrams): per document its delta, then its positions (the first + 1, then
///   deltas); a 0 separates documents.
#[derive(Default)]
struct Postings {
    docs: Vec<u8>,
    head: Vec<u8>,
    positions: Vec<u8>,
    /// The last document added, last head document and last position in it, each + 1 (0: none).
    last_doc: u32,
    last_head: u32,
    last_pos: u32,
    n_docs: u32,
    n_head: u32,
    n_pos: u32,
}

fn put_varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// The varints of `bytes`, in order.
fn varints(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let mut n = 0u32;
        let mut shift = 0;
        loop {
            let b = *bytes.get(at)?;
            at += 1;
            n |= u32::from(b & 0x7F) << shift;
            if b < 0x80 {
                return Some(n);
            }
            shift += 7;
        }
    })
}

/// Bytes of the varint of `n`.
fn varint_len(n: u32) -> usize {
    (32 - n.max(1).leading_zeros()).div_ceil(7) as usize
}

/// `list`, which ended at `last` (+ 1), continued by `more`, a list of its own: `more`'s first
/// value (absolute) becomes a delta from `last`.
fn append_list(list: &mut Vec<u8>, last: u32, more: &[u8]) {
    let Some(first) = varints(more).next() else {
        return;
    };
    put_varint(list, first - last);
    list.extend_from_slice(&more[varint_len(first)..]);
}

impl Postings {
    /// Record one occurrence at `pos` in document `d` (documents in order, positions ascending
    /// within a document). Only a document's first occurrence decides whether it is in the head.
    fn add(&mut self, d: u32, in_head: bool, pos: Option<u32>) {
        let dv = d + 1;
        if self.last_doc != dv {
            put_varint(&mut self.docs, dv - self.last_doc);
            self.n_docs += 1;
            if in_head {
                put_varint(&mut self.head, dv - self.last_head);
                self.last_head = dv;
                self.n_head += 1;
            }
            if pos.is_some() {
                if !self.positions.is_empty() {
                    self.positions.push(0);
                }
                put_varint(&mut self.positions, dv - self.last_doc);
                self.last_pos = 0;
            }
            self.last_doc = dv;
        }
        if let Some(p) = pos {
            put_varint(&mut self.positions, p + 1 - self.last_pos);
            self.last_pos = p + 1;
            self.n_pos += 1;
        }
    }

    /// Empty postings with room for `parts`.
    fn with_capacity<'a>(parts: impl Iterator<Item = &'a runs::Part<'a>>) -> Postings {
        let (mut docs, mut head, mut positions) = (0, 0, 0);
        for p in parts {
            docs += p.docs.len();
            head += p.head.len();
            positions += p.positions.len() + 1;
        }
        Postings {
            docs: Vec::with_capacity(docs),
            head: Vec::with_capacity(head),
            positions: Vec::with_capacity(positions),
            ..Postings::default()
        }
    }

    /// Continue these postings with those of later documents.
    fn extend(&mut self, more: &runs::Part) {
        if more.n_docs == 0 {
            return;
        }
        append_list(&mut self.docs, self.last_doc, more.docs);
        append_list(&mut self.head, self.last_head, more.head);
        if !more.positions.is_empty() {
            if !self.positions.is_empty() {
                self.positions.push(0);
            }
            append_list(&mut self.positions, self.last_doc, more.positions);
        }
        self.last_doc = more.last_doc;
        if more.n_head > 0 {
            self.last_head = more.last_head;
        }
        self.n_docs += more.n_docs;
        self.n_head += more.n_head;
        self.n_pos += more.n_pos;
    }

    /// Estimated bytes of its postings line (most numbers are one character): chooses the shard
    /// counts.
    fn post_bytes(&self) -> usize {
        8 + (self.n_docs + self.n_head) as usize
    }

    /// Estimated bytes of its positions line: the positions (most are two characters) and a
    /// separator per document.
    fn pos_bytes(&self) -> usize {
        let docs = if self.positions.is_empty() {
            0
        } else {
            self.n_docs
        };
        8 + (docs + 2 * self.n_pos) as usize
    }
}

/// Digits of the index's numbers: base 32, most significant first, the last digit from [`FINAL`]
/// and the others from [`MORE`], so numbers need no separator. Most numbers are deltas below 32 and
/// take one character (two with a base-36 digit and a comma before).
const FINAL: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
const MORE: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZwxyz-_";

fn put_number(mut n: u32, out: &mut Vec<u8>) {
    if n < 32 {
        out.push(FINAL[n as usize]);
        return;
    }
    if n < 32 * 32 {
        out.push(MORE[(n >> 5) as usize]);
        out.push(FINAL[(n & 31) as usize]);
        return;
    }
    let mut buf = [0u8; 7];
    let mut i = buf.len() - 1;
    buf[i] = FINAL[(n & 31) as usize];
    n >>= 5;
    while n > 0 {
        i -= 1;
        buf[i] = MORE[(n & 31) as usize];
        n >>= 5;
    }
    out.extend_from_slice(&buf[i..]);
}

/// Values of a `Postings` list (deltas of n + 1; the first absolute) as deltas of n, one number
/// after the other.
fn list_line(values: impl Iterator<Item = u32>, out: &mut Vec<u8>) {
    for (k, v) in values.enumerate() {
        put_number(if k == 0 { v - 1 } else { v }, out);
    }
}

/// `gram TAB docs TAB head-docs`.
fn postings_line(gram: &str, p: &Postings, out: &mut Vec<u8>) {
    out.extend_from_slice(gram.as_bytes());
    out.push(b'\t');
    list_line(varints(&p.docs), out);
    out.push(b'\t');
    list_line(varints(&p.head), out);
    out.push(b'\n');
}

/// `gram TAB positions;positions…`: for each document of the gram's postings line, in that order,
/// its positions as deltas from 0. The documents themselves are not repeated: the client always
/// has the postings line first, and most entries are a single position (the document numbers were
/// almost half of these files).
fn positions_line(gram: &str, p: &Postings, out: &mut Vec<u8>) {
    out.extend_from_slice(gram.as_bytes());
    out.push(b'\t');
    let mut values = varints(&p.positions);
    let mut first = true;
    // Each document starts with its number (skipped), then its positions up to a 0.
    while values.next().is_some() {
        if !first {
            out.push(b';');
        }
        first = false;
        list_line(values.by_ref().take_while(|&v| v != 0), out);
    }
    out.push(b'\n');
}

/// Shard count for `bytes` of lines in shards of `target` bytes.
fn shard_count(bytes: usize, target: usize) -> usize {
    bytes.div_ceil(target).max(1)
}

/// The postings of every gram in the documents `docs` (numbered from `first`), sorted by key.
/// Single characters are found through a direct table, bigrams through a small key → slot map, and
/// every gram's postings live in one vector (few cache misses per occurrence: this loop sees every
/// character of the site twice). The text is folded as it is read, never stored folded.
fn postings<'d>(docs: impl Iterator<Item = &'d Document>, first: u32) -> Vec<(u32, Postings)> {
    const NONE: u32 = u32::MAX;
    let mut single = vec![NONE; 1 << 16];
    // A multiplicative hash: SipHash was most of the time of indexing 10,000 pages (~15 million
    // lookups).
    let mut pairs: FxHashMap<u32, u32> = FxHashMap::default();
    let mut grams: Vec<(u32, Postings)> = Vec::new();
    let slot = |grams: &mut Vec<(u32, Postings)>, at: &mut u32, key: u32| {
        if *at == NONE {
            *at = grams.len() as u32;
            grams.push((key, Postings::default()));
        }
        *at as usize
    };
    for (d, doc) in docs.enumerate() {
        let d = first + d as u32;
        let head = doc.head as u32;
        let mut units = doc.text.encode_utf16().map(fold);
        let (mut at, mut next) = (0u32, units.next());
        while let Some(c) = next {
            next = units.next();
            if is_word(c) {
                let in_head = at < head;
                let g = slot(&mut grams, &mut single[c as usize], u32::from(c));
                grams[g].1.add(d, in_head, None);
                if let Some(n) = next.filter(|&n| is_word(n)) {
                    let key = (u32::from(c) << 16) | u32::from(n);
                    let g = slot(&mut grams, pairs.entry(key).or_insert(NONE), key);
                    grams[g].1.add(d, in_head, Some(at));
                }
            }
            at += 1;
        }
    }
    grams.sort_unstable_by_key(|g| g.0);
    grams
}

/// Every gram of the index, in key order.
struct Grams {
    grams: Vec<(u32, Postings)>,
}

impl Grams {
    /// The documents are indexed in runs of consecutive documents, in parallel and through the
    /// site's cache when there is one; the runs are then merged. The result does not depend on
    /// how the documents are cut into runs.
    fn build(docs: &Documents, cache: Option<&Cache>) -> Self {
        Grams {
            grams: runs::build(docs, cache),
        }
    }

    fn all(&self) -> impl Iterator<Item = &(u32, Postings)> {
        self.grams.iter()
    }

    /// The grams of each of `shards` shards, in key order, as indexes into `grams`.
    fn by_shard(&self, shards: usize, keep: impl Fn(&Postings) -> bool) -> Vec<Vec<u32>> {
        let mut out = vec![Vec::new(); shards];
        for (i, (key, post)) in self.grams.iter().enumerate() {
            if keep(post) {
                out[shard_of(&key_units(*key), shards)].push(i as u32);
            }
        }
        out
    }
}

/// One kind of shard file: its folder, how a gram's line is written, how long it is about to be,
/// and the lists the line is made from.
struct ShardKind {
    dir: &'static str,
    line: fn(&str, &Postings, &mut Vec<u8>),
    bytes: fn(&Postings) -> usize,
    lists: fn(&Postings) -> [&[u8]; 2],
}

const POSTINGS: ShardKind = ShardKind {
    dir: "s",
    line: postings_line,
    bytes: Postings::post_bytes,
    lists: |p| [&p.docs, &p.head],
};

const POSITIONS: ShardKind = ShardKind {
    dir: "p",
    line: positions_line,
    bytes: Postings::pos_bytes,
    lists: |p| [&p.positions, &[]],
};

/// Write one kind of shard files (`search/{dir}/N.txt`), formatting each in parallel. A shard is
/// keyed by its grams and their lists (hashing them costs a fraction of formatting them), so that
/// a shard none of whose grams changed is taken over from the previous build unformatted.
fn write_shards(
    grams: &Grams,
    shards: Vec<Vec<u32>>,
    kind: &ShardKind,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let count = shards.len() as u64;
    shards
        .into_par_iter()
        .enumerate()
        .filter_map(|(n, refs)| {
            let rel = format!("{DIR}/{}/{n}.txt", kind.dir);
            let mut h = Hasher::of("search shard");
            h.str(&rel).bytes(&count.to_le_bytes());
            for &r in &refs {
                let (key, post) = &grams.grams[r as usize];
                let [a, b] = (kind.lists)(post);
                h.bytes(&key.to_le_bytes()).bytes(a).bytes(b);
            }
            let key = h.finish();
            if sink.reuse(&rel, &key) {
                return None;
            }
            let post = |r: &u32| &grams.grams[*r as usize].1;
            let estimate: usize = refs.iter().map(|r| (kind.bytes)(post(r))).sum();
            let mut text = Vec::with_capacity(estimate + estimate / 2);
            for r in refs {
                let (key, post) = &grams.grams[r as usize];
                (kind.line)(gram_text(*key, &mut [0; 8]), post, &mut text);
            }
            sink.write_keyed(&rel, &[&text], &key).err()
        })
        .collect()
}

/// A document's line in its text file (`t/N.txt`). Fields in name order.
#[derive(serde::Serialize)]
struct TextMeta<'a> {
    d: &'a Option<String>,
    h: usize,
    k: &'a str,
    /// Length of the text after the line, in UTF-16 units (a JavaScript string's length).
    l: usize,
    t: &'a str,
    u: &'a str,
}

/// Documents per text file: one on a small site, so a result fetches only its own text; up to four
/// on a large one, where one file per page would be most of the index's files (each costs to
/// create, and again to delete when the next build replaces the site). Four adds ~20 KB to a first
/// query at 10,000 pages, far inside its 120 KB.
fn texts_per_file(docs: usize) -> usize {
    (docs / 2_500).clamp(1, 4)
}

/// Write the text files: for each document its [`TextMeta`] line, its text and a newline. A file
/// is keyed by its documents' keys: one whose documents did not change is taken over from the
/// previous build without making them.
fn write_texts(docs: &Documents, per: usize, sink: &dyn Sink) -> Vec<Diagnostic> {
    let files = docs.len().div_ceil(per);
    (0..files)
        .into_par_iter()
        .filter_map(|n| {
            let range = n * per..docs.len().min(n * per + per);
            let rel = format!("{DIR}/t/{n}.txt");
            let mut h = Hasher::of("search texts");
            h.str(&rel);
            docs.keys(range.clone()).iter().for_each(|k| {
                h.key(k);
            });
            let key = h.finish();
            if sink.reuse(&rel, &key) {
                return None;
            }
            let chunk: Vec<&Document> = range.map(|i| docs.get(i)).collect();
            let metas: Vec<Vec<u8>> = chunk
                .iter()
                .map(|d| {
                    let mut meta = serde_json::to_vec(&TextMeta {
                        d: &d.date,
                        h: d.head,
                        k: d.kind,
                        l: d.text.encode_utf16().count(),
                        t: &d.title,
                        u: &d.path,
                    })
                    .unwrap_or_default();
                    meta.push(b'\n');
                    meta
                })
                .collect();
            let parts: Vec<&[u8]> = metas
                .iter()
                .zip(chunk)
                .flat_map(|(m, d)| [m.as_slice(), d.text.as_bytes(), b"\n"])
                .collect();
            sink.write_keyed(&rel, &parts, &key).err()
        })
        .collect()
}

/// Write the index of `docs` into `sink`, indexing through `cache` when there is one. Returns the
/// write errors.
pub fn write_index(docs: &Documents, cache: Option<&Cache>, sink: &dyn Sink) -> Vec<Diagnostic> {
    let grams = Grams::build(docs, cache);
    crate::timing::mark("search postings built");
    let post_bytes: usize = grams.all().map(|(_, p)| p.post_bytes()).sum();
    let pos_bytes: usize = grams.all().map(|(_, p)| p.pos_bytes()).sum();
    let s = shard_count(post_bytes, POSTINGS_SHARD_BYTES);
    let ps = shard_count(pos_bytes, POSITIONS_SHARD_BYTES);
    let per = texts_per_file(docs.len());
    let summary = format!(
        "{{\"v\":2,\"n\":{},\"s\":{s},\"p\":{ps},\"t\":{per}}}",
        docs.len()
    );
    let mut errs: Vec<Diagnostic> = sink
        .write(&format!("{DIR}/index.json"), summary.as_bytes())
        .err()
        .into_iter()
        .collect();
    let post = grams.by_shard(s, |_| true);
    errs.extend(write_shards(&grams, post, &POSTINGS, sink));
    let pos = grams.by_shard(ps, |p| !p.positions.is_empty());
    errs.extend(write_shards(&grams, pos, &POSITIONS, sink));
    crate::timing::mark("search shards written");
    errs.extend(write_texts(docs, per, sink));
    errs
}

/// Write the search index of the site into `sink`. Returns the write errors.
pub fn write(site: &Site, bodies: &Bodies, sink: &dyn Sink) -> Vec<Diagnostic> {
    let docs = Documents::of_site(site, bodies);
    crate::timing::mark("search documents keyed");
    let cache = Cache::named(&site.root, DIR);
    let errs = write_index(&docs, Some(&cache), sink);
    cache.prune();
    errs
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
    fn every_kind_of_white_space_collapses() {
        let text = " \u{3000}防骗\u{a0}\u{a0}要点 \n\t 不转账\u{2003}&\r\n";
        assert_eq!(collapse_space(text), "防骗 要点\n不转账 &");
        assert_eq!(collapse_space("\u{85}é\u{2028}ü\u{3000}"), "é ü");
        assert_eq!(
            html_text("<p>&nbsp;甲&#12288;乙</p><p>丙&amp;</p>"),
            "甲 乙\n丙&"
        );
    }

    #[test]
    fn html_text_keeps_visible_words() {
        let html = "<h2 id=\"a\">识别要点</h2><p>拨打<a class=\"hotline\" href=\"tel:96110\"><svg><path d=\"M1\"/></svg><span>反诈专线</span> 96110</a>&amp;报警</p><ul><li>不转账</li></ul>";
        assert_eq!(html_text(html), "识别要点\n拨打反诈专线 96110&报警\n不转账");
    }

    /// Documents, head documents and positions.
    type Plain = (Vec<u32>, Vec<u32>, Vec<u32>);

    /// The documents, head documents and positions of `p` as plain numbers, positions flat:
    /// document, number of positions, the positions; again for the next document.
    fn decoded(p: &Postings) -> Plain {
        let absolute = |list: &[u8]| -> Vec<u32> {
            varints(list)
                .scan(0, |acc, v| {
                    *acc += v;
                    Some(*acc - 1)
                })
                .collect()
        };
        let mut flat = Vec::new();
        let mut values = varints(&p.positions);
        let mut doc = 0;
        while let Some(v) = values.next() {
            doc += v;
            let mut pos: Vec<u32> = Vec::new();
            let mut at = 0;
            for v in values.by_ref().take_while(|&v| v != 0) {
                at += v;
                pos.push(at - 1);
            }
            flat.extend([doc - 1, pos.len() as u32]);
            flat.extend(pos);
        }
        (absolute(&p.docs), absolute(&p.head), flat)
    }

    /// A document whose title and text are `t`, the first two characters its head.
    pub(super) fn titled(t: &str) -> Document {
        Document {
            path: format!("/{t}/"),
            title: t.to_string(),
            kind: "页面",
            date: None,
            text: t.to_string(),
            head: 2,
        }
    }

    #[test]
    fn runs_of_documents_merge_into_the_postings_of_all() {
        let texts: Vec<Document> = [
            "公安局通知",
            "冒充公安局",
            "退休金，公安",
            "养老96110",
            "公安局公安",
        ]
        .into_iter()
        .map(titled)
        .collect();
        let flat = |g: &[(u32, Postings)]| -> Vec<(u32, Plain)> {
            g.iter().map(|(k, p)| (*k, decoded(p))).collect()
        };
        let whole = flat(&postings(texts.iter(), 0));
        for per in 1..=texts.len() {
            assert_eq!(
                flat(&runs::build_in(&Documents::given(&texts), per, None)),
                whole
            );
        }
        assert!(whole.windows(2).all(|w| w[0].0 < w[1].0), "sorted by key");
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
        let grams = Grams::build(&Documents::given(&[doc]), None);
        let find = |g: &str| grams.all().find(|x| *key_units(x.0) == *u(g));
        assert!(find("安局").is_some());
        assert!(find("ab").is_some());
        assert!(find("局局").is_none(), "newline separates");
        assert!(find("局长").is_none(), "punctuation separates");
        let an = decoded(&find("安局").unwrap().1);
        assert_eq!(
            an,
            (vec![0], vec![0], vec![0, 1, 1]),
            "document 0, one position: 1"
        );
        let ab = decoded(&find("ab").unwrap().1);
        assert_eq!(ab, (vec![0], vec![], vec![0, 1, 7]));
        let ju = decoded(&find("局").unwrap().1);
        assert_eq!(
            ju,
            (vec![0], vec![0], vec![]),
            "single characters keep no positions"
        );
    }

    #[test]
    fn positions_count_every_occurrence_per_document() {
        let doc = |t: &str| Document {
            path: "/a/".into(),
            title: String::new(),
            kind: "页面",
            date: None,
            text: t.into(),
            head: 0,
        };
        let grams = Grams::build(
            &Documents::given(&[doc("公安公安"), doc("无关"), doc("找公安")]),
            None,
        );
        let ga = grams
            .all()
            .find(|x| *key_units(x.0) == *u("公安"))
            .map(|x| &x.1)
            .unwrap();
        let (docs, _, positions) = decoded(ga);
        assert_eq!(docs, vec![0, 2]);
        assert_eq!(positions, vec![0, 2, 0, 2, 2, 1, 1]);
        let mut line = Vec::new();
        positions_line("公安", ga, &mut line);
        let line = String::from_utf8(line).unwrap();
        assert_eq!(line, "公安\t02;1\n");
    }

    #[test]
    fn numbers_need_no_separators() {
        let mut p = Postings::default();
        for d in [3, 4, 40, 1336] {
            p.add(d, d > 100, None);
        }
        let mut s = Vec::new();
        postings_line("x", &p, &mut s);
        assert_eq!(s, "x\t31B4BIg\tBJo\n".as_bytes());
        // Positions past one varint byte, in two documents.
        let mut q = Postings::default();
        for (d, pos) in [(7, 0), (7, 130), (7, 20_000), (300, 5)] {
            q.add(d, false, Some(pos));
        }
        let mut s = Vec::new();
        positions_line("xy", &q, &mut s);
        assert_eq!(s, b"xy\t0E2TMu;5\n");
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
