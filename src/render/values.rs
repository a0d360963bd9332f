//! The theme contract: every value a template receives, as a Rust type with each field documented.
//! Each is serialized once into the JSON the template sees (the README's template-variable table
//! lists these fields; `tests/theme_contract.rs` checks it against them).

use serde::Serialize;
use serde_json::Value;

use crate::frontmatter::Kind;
use crate::hotlines::Hotline;
use crate::markdown::Heading;

/// `config`: the site's settings from `site.toml`.
#[derive(Serialize)]
pub struct ConfigValue<'a> {
    pub title: &'a str,
    /// Without a trailing slash.
    pub base_url: &'a str,
    pub language: &'a str,
    pub organization: &'a str,
    pub description: &'a str,
    /// The fraud categories of the site.
    pub categories: &'a [String],
    /// `[extra]` of `site.toml`, as written.
    pub extra: &'a Value,
}

/// An entry of `nav`: a top-level section.
#[derive(Serialize)]
pub struct NavItem<'a> {
    pub title: &'a str,
    pub path: &'a str,
    pub kind: Kind,
    pub description: &'a str,
}

/// A term of a taxonomy (`taxonomies.tags.terms`, `terms`, `term`).
#[derive(Serialize)]
pub struct TermValue<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub path: &'a str,
    pub page_count: usize,
    /// The summaries of the term's pages: only on the term's own page (`term.pages`, moved into
    /// the serialized value so that the list is not copied).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<Value>,
}

/// A taxonomy (`taxonomy`, `taxonomies.tags`, `taxonomies.categories`).
#[derive(Serialize)]
pub struct TaxonomyValue<'a> {
    /// `tags` or `categories`.
    pub name: &'a str,
    /// 标签 or 诈骗类别.
    pub title: &'a str,
    pub path: String,
    /// All terms: only in `taxonomies` (the list page gets them as `terms`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terms: Option<Vec<TermValue<'a>>>,
}

/// A link to a page or section: `page.section`, `page.tactics`, `page.cases`, `page.source_page`.
#[derive(Serialize)]
pub struct Link<'a> {
    pub title: &'a str,
    pub path: &'a str,
}

/// A term a page belongs to: `page.tags`, `page.categories`.
#[derive(Serialize)]
pub struct TermLink<'a> {
    pub name: &'a str,
    pub path: &'a str,
}

/// The summary of a page shown in lists (`section.pages`, `term.pages`, `latest_*`); every page
/// value starts with it.
#[derive(Serialize)]
pub struct Summary<'a> {
    pub title: &'a str,
    /// The page's `description`, or the start of its text.
    pub description: &'a str,
    pub path: &'a str,
    pub permalink: String,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    pub kind: Kind,
    /// 案例, 套路, 提示…
    pub kind_label: &'static str,
    /// A poster's or leaflet's first preview image (`src`, `width`, `height`, `alt`), added once
    /// print has made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview: Option<Value>,
    #[serde(flatten)]
    pub fields: Option<SummaryFields<'a>>,
}

/// The summary fields of one kind of page.
#[derive(Serialize)]
#[serde(untagged)]
pub enum SummaryFields<'a> {
    Alert {
        /// 提示, 警示 or 紧急.
        level: &'static str,
        /// `notice`, `warning` or `urgent`.
        level_class: &'static str,
        expires: Option<String>,
        expired: bool,
    },
    Tactic {
        category: &'a str,
    },
    Case {
        region: &'a str,
        amount: &'a str,
    },
    Print {
        headline: &'a str,
        /// The main paper size.
        size: String,
    },
}

/// `page`: the full value of an article; the list summary (with `preview` for posters and leaflets)
/// and these fields.
#[derive(Serialize)]
pub struct PageValue<'a> {
    #[serde(flatten)]
    pub list: &'a Value,
    /// The body as HTML.
    pub content: &'a str,
    /// The start of the text.
    pub summary: &'a str,
    pub toc: &'a [Heading],
    pub reading_minutes: usize,
    pub char_count: usize,
    pub updated: Option<String>,
    /// The date as RFC 3339.
    pub date_iso: Option<String>,
    /// `[extra]` of the front matter.
    pub extra: &'a Value,
    pub slug: &'a str,
    pub section: Link<'a>,
    pub tags: Vec<TermLink<'a>>,
    pub categories: Vec<TermLink<'a>>,
    /// The SMS and loudspeaker script of a tactic or alert, `null` on other pages.
    pub channels: Option<PageChannels<'a>>,
    /// The page's share image for WeChat groups, when this build made one (also its `og:image`).
    pub share_image: Option<&'a ShareImage>,
    /// The address of the page's WeChat 公众号 version, for tactics, cases, alerts and pages.
    pub wechat: Option<String>,
    #[serde(flatten)]
    pub fields: Option<PageFields<'a>>,
}

