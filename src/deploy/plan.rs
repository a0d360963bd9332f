//! What a deploy changes: the built files (name, size, MD5), the remote listing, and the plan that
//! compares them — uploads in the order that never breaks a live page (assets and PDFs, then HTML),
//! then deletions — with each file's Content-Type and Cache-Control.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};

use crate::diag::{Diagnostic, codes};

/// One built file to publish.
#[derive(Clone, Debug)]
pub struct LocalFile {
    /// Path relative to the output folder, with `/`.
    pub rel: String,
    pub path: PathBuf,
    pub size: u64,
    /// Lower-case hex MD5 of the bytes (what S3 reports as the ETag of a single-part upload).
    pub md5: String,
}

/// One object already in the bucket (below the prefix): size and ETag without quotes.
#[derive(Clone, Debug)]
pub struct RemoteObject {
    pub size: u64,
    pub etag: String,
}

/// Why a file is uploaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    New,
    Changed,
}

/// The deploy plan. `uploads` is in upload order: everything but HTML first, then HTML.
#[derive(Debug, Default)]
pub struct Plan {
    pub uploads: Vec<(LocalFile, Change)>,
    /// Keys relative to the prefix.
    pub deletes: Vec<String>,
    pub unchanged: usize,
}

impl Plan {
    pub fn upload_bytes(&self) -> u64 {
        self.uploads.iter().map(|(f, _)| f.size).sum()
    }

    pub fn count(&self, change: Change) -> usize {
        self.uploads.iter().filter(|(_, c)| *c == change).count()
    }
}

/// Compare the built files with the remote listing (keys relative to the prefix).
pub fn compare(local: Vec<LocalFile>, remote: &BTreeMap<String, RemoteObject>) -> Plan {
    let mut plan = Plan::default();
    let local_keys: std::collections::HashSet<String> =
        local.iter().map(|f| f.rel.clone()).collect();
    plan.deletes = remote
        .keys()
        .filter(|k| !local_keys.contains(k.as_str()))
        .cloned()
        .collect();
    let mut html = Vec::new();
    for f in local {
        let change = match remote.get(&f.rel) {
            None => Change::New,
            Some(r) if r.size == f.size && r.etag.eq_ignore_ascii_case(&f.md5) => {
                plan.unchanged += 1;
                continue;
            }
            Some(_) => Change::Changed,
        };
        if is_html(&f.rel) {
            html.push((f, change));
        } else {
            plan.uploads.push((f, change));
        }
    }
    plan.uploads.extend(html);
    plan
}

fn is_html(rel: &str) -> bool {
    rel.ends_with(".html")
}

/// Every file of the output folder to publish, sorted: not the build's marker and other dotfiles,
/// not the `.gz`/`.br` copies `[output] precompress` writes for nginx (object storage serves the
/// original).
pub fn local_files(out: &Path) -> Result<Vec<LocalFile>, Diagnostic> {
    let mut files = Vec::new();
    let walk = walkdir::WalkDir::new(out).sort_by_file_name().into_iter();
    for entry in
        walk.filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
    {
        let entry = entry.map_err(|e| read_error(out, &e.to_string()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(out)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        if is_precompressed_copy(out, &rel) {
            continue;
        }
        let bytes =
            std::fs::read(entry.path()).map_err(|e| read_error(entry.path(), &e.to_string()))?;
        files.push(LocalFile {
            rel,
            path: entry.path().to_path_buf(),
            size: bytes.len() as u64,
            md5: crate::reuse::hex(&Md5::digest(&bytes)),
        });
    }
    Ok(files)
}

fn is_precompressed_copy(out: &Path, rel: &str) -> bool {
    [".gz", ".br"].iter().any(|ext| {
        rel.strip_suffix(ext)
            .is_some_and(|orig| out.join(orig).is_file())
    })
}

fn read_error(path: &Path, msg: &str) -> Diagnostic {
    Diagnostic::error(
        codes::OUTPUT_IO,
        format!("读不了要发布的文件 {}：{msg}", path.display()),
    )
    .hint("检查这个文件的权限，然后重新运行 fangpian deploy")
}

/// `Content-Type` of a published file: by extension, with `charset=utf-8` for every text format.
pub fn content_type(name: &str) -> String {
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let text = mime.type_() == mime_guess::mime::TEXT
        || matches!(mime.subtype().as_str(), "javascript" | "json" | "xml")
        || mime.essence_str() == "image/svg+xml";
    if text && mime.get_param("charset").is_none() {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

/// `Cache-Control` of a published file. Pages, feeds and data revalidate on every visit (a
/// corrected hotline shows at once); CSS and JavaScript named by their content never change, so a
/// browser keeps them a year; PDFs and images are kept an hour.
pub fn cache_control(name: &str) -> &'static str {
    if crate::theme::is_fingerprinted(name) {
        return "public, max-age=31536000, immutable";
    }
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "html" | "xml" | "json" | "txt" | "css" | "js" | "webmanifest" => "no-cache",
        _ => "public, max-age=3600",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, md5: &str) -> LocalFile {
        LocalFile {
            rel: rel.into(),
            path: PathBuf::from(rel),
            size: 3,
            md5: md5.into(),
        }
    }

    #[test]
    fn plan_orders_assets_before_html_and_keeps_unchanged() {
        let mut remote = BTreeMap::new();
        let obj = |etag: &str| RemoteObject {
            size: 3,
            etag: etag.into(),
        };
        remote.insert("index.html".to_string(), obj("aa"));
        remote.insert("same.pdf".to_string(), obj("bb"));
        remote.insert("gone.html".to_string(), obj("cc"));
        let local = vec![
            file("index.html", "a1"),
            file("new.css", "dd"),
            file("same.pdf", "BB"),
            file("z.png", "ee"),
        ];
        let plan = compare(local, &remote);
        let order: Vec<_> = plan
            .uploads
            .iter()
            .map(|(f, c)| (f.rel.as_str(), *c))
            .collect();
        assert_eq!(
            order,
            [
                ("new.css", Change::New),
                ("z.png", Change::New),
                ("index.html", Change::Changed)
            ]
        );
        assert_eq!(plan.deletes, ["gone.html"]);
        assert_eq!(plan.unchanged, 1);
    }

    #[test]
    fn content_types_and_cache_control_per_kind() {
        for (name, ty) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.pdf", "application/pdf"),
            ("a.png", "image/png"),
            ("atom.xml", "text/xml; charset=utf-8"),
            ("a.json", "application/json; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("a.csv", "text/csv; charset=utf-8"),
            ("a.zip", "application/zip"),
            ("a.css", "text/css; charset=utf-8"),
            ("a.svg", "image/svg+xml; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
        ] {
            assert_eq!(content_type(name), ty, "{name}");
        }
        assert_eq!(cache_control("tactics/index.html"), "no-cache");
        assert_eq!(
            cache_control("fangpian.0123456789.css"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_control("posters/a.pdf"), "public, max-age=3600");
    }
}
