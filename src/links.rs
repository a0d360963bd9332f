//! Link checks that need the whole site: `@/x.md#anchor` against the target's headings (once every
//! body is rendered), and plain site links (`/tactics/x/`, `../x/`, `photo.jpg`, `#anchor`) against
//! every file the build writes (once everything is written), so a broken link never reaches readers.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::diag::{Diagnostic, codes, did_you_mean};
use crate::markdown::Bodies;
use crate::markdown::Rendered;
use crate::site::Site;

/// A rendered body with where it came from: its file (for messages) and its page's URL.
struct Body<'a> {
    file: &'a std::path::Path,
    source: &'a std::sync::Arc<str>,
    path: &'a str,
    rendered: &'a Rendered,
}

/// Every page body and every section body that has an `_index.md`.
fn bodies_of<'a>(site: &'a Site, bodies: &'a Bodies) -> impl Iterator<Item = Body<'a>> {
    let pages = site.pages.iter().zip(&bodies.pages).map(|(p, r)| Body {
        file: &p.file,
        source: &p.source,
        path: &p.path,
        rendered: r,
    });
    let sections = site
        .sections
        .iter()
        .zip(&bodies.sections)
        .filter_map(|(s, r)| {
            Some(Body {
                file: s.file.as_deref()?,
                source: &s.source,
                path: &s.path,
                rendered: r,
            })
        });
    pages.chain(sections)
}

/// The hint for an anchor `#anchor` that `target` (shown as written) does not have.
fn anchor_hint(target: &str, anchor: &str, known: &BTreeSet<String>) -> String {
    let candidates: Vec<&str> = known.iter().map(String::as_str).collect();
    if candidates.is_empty() {
        format!("{target} 里没有小标题；去掉 #{anchor} 直接链接到文章")
    } else {
        format!(
            "{}（{target} 里的小标题锚点）",
            did_you_mean(anchor, &candidates)
        )
    }
}

/// Check every `@/x.md#anchor` against the target's heading ids.
pub fn check_anchors(site: &Site, bodies: &Bodies, errs: &mut Vec<Diagnostic>) {
    let mut ids: HashMap<&str, &BTreeSet<String>> = HashMap::new();
    for (p, r) in site.pages.iter().zip(&bodies.pages) {
        ids.insert(p.rel.as_str(), &r.ids);
    }
    let section_rels: Vec<String> = site
        .sections
        .iter()
        .map(|s| {
            if s.dir.is_empty() {
                "_index.md".into()
            } else {
                format!("{}/_index.md", s.dir)
            }
        })
        .collect();
    for (rel, r) in section_rels.iter().zip(&bodies.sections) {
        ids.insert(rel.as_str(), &r.ids);
    }
    for body in bodies_of(site, bodies) {
        for a in &body.rendered.anchors {
            let Some(target_ids) = ids.get(a.target.as_str()) else {
                continue;
            };
            if !target_ids.contains(&a.anchor) {
                errs.push(
                    Diagnostic::error(
                        codes::BROKEN_ANCHOR,
                        format!("{} 里没有 #{} 这个位置", a.target, a.anchor),
                    )
                    .at(body.file, body.source, a.span.clone())
                    .label("找不到这个锚点")
                    .hint(anchor_hint(&a.target, &a.anchor, target_ids)),
                );
            }
        }
    }
}

/// Check every plain site link of every body against `written` (output paths relative to the output
/// folder, `tactics/x/index.html`). A broken link or anchor is an error with the closest existing URL.
pub fn check_site_links(
    site: &Site,
    bodies: &Bodies,
    written: &HashSet<String>,
) -> Vec<Diagnostic> {
    // Every section, also one without an `_index.md` (whose body has no headings).
    let pages = site
        .pages
        .iter()
        .map(|p| p.path.as_str())
        .zip(&bodies.pages);
    let sections = site
        .sections
        .iter()
        .map(|s| s.path.as_str())
        .zip(&bodies.sections);
    let ids: HashMap<&str, &BTreeSet<String>> = pages
        .chain(sections)
        .map(|(path, r)| (path, &r.ids))
        .collect();
    let mut errs = Vec::new();
    for body in bodies_of(site, bodies) {
        for l in &body.rendered.links {
            let target = if l.url.is_empty() {
                body.path.to_string()
            } else {
                decode(&l.url)
            };
            let problem = match output_file(&target, written) {
                None => Some(broken_link(&target, written)),
                Some(_) => l.anchor.as_deref().and_then(|a| {
                    let known = ids.get(target.as_str())?;
                    (!a.is_empty() && !known.contains(a) && !known.contains(&decode(a)))
                        .then(|| broken_anchor(&target, a, known))
                }),
            };
            if let Some((code, message, label, hint)) = problem {
                errs.push(
                    Diagnostic::error(code, format!("链接 `{}` {message}", l.written))
                        .at(body.file, body.source, l.span.clone())
                        .label(label)
                        .hint(hint),
                );
            }
        }
    }
    errs
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The output file a site path is served from: `/x/` → `x/index.html`, `/x` → `x` or `x/index.html`.
fn output_file(url: &str, written: &HashSet<String>) -> Option<String> {
    let rel = url.trim_start_matches('/');
    let candidates = if rel.is_empty() || rel.ends_with('/') {
        vec![format!("{rel}index.html")]
    } else {
        vec![rel.to_string(), format!("{rel}/index.html")]
    };
    candidates.into_iter().find(|c| written.contains(c))
}

/// Code, message, label and hint of a broken link.
type Problem = (&'static str, String, &'static str, String);

fn broken_link(target: &str, written: &HashSet<String>) -> Problem {
    let is_file = target
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'));
    let urls: Vec<String> = written
        .iter()
        .filter(|w| is_file != w.ends_with("index.html"))
        .map(|w| format!("/{}", w.strip_suffix("index.html").unwrap_or(w)))
        .collect();
    let how = if is_file {
        "图片、PDF 等文件要放在文章所在的文件夹（页面包）或 static/ 里，再用文件名链接"
    } else {
        "链接到站内的文章，最稳妥的写法是 @/ 加上 content 里的文件路径，例如 [标题](@/tactics/baojianpin.md)"
    };
    let hint = match crate::diag::suggest(target, urls.iter().map(String::as_str)) {
        Some(s) => format!("是不是想写 `{s}`？{how}"),
        None => how.to_string(),
    };
    (
        codes::BROKEN_LINK,
        format!("指向的 {target} 在网站上不存在"),
        "找不到这个网址",
        hint,
    )
}

fn broken_anchor(target: &str, anchor: &str, known: &BTreeSet<String>) -> Problem {
    (
        codes::BROKEN_ANCHOR,
        format!("的 {target} 里没有 #{anchor} 这个位置"),
        "找不到这个锚点",
        anchor_hint(target, anchor, known),
    )
}
