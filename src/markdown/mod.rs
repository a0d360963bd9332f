//! Markdown to HTML with pulldown-cmark: tables, footnotes, strikethrough, heading ids, GitHub-style
//! alerts as large callouts, `@/…` internal links, `hotline:ID` tap-to-call buttons, URL-scheme
//! filtering, alt-text checks, and sanitizing of raw HTML with ammonia.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag,
    TagEnd,
};

use crate::diag::{Diagnostic, codes, did_you_mean};
use crate::hotlines::Hotlines;

pub mod cache;
mod footnotes;
mod links;
mod sanitize;

pub use links::normalize_path;

/// What the renderer needs to know about the rest of the site.
pub struct LinkContext<'a> {
    /// `tactics/x.md` → `/tactics/x/` for every page and section.
    pub paths: &'a HashMap<String, String>,
    pub hotlines: &'a Hotlines,
    /// URL of the folder the file's relative images and links resolve against (ends with `/`).
    pub asset_base: &'a str,
}

/// A heading of the page, for a table of contents.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// An `@/path.md#anchor` whose anchor must exist in the target page (checked once all pages are rendered).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct AnchorRef {
    pub target: String,
    pub anchor: String,
    pub span: Range<usize>,
}

/// A link or image on this site that is not a content file (`/tactics/x/`, `../x/`, `photo.jpg`,
/// `#anchor`), checked against every output file once the whole site is written.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct LinkRef {
    /// The path it resolves to, normalised (`/tactics/x/`); empty for `#anchor` on the same page.
    pub url: String,
    pub anchor: Option<String>,
    /// As written in the markdown.
    pub written: String,
    pub span: Range<usize>,
}

/// The result of rendering one markdown body (kept between builds by [`cache`] when it has no
/// diagnostics).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<Heading>,
    pub ids: BTreeSet<String>,
    pub summary: String,
    /// Characters of visible text, for reading time.
    pub chars: usize,
    pub anchors: Vec<AnchorRef>,
    pub links: Vec<LinkRef>,
    /// Hotline ids used in the body.
    pub hotlines: BTreeSet<String>,
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
}

/// Markdown already rendered for every page and section (same indices as the site's lists).
pub struct Bodies {
    pub pages: Vec<Rendered>,
    pub sections: Vec<Rendered>,
    /// The site's part of every key of what is made from the bodies ([`cache::site_key`]: the
    /// program, every page's path and every hotline). `serve` replaces single bodies only when
    /// none of these changed; any other edit loads the site again.
    pub site_key: crate::reuse::Key,
}

const SUMMARY_CHARS: usize = 110;
/// Deeper nesting than this is refused: no real article needs it, and rendering and minifying
/// pathological nesting would exhaust the stack.
const MAX_NESTING: usize = 100;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// The events of a markdown text with their byte ranges in `text`, parsed as the site does (one option
/// set, indented paragraphs read as paragraphs): the one markdown parser for web, print and checks.
pub fn events(text: &str) -> Vec<(Event<'_>, Range<usize>)> {
    parse(text, 0)
}

/// Parse `text` into events with their byte ranges. Writers indent paragraphs (a tab, four spaces, or
/// full-width spaces after them), which CommonMark reads as an indented code block: such a block is
/// parsed again as ordinary markdown with each line's indentation removed, so indenting never turns prose
/// into code. Code is written in ``` fences. Ranges point into `text`.
fn parse(text: &str, depth: u8) -> Vec<(Event<'_>, Range<usize>)> {
    let mut out = Vec::new();
    let mut iter = Parser::new_ext(text, options()).into_offset_iter();
    while let Some((ev, range)) = iter.next() {
        if depth >= 4 || !matches!(ev, Event::Start(Tag::CodeBlock(CodeBlockKind::Indented))) {
            out.push((ev, range));
            continue;
        }
        let mut content = String::new();
        for (ev, _) in iter.by_ref() {
            match ev {
                Event::Text(t) => content.push_str(&t),
                Event::End(TagEnd::CodeBlock) => break,
                _ => {}
            }
        }
        let (dedented, lines) = dedent(text, range.clone(), &content);
        let at = |o: usize| {
            let i = lines
                .partition_point(|&(sub, _)| sub <= o)
                .saturating_sub(1);
            lines
                .get(i)
                .map_or(range.start, |&(sub, orig)| orig + (o - sub))
                .min(range.end)
        };
        for (ev, r) in parse(&dedented, depth + 1) {
            out.push((ev.into_static(), at(r.start)..at(r.end)));
        }
    }
    out
}

