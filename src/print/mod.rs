//! Print: every `poster` and `leaflet` page becomes print-ready PDFs (its paper sizes × its variants) and
//! PNG previews. This module plans the output files, builds each document's data, checks that every
//! character has a font, runs the Typst engine in parallel, reuses unchanged results from the cache
//! (`ROOT/.fangpian-cache/print/`) and turns engine failures into located, Chinese diagnostics.

pub mod cache;
pub mod data;
pub(crate) mod engine;
pub mod package;
pub mod png;
pub mod preflight;
pub mod variants;

/// The exact Typst version posters are made with (shown by `fangpian --version`).
pub use engine::TYPST_VERSION;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::content::Page;
use crate::diag::{Diagnostic, codes, did_you_mean};
use crate::frontmatter::{Kind, KindFields, PrintFields};
use crate::output::Sink;
use crate::site::Site;

use engine::{Cover, Engine, FontFile, TemplateFile};
use variants::{Variant, VariantFile};

/// File-name suffix of the office-printer copy (自印版).
pub const OFFICE_SLUG: &str = "ziyin";

/// Stack of each thread that lays out documents, bytes.
const PRINT_STACK: usize = 64 << 20;

/// Run `work` (which lays documents out on rayon's threads) on threads with stacks large enough for
/// Typst. Typst evaluates templates recursively (closures in `layout` in `measure` in `grow`…): the
/// default 2 MiB of a worker thread overflowed on a bench of 100 posters. The stacks are only
/// reserved, not used, so they are large.
pub(crate) fn with_typst_stacks<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    match rayon::ThreadPoolBuilder::new()
        .stack_size(PRINT_STACK)
        .build()
    {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

/// Margin of the office-printer copy of a poster, mm: office printers cannot print to the edge.
pub const OFFICE_MARGIN_MM: f64 = 10.0;

/// Width in pixels of the PNG previews.
pub const PREVIEW_WIDTH: u32 = 720;

/// One PDF to make.
#[derive(Clone, Debug)]
pub struct Document {
    /// Output path, relative to the output folder: `posters/baojianpin-bushi-yao-a2.pdf`.
    pub rel: String,
    pub size: String,
    pub orientation: String,
    /// Index into the poster's variants.
    pub variant: Option<usize>,
    /// Whether this is the general version (no variant) at the main paper size.
    pub primary: bool,
    /// The A4 office-printer copy (自印版): no bleed, 10 mm margins, white ground.
    pub office: bool,
    /// PNG previews of this document, one per page (`posters/x.png`, `leaflets/x-2.png`); only the main
    /// paper size of each version has them.
    pub previews: Vec<String>,
}

/// Everything one poster or leaflet page produces.
#[derive(Clone, Debug)]
pub struct Item {
    pub page: usize,
    pub kind: Kind,
    pub layout: String,
    pub documents: Vec<Document>,
    pub variants: Option<Arc<VariantFile>>,
    /// A leaflet's panels, from its body's `##` sections.
    pub panels: Vec<data::Panel>,
}

/// The print work of a build.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub items: Vec<Item>,
}

/// What the print step made, for the summary line and the poster pages.
#[derive(Clone, Debug, Default)]
pub struct Made {
    pub documents: usize,
    pub compiled: usize,
    /// Output path → size in bytes.
    pub sizes: BTreeMap<String, u64>,
}

fn out_base(page: &Page) -> String {
    page.path.trim_matches('/').to_string()
}

/// The layout a page asks for, or its kind's default.
fn layout_of(page: &Page, f: &PrintFields) -> String {
    match (&f.layout, page.kind) {
        (Some(l), _) => l.value.clone(),
        (None, Kind::Leaflet) => "leaflet".into(),
        (None, _) => "warning".into(),
    }
}

/// Plan the documents of every poster and leaflet. Loads variant files.
pub fn plan(site: &Site) -> Result<Plan, Vec<Diagnostic>> {
    let mut items = Vec::new();
    let mut errs = Vec::new();
    let mut variant_files: BTreeMap<String, Arc<VariantFile>> = BTreeMap::new();
    for (i, page) in site.pages.iter().enumerate() {
        let KindFields::Print(f) = &page.meta.fields else {
            continue;
        };
        if !matches!(page.kind, Kind::Poster | Kind::Leaflet) {
            continue;
        }
        let variants = match &f.variants {
            Some(v) => match variant_file(site, &v.value, &mut variant_files) {
                Ok(vf) => Some(vf),
                Err(e) => {
                    errs.extend(e);
                    continue;
                }
            },
            None => None,
        };
        let panels = if page.kind == Kind::Leaflet {
            match data::panels(site, page) {
                Ok(p) => p,
                Err(e) => {
                    errs.push(e);
                    continue;
                }
            }
        } else {
            Vec::new()
        };
        items.push(Item {
            page: i,
            kind: page.kind,
            layout: layout_of(page, f),
            documents: documents(site, page, f, variants.as_deref()),
            variants,
            panels,
        });
    }
    errs.extend(collisions(site, &items));
    if errs.is_empty() {
        Ok(Plan { items })
    } else {
        Err(errs)
    }
}

