//! The data each template receives: site-wide values shared by every page (config, hotlines,
//! navigation, taxonomies), the summary of every page for lists, the full value of a page or section,
//! the home page's lists, and print's downloads and previews of posters and leaflets.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Value, json};
use tera::Context;

use crate::frontmatter::{Kind, KindFields};
use crate::markdown::Bodies;
use crate::site::Site;

use super::Renderer;
use super::finish::QR_MARKER;

/// Reading time in minutes for `chars` Chinese characters (about 300 a minute for older readers).
pub(super) fn reading_minutes(chars: usize) -> usize {
    chars.div_ceil(300).max(1)
}

/// Values derived from the whole site once, shared by every template call and kept up to date
/// page by page when `serve` re-renders a single edit.
pub struct RenderCache {
    /// Site-wide values given to every template, shared by every page's context rather than
    /// copied into it: a copy of 100,000 tags per page made large sites quadratic.
    pub(super) globals: Arc<BTreeMap<String, Value>>,
    /// A small summary of every page, for lists.
    pub(super) summaries: Vec<Value>,
    /// Tactic page → the cases that name it, newest first.
    pub(super) cases_by_tactic: HashMap<usize, Vec<usize>>,
    /// Poster and leaflet page → its downloads and previews (see `print::page_value`).
    pub(super) print: HashMap<usize, Value>,
}

pub(super) fn summary(site: &Site, bodies: &Bodies, i: usize) -> Value {
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
pub(super) fn cases_by_tactic(site: &Site) -> HashMap<usize, Vec<usize>> {
    let mut cases_by_tactic: HashMap<usize, Vec<usize>> = HashMap::new();
    for c in site.pages_of_kind(Kind::Case) {
        if let KindFields::Case { tactics, .. } = &site.pages[c].meta.fields {
            for t in tactics {
                if let Some(ti) = site.page_index_for_link(&t.value) {
                    cases_by_tactic.entry(ti).or_default().push(c);
                }
            }
        }
    }
    cases_by_tactic
}

pub(super) fn link(title: &str, path: &str) -> Value {
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

impl Renderer<'_> {
    pub(super) fn context(&self, path: &str) -> Context {
        self.context_with(path, Vec::new())
    }

    /// The template context: site-wide values (shared, not copied), the page's address, and
    /// `extra` values moved in. Built from JSON values handed over whole: `Context::insert` would
    /// serialise every value into a copy (the page's content included), which was ~6 % of a
    /// 10,000-page build.
    pub(super) fn context_with(&self, path: &str, extra: Vec<(&'static str, Value)>) -> Context {
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
    pub(super) fn summaries_of(&self, pages: &[usize]) -> Value {
        Value::Array(
            pages
                .iter()
                .map(|&i| self.cache.summaries[i].clone())
                .collect(),
        )
    }

    pub(super) fn term_links(
        &self,
        taxonomy: usize,
        names: impl Iterator<Item = String>,
    ) -> Vec<Value> {
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
            let q = site.page_for_link(r)?;
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

    pub(super) fn section_value(&self, s: usize) -> Value {
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

    pub(super) fn insert_home(&self, ctx: &mut Context) {
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

pub(super) fn ymd(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}