/// The lines of an indented code block's `content` without their leading spaces and tabs, and for each
/// line its start in the result and in `text` (found within the block's `range`).
fn dedent(text: &str, range: Range<usize>, content: &str) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(content.len());
    let mut lines = Vec::new();
    let mut cursor = range.start;
    for line in content.split_inclusive('\n') {
        let line = line.trim_start_matches([' ', '\t']);
        let body = line.trim_end_matches('\n');
        if !body.is_empty()
            && let Some(pos) = window(text, cursor, (cursor + body.len() + 256).min(range.end))
                .and_then(|t| t.find(body))
        {
            cursor += pos;
            lines.push((out.len(), cursor));
            cursor += body.len();
        }
        out.push_str(line);
    }
    (out, lines)
}

/// `text[start..end]` with `end` moved back to a character boundary; `None` if out of range.
fn window(text: &str, start: usize, mut end: usize) -> Option<&str> {
    while end > start && !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(start..end)
}

/// Text with the runs that must not break across lines — dates (`2024-05-20`, `2024年5月20日`),
/// phone numbers with their area code (`0472-7107009`) and short notes in brackets (`（24 小时）`) —
/// wrapped in `<span class="nowrap">`, as escaped HTML; `None` when there is none.
pub fn keep_together(text: &str) -> Option<String> {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"\d{4}-\d{1,2}-\d{1,2}|\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日|\d{3,4}-\d{3,4}-?\d{4}|（[^（）\n]{1,12}）|\([^()\n]{1,12}\)",
        )
        .expect("a valid pattern")
    });
    if !text.bytes().any(|b| b.is_ascii_digit() || b == b'(') && !text.contains('（') {
        return None;
    }
    let mut found = re.find_iter(text).peekable();
    found.peek()?;
    let mut html = String::with_capacity(text.len() + 64);
    let mut last = 0;
    for m in found {
        html.push_str(&crate::theme::escape_html(&text[last..m.start()]));
        html.push_str("<span class=\"nowrap\">");
        html.push_str(&crate::theme::escape_html(m.as_str()));
        html.push_str("</span>");
        last = m.end();
    }
    html.push_str(&crate::theme::escape_html(&text[last..]));
    Some(html)
}

fn callout(kind: BlockQuoteKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "info", "说明"),
        BlockQuoteKind::Tip => ("tip", "check", "小提示"),
        BlockQuoteKind::Important => ("important", "urgent", "重要"),
        BlockQuoteKind::Warning => ("warning", "warning", "注意"),
        BlockQuoteKind::Caution => ("caution", "urgent", "当心"),
    }
}

/// Render the markdown `source[body]` of `file`.
pub fn render(
    file: &Path,
    source: &Arc<str>,
    body: Range<usize>,
    ctx: &LinkContext<'_>,
) -> Rendered {
    let text = &source[body.clone()];
    let events = parse(text, 0);
    let mut walk = Walk::new(file, source, body.start, ctx, &events);
    let mut i = 0;
    while i < events.len() {
        match walk.event(i) {
            Some(next) => i = next + 1,
            None => return walk.out,
        }
    }
    walk.finish(text.len())
}

/// The walk over one body's events: each event is rewritten into `result` by the method for its kind,
/// while the headings, summary, links and diagnostics are collected into `out`.
struct Walk<'w, 'e> {
    file: &'w Path,
    source: &'w Arc<str>,
    /// Where the body starts in `source` (event ranges are relative to the body).
    off: usize,
    ctx: &'w LinkContext<'w>,
    events: &'w [(Event<'e>, Range<usize>)],
    /// Whether the body has its own `#` headings, which move one level down below the page title.
    shift: bool,
    out: Rendered,
    result: Vec<Event<'e>>,
    /// Every piece of raw HTML, to decide whether the body needs sanitizing.
    raw_html: String,
    in_summary_par: bool,
    summary_done: bool,
    /// For each open link: the number to show after a hotline link's name, `None` for other links.
    link_stack: Vec<Option<String>>,
    used_ids: HashMap<String, usize>,
    footnotes: footnotes::Footnotes,
    in_code_block: bool,
    depth: usize,
}