/// The variants file `rel`, read once however many posters name it.
fn variant_file(
    site: &Site,
    rel: &str,
    loaded: &mut BTreeMap<String, Arc<VariantFile>>,
) -> Result<Arc<VariantFile>, Vec<Diagnostic>> {
    if let Some(vf) = loaded.get(rel) {
        return Ok(vf.clone());
    }
    let vf = Arc::new(variants::load(&site.root, rel)?);
    loaded.insert(rel.to_string(), vf.clone());
    Ok(vf)
}

/// Every PDF of one poster or leaflet: each paper size in each version (the general one first, then
/// one per community), previews for the main size, and each version's office copy.
fn documents(
    site: &Site,
    page: &Page,
    f: &PrintFields,
    variants: Option<&VariantFile>,
) -> Vec<Document> {
    let base = out_base(page);
    let versions: Vec<(Option<usize>, String)> = std::iter::once((None, String::new()))
        .chain(variants.into_iter().flat_map(|vf| {
            vf.variants
                .iter()
                .enumerate()
                .map(|(k, v)| (Some(k), format!("-{}", v.slug)))
        }))
        .collect();
    let sizes = if page.kind == Kind::Leaflet {
        vec!["A4".to_string()]
    } else {
        f.sizes_or(&site.config.print.paper)
    };
    let mut documents = Vec::new();
    for (s, size) in sizes.iter().enumerate() {
        let suffix = if s == 0 {
            String::new()
        } else {
            format!("-{}", data::paper_slug(size))
        };
        for (v, vslug) in &versions {
            let previews = match (s, page.kind) {
                (0, Kind::Leaflet) => {
                    vec![format!("{base}{vslug}.png"), format!("{base}{vslug}-2.png")]
                }
                (0, _) => vec![format!("{base}{vslug}.png")],
                _ => Vec::new(),
            };
            documents.push(Document {
                rel: format!("{base}{vslug}{suffix}.pdf"),
                size: size.clone(),
                orientation: f.orientation.clone(),
                variant: *v,
                primary: s == 0 && v.is_none(),
                office: false,
                previews,
            });
        }
    }
    // The office-printer copy of every version: A4 in the main document's orientation.
    for (v, vslug) in &versions {
        documents.push(Document {
            rel: format!("{base}{vslug}-{OFFICE_SLUG}.pdf"),
            size: "A4".into(),
            orientation: f.orientation.clone(),
            variant: *v,
            primary: false,
            office: true,
            previews: Vec::new(),
        });
    }
    documents
}

/// Two pages must not claim the same file (`a.md` with variant `b` vs a page `a-b.md`).
fn collisions(site: &Site, items: &[Item]) -> Vec<Diagnostic> {
    let mut errs = Vec::new();
    let mut owner: BTreeMap<&str, usize> = BTreeMap::new();
    for it in items {
        let files = it
            .documents
            .iter()
            .flat_map(|d| std::iter::once(&d.rel).chain(&d.previews));
        for rel in files {
            if let Some(&other) = owner.get(rel.as_str()) {
                let page = &site.pages[it.page];
                errs.push(
                    Diagnostic::error(codes::URL_COLLISION, format!("两份海报都要写 /{rel}"))
                        .in_file(&page.file, &page.source)
                        .hint(format!(
                            "和 {} 的文件重名；改一下其中一个的 slug 或社区的 slug",
                            site.pages[other].file.display()
                        )),
                );
            }
            owner.insert(rel, it.page);
        }
    }
    errs
}

/// The poster page's download list and preview, for its web page.
pub fn page_value(site: &Site, item: &Item, made: Option<&Made>) -> Value {
    let page = &site.pages[item.page];
    let downloads = |office: bool| -> Vec<Value> {
        item.documents
            .iter()
            .filter(|d| d.office == office)
            .map(|d| download_value(item, made, d))
            .collect()
    };
    let versions = versions_value(&page.meta.title, item);
    let previews = versions
        .first()
        .map_or(Value::Array(Vec::new()), |v| v["previews"].clone());
    // The print shop's zip, when this build made it.
    let zip = package::rel(item);
    let package = made.and_then(|m| m.sizes.get(&zip)).map(|b| {
        json!({
            "href": format!("/{zip}"),
            "kb": b.div_ceil(1024),
            "files": package::documents(item).count(),
        })
    });
    json!({
        "downloads": downloads(false), "office": downloads(true), "package": package,
        "previews": previews, "versions": versions,
    })
}

