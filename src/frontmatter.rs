//! Front matter: splitting a content file into its `+++` TOML header and markdown body, and the typed,
//! validated schema of every content kind (common keys, section keys, and the extra keys of case,
//! tactic, alert, poster and leaflet).

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, codes, did_you_mean};
use crate::toml_read::{DateValue, Doc, Sp, Table};

/// What a page is about; decides its template and its extra keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Case,
    Tactic,
    Alert,
    Poster,
    Leaflet,
    Page,
}

pub const KIND_NAMES: &[&str] = &["case", "tactic", "alert", "poster", "leaflet", "page"];

impl Kind {
    pub fn from_name(name: &str) -> Option<Kind> {
        Some(match name {
            "case" => Kind::Case,
            "tactic" => Kind::Tactic,
            "alert" => Kind::Alert,
            "poster" => Kind::Poster,
            "leaflet" => Kind::Leaflet,
            "page" => Kind::Page,
            _ => return None,
        })
    }

    /// The kind implied by a section folder's name (`cases` → case, …), if any.
    pub fn from_folder(name: &str) -> Option<Kind> {
        Some(match name {
            "cases" => Kind::Case,
            "tactics" => Kind::Tactic,
            "alerts" => Kind::Alert,
            "posters" => Kind::Poster,
            "leaflets" => Kind::Leaflet,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        KIND_NAMES[self as usize]
    }

    /// The Chinese name shown to readers.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Case => "典型案例",
            Kind::Tactic => "诈骗套路",
            Kind::Alert => "风险提示",
            Kind::Poster => "海报",
            Kind::Leaflet => "三折页",
            Kind::Page => "页面",
        }
    }

    fn extra_keys(self) -> &'static [&'static str] {
        match self {
            Kind::Case => &[
                "region", "amount", "victims", "outcome", "source", "tactics",
            ],
            Kind::Tactic => &[
                "category",
                "warning_signs",
                "what_to_do",
                "legal_basis",
                "reviewed",
                "sms",
                "jingle",
                "broadcast",
            ],
            Kind::Alert => &["level", "expires", "sms", "jingle", "broadcast"],
            Kind::Poster => &[
                "size",
                "orientation",
                "layout",
                "headline",
                "slogan",
                "points",
                "hotlines",
                "qr",
                "qr_caption",
                "source",
                "variants",
            ],
            Kind::Leaflet => &[
                "size",
                "layout",
                "headline",
                "slogan",
                "hotlines",
                "qr",
                "qr_caption",
                "variants",
            ],
            Kind::Page => &[],
        }
    }
}

/// Where the front matter and the body are in a content file.
#[derive(Clone, Debug)]
pub struct Split {
    pub front: Range<usize>,
    pub body: Range<usize>,
}

/// Split `+++` front matter from the body. Accepts a BOM-less text with LF or CRLF line endings.
pub fn split(file: &Path, source: &Arc<str>) -> Result<Split, Diagnostic> {
    if source.trim().is_empty() {
        return Err(Diagnostic::error(codes::EMPTY_FILE, "这个文件是空的")
            .in_file(file, source)
            .label("空文件")
            .hint("内容文件至少要有 +++ 括起来的标题，例如：\n+++\ntitle = \"标题\"\n+++"));
    }
    let first_end = source.find('\n').map_or(source.len(), |i| i + 1);
    let first = source[..first_end].trim_end();
    if first != "+++" {
        let hint = if first == "---" {
            "fangpian 的 front matter 用 TOML，上下各一行 +++（不是 YAML 的 ---），例如 title = \"标题\""
        } else {
            "文件第一行必须是 +++，接着写 title = \"标题\" 等设置，再用一行 +++ 结束"
        };
        return Err(
            Diagnostic::error(codes::NO_FRONT_MATTER, "文件开头没有 +++ front matter")
                .at(file, source, 0..first.len())
                .label("这里应该是 +++")
                .hint(hint),
        );
    }
    let mut pos = first_end;
    while pos < source.len() {
        let end = source[pos..]
            .find('\n')
            .map_or(source.len(), |i| pos + i + 1);
        let line = &source[pos..end];
        if line.trim_end() == "+++" {
            return Ok(Split {
                front: first_end..pos,
                body: end..source.len(),
            });
        }
        pos = end;
    }
    Err(
        Diagnostic::error(codes::UNCLOSED_FRONT_MATTER, "front matter 没有结束的 +++")
            .at(file, source, 0..3)
            .label("从这里开始的 front matter 没有关上")
            .hint("在设置的最后一行后面加一行 +++，再写正文"),
    )
}

