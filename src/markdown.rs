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

/// What the renderer needs to know about the rest of the site.
pub struct LinkContext<'a> {
    /// `tactics/x.md` → `/tactics/x/` for every page and section.
    pub paths: &'a HashMap<String, String>,
    pub hotlines: &'a Hotlines,
    /// URL of the folder the file's relative images and links resolve against (ends with `/`).
    pub asset_base: &'a str,
}

/// A heading of the page, for a table of contents.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// An `@/path.md#anchor` whose anchor must exist in the target page (checked once all pages are rendered).
#[derive(Clone, Debug)]
pub struct AnchorRef {
    pub target: String,
    pub anchor: String,
    pub span: Range<usize>,
}

/// A link or image on this site that is not a content file (`/tactics/x/`, `../x/`, `photo.jpg`,
/// `#anchor`), checked against every output file once the whole site is written.
#[derive(Clone, Debug)]
pub struct LinkRef {
    /// The path it resolves to, normalised (`/tactics/x/`); empty for `#anchor` on the same page.
    pub url: String,
    pub anchor: Option<String>,
    /// As written in the markdown.
    pub written: String,
    pub span: Range<usize>,
}

/// The result of rendering one markdown body.
#[derive(Debug, Default)]
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
    pub diagnostics: Vec<Diagnostic>,
}

const SUMMARY_CHARS: usize = 110;
/// Deeper nesting than this is refused: no real article needs it, and rendering and minifying
/// pathological nesting would exhaust the stack.
const MAX_NESTING: usize = 100;
const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
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

/// The scheme of a URL (`javascript` in `JavaScript:alert(1)`), ignoring whitespace and control
/// characters browsers ignore, or `None` for a relative URL.
fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(40)
        .collect::<String>()
        .to_ascii_lowercase();
    let colon = cleaned.find(':')?;
    let before = &cleaned[..colon];
    if before.contains(['/', '?', '#']) {
        return None;
    }
    Some(before.to_string())
}

/// Footnotes numbered in order of first appearance, with ids for the way there and back: the
/// reference links to `#fn-LABEL`, the note ends with a 返回正文 link to the first reference.
#[derive(Default)]
struct Footnotes {
    numbers: HashMap<String, usize>,
    /// References written so far per label (the second one gets `fnref-LABEL-2`).
    refs: HashMap<String, usize>,
    open: Vec<String>,
}

impl Footnotes {
    fn number(&mut self, label: &str) -> usize {
        let next = self.numbers.len() + 1;
        *self.numbers.entry(label.to_string()).or_insert(next)
    }

    fn id(label: &str) -> String {
        tera::escape_html(&crate::slug::heading_id(label))
    }

    fn reference(&mut self, label: &str) -> String {
        let n = self.number(label);
        let seen = self.refs.entry(label.to_string()).or_insert(0);
        *seen += 1;
        let id = Self::id(label);
        let ref_id = if *seen == 1 {
            format!("fnref-{id}")
        } else {
            format!("fnref-{id}-{seen}")
        };
        format!(
            "<sup class=\"footnote-reference\" id=\"{ref_id}\"><a href=\"#fn-{id}\" aria-label=\"注释 {n}\">{n}</a></sup>"
        )
    }

    fn definition_start(&mut self, label: &str) -> String {
        let n = self.number(label);
        self.open.push(label.to_string());
        format!(
            "<div class=\"footnote-definition\" id=\"fn-{}\"><sup class=\"footnote-definition-label\">{n}</sup>",
            Self::id(label)
        )
    }

    fn definition_end(&mut self) -> String {
        match self.open.pop() {
            Some(label) if self.refs.contains_key(&label) => format!(
                " <a class=\"footnote-back\" href=\"#fnref-{}\">返回正文</a></div>",
                Self::id(&label)
            ),
            _ => "</div>".to_string(),
        }
    }
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

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tags([
            "aside",
            "section",
            "figure",
            "figcaption",
            "details",
            "summary",
            "mark",
            "ruby",
            "rt",
            "rp",
        ])
        .add_generic_attributes([
            "class",
            "id",
            "role",
            "aria-label",
            "aria-hidden",
            "lang",
            "title",
            "tabindex",
        ])
        .add_tag_attributes("a", ["href"])
        .add_tag_attributes("img", ["src", "alt", "width", "height", "loading"])
        .add_tag_attributes("td", ["colspan", "rowspan"])
        .add_tag_attributes("th", ["colspan", "rowspan", "scope"])
        .url_schemes(SAFE_SCHEMES.iter().copied().collect())
        .link_rel(None)
        .strip_comments(true);
        b
    })
}

