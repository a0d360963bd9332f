//! Link and image destinations in markdown: `@/` and `.md` links to content files, URL schemes, and
//! paths on the site, recorded to be checked once every output file is known.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use crate::content::ContentLink;
use crate::diag::{Diagnostic, codes};

use super::sanitize::{SAFE_SCHEMES, scheme};
use super::{AnchorRef, LinkContext, LinkRef, Rendered};

/// Resolve a link or image destination: `@/` and `.md` links to content files, unsafe schemes,
/// relative and root-relative links (recorded in [`Rendered::links`] to be checked once every
/// output file is known).
pub(super) fn resolve_dest(
    dest: &str,
    file: &Path,
    source: &Arc<str>,
    span: &Range<usize>,
    ctx: &LinkContext<'_>,
    out: &mut Rendered,
) -> String {
    if let Some((at, c)) = crate::confusables::invisible_in(dest) {
        out.diagnostics.push(
            Diagnostic::error(
                codes::CONFUSABLE_CHAR,
                format!(
                    "链接 `{}` 里有一个看不见的字符{}",
                    dest.trim(),
                    c.describe()
                ),
            )
            .at(file, source, span.clone())
            .label(format!(
                "链接第 {} 个字符是{}",
                dest[..at.start].chars().count() + 1,
                c.name
            ))
            .hint(format!("{}；从 Word 或网页复制的链接常带这种字符", c.fix())),
        );
        return "#".into();
    }
    let link = LinkSite {
        dest,
        file,
        source,
        span,
    };
    if let Some(target) = ContentLink::parse(dest) {
        return link.content_file(target, ctx, out);
    }
    match scheme(dest) {
        Some(s) if SAFE_SCHEMES.contains(&s.as_str()) => dest.to_string(),
        Some(s) => {
            out.diagnostics.push(
                Diagnostic::warning(
                    codes::UNSAFE_URL,
                    format!("不允许 `{s}:` 开头的链接，已经去掉"),
                )
                .at(file, source, span.clone())
                .label("不安全的链接")
                .hint("链接只能是 http(s)://、mailto:、tel:、站内路径或 @/ 内部链接"),
            );
            "#".into()
        }
        None => link.site_path(ctx, out),
    }
}

/// A link or image destination being resolved, with where it was written.
struct LinkSite<'a> {
    dest: &'a str,
    file: &'a Path,
    source: &'a Arc<str>,
    span: &'a Range<usize>,
}

impl LinkSite<'_> {
    /// A link to a content file (`tactics/x.md#anchor`, relative to `content/`): the page's URL.
    fn content_file(
        &self,
        link: ContentLink<'_>,
        ctx: &LinkContext<'_>,
        out: &mut Rendered,
    ) -> String {
        let ContentLink { target, anchor } = link;
        if target.split('/').any(|seg| seg == "..") {
            out.diagnostics.push(
                Diagnostic::error(
                    codes::LINK_OUTSIDE_ROOT,
                    format!("链接 `{}` 指向 content 目录以外", self.dest),
                )
                .at(self.file, self.source, self.span.clone())
                .label("不能用 .. 跳出 content")
                .hint("@/ 后面写从 content 目录算起的路径，例如 @/tactics/baojianpin.md"),
            );
            return "#".into();
        }
        let Some(path) = ctx.paths.get(target) else {
            let keys: Vec<&str> = ctx.paths.keys().map(String::as_str).collect();
            let hint = match crate::diag::suggest(target, keys.iter().copied()) {
                Some(s) => format!("是不是想写 `@/{s}`？路径从 content 目录算起，要带 .md"),
                None => {
                    "路径从 content 目录算起，要带 .md，例如 @/tactics/baojianpin.md".to_string()
                }
            };
            out.diagnostics.push(
                Diagnostic::error(
                    codes::BROKEN_LINK,
                    format!("内部链接 `{}` 指向的文件不存在", self.dest),
                )
                .at(self.file, self.source, self.span.clone())
                .label("找不到这个文件")
                .hint(hint),
            );
            return "#".into();
        };
        let mut url = path.clone();
        if let Some(a) = anchor {
            out.anchors.push(AnchorRef {
                target: target.to_string(),
                anchor: a.to_string(),
                span: self.span.clone(),
            });
            url.push('#');
            url.push_str(a);
        }
        url
    }

    /// A path on this site: `/tactics/x/`, `../x/`, `photo.jpg`, `#anchor` or `x.md` (a content file
    /// relative to this file's folder). Anything but a content file is recorded to be checked.
    fn site_path(&self, ctx: &LinkContext<'_>, out: &mut Rendered) -> String {
        let dest = self.dest;
        if dest.is_empty() || dest.starts_with("//") {
            return dest.to_string();
        }
        let (path, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(a.to_string())),
            None => (dest, None),
        };
        let path = path.split('?').next().unwrap_or(path);
        if path.to_ascii_lowercase().ends_with(".md") {
            let dir = self
                .file
                .strip_prefix("content")
                .ok()
                .and_then(Path::parent)
                .map(|d| d.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let base = if path.starts_with('/') {
                ""
            } else {
                dir.as_str()
            };
            let rel = normalize_path(&format!("{base}/{path}"));
            let target = ContentLink {
                target: rel.trim_start_matches('/'),
                anchor: anchor.as_deref(),
            };
            return self.content_file(target, ctx, out);
        }
        let resolved = if dest.starts_with('/') || dest.starts_with('#') {
            dest.to_string()
        } else {
            format!("{}{}", ctx.asset_base, dest.trim_start_matches("./"))
        };
        let url = if path.is_empty() {
            String::new()
        } else if path.starts_with('/') {
            normalize_path(path)
        } else {
            normalize_path(&format!(
                "{}{}",
                ctx.asset_base,
                path.trim_start_matches("./")
            ))
        };
        out.links.push(LinkRef {
            url,
            anchor,
            written: dest.to_string(),
            span: self.span.clone(),
        });
        resolved
    }
}

/// `/a/./b/../c/` → `/a/c/`, keeping a trailing slash; `..` never climbs above the root.
pub fn normalize_path(path: &str) -> String {
    let mut segs: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segs.pop();
            }
            s => segs.push(s),
        }
    }
    let mut out = format!("/{}", segs.join("/"));
    if (path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..")) && out != "/" {
        out.push('/');
    }
    out
}
