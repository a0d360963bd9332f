//! Share images (分享图): a 1080×1440 PNG card of every tactic and alert (and cases and posters when
//! `site.toml`'s `[channels] share_images` asks), for family WeChat groups. This module owns choosing
//! the pages, the card's data (headline, up to three warning signs or facts, the first primary hotline,
//! the site's name, a QR code to the page), laying it out with the theme's `print/share.typ` through
//! print's Typst engine, the cache (`ROOT/.fangpian-cache/share/`), and the value the page templates
//! receive (`page.share_image`, also the page's `og:image`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::content::Page;
use crate::diag::{Diagnostic, codes, did_you_mean};
use crate::frontmatter::{Kind, KindFields};
use crate::output::Sink;
use crate::print::cache::Cache;
use crate::print::engine::{self, Engine};
use crate::render::values::ShareImage;
use crate::reuse::Hasher;
use crate::site::Site;
use crate::toml_read::{Doc, Table};

/// Width and height of a share image in pixels (3:4, the shape WeChat shows large in a chat).
pub const WIDTH: u32 = 1080;
pub const HEIGHT: u32 = 1440;

/// The file name of a page's share image, in the page's folder.
pub const FILE: &str = "share.png";

/// The print template that lays the card out.
const TEMPLATE: &str = "share";

/// How many evictions a memoized Typst result survives unused (one eviction per card laid out).
const TRIM_AGE: usize = 16;

/// Kinds that get a share image unless `site.toml` says otherwise.
pub const DEFAULT_KINDS: &[Kind] = &[Kind::Tactic, Kind::Alert];

/// Kinds a share image can be made for.
const KINDS: &[&str] = &["tactic", "alert", "case", "poster"];

/// `share_images = ["tactic", "alert"]` of `[channels]` (table `c`): which kinds of page get a
/// share image.
pub fn parse_kinds(doc: &Doc<'_>, c: &Table, errs: &mut Vec<Diagnostic>) -> Vec<Kind> {
    let Some(list) = c.opt_str_list("share_images", errs) else {
        return DEFAULT_KINDS.to_vec();
    };
    let mut kinds = Vec::new();
    for item in list {
        match Kind::from_name(item.value.trim()).filter(|_| KINDS.contains(&item.value.trim())) {
            Some(k) if !kinds.contains(&k) => kinds.push(k),
            Some(_) => {}
            None => errs.push(
                doc.error(
                    codes::CHANNELS_CONFIG,
                    format!("[channels] share_images 里不能写「{}」", item.value),
                    item.span.clone(),
                )
                .label("不能做分享图的文章类型")
                .hint(format!(
                    "可以写的有 \"tactic\"（套路）、\"alert\"（风险提示）、\"case\"（案例）、\"poster\"（海报）；{}",
                    did_you_mean(&item.value, KINDS)
                )),
            ),
        }
    }
    kinds
}

/// The output path of page `p`'s share image: `tactics/baojianpin/share.png`.
pub fn rel(p: &Page) -> String {
    format!("{}{FILE}", p.path.trim_start_matches('/'))
}

/// The pages that get a share image, in page order.
pub fn pages(site: &Site) -> Vec<usize> {
    (0..site.pages.len())
        .filter(|&i| {
            site.config
                .channels
                .share_images
                .contains(&site.pages[i].kind)
        })
        .collect()
}

/// What the share step made.
#[derive(Debug, Default)]
pub struct Made {
    /// Page index → its share image, for the page templates.
    pub images: HashMap<usize, ShareImage>,
    /// Cards laid out afresh (the others came from the cache).
    pub compiled: usize,
}

/// The template value of page `i`'s share image.
pub fn value(site: &Site, i: usize) -> ShareImage {
    let p = &site.pages[i];
    let rel = rel(p);
    ShareImage {
        src: format!("/{rel}"),
        url: site.config.permalink(&format!("/{rel}")),
        width: WIDTH,
        height: HEIGHT,
        alt: format!("「{}」的分享图：要点、求助电话和本页二维码", p.meta.title),
    }
}

