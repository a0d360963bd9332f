//! Rebuilds that reuse what did not change. Every HTML file (each page and its WeChat version) gets a
//! [`Key`]: a hash of everything it is made from — this program, the theme's templates, the
//! template's data and the file's name. The output writer records which files it wrote from which
//! key; the next build into the same folder hard-links the file it already has under an unchanged
//! key instead of rendering it again (see `output::Staging`).
//!
//! The record ([`Record`]) lives in the site's cache, `ROOT/.fangpian-cache/outputs/`, one file per
//! output folder, so the output folder itself holds nothing but the site. A recorded file is only
//! trusted while its inode, size and modification time are still those recorded: a file edited by
//! hand, replaced by `serve` or left from another build is made afresh. A record written by another
//! build of fangpian (another version, or the same version rebuilt) is ignored as a whole.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::Value;

use crate::print::cache::{site_cache, write_atomic};

pub mod store;

/// What an output file is made from, hashed (128 bits of BLAKE3).
pub type Key = [u8; 16];

/// The one content hash of the program (BLAKE3, 128 bits): keys of rendered files, of print and
/// share-image cache entries, and fingerprints. It is fed field by field; every field is
/// length-prefixed or tagged, so that no two different inputs feed the same bytes. The fields are
/// gathered in a buffer and hashed at once: BLAKE3 hashes a long input several chunks at a time,
/// where many small updates (a page's data is hundreds of short strings) cost more.
#[derive(Default)]
pub struct Hasher(Vec<u8>);

impl Hasher {
    pub fn new() -> Hasher {
        Hasher(Vec::with_capacity(8192))
    }

    /// A hasher for keys of one kind (`"rendered file"`, `"theme"`, …).
    pub fn of(kind: &str) -> Hasher {
        let mut h = Hasher::new();
        h.str(kind);
        h
    }

    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.extend_from_slice(&(b.len() as u64).to_le_bytes());
        self.0.extend_from_slice(b);
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    /// The concatenation of `parts`, as one field.
    pub fn parts(&mut self, parts: &[&[u8]]) -> &mut Self {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        self.0.reserve(len + 8);
        self.0.extend_from_slice(&(len as u64).to_le_bytes());
        parts.iter().for_each(|p| self.0.extend_from_slice(p));
        self
    }

    pub fn key(&mut self, k: &Key) -> &mut Self {
        self.0.extend_from_slice(k);
        self
    }

    fn tag(&mut self, tag: u8, n: u64) {
        self.0.push(tag);
        self.0.extend_from_slice(&n.to_le_bytes());
    }

    /// A JSON value, walked directly (no text form is made).
    pub fn value(&mut self, v: &Value) -> &mut Self {
        match v {
            Value::Null => self.0.push(b'n'),
            Value::Bool(b) => self.0.push(if *b { b't' } else { b'f' }),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    self.tag(b'u', u);
                } else if let Some(i) = n.as_i64() {
                    self.tag(b'i', i as u64);
                } else {
                    self.tag(b'd', n.as_f64().unwrap_or(f64::NAN).to_bits());
                }
            }
            Value::String(s) => {
                self.0.push(b's');
                self.str(s);
            }
            Value::Array(a) => {
                self.tag(b'a', a.len() as u64);
                a.iter().for_each(|x| {
                    self.value(x);
                });
            }
            Value::Object(o) => {
                self.tag(b'o', o.len() as u64);
                for (k, x) in o {
                    self.str(k).value(x);
                }
            }
        }
        self
    }

    pub fn finish(&self) -> Key {
        let mut k = [0; 16];
        k.copy_from_slice(&blake3::hash(&self.0).as_bytes()[..16]);
        k
    }

    /// [`Self::finish`] in hex (32 digits), for file names.
    pub fn hex(&self) -> String {
        hex(&self.finish())
    }
}

/// `key` changed by a transformation of the bytes made from it (the offline copy's links, the
/// compressed copies): a file transformed differently is never taken for the plain one.
pub fn derive(key: &Key, transformation: &str) -> Key {
    let mut h = Hasher::of(transformation);
    h.key(key);
    h.finish()
}