/// The deepest nesting of opening tags in a piece of raw HTML (void elements excluded).
fn html_depth(html: &str) -> usize {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let (mut depth, mut max) = (0usize, 0usize);
    let b = html.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'<' {
            if b[i + 1] == b'/' {
                depth = depth.saturating_sub(1);
            } else if b[i + 1].is_ascii_alphabetic() {
                let name: String = html[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                let end = html[i..].find('>').map_or(html.len(), |e| i + e);
                let self_closing =
                    end > 0 && html.as_bytes().get(end.saturating_sub(1)) == Some(&b'/');
                if !VOID.contains(&name.as_str()) && !self_closing {
                    depth += 1;
                    max = max.max(depth);
                }
            }
        }
        i += 1;
    }
    max
}

/// Rough detection of markup that sanitizing will remove, to tell the writer about it.
fn looks_unsafe(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    if [
        "<script",
        "<iframe",
        "<style",
        "<object",
        "<embed",
        "<form",
        "javascript:",
        "vbscript:",
        "data:",
        "<svg",
        "<math",
        "<link",
        "<meta",
        "<base",
    ]
    .iter()
    .any(|p| lower.contains(p))
    {
        return true;
    }
    // an event handler attribute: whitespace, "on", letters, optional spaces, "="
    let b = lower.as_bytes();
    (1..b.len()).any(|i| {
        (b[i - 1].is_ascii_whitespace() || b[i - 1] == b'/') && lower[i..].starts_with("on") && {
            let rest = &lower[i + 2..];
            let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            letters > 0 && rest[letters..].trim_start().starts_with('=')
        }
    })
}

