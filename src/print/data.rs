//! What a print template receives: paper geometry, the poster's or leaflet's texts (filled from its
//! `source` tactic or case when the poster does not give them), its hotlines, QR target, the site, the
//! variant's community, and a leaflet's panels parsed from the body's `##` sections.

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use serde_json::{Value, json};

use crate::content::Page;
use crate::diag::{Diagnostic, codes};
use crate::frontmatter::{BANNER, KindFields, PrintFields, banner_mm};
use crate::site::Site;

/// Finished (trimmed) size of a paper in mm, portrait.
pub fn paper_mm(name: &str) -> (f64, f64) {
    match name {
        "A3" => (297.0, 420.0),
        "A2" => (420.0, 594.0),
        // 大度对开, the common size for posters in Chinese print shops, and the other 大度 and 正度
        // folios shops sell (finished sizes).
        "对开" => (570.0, 840.0),
        "大度16开" => (210.0, 285.0),
        "大度8开" => (285.0, 420.0),
        "大度4开" => (420.0, 570.0),
        "正度16开" => (185.0, 260.0),
        "正度8开" => (260.0, 370.0),
        // Large format: roll-up stands.
        "易拉宝" => (800.0, 2000.0),
        "X展架" => (600.0, 1600.0),
        // A banner lies: its length, then its height (length 0: as long as its text).
        _ => match banner_mm(name) {
            Some((h, l)) => (l.unwrap_or(0.0), h),
            None => (210.0, 297.0),
        },
    }
}

/// ASCII name of a paper, for file names.
pub fn paper_slug(name: &str) -> String {
    match name {
        "对开" => "duikai".into(),
        "大度16开" => "dadu-16k".into(),
        "大度8开" => "dadu-8k".into(),
        "大度4开" => "dadu-4k".into(),
        "正度16开" => "zhengdu-16k".into(),
        "正度8开" => "zhengdu-8k".into(),
        "易拉宝" => "yilabao".into(),
        "X展架" => "xzhanjia".into(),
        other => match other.strip_prefix(BANNER) {
            // 横幅700×5000 → hengfu-700x5000
            Some("") => "hengfu".into(),
            Some(dims) => format!("hengfu-{}", dims.replace('×', "x")),
            None => other.to_ascii_lowercase(),
        },
    }
}

/// Whether a paper is large format — a roll-up stand (易拉宝, X展架, laid out with the `rollup` layout) or
/// a slogan banner (横幅, the `banner` layout) — with `[print] large_bleed_mm` of bleed (none by default).
pub fn is_large(name: &str) -> bool {
    matches!(name, "易拉宝" | "X展架") || banner_mm(name).is_some()
}

/// How a document stands, in words: roll-up stands are always upright (竖版), banners always lie (横版).
pub fn orientation_word(size: &str, orientation: &str) -> &'static str {
    if banner_mm(size).is_some() || (orientation == "landscape" && !is_large(size)) {
        "横版"
    } else {
        "竖版"
    }
}

/// Width, height (mm) and the scale against A4 in the same orientation. A banner is as wide as its
/// length (0 when its text decides it) and scaled by its height against A4's short side.
pub fn geometry(size: &str, orientation: &str) -> (f64, f64, f64) {
    let (w, h) = paper_mm(size);
    if banner_mm(size).is_some() {
        return (w, h, h / 210.0);
    }
    let scale = (w / 210.0).min(h / 297.0);
    // Roll-up stands stand upright whatever the poster's orientation.
    if orientation == "landscape" && !is_large(size) {
        (h, w, scale)
    } else {
        (w, h, scale)
    }
}

/// The texts of a poster, with the ones it leaves out taken from its `source` page.
pub struct Texts {
    pub headline: String,
    pub slogan: String,
    pub points: Vec<String>,
    pub case: Value,
}