/// One PDF as a download link: address, size, orientation, community and file size.
fn download_value(item: &Item, made: Option<&Made>, d: &Document) -> Value {
    let variant = d
        .variant
        .and_then(|k| item.variants.as_ref().map(|v| &v.variants[k]));
    let orientation = data::orientation_word(&d.size, &d.orientation);
    let bytes = made.and_then(|m| m.sizes.get(&d.rel)).copied();
    json!({
        "href": format!("/{}", d.rel),
        "size": d.size,
        "orientation": orientation,
        "variant": variant.map(|v| v.name.clone()),
        "bytes": bytes,
        "kb": bytes.map(|b| b.div_ceil(1024)),
    })
}

/// One entry per version (the general one, then each community's), each with its own previews.
fn versions_value(title: &str, item: &Item) -> Vec<Value> {
    let (w, h, _) = data::geometry(&item.documents[0].size, &item.documents[0].orientation);
    // A banner as long as its slogan: about eight times its height.
    let w = if w > 0.0 { w } else { h * 8.0 };
    let height = (f64::from(PREVIEW_WIDTH) * h / w).round() as u32;
    let with_previews = item.documents.iter().filter(|d| !d.previews.is_empty());
    with_previews
        .map(|d| {
            let name = d
                .variant
                .and_then(|k| item.variants.as_ref().map(|v| v.variants[k].name.clone()));
            let label = name.clone().unwrap_or_else(|| "通用版".into());
            // "（通用版，预览图）" only where there are community versions to tell apart.
            let tag = if item.variants.is_some() {
                format!("{label}，")
            } else {
                String::new()
            };
            let previews: Vec<Value> = d
                .previews
                .iter()
                .enumerate()
                .map(|(n, p)| {
                    let alt = match (item.kind, n) {
                        (Kind::Leaflet, 0) => {
                            format!("{title}（{tag}外页：封面、背面和折进去的一栏）预览")
                        }
                        (Kind::Leaflet, _) => format!("{title}（{tag}内页三栏）预览"),
                        _ => format!("{title}（{tag}预览图）"),
                    };
                    json!({"src": format!("/{p}"), "width": PREVIEW_WIDTH, "height": height, "alt": alt})
                })
                .collect();
            json!({"name": name, "label": label, "previews": previews})
        })
        .collect()
}

/// Load the print templates: the site's `print/` first, then the theme's, then the embedded default's.
fn templates(root: &Path, theme: &str) -> Result<Vec<TemplateFile>, Vec<Diagnostic>> {
    let mut by_name: BTreeMap<String, TemplateFile> = BTreeMap::new();
    for (rel, bytes) in crate::theme::default_theme_files() {
        if let Some(name) = rel.strip_prefix("print/") {
            by_name.insert(
                name.to_string(),
                TemplateFile {
                    name: name.to_string(),
                    display: PathBuf::from(format!("(内置主题)/print/{name}")),
                    text: Arc::from(String::from_utf8_lossy(bytes).as_ref()),
                },
            );
        }
    }
    for display in [format!("themes/{theme}/print"), "print".to_string()] {
        for (name, path) in crate::theme::read_dir_files(root, &display)? {
            let display = PathBuf::from(format!("{display}/{name}"));
            let text = crate::content::read_text(&path, &display).map_err(|e| vec![e])?;
            by_name.insert(
                name.clone(),
                TemplateFile {
                    name,
                    display,
                    text,
                },
            );
        }
    }
    Ok(by_name.into_values().collect())
}

/// `check`'s colour preflight of the print templates the site uses (W2011 for colours outside CMYK).
pub fn colour_warnings(site: &Site) -> Vec<Diagnostic> {
    templates(&site.root, &site.config.theme)
        .map(|t| preflight::colours(&t))
        .unwrap_or_default()
}

