//! The `Site` model: sections and pages with their URLs and sort orders, taxonomies (tags and scam
//! categories), the `@/` link table, URL-collision checks and the validation of references that front
//! matter makes to other pages, hotlines and data files.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::SiteConfig;
use crate::content::{Asset, Content, ContentLink, Page, Section};
use crate::diag::{Diagnostic, codes, did_you_mean};
use crate::frontmatter::{Kind, KindFields, SortBy};
use crate::hotlines::Hotlines;
use crate::slug::slugify;
use crate::toml_read::Sp;

/// One term of a taxonomy (a tag or a category) and the pages that carry it, newest first.
#[derive(Clone, Debug)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub path: String,
    pub pages: Vec<usize>,
}

/// A taxonomy: `tags` or `categories`.
#[derive(Clone, Debug)]
pub struct Taxonomy {
    pub name: &'static str,
    pub title: &'static str,
    pub terms: Vec<Term>,
    /// Term name → index in `terms`, so that each page finds its tags without a scan.
    by_name: HashMap<String, usize>,
}

impl Taxonomy {
    pub fn path(&self) -> String {
        format!("/{}/", self.name)
    }

    pub fn term(&self, name: &str) -> Option<&Term> {
        self.by_name.get(name).map(|&i| &self.terms[i])
    }
}

/// The whole site, ready to render.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub hotlines: Hotlines,
    pub sections: Vec<Section>,
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
    /// `@/` link table: `tactics/x.md` → `/tactics/x/`.
    pub paths: HashMap<String, String>,
    pub taxonomies: Vec<Taxonomy>,
    pub today: time::Date,
    /// `tactics/x.md` → index in `pages`, for references between pages without a scan.
    by_rel: HashMap<String, usize>,
}

/// URL paths the generator itself writes; content may not take them.
pub const RESERVED: &[&str] = &[
    "/hotlines/",
    "/tags/",
    "/categories/",
    crate::channels::MATERIALS,
];

fn sort_pages(pages: &[Page], list: &mut [usize], by: SortBy) {
    let key_title = |i: &usize| (slugify(&pages[*i].meta.title), pages[*i].path.clone());
    match by {
        SortBy::Date => list.sort_by(|a, b| {
            let (pa, pb) = (&pages[*a], &pages[*b]);
            pb.meta
                .date
                .cmp(&pa.meta.date)
                .then_with(|| pa.meta.weight.cmp(&pb.meta.weight))
                .then_with(|| pa.path.cmp(&pb.path))
        }),
        SortBy::Weight => list.sort_by(|a, b| {
            let (pa, pb) = (&pages[*a], &pages[*b]);
            pa.meta
                .weight
                .cmp(&pb.meta.weight)
                .then_with(|| pa.path.cmp(&pb.path))
        }),
        SortBy::Title => list.sort_by_key(key_title),
        SortBy::None => list.sort_by(|a, b| pages[*a].rel.cmp(&pages[*b].rel)),
    }
}

fn build_taxonomy(
    tax_name: &'static str,
    title: &'static str,
    pages: &[Page],
    terms_of: impl Fn(&Page) -> Vec<String>,
) -> Taxonomy {
    let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        for t in terms_of(p) {
            let list = map.entry(t).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    // Order terms by their pinyin slug (a natural order for Chinese readers), then by name.
    let mut named: Vec<(String, String, Vec<usize>)> =
        map.into_iter().map(|(n, p)| (slugify(&n), n, p)).collect();
    named.sort();
    let mut used: HashMap<String, usize> = HashMap::new();
    let terms: Vec<Term> = named
        .into_iter()
        .map(|(base, name, mut list)| {
            // Homophones share a pinyin slug: number the later ones.
            let n = used.entry(base.clone()).or_insert(0);
            *n += 1;
            let slug = if *n == 1 { base } else { format!("{base}-{n}") };
            sort_pages(pages, &mut list, SortBy::Date);
            Term {
                path: format!("/{tax_name}/{slug}/"),
                name,
                slug,
                pages: list,
            }
        })
        .collect();
    let by_name = terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    Taxonomy {
        name: tax_name,
        title,
        terms,
        by_name,
    }
}

/// Pages of each section in its sort order, subsections by weight then path.
fn order_sections(sections: &mut [Section], pages: &[Page]) {
    for s in sections.iter_mut() {
        let by = s.meta.sort_by;
        sort_pages(pages, &mut s.pages, by);
    }
    let weights: Vec<(i64, String)> = sections
        .iter()
        .map(|s| (s.meta.weight, s.path.clone()))
        .collect();
    for s in sections.iter_mut() {
        s.subsections.sort_by(|a, b| weights[*a].cmp(&weights[*b]));
    }
}

/// The `@/` link table: `tactics/x.md` and `tactics/_index.md` → their URL paths.
fn link_table(sections: &[Section], pages: &[Page]) -> HashMap<String, String> {
    let mut paths = HashMap::with_capacity(pages.len() + sections.len());
    for s in sections {
        let rel = if s.dir.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{}/_index.md", s.dir)
        };
        paths.insert(rel, s.path.clone());
    }
    for p in pages {
        paths.insert(p.rel.clone(), p.path.clone());
    }
    paths
}