pub fn texts(site: &Site, _page: &Page, f: &PrintFields) -> Texts {
    let source = f.source.as_ref().and_then(|s| site.page_for_link(&s.value));
    let mut t = Texts {
        headline: f.headline.clone(),
        slogan: f.slogan.clone(),
        points: f.points.clone(),
        case: Value::Null,
    };
    if let Some(src) = source {
        if t.headline.is_empty() {
            t.headline = src.meta.title.clone();
        }
        if t.slogan.is_empty() {
            t.slogan = src.meta.description.clone();
        }
        match &src.meta.fields {
            KindFields::Tactic {
                warning_signs,
                what_to_do,
                ..
            } if t.points.is_empty() => {
                t.points = if warning_signs.is_empty() {
                    what_to_do.clone()
                } else {
                    warning_signs.clone()
                };
            }
            KindFields::Case {
                region,
                amount,
                victims,
                outcome,
                ..
            } => {
                t.case = json!({
                    "region": region,
                    "amount": amount,
                    "victims": victims,
                    "outcome": outcome,
                });
                if t.points.is_empty() {
                    t.points = [
                        (!region.is_empty()).then(|| format!("地区：{region}")),
                        (!amount.is_empty()).then(|| format!("涉案金额：{amount}")),
                        victims.map(|v| format!("受害人数：{v} 人")),
                        (!outcome.is_empty()).then(|| format!("处理结果：{outcome}")),
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                }
            }
            _ => {}
        }
    }
    t
}

/// One `##` section of a leaflet's body, as blocks of plain text.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Panel {
    pub title: String,
    pub blocks: Vec<Value>,
}

/// The most panels the body of a tri-fold leaflet can fill (the sixth, the cover, comes from the front
/// matter).
pub const MAX_PANELS: usize = 5;

/// Split a leaflet's body into panels: each `##` heading starts one. Links keep their text; a
/// `hotline:ID` link or `<hotline:ID>` becomes the hotline's name and number.
pub fn panels(site: &Site, page: &Page) -> Result<Vec<Panel>, Diagnostic> {
    let body = &page.source[page.body.clone()];
    let mut walk = PanelWalk {
        site,
        panels: Vec::new(),
        text: String::new(),
        in_heading: None,
        items: None,
        in_item: false,
        sixth: None,
    };
    for (event, range) in crate::markdown::events(body) {
        walk.event(event, range);
    }
    let panels = walk.panels;
    if let Some(r) = walk.sixth {
        let start = page.body.start + r.start;
        return Err(Diagnostic::error(
            codes::LEAFLET_PANELS,
            format!(
                "三折页正文有 {} 个 ## 栏目，最多只能有 {MAX_PANELS} 个",
                panels.len()
            ),
        )
        .at(&page.file, &page.source, start..start + 2)
        .label("第 6 个栏目")
        .hint("三折页共 6 栏：封面来自标题、口号和热线，正文的 ## 小节依次填内页 3 栏、折进去的 1 栏和背面 1 栏；请合并或删减栏目"));
    }
    Ok(panels)
}

/// The walk over a leaflet's body that collects its panels: the text of the current block, the list
/// being read, and where a panel past the last one starts.
struct PanelWalk<'s> {
    site: &'s Site,
    panels: Vec<Panel>,
    text: String,
    in_heading: Option<HeadingLevel>,
    items: Option<Vec<String>>,
    in_item: bool,
    sixth: Option<std::ops::Range<usize>>,
}

impl PanelWalk<'_> {
    /// A hotline as printed in running text: its name and number.
    fn hotline_text(&self, id: &str) -> Option<String> {
        let h = self.site.hotlines.get(id)?;
        Some(format!("{} {}", h.name, h.display))
    }

    fn event(&mut self, event: Event<'_>, range: std::ops::Range<usize>) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                self.in_heading = Some(level);
                self.text.clear();
                if level == HeadingLevel::H2
                    && self.panels.len() == MAX_PANELS
                    && self.sixth.is_none()
                {
                    self.sixth = Some(range);
                }
            }
            Event::End(TagEnd::Heading(level)) => self.heading_end(level),
            Event::Start(Tag::List(_)) => self.items = Some(Vec::new()),
            Event::End(TagEnd::List(_)) => {
                if let (Some(list), Some(p)) = (self.items.take(), self.panels.last_mut()) {
                    p.blocks.push(json!({"kind": "list", "items": list}));
                }
            }
            Event::Start(Tag::Item) => {
                self.in_item = true;
                self.text.clear();
            }
            Event::End(TagEnd::Item) => {
                self.in_item = false;
                if let Some(list) = self.items.as_mut() {
                    list.push(std::mem::take(&mut self.text).trim().to_string());
                }
            }
            Event::Start(Tag::Paragraph) if !self.in_item => self.text.clear(),
            Event::End(TagEnd::Paragraph) if !self.in_item && self.in_heading.is_none() => {
                let t = std::mem::take(&mut self.text).trim().to_string();
                if let (false, Some(p)) = (t.is_empty(), self.panels.last_mut()) {
                    p.blocks.push(json!({"kind": "p", "text": t}));
                }
            }
            other => self.inline(other),
        }
    }

    /// A `##` heading starts a panel; smaller headings are headings inside it.
    fn heading_end(&mut self, level: HeadingLevel) {
        let t = std::mem::take(&mut self.text).trim().to_string();
        if level <= HeadingLevel::H2 {
            self.panels.push(Panel {
                title: t,
                blocks: Vec::new(),
            });
        } else if let Some(p) = self.panels.last_mut() {
            p.blocks.push(json!({"kind": "heading", "text": t}));
        }
        self.in_heading = None;
    }

    /// Text, and hotline links (`hotline:ID`, `<hotline:ID>`) replaced by the hotline itself.
    fn inline(&mut self, event: Event<'_>) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(id) = dest_url.strip_prefix("hotline:")
                    && let Some(t) = self.hotline_text(id)
                {
                    self.text.push_str(&t);
                    self.text.push('\u{0}');
                }
            }
            // The link text of a hotline link is replaced by the hotline itself.
            Event::Text(t) | Event::Code(t) if !self.text.ends_with('\u{0}') => {
                self.text.push_str(&t)
            }
            Event::End(TagEnd::Link) if self.text.ends_with('\u{0}') => {
                self.text.pop();
            }
            Event::InlineHtml(h) | Event::Html(h) => {
                let h = h.trim();
                if let Some(id) = h
                    .strip_prefix("<hotline:")
                    .and_then(|s| s.strip_suffix('>'))
                    && let Some(t) = self.hotline_text(id)
                {
                    self.text.push_str(&t);
                }
            }
            _ => {}
        }
    }
}

