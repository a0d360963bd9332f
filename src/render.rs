//! HTML rendering with Tera: the data each template receives (site-wide values, pages, sections,
//! taxonomies, hotlines), the choice of template per page, minifying, and writing every page of the
//! site into a [`Sink`] in parallel.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Value, json};
use tera::Context;

use crate::diag::{Diagnostic, codes};
use crate::frontmatter::{Kind, KindFields};
use crate::markdown::Rendered;
use crate::output::Sink;
use crate::site::Site;
use crate::theme::{Theme, tera_error_text};

/// Markdown already rendered for every page and section (same indices as the site's lists).
pub struct Bodies {
    pub pages: Vec<Rendered>,
    pub sections: Vec<Rendered>,
}

/// One HTML file to write.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Job {
    Page(usize),
    Section(usize),
    TaxonomyList(usize),
    Term(usize, usize),
    Hotlines,
    /// The search page (`search.html`), when the theme has one.
    Search,
    NotFound,
    /// Page index and alias index.
    Alias(usize, usize),
}

type JobResult = Result<(), Diagnostic>;

fn onepass_cfg() -> minify_html_onepass::Cfg {
    minify_html_onepass::Cfg {
        minify_js: false,
        minify_css: false,
    }
}

/// The full (tree-building) minifier, for markup the one-pass minifier cannot handle.
fn minify_full(html: &[u8]) -> Vec<u8> {
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

/// Placeholder for the page's QR code; minify-html keeps unknown elements as they are.
const QR_MARKER: &str = "<fangpian-qr></fangpian-qr>";

/// The last occurrence of `needle` (the QR marker sits in the footer, near the end).
fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(haystack, needle)
}

/// Reading time in minutes for `chars` Chinese characters (about 300 a minute for older readers).
fn reading_minutes(chars: usize) -> usize {
    chars.div_ceil(300).max(1)
}

/// Values derived from the whole site once, shared by every template call and kept up to date
/// page by page when `serve` re-renders a single edit.
pub struct RenderCache {
    /// Site-wide values given to every template, shared by every page's context rather than
    /// copied into it: a copy of 100,000 tags per page made large sites quadratic.
    globals: Arc<BTreeMap<String, Value>>,
    /// A small summary of every page, for lists.
    summaries: Vec<Value>,
    /// Tactic page → the cases that name it, newest first.
    cases_by_tactic: HashMap<usize, Vec<usize>>,
    /// Poster and leaflet page → its downloads and previews (see `print::page_value`).
    print: HashMap<usize, Value>,
}

/// Renders templates for one site state.
pub struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    bodies: &'a Bodies,
    cache: &'a RenderCache,
}

fn summary(site: &Site, bodies: &Bodies, i: usize) -> Value {
    let p = &site.pages[i];
    let description = if p.meta.description.is_empty() {
        &bodies.pages[i].summary
    } else {
        &p.meta.description
    };
    let mut v = json!({
        "title": p.meta.title,
        "description": description,
        "path": p.path,
        "permalink": site.config.permalink(&p.path),
        "date": p.meta.date.map(|d| d.ymd()),
        "kind": p.kind,
        "kind_label": p.kind.label(),
    });
    match &p.meta.fields {
        KindFields::Alert { level, expires } => {
            v["level"] = json!(level.text());
            v["level_class"] = json!(level.css());
            v["expires"] = json!(expires.map(|d| d.ymd()));
            v["expired"] = json!(expires.is_some_and(|d| d.date < site.today));
        }
        KindFields::Tactic {
            category: Some(c), ..
        } => v["category"] = json!(c.value),
        KindFields::Case { region, amount, .. } => {
            v["region"] = json!(region);
            v["amount"] = json!(amount);
        }
        KindFields::Print(f) => {
            v["headline"] = json!(f.headline);
            v["size"] = json!(f.sizes_or(&site.config.print.paper)[0]);
        }
        _ => {}
    }
    v
}

