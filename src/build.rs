//! The build pipeline shared by `build` and `check`: load (config, hotlines, content) → `Site` →
//! markdown → HTML via Tera → one output writer (staging folder swapped in atomically).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::config::SiteConfig;
use crate::diag::{Diagnostic, Failure, codes};
use crate::feeds;
use crate::hotlines::Hotlines;
use crate::markdown;
use crate::markdown::Bodies;
use crate::output::{NullSink, Recorder, Sink, Staging};
use crate::render::{Job, RenderCache, Renderer};
use crate::reuse::store::Caches;
use crate::site::Site;
use crate::theme::{StaticSource, Theme};

/// Options of `build` and `check`.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub root: PathBuf,
    /// Output folder; `ROOT/public` when `None`.
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub no_print: bool,
    pub force: bool,
    /// Write the offline copy: relative links ending in `index.html`, for opening from disk.
    pub offline: bool,
    /// Show a progress bar (only when stderr is a terminal).
    pub progress: bool,
}

/// What a successful build did.
#[derive(Debug)]
pub struct Report {
    pub html_pages: usize,
    /// PDFs written (posters and leaflets, every size and variant).
    pub posters: usize,
    /// PDFs laid out afresh; the others came from the print cache.
    pub compiled: usize,
    /// Share images written, and how many of them were laid out afresh.
    pub share_images: usize,
    pub share_compiled: usize,
    /// Files (HTML pages and WeChat versions) reused from the previous build into the same folder
    /// because nothing they are made from changed (see [`crate::reuse`]).
    pub reused: usize,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    pub out: PathBuf,
}

/// The date the build considers "today" (for alert expiry and stale hotlines): `SOURCE_DATE_EPOCH` if
/// set, so that builds can be reproduced on another day, else the current date in China (UTC+8).
/// A value that is not a whole number of seconds from 1970 up to the year 9998 is an error, never ignored: a
/// reproducible build that silently used today's date would not be reproducible.
pub fn today() -> Result<time::Date, Diagnostic> {
    let china = time::macros::offset!(+8);
    let Ok(raw) = std::env::var("SOURCE_DATE_EPOCH") else {
        return Ok(time::OffsetDateTime::now_utc().to_offset(china).date());
    };
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|&secs| secs >= 0)
        .and_then(|secs| time::OffsetDateTime::from_unix_timestamp(secs).ok())
        // `to_offset` panics past the last representable date; `checked_to_offset` does not.
        .and_then(|t| t.checked_to_offset(china))
        .map(|t| t.date())
        .filter(|d| d.year() < 9999)
        .ok_or_else(|| {
            Diagnostic::error(
                codes::SOURCE_DATE_EPOCH,
                format!("环境变量 SOURCE_DATE_EPOCH 的值「{}」不是有效的时间", clip(&raw, 40)),
            )
            .hint("它应是从 1970-01-01 起算的秒数（整数），例如 SOURCE_DATE_EPOCH=1795392000 表示 2026-11-23；不需要固定日期时删掉这个环境变量")
        })
}

