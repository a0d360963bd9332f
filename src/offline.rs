//! The offline copy of a site (`fangpian build --offline`): every page's root-relative links and
//! resources rewritten to relative ones ending in `index.html`, so that the copy works when a care
//! home's kiosk PC opens `index.html` straight from disk (`file://`), with no server and no network.
//! It is a [`Sink`] adapter: the rest of the build does not know about it.

use std::path::Path;

use lol_html::{RewriteStrSettings, element, rewrite_str};

use crate::diag::{Diagnostic, codes};
use crate::output::Sink;
use crate::reuse::{Key, derive};

/// Passes every file on to another sink, rewriting the links of HTML files.
pub struct OfflineSink<'a> {
    inner: &'a dyn Sink,
}

impl<'a> OfflineSink<'a> {
    pub fn new(inner: &'a dyn Sink) -> Self {
        OfflineSink { inner }
    }
}

impl OfflineSink<'_> {
    /// The bytes of `rel` as the offline copy has them: an HTML file with its links rewritten.
    fn rewrite(rel: &str, parts: &[&[u8]]) -> Result<Option<String>, Diagnostic> {
        if !rel.ends_with(".html") {
            return Ok(None);
        }
        let html = String::from_utf8_lossy(&parts.concat()).into_owned();
        relative_links(&html, rel).map(Some).map_err(|e| {
            Diagnostic::error(
                codes::OUTPUT_IO,
                format!("生成离线版时改写 {rel} 的链接失败：{e}"),
            )
            .hint("这是 fangpian 的问题，请把这条消息报告给开发者；不加 --offline 的构建不受影响")
        })
    }
}

impl Sink for OfflineSink<'_> {
    fn write_parts(&self, rel: &str, parts: &[&[u8]]) -> Result<(), Diagnostic> {
        match Self::rewrite(rel, parts)? {
            Some(html) => self.inner.write(rel, html.as_bytes()),
            None => self.inner.write_parts(rel, parts),
        }
    }

    fn write_keyed(&self, rel: &str, parts: &[&[u8]], key: &Key) -> Result<(), Diagnostic> {
        let key = derive(key, "offline");
        match Self::rewrite(rel, parts)? {
            Some(html) => self.inner.write_keyed(rel, &[html.as_bytes()], &key),
            None => self.inner.write_keyed(rel, parts, &key),
        }
    }

    fn reuse(&self, rel: &str, key: &Key) -> bool {
        self.inner.reuse(rel, &derive(key, "offline"))
    }

    fn copy(&self, rel: &str, src: &Path) -> Result<(), Diagnostic> {
        self.inner.copy(rel, src)
    }
    fn link(&self, rel: &str, src: &Path) -> Result<(), Diagnostic> {
        self.inner.link(rel, src)
    }
}

/// `html` (the page written as `rel`) with every root-relative `href`, `src` and refresh target made
/// relative to the page's folder, folders ending in `index.html`.
pub fn relative_links(html: &str, rel: &str) -> Result<String, String> {
    let up = "../".repeat(rel.matches('/').count());
    let fix = |url: &str| offline_url(url, &up);
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("[href]", |el| {
            if let Some(new) = el.get_attribute("href").and_then(|u| fix(&u)) {
                el.set_attribute("href", &new)?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!("[src]", |el| {
            if let Some(new) = el.get_attribute("src").and_then(|u| fix(&u)) {
                el.set_attribute("src", &new)?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!("meta[http-equiv=refresh][content]", |el| {
            let content = el.get_attribute("content").unwrap_or_default();
            if let Some((delay, url)) = content.split_once("url=")
                && let Some(new) = fix(url.trim())
            {
                el.set_attribute("content", &format!("{delay}url={new}"))?;
            }
            Ok(())
        }));
    rewrite_str(html, settings).map_err(|e| e.to_string())
}

/// `/tactics/x/#a` → `UP tactics/x/index.html#a`; `None` for anything not root-relative.
fn offline_url(url: &str, up: &str) -> Option<String> {
    if !url.starts_with('/') || url.starts_with("//") {
        return None;
    }
    let cut = url.find(['#', '?']).unwrap_or(url.len());
    let (path, rest) = url.split_at(cut);
    let path = path.trim_start_matches('/');
    let index = if path.is_empty() || path.ends_with('/') {
        "index.html"
    } else {
        ""
    };
    Some(format!("{up}{path}{index}{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_become_relative_and_end_in_index_html() {
        let html = "<link rel=stylesheet href=/fangpian.css><a href=/>首页</a><a href=/tactics/x/#jizhu>x</a><a href=\"tel:110\">110</a><a href=https://example.org/>外</a><a href=#top>上</a><img src=/cases/a.png alt=a><script src=/fangpian.js></script>";
        let out = relative_links(html, "tactics/y/index.html").unwrap();
        for want in [
            "href=\"../../fangpian.css\"",
            "href=\"../../index.html\"",
            "href=\"../../tactics/x/index.html#jizhu\"",
            "href=\"tel:110\"",
            "href=https://example.org/",
            "href=#top",
            "src=\"../../cases/a.png\"",
            "src=\"../../fangpian.js\"",
        ] {
            assert!(out.contains(want), "{want} in {out}");
        }
        let home = relative_links("<a href=/hotlines/>热线</a>", "index.html").unwrap();
        assert!(home.contains("href=\"hotlines/index.html\""), "{home}");
    }

    #[test]
    fn redirects_of_aliases_point_at_the_relative_target() {
        let html = "<meta http-equiv=refresh content=\"0; url=/tactics/x/\">";
        let out = relative_links(html, "old/index.html").unwrap();
        assert!(out.contains("url=../tactics/x/index.html"), "{out}");
    }
}