/// Height (mm) of one line of the smallest text a poster or leaflet layout can be expected to use
/// (5 pt, line spacing 1.2). Text that would not fit even at this size cannot fit at all.
const MIN_LINE_MM: f64 = 5.0 * 25.4 / 72.0 * 1.2;
/// The most columns a layout may set its points in.
const MAX_COLUMNS: f64 = 4.0;

/// How far `value` (a document's template data, see `Printer::data`) is beyond what any layout can
/// fit on `sheets` sheets of its paper: the area, and how much is over (mm at the smallest text
/// size, percent). `None` when it might fit, which only laying it out can tell.
///
/// Laying out 10,000 points took 25 s and 2.4 GB before the layout found the overflow; this
/// counts them first, in time proportional to the text.
pub fn hopeless(value: &Value, sheets: usize) -> Option<(String, f64, f64)> {
    let (w, h) = (
        value["paper"]["width"].as_f64().unwrap_or(210.0),
        value["paper"]["height"].as_f64().unwrap_or(297.0),
    );
    let lines = h / MIN_LINE_MM * MAX_COLUMNS;
    let points = value["points"].as_array().map_or(0, Vec::len) as f64;
    if points > lines {
        let over = (points - lines) / MAX_COLUMNS * MIN_LINE_MM;
        return Some(("要点".into(), over, (points / lines - 1.0) * 100.0));
    }
    let room = sheets as f64 * w * h / (MIN_LINE_MM * MIN_LINE_MM);
    let chars = printed_chars(value) as f64;
    (chars > room).then(|| {
        let over = (chars - room) * MIN_LINE_MM * MIN_LINE_MM / w;
        // Named after the points when they are most of it, so that the error points at them.
        let area = if printed_chars(&value["points"]) as f64 * 2.0 > chars {
            "要点等文字"
        } else {
            "全部文字"
        };
        (area.into(), over, (chars / room - 1.0) * 100.0)
    })
}

/// Characters of the strings in `v`, except URLs (printed as QR codes).
fn printed_chars(v: &Value) -> usize {
    match v {
        Value::String(s) => s.chars().count(),
        Value::Array(a) => a.iter().map(printed_chars).sum(),
        Value::Object(o) => o
            .iter()
            .filter(|(k, _)| *k != "url")
            .map(|(_, x)| printed_chars(x))
            .sum(),
        _ => 0,
    }
}

/// The poster QR code of `url` for the templates, which draw it in black ink: `modules` is its width in
/// modules with the 4-module quiet zone, `runs` its runs of dark modules, row by row, as
/// `[x, y, length]` (error correction M, as `qr::svg_print`). `Null` for data too long for any QR code.
pub fn qr_runs(url: &str) -> Value {
    let Some((colors, width)) = crate::qr::modules(url, qrcode::EcLevel::M) else {
        return Value::Null;
    };
    let quiet = 4;
    let mut runs = Vec::new();
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] != qrcode::Color::Dark {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] == qrcode::Color::Dark {
                x += 1;
            }
            runs.push(json!([start + quiet, y + quiet, x - start]));
        }
    }
    json!({"modules": width + 2 * quiet, "runs": runs})
}
