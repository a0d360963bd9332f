//! The print cache in `ROOT/.fangpian-cache/print/`: finished PDFs and previews keyed by a hash of
//! everything that goes into them (engine and fangpian versions, templates, fonts, the document's data
//! and QR code). A rebuild copies unchanged documents from here instead of laying them out again.
//! Entries are written to a temporary name and renamed, so a killed build never leaves half a file;
//! entries a full build did not use are removed afterwards. The share images of `channels` keep
//! their PNGs the same way in `ROOT/.fangpian-cache/share/` ([`Cache::named`]); those are
//! hard-linked into the output when it is on the same file system (entries are only ever replaced
//! by renaming, never rewritten in place, so a linked output file never changes under a published
//! site). A `.fangpian-cache` that leads outside the site root (a symbolic link) is never read or
//! written: the build then caches nothing. [`site_cache`] and [`write_atomic`] serve every cache in
//! that folder (the slug module's pinyin readings too). Keys are made with [`crate::reuse::Hasher`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::boundary::{Boundary, Resolved};

/// The site's cache folder `ROOT/.fangpian-cache`, or `None` when it leads outside the root (then
/// nothing is cached).
pub fn site_cache(root: &Path) -> Option<PathBuf> {
    match Boundary::new(root).resolve(".fangpian-cache") {
        Ok(Resolved::Dir(_) | Resolved::Missing) => Some(root.join(".fangpian-cache")),
        _ => None,
    }
}

/// Write `bytes` as `dir/name` through a temporary name carrying the process id (so that two builds
/// never share one, and a killed build never leaves half a file). Returns whether it worked; a
/// failed write leaves nothing behind.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> bool {
    write_atomic_parts(dir, name, &[bytes])
}

/// [`write_atomic`] of the concatenation of `parts`, without joining them in memory first.
fn write_atomic_parts(dir: &Path, name: &str, parts: &[&[u8]]) -> bool {
    use std::io::Write;
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written =
        std::fs::File::create(&tmp).and_then(|mut f| parts.iter().try_for_each(|p| f.write_all(p)));
    let ok = written.is_ok() && std::fs::rename(&tmp, dir.join(name)).is_ok();
    if !ok {
        let _ = std::fs::remove_file(&tmp);
    }
    ok
}

/// Bytes of the seal after a sealed entry.
const SEAL: usize = 16;

/// A cached document.
pub struct Hit {
    pub pdf: Vec<u8>,
    pub pngs: Vec<Vec<u8>>,
}

/// The cache folder of one site.
pub struct Cache {
    /// `None` when `.fangpian-cache` leads outside the site root: then nothing is cached.
    dir: Option<PathBuf>,
    used: Mutex<HashSet<String>>,
}

impl Cache {
    pub fn new(root: &Path) -> Cache {
        Cache::named(root, "print")
    }

    /// The cache folder `ROOT/.fangpian-cache/NAME/`.
    pub fn named(root: &Path, name: &str) -> Cache {
        Cache {
            dir: site_cache(root).map(|d| d.join(name)),
            used: Mutex::new(HashSet::new()),
        }
    }

    /// The file of a cached picture without a PDF (a share image), for linking into the output.
    pub fn png_path(&self, key: &str) -> Option<PathBuf> {
        use std::io::Read;
        let name = format!("{key}.png");
        let path = self.dir.as_ref()?.join(&name);
        let mut magic = [0u8; 4];
        std::fs::File::open(&path)
            .and_then(|mut f| f.read_exact(&mut magic))
            .ok()?;
        if &magic != b"\x89PNG" {
            return None;
        }
        self.mark(name);
        Some(path)
    }

    /// Store a picture without a PDF. Errors are ignored, as in [`Cache::put`].
    pub fn put_png(&self, key: &str, png: &[u8]) {
        self.store(&format!("{key}.png"), png);
    }

