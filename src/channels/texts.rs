//! The channel texts of each tactic and alert, computed once at load time: its SMS (written or
//! drafted) and its loudspeaker script (written or composed from its fields and text). A page's
//! texts are kept in the site's cache (`ROOT/.fangpian-cache/channels/`, see
//! [`crate::reuse::store`]) when they were made without a warning or an error.

use rayon::prelude::*;

use crate::content::Page;
use crate::diag::{Diagnostic, codes};
use crate::frontmatter::{Kind, KindFields};
use crate::markdown::{Bodies, Rendered};
use crate::reuse::store::{Caches, cached};
use crate::reuse::{Hasher, Key};
use crate::site::Site;

use super::{broadcast, sms};

/// The channel texts of one tactic or alert.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PageTexts {
    /// The SMS as sent: signature and text.
    pub sms: String,
    /// Its length as carriers count it (≤ 70).
    pub sms_chars: usize,
    /// Written by the writer (`sms`) rather than drafted.
    pub sms_written: bool,
    /// The loudspeaker script file's text (LF line ends), header included.
    pub script: String,
    /// `约 1 分 25 秒`.
    pub script_time: String,
}

/// The channel texts of every page (same indices as the site's pages; `None` for other kinds).
#[derive(Debug, Default)]
pub struct Channels {
    pub pages: Vec<Option<PageTexts>>,
}

/// A page's texts, or the errors in its channel keys.
type Texts = Result<Option<PageTexts>, Vec<Diagnostic>>;

/// A page's texts as made, with what making them found. Only the texts are stored in the cache,
/// and only when nothing was found.
#[derive(serde::Serialize, serde::Deserialize)]
struct Made {
    texts: Option<PageTexts>,
    #[serde(skip)]
    errors: Vec<Diagnostic>,
    #[serde(skip)]
    warnings: Vec<Diagnostic>,
}

/// What a page's texts are made from: the program, the pages' paths and the hotlines (as for its
/// markdown: `Bodies::site_key`), the SMS signature, the page's kind, and its file's name and text
/// (`Page::source_key`).
fn key(site: &Site, site_key: &Key, p: &Page) -> Key {
    let mut h = Hasher::of("channel texts");
    h.key(site_key)
        .str(&site.config.channels.sms_signature)
        .str(p.kind.label())
        .bytes(&(p.body.start as u64).to_le_bytes())
        .key(&p.source_key);
    h.finish()
}