/// How a section sorts its pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortBy {
    Date,
    Weight,
    Title,
    None,
}

/// Keys every page accepts (compatible with Zola's).
const PAGE_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "slug",
    "weight",
    "aliases",
    "template",
    "tags",
    "taxonomies",
    "extra",
];

/// Keys a section `_index.md` accepts.
const SECTION_KEYS: &[&str] = &[
    "title",
    "description",
    "kind",
    "sort_by",
    "weight",
    "template",
    "page_template",
    "draft",
    "extra",
];

const TAXONOMIES: &[&str] = &["tags", "categories"];

/// Front matter common to all pages.
#[derive(Clone, Debug, Default)]
pub struct PageMeta {
    pub title: String,
    pub description: String,
    pub date: Option<DateValue>,
    pub updated: Option<DateValue>,
    pub draft: bool,
    pub slug: Option<Sp<String>>,
    pub weight: i64,
    pub aliases: Vec<Sp<String>>,
    pub template: Option<Sp<String>>,
    pub tags: Vec<String>,
    pub categories: Vec<Sp<String>>,
    pub extra: serde_json::Value,
    pub fields: KindFields,
    /// `sms`, `jingle` and `broadcast` (tactics and alerts only).
    pub channels: crate::channels::ChannelFields,
}

/// Front matter of a section `_index.md`.
#[derive(Clone, Debug)]
pub struct SectionMeta {
    pub title: String,
    pub description: String,
    pub kind: Option<Kind>,
    pub sort_by: SortBy,
    pub weight: i64,
    pub template: Option<Sp<String>>,
    pub page_template: Option<Sp<String>>,
    pub draft: bool,
    pub extra: serde_json::Value,
}

/// Alert level: always shown as text and icon, never colour alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Level {
    #[serde(rename = "提示")]
    Notice,
    #[serde(rename = "警示")]
    Warning,
    #[serde(rename = "紧急")]
    Urgent,
}

impl Level {
    pub fn text(self) -> &'static str {
        match self {
            Level::Notice => "提示",
            Level::Warning => "警示",
            Level::Urgent => "紧急",
        }
    }
    pub fn css(self) -> &'static str {
        match self {
            Level::Notice => "notice",
            Level::Warning => "warning",
            Level::Urgent => "urgent",
        }
    }
}

/// The extra, validated keys of each kind.
#[derive(Clone, Debug, Default)]
pub enum KindFields {
    #[default]
    None,
    Case {
        region: String,
        amount: String,
        victims: Option<i64>,
        outcome: String,
        source: String,
        tactics: Vec<Sp<String>>,
    },
    Tactic {
        category: Option<Sp<String>>,
        warning_signs: Vec<String>,
        what_to_do: Vec<String>,
        legal_basis: Vec<String>,
        reviewed: Option<Sp<DateValue>>,
    },
    Alert {
        level: Level,
        expires: Option<DateValue>,
    },
    Print(PrintFields),
}

/// Poster and leaflet keys (a leaflet's body sections are its panels).
#[derive(Clone, Debug, Default)]
pub struct PrintFields {
    /// Paper sizes, the main one first; empty means the site's default (`[print] paper`).
    pub sizes: Vec<String>,
    pub orientation: String,
    pub layout: Option<Sp<String>>,
    pub headline: String,
    pub slogan: String,
    pub points: Vec<String>,
    pub hotlines: Vec<Sp<String>>,
    pub qr: Option<Sp<String>>,
    /// The words under the QR code; by default they follow where the code points.
    pub qr_caption: Option<String>,
    pub source: Option<Sp<String>>,
    pub variants: Option<Sp<String>>,
}