    /// The bytes of the entry `name`, marked as used; `None` when there is none.
    pub fn read(&self, name: &str) -> Option<Vec<u8>> {
        let bytes = std::fs::read(self.dir.as_ref()?.join(name)).ok()?;
        self.mark(name.to_string());
        Some(bytes)
    }

    /// Store the entry `name`. Errors are ignored, as in [`Cache::put`].
    pub fn store(&self, name: &str, bytes: &[u8]) {
        self.store_parts(name, &[bytes]);
    }

    /// [`Cache::store`] of the concatenation of `parts`.
    fn store_parts(&self, name: &str, parts: &[&[u8]]) {
        if let Some(dir) = self.writable_dir()
            && write_atomic_parts(dir, name, parts)
        {
            self.mark(name.to_string());
        }
    }

    /// [`Cache::read`] for an entry stored with [`Cache::store_sealed`]: its bytes without the
    /// seal, `None` when the seal does not match them (a damaged entry).
    pub fn read_sealed(&self, name: &str) -> Option<Vec<u8>> {
        let mut bytes = self.read(name)?;
        let body = bytes.len().checked_sub(SEAL)?;
        if blake3::hash(&bytes[..body]).as_bytes()[..SEAL] != bytes[body..] {
            return None;
        }
        bytes.truncate(body);
        Some(bytes)
    }

    /// [`Cache::store`] with a seal after the bytes: the first 16 bytes of their BLAKE3 hash. The
    /// seal is written after them, so the caller keeps its bytes uncopied.
    pub fn store_sealed(&self, name: &str, bytes: &[u8]) {
        let hash = blake3::hash(bytes);
        self.store_parts(name, &[bytes, &hash.as_bytes()[..SEAL]]);
    }

    /// The cache folder, created if need be; `None` when there is none to write to.
    fn writable_dir(&self) -> Option<&Path> {
        let dir = self.dir.as_deref()?;
        std::fs::create_dir_all(dir).ok().map(|_| dir)
    }

    fn mark(&self, name: String) {
        self.used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name);
    }

    /// The cached PDF of `key`, with `previews` PNGs if asked for; `None` if anything is missing.
    pub fn get(&self, key: &str, previews: Option<usize>) -> Option<Hit> {
        let dir = self.dir.as_ref()?;
        let pdf = std::fs::read(dir.join(format!("{key}.pdf"))).ok()?;
        if !(pdf.starts_with(b"%PDF-") && pdf.trim_ascii_end().ends_with(b"%%EOF")) {
            return None;
        }
        let mut pngs = Vec::new();
        for n in 1..=previews.unwrap_or(0) {
            let png = std::fs::read(dir.join(format!("{key}.{n}.png"))).ok()?;
            if !png.starts_with(b"\x89PNG") {
                return None;
            }
            pngs.push(png);
        }
        self.mark(format!("{key}.pdf"));
        for n in 1..=previews.unwrap_or(0) {
            self.mark(format!("{key}.{n}.png"));
        }
        Some(Hit { pdf, pngs })
    }

    /// Store a document. Failing to write the cache only costs time later, so errors are ignored.
    pub fn put(&self, key: &str, pdf: &[u8], pngs: &[Vec<u8>]) {
        let Some(dir) = self.writable_dir() else {
            return;
        };
        let mut files: Vec<(String, &[u8])> = vec![(format!("{key}.pdf"), pdf)];
        for (n, png) in pngs.iter().enumerate() {
            files.push((format!("{key}.{}.png", n + 1), png));
        }
        // Previews first, the PDF last: `get` trusts a PDF only when its previews are there.
        files.reverse();
        for (name, bytes) in files {
            if write_atomic(dir, &name, bytes) {
                self.mark(name);
            }
        }
    }

    /// Remove the entries this build did not use.
    pub fn prune(&self) {
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let Some(Ok(entries)) = self.dir.as_ref().map(std::fs::read_dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !used.contains(&name) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}
