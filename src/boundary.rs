//! The site root as a boundary: every file fangpian reads from a site (content, static files, data,
//! themes, templates, print templates, fonts, variants files, `site.toml`, `hotlines.toml`) is resolved
//! here first. A symbolic link, `..` or absolute path that leads outside the root is refused with an
//! error naming it, and never followed; links inside the root keep working. Failures to read say what
//! really happened: missing, permission denied, a link loop, or outside the root.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, codes};

/// How deep a walk goes below the folder it starts at.
pub const MAX_DEPTH: usize = 32;

/// The root of one site, for resolving paths inside it.
pub struct Boundary {
    root: PathBuf,
    /// The root with every symbolic link resolved: what "inside" means.
    canon: PathBuf,
}

/// What a path inside the root is.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    Missing,
    /// A file, by its resolved path.
    File(PathBuf),
    /// A folder, by its resolved path.
    Dir(PathBuf),
}

/// A file found by [`Boundary::walk`].
#[derive(Debug)]
pub struct Entry {
    /// Its path (under the root as given, not resolved), for reading.
    pub abs: PathBuf,
    /// Its path relative to the walked folder, with `/` separators.
    pub rel: String,
}

impl Boundary {
    pub fn new(root: &Path) -> Boundary {
        let canon = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        Boundary {
            root: root.to_path_buf(),
            canon,
        }
    }

    /// Resolve `rel` (relative to the root, as the writer wrote it, `/`-separated), refusing anything
    /// that leads outside the root.
    pub fn resolve(&self, rel: &str) -> Result<Resolved, Diagnostic> {
        self.resolve_path(&self.root.join(rel), rel)
    }

    /// Resolve `path` (somewhere under the root) shown to the user as `display`.
    fn resolve_path(&self, path: &Path, display: &str) -> Result<Resolved, Diagnostic> {
        let canon = match std::fs::canonicalize(path) {
            Ok(c) => c,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
                    return Err(Diagnostic::error(
                        codes::UNREADABLE,
                        format!("{display} 是一个失效的符号链接：它指向的文件不存在"),
                    )
                    .hint(format!("删掉 {display} 这个链接，或把真正的文件放在这里")));
                }
                return Ok(Resolved::Missing);
            }
            Err(e) => return Err(read_error(display, &e)),
        };
        if !canon.starts_with(&self.canon) {
            let display = self.first_link_outside(display);
            return Err(Diagnostic::error(
                codes::PATH_OUTSIDE_ROOT,
                format!("{display} 指向站点目录以外，fangpian 不读取它"),
            )
            .hint(format!(
                "为了安全，站点只能用站点目录里面的文件：把要用的文件复制到站点目录里，再把 {display} 换成真正的文件或文件夹"
            )));
        }
        match std::fs::metadata(&canon) {
            Ok(m) if m.is_dir() => Ok(Resolved::Dir(canon)),
            Ok(_) => Ok(Resolved::File(canon)),
            Err(e) => Err(read_error(display, &e)),
        }
    }

    /// The shortest leading part of `display` (a path relative to the root) that is a symbolic link
    /// leading outside the root: the link to name in the error. `display` itself when there is none
    /// (a path that leaves the root by `..` or is absolute).
    fn first_link_outside<'a>(&self, display: &'a str) -> &'a str {
        let ends = display
            .match_indices('/')
            .map(|(i, _)| i)
            .chain([display.len()]);
        for end in ends {
            let prefix = &display[..end];
            let path = self.root.join(prefix);
            let is_link =
                std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
            if is_link && std::fs::canonicalize(&path).is_ok_and(|c| !c.starts_with(&self.canon)) {
                return prefix;
            }
        }
        display
    }

    /// The bytes of the file `rel`, or `None` when there is none.
    pub fn read(&self, rel: &str) -> Result<Option<Vec<u8>>, Diagnostic> {
        match self.resolve(rel)? {
            Resolved::Missing => Ok(None),
            Resolved::Dir(_) => Err(Diagnostic::error(
                codes::UNREADABLE,
                format!("{rel} 是一个文件夹，应该是文件"),
            )
            .hint(format!("把文件夹 {rel} 改名或移走，在这里放一个文件"))),
            Resolved::File(p) => std::fs::read(&p).map(Some).map_err(|e| read_error(rel, &e)),
        }
    }

    /// Every file under the folder `rel_dir` (none if it does not exist), sorted by name, skipping
    /// names for which `skip` is true. A link to a file inside the root is listed; a link to a
    /// folder, a link outside the root, a broken link or a link loop is an error.
    pub fn walk(
        &self,
        rel_dir: &str,
        skip: impl Fn(&str) -> bool,
    ) -> Result<Vec<Entry>, Vec<Diagnostic>> {
        if !matches!(
            self.resolve(rel_dir).map_err(|d| vec![d])?,
            Resolved::Dir(_)
        ) {
            return Ok(Vec::new());
        }
        let dir = self.root.join(rel_dir);
        let walker = walkdir::WalkDir::new(&dir)
            .follow_links(false)
            .max_depth(MAX_DEPTH)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !skip(&e.file_name().to_string_lossy()));
        let mut found = Vec::new();
        let mut errs = Vec::new();
        let rel_of = |p: &Path| {
            p.strip_prefix(&dir)
                .unwrap_or(p)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        };
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let rel = e.path().map(rel_of).unwrap_or_default();
                    let display = format!("{rel_dir}/{rel}");
                    let io = e
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("walk"));
                    errs.push(read_error(&display, &io));
                    continue;
                }
            };
            let rel = rel_of(entry.path());
            let is_file = if entry.path_is_symlink() {
                let display = format!("{rel_dir}/{rel}");
                match self.link_is_file(entry.path(), &display, rel_dir) {
                    Ok(is_file) => is_file,
                    Err(d) => {
                        errs.push(d);
                        continue;
                    }
                }
            } else {
                entry.file_type().is_file()
            };
            if is_file {
                found.push(Entry {
                    abs: entry.into_path(),
                    rel,
                });
            }
        }
        if errs.is_empty() {
            Ok(found)
        } else {
            Err(errs)
        }
    }

    /// Whether a link found in a walk of `rel_dir` leads to a file inside the root; an error when it
    /// leads to a folder, outside the root, nowhere, or round in a loop.
    fn link_is_file(&self, path: &Path, display: &str, rel_dir: &str) -> Result<bool, Diagnostic> {
        match self.resolve_path(path, display)? {
            Resolved::File(_) => Ok(true),
            Resolved::Missing => Ok(false),
            Resolved::Dir(_) => Err(Diagnostic::error(
                codes::PATH_OUTSIDE_ROOT,
                format!("{display} 是指向文件夹的符号链接，不支持"),
            )
            .hint(format!("把文件夹直接放进 {rel_dir} 目录"))),
        }
    }
}