impl PrintFields {
    /// The paper sizes to print, falling back to the site's default.
    pub fn sizes_or(&self, default: &str) -> Vec<String> {
        if self.sizes.is_empty() {
            vec![default.to_string()]
        } else {
            self.sizes.clone()
        }
    }
}

/// The paper sizes a poster can ask for: ISO A sizes and the sizes Chinese print shops sell (大度 and
/// 正度 folios; millimetres in `print::data::paper_mm`).
pub const PAPER_SIZES: &[&str] = &[
    "A4",
    "A3",
    "A2",
    "对开",
    "大度16开",
    "大度8开",
    "大度4开",
    "正度16开",
    "正度8开",
    "易拉宝",
    "X展架",
];

/// A paper name as written (`大度 16 开`, full-width digits, `a3`) in the form of `PAPER_SIZES`; a
/// banner as `横幅700×5000` (height first, whichever order it was written in) or `横幅700`.
pub fn paper_name(written: &str) -> String {
    let name: String = written
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            'ａ' | 'a' | 'Ａ' => 'A',
            'x' | 'ｘ' | 'Ｘ' => 'X',
            _ => c,
        })
        .collect();
    match name.strip_prefix(BANNER) {
        Some(dims) => {
            let dims = dims
                .trim_end_matches(['m', '毫', '米'])
                .replace(['X', '*', '＊'], "×");
            match dims.split_once('×') {
                Some((a, b)) => match (a.parse::<u32>(), b.parse::<u32>()) {
                    (Ok(a), Ok(b)) => format!("{BANNER}{}×{}", a.min(b), a.max(b)),
                    _ => format!("{BANNER}{dims}"),
                },
                None => format!("{BANNER}{dims}"),
            }
        }
        None => name,
    }
}

/// The slogan banner's paper name; its size follows it (`横幅700×5000`).
pub const BANNER: &str = "横幅";
/// A banner's height when only `横幅` is written (mm): the common 0.7 m.
const BANNER_HEIGHT_MM: u32 = 700;

/// A banner's height and length in mm (length `None`: as long as its text), if `name` (in the form of
/// `paper_name`) is one: 200–2000 mm high and at least as long as it is high.
pub fn banner_mm(name: &str) -> Option<(f64, Option<f64>)> {
    let dims = name.strip_prefix(BANNER)?;
    let (h, l) = match dims.split_once('×') {
        _ if dims.is_empty() => (BANNER_HEIGHT_MM, None),
        Some((h, l)) => (h.parse().ok()?, Some(l.parse::<u32>().ok()?)),
        None => (dims.parse().ok()?, None),
    };
    let ok = (200..=2000).contains(&h) && l.is_none_or(|l| l >= h && l <= 100_000);
    ok.then(|| (f64::from(h), l.map(f64::from)))
}

/// Whether `name` (in the form of `paper_name`) is a paper fangpian prints on.
pub fn is_paper(name: &str) -> bool {
    PAPER_SIZES.contains(&name) || banner_mm(name).is_some()
}
pub const ORIENTATIONS: &[&str] = &["portrait", "landscape"];

fn str_list(t: &Table, key: &str, errs: &mut Vec<Diagnostic>) -> Vec<String> {
    t.opt_str_list(key, errs)
        .map(|v| v.into_iter().map(|s| s.value).collect())
        .unwrap_or_default()
}

fn missing_title(doc: &Doc, t: &Table, errs: &mut Vec<Diagnostic>, body_hint: &str) -> String {
    match t.opt_str("title", errs) {
        Some(s) if !s.trim().is_empty() => s,
        Some(_) => {
            let span = t.get("title").map(|v| v.span()).unwrap_or(0..0);
            errs.push(
                doc.error(codes::MISSING_TITLE, "标题是空的", span)
                    .label("空标题")
                    .hint("写上读者一眼能看懂的标题，例如 title = \"免费体检背后的推销\""),
            );
            String::new()
        }
        None => {
            if t.get("title").is_none() {
                errs.push(
                    doc.error(codes::MISSING_TITLE, "缺少标题 `title`", 0..0)
                        .label("front matter 里没有 title")
                        .hint(body_hint.to_string()),
                );
            }
            String::new()
        }
    }
}