/// Owners of output paths: every URL has exactly one (reserved pages, sections, pages, terms, aliases).
#[derive(Default)]
struct Owners {
    owners: HashMap<String, String>,
}

impl Owners {
    fn claim(
        &mut self,
        path: &str,
        owner: String,
        err_at: Option<(&Path, &Arc<str>, std::ops::Range<usize>)>,
        errs: &mut Vec<Diagnostic>,
    ) {
        let Some(prev) = self.owners.get(path) else {
            self.owners.insert(path.to_string(), owner);
            return;
        };
        let mut d = Diagnostic::error(
            codes::URL_COLLISION,
            format!("网址 {path} 被两个地方同时使用"),
        )
        .label("和别的内容网址重复")
        .hint(format!(
            "{prev} 已经使用了这个网址；请改文件名，或在 front matter 里设置不同的 slug"
        ));
        if let Some((f, s, span)) = err_at {
            d = d.at(f, s, span);
        }
        errs.push(d);
    }
}

/// URL collisions, and aliases that are not site paths.
fn check_urls(
    sections: &[Section],
    pages: &[Page],
    taxonomies: &[Taxonomy],
    errs: &mut Vec<Diagnostic>,
) {
    let mut owners = Owners::default();
    for r in RESERVED {
        owners.claim(r, format!("fangpian 自动生成的页面 {r}"), None, errs);
    }
    for s in sections {
        let owner = s.file.as_ref().map_or_else(
            || format!("content/{}/", s.dir),
            |f| f.display().to_string(),
        );
        let at = s.file.as_deref().map(|f| (f, &s.source, 0..0));
        owners.claim(&s.path, owner, at, errs);
    }
    for p in pages {
        let span = p.meta.slug.as_ref().map_or(0..0, |s| s.span.clone());
        let at = Some((p.file.as_path(), &p.source, span));
        owners.claim(&p.path, p.file.display().to_string(), at, errs);
    }
    for tax in taxonomies {
        for t in &tax.terms {
            owners.claim(&t.path, format!("{}「{}」", tax.title, t.name), None, errs);
        }
    }
    for p in pages {
        for a in &p.meta.aliases {
            let Some(path) = normalize_alias(&a.value) else {
                errs.push(
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("别名 `{}` 不是站内路径", a.value),
                    )
                    .at(&p.file, &p.source, a.span.clone())
                    .label("别名要以 / 开头")
                    .hint("例如 aliases = [\"/old/baojianpin/\"]"),
                );
                continue;
            };
            let at = Some((p.file.as_path(), &p.source, a.span.clone()));
            owners.claim(&path, format!("{} 的 aliases", p.file.display()), at, errs);
        }
    }
}