/// Whether `e` is "too many levels of symbolic links".
pub fn is_loop(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// The error for a site file `display` that could not be read: permission, link loop or other.
pub fn read_error(display: &str, e: &std::io::Error) -> Diagnostic {
    if e.kind() == ErrorKind::PermissionDenied {
        Diagnostic::error(
            codes::PERMISSION_DENIED,
            format!("权限不足：不能读取 {display}"),
        )
        .hint(format!(
            "运行 fangpian 的用户没有读取 {display} 的权限；请文件的主人放开读取权限（例如 chmod u+r，文件夹还要 u+x），或换一个有权限的用户运行"
        ))
    } else if is_loop(e) {
        Diagnostic::error(
            codes::SYMLINK_LOOP,
            format!("{display} 是一个循环的符号链接（链接最终又指回自己）"),
        )
        .hint(format!("删掉 {display} 这个链接，或让它指向一个真正的文件"))
    } else {
        Diagnostic::error(codes::UNREADABLE, format!("读不了 {display}：{e}"))
            .hint("检查这个文件是否完整、磁盘是否正常")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("site/static/img")).unwrap();
        std::fs::write(d.path().join("site/static/a.css"), "a").unwrap();
        std::fs::write(d.path().join("site/static/img/b.png"), "b").unwrap();
        std::fs::write(d.path().join("secret.txt"), "secret").unwrap();
        d
    }

    #[test]
    fn links_inside_the_root_work_and_outside_ones_are_refused() {
        let d = site();
        let root = d.path().join("site");
        let b = Boundary::new(&root);
        std::os::unix::fs::symlink("a.css", root.join("static/inside.css")).unwrap();
        let files: Vec<String> = b
            .walk("static", |_| false)
            .unwrap()
            .into_iter()
            .map(|e| e.rel)
            .collect();
        assert_eq!(files, ["a.css", "img/b.png", "inside.css"]);
        std::os::unix::fs::symlink(d.path().join("secret.txt"), root.join("static/out.txt"))
            .unwrap();
        let errs = b.walk("static", |_| false).unwrap_err();
        assert_eq!(errs[0].code, codes::PATH_OUTSIDE_ROOT);
        assert!(
            errs[0].message.contains("static/out.txt"),
            "{}",
            errs[0].message
        );
        assert_eq!(
            b.read("../secret.txt").unwrap_err().code,
            codes::PATH_OUTSIDE_ROOT
        );
        let abs = d.path().join("secret.txt");
        assert_eq!(
            b.read(abs.to_str().unwrap()).unwrap_err().code,
            codes::PATH_OUTSIDE_ROOT
        );
        assert_eq!(b.read("nothing.toml").unwrap(), None);
    }

    #[test]
    fn a_link_loop_is_called_a_loop() {
        let d = site();
        let root = d.path().join("site");
        std::os::unix::fs::symlink("loop.toml", root.join("loop.toml")).unwrap();
        let e = Boundary::new(&root).read("loop.toml").unwrap_err();
        assert_eq!(e.code, codes::SYMLINK_LOOP, "{}", e.message);
        assert!(e.message.contains("循环"), "{}", e.message);
    }
}