/// Theme fonts: the site theme's `fonts/` on disk, then the embedded default theme's.
fn fonts(root: &Path, theme: &str) -> Result<Vec<FontFile>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    for (name, path) in crate::theme::read_dir_files(root, &format!("themes/{theme}/fonts"))? {
        if is_font(&name)
            && let Ok(bytes) = std::fs::read(&path)
        {
            out.push(FontFile {
                name: format!("themes/{theme}/fonts/{name}"),
                bytes: Arc::from(bytes),
            });
        }
    }
    for (rel, bytes) in crate::theme::default_theme_files() {
        if let Some(name) = rel.strip_prefix("fonts/")
            && is_font(name)
            && !out
                .iter()
                .any(|f| f.name.ends_with(&format!("/fonts/{name}")))
        {
            out.push(FontFile {
                name: format!("(内置主题)/fonts/{name}"),
                bytes: Arc::from(bytes),
            });
        }
    }
    Ok(out)
}

fn is_font(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [".otf", ".ttf", ".otc", ".ttc"]
        .iter()
        .any(|e| n.ends_with(e))
}

/// The Typst engine of a site (its print templates and theme fonts) and a fingerprint of everything it
/// is made of, for cache keys. Print and the share images of `channels` both lay out with it.
pub(crate) fn load_engine(site: &Site) -> Result<(Engine, String), Vec<Diagnostic>> {
    let theme = &site.config.theme;
    let templates = templates(&site.root, theme)?;
    let fonts = fonts(&site.root, theme)?;
    let mut h = crate::reuse::Hasher::new();
    h.str(engine::TYPST_VERSION);
    h.str(env!("CARGO_PKG_VERSION"));
    h.str(png::FORMAT);
    for t in &templates {
        h.str(&t.name);
        h.str(&t.text);
    }
    for f in &fonts {
        h.str(&f.name);
        h.bytes(&f.bytes);
    }
    let fingerprint = h.hex();
    Ok((Engine::new(&site.root, templates, fonts), fingerprint))
}

/// Whether the system's fonts are needed to print every character of `value` (a document's data), or
/// the first character no font has.
pub(crate) fn fonts_needed(engine: &Engine, value: &Value) -> Result<bool, char> {
    let mut chars: Vec<char> = Vec::new();
    collect_chars(value, &mut chars);
    chars.sort_unstable();
    chars.dedup();
    let mut system = false;
    for c in chars {
        if c.is_whitespace() || c.is_control() {
            continue;
        }
        match engine.cover(c) {
            Cover::Theme => {}
            Cover::System => system = true,
            Cover::Nowhere => return Err(c),
        }
    }
    Ok(system)
}

/// The hint for a failed layout when the engine gives none.
const TEMPLATE_CHECK: &str = "检查版式模板；模板收到的数据见 README 的「印刷模板」一节";

/// The error for a print template that failed while laying out `what` (of `page`): located at the
/// failure's place in the template when there is one, in the page otherwise; `check` is the hint
/// when the engine gives none.
pub(crate) fn template_error(
    what: &str,
    page: &Page,
    failure: engine::TemplateFailure,
    check: &str,
) -> Diagnostic {
    let engine::TemplateFailure {
        message,
        hints,
        place,
    } = failure;
    let hint = if hints.is_empty() {
        check.to_string()
    } else {
        hints.join("；")
    };
    match place {
        Some((file, source, range)) => Diagnostic::error(
            codes::PRINT_TEMPLATE,
            format!("印刷模板出错（排{what}时）：{message}"),
        )
        .at(&file, &source, range)
        .label("这里"),
        None => Diagnostic::error(codes::PRINT_TEMPLATE, format!("排{what}时出错：{message}"))
            .in_file(&page.file, &page.source),
    }
    .hint(hint)
}

/// E1702 for character `c`, which no font has, pointing at the first of `places` (file, text) that
/// holds it.
pub(crate) fn glyph_error(c: char, what: &str, places: &[(PathBuf, Arc<str>)]) -> Diagnostic {
    let message = format!(
        "字符「{c}」（U+{:04X}）没有任何字体能印出来：{what}",
        c as u32
    );
    let hint =
        "换一个常用字或写法；如果必须用这个字，把含有它的字体（.otf/.ttf）放进主题的 fonts/ 目录";
    for (file, source) in places {
        if let Some(at) = source.find(c) {
            return Diagnostic::error(codes::MISSING_GLYPH, message)
                .at(file, source, at..at + c.len_utf8())
                .label(format!("字体里没有「{c}」"))
                .hint(hint);
        }
    }
    let d = Diagnostic::error(codes::MISSING_GLYPH, message).hint(hint);
    match places.first() {
        Some((file, source)) => d.in_file(file, source),
        None => d,
    }
}

/// The print step of one build: the plan, the engine (made on first need) and the cache.
pub struct Printer<'a> {
    site: &'a Site,
    plan: &'a Plan,
    engine: Engine,
    cache: cache::Cache,
    fingerprint: String,
}

