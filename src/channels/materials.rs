//! The 宣传物料 page's content: every SMS text, loudspeaker script, poster and leaflet, grouped by
//! topic. A topic is a fraud category (诈骗类别): a tactic's `category`, and for a poster the category
//! of the tactic its `source` names (or of the first tactic of the case it names). Current alerts come
//! first in their own group; what has no category goes last under 其他宣传品.

use std::collections::HashMap;

use serde_json::Value;

use crate::frontmatter::{Kind, KindFields};
use crate::render::values::{
    MaterialDownload, MaterialGroup, MaterialItem, MaterialsValue, ShareImage,
};
use crate::site::Site;

use super::Channels;

/// A group of the page: its heading, anchor and pages, in order.
pub struct Group {
    pub title: String,
    pub id: String,
    pub pages: Vec<usize>,
}

/// The category page `i` belongs to, if any.
fn category(site: &Site, i: usize) -> Option<&str> {
    match &site.pages[i].meta.fields {
        KindFields::Tactic { category, .. } => category.as_ref().map(|c| c.value.as_str()),
        KindFields::Case { tactics, .. } => {
            let first = tactics.first()?;
            match &site.page_for_link(&first.value)?.meta.fields {
                KindFields::Tactic { category, .. } => category.as_ref().map(|c| c.value.as_str()),
                _ => None,
            }
        }
        KindFields::Print(f) => {
            let source = site.page_index_for_link(&f.source.as_ref()?.value)?;
            (source != i).then(|| category(site, source)).flatten()
        }
        _ => None,
    }
}

/// The groups of the page (non-empty ones only): current alerts, each category in the site's order,
/// then the rest.
pub fn groups(site: &Site, channels: &Channels) -> Vec<Group> {
    let alerts: Vec<usize> = site
        .pages_of_kind(Kind::Alert)
        .into_iter()
        .filter(|&i| {
            let expired = matches!(&site.pages[i].meta.fields,
                KindFields::Alert { expires: Some(e), .. } if e.date < site.today);
            !expired && channels.pages.get(i).is_some_and(Option::is_some)
        })
        .collect();
    let mut by_category: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut rest = Vec::new();
    for kind in [Kind::Tactic, Kind::Poster, Kind::Leaflet] {
        for i in site.pages_of_kind(kind) {
            match category(site, i) {
                Some(c) => by_category.entry(c).or_default().push(i),
                None => rest.push(i),
            }
        }
    }
    let mut out = vec![Group {
        title: "当前风险提示".into(),
        id: "topic-alerts".into(),
        pages: alerts,
    }];
    for c in &site.config.categories {
        let slug = site.taxonomies[1]
            .term(c)
            .map_or_else(|| crate::slug::slugify(c), |t| t.slug.clone());
        out.push(Group {
            title: c.clone(),
            id: format!("topic-{slug}"),
            pages: by_category.remove(c.as_str()).unwrap_or_default(),
        });
    }
    out.push(Group {
        title: "其他宣传品".into(),
        id: "topic-others".into(),
        pages: rest,
    });
    out.retain(|g| !g.pages.is_empty());
    out
}

/// The general (not per-community) PDFs print made for page `i`, as download links.
fn downloads(print: Option<&Value>) -> Vec<MaterialDownload> {
    let Some(print) = print else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, what) in [("downloads", "印刷版"), ("office", "自己打印版")] {
        let docs = print[key].as_array().into_iter().flatten();
        for d in docs.filter(|d| d["variant"].is_null()) {
            let kb = d["kb"]
                .as_u64()
                .map_or(String::new(), |k| format!("，{k} KB"));
            out.push(MaterialDownload {
                label: format!(
                    "{what} {} {}（PDF{kb}）",
                    d["size"].as_str().unwrap_or(""),
                    d["orientation"].as_str().unwrap_or("")
                ),
                href: d["href"].as_str().unwrap_or("").to_string(),
            });
        }
    }
    out
}

/// What other outputs made for the pages: print's files of posters and leaflets, the share images,
/// and whether the theme writes WeChat versions.
pub struct Made<'a> {
    pub print: &'a HashMap<usize, Value>,
    pub share: &'a HashMap<usize, ShareImage>,
    pub wechat: bool,
}

/// The page's template value.
pub fn value<'a>(site: &'a Site, channels: &'a Channels, made: &Made<'_>) -> MaterialsValue<'a> {
    let groups = groups(site, channels)
        .into_iter()
        .map(|g| MaterialGroup {
            items: g
                .pages
                .iter()
                .map(|&i| item(site, channels, made, i))
                .collect(),
            title: g.title,
            id: g.id,
        })
        .collect();
    MaterialsValue {
        sms_csv: super::SMS_CSV,
        sms_signature: &site.config.channels.sms_signature,
        groups,
    }
}

fn item<'a>(site: &'a Site, channels: &'a Channels, made: &Made<'_>, i: usize) -> MaterialItem<'a> {
    let p = &site.pages[i];
    let texts = channels.pages.get(i).and_then(Option::as_ref);
    MaterialItem {
        title: &p.meta.title,
        path: &p.path,
        id: super::anchor(p),
        kind: p.kind,
        kind_label: p.kind.label(),
        sms: texts.map(|t| t.sms.as_str()),
        sms_chars: texts.map(|t| t.sms_chars),
        broadcast: texts.map(|_| super::script_path(p)),
        broadcast_time: texts.map(|t| t.script_time.as_str()),
        downloads: downloads(made.print.get(&i)),
        share_image: made.share.get(&i).map(|s| s.src.clone()),
        wechat: (made.wechat && super::wechat::has_version(p.kind)).then(|| super::wechat::path(p)),
    }
}
