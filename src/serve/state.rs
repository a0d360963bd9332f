//! The live site kept in memory by `serve`, and incremental rebuilds: an edited page re-renders that
//! page, and only when what lists show of it changed, the lists, taxonomy pages and feeds that show it.
//! Anything structural (new, deleted or renamed files, templates, hotlines, `site.toml`, a changed
//! URL or tag set) falls back to a full, atomic rebuild.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::build::{self, Loaded, Options};
use crate::content::ContentLink;
use crate::diag::{Diagnostic, Failure};
use crate::frontmatter::{Kind, KindFields};
use crate::markdown::{self, LinkContext};
use crate::output::DirSink;
use crate::render::{Job, RenderCache};
use crate::theme::Theme;

/// What a rebuild did.
#[derive(Debug)]
pub struct Applied {
    /// `true` when only some pages were re-rendered.
    pub incremental: bool,
    pub pages: usize,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
}

/// The built site, its theme and derived data, and where it is written.
pub struct State {
    opts: Options,
    loaded: Loaded,
    theme: Theme,
    cache: RenderCache,
    out: PathBuf,
    /// Canonical path of every page's file → page index.
    files: HashMap<PathBuf, usize>,
    /// Every file and folder of the watched folders at the last full build: a deleted path among
    /// them (a `static/` file, an image) changes the site, one that is not is an editor's
    /// temporary file that came and went.
    known: HashSet<PathBuf>,
}