/// A written file as the record knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// Relative to the output folder, normalised.
    pub rel: String,
    pub ino: u64,
    pub size: u64,
    pub mtime_ns: i128,
}

impl Recorded {
    /// `rel` with the identity of the file `meta` describes.
    pub fn new(rel: String, meta: &std::fs::Metadata) -> Recorded {
        Recorded {
            rel,
            ino: inode(meta),
            size: meta.len(),
            mtime_ns: mtime_ns(meta),
        }
    }

    /// Whether the file at `p` is this very file, unchanged (see [`Recorded::is`]; files compared
    /// are always on the same file system, beside each other).
    pub fn is_at(&self, p: &Path) -> bool {
        std::fs::symlink_metadata(p).is_ok_and(|m| self.is(&m))
    }

    /// Whether `meta` describes the file recorded: same inode, size and modification time.
    pub fn is(&self, meta: &std::fs::Metadata) -> bool {
        meta.is_file()
            && inode(meta) == self.ino
            && meta.len() == self.size
            && mtime_ns(meta) == self.mtime_ns
    }
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> u64 {
    0
}

fn mtime_ns(meta: &std::fs::Metadata) -> i128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(-1, |d| d.as_nanos() as i128)
}

/// Which files a build wrote from which key: a file and the copies written with it (`x.html`,
/// `x.html.gz`, `x.html.br`) share one key, the file first.
#[derive(Default)]
pub struct Record {
    groups: HashMap<Key, Vec<Recorded>>,
}

/// The first line of a record: its format and the build of fangpian that wrote it.
fn header() -> String {
    format!("fangpian-outputs 1 {}\n", hex(&program_identity()))
}

/// This build of fangpian: its version and its executable's size and time, so that a record or a
/// cache entry written by any other build of the program (whose templates, rendering or formats
/// may differ) is not used. Worked out once per process.
pub fn program_identity() -> Key {
    static IDENTITY: std::sync::OnceLock<Key> = std::sync::OnceLock::new();
    *IDENTITY.get_or_init(identify_program)
}

fn identify_program() -> Key {
    let mut h = Hasher::of("program");
    h.str(env!("CARGO_PKG_VERSION"));
    let exe = std::env::current_exe().and_then(std::fs::metadata);
    match exe {
        Ok(m) => {
            let mtime = mtime_ns(&m);
            h.bytes(&m.len().to_le_bytes()).bytes(&mtime.to_le_bytes());
        }
        // Not knowing which program this is, trust no record: a fresh key every time.
        Err(_) => {
            h.bytes(&std::process::id().to_le_bytes()).bytes(
                &std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos())
                    .to_le_bytes(),
            );
        }
    }
    h.finish()
}

/// `bytes` in lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 * bytes.len());
    push_hex(&mut s, bytes);
    s
}

fn push_hex(s: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
}

fn unhex(s: &str) -> Option<Key> {
    if s.len() != 32 {
        return None;
    }
    let mut k = [0; 16];
    for (i, b) in k.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(k)
}

/// The record of the output folder `out_abs` (absolute) in the site's cache: one file per folder,
/// named by a hash of its path. `None` when the site has no usable cache folder.
pub fn record_path(root: &Path, out_abs: &Path) -> Option<PathBuf> {
    let mut h = Hasher::of("output folder");
    h.bytes(out_abs.as_os_str().as_encoded_bytes());
    Some(
        site_cache(root)?
            .join("outputs")
            .join(format!("{}.txt", hex(&h.finish()))),
    )
}

impl Record {
    /// The record at `path`; empty when there is none, it cannot be read, or another build of
    /// fangpian wrote it.
    pub fn load(path: Option<&Path>) -> Record {
        let text = path.and_then(|p| std::fs::read_to_string(p).ok());
        text.and_then(|t| Record::parse(&t)).unwrap_or_default()
    }