/// The failures of several versions of one document, in plan order.
type Failures<'w, 'a> = Vec<(&'w Work<'a>, Diagnostic)>;

/// One document printed: its output path, the PDF and whether it was laid out (not from the cache).
type Printed = (String, Vec<u8>, bool);

/// A unit of work: one document of one item.
struct Work<'a> {
    item: &'a Item,
    doc: &'a Document,
}

impl<'a> Printer<'a> {
    /// Load templates and fonts. Only called when the site has posters or leaflets.
    pub fn new(site: &'a Site, plan: &'a Plan) -> Result<Printer<'a>, Vec<Diagnostic>> {
        let (engine, fingerprint) = load_engine(site)?;
        let mut errs = Vec::new();
        let layouts = engine.layouts();
        for it in &plan.items {
            let page = &site.pages[it.page];
            if !engine.has_template(&it.layout) {
                let KindFields::Print(f) = &page.meta.fields else {
                    continue;
                };
                let d = Diagnostic::error(
                    codes::PRINT_LAYOUT,
                    format!("没有名为「{}」的印刷版式", it.layout),
                )
                .hint(did_you_mean(&it.layout, &layouts));
                errs.push(match &f.layout {
                    Some(l) => d.at(&page.file, &page.source, l.span.clone()).label("版式"),
                    None => d.in_file(&page.file, &page.source),
                });
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(Printer {
            site,
            plan,
            engine,
            cache: cache::Cache::new(&site.root),
            fingerprint,
        })
    }

    /// Check every document (fonts, fitting) and, unless `check_only`, write the PDFs and previews into
    /// `sink`. Documents whose inputs did not change come from the cache.
    pub fn run(&self, sink: &dyn Sink, check_only: bool) -> Result<Made, Vec<Diagnostic>> {
        let works: Vec<Work> = self
            .plan
            .items
            .iter()
            .flat_map(|item| item.documents.iter().map(move |doc| Work { item, doc }))
            .collect();
        let lay_out = || -> Vec<Result<Printed, Diagnostic>> {
            works
                .par_iter()
                .map(|w| self.one(w, sink, check_only))
                .collect()
        };
        let results = with_typst_stacks(lay_out);
        let mut made = Made::default();
        let mut errs = Vec::new();
        // Overflows of one poster's versions at one paper size are one message.
        let mut overflows: BTreeMap<(usize, &str, &str), Failures> = BTreeMap::new();
        // The print-shop PDFs, for the packages.
        let mut pdfs: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for (w, r) in works.iter().zip(results) {
            match r {
                Ok((rel, pdf, compiled)) => {
                    made.documents += 1;
                    made.compiled += usize::from(compiled);
                    made.sizes.insert(rel.clone(), pdf.len() as u64);
                    if !w.doc.office && !check_only {
                        pdfs.insert(rel, pdf);
                    }
                }
                Err(e) if e.code == codes::PRINT_OVERFLOW => {
                    let key = (w.item.page, w.doc.size.as_str(), w.doc.orientation.as_str());
                    overflows.entry(key).or_default().push((w, e));
                }
                Err(e) => {
                    if !errs.iter().any(|x: &Diagnostic| x.message == e.message) {
                        errs.push(e);
                    }
                }
            }
        }
        // An A4 poster's office copies overflow when its print-shop copies do; then only those are told.
        for g in overflows.values_mut() {
            if g.iter().any(|(w, _)| !w.doc.office) {
                g.retain(|(w, _)| !w.doc.office);
            }
        }
        errs.extend(overflows.into_values().map(|g| self.merge_versions(g)));
        if !errs.is_empty() {
            return Err(errs);
        }
        if !check_only {
            for item in &self.plan.items {
                let zip = package::build(self.site, item, &pdfs).map_err(|e| vec![e])?;
                let rel = package::rel(item);
                sink.write(&rel, &zip).map_err(|e| vec![e])?;
                made.sizes.insert(rel, zip.len() as u64);
            }
            self.cache.prune();
        }
        Ok(made)
    }

    fn data(&self, w: &Work) -> (Value, Option<String>) {
        let site = self.site;
        let page = &site.pages[w.item.page];
        let KindFields::Print(f) = &page.meta.fields else {
            unreachable!("planned items are posters and leaflets")
        };
        let texts = data::texts(site, page, f);
        let (width, height, scale) = data::geometry(&w.doc.size, &w.doc.orientation);
        let (bleed, crop_marks, margin, scale) = self.page_setup(w, width, height, scale);
        let hotlines: Vec<Value> = f
            .hotlines
            .iter()
            .filter_map(|h| site.hotlines.get(&h.value))
            .map(|h| {
                json!({
                    "id": h.id, "name": h.name, "number": h.display, "hours": h.hours, "scope": h.scope,
                })
            })
            .collect();
        let qr_target =
            f.qr.as_ref()
                .map(|q| q.value.clone())
                .or_else(|| f.source.as_ref().map(|s| s.value.clone()))
                .unwrap_or_else(|| "/".into());
        let qr_url = site.absolute_url(&qr_target);
        let qr_caption = qr_caption(site, f, &qr_target);
        let variant: Option<&Variant> = w
            .doc
            .variant
            .and_then(|k| w.item.variants.as_ref().map(|v| &v.variants[k]));
        let code = data::qr_runs(&qr_url);
        let value = json!({
            "kind": if page.kind == Kind::Leaflet { "leaflet" } else { "poster" },
            "layout": template_of(w),
            "poster_layout": w.item.layout,
            "title": page.meta.title,
            "paper": {
                "name": w.doc.size, "width": width, "height": height,
                "orientation": w.doc.orientation, "scale": scale,
            },
            "bleed": bleed,
            "crop_marks": crop_marks,
            "office": w.doc.office,
            "margin": margin,
            "headline": texts.headline,
            "slogan": texts.slogan,
            "points": texts.points,
            "case": texts.case,
            "hotlines": hotlines,
            "qr": {
                "url": qr_url,
                "alt": format!("二维码：用手机扫一扫，打开 {qr_url}"),
                "caption": qr_caption,
                "modules": code["modules"],
                "runs": code["runs"],
            },
            "site": {
                "title": site.config.title,
                "organization": site.config.organization,
                "url": site.config.base_url,
            },
            "variant": variant,
            "panels": w.item.panels,
        });
        (value, Some(qr_url))
    }

    /// Bleed and crop marks (mm, bool), page margin (mm) and type scale of a document: roll-ups take
    /// `[print] large_bleed_mm`; a poster's office copy is its A4 layout shrunk into the 10 mm margins,
    /// while the leaflet's keeps its fold positions and widens its panels' insets instead.
    fn page_setup(&self, w: &Work, width: f64, height: f64, scale: f64) -> (f64, bool, f64, f64) {
        let print = &self.site.config.print;
        if data::is_large(&w.doc.size) {
            (print.large_bleed_mm, false, 0.0, scale)
        } else if w.doc.office {
            let margin = if w.item.kind == Kind::Leaflet {
                0.0
            } else {
                OFFICE_MARGIN_MM
            };
            let inner = ((width - 2.0 * margin) / width).min((height - 2.0 * margin) / height);
            (0.0, false, margin, scale * inner)
        } else {
            (print.bleed_mm, print.crop_marks, 0.0, scale)
        }
    }

    fn one(&self, w: &Work, sink: &dyn Sink, check_only: bool) -> Result<Printed, Diagnostic> {
        let page = &self.site.pages[w.item.page];
        let (value, qr_url) = self.data(w);
        let sheets = if w.item.kind == Kind::Leaflet { 2 } else { 1 };
        // A banner prints one line, which its layout measures.
        let hopeless = (template_of(w) != "banner")
            .then(|| data::hopeless(&value, sheets))
            .flatten();
        if let Some((area, by_mm, by_percent)) = hopeless {
            let e = engine::Error::Overflow {
                area,
                by_mm,
                by_percent,
            };
            return Err(self.diagnose(page, w, e));
        }
        let system_fonts = self.check_glyphs(w, &value)?;
        let data = serde_json::to_vec(&value).unwrap_or_default();
        let qr_svg = qr_url
            .as_deref()
            .and_then(|u| crate::qr::svg_print(u, &format!("二维码：{u}")))
            .map(String::into_bytes);
        let mut h = crate::reuse::Hasher::new();
        h.str(&self.fingerprint);
        h.str(template_of(w));
        h.bytes(&data);
        h.bytes(qr_svg.as_deref().unwrap_or_default());
        h.str(if system_fonts { "system" } else { "theme" });
        h.str(&w.doc.rel);
        let key = h.hex();
        let want_previews = !w.doc.previews.is_empty();
        if let Some(hit) = self
            .cache
            .get(&key, want_previews.then_some(w.doc.previews.len()))
        {
            if !check_only {
                self.write(sink, w, &hit.pdf, &hit.pngs)?;
            }
            return Ok((w.doc.rel.clone(), hit.pdf, false));
        }
        let job = engine::Job {
            template: template_of(w),
            data,
            qr_svg,
            system_fonts,
        };
        let compiled = self
            .engine
            .compile(&job)
            .map_err(|e| self.diagnose(page, w, e))?;
        let expected_pages = sheets;
        if compiled.pages() != expected_pages {
            return Err(Diagnostic::error(
                codes::PRINT_OVERFLOW,
                format!(
                    "{}排出了 {} 页，应当是 {expected_pages} 页",
                    self.what(page, w),
                    compiled.pages()
                ),
            )
            .in_file(&page.file, &page.source)
            .hint("内容放不下一页；请删减文字，或检查版式模板里的分页"));
        }
        let pdf = compiled
            .pdf(&w.doc.rel)
            .map_err(|e| self.diagnose(page, w, e))?;
        let pngs: Vec<Vec<u8>> = if want_previews && !check_only {
            (0..compiled.pages())
                .filter_map(|p| compiled.png(p, PREVIEW_WIDTH))
                .collect()
        } else {
            Vec::new()
        };
        // `check` writes nothing anywhere, the cache included.
        if !check_only {
            self.cache.put(&key, &pdf, &pngs);
            self.write(sink, w, &pdf, &pngs)?;
        }
        Ok((w.doc.rel.clone(), pdf, true))
    }

    fn write(
        &self,
        sink: &dyn Sink,
        w: &Work,
        pdf: &[u8],
        pngs: &[Vec<u8>],
    ) -> Result<(), Diagnostic> {
        sink.write(&w.doc.rel, pdf)?;
        for (rel, png) in w.doc.previews.iter().zip(pngs) {
            sink.write(rel, png)?;
        }
        Ok(())
    }

    /// One diagnostic for the same failure of several versions of a document: the first one's, naming
    /// them all ("海报「…」（A3 竖版，3 个版本：通用版、甲社区、乙社区）").
    fn merge_versions(&self, mut group: Failures) -> Diagnostic {
        let (w, mut d) = group.remove(0);
        if group.is_empty() {
            return d;
        }
        let name = |w: &Work| {
            w.doc
                .variant
                .and_then(|k| w.item.variants.as_ref().map(|v| v.variants[k].name.clone()))
                .unwrap_or_else(|| "通用版".into())
        };
        let names: Vec<String> = std::iter::once(name(w))
            .chain(group.iter().map(|(w, _)| name(w)))
            .collect();
        let page = &self.site.pages[w.item.page];
        let all = self.describe(
            page,
            w,
            &format!("，{} 个版本：{}", names.len(), names.join("、")),
        );
        d.message = d.message.replacen(&self.what(page, w), &all, 1);
        d
    }

    /// "海报「…」（A3 竖版，某社区）" for messages.
    fn what(&self, page: &Page, w: &Work) -> String {
        let variant = w
            .doc
            .variant
            .and_then(|k| w.item.variants.as_ref().map(|v| v.variants[k].name.clone()))
            .map(|n| format!("，{n}"))
            .unwrap_or_default();
        self.describe(page, w, &variant)
    }

    /// "海报「…」（A3 竖版{extra}）".
    fn describe(&self, page: &Page, w: &Work, extra: &str) -> String {
        let kind = if page.kind == Kind::Leaflet {
            "三折页"
        } else {
            "海报"
        };
        let orientation = data::orientation_word(&w.doc.size, &w.doc.orientation);
        let office = if w.doc.office { " 自印版" } else { "" };
        format!(
            "{kind}「{}」（{} {orientation}{office}{extra}）",
            page.meta.title, w.doc.size
        )
    }

    /// Every character the document will print must be in some font. Returns whether the system's
    /// fonts are needed.
    fn check_glyphs(&self, w: &Work, value: &Value) -> Result<bool, Diagnostic> {
        fonts_needed(&self.engine, value).map_err(|c| self.missing_glyph(w, c))
    }

    fn missing_glyph(&self, w: &Work, c: char) -> Diagnostic {
        let site = self.site;
        let page = &site.pages[w.item.page];
        // Point at the first file that holds the character: the page, its source, the variants, the hotlines.
        let mut places: Vec<(PathBuf, Arc<str>)> = vec![(page.file.clone(), page.source.clone())];
        if let KindFields::Print(f) = &page.meta.fields
            && let Some(p) = f.source.as_ref().and_then(|s| site.page_for_link(&s.value))
        {
            places.push((p.file.clone(), p.source.clone()));
        }
        if let Some(v) = &w.item.variants {
            places.push((v.display.clone(), v.source.clone()));
        }
        if let Some((file, source)) = &site.hotlines.source {
            places.push((file.clone(), source.clone()));
        }
        glyph_error(c, &self.what(page, w), &places)
    }

    fn diagnose(&self, page: &Page, w: &Work, e: engine::Error) -> Diagnostic {
        let what = self.what(page, w);
        match e {
            engine::Error::Overflow {
                area,
                by_mm,
                by_percent,
            } => {
                let d = Diagnostic::error(
                    codes::PRINT_OVERFLOW,
                    format!(
                        "{what}的「{area}」放不下：超出约 {by_mm:.0} 毫米（约 {by_percent:.0}%）"
                    ),
                );
                // Point at the front-matter key that fills the area, if the page writes it.
                let key = if area.contains("横幅") {
                    "size"
                } else if area.contains("热线") {
                    "hotlines"
                } else if area.contains("标题") {
                    "headline"
                } else if area.contains("要点") || area.contains("案情") {
                    "points"
                } else {
                    ""
                };
                let at = match page.kind {
                    Kind::Leaflet => area
                        .split('「')
                        .nth(1)
                        .and_then(|t| t.split('」').next())
                        .and_then(|title| page.source.find(&format!("## {title}"))),
                    _ if !key.is_empty() => key_offset(&page.source, key),
                    _ => None,
                };
                match at {
                    Some(at) => d
                        .at(&page.file, &page.source, at..at + key.len().max(2))
                        .label("这部分内容太多"),
                    None => d.in_file(&page.file, &page.source),
                }
            }
            .hint(if page.kind == Kind::Leaflet {
                "删减这一栏的文字，或把一部分挪到别的栏目"
            } else if area.contains("横幅") {
                "横幅的字高由横幅的高定：把 size 里横幅的长写长一些，或只写高（例如 \"横幅 700\"）让长度随标语，或把 slogan 改短"
            } else {
                "删减文字（要点最好不超过 4 条、每条不超过 12 个字），或换用更大的纸张 size"
            }),
            engine::Error::Template(failure) => {
                template_error(&what, page, failure, TEMPLATE_CHECK)
            }
            engine::Error::Tofu(chars) => {
                let c = chars.first().copied().unwrap_or('?');
                self.missing_glyph(w, c)
            }
        }
    }
}

/// The layout a document is set with: the page's, except that roll-up stands (易拉宝, X展架) always use
/// `rollup` and slogan banners (横幅) `banner`.
fn template_of<'w>(w: &'w Work) -> &'w str {
    if crate::frontmatter::banner_mm(&w.doc.size).is_some() {
        "banner"
    } else if data::is_large(&w.doc.size) {
        "rollup"
    } else {
        &w.item.layout
    }
}