impl State {
    /// Full, atomic build.
    pub fn full(opts: &Options) -> Result<(State, Applied), Failure> {
        let start = Instant::now();
        let (report, kept) = build::build_keep(opts)?;
        let build::Kept {
            loaded,
            theme,
            cache,
        } = kept;
        let root = opts
            .root
            .canonicalize()
            .unwrap_or_else(|_| opts.root.clone());
        let files = loaded
            .site
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (root.join(&p.file), i))
            .collect();
        let known = super::WATCHED
            .iter()
            .flat_map(|d| walkdir::WalkDir::new(root.join(d)).follow_links(false))
            .filter_map(Result::ok)
            .map(walkdir::DirEntry::into_path)
            .collect();
        let applied = Applied {
            incremental: false,
            pages: report.html_pages,
            warnings: report.warnings.clone(),
            elapsed: start.elapsed(),
        };
        let state = State {
            opts: opts.clone(),
            loaded,
            theme,
            cache,
            out: report.out,
            files,
            known,
        };
        Ok((state, applied))
    }

    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Rebuild after `changed` files changed. On error the served site stays as it was.
    pub fn apply(&mut self, changed: &[PathBuf]) -> Result<Applied, Failure> {
        let start = Instant::now();
        if let Some(pages) = self.edited_pages(changed) {
            match self.incremental(&pages) {
                Ok(Some(n)) => {
                    return Ok(Applied {
                        incremental: true,
                        pages: n,
                        warnings: self.loaded.warnings.clone(),
                        elapsed: start.elapsed(),
                    });
                }
                Ok(None) => {} // structural after all: rebuild everything
                Err(e) => return Err(e),
            }
        }
        let (state, mut applied) = State::full(&self.opts)?;
        *self = state;
        applied.elapsed = start.elapsed();
        Ok(applied)
    }

    /// The indices of the pages whose files are the changed paths; `None` means a structural change
    /// (a page deleted, a new file, a deleted `static/` file, anything that is not a page's
    /// markdown). Paths that no longer exist and were not there at the last full build (editors'
    /// temporary files) are ignored.
    fn edited_pages(&self, changed: &[PathBuf]) -> Option<Vec<usize>> {
        let mut pages = Vec::new();
        for path in changed {
            let known = self
                .files
                .get(path)
                .or_else(|| path.canonicalize().ok().and_then(|c| self.files.get(&c)));
            match (known, path.exists()) {
                (Some(&i), true) => {
                    if !pages.contains(&i) {
                        pages.push(i);
                    }
                }
                (None, false) if !self.known.contains(path) => {}
                _ => return None,
            }
        }
        Some(pages)
    }

    /// Re-render edited pages in place. `Ok(None)` asks for a full rebuild.
    fn incremental(&mut self, indices: &[usize]) -> Result<Option<usize>, Failure> {
        // Validate everything first, then commit the new pages to the model.
        let mut replaced = Vec::new();
        for &i in indices {
            match self.reload(i)? {
                Some((page, body)) => replaced.push((i, page, body)),
                None => return Ok(None),
            }
        }
        let mut jobs: BTreeSet<Job> = BTreeSet::new();
        let mut feeds = false;
        let mut previous = Vec::new();
        for (i, page, body) in replaced {
            let old_summary = self.cache.summary(i).clone();
            let old_tactics = linked_tactics(&self.loaded.site.pages[i].meta.fields);
            let old_page = std::mem::replace(&mut self.loaded.site.pages[i], page);
            let old_body = std::mem::replace(&mut self.loaded.bodies.pages[i], body);
            previous.push((i, old_page, old_body));
            self.cache
                .refresh_page(&self.loaded.site, &self.loaded.bodies, i);
            let listed_changed = self.cache.summary(i) != &old_summary;
            feeds |= listed_changed;
            self.jobs_for(i, &old_tactics, listed_changed, &mut jobs);
        }
        // Anchors into or out of the edited pages may now be broken.
        let mut errs = Vec::new();
        crate::links::check_anchors(&self.loaded.site, &self.loaded.bodies, &mut errs);
        let texts = self.channel_texts(&previous, &mut errs);
        if !errs.is_empty() {
            for (i, page, body) in previous {
                self.loaded.site.pages[i] = page;
                self.loaded.bodies.pages[i] = body;
                self.cache
                    .refresh_page(&self.loaded.site, &self.loaded.bodies, i);
            }
            return Err(Failure(errs));
        }
        for (i, t) in texts {
            if t.is_some() || self.loaded.channels.pages[i].is_some() {
                jobs.insert(Job::Materials);
            }
            self.loaded.channels.pages[i] = t;
        }
        self.write(&jobs.into_iter().collect::<Vec<_>>(), feeds)
            .map(Some)
    }

    /// The SMS and script of each replaced page, computed again (a writer's overlong `sms` is an
    /// error in `errs`).
    fn channel_texts(
        &self,
        replaced: &[(usize, crate::content::Page, crate::markdown::Rendered)],
        errs: &mut Vec<Diagnostic>,
    ) -> Vec<(usize, Option<crate::channels::PageTexts>)> {
        let (site, bodies) = (&self.loaded.site, &self.loaded.bodies);
        let mut warnings = Vec::new();
        let mut out = Vec::new();
        for &(i, _, _) in replaced {
            match crate::channels::page_texts(site, &site.pages[i], &bodies.pages[i], &mut warnings)
            {
                Ok(t) => out.push((i, t)),
                Err(e) => errs.extend(e),
            }
        }
        out
    }

    /// Page `i` read and rendered again, checked; `None` when the edit changes the site's structure
    /// (a full rebuild is needed).
    fn reload(
        &self,
        i: usize,
    ) -> Result<Option<(crate::content::Page, crate::markdown::Rendered)>, Failure> {
        let site = &self.loaded.site;
        let old = &site.pages[i];
        // Posters and leaflets, and the pages posters take their text from, go through print:
        // a full rebuild, which lays out only the documents whose inputs changed.
        if matches!(old.kind, Kind::Poster | Kind::Leaflet) || is_print_source(site, &old.rel) {
            return Ok(None);
        }
        // So do pages with a share image (their card shows the title and warning signs).
        if !self.opts.no_print && site.config.channels.share_images.contains(&old.kind) {
            return Ok(None);
        }
        let sec = &site.sections[old.section];
        let new = crate::content::reload_page(&self.opts.root, old, sec, &site.config.categories)
            .map_err(Failure)?;
        if new.path != old.path
            || new.meta.draft != old.meta.draft
            || new.meta.tags != old.meta.tags
            || new.meta.categories != old.meta.categories
            || category(&new.meta.fields) != category(&old.meta.fields)
            || new.meta.aliases != old.meta.aliases
            || new.meta.template != old.meta.template
        {
            return Ok(None);
        }
        let mut errs = Vec::new();
        site.check_front_matter_refs(&new, &mut errs);
        let ctx = LinkContext {
            paths: &site.paths,
            hotlines: &site.hotlines,
            asset_base: &new.asset_base,
        };
        let body = markdown::render(&new.file, &new.source, new.body.clone(), &ctx);
        errs.extend(body.diagnostics.iter().filter(|d| d.is_error()).cloned());
        if !errs.is_empty() {
            return Err(Failure(errs));
        }
        Ok(Some((new, body)))
    }

    /// The pages to render again after page `i` changed: itself, the tactics it names (before and
    /// after), and when what lists show of it changed, its sections and its terms.
    fn jobs_for(
        &self,
        i: usize,
        old_tactics: &BTreeSet<String>,
        listed_changed: bool,
        jobs: &mut BTreeSet<Job>,
    ) {
        let site = &self.loaded.site;
        jobs.insert(Job::Page(i));
        // Tactic pages list the cases that name them.
        for rel in old_tactics.union(&linked_tactics(&site.pages[i].meta.fields)) {
            if let Some(t) = site.page_index(rel) {
                jobs.insert(Job::Page(t));
            }
        }
        if !listed_changed {
            return;
        }
        let mut s = Some(site.pages[i].section);
        while let Some(sec) = s {
            jobs.insert(Job::Section(sec));
            s = site.sections[sec].parent;
        }
        for (t, tax) in site.taxonomies.iter().enumerate() {
            for (k, term) in tax.terms.iter().enumerate() {
                if term.pages.contains(&i) {
                    jobs.insert(Job::Term(t, k));
                }
            }
        }
    }

    /// Write the pages of `jobs`, the feeds when `feeds`, and the search index. Returns the number
    /// of pages.
    fn write(&self, jobs: &[Job], feeds: bool) -> Result<usize, Failure> {
        let sink = DirSink(self.out.clone());
        let also = build::WebOutputs {
            feeds,
            search: true,
            channels: true,
            wechat: true,
        };
        build::write_web(&self.loaded, &self.theme, &self.cache, jobs, &sink, also)
    }
}

/// Whether some poster or leaflet takes its text from the page `rel`.
fn is_print_source(site: &crate::site::Site, rel: &str) -> bool {
    site.pages.iter().any(|p| match &p.meta.fields {
        KindFields::Print(f) => f
            .source
            .as_ref()
            .and_then(|s| site.page_for_link(&s.value))
            .is_some_and(|p| p.rel == rel),
        _ => false,
    })
}

fn category(f: &KindFields) -> Option<&str> {
    match f {
        KindFields::Tactic { category, .. } => category.as_ref().map(|c| c.value.as_str()),
        _ => None,
    }
}

/// `tactics/x.md` targets of a case's `tactics` key.
fn linked_tactics(f: &KindFields) -> BTreeSet<String> {
    match f {
        KindFields::Case { tactics, .. } => tactics
            .iter()
            .filter_map(|t| ContentLink::parse(&t.value).map(|l| l.target.to_string()))
            .collect(),
        _ => BTreeSet::new(),
    }
}