impl<'w, 'e> Walk<'w, 'e> {
    fn new(
        file: &'w Path,
        source: &'w Arc<str>,
        off: usize,
        ctx: &'w LinkContext<'w>,
        events: &'w [(Event<'e>, Range<usize>)],
    ) -> Self {
        let shift = events.iter().any(|(e, _)| {
            matches!(
                e,
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H1,
                    ..
                })
            )
        });
        Walk {
            file,
            source,
            off,
            ctx,
            events,
            shift,
            out: Rendered::default(),
            result: Vec::with_capacity(events.len() + 8),
            raw_html: String::new(),
            in_summary_par: false,
            summary_done: false,
            link_stack: Vec::new(),
            used_ids: HashMap::new(),
            footnotes: footnotes::Footnotes::default(),
            in_code_block: false,
            depth: 0,
        }
    }

    /// Handle event `i`; returns the index of the last event consumed, or `None` when the body is
    /// refused (too deeply nested).
    fn event(&mut self, i: usize) -> Option<usize> {
        let events = self.events;
        let (ev, range) = &events[i];
        let span = range.start + self.off..range.end + self.off;
        self.track_depth(ev, &span)?;
        match ev {
            Event::FootnoteReference(label) => {
                let html = self.footnotes.reference(label);
                self.html(html);
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let html = self.footnotes.definition_start(label);
                self.html(html);
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                let html = self.footnotes.definition_end();
                self.html(html);
            }
            Event::Start(Tag::Heading { .. }) => self.heading_start(i),
            Event::End(TagEnd::Heading(level)) => {
                let level = self.level(*level);
                self.result.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::Link { .. }) => return Some(self.link_start(i, span)),
            Event::End(TagEnd::Link) => self.link_end(ev),
            Event::Start(Tag::Image { .. }) => self.image_start(i, span),
            Event::Start(Tag::BlockQuote(Some(kind))) => self.callout_start(*kind),
            Event::End(TagEnd::BlockQuote(Some(_))) => self.html("</aside>\n".to_string()),
            Event::Start(Tag::Table(_)) => {
                self.html(
                    "<div class=\"table-wrap\" role=\"region\" aria-label=\"表格\" tabindex=\"0\">"
                        .to_string(),
                );
                self.result.push(ev.clone());
            }
            Event::End(TagEnd::Table) => {
                self.result.push(ev.clone());
                self.html("</div>".to_string());
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                self.raw_html.push_str(h);
                self.result.push(ev.clone());
            }
            Event::Start(Tag::Paragraph) => self.paragraph_start(ev),
            Event::End(TagEnd::Paragraph) => self.paragraph_end(ev),
            Event::Text(t) | Event::Code(t) => self.text(ev, t),
            _ => self.result.push(ev.clone()),
        }
        Some(i)
    }

    /// Follow the nesting depth and code blocks; `None` with an error past [`MAX_NESTING`].
    fn track_depth(&mut self, ev: &Event<'e>, span: &Range<usize>) -> Option<()> {
        match ev {
            Event::Start(Tag::CodeBlock(_)) => self.in_code_block = true,
            Event::End(TagEnd::CodeBlock) => self.in_code_block = false,
            _ => {}
        }
        match ev {
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        if self.depth <= MAX_NESTING {
            return Some(());
        }
        self.out.diagnostics.push(
            Diagnostic::error(
                codes::TOO_DEEP,
                format!("列表或引用嵌套超过 {MAX_NESTING} 层"),
            )
            .at(self.file, self.source, span.start..span.start + 1)
            .label("从这里开始嵌套太深")
            .hint("正文里的列表、引用最多嵌套几层就够了；请检查是不是多打了 > 或缩进"),
        );
        self.out.html.clear();
        None
    }

    fn html(&mut self, html: String) {
        self.result.push(Event::Html(CowStr::from(html)));
    }

    fn level(&self, level: HeadingLevel) -> HeadingLevel {
        if self.shift { shifted(level) } else { level }
    }

    /// The text of the events after `i` up to the first `stop`, for a heading's id or an image's alt.
    fn text_until(&self, i: usize, stop: fn(&Event<'_>) -> bool, code: bool) -> String {
        let mut text = String::new();
        for (ev, _) in self.events[i + 1..].iter().take_while(|(e, _)| !stop(e)) {
            match ev {
                Event::Text(t) => text.push_str(t),
                Event::Code(t) if code => text.push_str(t),
                _ => {}
            }
        }
        text
    }

    /// A heading gets a unique id (its own `{#id}` or one derived from its text) and a place in the
    /// table of contents.
    fn heading_start(&mut self, i: usize) {
        let Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) = &self.events[i].0
        else {
            return;
        };
        let title = self.text_until(i, |e| matches!(e, Event::End(TagEnd::Heading(_))), true);
        let base = match id {
            Some(id) => id.to_string(),
            None => crate::slug::heading_id(&title),
        };
        let n = self.used_ids.entry(base.clone()).or_insert(0);
        let id = if *n == 0 { base } else { format!("{base}-{n}") };
        *n += 1;
        let level = self.level(*level);
        self.out.ids.insert(id.clone());
        self.out.toc.push(Heading {
            level: level as u8,
            id: id.clone(),
            title: title.trim().to_string(),
        });
        self.result.push(Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::from(id)),
            classes: classes.clone(),
            attrs: attrs.clone(),
        }));
    }

    /// A link: `hotline:ID` becomes a tap-to-call button, anything else has its destination
    /// resolved. Returns the last event consumed (an autolink to a hotline replaces its own text).
    fn link_start(&mut self, i: usize, span: Range<usize>) -> usize {
        let (ev, _) = &self.events[i];
        let Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) = ev
        else {
            return i;
        };
        if let Some(hid) = dest_url.strip_prefix("hotline:") {
            return self.hotline_link(i, hid.trim(), *link_type == LinkType::Autolink, span);
        }
        let dest = links::resolve_dest(
            dest_url,
            self.file,
            self.source,
            &span,
            self.ctx,
            &mut self.out,
        );
        self.link_stack.push(None);
        self.result.push(Event::Start(Tag::Link {
            link_type: *link_type,
            dest_url: CowStr::from(dest),
            title: title.clone(),
            id: id.clone(),
        }));
        i
    }

    fn hotline_link(&mut self, i: usize, hid: &str, autolink: bool, span: Range<usize>) -> usize {
        let Some(h) = self.ctx.hotlines.get(hid) else {
            self.unknown_hotline(hid, span);
            self.link_stack.push(None);
            self.result.push(self.events[i].0.clone());
            return i;
        };
        self.out.hotlines.insert(h.id.clone());
        self.html(format!(
            "<a class=\"hotline\" href=\"{}\">{}<span class=\"hotline-name\">",
            tera::escape_html(&h.tel),
            crate::icons::icon("phone")
        ));
        self.link_stack.push(Some(h.display.clone()));
        if !autolink {
            return i;
        }
        // An autolink shows the hotline's name instead of its own text.
        self.result.push(Event::Text(CowStr::from(h.name.clone())));
        let end = self.events[i + 1..]
            .iter()
            .position(|(e, _)| matches!(e, Event::End(TagEnd::Link)))
            .map_or(self.events.len(), |p| i + 1 + p);
        end - 1
    }

    fn unknown_hotline(&mut self, hid: &str, span: Range<usize>) {
        let ids = self.ctx.hotlines.ids();
        let hint = if ids.is_empty() {
            "content/hotlines.toml 里还没有任何热线".to_string()
        } else {
            format!(
                "{}（热线都在 content/hotlines.toml 里）",
                did_you_mean(hid, &ids)
            )
        };
        self.out.diagnostics.push(
            Diagnostic::error(codes::UNKNOWN_HOTLINE, format!("没有编号为 `{hid}` 的热线"))
                .at(self.file, self.source, span)
                .label("找不到这条热线")
                .hint(hint),
        );
    }

    fn link_end(&mut self, ev: &Event<'e>) {
        match self.link_stack.pop().flatten() {
            Some(number) => self.html(format!(
                "</span> <span class=\"hotline-number\">{}</span></a>",
                tera::escape_html(&number)
            )),
            None => self.result.push(ev.clone()),
        }
    }

    /// An image: a warning when it has no alt text, and its destination resolved.
    fn image_start(&mut self, i: usize, span: Range<usize>) {
        let Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) = &self.events[i].0
        else {
            return;
        };
        let alt = self.text_until(i, |e| matches!(e, Event::End(TagEnd::Image)), false);
        if alt.trim().is_empty() {
            self.out.diagnostics.push(
                Diagnostic::warning(codes::MISSING_ALT, "图片没有替代文字")
                    .at(self.file, self.source, span.clone())
                    .label("方括号里是空的")
                    .hint("在 ![ ] 的方括号里写一句话说明图片内容，读屏软件会念给看不见的读者听"),
            );
        }
        let dest = links::resolve_dest(
            dest_url,
            self.file,
            self.source,
            &span,
            self.ctx,
            &mut self.out,
        );
        self.result.push(Event::Start(Tag::Image {
            link_type: *link_type,
            dest_url: CowStr::from(dest),
            title: title.clone(),
            id: id.clone(),
        }));
    }

    fn callout_start(&mut self, kind: BlockQuoteKind) {
        let (class, icon, label) = callout(kind);
        self.html(format!(
            "<aside class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{} {label}</p>\n",
            crate::icons::icon(icon)
        ));
    }

    fn paragraph_start(&mut self, ev: &Event<'e>) {
        if !self.summary_done {
            self.in_summary_par = true;
        }
        self.result.push(ev.clone());
    }

    fn paragraph_end(&mut self, ev: &Event<'e>) {
        if self.in_summary_par && !self.out.summary.is_empty() {
            self.summary_done = true;
        }
        self.in_summary_par = false;
        self.result.push(ev.clone());
    }

    /// Text counts toward reading time and the summary; outside code, dates, numbers and short
    /// bracketed notes are kept on one line.
    fn text(&mut self, ev: &Event<'e>, t: &str) {
        self.out.chars += t.chars().filter(|c| !c.is_whitespace()).count();
        if self.in_summary_par && !self.summary_done {
            self.out.summary.push_str(t);
            if self.out.summary.chars().count() > SUMMARY_CHARS {
                self.summary_done = true;
            }
        }
        let kept = match ev {
            Event::Text(t) if !self.in_code_block => keep_together(t),
            _ => None,
        };
        match kept {
            Some(html) => self.result.push(Event::InlineHtml(CowStr::from(html))),
            None => self.result.push(ev.clone()),
        }
    }

    /// The HTML of the rewritten events, sanitized when the body has raw HTML.
    fn finish(mut self, len: usize) -> Rendered {
        if self.out.summary.chars().count() > SUMMARY_CHARS {
            self.out.summary = self
                .out
                .summary
                .chars()
                .take(SUMMARY_CHARS)
                .collect::<String>()
                + "…";
        }
        let mut html = String::with_capacity(len * 2);
        pulldown_cmark::html::push_html(&mut html, self.result.into_iter());
        let (file, source) = (self.file, self.source);
        if let Some(html) = sanitize::clean(
            html,
            &self.raw_html,
            file,
            source,
            &mut self.out.diagnostics,
        ) {
            self.out.html = html;
        }
        self.out
    }
}

