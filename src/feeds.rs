//! Machine-readable outputs: the Atom feed of alerts and cases, `sitemap.xml` and `robots.txt`.

use crate::frontmatter::Kind;
use crate::markdown::Bodies;
use crate::site::Site;

/// XML text escaping.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

const FEED_ENTRIES: usize = 30;
const EPOCH: &str = "1970-01-01T00:00:00Z";

/// Atom feed of the newest alerts and cases, summarised by `bodies` where a page has no description.
pub fn atom(site: &Site, bodies: &Bodies) -> String {
    let ids = feed_pages(site);
    let c = &site.config;
    let updated = ids
        .iter()
        .filter_map(|&i| {
            let m = &site.pages[i].meta;
            m.updated.or(m.date)
        })
        .max()
        .map_or_else(|| EPOCH.to_string(), |d| d.rfc3339());
    let mut x = String::with_capacity(1024 + ids.len() * 512);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(&c.language)
    ));
    x.push_str(&format!(
        "<title>{}：风险提示与典型案例</title>\n",
        xml_escape(&c.title)
    ));
    x.push_str(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&c.permalink("/atom.xml"))
    ));
    x.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&c.permalink("/"))
    ));
    x.push_str(&format!(
        "<id>{}</id>\n",
        xml_escape(&c.permalink("/atom.xml"))
    ));
    x.push_str(&format!("<updated>{updated}</updated>\n"));
    let author = if c.organization.is_empty() {
        &c.title
    } else {
        &c.organization
    };
    x.push_str(&format!(
        "<author><name>{}</name></author>\n",
        xml_escape(author)
    ));
    x.push_str("<generator>fangpian</generator>\n");
    for i in ids {
        entry(&mut x, site, bodies, i);
    }
    x.push_str("</feed>\n");
    x
}

/// The alerts and cases in the feed: newest first, at most [`FEED_ENTRIES`].
fn feed_pages(site: &Site) -> Vec<usize> {
    let mut ids: Vec<usize> = site.pages_of_kind(Kind::Alert);
    ids.extend(site.pages_of_kind(Kind::Case));
    ids.sort_by(|a, b| {
        let (pa, pb) = (&site.pages[*a], &site.pages[*b]);
        pb.meta
            .date
            .cmp(&pa.meta.date)
            .then_with(|| pa.path.cmp(&pb.path))
    });
    ids.truncate(FEED_ENTRIES);
    ids
}

/// The `<entry>` of page `i`.
fn entry(x: &mut String, site: &Site, bodies: &Bodies, i: usize) {
    let p = &site.pages[i];
    let url = site.config.permalink(&p.path);
    let published = p
        .meta
        .date
        .map_or_else(|| EPOCH.to_string(), |d| d.rfc3339());
    let updated = p
        .meta
        .updated
        .or(p.meta.date)
        .map_or_else(|| EPOCH.to_string(), |d| d.rfc3339());
    let summary = if p.meta.description.is_empty() {
        &bodies.pages[i].summary
    } else {
        &p.meta.description
    };
    x.push_str("<entry>\n");
    x.push_str(&format!("<title>{}</title>\n", xml_escape(&p.meta.title)));
    x.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&url)
    ));
    x.push_str(&format!("<id>{}</id>\n", xml_escape(&url)));
    x.push_str(&format!(
        "<published>{published}</published>\n<updated>{updated}</updated>\n"
    ));
    x.push_str(&format!(
        "<category term=\"{}\" label=\"{}\"/>\n",
        p.kind.name(),
        p.kind.label()
    ));
    x.push_str(&format!("<summary>{}</summary>\n", xml_escape(summary)));
    x.push_str("</entry>\n");
}

/// Every HTML page of the site with its last-modified date, sorted by path.
pub fn sitemap_entries(site: &Site) -> Vec<(String, Option<String>)> {
    let mut entries: Vec<(String, Option<String>)> = Vec::with_capacity(site.pages.len() + 64);
    for p in &site.pages {
        entries.push((
            p.path.clone(),
            p.meta.updated.or(p.meta.date).map(|d| d.ymd()),
        ));
    }
    for s in &site.sections {
        let lastmod = s
            .pages
            .iter()
            .filter_map(|&i| site.pages[i].meta.updated.or(site.pages[i].meta.date))
            .max();
        entries.push((s.path.clone(), lastmod.map(|d| d.ymd())));
    }
    for t in site.taxonomies.iter().filter(|t| !t.terms.is_empty()) {
        entries.push((t.path(), None));
        entries.extend(t.terms.iter().map(|term| (term.path.clone(), None)));
    }
    entries.push(("/hotlines/".to_string(), None));
    entries.sort();
    entries
}

/// `sitemap.xml` of every HTML page.
pub fn sitemap(site: &Site) -> String {
    let entries = sitemap_entries(site);
    let mut x = String::with_capacity(128 + entries.len() * 96);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (path, lastmod) in entries {
        x.push_str("<url><loc>");
        x.push_str(&xml_escape(&site.config.permalink(&path)));
        x.push_str("</loc>");
        if let Some(l) = lastmod {
            x.push_str("<lastmod>");
            x.push_str(&l);
            x.push_str("</lastmod>");
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    x
}

pub fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        site.config.permalink("/sitemap.xml")
    )
}
