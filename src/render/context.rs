//! The data each template receives: site-wide values shared by every page (config, hotlines,
//! navigation, taxonomies), the summary of every page for lists, the full value of a page or section,
//! the home page's lists, and print's downloads and previews of posters and leaflets.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Value, json};
use tera::Context;

use crate::frontmatter::PrintFields;
use crate::frontmatter::{Kind, KindFields};
use crate::markdown::Bodies;
use crate::site::{Site, Taxonomy, Term};

use super::values::*;

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
    /// Page → its share image (see `channels::share`), made in the print step.
    pub(super) share: HashMap<usize, ShareImage>,
}

pub(super) fn summary(site: &Site, bodies: &Bodies, i: usize) -> Value {
    let p = &site.pages[i];
    let description = if p.meta.description.is_empty() {
        &bodies.pages[i].summary
    } else {
        &p.meta.description
    };
    let fields = match &p.meta.fields {
        KindFields::Alert { level, expires } => Some(SummaryFields::Alert {
            level: level.text(),
            level_class: level.css(),
            expires: expires.map(|d| d.ymd()),
            expired: expires.is_some_and(|d| d.date < site.today),
        }),
        KindFields::Tactic {
            category: Some(c), ..
        } => Some(SummaryFields::Tactic { category: &c.value }),
        KindFields::Case { region, amount, .. } => Some(SummaryFields::Case { region, amount }),
        KindFields::Print(f) => Some(SummaryFields::Print {
            headline: &f.headline,
            size: f.sizes_or(&site.config.print.paper).swap_remove(0),
        }),
        _ => None,
    };
    to_value(Summary {
        title: &p.meta.title,
        description,
        path: &p.path,
        permalink: site.config.permalink(&p.path),
        date: p.meta.date.map(|d| d.ymd()),
        kind: p.kind,
        kind_label: p.kind.label(),
        preview: None,
        fields,
    })
}

/// A term without its pages.
fn term_value(term: &Term) -> TermValue<'_> {
    TermValue {
        name: &term.name,
        slug: &term.slug,
        path: &term.path,
        page_count: term.pages.len(),
        pages: None,
    }
}

/// A taxonomy, with its terms when `with_terms`.
pub(super) fn taxonomy_value(t: &Taxonomy, with_terms: bool) -> TaxonomyValue<'_> {
    TaxonomyValue {
        name: t.name,
        title: t.title,
        path: t.path(),
        terms: with_terms.then(|| t.terms.iter().map(term_value).collect()),
    }
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

impl RenderCache {
    pub fn new(site: &Site, bodies: &Bodies) -> Self {
        let c = &site.config;
        let hotlines = to_value(&site.hotlines.list);
        let primary = to_value(site.hotlines.primary());
        let nav: Vec<NavItem> = site.sections[0]
            .subsections
            .iter()
            .map(|&s| {
                let s = &site.sections[s];
                NavItem {
                    title: &s.meta.title,
                    path: &s.path,
                    kind: s.kind,
                    description: &s.meta.description,
                }
            })
            .collect();
        let taxonomies: BTreeMap<&str, TaxonomyValue> = site
            .taxonomies
            .iter()
            .map(|t| (t.name, taxonomy_value(t, true)))
            .collect();
        let config = to_value(ConfigValue {
            title: &c.title,
            base_url: &c.base_url,
            language: &c.language,
            organization: &c.organization,
            description: &c.description,
            categories: &c.categories,
            extra: &c.extra,
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
                    ("hotlines", hotlines),
                    ("primary_hotlines", primary),
                    ("nav", to_value(nav)),
                    ("taxonomies", to_value(taxonomies)),
                    ("today", Value::from(ymd(site.today))),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            ),
            summaries,
            cases_by_tactic,
            print: HashMap::new(),
            share: HashMap::new(),
        }
    }

