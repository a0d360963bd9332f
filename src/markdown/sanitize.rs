//! What raw HTML and URLs in markdown may contain: the allowed URL schemes, the ammonia sanitizer for
//! raw HTML, and the checks that tell a writer their HTML was too deep or lost unsafe parts.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::diag::{Diagnostic, codes};

use super::MAX_NESTING;

pub(super) const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// The scheme of a URL (`javascript` in `JavaScript:alert(1)`), ignoring whitespace and control
/// characters browsers ignore, or `None` for a relative URL.
pub(super) fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(40)
        .collect::<String>()
        .to_ascii_lowercase();
    let colon = cleaned.find(':')?;
    let before = &cleaned[..colon];
    if before.contains(['/', '?', '#']) {
        return None;
    }
    Some(before.to_string())
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tags([
            "aside",
            "section",
            "figure",
            "figcaption",
            "details",
            "summary",
            "mark",
            "ruby",
            "rt",
            "rp",
        ])
        .add_generic_attributes([
            "class",
            "id",
            "role",
            "aria-label",
            "aria-hidden",
            "lang",
            "title",
            "tabindex",
        ])
        .add_tag_attributes("a", ["href"])
        .add_tag_attributes("img", ["src", "alt", "width", "height", "loading"])
        .add_tag_attributes("td", ["colspan", "rowspan"])
        .add_tag_attributes("th", ["colspan", "rowspan", "scope"])
        .url_schemes(SAFE_SCHEMES.iter().copied().collect())
        .link_rel(None)
        .strip_comments(true);
        b
    })
}

/// The deepest nesting of opening tags in a piece of raw HTML (void elements excluded).
fn html_depth(html: &str) -> usize {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let (mut depth, mut max) = (0usize, 0usize);
    let b = html.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'<' {
            if b[i + 1] == b'/' {
                depth = depth.saturating_sub(1);
            } else if b[i + 1].is_ascii_alphabetic() {
                let name: String = html[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                let end = html[i..].find('>').map_or(html.len(), |e| i + e);
                let self_closing =
                    end > 0 && html.as_bytes().get(end.saturating_sub(1)) == Some(&b'/');
                if !VOID.contains(&name.as_str()) && !self_closing {
                    depth += 1;
                    max = max.max(depth);
                }
            }
        }
        i += 1;
    }
    max
}

/// Rough detection of markup that sanitizing will remove, to tell the writer about it.
fn looks_unsafe(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    if [
        "<script",
        "<iframe",
        "<style",
        "<object",
        "<embed",
        "<form",
        "javascript:",
        "vbscript:",
        "data:",
        "<svg",
        "<math",
        "<link",
        "<meta",
        "<base",
    ]
    .iter()
    .any(|p| lower.contains(p))
    {
        return true;
    }
    // an event handler attribute: whitespace, "on", letters, optional spaces, "="
    let b = lower.as_bytes();
    (1..b.len()).any(|i| {
        (b[i - 1].is_ascii_whitespace() || b[i - 1] == b'/') && lower[i..].starts_with("on") && {
            let rest = &lower[i + 2..];
            let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            letters > 0 && rest[letters..].trim_start().starts_with('=')
        }
    })
}

/// Sanitize `html`, the rendered body whose raw HTML parts are `raw_html`. `None` (with an error in
/// `diagnostics`) when the raw HTML nests too deep to be cleaned safely.
pub(super) fn clean(
    html: String,
    raw_html: &str,
    file: &Path,
    source: &Arc<str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    if raw_html.is_empty() {
        return Some(html);
    }
    if html_depth(raw_html) > MAX_NESTING {
        diagnostics.push(
            Diagnostic::error(
                codes::TOO_DEEP,
                format!("正文里的 HTML 标签嵌套超过 {MAX_NESTING} 层"),
            )
            .in_file(file, source)
            .label("HTML 嵌套太深")
            .hint("请删掉多余的 HTML 标签，尽量用普通的 markdown 写正文"),
        );
        return None;
    }
    if looks_unsafe(raw_html) {
        diagnostics.push(
            Diagnostic::warning(codes::RAW_HTML_SANITIZED, "正文里的 HTML 含有不安全的内容，已被移除")
                .in_file(file, source)
                .hint("脚本、事件属性（onclick 等）、javascript: 链接、iframe、style 都不会出现在网站上；请改用普通的 markdown"),
        );
    }
    Some(sanitizer().clean(&html).to_string())
}