/// Parse a page's front matter for the given kind. `categories` are the site's allowed categories.
pub fn parse_page(
    file: &Path,
    source: &Arc<str>,
    split: &Split,
    kind: Kind,
    categories: &[String],
) -> Result<PageMeta, Vec<Diagnostic>> {
    let doc = Doc::new(file, source, split.front.start);
    let table = doc.parse_table(&source[split.front.clone()])?;
    let t = Table::new(&doc, &table);
    let mut errs = Vec::new();
    check_page_keys(&doc, &t, kind, &mut errs);
    let mut m = PageMeta {
        title: missing_title(&doc, &t, &mut errs, "在第一行 +++ 下面加：title = \"标题\""),
        description: t.opt_str("description", &mut errs).unwrap_or_default(),
        date: t.opt_date("date", &mut errs).map(|d| d.value),
        updated: t.opt_date("updated", &mut errs).map(|d| d.value),
        draft: t.opt_bool("draft", &mut errs).unwrap_or(false),
        slug: t.opt_sp_str("slug", &mut errs),
        weight: t.opt_int("weight", &mut errs).unwrap_or(0),
        aliases: t.opt_str_list("aliases", &mut errs).unwrap_or_default(),
        template: t.opt_sp_str("template", &mut errs),
        tags: str_list(&t, "tags", &mut errs),
        categories: Vec::new(),
        extra: t
            .opt_json("extra", &mut errs)
            .unwrap_or(serde_json::Value::Object(Default::default())),
        fields: KindFields::None,
        channels: Default::default(),
    };
    if let Some(tax) = t.opt_table("taxonomies", &mut errs) {
        tax.check_keys(TAXONOMIES, "[taxonomies]", &mut errs);
        for tag in str_list(&tax, "tags", &mut errs) {
            if !m.tags.contains(&tag) {
                m.tags.push(tag);
            }
        }
        m.categories = tax
            .opt_str_list("categories", &mut errs)
            .unwrap_or_default();
    }
    for c in &m.categories {
        check_category(&doc, c, categories, &mut errs);
    }
    m.fields = kind_fields(&doc, &t, kind, categories, &mut errs);
    if matches!(kind, Kind::Tactic | Kind::Alert) {
        m.channels = crate::channels::parse_fields(&t, &mut errs);
    }
    if errs.is_empty() { Ok(m) } else { Err(errs) }
}

/// Every key must be a page key or one of the kind's own; a key of another kind says whose it is.
fn check_page_keys(doc: &Doc<'_>, t: &Table, kind: Kind, errs: &mut Vec<Diagnostic>) {
    let allowed: Vec<&str> = PAGE_KEYS.iter().chain(kind.extra_keys()).copied().collect();
    for key in t.keys() {
        if allowed.contains(&key) {
            continue;
        }
        let span = t.key_span(key).unwrap_or(0..0);
        let other_kind = KIND_NAMES
            .iter()
            .filter_map(|k| Kind::from_name(k))
            .find(|k| k.extra_keys().contains(&key));
        let hint = match other_kind {
            Some(k) => format!(
                "`{key}` 是「{}」才有的键，这个文件属于「{}」；{}",
                k.label(),
                kind.label(),
                did_you_mean(key, &allowed)
            ),
            None => did_you_mean(key, &allowed),
        };
        errs.push(
            doc.error(
                codes::UNKNOWN_KEY,
                format!("「{}」的 front matter 里没有 `{key}` 这个键", kind.label()),
                span,
            )
            .label("不认识的键")
            .hint(hint),
        );
    }
}

/// A category must be one of the site's.
fn check_category(
    doc: &Doc<'_>,
    c: &Sp<String>,
    categories: &[String],
    errs: &mut Vec<Diagnostic>,
) {
    if categories.iter().any(|x| x == &c.value) {
        return;
    }
    let names: Vec<&str> = categories.iter().map(String::as_str).collect();
    errs.push(
        Diagnostic::error(
            codes::UNKNOWN_CATEGORY,
            format!("没有「{}」这个诈骗类别", c.value),
        )
        .at(doc.file, doc.source, c.span.clone())
        .label("不在站点的类别里")
        .hint(format!(
            "{}（类别在 site.toml 的 categories 里设置）",
            did_you_mean(&c.value, &names)
        )),
    );
}