/// Render the markdown `source[body]` of `file`.
pub fn render(
    file: &Path,
    source: &Arc<str>,
    body: Range<usize>,
    ctx: &LinkContext<'_>,
) -> Rendered {
    let text = &source[body.clone()];
    let off = body.start;
    let mut out = Rendered::default();
    let events = parse(text, 0);
    let shift = events.iter().any(|(e, _)| {
        matches!(
            e,
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            })
        )
    });

    let mut result: Vec<Event> = Vec::with_capacity(events.len() + 8);
    let mut raw_html = String::new();
    let mut in_summary_par = false;
    let mut summary_done = false;
    let mut i = 0;
    // Stack of link kinds for closing tags: true = hotline link.
    let mut link_stack: Vec<Option<String>> = Vec::new();
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    let mut footnotes = Footnotes::default();
    let mut in_code_block = false;
    let mut depth = 0usize;
    while i < events.len() {
        let (ev, range) = &events[i];
        let span = range.start + off..range.end + off;
        match ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_NESTING {
            out.diagnostics.push(
                Diagnostic::error(
                    codes::TOO_DEEP,
                    format!("列表或引用嵌套超过 {MAX_NESTING} 层"),
                )
                .at(file, source, span.start..span.start + 1)
                .label("从这里开始嵌套太深")
                .hint("正文里的列表、引用最多嵌套几层就够了；请检查是不是多打了 > 或缩进"),
            );
            out.html.clear();
            return out;
        }
        match ev {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            _ => {}
        }
        match ev {
            Event::FootnoteReference(label) => {
                result.push(Event::Html(CowStr::from(footnotes.reference(label))));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                result.push(Event::Html(CowStr::from(footnotes.definition_start(label))));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                result.push(Event::Html(CowStr::from(footnotes.definition_end())));
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                // Collect the heading's text to derive an id and the table of contents.
                let mut title = String::new();
                let mut j = i + 1;
                while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                    if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                        title.push_str(t);
                    }
                    j += 1;
                }
                let base = match id {
                    Some(id) => id.to_string(),
                    None => crate::slug::heading_id(&title),
                };
                let n = used_ids.entry(base.clone()).or_insert(0);
                let id = if *n == 0 {
                    base.clone()
                } else {
                    format!("{base}-{n}")
                };
                *n += 1;
                let level = if shift { shifted(*level) } else { *level };
                out.ids.insert(id.clone());
                out.toc.push(Heading {
                    level: level as u8,
                    id: id.clone(),
                    title: title.trim().to_string(),
                });
                result.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                let level = if shift { shifted(*level) } else { *level };
                result.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = dest_url.as_ref();
                if let Some(hid) = dest.strip_prefix("hotline:") {
                    match ctx.hotlines.get(hid.trim()) {
                        Some(h) => {
                            out.hotlines.insert(h.id.clone());
                            result.push(Event::Html(CowStr::from(format!(
                                "<a class=\"hotline\" href=\"{}\">{}<span class=\"hotline-name\">",
                                tera::escape_html(&h.tel),
                                crate::icons::icon("phone")
                            ))));
                            if *link_type == LinkType::Autolink {
                                result.push(Event::Text(CowStr::from(h.name.clone())));
                                // skip the autolink's own text
                                while i + 1 < events.len()
                                    && !matches!(events[i + 1].0, Event::End(TagEnd::Link))
                                {
                                    i += 1;
                                }
                            }
                            link_stack.push(Some(h.display.clone()));
                        }
                        None => {
                            let ids = ctx.hotlines.ids();
                            out.diagnostics.push(
                                Diagnostic::error(
                                    codes::UNKNOWN_HOTLINE,
                                    format!("没有编号为 `{}` 的热线", hid.trim()),
                                )
                                .at(file, source, span.clone())
                                .label("找不到这条热线")
                                .hint(if ids.is_empty() {
                                    "content/hotlines.toml 里还没有任何热线".to_string()
                                } else {
                                    format!(
                                        "{}（热线都在 content/hotlines.toml 里）",
                                        did_you_mean(hid.trim(), &ids)
                                    )
                                }),
                            );
                            link_stack.push(None);
                            result.push(ev.clone());
                        }
                    }
                } else {
                    let new_dest = resolve_dest(dest, file, source, &span, ctx, &mut out);
                    link_stack.push(None);
                    result.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: CowStr::from(new_dest),
                        title: title.clone(),
                        id: id.clone(),
                    }));
                }
            }
            Event::End(TagEnd::Link) => match link_stack.pop().flatten() {
                Some(number) => result.push(Event::Html(CowStr::from(format!(
                    "</span> <span class=\"hotline-number\">{}</span></a>",
                    tera::escape_html(&number)
                )))),
                None => result.push(ev.clone()),
            },
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let mut alt = String::new();
                let mut j = i + 1;
                while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Image)) {
                    if let Event::Text(t) = &events[j].0 {
                        alt.push_str(t);
                    }
                    j += 1;
                }
                if alt.trim().is_empty() {
                    out.diagnostics.push(
                        Diagnostic::warning(codes::MISSING_ALT, "图片没有替代文字")
                            .at(file, source, span.clone())
                            .label("方括号里是空的")
                            .hint("在 ![ ] 的方括号里写一句话说明图片内容，读屏软件会念给看不见的读者听"),
                    );
                }
                let new_dest = resolve_dest(dest_url, file, source, &span, ctx, &mut out);
                result.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: CowStr::from(new_dest),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, icon, label) = callout(*kind);
                result.push(Event::Html(CowStr::from(format!(
                    "<aside class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{} {label}</p>\n",
                    crate::icons::icon(icon)
                ))));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                result.push(Event::Html(CowStr::from("</aside>\n")))
            }
            Event::Start(Tag::Table(_)) => {
                result.push(Event::Html(CowStr::from(
                    "<div class=\"table-wrap\" role=\"region\" aria-label=\"表格\" tabindex=\"0\">",
                )));
                result.push(ev.clone());
            }
            Event::End(TagEnd::Table) => {
                result.push(ev.clone());
                result.push(Event::Html(CowStr::from("</div>")));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                raw_html.push_str(h);
                result.push(ev.clone());
            }
            Event::Start(Tag::Paragraph) => {
                if !summary_done {
                    in_summary_par = true;
                }
                result.push(ev.clone());
            }
            Event::End(TagEnd::Paragraph) => {
                if in_summary_par && !out.summary.is_empty() {
                    summary_done = true;
                }
                in_summary_par = false;
                result.push(ev.clone());
            }
            Event::Text(t) | Event::Code(t) => {
                out.chars += t.chars().filter(|c| !c.is_whitespace()).count();
                if in_summary_par && !summary_done {
                    out.summary.push_str(t);
                    if out.summary.chars().count() > SUMMARY_CHARS {
                        summary_done = true;
                    }
                }
                match (ev, in_code_block) {
                    (Event::Text(t), false) => match keep_together(t) {
                        Some(html) => result.push(Event::InlineHtml(CowStr::from(html))),
                        None => result.push(ev.clone()),
                    },
                    _ => result.push(ev.clone()),
                }
            }
            _ => result.push(ev.clone()),
        }
        i += 1;
    }
    if out.summary.chars().count() > SUMMARY_CHARS {
        out.summary = out.summary.chars().take(SUMMARY_CHARS).collect::<String>() + "…";
    }
    let mut html = String::with_capacity(text.len() * 2);
    pulldown_cmark::html::push_html(&mut html, result.into_iter());
    if !raw_html.is_empty() {
        if html_depth(&raw_html) > MAX_NESTING {
            out.diagnostics.push(
                Diagnostic::error(
                    codes::TOO_DEEP,
                    format!("正文里的 HTML 标签嵌套超过 {MAX_NESTING} 层"),
                )
                .in_file(file, source)
                .label("HTML 嵌套太深")
                .hint("请删掉多余的 HTML 标签，尽量用普通的 markdown 写正文"),
            );
            return out;
        }
        if looks_unsafe(&raw_html) {
            out.diagnostics.push(
                Diagnostic::warning(codes::RAW_HTML_SANITIZED, "正文里的 HTML 含有不安全的内容，已被移除")
                    .in_file(file, source)
                    .hint("脚本、事件属性（onclick 等）、javascript: 链接、iframe、style 都不会出现在网站上；请改用普通的 markdown"),
            );
        }
        html = sanitizer().clean(&html).to_string();
    }
    out.html = html;
    out
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

