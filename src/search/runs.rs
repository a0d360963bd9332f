//! Runs of the search index: the documents are indexed [`RUN_DOCS`] at a time, and each run's
//! postings are kept in the site's cache (`ROOT/.fangpian-cache/search/`) under a key of everything
//! they are made from: this program, the run's first document number and its documents' keys. A
//! rebuild after an edit makes and indexes only the documents of the runs that changed, reads the
//! others back and merges all of them; the merged postings do not depend on where runs start.
//! A cached run is sealed with its hash (`Cache::store_sealed`): a damaged entry fails the seal or
//! the parse and is indexed afresh.

use std::ops::Range;

use rayon::prelude::*;

use super::{Documents, Postings, postings, put_varint, varints};
use crate::print::cache::Cache;
use crate::reuse::{Hasher, Key, hex, program_identity};

/// Documents per run: at 10,000 pages a one-page edit indexes 1/40 of the site again.
pub(super) const RUN_DOCS: usize = 256;

/// The postings of one gram in one run, borrowed from the run's bytes.
pub(super) struct Part<'a> {
    pub docs: &'a [u8],
    pub head: &'a [u8],
    pub positions: &'a [u8],
    pub last_doc: u32,
    pub last_head: u32,
    pub n_docs: u32,
    pub n_head: u32,
    pub n_pos: u32,
}

/// One run's encoded postings. Per gram, in key order, as varints: the key, `n_docs`, `n_head`,
/// `n_pos`, `last_doc`, `last_head`, the byte lengths of the three lists; then the lists.
struct Run {
    bytes: Vec<u8>,
}

fn run_key(keys: &[Key], first: usize) -> Key {
    let mut h = Hasher::of("search run");
    h.key(&program_identity())
        .bytes(&(first as u64).to_le_bytes());
    for k in keys {
        h.key(k);
    }
    h.finish()
}

fn encode(grams: &[(u32, Postings)]) -> Vec<u8> {
    let lists: usize = grams
        .iter()
        .map(|(_, p)| p.docs.len() + p.head.len() + p.positions.len())
        .sum();
    let mut out = Vec::with_capacity(lists + grams.len() * 16 + 16);
    for (key, p) in grams {
        for n in [*key, p.n_docs, p.n_head, p.n_pos, p.last_doc, p.last_head] {
            put_varint(&mut out, n);
        }
        for list in [&p.docs, &p.head, &p.positions] {
            put_varint(&mut out, list.len() as u32);
        }
        out.extend_from_slice(&p.docs);
        out.extend_from_slice(&p.head);
        out.extend_from_slice(&p.positions);
    }
    out
}

/// The grams of an encoded run, `None` when it does not parse.
fn decode(body: &[u8]) -> Option<Vec<(u32, Part<'_>)>> {
    grams(body).collect()
}

/// Whether an encoded run parses: [`decode`] without keeping its grams.
fn parses(body: &[u8]) -> bool {
    grams(body).all(|g| g.is_some())
}

/// The grams of an encoded run one by one, `None` (and then the end) where it stops parsing.
fn grams(body: &[u8]) -> impl Iterator<Item = Option<(u32, Part<'_>)>> {
    let mut at = 0;
    let mut broken = false;
    std::iter::from_fn(move || {
        if broken || at >= body.len() {
            return None;
        }
        let gram = next_gram(body, &mut at);
        broken = gram.is_none();
        Some(gram)
    })
}

/// The gram of `body` at `at`, moving `at` past it.
fn next_gram<'a>(body: &'a [u8], at: &mut usize) -> Option<(u32, Part<'a>)> {
    let mut header = [0u32; 9];
    let mut numbers = varints(&body[*at..]);
    for h in &mut header {
        *h = numbers.next()?;
    }
    *at += header.iter().map(|&n| super::varint_len(n)).sum::<usize>();
    let [
        key,
        n_docs,
        n_head,
        n_pos,
        last_doc,
        last_head,
        l_docs,
        l_head,
        l_pos,
    ] = header;
    let mut list = |len: u32| {
        let range: Range<usize> = *at..*at + len as usize;
        *at = range.end;
        body.get(range)
    };
    let part = Part {
        docs: list(l_docs)?,
        head: list(l_head)?,
        positions: list(l_pos)?,
        last_doc,
        last_head,
        n_docs,
        n_head,
        n_pos,
    };
    Some((key, part))
}

