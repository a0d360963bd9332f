//! Values computed from one page (its rendered markdown, its channel texts) kept between builds in
//! the site's cache (`ROOT/.fangpian-cache/NAME/`), so that a rebuild computes only those of the
//! pages that changed. Each value is stored under a [`Key`] of everything it is made from, which
//! the caller works out.
//!
//! Entries live in [`BUCKETS`] files by the first byte of their key, each sealed with its hash
//! (`Cache::store_sealed`) and encoded with postcard. A build rewrites only the files that gained
//! or lost an entry; a damaged file is computed again.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Key;
use crate::print::cache::Cache;

/// Whether the values made are stored for the next build: `check` writes nothing, not even into the
/// cache, so it only reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caches {
    Update,
    ReadOnly,
}

/// Files the entries are spread over: a one-page edit rewrites one or two of them.
const BUCKETS: usize = 32;

fn bucket_of(key: &Key) -> usize {
    usize::from(key[0]) % BUCKETS
}

fn bucket_name(n: usize) -> String {
    format!("{n:02}.bin")
}

/// The entries of bucket `n`; none when it is missing or damaged.
fn load_bucket<T: DeserializeOwned>(cache: &Cache, n: usize) -> HashMap<Key, T> {
    let bytes = cache.read_sealed(&bucket_name(n));
    let entries: Vec<(Key, T)> = bytes
        .and_then(|b| postcard::from_bytes(&b).ok())
        .unwrap_or_default();
    entries.into_iter().collect()
}

/// For each of `keys`, the value stored under it in the cache `name` of the site at `root`, or
/// else `make(i)` (in parallel). With [`Caches::Update`], the values for which `keep` holds are
/// what the cache holds afterwards; the others are made again by every build.
pub fn cached<T>(
    (root, name, caches): (&Path, &str, Caches),
    keys: &[Key],
    make: impl Fn(usize) -> T + Sync,
    keep: impl Fn(&T) -> bool + Sync,
) -> Vec<T>
where
    T: Serialize + DeserializeOwned + Send + Sync,
{
    let cache = Cache::named(root, name);
    let mut buckets: Vec<HashMap<Key, T>> = (0..BUCKETS)
        .into_par_iter()
        .map(|n| load_bucket(&cache, n))
        .collect();
    let hits: Vec<Option<T>> = keys
        .iter()
        .map(|k| buckets[bucket_of(k)].remove(k))
        .collect();
    // A bucket changes when it holds an entry no key took (an edited or deleted page's) ...
    let mut changed: Vec<bool> = buckets.iter().map(|b| !b.is_empty()).collect();
    drop(buckets);
    let fresh: Vec<bool> = hits.iter().map(Option::is_none).collect();
    let values: Vec<T> = hits
        .into_par_iter()
        .enumerate()
        .map(|(i, hit)| hit.unwrap_or_else(|| make(i)))
        .collect();
    // ... or when a value made afresh is to be kept.
    for ((k, v), fresh) in keys.iter().zip(&values).zip(fresh) {
        changed[bucket_of(k)] |= fresh && keep(v);
    }
    if caches == Caches::Update {
        save(&cache, keys, &values, &keep, &changed);
    }
    values
}

/// Rewrite the buckets that `changed`, each with exactly the entries of this build that `keep`
/// holds for.
fn save<T: Serialize + Sync>(
    cache: &Cache,
    keys: &[Key],
    values: &[T],
    keep: &(impl Fn(&T) -> bool + Sync),
    changed: &[bool],
) {
    let mut members: Vec<Vec<(&Key, &T)>> = vec![Vec::new(); BUCKETS];
    for (k, v) in keys.iter().zip(values) {
        if keep(v) {
            members[bucket_of(k)].push((k, v));
        }
    }
    members
        .into_par_iter()
        .enumerate()
        .filter(|(n, _)| changed[*n])
        .for_each(|(n, entries)| {
            if let Ok(bytes) = postcard::to_allocvec(&entries) {
                cache.store_sealed(&bucket_name(n), &bytes);
            }
        });
    cache.prune();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reuse::Hasher;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn values_are_made_once_and_unkept_ones_every_time() {
        let dir = tempfile::tempdir().unwrap();
        let key = |s: &str| Hasher::of("test").str(s).finish();
        let words = ["甲", "乙", "丙", "丁"];
        let made = AtomicUsize::new(0);
        let run = |words: &[&str]| -> Vec<String> {
            let keys: Vec<Key> = words.iter().map(|w| key(w)).collect();
            let make = |i: usize| {
                made.fetch_add(1, Ordering::Relaxed);
                format!("{}!", words[i])
            };
            cached(
                (dir.path(), "t", Caches::Update),
                &keys,
                make,
                |v: &String| v != "丁!",
            )
        };
        assert_eq!(run(&words), ["甲!", "乙!", "丙!", "丁!"]);
        assert_eq!(made.swap(0, Ordering::Relaxed), 4);
        assert_eq!(run(&words), ["甲!", "乙!", "丙!", "丁!"]);
        assert_eq!(made.swap(0, Ordering::Relaxed), 1, "only the unkept one");
        assert_eq!(run(&["甲", "戊"]), ["甲!", "戊!"]);
        assert_eq!(made.swap(0, Ordering::Relaxed), 1);
        let folder = dir.path().join(".fangpian-cache/t");
        for e in std::fs::read_dir(&folder).unwrap() {
            let path = e.unwrap().path();
            let mut bytes = std::fs::read(&path).unwrap();
            bytes[0] ^= 1;
            std::fs::write(&path, bytes).unwrap();
        }
        assert_eq!(run(&["甲", "戊"]), ["甲!", "戊!"]);
        assert_eq!(
            made.swap(0, Ordering::Relaxed),
            2,
            "damaged files are not used"
        );
        assert_eq!(run(&["甲", "戊"]), ["甲!", "戊!"]);
        assert_eq!(made.swap(0, Ordering::Relaxed), 0);
        let other = tempfile::tempdir().unwrap();
        let keys = [key("甲")];
        let read_only = cached(
            (other.path(), "t", Caches::ReadOnly),
            &keys,
            |_| 1u8,
            |_| true,
        );
        assert_eq!(read_only, [1]);
        assert!(
            !other.path().join(".fangpian-cache").exists(),
            "nothing written"
        );
    }
}