/// Resolve a link or image destination: `@/` and `.md` links to content files, unsafe schemes,
/// relative and root-relative links (recorded in [`Rendered::links`] to be checked once every
/// output file is known).
fn resolve_dest(
    dest: &str,
    file: &Path,
    source: &Arc<str>,
    span: &Range<usize>,
    ctx: &LinkContext<'_>,
    out: &mut Rendered,
) -> String {
    if let Some((at, c)) = crate::confusables::invisible_in(dest) {
        out.diagnostics.push(
            Diagnostic::error(
                codes::CONFUSABLE_CHAR,
                format!(
                    "链接 `{}` 里有一个看不见的字符{}",
                    dest.trim(),
                    c.describe()
                ),
            )
            .at(file, source, span.clone())
            .label(format!(
                "链接第 {} 个字符是{}",
                dest[..at.start].chars().count() + 1,
                c.name
            ))
            .hint(format!("{}；从 Word 或网页复制的链接常带这种字符", c.fix())),
        );
        return "#".into();
    }
    let link = LinkSite {
        dest,
        file,
        source,
        span,
    };
    if let Some(rest) = dest.strip_prefix("@/") {
        return link.content_file(rest.trim_start_matches("./"), ctx, out);
    }
    match scheme(dest) {
        Some(s) if SAFE_SCHEMES.contains(&s.as_str()) => dest.to_string(),
        Some(s) => {
            out.diagnostics.push(
                Diagnostic::warning(
                    codes::UNSAFE_URL,
                    format!("不允许 `{s}:` 开头的链接，已经去掉"),
                )
                .at(file, source, span.clone())
                .label("不安全的链接")
                .hint("链接只能是 http(s)://、mailto:、tel:、站内路径或 @/ 内部链接"),
            );
            "#".into()
        }
        None => link.site_path(ctx, out),
    }
}