fn shifted(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_str(md: &str) -> Rendered {
        let mut paths = HashMap::new();
        paths.insert("tactics/a.md".to_string(), "/tactics/a/".to_string());
        let src: Arc<str> = Arc::from(
            "[[hotline]]\nid = \"police\"\nname = \"报警电话\"\nnumber = \"110\"\nprimary = true\n[[hotline]]\nid = \"mz\"\nname = \"民政举报\"\nnumber = \"7107009\"\narea_code = \"0472\"\n",
        );
        let (hotlines, _) = Hotlines::parse(
            Path::new("h.toml"),
            &src,
            time::macros::date!(2026 - 01 - 01),
            10_000,
        )
        .unwrap();
        let ctx = LinkContext {
            paths: &paths,
            hotlines: &hotlines,
            asset_base: "/tactics/",
        };
        let source: Arc<str> = Arc::from(md);
        render(Path::new("content/x.md"), &source, 0..md.len(), &ctx)
    }

    #[test]
    fn indented_paragraphs_stay_paragraphs() {
        let r = render_str(
            "第一段。\n\n\t用 Tab 缩进的第二段。\n\n    四个空格缩进，拨打 <hotline:mz>。\n\n    \u{3000}\u{3000}空格加全角空格。\n\n\u{3000}\u{3000}全角空格缩进。\n",
        );
        assert!(
            !r.html.contains("<pre") && !r.html.contains("<code"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<p>用 Tab 缩进的第二段。</p>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("href=\"tel:04727107009\""), "{}", r.html);
        assert!(
            r.html.contains("<p>\u{3000}\u{3000}空格加全角空格。</p>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<p>\u{3000}\u{3000}全角空格缩进。</p>"),
            "{}",
            r.html
        );
        // A broken link in an indented paragraph is still reported at its place in the file.
        let r = render_str("一\n\n    见[保健品](@/tactics/b.md)。\n");
        assert_eq!(r.diagnostics[0].code, "E1201");
        assert_eq!(r.diagnostics[0].position(), "content/x.md:3:6");
        // Fenced code stays code.
        let r = render_str("```\n    缩进的代码\n```\n");
        assert!(
            r.html.contains("<pre><code>    缩进的代码\n</code></pre>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn internal_links_and_anchors() {
        let r = render_str("见[保健品](@/tactics/a.md#jizhu)。\n");
        assert!(r.html.contains("href=\"/tactics/a/#jizhu\""), "{}", r.html);
        assert_eq!(r.anchors[0].anchor, "jizhu");
        let r = render_str("\n\n见[保健品](@/tactics/b.md)。\n");
        assert_eq!(r.diagnostics[0].code, "E1201");
        assert_eq!(r.diagnostics[0].position(), "content/x.md:3:2");
    }

    #[test]
    fn hotline_buttons() {
        let r = render_str("请拨打 <hotline:mz> 或 [报警](hotline:police)\n");
        assert!(r.html.contains("href=\"tel:04727107009\""), "{}", r.html);
        assert!(
            r.html
                .contains("民政举报</span> <span class=\"hotline-number\">0472-7107009</span>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("报警</span> <span class=\"hotline-number\">110</span>"),
            "{}",
            r.html
        );
        let r = render_str("[x](hotline:polise)\n");
        assert_eq!(r.diagnostics[0].code, "E1203");
        assert!(r.diagnostics[0].hint.as_deref().unwrap().contains("police"));
    }

    #[test]
    fn callouts_headings_tables() {
        let r = render_str(
            "# 标题\n\n## 记住 {#jizhu}\n\n> [!WARNING]\n> 不要转账\n\n|a|b|\n|-|-|\n|1|2|\n",
        );
        assert!(r.html.contains("<h2 id=\"标题\">"), "{}", r.html);
        assert!(r.html.contains("<h3 id=\"jizhu\">"), "{}", r.html);
        assert!(r.html.contains("callout-warning"), "{}", r.html);
        assert!(r.html.contains("<div class=\"table-wrap\""), "{}", r.html);
        assert!(r.ids.contains("jizhu"));
    }

    #[test]
    fn scripts_and_unsafe_urls_are_removed() {
        let r = render_str(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[a](javascript:alert(1)) [b](JaVaScRiPt:alert(2))\n",
        );
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("onerror"), "{}", r.html);
        assert!(!r.html.to_lowercase().contains("javascript:"), "{}", r.html);
        let codes: Vec<_> = r.diagnostics.iter().map(|d| d.code).collect();
        assert!(
            codes.contains(&"W2002") && codes.contains(&"W2003"),
            "{codes:?}"
        );
    }

    #[test]
    fn summary_and_alt() {
        let r = render_str("第一段文字。\n\n第二段。\n\n![](a.png)\n");
        assert_eq!(r.summary, "第一段文字。");
        assert!(r.html.contains("src=\"/tactics/a.png\""), "{}", r.html);
        assert_eq!(r.diagnostics[0].code, "W2004");
    }
}
