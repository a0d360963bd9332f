//! Finishing a rendered page: minifying it in place in its thread's buffer (the one-pass minifier,
//! the full one as a fallback), splicing in the page's QR code, and writing it; also the small
//! redirect page of an alias.

use std::sync::Arc;

use tera::Context;

use crate::output::Sink;
use crate::reuse::Key;

use super::Renderer;
use super::jobs::JobResult;

pub(super) fn onepass_cfg() -> minify_html_onepass::Cfg {
    minify_html_onepass::Cfg {
        minify_js: false,
        minify_css: false,
    }
}

/// The full (tree-building) minifier, for markup the one-pass minifier cannot handle.
pub(super) fn minify_full(html: &[u8]) -> Vec<u8> {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_html_and_head_opening_tags = true;
    cfg.keep_closing_tags = true;
    cfg.keep_input_type_text_attr = true;
    minify_html::minify(html, &cfg)
}

/// Minify one HTML document. The one-pass minifier of the minify-html project does it in place in a
/// single scan, about three times faster than the tree-building minifier, which was 60 % of a
/// 10,000-page build's CPU time; markup it cannot handle falls back to the full minifier.
pub fn minify(html: &str) -> Vec<u8> {
    let mut bytes = html.as_bytes().to_vec();
    match minify_html_onepass::in_place(&mut bytes, &onepass_cfg()) {
        Ok(len) => {
            bytes.truncate(len);
            bytes
        }
        Err(_) => minify_full(html.as_bytes()),
    }
}

thread_local! {
    /// Each rendering thread's page buffer. Tera renders into it and the minifier works on it in
    /// place, so a page costs no allocation, copy or UTF-8 check of its own. Rendering each page to
    /// a fresh `String` meant growing it by doubling (reallocation ~8 % of a one-thread profile of
    /// the 10,000-page build, much of it faulting in memory touched for the first time), Tera's
    /// UTF-8 check of the result (~2 %) and a copy for the minifier.
    static PAGE_BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The file of the page at `path` (`/a/b/` → `a/b/index.html`).
pub(super) fn html_rel(path: &str) -> String {
    format!("{}index.html", path.trim_start_matches('/'))
}

/// Placeholder for the page's QR code; minify-html keeps unknown elements as they are.
pub(super) const QR_MARKER: &str = "<fangpian-qr></fangpian-qr>";

/// The last occurrence of `needle` (the QR marker sits in the footer, near the end).
pub(super) fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(haystack, needle)
}

impl Renderer<'_> {
    /// Render `template`, minify it and write it as the page at `path` (see [`Self::write_html`]),
    /// unless the previous build made the same file from the same data: then that file is reused.
    pub(super) fn render_page_at(
        &self,
        sink: &dyn Sink,
        path: &str,
        template: &str,
        ctx: &Context,
        what: &str,
        at: Option<(&std::path::Path, &Arc<str>)>,
    ) -> JobResult {
        let key = self.key(template, &html_rel(path), ctx);
        if sink.reuse(&html_rel(path), &key) {
            return Ok(());
        }
        self.render_minified(template, ctx, what, at, |bytes| {
            self.write_html(sink, path, bytes, Some(&key))
        })
    }

    /// Render `template` into this thread's page buffer, minify it there and hand the result to
    /// `write`.
    pub(super) fn render_minified(
        &self,
        template: &str,
        ctx: &Context,
        what: &str,
        at: Option<(&std::path::Path, &Arc<str>)>,
        write: impl FnOnce(&[u8]) -> JobResult,
    ) -> JobResult {
        let tera = &self.theme.tera;
        PAGE_BUF.with_borrow_mut(|buf| {
            buf.clear();
            crate::timing::step("page template", || tera.render_to(template, ctx, &mut *buf))
                .map_err(|e| self.render_error(e, template, what, at))?;
            let minified = crate::timing::step("page minify", || {
                minify_html_onepass::in_place(buf, &onepass_cfg())
            });
            match minified {
                Ok(len) => {
                    buf.truncate(len);
                    write(buf)
                }
                Err(_) => {
                    // The one-pass minifier gave up half-way through the buffer: render again
                    // (rendering is deterministic) and use the full minifier.
                    buf.clear();
                    tera.render_to(template, ctx, &mut *buf)
                        .map_err(|e| self.render_error(e, template, what, at))?;
                    write(&minify_full(buf))
                }
            }
        })
    }

    /// Write the minified page `bytes` as `path`'s index.html, with the page's QR code in place of
    /// its marker, under `key` when it was made from one.
    pub(super) fn write_html(
        &self,
        sink: &dyn Sink,
        path: &str,
        bytes: &[u8],
        key: Option<&Key>,
    ) -> JobResult {
        let rel = html_rel(path);
        let svg;
        let parts: &[&[u8]] = match rfind(bytes, QR_MARKER.as_bytes()) {
            Some(at) => {
                let url = self.site.config.permalink(path);
                svg = crate::timing::step("page QR code", || {
                    crate::qr::svg(&url, "本页网址的二维码").unwrap_or_default()
                });
                &[&bytes[..at], svg.as_bytes(), &bytes[at + QR_MARKER.len()..]]
            }
            None => &[bytes],
        };
        match key {
            Some(k) => sink.write_keyed(&rel, parts, k),
            None => sink.write_parts(&rel, parts),
        }
    }

    pub(super) fn render_alias(&self, i: usize, alias: &str, sink: &dyn Sink) -> JobResult {
        let site = self.site;
        let p = &site.pages[i];
        let path = if alias.ends_with('/') {
            alias.to_string()
        } else {
            format!(
                "{}/",
                alias.trim_end_matches("index.html").trim_end_matches('/')
            )
        };
        let url = site.config.permalink(&p.path);
        let html = format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{t}</title><link rel=\"canonical\" href=\"{u}\"><meta http-equiv=\"refresh\" content=\"0; url={u}\"></head><body><main><h1>{t}</h1><p>本页已搬到：<a href=\"{u}\">{t}</a></p></main></body></html>",
            lang = tera::escape_html(&site.config.language),
            t = tera::escape_html(&p.meta.title),
            u = tera::escape_html(&url),
        );
        self.write_html(sink, &path, &minify(&html), None)
    }
}