/// A link or image destination being resolved, with where it was written.
struct LinkSite<'a> {
    dest: &'a str,
    file: &'a Path,
    source: &'a Arc<str>,
    span: &'a Range<usize>,
}

impl LinkSite<'_> {
    /// A link to a content file (`tactics/x.md#anchor`, relative to `content/`): the page's URL.
    fn content_file(&self, rest: &str, ctx: &LinkContext<'_>, out: &mut Rendered) -> String {
        let (target, anchor) = match rest.split_once('#') {
            Some((t, a)) => (t, Some(a)),
            None => (rest, None),
        };
        if target.split('/').any(|seg| seg == "..") {
            out.diagnostics.push(
                Diagnostic::error(
                    codes::LINK_OUTSIDE_ROOT,
                    format!("链接 `{}` 指向 content 目录以外", self.dest),
                )
                .at(self.file, self.source, self.span.clone())
                .label("不能用 .. 跳出 content")
                .hint("@/ 后面写从 content 目录算起的路径，例如 @/tactics/baojianpin.md"),
            );
            return "#".into();
        }
        let Some(path) = ctx.paths.get(target) else {
            let keys: Vec<&str> = ctx.paths.keys().map(String::as_str).collect();
            let hint = match crate::diag::suggest(target, keys.iter().copied()) {
                Some(s) => format!("是不是想写 `@/{s}`？路径从 content 目录算起，要带 .md"),
                None => {
                    "路径从 content 目录算起，要带 .md，例如 @/tactics/baojianpin.md".to_string()
                }
            };
            out.diagnostics.push(
                Diagnostic::error(
                    codes::BROKEN_LINK,
                    format!("内部链接 `{}` 指向的文件不存在", self.dest),
                )
                .at(self.file, self.source, self.span.clone())
                .label("找不到这个文件")
                .hint(hint),
            );
            return "#".into();
        };
        let mut url = path.clone();
        if let Some(a) = anchor {
            out.anchors.push(AnchorRef {
                target: target.to_string(),
                anchor: a.to_string(),
                span: self.span.clone(),
            });
            url.push('#');
            url.push_str(a);
        }
        url
    }

    /// A path on this site: `/tactics/x/`, `../x/`, `photo.jpg`, `#anchor` or `x.md` (a content file
    /// relative to this file's folder). Anything but a content file is recorded to be checked.
    fn site_path(&self, ctx: &LinkContext<'_>, out: &mut Rendered) -> String {
        let dest = self.dest;
        if dest.is_empty() || dest.starts_with("//") {
            return dest.to_string();
        }
        let (path, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(a.to_string())),
            None => (dest, None),
        };
        let path = path.split('?').next().unwrap_or(path);
        if path.to_ascii_lowercase().ends_with(".md") {
            let dir = self
                .file
                .strip_prefix("content")
                .ok()
                .and_then(Path::parent)
                .map(|d| d.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let base = if path.starts_with('/') {
                ""
            } else {
                dir.as_str()
            };
            let rel = normalize_path(&format!("{base}/{path}"));
            let rest = match &anchor {
                Some(a) => format!("{}#{a}", rel.trim_start_matches('/')),
                None => rel.trim_start_matches('/').to_string(),
            };
            return self.content_file(&rest, ctx, out);
        }
        let resolved = if dest.starts_with('/') || dest.starts_with('#') {
            dest.to_string()
        } else {
            format!("{}{}", ctx.asset_base, dest.trim_start_matches("./"))
        };
        let url = if path.is_empty() {
            String::new()
        } else if path.starts_with('/') {
            normalize_path(path)
        } else {
            normalize_path(&format!(
                "{}{}",
                ctx.asset_base,
                path.trim_start_matches("./")
            ))
        };
        out.links.push(LinkRef {
            url,
            anchor,
            written: dest.to_string(),
            span: self.span.clone(),
        });
        resolved
    }
}

/// `/a/./b/../c/` → `/a/c/`, keeping a trailing slash; `..` never climbs above the root.
pub fn normalize_path(path: &str) -> String {
    let mut segs: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segs.pop();
            }
            s => segs.push(s),
        }
    }
    let mut out = format!("/{}", segs.join("/"));
    if (path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..")) && out != "/" {
        out.push('/');
    }
    out
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
