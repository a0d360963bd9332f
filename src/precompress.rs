//! `[output] precompress = true`: a [`Sink`] adapter that writes a `.gz` and a `.br` copy beside every
//! text file of the build (HTML, CSS, JavaScript, feeds, sitemaps, JSON, SVG), for nginx's
//! `gzip_static` and `brotli_static`. The bytes are deterministic: no timestamp or file name in the
//! gzip header, fixed compression levels.

use std::io::Write;
use std::path::Path;

use flate2::{Compression, GzBuilder};

use crate::diag::{Diagnostic, codes};
use crate::output::Sink;
use crate::reuse::{Key, derive};

/// Files smaller than this are sent as they are (compression would save less than a packet).
const MIN_SIZE: usize = 256;

/// Writes through to `inner`, adding compressed copies of text files.
pub struct PrecompressSink<'a> {
    inner: &'a dyn Sink,
}

impl<'a> PrecompressSink<'a> {
    pub fn new(inner: &'a dyn Sink) -> Self {
        PrecompressSink { inner }
    }

    /// The compressed copies of `data`, written as `rel` (under `key` when it was made from one, so
    /// that they are reused with it).
    fn compressed_copies(
        &self,
        rel: &str,
        data: &[u8],
        key: Option<&Key>,
    ) -> Result<(), Diagnostic> {
        if data.len() < MIN_SIZE || !is_text(rel) {
            return Ok(());
        }
        let write = |name: String, bytes: &[u8]| match key {
            Some(k) => self.inner.write_keyed(&name, &[bytes], k),
            None => self.inner.write(&name, bytes),
        };
        let gz = gzip(data);
        if gz.len() < data.len() {
            write(format!("{rel}.gz"), &gz)?;
        }
        let br = brotli(data);
        if br.len() < data.len() {
            write(format!("{rel}.br"), &br)?;
        }
        Ok(())
    }
}

impl Sink for PrecompressSink<'_> {
    fn write_parts(&self, rel: &str, parts: &[&[u8]]) -> Result<(), Diagnostic> {
        self.inner.write_parts(rel, parts)?;
        if is_text(rel) {
            self.compressed_copies(rel, &parts.concat(), None)?;
        }
        Ok(())
    }

    fn write_keyed(&self, rel: &str, parts: &[&[u8]], key: &Key) -> Result<(), Diagnostic> {
        let key = derive(key, "precompress");
        self.inner.write_keyed(rel, parts, &key)?;
        if is_text(rel) {
            self.compressed_copies(rel, &parts.concat(), Some(&key))?;
        }
        Ok(())
    }

    fn reuse(&self, rel: &str, key: &Key) -> bool {
        self.inner.reuse(rel, &derive(key, "precompress"))
    }

    fn copy(&self, rel: &str, src: &Path) -> Result<(), Diagnostic> {
        self.inner.copy(rel, src)?;
        self.compress_file(rel, src)
    }

    fn link(&self, rel: &str, src: &Path) -> Result<(), Diagnostic> {
        self.inner.link(rel, src)?;
        self.compress_file(rel, src)
    }
}

impl PrecompressSink<'_> {
    /// The compressed copies of the file `src` written as `rel`, if it is text.
    fn compress_file(&self, rel: &str, src: &Path) -> Result<(), Diagnostic> {
        if !is_text(rel) {
            return Ok(());
        }
        let data = std::fs::read(src).map_err(|e| {
            Diagnostic::error(codes::OUTPUT_IO, format!("读不了 {}：{e}", src.display()))
        })?;
        self.compressed_copies(rel, &data, None)
    }
}

/// The text formats a build writes.
pub fn is_text(rel: &str) -> bool {
    let ext = rel.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(
        ext,
        "html" | "css" | "js" | "xml" | "json" | "svg" | "txt" | "csv" | "webmanifest"
    )
}

/// gzip at the best level, with a header that has no modification time and no file name.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzBuilder::new()
        .mtime(0)
        .write(Vec::with_capacity(data.len() / 3), Compression::best());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// Brotli at quality 11 with a 4 MiB window.
pub fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 3);
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        let _ = w.write_all(data);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_copies_are_deterministic_and_round_trip() {
        let text = "<p>防骗：不轻信，不转账。</p>".repeat(40);
        assert_eq!(gzip(text.as_bytes()), gzip(text.as_bytes()));
        let gz = gzip(text.as_bytes());
        // No modification time in the header (bytes 4..8).
        assert_eq!(&gz[4..8], &[0, 0, 0, 0]);
        let mut back = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut back)
            .unwrap();
        assert_eq!(back, text);
        let mut br = Vec::new();
        brotli::BrotliDecompress(&mut &brotli(text.as_bytes())[..], &mut br).unwrap();
        assert_eq!(br, text.as_bytes());
    }
}