/// The texts of every tactic and alert, in parallel, through the site's cache. Errors are a
/// writer's overlong or empty text; warnings come back in `warnings`.
pub fn compute(
    site: &Site,
    bodies: &Bodies,
    caches: Caches,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Channels, Vec<Diagnostic>> {
    let with_texts: Vec<usize> = (0..site.pages.len())
        .filter(|&i| matches!(site.pages[i].kind, Kind::Tactic | Kind::Alert))
        .collect();
    let keys: Vec<Key> = with_texts
        .par_iter()
        .map(|&i| key(site, &bodies.site_key, &site.pages[i]))
        .collect();
    let make = |n: usize| {
        let i = with_texts[n];
        let mut made = Made {
            texts: None,
            errors: Vec::new(),
            warnings: Vec::new(),
        };
        match page_texts(site, &site.pages[i], &bodies.pages[i], &mut made.warnings) {
            Ok(t) => made.texts = t,
            Err(e) => made.errors = e,
        }
        made
    };
    let clean = |m: &Made| m.errors.is_empty() && m.warnings.is_empty();
    let made = cached((&site.root, "channels", caches), &keys, make, clean);
    let mut pages = vec![None; site.pages.len()];
    let mut errs = Vec::new();
    for (i, m) in with_texts.into_iter().zip(made) {
        warnings.extend(m.warnings);
        errs.extend(m.errors);
        pages[i] = m.texts;
    }
    if errs.is_empty() {
        Ok(Channels { pages })
    } else {
        Err(errs)
    }
}

/// The texts of page `p` (with its rendered body), `None` unless it is a tactic or an alert.
pub fn page_texts(site: &Site, p: &Page, body: &Rendered, warnings: &mut Vec<Diagnostic>) -> Texts {
    if !matches!(p.kind, Kind::Tactic | Kind::Alert) {
        return Ok(None);
    }
    let f = &p.meta.channels;
    let mut errs = Vec::new();
    for (key, v) in [("jingle", &f.jingle), ("broadcast", &f.broadcast)] {
        if let Some(v) = v.as_ref().filter(|v| v.value.trim().is_empty()) {
            errs.push(
                Diagnostic::error(codes::CHANNEL_TEXT_EMPTY, format!("`{key}` 是空的"))
                    .at(&p.file, &p.source, v.span.clone())
                    .label("空的文字")
                    .hint(format!("写上要播的内容，或者删掉 `{key}` 这一行")),
            );
        }
    }
    let signature = &site.config.channels.sms_signature;
    let sms = match &f.sms {
        Some(written) => sms::check_written(written, signature, (&p.file, &p.source), warnings)
            .map_err(|e| errs.push(e))
            .unwrap_or_default(),
        None => draft_sms(site, p, body, signature),
    };
    if !errs.is_empty() {
        return Err(errs);
    }
    let full = format!("{signature}{sms}");
    let script_body = match &f.broadcast {
        Some(b) => broadcast::written(&b.value, &site.hotlines),
        None => broadcast::compose(&script_parts(site, p, body), &site.hotlines),
    };
    let (_, seconds) = broadcast::reading_time(&script_body);
    Ok(Some(PageTexts {
        sms_chars: sms::units(&full),
        sms: full,
        sms_written: f.sms.is_some(),
        script: broadcast::with_header(&p.meta.title, &script_body),
        script_time: broadcast::duration_text(seconds),
    }))
}

/// Drafted SMS: from the description, or else the finished sentences of the text's start.
fn draft_sms(site: &Site, p: &Page, body: &Rendered, signature: &str) -> String {
    let source = if p.meta.description.trim().is_empty() {
        finished_sentences(&body.summary)
    } else {
        &p.meta.description
    };
    let budget = sms::SEGMENT - sms::units(signature);
    let hotline = site.hotlines.primary().into_iter().next();
    sms::draft(source, &p.meta.title, hotline, budget)
}

/// `text` up to its last sentence end (a summary cut with `…` ends mid-sentence), or all of it.
fn finished_sentences(text: &str) -> &str {
    match text.rfind(['。', '！', '？']) {
        Some(i) if text.ends_with('…') => &text[..i + '。'.len_utf8()],
        _ => text,
    }
}

/// The parts of a generated script: the description and, for alerts (or tactics without warning
/// signs and steps), the text itself, cut after whole lines.
fn script_parts<'a>(site: &'a Site, p: &'a Page, body: &Rendered) -> broadcast::Parts<'a> {
    let hotlines = &site.hotlines;
    let (signs, steps, level): (&[String], &[String], _) = match &p.meta.fields {
        KindFields::Tactic {
            warning_signs,
            what_to_do,
            ..
        } => (warning_signs, what_to_do, None),
        KindFields::Alert { level, .. } => (&[], &[], Some(level.text())),
        _ => (&[], &[], None),
    };
    let mut gist = Vec::new();
    if !p.meta.description.trim().is_empty() {
        gist.push(broadcast::speakable(&p.meta.description, hotlines));
    }
    if level.is_some() || (signs.is_empty() && steps.is_empty()) {
        let limit = if level.is_some() { 600 } else { 400 };
        let text = broadcast::speakable(leading_blocks(&p.source[p.body.clone()], limit), hotlines);
        let mut used = 0;
        for line in text.lines() {
            used += line.chars().count();
            if used > limit && !gist.is_empty() {
                break;
            }
            gist.push(line.to_string());
        }
    }
    broadcast::Parts {
        title: &p.meta.title,
        alert_level: level,
        gist,
        warning_signs: signs,
        what_to_do: steps,
        jingle: p.meta.channels.jingle.as_ref().map(|j| j.value.as_str()),
        hotlines: hotlines
            .list
            .iter()
            .filter(|h| h.primary || body.hotlines.contains(&h.id))
            .collect(),
    }
}

/// The blocks (paragraphs, lists…) at the start of a markdown `body` holding at least `chars`
/// characters: only they can be read, so only they are parsed (a Han character is 3 bytes; a list or
/// fenced block cut here only loses what would not be read anyway).
fn leading_blocks(body: &str, chars: usize) -> &str {
    let want = chars * 3;
    let mut end = 0;
    while end < want {
        match body[end..].find("\n\n") {
            Some(i) => end += i + 2,
            None => return body,
        }
    }
    &body[..end]
}