impl Site {
    /// Assemble the model and validate everything that crosses files.
    pub fn assemble(
        root: &Path,
        config: SiteConfig,
        hotlines: Hotlines,
        content: Content,
        today: time::Date,
    ) -> Result<Site, Vec<Diagnostic>> {
        let Content {
            mut sections,
            pages,
            assets,
        } = content;
        let mut errs = Vec::new();
        order_sections(&mut sections, &pages);
        let tags = build_taxonomy("tags", "标签", &pages, |p| p.meta.tags.clone());
        let categories = build_taxonomy("categories", "诈骗类别", &pages, |p| {
            let mut c: Vec<String> = p.meta.categories.iter().map(|c| c.value.clone()).collect();
            if let KindFields::Tactic {
                category: Some(cat),
                ..
            } = &p.meta.fields
                && !c.contains(&cat.value)
            {
                c.insert(0, cat.value.clone());
            }
            c
        });
        let taxonomies = vec![tags, categories];
        check_urls(&sections, &pages, &taxonomies, &mut errs);
        let by_rel = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.rel.clone(), i))
            .collect();
        let site = Site {
            root: root.to_path_buf(),
            config,
            hotlines,
            paths: link_table(&sections, &pages),
            sections,
            pages,
            assets,
            taxonomies,
            today,
            by_rel,
        };
        for p in &site.pages {
            site.check_front_matter_refs(p, &mut errs);
        }
        if errs.is_empty() { Ok(site) } else { Err(errs) }
    }

    /// Resolve an `@/` reference written in front matter, reporting where it is broken.
    pub fn resolve_ref(
        &self,
        page: &Page,
        r: &Sp<String>,
        what: &str,
        errs: &mut Vec<Diagnostic>,
    ) -> Option<usize> {
        let Some(link) = ContentLink::parse(&r.value) else {
            errs.push(
                Diagnostic::error(
                    codes::BROKEN_LINK,
                    format!("{what}要写成 @/ 开头的内部链接"),
                )
                .at(&page.file, &page.source, r.span.clone())
                .label("不是内部链接")
                .hint("例如 \"@/tactics/baojianpin.md\"，路径从 content 目录算起"),
            );
            return None;
        };
        let target = link.target;
        match self.page_index(target) {
            Some(i) => Some(i),
            None => {
                let keys: Vec<&str> = self.pages.iter().map(|p| p.rel.as_str()).collect();
                let hint = match crate::diag::suggest(target, keys.iter().copied()) {
                    Some(s) => format!("是不是想写 \"@/{s}\"？"),
                    None => {
                        "路径从 content 目录算起，要带 .md，例如 \"@/tactics/baojianpin.md\"".into()
                    }
                };
                errs.push(
                    Diagnostic::error(
                        codes::BROKEN_LINK,
                        format!("{what} `{}` 指向的文件不存在", r.value),
                    )
                    .at(&page.file, &page.source, r.span.clone())
                    .label("找不到这个文件")
                    .hint(hint),
                );
                None
            }
        }
    }

    fn check_hotline_ids(&self, page: &Page, ids: &[Sp<String>], errs: &mut Vec<Diagnostic>) {
        for id in ids {
            if self.hotlines.get(&id.value).is_none() {
                errs.push(
                    Diagnostic::error(
                        codes::UNKNOWN_HOTLINE,
                        format!("没有编号为 `{}` 的热线", id.value),
                    )
                    .at(&page.file, &page.source, id.span.clone())
                    .label("找不到这条热线")
                    .hint(format!(
                        "{}（热线都在 content/hotlines.toml 里）",
                        did_you_mean(&id.value, &self.hotlines.ids())
                    )),
                );
            }
        }
    }

    /// Check the references a page's front matter makes to other pages, hotlines and data files.
    pub fn check_front_matter_refs(&self, page: &Page, errs: &mut Vec<Diagnostic>) {
        match &page.meta.fields {
            KindFields::Case { tactics, .. } => {
                for t in tactics {
                    if let Some(i) = self.resolve_ref(page, t, "相关套路", errs)
                        && self.pages[i].kind != Kind::Tactic
                    {
                        errs.push(
                            Diagnostic::error(codes::INVALID_VALUE, format!("`{}` 不是一篇诈骗套路", t.value))
                                .at(&page.file, &page.source, t.span.clone())
                                .label("tactics 只能指向「诈骗套路」")
                                .hint("tactics 里写 tactics 栏目下的文章，例如 \"@/tactics/baojianpin.md\""),
                        );
                    }
                }
            }
            KindFields::Print(f) => {
                self.check_hotline_ids(page, &f.hotlines, errs);
                if let Some(src) = &f.source
                    && let Some(i) = self.resolve_ref(page, src, "素材来源 source", errs)
                    && !matches!(self.pages[i].kind, Kind::Tactic | Kind::Case)
                {
                    errs.push(
                        Diagnostic::error(
                            codes::INVALID_VALUE,
                            format!("`{}` 既不是诈骗套路也不是典型案例", src.value),
                        )
                        .at(&page.file, &page.source, src.span.clone())
                        .label("source 只能指向套路或案例")
                        .hint("例如 source = \"@/tactics/baojianpin.md\""),
                    );
                }
                if let Some(qr) = &f.qr
                    && !(qr.value.starts_with("https://") || qr.value.starts_with("http://"))
                {
                    let link = ContentLink::parse(&qr.value);
                    if !link.is_some_and(|l| self.paths.contains_key(l.target)) {
                        let hint = if link.is_some() {
                            "路径从 content 目录算起，要带 .md，例如 \"@/report.md\""
                        } else {
                            "二维码写站内文章的 @/ 链接（例如 \"@/report.md\"），或完整的 https:// 网址"
                        };
                        errs.push(
                            Diagnostic::error(
                                codes::BROKEN_LINK,
                                format!("二维码目标 `{}` 无效", qr.value),
                            )
                            .at(&page.file, &page.source, qr.span.clone())
                            .label("找不到这个目标")
                            .hint(hint),
                        );
                    }
                }
                if let Some(v) = &f.variants {
                    let resolved = crate::boundary::Boundary::new(&self.root).resolve(&v.value);
                    if let Err(mut d) = resolved {
                        if d.code == codes::PATH_OUTSIDE_ROOT {
                            d = d.hint("写站点目录里面的文件，路径从站点根目录算起，例如 \"data/communities.toml\"");
                        }
                        errs.push(
                            d.at(&page.file, &page.source, v.span.clone())
                                .label("不能使用这个文件"),
                        );
                    } else if !matches!(resolved, Ok(crate::boundary::Resolved::File(_))) {
                        errs.push(
                            Diagnostic::error(
                                codes::BROKEN_LINK,
                                format!("找不到数据文件 `{}`", v.value),
                            )
                            .at(&page.file, &page.source, v.span.clone())
                            .label("文件不存在")
                            .hint("路径从站点根目录算起，例如 \"data/communities.toml\""),
                        );
                    }
                }
            }
            _ => {}
        }
    }

    /// The index of the page whose file is `content/REL`.
    pub fn page_index(&self, rel: &str) -> Option<usize> {
        self.by_rel.get(rel).copied()
    }

    /// The page an `@/x.md#anchor` link points to.
    pub fn page_for_link(&self, link: &str) -> Option<&Page> {
        self.page_index_for_link(link).map(|i| &self.pages[i])
    }

    /// The index of the page an `@/x.md#anchor` link points to.
    pub fn page_index_for_link(&self, link: &str) -> Option<usize> {
        self.page_index(ContentLink::parse(link)?.target)
    }

    /// An absolute URL for `@/x.md` (with an optional `#anchor`), a site path, or an absolute URL.
    pub fn absolute_url(&self, target: &str) -> String {
        if let Some(ContentLink { target: t, anchor }) = ContentLink::parse(target) {
            let path = self.paths.get(t).cloned().unwrap_or_else(|| "/".into());
            let mut url = self.config.permalink(&path);
            if let Some(a) = anchor {
                url.push('#');
                url.push_str(a);
            }
            url
        } else if target.starts_with('/') {
            self.config.permalink(target)
        } else {
            target.to_string()
        }
    }

    /// The section a page belongs to.
    pub fn section_of(&self, page: &Page) -> &Section {
        &self.sections[page.section]
    }

    /// Pages of a kind across the whole site, newest first.
    pub fn pages_of_kind(&self, kind: Kind) -> Vec<usize> {
        let mut v: Vec<usize> = (0..self.pages.len())
            .filter(|&i| self.pages[i].kind == kind)
            .collect();
        sort_pages(&self.pages, &mut v, SortBy::Date);
        v
    }
}

/// `/old/path` or `old/path/index.html` → `/old/path/`.
fn normalize_alias(a: &str) -> Option<String> {
    let a = a.trim();
    if !a.starts_with('/') || a.contains("..") || a.contains("://") {
        return None;
    }
    let a = a.trim_end_matches("index.html");
    Some(if a.ends_with('/') {
        a.to_string()
    } else {
        format!("{a}/")
    })
}