    fn parse(text: &str) -> Option<Record> {
        let body = text.strip_prefix(&header())?;
        let mut groups: HashMap<Key, Vec<Recorded>> = HashMap::new();
        for line in body.lines() {
            let mut f = line.splitn(5, '\t');
            let key = unhex(f.next()?)?;
            let ino = f.next()?.parse().ok()?;
            let size = f.next()?.parse().ok()?;
            let mtime_ns = f.next()?.parse().ok()?;
            let rel = f.next()?.to_string();
            groups.entry(key).or_default().push(Recorded {
                rel,
                ino,
                size,
                mtime_ns,
            });
        }
        Some(Record { groups })
    }

    /// The files written from `key`, the file named `rel` first; `None` unless `rel` was.
    pub fn files(&self, rel: &str, key: &Key) -> Option<&[Recorded]> {
        self.groups
            .get(key)
            .filter(|g| g.first().is_some_and(|f| f.rel == rel))
            .map(Vec::as_slice)
    }

    /// Save the record as `path` (written whole under a temporary name and renamed). Failing to
    /// save only costs the next build its reuse.
    pub fn save(&self, path: &Path) {
        let mut out = header();
        out.reserve(self.groups.len() * 100);
        let mut groups: Vec<(&Key, &Vec<Recorded>)> = self.groups.iter().collect();
        groups.sort_by(|a, b| a.1[0].rel.cmp(&b.1[0].rel));
        for (key, files) in groups {
            for f in files {
                use std::fmt::Write;
                push_hex(&mut out, key);
                let _ = writeln!(out, "\t{}\t{}\t{}\t{}", f.ino, f.size, f.mtime_ns, f.rel);
            }
        }
        if let Some(dir) = path.parent()
            && std::fs::create_dir_all(dir).is_ok()
            && let Some(name) = path.file_name()
        {
            write_atomic(dir, &name.to_string_lossy(), out.as_bytes());
        }
    }
}

/// The record a build is writing, filled from every thread.
#[derive(Default)]
pub struct Recording(Mutex<Record>);

impl Recording {
    /// Note that `file` was written (or reused) from `key`. A name holding a tab or a line break
    /// (which the record's lines cannot hold) is not recorded: that file is simply made afresh
    /// next time.
    pub fn add(&self, key: &Key, file: Recorded) {
        if file.rel.contains(['\t', '\n', '\r']) {
            return;
        }
        let mut r = self.0.lock().unwrap_or_else(|e| e.into_inner());
        r.groups.entry(*key).or_default().push(file);
    }

    pub fn into_record(self) -> Record {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_record_loads_back_and_another_program_build_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outputs").join("r.txt");
        let rec = Recording::default();
        let k = Hasher::of("html").str("a/index.html").finish();
        for rel in ["a/index.html", "a/index.html.gz"] {
            rec.add(
                &k,
                Recorded {
                    rel: rel.into(),
                    ino: 7,
                    size: 120,
                    mtime_ns: 1_700_000_000_123_456_789,
                },
            );
        }
        rec.add(
            &k,
            Recorded {
                rel: "bad\tname".into(),
                ino: 1,
                size: 1,
                mtime_ns: 1,
            },
        );
        rec.into_record().save(&path);
        let back = Record::load(Some(&path));
        let files = back.files("a/index.html", &k).unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(files[1].rel, "a/index.html.gz");
        assert_eq!(files[0].mtime_ns, 1_700_000_000_123_456_789);
        assert!(back.files("a/index.html.gz", &k).is_none());
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("outputs 1 ", "outputs 1 0", 1)).unwrap();
        assert!(
            Record::load(Some(&path))
                .files("a/index.html", &k)
                .is_none()
        );
    }

    #[test]
    fn keys_tell_values_apart() {
        let k = |v: Value| Hasher::of("t").value(&v).finish();
        let all = [
            k(serde_json::json!({"a": "bc"})),
            k(serde_json::json!({"ab": "c"})),
            k(serde_json::json!(["a", "b"])),
            k(serde_json::json!(["ab"])),
            k(serde_json::json!(1)),
            k(serde_json::json!(1.0)),
            k(serde_json::json!("1")),
            k(serde_json::json!(null)),
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(
            k(serde_json::json!({"a": [1, "x"]})),
            k(serde_json::json!({"a": [1, "x"]}))
        );
    }
}