/// Make (or, with `check_only`, only lay out) the share image of each of `pages` into `sink`.
pub fn run(
    site: &Site,
    pages: &[usize],
    sink: &dyn Sink,
    check_only: bool,
) -> Result<Made, Vec<Diagnostic>> {
    if pages.is_empty() {
        return Ok(Made::default());
    }
    let (engine, fingerprint) = crate::print::load_engine(site)?;
    let cards = Cards {
        site,
        engine,
        fingerprint,
        cache: Cache::named(&site.root, "share"),
    };
    let results: Vec<Result<bool, Diagnostic>> = crate::print::with_typst_stacks(|| {
        pages
            .par_iter()
            .map(|&i| cards.one(i, sink, check_only))
            .collect()
    });
    let mut made = Made::default();
    let mut errs = Vec::new();
    for (&i, r) in pages.iter().zip(results) {
        match r {
            Ok(compiled) => {
                made.compiled += usize::from(compiled);
                made.images.insert(i, value(site, i));
            }
            Err(e) => errs.push(e),
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    // Only a full build knows which cards are still wanted.
    if !check_only && pages.len() == self::pages(site).len() {
        cards.cache.prune();
    }
    Ok(made)
}

/// The share step of one build.
struct Cards<'a> {
    site: &'a Site,
    engine: Engine,
    fingerprint: String,
    cache: Cache,
}

impl Cards<'_> {
    /// One page's card. Returns whether it was laid out (not taken from the cache).
    fn one(&self, i: usize, sink: &dyn Sink, check_only: bool) -> Result<bool, Diagnostic> {
        let page = &self.site.pages[i];
        let mut value = card_data(self.site, page);
        let system_fonts = crate::print::fonts_needed(&self.engine, &value)
            .map_err(|c| self.glyph_error(page, c))?;
        // The key holds the card's address, not its QR code: the code follows from the address (and
        // fangpian's version, in the fingerprint), and is only drawn for a card laid out afresh.
        let mut h = Hasher::new();
        h.str(&self.fingerprint);
        h.str(TEMPLATE);
        h.bytes(&serde_json::to_vec(&value).unwrap_or_default());
        h.str(if system_fonts { "system" } else { "theme" });
        let key = h.hex();
        if let Some(png) = self.cache.png_path(&key) {
            if !check_only {
                sink.link(&rel(page), &png)?;
            }
            return Ok(false);
        }
        add_qr(&mut value);
        let data = serde_json::to_vec(&value).unwrap_or_default();
        let job = engine::Job {
            template: TEMPLATE,
            data,
            qr_svg: None,
            system_fonts,
        };
        let compiled = self
            .engine
            .compile(&job)
            .map_err(|e| self.diagnose(page, e));
        // Thousands of cards: keep only the memoized results recent cards used (the fonts, lib.typ).
        engine::trim_caches(TRIM_AGE);
        let compiled = compiled?;
        if compiled.pages() != 1 {
            return Err(Diagnostic::error(
                codes::PRINT_OVERFLOW,
                format!("{}排出了 {} 页，应当是 1 页", what(page), compiled.pages()),
            )
            .in_file(&page.file, &page.source)
            .hint("检查主题的 print/share.typ：分享图只能有一页"));
        }
        if check_only {
            return Ok(true);
        }
        let png = compiled.png(0, WIDTH).ok_or_else(|| {
            Diagnostic::error(codes::PRINT_TEMPLATE, format!("{}没能生成图片", what(page)))
                .in_file(&page.file, &page.source)
                .hint("检查主题的 print/share.typ 的页面大小")
        })?;
        self.cache.put_png(&key, &png);
        sink.write(&rel(page), &png)?;
        Ok(true)
    }

    /// E1702 for a character no font has, at its first place in the page or the hotlines.
    fn glyph_error(&self, page: &Page, c: char) -> Diagnostic {
        let mut places: Vec<(PathBuf, Arc<str>)> = vec![(page.file.clone(), page.source.clone())];
        if let Some((file, source)) = &self.site.hotlines.source {
            places.push((file.clone(), source.clone()));
        }
        crate::print::glyph_error(c, &what(page), &places)
    }

    /// Print's located errors for a card that could not be laid out.
    fn diagnose(&self, page: &Page, e: engine::Error) -> Diagnostic {
        match e {
            engine::Error::Overflow {
                area, by_percent, ..
            } => {
                let d = Diagnostic::error(
                    codes::PRINT_OVERFLOW,
                    format!("{}的「{area}」放不下：超出约 {by_percent:.0}%", what(page)),
                );
                let key = overflow_key(page, &area);
                let d = match crate::print::key_offset(&page.source, key) {
                    Some(at) => d
                        .at(&page.file, &page.source, at..at + key.len())
                        .label("这部分文字太多"),
                    None => d.in_file(&page.file, &page.source),
                };
                d.hint("分享图要在手机上一眼看清：标题最好不超过 24 个字，每条提醒不超过 20 个字")
            }
            engine::Error::Template(failure) => {
                crate::print::template_error(&what(page), page, failure, SHARE_CHECK)
            }
            engine::Error::Tofu(chars) => {
                self.glyph_error(page, chars.first().copied().unwrap_or('?'))
            }
        }
    }
}