/// The fields only pages of `kind` have.
fn kind_fields(
    doc: &Doc<'_>,
    t: &Table,
    kind: Kind,
    categories: &[String],
    errs: &mut Vec<Diagnostic>,
) -> KindFields {
    match kind {
        Kind::Page => KindFields::None,
        Kind::Case => KindFields::Case {
            region: t.opt_str("region", errs).unwrap_or_default(),
            amount: t.opt_str("amount", errs).unwrap_or_default(),
            victims: t.opt_int("victims", errs),
            outcome: t.opt_str("outcome", errs).unwrap_or_default(),
            source: t.opt_str("source", errs).unwrap_or_default(),
            tactics: t.opt_str_list("tactics", errs).unwrap_or_default(),
        },
        Kind::Tactic => {
            let category = t.opt_sp_str("category", errs);
            if let Some(c) = &category {
                check_category(doc, c, categories, errs);
            }
            KindFields::Tactic {
                category,
                warning_signs: str_list(t, "warning_signs", errs),
                what_to_do: str_list(t, "what_to_do", errs),
                legal_basis: str_list(t, "legal_basis", errs),
                reviewed: t.opt_date("reviewed", errs),
            }
        }
        Kind::Alert => KindFields::Alert {
            level: alert_level(doc, t, errs),
            expires: t.opt_date("expires", errs).map(|d| d.value),
        },
        Kind::Poster | Kind::Leaflet => {
            KindFields::Print(parse_print(t, kind, doc.file, doc.source, errs))
        }
    }
}

/// An alert's `level`: 提示, 警示 or 紧急 (required).
fn alert_level(doc: &Doc<'_>, t: &Table, errs: &mut Vec<Diagnostic>) -> Level {
    let Some(l) = t.opt_sp_str("level", errs) else {
        if t.get("level").is_none() {
            errs.push(
                doc.error(codes::INVALID_VALUE, "风险提示缺少等级 `level`", 0..0)
                    .label("front matter 里没有 level")
                    .hint("加一行：level = \"警示\"（可选：提示、警示、紧急）"),
            );
        }
        return Level::Notice;
    };
    match l.value.as_str() {
        "提示" => Level::Notice,
        "警示" => Level::Warning,
        "紧急" => Level::Urgent,
        other => {
            errs.push(
                Diagnostic::error(codes::INVALID_VALUE, format!("风险等级不能是「{other}」"))
                    .at(doc.file, doc.source, l.span.clone())
                    .label("不认识的等级")
                    .hint("level 只能是 \"提示\"、\"警示\" 或 \"紧急\""),
            );
            Level::Notice
        }
    }
}