/// Tactic page → the cases that name it in `tactics`, newest first.
fn cases_by_tactic(site: &Site) -> HashMap<usize, Vec<usize>> {
    let index_of: HashMap<&str, usize> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.rel.as_str(), i))
        .collect();
    let mut cases_by_tactic: HashMap<usize, Vec<usize>> = HashMap::new();
    for c in site.pages_of_kind(Kind::Case) {
        if let KindFields::Case { tactics, .. } = &site.pages[c].meta.fields {
            for t in tactics {
                let target = t
                    .value
                    .strip_prefix("@/")
                    .and_then(|r| r.split('#').next())
                    .unwrap_or("");
                if let Some(&ti) = index_of.get(target) {
                    cases_by_tactic.entry(ti).or_default().push(c);
                }
            }
        }
    }
    cases_by_tactic
}

fn link(title: &str, path: &str) -> Value {
    json!({ "title": title, "path": path })
}

impl RenderCache {
    pub fn new(site: &Site, bodies: &Bodies) -> Self {
        let c = &site.config;
        let hotlines: Vec<Value> = site.hotlines.list.iter().map(|h| json!(h)).collect();
        let primary: Vec<Value> = site
            .hotlines
            .primary()
            .into_iter()
            .map(|h| json!(h))
            .collect();
        let root = &site.sections[0];
        let nav: Vec<Value> = root
            .subsections
            .iter()
            .map(|&s| {
                let s = &site.sections[s];
                json!({ "title": s.meta.title, "path": s.path, "kind": s.kind, "description": s.meta.description })
            })
            .collect();
        let mut taxonomies = serde_json::Map::new();
        for t in &site.taxonomies {
            let terms: Vec<Value> = t
                .terms
                .iter()
                .map(|term| json!({ "name": term.name, "slug": term.slug, "path": term.path, "page_count": term.pages.len() }))
                .collect();
            taxonomies.insert(
                t.name.to_string(),
                json!({ "name": t.name, "title": t.title, "path": t.path(), "terms": terms }),
            );
        }
        let config = json!({
            "title": c.title,
            "base_url": c.base_url,
            "language": c.language,
            "organization": c.organization,
            "description": c.description,
            "categories": c.categories,
            "extra": c.extra,
        });
        // In parallel: building 10,000 summaries on one thread held up the page rendering by ~50 ms.
        let summaries = (0..site.pages.len())
            .into_par_iter()
            .map(|i| summary(site, bodies, i))
            .collect();
        let cases_by_tactic = cases_by_tactic(site);
        RenderCache {
            globals: Arc::new(
                [
                    ("config", config),
                    ("hotlines", Value::Array(hotlines)),
                    ("primary_hotlines", Value::Array(primary)),
                    ("nav", Value::Array(nav)),
                    ("taxonomies", Value::Object(taxonomies)),
                    ("today", json!(ymd(site.today))),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            ),
            summaries,
            cases_by_tactic,
            print: HashMap::new(),
        }
    }

    /// Record what print made for each poster and leaflet page; lists show the first preview.
    pub fn set_print(&mut self, print: HashMap<usize, Value>) {
        for (&i, v) in &print {
            if let Some(p) = v["previews"].get(0) {
                self.summaries[i]["preview"] = p.clone();
            }
        }
        self.print = print;
    }

    /// The list summary of page `i`.
    pub fn summary(&self, i: usize) -> &Value {
        &self.summaries[i]
    }

    /// Bring the cache up to date after page `i` was replaced (same URL and kind).
    pub fn refresh_page(&mut self, site: &Site, bodies: &Bodies, i: usize) {
        self.summaries[i] = summary(site, bodies, i);
        if site.pages[i].kind == Kind::Case {
            self.cases_by_tactic = cases_by_tactic(site);
        }
    }
}

impl<'a> Renderer<'a> {
    pub fn new(
        site: &'a Site,
        theme: &'a Theme,
        bodies: &'a Bodies,
        cache: &'a RenderCache,
    ) -> Self {
        Renderer {
            site,
            theme,
            bodies,
            cache,
        }
    }

    fn context(&self, path: &str) -> Context {
        self.context_with(path, Vec::new())
    }