impl Run {
    /// The run of documents `range`: from the cache when it holds it, otherwise made, indexed
    /// and stored there.
    fn get(docs: &Documents, range: Range<usize>, cache: Option<&Cache>) -> Run {
        let key = run_key(docs.keys(range.clone()), range.start);
        let name = format!("{}.run", hex(&key));
        if let Some(bytes) = cache.and_then(|c| c.read_sealed(&name))
            && parses(&bytes)
        {
            return Run { bytes };
        }
        let first = range.start as u32;
        let bytes = encode(&postings(range.map(|i| docs.get(i)), first));
        if let Some(c) = cache {
            c.store_sealed(&name, &bytes);
        }
        Run { bytes }
    }
}

/// Index `docs` run by run (in parallel, through `cache` when there is one) and merge the runs:
/// every gram, in key order.
pub(super) fn build(docs: &Documents, cache: Option<&Cache>) -> Vec<(u32, Postings)> {
    build_in(docs, RUN_DOCS, cache)
}

/// [`build`] with runs of `per` documents.
pub(super) fn build_in(
    docs: &Documents,
    per: usize,
    cache: Option<&Cache>,
) -> Vec<(u32, Postings)> {
    let runs: Vec<Run> = (0..docs.len().div_ceil(per))
        .into_par_iter()
        .map(|n| Run::get(docs, n * per..docs.len().min(n * per + per), cache))
        .collect();
    let parts: Vec<Vec<(u32, Part)>> = runs
        .par_iter()
        .map(|r| decode(&r.bytes).unwrap_or_default())
        .collect();
    merge(&parts)
}

/// Merge the parts of every run: each run is sorted by key, so a stable sort of all of them by key
/// keeps each gram's parts in run order (and merges the sorted runs rather than sorting afresh).
fn merge(parts: &[Vec<(u32, Part)>]) -> Vec<(u32, Postings)> {
    let mut order: Vec<(u32, u32, u32)> = parts
        .iter()
        .enumerate()
        .flat_map(|(r, p)| (0..p.len()).map(move |i| (p[i].0, r as u32, i as u32)))
        .collect();
    order.sort_by_key(|o| o.0);
    order
        .par_chunk_by(|a, b| a.0 == b.0)
        .map(|group| {
            let part = |&(_, r, i): &(u32, u32, u32)| &parts[r as usize][i as usize].1;
            let mut p = Postings::with_capacity(group.iter().map(part));
            for o in group {
                p.extend(part(o));
            }
            (group[0].0, p)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Document;
    use crate::search::tests::titled as doc;

    #[test]
    fn a_damaged_run_is_indexed_again() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::named(dir.path(), "search");
        let docs = [doc("公安局通知"), doc("冒充公安")];
        let bytes = encode(&postings(docs.iter(), 0));
        assert!(decode(&bytes).is_some_and(|g| !g.is_empty()));
        assert!(
            decode(&bytes[..bytes.len() - 1]).is_none(),
            "a list cut short"
        );
        let clean = build(&Documents::given(&docs), Some(&cache));
        let entry = std::fs::read_dir(dir.path().join(".fangpian-cache/search"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let mut damaged = std::fs::read(&entry).unwrap();
        damaged[3] ^= 1;
        std::fs::write(&entry, &damaged).unwrap();
        let flat = |m: &[(u32, Postings)]| -> Vec<(u32, Vec<u8>)> {
            m.iter().map(|(k, p)| (*k, p.docs.clone())).collect()
        };
        assert_eq!(
            flat(&build(&Documents::given(&docs), Some(&cache))),
            flat(&clean)
        );
        assert_ne!(std::fs::read(&entry).unwrap(), damaged, "stored again");
    }

    #[test]
    fn a_cached_run_is_read_back_and_a_changed_one_indexed_again() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::named(dir.path(), "search");
        let docs: Vec<Document> = (0..RUN_DOCS + 3)
            .map(|i| doc(&format!("公安{i}局")))
            .collect();
        let first = build(&Documents::given(&docs), Some(&cache));
        let entries = || std::fs::read_dir(dir.path().join(".fangpian-cache/search")).unwrap();
        assert_eq!(entries().count(), 2, "one entry per run");
        let mut edited = docs.clone();
        edited[RUN_DOCS + 1].text = "冒充公安".into();
        let again = build(&Documents::given(&edited), Some(&cache));
        assert_eq!(entries().count(), 3, "only the changed run is added");
        let fresh = build(&Documents::given(&edited), None);
        let flat = |m: &[(u32, Postings)]| -> Vec<(u32, [Vec<u8>; 3])> {
            m.iter()
                .map(|(k, p)| (*k, [&p.docs, &p.head, &p.positions].map(|l| l.clone())))
                .collect()
        };
        assert_ne!(flat(&first), flat(&fresh));
        assert_eq!(flat(&again), flat(&fresh));
    }
}
