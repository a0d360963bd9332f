//! WeChat 公众号 articles: every tactic, case, alert and page also as `…/wechat.html`, an HTML version
//! that pastes into the WeChat editor as it looks. This module owns rendering the theme's
//! `wechat.html` through the Tera renderer, inlining its stylesheet into `style` attributes with
//! `css-inline` (no `<style>`, `<script>` or `<link>` left, no `class` attributes), making every address
//! absolute, and `check`'s warnings for WeChat's limits on the title and the text.

use std::sync::OnceLock;

use rayon::prelude::*;

use crate::content::Page;
use crate::diag::{Diagnostic, codes};
use crate::frontmatter::Kind;
use crate::markdown::Bodies;
use crate::output::Sink;
use crate::render::{Job, Renderer};
use crate::site::Site;

/// The theme template of the WeChat version.
pub const TEMPLATE: &str = "wechat.html";

/// The file name of a page's WeChat version, in the page's folder.
pub const FILE: &str = "wechat.html";

/// WeChat's limits: a title of at most 64 bytes (32 Chinese characters) and a text of at most 20,000
/// characters.
pub const MAX_TITLE_CHARS: usize = 32;
pub const MAX_TEXT_CHARS: usize = 20_000;

/// Whether pages of `kind` have a WeChat version (posters and leaflets are print).
pub fn has_version(kind: Kind) -> bool {
    matches!(kind, Kind::Tactic | Kind::Case | Kind::Alert | Kind::Page)
}

/// The address of page `p`'s WeChat version: `/tactics/baojianpin/wechat.html`.
pub fn path(p: &Page) -> String {
    format!("{}{FILE}", p.path)
}

/// The one inliner of the process: the stylesheet comes from the document's own `<style>`, which is
/// removed; nothing is ever fetched.
fn inliner() -> &'static css_inline::CSSInliner<'static> {
    static INLINER: OnceLock<css_inline::CSSInliner<'static>> = OnceLock::new();
    INLINER.get_or_init(|| {
        css_inline::CSSInliner::options()
            .inline_style_tags(true)
            .keep_style_tags(false)
            .keep_link_tags(false)
            .keep_at_rules(false)
            .load_remote_stylesheets(false)
            .build()
    })
}

/// Write the WeChat version of every page among `jobs` that has one. Returns the number written.
pub fn write(
    renderer: &Renderer,
    site: &Site,
    jobs: &[Job],
    sink: &dyn Sink,
) -> Result<usize, Vec<Diagnostic>> {
    if !renderer.has_template(TEMPLATE) {
        return Ok(0);
    }
    let pages: Vec<usize> = jobs
        .iter()
        .filter_map(|j| match j {
            Job::Page(i) if has_version(site.pages[*i].kind) => Some(*i),
            _ => None,
        })
        .collect();
    let errs: Vec<Diagnostic> = pages
        .par_iter()
        .with_max_len(16)
        .filter_map(|&i| one(renderer, site, i, sink).err())
        .collect();
    if errs.is_empty() {
        Ok(pages.len())
    } else {
        Err(errs)
    }
}

