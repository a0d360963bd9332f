//! Which template renders each HTML file of the site (pages, sections, taxonomy lists and terms, the
//! hotline page, 404, aliases), and rendering them in parallel, longest lists first.

use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::{Diagnostic, codes};
use crate::output::Sink;
use crate::reuse::Key;
use crate::theme::tera_error_text;

use super::Renderer;
use super::context::taxonomy_value;
use super::values::to_value;

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
    /// The 宣传物料 page (`materials.html`), when the theme has one.
    Materials,
    NotFound,
    /// Page index and alias index.
    Alias(usize, usize),
}

pub(super) type JobResult = Result<(), Diagnostic>;

impl Renderer<'_> {
    pub(super) fn render_error(
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

    pub(super) fn template_for_page(&self, i: usize) -> Result<String, Diagnostic> {
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

    pub(super) fn render_page(&self, i: usize, sink: &dyn Sink) -> JobResult {
        let p = &self.site.pages[i];
        let template = self.template_for_page(i)?;
        let ctx = self.context_with(&p.path, vec![("page", self.page_value(i))]);
        let what = format!(" {} ", p.file.display());
        let rel = super::finish::html_rel(&p.path);
        let key = self.page_view_key(i, &template, &rel, &ctx);
        if sink.reuse(&rel, &key) {
            return Ok(());
        }
        let at = Some((p.file.as_path(), &p.source));
        self.render_minified(&template, &ctx, &what, at, |bytes| {
            self.write_html(sink, &p.path, bytes, Some(&key))
        })
    }

    pub(super) fn render_section(&self, s: usize, sink: &dyn Sink) -> JobResult {
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

    pub(super) fn render_taxonomy_list(&self, t: usize, sink: &dyn Sink) -> JobResult {
        let tax = &self.site.taxonomies[t];
        let mut ctx = self.context(&tax.path());
        ctx.insert("taxonomy", &taxonomy_value(tax, false));
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

    pub(super) fn render_term(&self, t: usize, k: usize, sink: &dyn Sink) -> JobResult {
        let tax = &self.site.taxonomies[t];
        let term = &tax.terms[k];
        let ctx = self.context_with(
            &term.path,
            vec![
                ("taxonomy", to_value(taxonomy_value(tax, false))),
                ("term", self.term_value(t, k)),
            ],
        );
        let what = format!(" {} ", term.path);
        self.render_page_at(sink, &term.path, "taxonomy_single.html", &ctx, &what, None)
    }

    /// `/materials/`: every SMS text, script, poster and leaflet by topic.
    pub(super) fn render_materials(&self, sink: &dyn Sink) -> JobResult {
        let empty = crate::channels::Channels::default();
        let channels = self.channels.unwrap_or(&empty);
        let value = crate::channels::materials::value(
            self.site,
            channels,
            &crate::channels::materials::Made {
                print: &self.cache.print,
                share: &self.cache.share,
                wechat: self.theme.has(crate::channels::wechat::TEMPLATE),
            },
        );
        let path = crate::channels::MATERIALS;
        let ctx = self.context_with(path, vec![("materials", to_value(value))]);
        self.render_page_at(
            sink,
            path,
            "materials.html",
            &ctx,
            "宣传物料页 /materials/ ",
            None,
        )
    }

    pub(super) fn run(&self, job: &Job, sink: &dyn Sink) -> JobResult {
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
            Job::Materials => self.render_materials(sink),
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

    /// The context of page `i`, which every view of the page is rendered from.
    fn page_context(&self, i: usize) -> tera::Context {
        let p = &self.site.pages[i];
        self.context_with(&p.path, vec![("page", self.page_value(i))])
    }

    /// The key of the file `rel` made from page `i` with `template` (another view of the page, such
    /// as its WeChat version). Once the page itself has been rendered, this costs no context.
    pub fn page_key(&self, i: usize, template: &str, rel: &str) -> Key {
        match self.page_data[i].get() {
            Some(data) => self.key_of(template, rel, data),
            None => self.page_view_key(i, template, rel, &self.page_context(i)),
        }
    }

    /// Page `i` rendered with `template`, neither minified nor written: the caller finishes it.
    pub fn render_page_with(&self, i: usize, template: &str) -> Result<String, Diagnostic> {
        let p = &self.site.pages[i];
        let ctx = self.page_context(i);
        self.theme.tera.render(template, &ctx).map_err(|e| {
            let what = format!(" {} ", p.file.display());
            self.render_error(e, template, &what, Some((&p.file, &p.source)))
        })
    }

    /// Whether the theme has the template `name`.
    pub fn has_template(&self, name: &str) -> bool {
        self.theme.has(name)
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
        if self.theme.has("materials.html") {
            jobs.push(Job::Materials);
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
}