fn parse_print(
    t: &Table,
    kind: Kind,
    file: &Path,
    source: &Arc<str>,
    errs: &mut Vec<Diagnostic>,
) -> PrintFields {
    let choice =
        |key: &str, allowed: &[&str], default: &str, errs: &mut Vec<Diagnostic>| -> String {
            match t.opt_sp_str(key, errs) {
                Some(v) if allowed.contains(&v.value.as_str()) => v.value,
                Some(v) => {
                    errs.push(
                        Diagnostic::error(
                            codes::INVALID_VALUE,
                            format!("`{key}` 不能是「{}」", v.value),
                        )
                        .at(file, source, v.span.clone())
                        .label("不支持的取值")
                        .hint(did_you_mean(&v.value, allowed)),
                    );
                    default.to_string()
                }
                None => default.to_string(),
            }
        };
    // `size = "A3"` or `size = ["A3", "A2"]` (the first is the main one); none: the site's default.
    let allowed: &[&str] = if kind == Kind::Leaflet {
        &["A4"]
    } else {
        PAPER_SIZES
    };
    let listed = match t.get("size").map(|v| v.get_ref()) {
        Some(toml::de::DeValue::Array(_)) => t.opt_str_list("size", errs).unwrap_or_default(),
        Some(_) => t.opt_sp_str("size", errs).into_iter().collect(),
        None => Vec::new(),
    };
    let mut sizes: Vec<String> = Vec::new();
    for mut v in listed {
        v.value = paper_name(&v.value);
        let known = if kind == Kind::Leaflet {
            allowed.contains(&v.value.as_str())
        } else {
            is_paper(&v.value)
        };
        if !known {
            let hint = if kind == Kind::Leaflet {
                "三折页只有 A4 一种尺寸".to_string()
            } else if v.value.starts_with(BANNER) {
                "横幅写成 \"横幅 700×5000\"（高×长，单位毫米），或只写高 \"横幅 700\"、长度按文字排出；高 200～2000 毫米，长不小于高".to_string()
            } else {
                did_you_mean(&v.value, allowed)
            };
            errs.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("`size` 不能是「{}」", v.value),
                )
                .at(file, source, v.span.clone())
                .label("不支持的纸张")
                .hint(hint),
            );
        } else if !sizes.contains(&v.value) {
            sizes.push(v.value);
        }
    }
    let orientation = if kind == Kind::Leaflet {
        "landscape".to_string()
    } else {
        choice("orientation", ORIENTATIONS, "portrait", errs)
    };
    PrintFields {
        sizes,
        orientation,
        layout: t.opt_sp_str("layout", errs),
        headline: t.opt_str("headline", errs).unwrap_or_default(),
        slogan: t.opt_str("slogan", errs).unwrap_or_default(),
        points: str_list(t, "points", errs),
        hotlines: t.opt_str_list("hotlines", errs).unwrap_or_default(),
        qr: t.opt_sp_str("qr", errs),
        qr_caption: qr_caption(t, file, source, errs),
        source: t.opt_sp_str("source", errs),
        variants: t.opt_sp_str("variants", errs),
    }
}

/// Longest `qr_caption`: two lines under the QR code.
const QR_CAPTION_MAX: usize = 16;

/// `qr_caption`: one line of at most [`QR_CAPTION_MAX`] characters.
fn qr_caption(
    t: &Table,
    file: &Path,
    source: &Arc<str>,
    errs: &mut Vec<Diagnostic>,
) -> Option<String> {
    let v = t.opt_sp_str("qr_caption", errs)?;
    let text = v.value.trim();
    let problem = if text.is_empty() {
        "不能是空的".to_string()
    } else if text.contains(['\n', '\r']) {
        "只能写一行".to_string()
    } else if text.chars().count() > QR_CAPTION_MAX {
        format!("有 {} 个字，太长了", text.chars().count())
    } else {
        return Some(text.to_string());
    };
    errs.push(
        Diagnostic::error(codes::INVALID_VALUE, format!("`qr_caption` {problem}"))
            .at(file, source, v.span.clone())
            .label("二维码下面的说明")
            .hint(format!(
                "写一句不超过 {QR_CAPTION_MAX} 个字的话，说明扫码后看到什么，例如 qr_caption = \"扫码看怎样举报\"；不写就按二维码指向自动选择"
            )),
    );
    None
}