/// At most `n` characters of `s`, with `…` when cut.
fn clip(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// A loaded, validated site with its markdown rendered.
pub struct Loaded {
    pub site: Site,
    pub bodies: Bodies,
    /// The SMS text and loudspeaker script of every tactic and alert.
    pub channels: crate::channels::Channels,
    pub warnings: Vec<Diagnostic>,
}

fn sort_diagnostics(d: &mut [Diagnostic]) {
    d.sort_by(|a, b| {
        let ka = a.location.as_ref().map(|l| (l.file.clone(), l.span.start));
        let kb = b.location.as_ref().map(|l| (l.file.clone(), l.span.start));
        a.severity
            .cmp(&b.severity)
            .then(ka.cmp(&kb))
            .then(a.code.cmp(b.code))
    });
}

/// Load and validate everything, render markdown. Errors come back with the warnings found so far.
pub fn load(opts: &Options) -> Result<Loaded, Failure> {
    load_with(opts, None, Caches::Update)
}

/// Show what a long build is doing now next to its spinner (on a terminal only).
fn step(progress: Option<&ProgressBar>, what: String) {
    if let Some(pb) = progress {
        pb.set_message(what);
    }
}

/// [`load`], telling `progress` about each phase; `caches` says whether the bodies and channel texts
/// made are stored for the next build.
fn load_with(
    opts: &Options,
    progress: Option<&ProgressBar>,
    caches: Caches,
) -> Result<Loaded, Failure> {
    let root = &opts.root;
    crate::slug::load_readings(root);
    let mut config = SiteConfig::load(root).map_err(Failure)?;
    if let Some(b) = &opts.base_url {
        config.base_url = b.trim_end_matches('/').to_string();
    }
    let today = today().map_err(Failure::from)?;
    let (hotlines, mut warnings) =
        Hotlines::load(root, today, config.hotline_max_age_days).map_err(Failure)?;
    let content = crate::content::load(root, &config.categories, opts.drafts).map_err(Failure)?;
    crate::timing::mark("content loaded");
    let pages = content.pages.len();
    step(progress, format!("整理站点（{pages} 篇文章）"));
    let site = Site::assemble(root, config, hotlines, content, today).map_err(Failure)?;
    crate::timing::mark("site assembled");
    step(progress, format!("转换正文（{pages} 篇文章）"));
    let bodies = render_markdown(&site, caches);
    crate::timing::mark("markdown rendered");
    let mut errs = Vec::new();
    for r in bodies.pages.iter().chain(&bodies.sections) {
        for d in &r.diagnostics {
            if d.is_error() {
                errs.push(d.clone());
            } else {
                warnings.push(d.clone());
            }
        }
    }
    crate::links::check_anchors(&site, &bodies, &mut errs);
    let channels =
        crate::channels::compute(&site, &bodies, caches, &mut warnings).unwrap_or_else(|e| {
            errs.extend(e);
            Default::default()
        });
    crate::timing::mark("channel texts ready");
    for p in &site.pages {
        if let crate::frontmatter::KindFields::Alert {
            expires: Some(e), ..
        } = &p.meta.fields
            && e.date < site.today
        {
            warnings.push(
                Diagnostic::warning(
                    codes::EXPIRED_ALERT,
                    format!("风险提示「{}」已于 {} 过期", p.meta.title, e.ymd()),
                )
                .in_file(&p.file, &p.source)
                .hint("过期的提示不再显示在首页；如果风险仍在，请更新 expires"),
            );
        }
    }
    sort_diagnostics(&mut warnings);
    if !errs.is_empty() {
        sort_diagnostics(&mut errs);
        errs.extend(warnings);
        return Err(Failure(errs));
    }
    Ok(Loaded {
        site,
        bodies,
        channels,
        warnings,
    })
}

/// Render the markdown of every page and section, taking the bodies that did not change since the
/// last build from the site's cache ([`markdown::cache`]).
pub fn render_markdown(site: &Site, caches: Caches) -> Bodies {
    let pages = site.pages.iter().map(|p| markdown::cache::Body {
        file: &p.file,
        source: &p.source,
        body: p.body.clone(),
        asset_base: &p.asset_base,
    });
    let sections = site.sections.iter().filter_map(|s| {
        Some(markdown::cache::Body {
            file: s.file.as_deref()?,
            source: &s.source,
            body: s.body.clone(),
            asset_base: &s.path,
        })
    });
    let all: Vec<_> = pages.chain(sections).collect();
    let site_key = markdown::cache::site_key(&site.paths, &site.hotlines);
    let mut rendered = markdown::cache::render_all(
        (&site.root, caches),
        &all,
        (&site.paths, &site.hotlines, &site_key),
    )
    .into_iter();
    let pages = rendered.by_ref().take(site.pages.len()).collect();
    let sections = site
        .sections
        .iter()
        .map(|s| match s.file {
            Some(_) => rendered.next().unwrap_or_default(),
            None => markdown::Rendered::default(),
        })
        .collect();
    Bodies {
        pages,
        sections,
        site_key,
    }
}

/// Write the Atom feed, sitemap and robots.txt. Returns the write errors.
pub fn write_feeds(site: &Site, bodies: &Bodies, sink: &dyn Sink) -> Vec<Diagnostic> {
    [
        ("atom.xml", feeds::atom(site, bodies)),
        ("sitemap.xml", feeds::sitemap(site)),
        ("robots.txt", feeds::robots(site)),
    ]
    .iter()
    .filter_map(|(rel, text)| sink.write(rel, text.as_bytes()).err())
    .collect()
}

/// What `write_site` wrote, and the render cache it wrote the pages with (print results included).
pub struct Written {
    pub cache: RenderCache,
    pub html_pages: usize,
    /// PDFs written (or, for `check`, checked).
    pub documents: usize,
    /// PDFs laid out afresh (the rest came from the print cache).
    pub compiled: usize,
    /// Share images written (or, for `check`, laid out).
    pub share_images: usize,
    /// Share images laid out afresh (the rest came from their cache).
    pub share_compiled: usize,
}

/// The web outputs written besides the HTML pages.
#[derive(Clone, Copy, Debug)]
pub struct WebOutputs {
    /// The Atom feed and the sitemap.
    pub feeds: bool,
    /// The search index.
    pub search: bool,
    /// The SMS CSV (the scripts of the pages among the jobs are always written).
    pub channels: bool,
    /// The WeChat 公众号 version of each page among the jobs (`channels::wechat`).
    pub wechat: bool,
}

/// The web outputs of a site state, in the one order `build` and `serve` both use: the HTML pages of
/// `jobs` (with their loudspeaker scripts, and their WeChat versions when asked), then the SMS CSV,
/// the feeds and the search index when asked. Returns the number of pages.
pub fn write_web(
    loaded: &Loaded,
    theme: &Theme,
    cache: &RenderCache,
    jobs: &[Job],
    sink: &dyn Sink,
    also: WebOutputs,
) -> Result<usize, Failure> {
    let renderer =
        Renderer::new(&loaded.site, theme, &loaded.bodies, cache).with_channels(&loaded.channels);
    let pages = renderer.render_jobs(jobs, sink).map_err(Failure)?;
    crate::timing::mark("html written");
    if also.wechat {
        crate::channels::wechat::write(&renderer, &loaded.site, jobs, sink).map_err(Failure)?;
        crate::timing::mark("wechat articles written");
    }
    let mut errs =
        crate::channels::write(&loaded.site, &loaded.channels, jobs, also.channels, sink);
    crate::timing::mark("channel files written");
    if also.feeds {
        errs.extend(write_feeds(&loaded.site, &loaded.bodies, sink));
        crate::timing::mark("feeds written");
    }
    if also.search {
        errs.extend(crate::search::write(&loaded.site, &loaded.bodies, sink));
        crate::timing::mark("search index written");
    }
    if errs.is_empty() {
        Ok(pages)
    } else {
        Err(Failure(errs))
    }
}

/// Write every output file of a loaded site into `sink`: PDFs and previews first (unless `print` is
/// false), then the web pages, which link to them. With `check_only`, print only lays documents out.
pub fn write_site(
    loaded: &Loaded,
    theme: &Theme,
    sink: &dyn Sink,
    progress: Option<&ProgressBar>,
    print: bool,
    check_only: bool,
) -> Result<Written, Failure> {
    let site = &loaded.site;
    let recorder = Recorder::new(sink);
    let sink = &recorder;
    let mut cache = RenderCache::new(site, &loaded.bodies);
    crate::timing::mark("list summaries ready");
    let mut documents = 0;
    let mut compiled = 0;
    let mut share_images = 0;
    let mut share_compiled = 0;
    if print {
        step(progress, "排版海报和三折页".into());
        let (plan, made) = crate::print::run(site, sink, check_only).map_err(Failure)?;
        documents = made.documents;
        compiled = made.compiled;
        crate::timing::mark("print done");
        step(progress, "生成分享图".into());
        let share_pages = crate::channels::share::pages(site);
        let share =
            crate::channels::share::run(site, &share_pages, sink, check_only).map_err(Failure)?;
        share_images = share.images.len();
        share_compiled = share.compiled;
        // `check` lays documents out without writing them: links to them still count as good.
        for doc in plan.items.iter().flat_map(|it| &it.documents) {
            sink.note(&doc.rel);
            doc.previews.iter().for_each(|p| sink.note(p));
        }
        for i in share.images.keys() {
            sink.note(&crate::channels::share::rel(&site.pages[*i]));
        }
        cache.set_print(
            plan.items
                .iter()
                .map(|it| (it.page, crate::print::page_value(site, it, Some(&made))))
                .collect(),
            share.images,
        );
        crate::timing::mark("share images done");
    }
    let jobs = Renderer::new(site, theme, &loaded.bodies, &cache).jobs();
    step(progress, format!("生成网页（{} 页）", jobs.len()));
    crate::timing::mark("renderer ready");
    let also = WebOutputs {
        feeds: true,
        search: !check_only,
        channels: true,
        wechat: true,
    };
    let html_pages = write_web(loaded, theme, &cache, &jobs, sink, also)?;
    step(progress, "复制图片和样式".into());
    let mut errs = Vec::new();
    for (rel, src) in &theme.statics {
        let r = match src {
            StaticSource::Embedded(bytes) => sink.write(rel, bytes),
            StaticSource::Disk(path) => sink.copy(rel, path),
        };
        if let Err(e) = r {
            errs.push(e);
        }
    }
    for a in &site.assets {
        if let Err(e) = sink.copy(&a.out, &a.src) {
            errs.push(e);
        }
    }
    let written = recorder.into_paths();
    errs.extend(crate::links::check_site_links(
        site,
        &loaded.bodies,
        &written,
    ));
    if errs.is_empty() {
        Ok(Written {
            cache,
            html_pages,
            documents,
            compiled,
            share_images,
            share_compiled,
        })
    } else {
        Err(Failure(errs))
    }
}

fn progress_bar(enabled: bool) -> Option<ProgressBar> {
    use std::io::IsTerminal;
    if !enabled || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.enable_steady_tick(Duration::from_millis(100));
    Some(pb)
}

/// What a build keeps for `serve`, which updates it in place: the loaded site, the theme, and the
/// render cache the pages were written with — print's downloads and previews included, so that pages
/// re-rendered incrementally show exactly what a full build shows.
pub struct Kept {
    pub loaded: Loaded,
    pub theme: Theme,
    pub cache: RenderCache,
}

/// `fangpian build`: everything, written atomically.
pub fn build(opts: &Options) -> Result<Report, Failure> {
    build_keep(opts).map(|(report, _)| report)
}

/// `build`, also returning what it built ([`Kept`]).
pub fn build_keep(opts: &Options) -> Result<(Report, Kept), Failure> {
    let start = Instant::now();
    crate::timing::mark("start");
    let pb = progress_bar(opts.progress);
    if let Some(pb) = &pb {
        pb.set_message("读取内容");
    }
    let default_out = if opts.offline {
        "public-offline"
    } else {
        "public"
    };
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| opts.root.join(default_out));
    // Refuse a bad output folder before doing any work.
    let staging = Staging::prepare(&opts.root, &out, opts.force).map_err(Failure::from);
    crate::timing::mark("output folder prepared");
    let staging = match staging {
        Ok(s) => s,
        Err(e) => {
            if let Some(pb) = &pb {
                pb.finish_and_clear();
            }
            return Err(e);
        }
    };
    let result = (|| -> Result<(Loaded, Theme, Written), Failure> {
        let loaded = load_with(opts, pb.as_ref(), Caches::Update)?;
        let theme = Theme::load(&opts.root, &loaded.site.config.theme).map_err(Failure)?;
        let offline = crate::offline::OfflineSink::new(&staging);
        let compressing = crate::precompress::PrecompressSink::new(&staging);
        let sink: &dyn Sink = if opts.offline {
            &offline
        } else if loaded.site.config.precompress {
            &compressing
        } else {
            &staging
        };
        let written = write_site(&loaded, &theme, sink, pb.as_ref(), !opts.no_print, false)?;
        Ok((loaded, theme, written))
    })();
    let committed = result.and_then(|(loaded, theme, written)| {
        crate::timing::mark("all written");
        step(pb.as_ref(), "替换旧网站".into());
        let reused = staging.reused();
        // On error, dropping `staging` removes the temporary folder.
        let swap_warnings = staging.commit().map_err(Failure::from)?;
        crate::timing::mark("committed");
        crate::timing::steps();
        crate::slug::save_readings(&opts.root);
        Ok((loaded, theme, written, swap_warnings, reused))
    });
    if let Some(pb) = &pb {
        pb.finish_and_clear();
    }
    let (loaded, theme, written, swap_warnings, reused) = committed?;
    let mut warnings = loaded.warnings.clone();
    warnings.extend(swap_warnings);
    let report = Report {
        html_pages: written.html_pages,
        posters: written.documents,
        compiled: written.compiled,
        share_images: written.share_images,
        share_compiled: written.share_compiled,
        reused,
        warnings,
        elapsed: start.elapsed(),
        out,
    };
    let kept = Kept {
        loaded,
        theme,
        cache: written.cache,
    };
    Ok((report, kept))
}

/// `fangpian check`: every validation of `build`, writing nothing. Returns the warnings.
pub fn check(opts: &Options) -> Result<Vec<Diagnostic>, Failure> {
    crate::timing::mark("start");
    let pb = progress_bar(opts.progress);
    let result = (|| -> Result<Loaded, Failure> {
        let loaded = load_with(opts, pb.as_ref(), Caches::ReadOnly)?;
        let theme = Theme::load(&opts.root, &loaded.site.config.theme).map_err(Failure)?;
        write_site(
            &loaded,
            &theme,
            &NullSink,
            pb.as_ref(),
            !opts.no_print,
            true,
        )?;
        Ok(loaded)
    })();
    if let Some(pb) = &pb {
        pb.finish_and_clear();
    }
    let loaded = result?;
    let mut warnings = loaded.warnings;
    warnings.extend(crate::checks::run(&loaded.site));
    warnings.extend(crate::channels::wechat::limit_warnings(
        &loaded.site,
        &loaded.bodies,
    ));
    sort_diagnostics(&mut warnings);
    Ok(warnings)
}

/// The site root given on the command line, or the current folder.
pub fn root_or_cwd(root: Option<&Path>) -> PathBuf {
    root.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