    /// The template context: site-wide values (shared, not copied), the page's address, and
    /// `extra` values moved in. Built from JSON values handed over whole: `Context::insert` would
    /// serialise every value into a copy (the page's content included), which was ~6 % of a
    /// 10,000-page build.
    fn context_with(&self, path: &str, extra: Vec<(&'static str, Value)>) -> Context {
        let mut map = serde_json::Map::with_capacity(3 + extra.len());
        // `page_qr` stands for the QR code of the page's address (for the print stylesheet); it is
        // generated and spliced in after minifying, only into pages whose template uses it.
        map.insert("page_qr".into(), Value::from(QR_MARKER));
        map.insert("current_path".into(), Value::from(path));
        map.insert(
            "current_url".into(),
            Value::from(self.site.config.permalink(path)),
        );
        for (k, v) in extra {
            map.insert(k.to_string(), v);
        }
        let mut ctx = Context::with_shared(self.cache.globals.clone());
        ctx.extend(Context::from_value(Value::Object(map)).unwrap_or_default());
        ctx
    }

    /// The list summaries of `pages`, as one JSON array. Cloned as values and moved into the
    /// context: serialising `&Value`s with `json!` and then again with `Context::insert` copied
    /// every list twice (~1.4 % of a 10,000-page build, whose 14 list pages hold ~35,000 cards).
    fn summaries_of(&self, pages: &[usize]) -> Value {
        Value::Array(
            pages
                .iter()
                .map(|&i| self.cache.summaries[i].clone())
                .collect(),
        )
    }

    fn term_links(&self, taxonomy: usize, names: impl Iterator<Item = String>) -> Vec<Value> {
        let tax = &self.site.taxonomies[taxonomy];
        names
            .filter_map(|n| {
                tax.term(&n)
                    .map(|t| json!({ "name": t.name, "path": t.path }))
            })
            .collect()
    }

    /// The full data of one page for its template.
    pub fn page_value(&self, i: usize) -> Value {
        let site = self.site;
        let p = &site.pages[i];
        let body = &self.bodies.pages[i];
        let sec = site.section_of(p);
        let mut v = self.cache.summaries[i].clone();
        v["content"] = json!(body.html);
        v["summary"] = json!(body.summary);
        v["toc"] = json!(body.toc);
        v["reading_minutes"] = json!(reading_minutes(body.chars));
        v["char_count"] = json!(body.chars);
        v["updated"] = json!(p.meta.updated.map(|d| d.ymd()));
        v["date_iso"] = json!(p.meta.date.map(|d| d.rfc3339()));
        v["extra"] = p.meta.extra.clone();
        v["slug"] = json!(p.slug);
        v["section"] = link(&sec.meta.title, &sec.path);
        v["tags"] = json!(self.term_links(0, p.meta.tags.iter().cloned()));
        let mut cats: Vec<String> = p.meta.categories.iter().map(|c| c.value.clone()).collect();
        if let KindFields::Tactic {
            category: Some(c), ..
        } = &p.meta.fields
            && !cats.contains(&c.value)
        {
            cats.insert(0, c.value.clone());
        }
        v["categories"] = json!(self.term_links(1, cats.into_iter()));
        let page_link = |r: &str| -> Option<Value> {
            let target = r.strip_prefix("@/")?.split('#').next()?;
            let q = &site.pages[site.page_index(target)?];
            Some(link(&q.meta.title, &q.path))
        };
        match &p.meta.fields {
            KindFields::Case {
                region,
                amount,
                victims,
                outcome,
                source,
                tactics,
            } => {
                v["region"] = json!(region);
                v["amount"] = json!(amount);
                v["victims"] = json!(victims);
                v["outcome"] = json!(outcome);
                v["source"] = json!(source);
                v["tactics"] = json!(
                    tactics
                        .iter()
                        .filter_map(|t| page_link(&t.value))
                        .collect::<Vec<_>>()
                );
            }
            KindFields::Tactic {
                category,
                warning_signs,
                what_to_do,
                legal_basis,
                reviewed,
            } => {
                v["category"] = json!(category.as_ref().map(|c| c.value.clone()));
                v["category_path"] = json!(
                    category
                        .as_ref()
                        .and_then(|c| site.taxonomies[1].term(&c.value))
                        .map(|t| t.path.clone())
                );
                v["warning_signs"] = json!(warning_signs);
                v["what_to_do"] = json!(what_to_do);
                v["legal_basis"] = json!(legal_basis);
                v["reviewed"] = json!(reviewed.as_ref().map(|d| d.value.ymd()));
                // Cases that name this tactic.
                let cases: Vec<Value> = self
                    .cache
                    .cases_by_tactic
                    .get(&i)
                    .into_iter()
                    .flatten()
                    .map(|&c| link(&site.pages[c].meta.title, &site.pages[c].path))
                    .collect();
                v["cases"] = json!(cases);
            }
            KindFields::Print(f) => {
                let texts = crate::print::data::texts(site, p, f);
                v["orientation"] = json!(f.orientation);
                v["layout"] = json!(f.layout.as_ref().map(|l| l.value.clone()));
                v["headline"] = json!(texts.headline);
                v["slogan"] = json!(texts.slogan);
                v["points"] = json!(texts.points);
                v["sizes"] = json!(f.sizes_or(&site.config.print.paper));
                v["print"] = self.cache.print.get(&i).cloned().unwrap_or(Value::Null);
                v["poster_hotlines"] = json!(
                    f.hotlines
                        .iter()
                        .filter_map(|h| site.hotlines.get(&h.value))
                        .collect::<Vec<_>>()
                );
                v["qr"] = json!(f.qr.as_ref().map(|q| site.absolute_url(&q.value)));
                v["source_page"] = json!(f.source.as_ref().and_then(|s| page_link(&s.value)));
            }
            _ => {}
        }
        v
    }

    fn section_value(&self, s: usize) -> Value {
        let site = self.site;
        let sec = &site.sections[s];
        let body = &self.bodies.sections[s];
        let pages = self.summaries_of(&sec.pages);
        let subsections: Vec<Value> = sec
            .subsections
            .iter()
            .map(|&c| {
                let c = &site.sections[c];
                json!({ "title": c.meta.title, "path": c.path, "description": c.meta.description, "page_count": c.pages.len(), "kind": c.kind })
            })
            .collect();
        let mut v = json!({
            "title": sec.meta.title,
            "description": sec.meta.description,
            "content": body.html,
            "path": sec.path,
            "permalink": site.config.permalink(&sec.path),
            "kind": sec.kind,
            "kind_label": sec.kind.label(),
            "extra": sec.meta.extra,
            "subsections": subsections,
        });
        // Moved in: `json!` would serialise the list into yet another copy.
        v["pages"] = pages;
        v
    }

    fn render_error(
        &self,
        e: tera::Error,
        template: &str,
        what: &str,
        at: Option<(&std::path::Path, &Arc<str>)>,
    ) -> Diagnostic {
        let mut d = Diagnostic::error(
            codes::TEMPLATE_RENDER,
            format!("用模板 {template} 生成{what}时出错"),
        )
        .hint(format!(
            "{}（模板来自 {}）",
            tera_error_text(&e),
            self.theme.origin
        ));
        if let Some((f, s)) = at {
            d = d.in_file(f, s);
        }
        d
    }

    /// Render `template`, minify it and write it as the page at `path` (see [`Self::write_html`]).
    fn render_page_at(
        &self,
        sink: &dyn Sink,
        path: &str,
        template: &str,
        ctx: &Context,
        what: &str,
        at: Option<(&std::path::Path, &Arc<str>)>,
    ) -> JobResult {
        self.render_minified(template, ctx, what, at, |bytes| {
            self.write_html(sink, path, bytes)
        })
    }

    /// Render `template` into this thread's page buffer, minify it there and hand the result to
    /// `write`.
    fn render_minified(
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
            tera.render_to(template, ctx, &mut *buf)
                .map_err(|e| self.render_error(e, template, what, at))?;
            match minify_html_onepass::in_place(buf, &onepass_cfg()) {
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

    fn template_for_page(&self, i: usize) -> Result<String, Diagnostic> {
        let p = &self.site.pages[i];
        let sec = self.site.section_of(p);
        let chosen = p.meta.template.as_ref().or(sec.meta.page_template.as_ref());
        if let Some(t) = chosen {
            if self.theme.has(&t.value) {
                return Ok(t.value.clone());
            }
            let (file, src) = if p.meta.template.is_some() {
                (&p.file, &p.source)
            } else {
                (sec.file.as_ref().unwrap_or(&p.file), &sec.source)
            };
            return Err(Diagnostic::error(
                codes::TEMPLATE_MISSING,
                format!("找不到模板 {}", t.value),
            )
            .at(file, src, t.span.clone())
            .label("主题里没有这个模板")
            .hint("模板放在 templates/ 或 themes/主题名/templates/ 下；删掉这一行就用默认模板"));
        }
        let by_kind = format!("{}.html", p.kind.name());
        Ok(if self.theme.has(&by_kind) {
            by_kind
        } else {
            "page.html".to_string()
        })
    }

    /// Write the minified page `bytes` as `path`'s index.html, with the page's QR code in place of
    /// its marker.
    fn write_html(&self, sink: &dyn Sink, path: &str, bytes: &[u8]) -> JobResult {
        let rel = format!("{}index.html", path.trim_start_matches('/'));
        if let Some(at) = rfind(bytes, QR_MARKER.as_bytes()) {
            let url = self.site.config.permalink(path);
            let svg = crate::qr::svg(&url, "本页网址的二维码").unwrap_or_default();
            return sink.write_parts(
                &rel,
                &[&bytes[..at], svg.as_bytes(), &bytes[at + QR_MARKER.len()..]],
            );
        }
        sink.write(&rel, bytes)
    }

    fn render_page(&self, i: usize, sink: &dyn Sink) -> JobResult {
        let p = &self.site.pages[i];
        let template = self.template_for_page(i)?;
        let ctx = self.context_with(&p.path, vec![("page", self.page_value(i))]);
        let what = format!(" {} ", p.file.display());
        self.render_page_at(
            sink,
            &p.path,
            &template,
            &ctx,
            &what,
            Some((&p.file, &p.source)),
        )
    }

    fn render_section(&self, s: usize, sink: &dyn Sink) -> JobResult {
        let site = self.site;
        let sec = &site.sections[s];
        let template = match &sec.meta.template {
            Some(t) if self.theme.has(&t.value) => t.value.clone(),
            Some(t) => {
                let file = sec
                    .file
                    .as_deref()
                    .unwrap_or(std::path::Path::new("content"));
                return Err(Diagnostic::error(
                    codes::TEMPLATE_MISSING,
                    format!("找不到模板 {}", t.value),
                )
                .at(file, &sec.source, t.span.clone())
                .label("主题里没有这个模板")
                .hint("删掉这一行就用默认模板"));
            }
            None if s == 0 => "index.html".to_string(),
            None => "section.html".to_string(),
        };
        let mut ctx = self.context_with(&sec.path, vec![("section", self.section_value(s))]);
        if s == 0 {
            self.insert_home(&mut ctx);
        }
        let at = sec.file.as_deref().map(|f| (f, &sec.source));
        let what = format!("栏目 {} ", sec.path);
        self.render_page_at(sink, &sec.path, &template, &ctx, &what, at)
    }

    fn render_taxonomy_list(&self, t: usize, sink: &dyn Sink) -> JobResult {
        let tax = &self.site.taxonomies[t];
        let mut ctx = self.context(&tax.path());
        ctx.insert(
            "taxonomy",
            &json!({ "name": tax.name, "title": tax.title, "path": tax.path() }),
        );
        let terms = self
            .cache
            .globals
            .get("taxonomies")
            .map(|v| v[tax.name]["terms"].clone());
        ctx.insert("terms", &terms);
        let path = tax.path();
        let what = format!(" {path} ");
        self.render_page_at(sink, &path, "taxonomy_list.html", &ctx, &what, None)
    }

    fn render_term(&self, t: usize, k: usize, sink: &dyn Sink) -> JobResult {
        let tax = &self.site.taxonomies[t];
        let term = &tax.terms[k];
        let mut term_v = json!({ "name": term.name, "slug": term.slug, "path": term.path, "page_count": term.pages.len() });
        // Moved in: `json!` would serialise the list into yet another copy.
        term_v["pages"] = self.summaries_of(&term.pages);
        let ctx = self.context_with(
            &term.path,
            vec![
                (
                    "taxonomy",
                    json!({ "name": tax.name, "title": tax.title, "path": tax.path() }),
                ),
                ("term", term_v),
            ],
        );
        let what = format!(" {} ", term.path);
        self.render_page_at(sink, &term.path, "taxonomy_single.html", &ctx, &what, None)
    }

    fn render_alias(&self, i: usize, alias: &str, sink: &dyn Sink) -> JobResult {
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
        self.write_html(sink, &path, &minify(&html))
    }

    fn run(&self, job: &Job, sink: &dyn Sink) -> JobResult {
        match job {
            Job::Page(i) => self.render_page(*i, sink),
            Job::Section(s) => self.render_section(*s, sink),
            Job::TaxonomyList(t) => self.render_taxonomy_list(*t, sink),
            Job::Term(t, k) => self.render_term(*t, *k, sink),
            Job::Hotlines => self.render_page_at(
                sink,
                "/hotlines/",
                "hotlines.html",
                &self.context("/hotlines/"),
                "热线页 /hotlines/ ",
                None,
            ),
            Job::Search => self.render_page_at(
                sink,
                crate::search::PAGE,
                "search.html",
                &self.context(crate::search::PAGE),
                "搜索页 /search/ ",
                None,
            ),
            Job::NotFound => self.render_minified(
                "404.html",
                &self.context("/404.html"),
                " 404 页面 ",
                None,
                |bytes| sink.write("404.html", bytes),
            ),
            Job::Alias(i, a) => {
                self.render_alias(*i, &self.site.pages[*i].meta.aliases[*a].value, sink)
            }
        }
    }

    /// Every HTML file of the site as a job, the longest lists first so that they do not end up
    /// running alone on one core after the pages are done.
    pub fn jobs(&self) -> Vec<Job> {
        let site = self.site;
        let mut lists: Vec<(usize, Job)> = Vec::new();
        for (s, sec) in site.sections.iter().enumerate() {
            lists.push((sec.pages.len() + sec.subsections.len(), Job::Section(s)));
        }
        for (t, tax) in site.taxonomies.iter().enumerate() {
            if tax.terms.is_empty() {
                continue;
            }
            lists.push((tax.terms.len(), Job::TaxonomyList(t)));
            for (k, term) in tax.terms.iter().enumerate() {
                lists.push((term.pages.len(), Job::Term(t, k)));
            }
        }
        lists.sort_by_key(|l| std::cmp::Reverse(l.0));
        let mut jobs: Vec<Job> = lists.into_iter().map(|(_, j)| j).collect();
        jobs.push(Job::Hotlines);
        if self.theme.has("search.html") {
            jobs.push(Job::Search);
        }
        jobs.push(Job::NotFound);
        jobs.extend((0..site.pages.len()).map(Job::Page));
        for (i, p) in site.pages.iter().enumerate() {
            jobs.extend((0..p.meta.aliases.len()).map(|a| Job::Alias(i, a)));
        }
        jobs
    }

    /// Render every HTML page of the site into `sink`. Returns the number of pages.
    pub fn render_all(&self, sink: &dyn Sink) -> Result<usize, Vec<Diagnostic>> {
        self.render_jobs(&self.jobs(), sink)
    }

    /// Render the given pages into `sink`. Returns the number of pages.
    pub fn render_jobs(&self, jobs: &[Job], sink: &dyn Sink) -> Result<usize, Vec<Diagnostic>> {
        let errs: Vec<Diagnostic> = jobs
            .par_iter()
            .with_max_len(16)
            .filter_map(|j| self.run(j, sink).err())
            .collect();
        if errs.is_empty() {
            Ok(jobs.len())
        } else {
            Err(errs)
        }
    }

    fn insert_home(&self, ctx: &mut Context) {
        let site = self.site;
        let alerts: Vec<&Value> = site
            .pages_of_kind(Kind::Alert)
            .into_iter()
            .map(|i| &self.cache.summaries[i])
            .filter(|v| v["expired"] != json!(true))
            .take(3)
            .collect();
        let cases: Vec<&Value> = site
            .pages_of_kind(Kind::Case)
            .into_iter()
            .take(3)
            .map(|i| &self.cache.summaries[i])
            .collect();
        let tactics: Vec<&Value> = site
            .pages_of_kind(Kind::Tactic)
            .into_iter()
            .take(6)
            .map(|i| &self.cache.summaries[i])
            .collect();
        ctx.insert("latest_alerts", &alerts);
        ctx.insert("latest_cases", &cases);
        ctx.insert("latest_tactics", &tactics);
    }
}

fn ymd(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}