/// Parse a section's `_index.md` front matter.
pub fn parse_section(
    file: &Path,
    source: &Arc<str>,
    split: &Split,
) -> Result<SectionMeta, Vec<Diagnostic>> {
    let doc = Doc::new(file, source, split.front.start);
    let table = doc.parse_table(&source[split.front.clone()])?;
    let t = Table::new(&doc, &table);
    let mut errs = Vec::new();
    t.check_keys(SECTION_KEYS, "栏目 _index.md", &mut errs);
    let title = missing_title(&doc, &t, &mut errs, "栏目也要有标题：title = \"典型案例\"");
    let kind = t
        .opt_sp_str("kind", &mut errs)
        .and_then(|k| match Kind::from_name(&k.value) {
            Some(kind) => Some(kind),
            None => {
                errs.push(
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("栏目类型不能是「{}」", k.value),
                    )
                    .at(file, source, k.span.clone())
                    .label("不认识的类型")
                    .hint(did_you_mean(&k.value, KIND_NAMES)),
                );
                None
            }
        });
    let sort_by = match t.opt_sp_str("sort_by", &mut errs) {
        None => SortBy::Date,
        Some(s) => match s.value.as_str() {
            "date" => SortBy::Date,
            "weight" => SortBy::Weight,
            "title" => SortBy::Title,
            "none" => SortBy::None,
            other => {
                errs.push(
                    Diagnostic::error(codes::INVALID_VALUE, format!("sort_by 不能是「{other}」"))
                        .at(file, source, s.span.clone())
                        .label("不支持的排序方式")
                        .hint(did_you_mean(other, &["date", "weight", "title", "none"])),
                );
                SortBy::Date
            }
        },
    };
    let meta = SectionMeta {
        title,
        description: t.opt_str("description", &mut errs).unwrap_or_default(),
        kind,
        sort_by,
        weight: t.opt_int("weight", &mut errs).unwrap_or(0),
        template: t.opt_sp_str("template", &mut errs),
        page_template: t.opt_sp_str("page_template", &mut errs),
        draft: t.opt_bool("draft", &mut errs).unwrap_or(false),
        extra: t
            .opt_json("extra", &mut errs)
            .unwrap_or(serde_json::Value::Object(Default::default())),
    };
    if errs.is_empty() { Ok(meta) } else { Err(errs) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str, kind: Kind) -> Result<PageMeta, Vec<Diagnostic>> {
        let src: Arc<str> = Arc::from(text);
        let file = Path::new("content/x.md");
        let s = split(file, &src).map_err(|e| vec![e])?;
        parse_page(file, &src, &s, kind, &["保健品".to_string()])
    }

    #[test]
    fn splits_lf_and_crlf() {
        let src: Arc<str> = Arc::from("+++\r\ntitle = \"a\"\r\n+++\r\nbody");
        let s = split(Path::new("a.md"), &src).unwrap();
        assert_eq!(&src[s.body.clone()], "body");
    }

    #[test]
    fn unknown_key_suggests_and_names_the_kind() {
        let e = page(
            "+++\ntitle = \"a\"\nwarning_sign = [\"x\"]\n+++\n",
            Kind::Tactic,
        )
        .unwrap_err();
        assert_eq!(e[0].code, "E1004");
        assert_eq!(e[0].position(), "content/x.md:3:1");
        assert!(e[0].hint.as_deref().unwrap().contains("warning_signs"));
        let e = page("+++\ntitle = \"a\"\nlevel = \"紧急\"\n+++\n", Kind::Case).unwrap_err();
        assert!(e[0].hint.as_deref().unwrap().contains("风险提示"));
    }

    #[test]
    fn kind_fields_are_typed() {
        let m = page(
            "+++\ntitle = \"a\"\ncategory = \"保健品\"\nwarning_signs = [\"免费送鸡蛋\"]\nreviewed = 2026-01-01\n+++\n",
            Kind::Tactic,
        )
        .unwrap();
        let KindFields::Tactic { warning_signs, .. } = m.fields else {
            panic!()
        };
        assert_eq!(warning_signs, ["免费送鸡蛋"]);
        let e = page(
            "+++\ntitle = \"a\"\ncategory = \"保健\"\n+++\n",
            Kind::Tactic,
        )
        .unwrap_err();
        assert_eq!(e[0].code, "E1013");
        let e = page("+++\ntitle = \"a\"\nlevel = \"红色\"\n+++\n", Kind::Alert).unwrap_err();
        assert_eq!(e[0].code, "E1007");
    }

    #[test]
    fn missing_title_and_unclosed() {
        let e = page("+++\ndescription = \"x\"\n+++\n", Kind::Page).unwrap_err();
        assert_eq!(e[0].code, "E1006");
        let e = page("+++\ntitle = \"x\"\n", Kind::Page).unwrap_err();
        assert_eq!(e[0].code, "E1002");
        let e = page("---\ntitle: x\n---\n", Kind::Page).unwrap_err();
        assert_eq!(e[0].code, "E1001");
    }
}