/// The words under the QR code: the page's `qr_caption`, else what the code opens.
fn qr_caption(site: &Site, f: &PrintFields, target: &str) -> String {
    if let Some(c) = &f.qr_caption {
        return c.clone();
    }
    if site.absolute_url(target) == site.absolute_url("/") {
        return "扫码打开本站".into();
    }
    let page = site
        .page_for_link(target)
        .or_else(|| site.pages.iter().find(|p| p.path == target));
    match page.map(|p| p.kind) {
        Some(Kind::Case) => "扫码看完整案例",
        Some(_) => "扫码看全文",
        None if target.starts_with("http") => "扫码打开网页",
        None => "扫码看更多",
    }
    .into()
}

/// Where `key = …` starts a line of the front matter.
pub(crate) fn key_offset(source: &str, key: &str) -> Option<usize> {
    let mut off = 0;
    for line in source.split_inclusive('\n') {
        let t = line.trim_start();
        // Writers typing in a Chinese input method write the full-width ＝, which is accepted.
        if t.starts_with(key) && t[key.len()..].trim_start().starts_with(['=', '＝']) {
            return Some(off + (line.len() - t.len()));
        }
        off += line.len();
    }
    None
}

fn collect_chars(v: &Value, out: &mut Vec<char>) {
    match v {
        Value::String(s) => out.extend(s.chars()),
        Value::Array(a) => a.iter().for_each(|x| collect_chars(x, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            // URLs print as QR codes, not as text.
            if k != "url" {
                collect_chars(x, out)
            }
        }),
        _ => {}
    }
}

/// Print every poster and leaflet of `site` into `sink` (or only check them).
pub fn run(
    site: &Site,
    sink: &dyn Sink,
    check_only: bool,
) -> Result<(Plan, Made), Vec<Diagnostic>> {
    let plan = plan(site)?;
    if plan.items.is_empty() {
        return Ok((plan, Made::default()));
    }
    let made = {
        let printer = Printer::new(site, &plan)?;
        printer.run(sink, check_only)?
    };
    Ok((plan, made))
}
