//! The layers under the outputs, called as a library on the example site: site assembly (order, the
//! `@/` link table, taxonomies), the render context every template gets (summaries, page values, what
//! print made) and print planning (documents per size and community version, previews).

mod common;

use std::collections::{BTreeSet, HashMap};

use fangpian::build::{self, Loaded, Options};
use fangpian::frontmatter::{Kind, KindFields};
use fangpian::render::{RenderCache, Renderer};
use fangpian::theme::Theme;
use serde_json::json;

use common::*;

fn example() -> Loaded {
    let opts = Options {
        root: repo_root(),
        ..Options::default()
    };
    match build::load(&opts) {
        Ok(l) => l,
        Err(f) => panic!("the example site loads: {:?}", f.0),
    }
}

#[test]
fn site_assembly_orders_links_and_groups_pages() {
    let l = example();
    let site = &l.site;
    // Every page and section is in the `@/` link table, and resolves back to itself.
    for (i, p) in site.pages.iter().enumerate() {
        assert_eq!(site.paths.get(&p.rel), Some(&p.path), "{}", p.rel);
        assert_eq!(site.page_index_for_link(&format!("@/{}#x", p.rel)), Some(i));
        assert_eq!(site.page_index_for_link(&format!("@/./{}", p.rel)), Some(i));
    }
    assert_eq!(site.page_index_for_link("tactics/x.md"), None);
    // Every page is in exactly one section, and dated sections list the newest first.
    let mut seen = BTreeSet::new();
    for s in &site.sections {
        for &i in &s.pages {
            assert!(seen.insert(i), "page {i} in two sections");
            assert_eq!(
                site.pages[i].section,
                site.sections
                    .iter()
                    .position(|x| std::ptr::eq(x, s))
                    .unwrap()
            );
        }
        let dates: Vec<_> = s
            .pages
            .iter()
            .filter_map(|&i| site.pages[i].meta.date)
            .collect();
        if s.meta.sort_by == fangpian::frontmatter::SortBy::Date {
            assert!(
                dates.windows(2).all(|w| w[0].date >= w[1].date),
                "{}: {dates:?}",
                s.path
            );
        }
    }
    assert_eq!(seen.len(), site.pages.len());
    // Each tag page lists exactly the pages that carry the tag; URLs are unique.
    let tags = &site.taxonomies[0];
    assert!(!tags.terms.is_empty());
    for t in &tags.terms {
        let carrying: Vec<usize> = (0..site.pages.len())
            .filter(|&i| site.pages[i].meta.tags.contains(&t.name))
            .collect();
        let mut listed = t.pages.clone();
        listed.sort();
        assert_eq!(listed, carrying, "tag {}", t.name);
    }
    let mut urls: Vec<&str> = site.pages.iter().map(|p| p.path.as_str()).collect();
    urls.extend(site.sections.iter().map(|s| s.path.as_str()));
    let n = urls.len();
    urls.sort();
    urls.dedup();
    assert_eq!(urls.len(), n, "every URL has one owner");
}

#[test]
fn the_render_context_gives_each_kind_its_fields() {
    let l = example();
    let site = &l.site;
    let theme = Theme::load(&site.root, &site.config.theme).unwrap();
    let mut cache = RenderCache::new(site, &l.bodies);
    let tactic = site.pages_of_kind(Kind::Tactic)[0];
    let poster = site.pages_of_kind(Kind::Poster)[0];
    let alert = site.pages_of_kind(Kind::Alert)[0];
    // What print made reaches the page and, as its first preview, every list.
    let preview = json!({ "src": "/posters/x.png", "width": 720, "height": 1018, "alt": "预览" });
    let made = json!({ "downloads": [], "previews": [preview.clone()], "versions": [] });
    cache.set_print(HashMap::from([(poster, made.clone())]), HashMap::new());
    let r = Renderer::new(site, &theme, &l.bodies, &cache);

    let t = r.page_value(tactic);
    let p = &site.pages[tactic];
    assert_eq!(t["title"], json!(p.meta.title));
    assert_eq!(t["kind"], json!("tactic"));
    assert!(t["warning_signs"].as_array().is_some_and(|w| !w.is_empty()));
    assert!(t["content"].as_str().is_some_and(|c| c.contains("<p>")));
    // The cases listed on a tactic are exactly those naming it.
    let naming: BTreeSet<String> = site
        .pages
        .iter()
        .filter(|c| match &c.meta.fields {
            KindFields::Case { tactics, .. } => tactics
                .iter()
                .any(|x| site.page_for_link(&x.value).is_some_and(|q| q.rel == p.rel)),
            _ => false,
        })
        .map(|c| c.path.clone())
        .collect();
    let listed: BTreeSet<String> = t["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, naming);

    let a = cache.summary(alert);
    assert!(
        ["提示", "警示", "紧急"].contains(&a["level"].as_str().unwrap()),
        "{a}"
    );
    assert!(
        a.get("warning_signs").is_none(),
        "summaries stay small: {a}"
    );

    let v = r.page_value(poster);
    assert_eq!(v["print"], made);
    assert_eq!(v["preview"], preview);
    assert_eq!(cache.summary(poster)["preview"], preview);
    assert!(v["sizes"].as_array().is_some_and(|s| !s.is_empty()));
    assert!(cache.summary(tactic).get("preview").is_none());
}

#[test]
fn print_planning_makes_every_size_and_version_once() {
    let l = example();
    let site = &l.site;
    let plan = fangpian::print::plan(site).unwrap();
    let posters = site.pages_of_kind(Kind::Poster).len() + site.pages_of_kind(Kind::Leaflet).len();
    assert_eq!(plan.items.len(), posters, "one item per poster and leaflet");
    let mut rels = BTreeSet::new();
    for item in &plan.items {
        let page = &site.pages[item.page];
        let KindFields::Print(f) = &page.meta.fields else {
            panic!("{} is not print", page.rel)
        };
        let sizes = f.sizes_or(&site.config.print.paper);
        let versions = 1 + item.variants.as_ref().map_or(0, |v| v.variants.len());
        let primary: Vec<_> = item.documents.iter().filter(|d| d.primary).collect();
        assert_eq!(
            primary.len(),
            1,
            "{}: one general version at the main size",
            page.rel
        );
        assert_eq!(primary[0].size, sizes[0]);
        assert!(primary[0].variant.is_none());
        for size in &sizes {
            let n = item
                .documents
                .iter()
                .filter(|d| &d.size == size && !d.office)
                .count();
            assert_eq!(n, versions, "{}: {size} in every version", page.rel);
        }
        // And one A4 office copy (自印版) per version, without previews.
        let office: Vec<_> = item.documents.iter().filter(|d| d.office).collect();
        assert_eq!(office.len(), versions, "{}: office copies", page.rel);
        assert!(office.iter().all(|d| d.size == "A4" && !d.primary));
        for d in &item.documents {
            assert!(rels.insert(d.rel.clone()), "{} planned twice", d.rel);
            assert!(d.rel.ends_with(".pdf"));
            // Previews only for the main size, one set per version.
            let main = d.size == sizes[0] && !d.office;
            assert_eq!(!d.previews.is_empty(), main, "{}", d.rel);
        }
    }
}