    /// Record what the print step made: each poster's and leaflet's downloads and previews (lists
    /// show the first preview) and each page's share image.
    pub fn set_print(&mut self, print: HashMap<usize, Value>, share: HashMap<usize, ShareImage>) {
        for (&i, v) in &print {
            if let Some(p) = v["previews"].get(0) {
                self.summaries[i]["preview"] = p.clone();
            }
        }
        self.print = print;
        self.share = share;
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

    pub(super) fn term_links<'s>(
        &'s self,
        taxonomy: usize,
        names: impl Iterator<Item = &'s str>,
    ) -> Vec<TermLink<'s>> {
        let tax = &self.site.taxonomies[taxonomy];
        names
            .filter_map(|n| tax.term(n))
            .map(|t| TermLink {
                name: &t.name,
                path: &t.path,
            })
            .collect()
    }

    /// A link to the page an `@/` reference points to.
    fn page_link(&self, r: &str) -> Option<Link<'a>> {
        let q = self.site.page_for_link(r)?;
        Some(Link {
            title: &q.meta.title,
            path: &q.path,
        })
    }

    /// The full data of one page for its template.
    pub fn page_value(&self, i: usize) -> Value {
        let site = self.site;
        let p = &site.pages[i];
        let body = &self.bodies.pages[i];
        let sec = site.section_of(p);
        let mut cats: Vec<&str> = p.meta.categories.iter().map(|c| c.value.as_str()).collect();
        if let KindFields::Tactic {
            category: Some(c), ..
        } = &p.meta.fields
            && !cats.contains(&c.value.as_str())
        {
            cats.insert(0, &c.value);
        }
        to_value(PageValue {
            list: &self.cache.summaries[i],
            content: &body.html,
            summary: &body.summary,
            toc: &body.toc,
            reading_minutes: reading_minutes(body.chars),
            char_count: body.chars,
            updated: p.meta.updated.map(|d| d.ymd()),
            date_iso: p.meta.date.map(|d| d.rfc3339()),
            extra: &p.meta.extra,
            slug: &p.slug,
            section: Link {
                title: &sec.meta.title,
                path: &sec.path,
            },
            tags: self.term_links(0, p.meta.tags.iter().map(String::as_str)),
            categories: self.term_links(1, cats.into_iter()),
            channels: self.page_channels(i),
            share_image: self.cache.share.get(&i),
            wechat: (crate::channels::wechat::has_version(p.kind)
                && self.theme.has(crate::channels::wechat::TEMPLATE))
            .then(|| crate::channels::wechat::path(p)),
            fields: self.page_fields(i),
        })
    }

    /// `page.channels` of a tactic or alert.
    fn page_channels(&self, i: usize) -> Option<PageChannels<'a>> {
        let t = self.channels?.pages.get(i)?.as_ref()?;
        let p = &self.site.pages[i];
        Some(PageChannels {
            sms: &t.sms,
            sms_chars: t.sms_chars,
            broadcast: crate::channels::script_path(p),
            broadcast_time: &t.script_time,
            materials: format!(
                "{}#{}",
                crate::channels::MATERIALS,
                crate::channels::anchor(p)
            ),
        })
    }

    /// The fields only articles of page `i`'s kind have.
    fn page_fields(&self, i: usize) -> Option<PageFields<'a>> {
        let site = self.site;
        let p = &site.pages[i];
        Some(match &p.meta.fields {
            KindFields::Case {
                region,
                amount,
                victims,
                outcome,
                source,
                tactics,
            } => PageFields::Case {
                region,
                amount,
                victims: *victims,
                outcome,
                source,
                tactics: tactics
                    .iter()
                    .filter_map(|t| self.page_link(&t.value))
                    .collect(),
            },
            KindFields::Tactic {
                category,
                warning_signs,
                what_to_do,
                legal_basis,
                reviewed,
            } => PageFields::Tactic {
                category: category.as_ref().map(|c| c.value.as_str()),
                category_path: category
                    .as_ref()
                    .and_then(|c| site.taxonomies[1].term(&c.value))
                    .map(|t| t.path.as_str()),
                warning_signs,
                what_to_do,
                legal_basis,
                reviewed: reviewed.as_ref().map(|d| d.value.ymd()),
                cases: self.cases_of(i),
            },
            KindFields::Print(f) => PageFields::Print(Box::new(self.print_page(i, f))),
            _ => return None,
        })
    }

    /// The cases that name tactic `i`, newest first.
    fn cases_of(&self, i: usize) -> Vec<Link<'a>> {
        let pages = &self.site.pages;
        let cases = self.cache.cases_by_tactic.get(&i).into_iter().flatten();
        cases
            .map(|&c| Link {
                title: &pages[c].meta.title,
                path: &pages[c].path,
            })
            .collect()
    }

    fn print_page(&self, i: usize, f: &'a PrintFields) -> PrintPage<'a> {
        let site = self.site;
        let texts = crate::print::data::texts(site, &site.pages[i], f);
        PrintPage {
            orientation: &f.orientation,
            layout: f.layout.as_ref().map(|l| l.value.as_str()),
            headline: texts.headline,
            slogan: texts.slogan,
            points: texts.points,
            sizes: f.sizes_or(&site.config.print.paper),
            print: self.cache.print.get(&i).cloned().unwrap_or(Value::Null),
            poster_hotlines: f
                .hotlines
                .iter()
                .filter_map(|h| site.hotlines.get(&h.value))
                .collect(),
            qr: f.qr.as_ref().map(|q| site.absolute_url(&q.value)),
            source_page: f.source.as_ref().and_then(|s| self.page_link(&s.value)),
        }
    }

    pub(super) fn section_value(&self, s: usize) -> Value {
        let site = self.site;
        let sec = &site.sections[s];
        let subsections = sec
            .subsections
            .iter()
            .map(|&c| {
                let c = &site.sections[c];
                SubsectionValue {
                    title: &c.meta.title,
                    path: &c.path,
                    description: &c.meta.description,
                    page_count: c.pages.len(),
                    kind: c.kind,
                }
            })
            .collect();
        let mut v = to_value(SectionValue {
            title: &sec.meta.title,
            description: &sec.meta.description,
            content: &self.bodies.sections[s].html,
            path: &sec.path,
            permalink: site.config.permalink(&sec.path),
            kind: sec.kind,
            kind_label: sec.kind.label(),
            extra: &sec.meta.extra,
            subsections,
            pages: Value::Null,
        });
        // Moved in after serializing: serializing the list would copy it once more.
        v["pages"] = self.summaries_of(&sec.pages);
        v
    }

    /// `term`: a term of taxonomy `t` with its pages' summaries.
    pub(super) fn term_value(&self, t: usize, k: usize) -> Value {
        let term = &self.site.taxonomies[t].terms[k];
        let mut v = to_value(term_value(term));
        // Moved in after serializing: serializing the list would copy it once more.
        v["pages"] = self.summaries_of(&term.pages);
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