/// `page.channels`: a tactic's or alert's channel versions.
#[derive(Serialize)]
pub struct PageChannels<'a> {
    /// The SMS as sent, signature included.
    pub sms: &'a str,
    /// Its length (at most 70).
    pub sms_chars: usize,
    /// The address of the loudspeaker script (`guangbo.txt`).
    pub broadcast: String,
    /// Its reading time, `约 1 分 25 秒`.
    pub broadcast_time: &'a str,
    /// The page's entry on the 宣传物料 page (`/materials/#…`).
    pub materials: String,
}

/// `materials`: the 宣传物料 page (`materials.html`, at `/materials/`).
#[derive(Serialize)]
pub struct MaterialsValue<'a> {
    /// The address of the CSV of every SMS text.
    pub sms_csv: &'static str,
    /// `【…】` from `[channels] sms_signature`, empty without one.
    pub sms_signature: &'a str,
    /// By topic: current alerts, each fraud category, then the rest.
    pub groups: Vec<MaterialGroup<'a>>,
}

/// A topic on the 宣传物料 page.
#[derive(Serialize)]
pub struct MaterialGroup<'a> {
    pub title: String,
    /// The anchor of its heading.
    pub id: String,
    pub items: Vec<MaterialItem<'a>>,
}

/// One article's materials on the 宣传物料 page.
#[derive(Serialize)]
pub struct MaterialItem<'a> {
    pub title: &'a str,
    pub path: &'a str,
    /// The anchor of its entry.
    pub id: String,
    pub kind: Kind,
    pub kind_label: &'static str,
    /// The SMS as sent (tactics and alerts).
    pub sms: Option<&'a str>,
    pub sms_chars: Option<usize>,
    /// The address of the loudspeaker script (tactics and alerts).
    pub broadcast: Option<String>,
    pub broadcast_time: Option<&'a str>,
    /// The general PDFs of a poster or leaflet.
    pub downloads: Vec<MaterialDownload>,
    /// The share image's address, when one is made.
    pub share_image: Option<String>,
    /// The WeChat article's address, when one is made.
    pub wechat: Option<String>,
}

/// A download link on the 宣传物料 page.
#[derive(Serialize)]
pub struct MaterialDownload {
    pub label: String,
    pub href: String,
}

/// `page.share_image`: a 1080×1440 PNG card of the page (see `channels::share`).
#[derive(Clone, Debug, Serialize)]
pub struct ShareImage {
    /// Its address on the site, `/tactics/x/share.png`.
    pub src: String,
    /// The same as an absolute URL (for `og:image`).
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

/// The page fields of one kind of article.
#[derive(Serialize)]
#[serde(untagged)]
pub enum PageFields<'a> {
    Case {
        region: &'a str,
        amount: &'a str,
        victims: Option<i64>,
        outcome: &'a str,
        source: &'a str,
        /// The tactics the case names.
        tactics: Vec<Link<'a>>,
    },
    Tactic {
        category: Option<&'a str>,
        category_path: Option<&'a str>,
        warning_signs: &'a [String],
        what_to_do: &'a [String],
        legal_basis: &'a [String],
        reviewed: Option<String>,
        /// The cases that name this tactic.
        cases: Vec<Link<'a>>,
    },
    Print(Box<PrintPage<'a>>),
}

/// The page fields of a poster or leaflet.
#[derive(Serialize)]
pub struct PrintPage<'a> {
    pub orientation: &'a str,
    pub layout: Option<&'a str>,
    /// The texts as printed (filled in from `source`).
    pub headline: String,
    pub slogan: String,
    pub points: Vec<String>,
    pub sizes: Vec<String>,
    /// The downloads and previews print made (`downloads`, `previews`, `versions`), `null` without
    /// print.
    pub print: Value,
    pub poster_hotlines: Vec<&'a Hotline>,
    /// The QR code's target as an absolute URL.
    pub qr: Option<String>,
    pub source_page: Option<Link<'a>>,
}

/// An entry of `section.subsections`.
#[derive(Serialize)]
pub struct SubsectionValue<'a> {
    pub title: &'a str,
    pub path: &'a str,
    pub description: &'a str,
    pub page_count: usize,
    pub kind: Kind,
}

/// `section`: a section (the home page's is the root section).
#[derive(Serialize)]
pub struct SectionValue<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// The text of its `_index.md` as HTML.
    pub content: &'a str,
    pub path: &'a str,
    pub permalink: String,
    pub kind: Kind,
    pub kind_label: &'static str,
    pub extra: &'a Value,
    pub subsections: Vec<SubsectionValue<'a>>,
    /// The summaries of its pages, in the section's order (moved into the serialized value so that
    /// the list is not copied).
    pub pages: Value,
}

/// Serialize a template value; the types above have no fallible parts.
pub fn to_value(v: impl Serialize) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}