/// Render, inline and write page `i`'s WeChat version.
fn one(renderer: &Renderer, site: &Site, i: usize, sink: &dyn Sink) -> Result<(), Diagnostic> {
    let p = &site.pages[i];
    let rel = path(p).trim_start_matches('/').to_string();
    let key = renderer.page_key(i, TEMPLATE, &rel);
    if sink.reuse(&rel, &key) {
        return Ok(());
    }
    // Minified before inlining, like every HTML file of the site: the inliner then parses the
    // smallest document, and its output (one style attribute per element) needs no second pass.
    let html = crate::timing::step("wechat template", || renderer.render_page_with(i, TEMPLATE))?;
    let html = crate::timing::step("wechat minify", || crate::render::minify(&html));
    let html = String::from_utf8_lossy(&html);
    let inlined =
        crate::timing::step("wechat css-inline", || inliner().inline(&html)).map_err(|e| {
            Diagnostic::error(
                codes::TEMPLATE_RENDER,
                format!("公众号版 {} 的样式无法内联：{e}", path(p)),
            )
            .in_file(&p.file, &p.source)
            .hint("检查主题的 templates/wechat.css 是不是有效的 CSS")
        })?;
    let finished = crate::timing::step("wechat finish", || finish(&inlined, &site.config.base_url))
        .map_err(|e| {
            Diagnostic::error(
                codes::TEMPLATE_RENDER,
                format!("公众号版 {} 生成失败：{e}", path(p)),
            )
            .in_file(&p.file, &p.source)
        })?;
    crate::timing::step("wechat write", || {
        sink.write_keyed(&rel, &[finished.as_bytes()], &key)
    })
}

/// After inlining: drop every `class` attribute (styling now lives in `style`) and anything WeChat
/// would refuse, and turn site addresses (`/x/`) into absolute ones (`https://site/x/`).
pub fn finish(html: &str, base_url: &str) -> Result<String, String> {
    use lol_html::{RewriteStrSettings, element, rewrite_str};
    let absolute = |v: &str| -> Option<String> {
        (v.starts_with('/') && !v.starts_with("//")).then(|| format!("{base_url}{v}"))
    };
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("script, style, link, button, noscript", |el| {
            el.remove();
            Ok(())
        }))
        .append_element_content_handler(element!("[class]", |el| {
            el.remove_attribute("class");
            Ok(())
        }))
        .append_element_content_handler(element!("[href], [src]", |el| {
            for attr in ["href", "src"] {
                if let Some(abs) = el.get_attribute(attr).as_deref().and_then(absolute) {
                    el.set_attribute(attr, &abs)?;
                }
            }
            Ok(())
        }));
    rewrite_str(html, settings).map_err(|e| e.to_string())
}

/// `check`'s warnings for pages WeChat would refuse: a title over 32 characters (W2055) or a text over
/// 20,000 characters (W2056), each located at the page's `title`.
pub fn limit_warnings(site: &Site, bodies: &Bodies) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, p) in site.pages.iter().enumerate() {
        if !has_version(p.kind) {
            continue;
        }
        let title = p.meta.title.chars().count();
        if title > MAX_TITLE_CHARS {
            out.push(
                at_title(
                    p,
                    Diagnostic::warning(
                        codes::WECHAT_TITLE_LONG,
                        format!(
                            "标题有 {title} 个字，公众号文章的标题最多 {MAX_TITLE_CHARS} 个字：「{}」",
                            p.meta.title
                        ),
                    ),
                )
                .label(format!("{title} 个字"))
                .hint(format!(
                    "把标题缩短到 {MAX_TITLE_CHARS} 个字以内，否则贴进公众号编辑器时会被截断"
                )),
            );
        }
        let text = bodies.pages[i].chars;
        if text > MAX_TEXT_CHARS {
            out.push(
                at_title(
                    p,
                    Diagnostic::warning(
                        codes::WECHAT_TEXT_LONG,
                        format!(
                            "正文有 {text} 个字，公众号文章的正文最多 {MAX_TEXT_CHARS} 个字：「{}」",
                            p.meta.title
                        ),
                    ),
                )
                .label("这篇太长")
                .hint("把文章拆成几篇（例如上、下两篇），每篇不超过 2 万字"),
            );
        }
    }
    out
}

/// `d` pointed at the page's `title` key (or the page).
fn at_title(p: &Page, d: Diagnostic) -> Diagnostic {
    match crate::print::key_offset(&p.source, "title") {
        Some(at) => {
            let end = p.source[at..].find('\n').map_or(p.source.len(), |n| at + n);
            d.at(&p.file, &p.source, at..end)
        }
        None => d.in_file(&p.file, &p.source),
    }
}