/// The hint for a card that failed to lay out when the engine gives none.
const SHARE_CHECK: &str = "检查主题的 print/share.typ";

/// "分享图「…」" for messages.
fn what(page: &Page) -> String {
    format!("分享图「{}」", page.meta.title)
}

/// The front-matter key that fills an area of the card that overflowed.
fn overflow_key(page: &Page, area: &str) -> &'static str {
    if area.contains("标题") {
        return if page.kind == Kind::Poster {
            "headline"
        } else {
            "title"
        };
    }
    match page.kind {
        Kind::Tactic => "warning_signs",
        Kind::Poster => "points",
        Kind::Case => "outcome",
        _ => "description",
    }
}

/// The data `share.typ` receives, but for its QR code ([`add_qr`]).
fn card_data(site: &Site, page: &Page) -> Value {
    let url = site.config.permalink(&page.path);
    let hotline = site
        .hotlines
        .primary()
        .first()
        .map(|h| json!({"name": h.name, "number": h.display}));
    let (label, headline, facts) = texts(site, page);
    json!({
        "kind_label": label,
        "headline": headline,
        "facts": facts,
        "hotline": hotline,
        "qr": {
            "url": url,
            "alt": format!("二维码：用手机扫一扫，打开 {url}"),
            "caption": if page.kind == Kind::Case { "扫码看完整案例" } else { "扫码看全文" },
        },
        "site": {"title": site.config.title, "organization": site.config.organization},
    })
}

/// Add the QR code of the card's address to its data (`qr.modules` and `qr.runs`).
fn add_qr(value: &mut Value) {
    let url = value["qr"]["url"].as_str().unwrap_or_default().to_string();
    let code = crate::print::data::qr_runs(&url);
    value["qr"]["modules"] = code["modules"].clone();
    value["qr"]["runs"] = code["runs"].clone();
}

/// The card's tag, headline and up to three facts.
fn texts(site: &Site, page: &Page) -> (String, String, Vec<String>) {
    let mut headline = page.meta.title.clone();
    let (label, mut facts) = match &page.meta.fields {
        KindFields::Tactic {
            warning_signs,
            what_to_do,
            ..
        } => {
            let signs = if warning_signs.is_empty() {
                what_to_do
            } else {
                warning_signs
            };
            ("防骗提醒".to_string(), signs.clone())
        }
        KindFields::Alert { level, .. } => (
            format!("风险提示 · {}", level.text()),
            list_items(site, page),
        ),
        KindFields::Case {
            region,
            amount,
            outcome,
            ..
        } => {
            let facts = [
                ("地区", region),
                ("涉案金额", amount),
                ("处理结果", outcome),
            ]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}：{v}"))
            .collect();
            ("以案说法".to_string(), facts)
        }
        KindFields::Print(f) => {
            let t = crate::print::data::texts(site, page, f);
            if !t.headline.is_empty() {
                headline = t.headline;
            }
            ("防骗提醒".to_string(), t.points)
        }
        KindFields::None => (page.kind.label().to_string(), Vec::new()),
    };
    if facts.is_empty() && !page.meta.description.is_empty() {
        facts.push(page.meta.description.clone());
    }
    facts.truncate(3);
    (label, headline, facts)
}

/// The items of the first list in the page's text (an alert's "请您记住三件事"), as plain text with
/// hotline references written as their numbers.
fn list_items(site: &Site, page: &Page) -> Vec<String> {
    let body = &page.source[page.body.clone()];
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut current: Option<String> = None;
    for event in Parser::new(body) {
        match event {
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(TagEnd::List(_)) => {
                depth -= 1;
                if depth == 0 && !items.is_empty() {
                    break;
                }
            }
            Event::Start(Tag::Item) if depth == 1 => current = Some(String::new()),
            Event::End(TagEnd::Item) if depth == 1 => {
                if let Some(t) = current.take().map(|t| t.trim().to_string())
                    && !t.is_empty()
                {
                    items.push(t);
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let (Some(t), Some(id)) = (current.as_mut(), dest_url.strip_prefix("hotline:"))
                    && let Some(h) = site.hotlines.get(id)
                {
                    t.push_str(&format!("{} {}", h.name, h.display));
                }
            }
            Event::Text(s) | Event::Code(s) => {
                if let Some(t) = current.as_mut()
                    && !s.starts_with("hotline:")
                {
                    t.push_str(&s);
                }
            }
            _ => {}
        }
    }
    items
}
