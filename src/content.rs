//! Loading `content/`: walking the tree (confined to the site root), reading files (UTF-8, BOM, CRLF),
//! parsing front matter in parallel, and building the section tree with kinds, slugs and URLs.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::{Diagnostic, codes};
use crate::frontmatter::{self, Kind, PageMeta, SectionMeta, SortBy};
use crate::slug::slugify;

/// A section: a folder of `content/` (with or without an `_index.md`).
#[derive(Clone, Debug)]
pub struct Section {
    /// Folder relative to `content/`, `""` for the home section, `"cases"`, `"cases/2022"`.
    pub dir: String,
    /// Display path of its `_index.md`, if it has one.
    pub file: Option<PathBuf>,
    pub source: Arc<str>,
    pub body: Range<usize>,
    pub meta: SectionMeta,
    pub kind: Kind,
    /// URL path, `/` or `/cases/`.
    pub path: String,
    pub parent: Option<usize>,
    pub subsections: Vec<usize>,
    pub pages: Vec<usize>,
}

/// A page: one markdown file, or a folder with an `index.md` (a page bundle with its assets).
#[derive(Clone, Debug)]
pub struct Page {
    /// Display path, `content/tactics/baojianpin.md`.
    pub file: PathBuf,
    /// Path relative to `content/`, as written in `@/` links: `tactics/baojianpin.md`.
    pub rel: String,
    pub source: Arc<str>,
    pub body: Range<usize>,
    pub meta: PageMeta,
    pub kind: Kind,
    pub section: usize,
    pub slug: String,
    /// URL path, `/tactics/baojianpin/`.
    pub path: String,
    /// URL of the folder relative images resolve against.
    pub asset_base: String,
    /// The hash of the file's name and whole text: the page's part of the keys of what is made
    /// from all of it (channel texts, search documents), hashed once when the page is read.
    pub source_key: crate::reuse::Key,
}

/// A non-markdown file under `content/`, copied next to the page or section that holds it.
#[derive(Clone, Debug)]
pub struct Asset {
    pub src: PathBuf,
    /// Output path relative to the output folder, e.g. `cases/photo.jpg`.
    pub out: String,
}

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct Content {
    pub sections: Vec<Section>,
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
}

enum FileRole {
    Section,
    Page { bundle: bool },
    Asset,
}

struct Found {
    abs: PathBuf,
    /// Relative to `content/`, with `/` separators.
    rel: String,
    role: FileRole,
}

/// Editor and operating-system debris, skipped and never published: hidden files (`.DS_Store`,
/// `.x.md.swp`), backups (`x.md~`, `#x.md#`), Office lock files (`~$稿子.docx`), `Thumbs.db`,
/// `desktop.ini`.
/// A file named just `.md` is not hidden but a page without a name, reported by [`load_page`].
/// An `@/` link to a content file, as written in markdown and in front matter: `@/tactics/x.md#anchor`.
/// The one parser of that form; everything that follows such a link goes through it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContentLink<'a> {
    /// Path relative to `content/` (`tactics/x.md`), as in [`Page::rel`].
    pub target: &'a str,
    pub anchor: Option<&'a str>,
}

impl<'a> ContentLink<'a> {
    /// `None` when `link` is not an `@/` link.
    pub fn parse(link: &'a str) -> Option<Self> {
        let rest = link.strip_prefix("@/")?.trim_start_matches("./");
        Some(Self::split(rest))
    }

    /// `tactics/x.md#anchor` (already relative to `content/`) into its target and anchor.
    pub fn split(rest: &'a str) -> Self {
        match rest.split_once('#') {
            Some((target, anchor)) => ContentLink {
                target,
                anchor: Some(anchor),
            },
            None => ContentLink {
                target: rest,
                anchor: None,
            },
        }
    }
}

pub fn is_ignored(name: &str) -> bool {
    let lower = name.to_lowercase();
    (name.starts_with('.') && name != ".md")
        || name.ends_with('~')
        || name.starts_with('#')
        || name.starts_with("~$")
        || lower.ends_with(".swp")
        || ["thumbs.db", "ehthumbs.db", "desktop.ini"].contains(&lower.as_str())
}

/// The `.md` name a misnamed content file should have: `x.txt`, `x.md.txt`, `x.markdown`, `x.mdown`,
/// `x.mkd` and upper- or mixed-case `x.MD` never become pages, and must not be published raw.
fn misnamed_page(name: &str) -> Option<String> {
    let lower = name.to_lowercase();
    let stem_len = [
        ".md.txt",
        ".markdown",
        ".mdown",
        ".mkdn",
        ".mkd",
        ".txt",
        ".md",
    ]
    .iter()
    .find(|ext| lower.ends_with(*ext))
    .map(|ext| name.len() - ext.len())?;
    let fixed = format!("{}.md", &name[..stem_len]);
    (fixed != name).then_some(fixed)
}

/// Whether a file that is not named `.md` starts with front matter (`+++` or YAML's `---`).
fn starts_with_front_matter(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 8];
    let n = std::fs::File::open(path)
        .and_then(|f| f.take(8).read(&mut head))
        .unwrap_or(0);
    let head = head[..n]
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(&head[..n]);
    let head = head.strip_prefix(b"\r").unwrap_or(head);
    ["+++\n", "+++\r", "---\n", "---\r"]
        .iter()
        .any(|m| head.starts_with(m.as_bytes()))
}

/// A content file that would have been published raw: named like a page but not `.md`, or text with
/// front matter under another name. Points at its first line.
fn misnamed_content(abs: &Path, rel: &str, fixed: Option<&str>) -> Diagnostic {
    let display = Path::new("content").join(rel);
    // Only the start is shown: the file may be large.
    let mut bytes = Vec::new();
    let _ = std::fs::File::open(abs).and_then(|f| {
        use std::io::Read;
        f.take(64 * 1024).read_to_end(&mut bytes)
    });
    let text: Arc<str> = Arc::from(String::from_utf8_lossy(&bytes));
    let first_line = text.find('\n').unwrap_or(text.len());
    let dir = parent_dir(rel);
    let target = |name: &str| {
        if dir.is_empty() {
            format!("content/{name}")
        } else {
            format!("content/{dir}/{name}")
        }
    };
    let (message, hint) = match fixed {
        Some(f) => (
            format!("{} 不是 .md 文件，不会变成网页", display.display()),
            format!(
                "要发布成网页，把它改名为 {}；如果是内部材料或草稿，请移到 content 目录以外（例如站点目录下的 drafts/），content 里的其他文件会原样发布到网站上",
                target(f)
            ),
        ),
        None => (
            format!("{} 开头是 front matter，看起来是一篇内容，但文件名不是 .md", display.display()),
            "内容文件要用 .md 结尾才会变成网页；如果是内部材料或草稿，请移到 content 目录以外（例如站点目录下的 drafts/），否则它会被原样发布到网站上".to_string(),
        ),
    };
    Diagnostic::error(codes::MISNAMED_CONTENT, message)
        .at(&display, &text, 0..first_line)
        .label("这个文件不会变成网页")
        .hint(hint)
}

/// Walk `content/` (through the site-root boundary, which refuses links that lead outside it).
fn walk(root: &Path) -> Result<Vec<Found>, Vec<Diagnostic>> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(vec![
            Diagnostic::error(codes::CONTENT_MISSING, format!("找不到内容目录 {}", content.display()))
                .hint("站点根目录下要有 content 目录，用来放 markdown 文件；可用 `fangpian init 目录` 生成示例"),
        ]);
    }
    let mut found = Vec::new();
    let mut errs = Vec::new();
    let walked = crate::boundary::Boundary::new(root).walk("content", is_ignored)?;
    for entry in walked {
        let rel = entry.rel;
        if rel == "hotlines.toml" {
            continue;
        }
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        if let Some(fixed) = misnamed_page(name) {
            errs.push(misnamed_content(&entry.abs, &rel, Some(&fixed)));
            continue;
        }
        let role = if name == "_index.md" {
            FileRole::Section
        } else if name == "index.md" {
            FileRole::Page { bundle: true }
        } else if name.ends_with(".md") {
            FileRole::Page { bundle: false }
        } else if starts_with_front_matter(&entry.abs) {
            errs.push(misnamed_content(&entry.abs, &rel, None));
            continue;
        } else {
            FileRole::Asset
        };
        found.push(Found {
            abs: entry.abs,
            rel,
            role,
        });
    }
    if errs.is_empty() {
        Ok(found)
    } else {
        Err(errs)
    }
}

/// Read a file of the writer's as text: UTF-8 required, BOM removed.
pub fn read_text(abs: &Path, display: &Path) -> Result<Arc<str>, Diagnostic> {
    let bytes = std::fs::read(abs)
        .map_err(|e| crate::boundary::read_error(&display.to_string_lossy(), &e))?;
    decode_text(bytes, display)
}

/// The bytes of a file of the writer's as text (`display` names it): UTF-8 required, BOM removed.
/// The one decoder for every text file fangpian reads from a site.
pub fn decode_text(bytes: Vec<u8>, display: &Path) -> Result<Arc<str>, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(Arc::from(s))
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy: Arc<str> = Arc::from(String::from_utf8_lossy(e.as_bytes()).as_ref());
            // Map the byte offset into the lossy text: the valid prefix is identical.
            let name = display
                .file_name()
                .map_or_else(|| display.to_string_lossy(), |n| n.to_string_lossy());
            Err(
                Diagnostic::error(codes::INVALID_UTF8, format!("{name} 不是 UTF-8 编码"))
                    .at(display, &lossy, at..at + 1)
                    .label("从这里开始不是 UTF-8")
                    .hint("这个文件可能是 GBK 等编码保存的；请在编辑器里选「UTF-8」另存"),
            )
        }
    }
}

fn default_section_meta(dir: &str) -> SectionMeta {
    SectionMeta {
        title: dir.rsplit('/').next().unwrap_or(dir).to_string(),
        description: String::new(),
        kind: None,
        sort_by: SortBy::Date,
        weight: 0,
        template: None,
        page_template: None,
        draft: false,
        extra: serde_json::Value::Object(Default::default()),
    }
}

fn parent_dir(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// A section file's text, body range, front matter and display path (none for a folder without one).
type SectionParts = (Arc<str>, Range<usize>, SectionMeta, Option<PathBuf>);
type ParsedSection = Result<SectionParts, Vec<Diagnostic>>;

/// Load and parse every content file. Drafts are dropped unless `drafts`.
pub fn load(root: &Path, categories: &[String], drafts: bool) -> Result<Content, Vec<Diagnostic>> {
    let found = walk(root)?;
    let mut errs = Vec::new();
    let bundle_dirs: Vec<&str> = found
        .iter()
        .filter(|f| matches!(f.role, FileRole::Page { bundle: true }))
        .map(|f| parent_dir(&f.rel))
        .collect();
    let dirs = section_dirs(&found, &bundle_dirs);
    let mut tree = Tree::default();
    tree.add_sections(dirs, drafts, &mut errs);
    let page_of_rel = tree.add_pages(&found, categories, drafts, &mut errs);
    tree.add_assets(&found, &bundle_dirs, &page_of_rel);
    if errs.is_empty() {
        Ok(tree.content)
    } else {
        Err(errs)
    }
}

/// Every folder that holds content, with its `_index.md` if it has one: each is a section, except
/// page-bundle folders; every ancestor of a section is a section too.
fn section_dirs<'f>(
    found: &'f [Found],
    bundle_dirs: &[&str],
) -> BTreeMap<String, Option<&'f Found>> {
    let mut dirs: BTreeMap<String, Option<&Found>> = BTreeMap::new();
    dirs.insert(String::new(), None);
    for f in found {
        let mut d = parent_dir(&f.rel);
        if matches!(f.role, FileRole::Page { bundle: true }) {
            d = parent_dir(d);
        } else if matches!(f.role, FileRole::Asset)
            && bundle_dirs
                .iter()
                .any(|b| f.rel.starts_with(&format!("{b}/")))
        {
            continue;
        }
        let mut cur = d.to_string();
        loop {
            dirs.entry(cur.clone()).or_insert(None);
            if cur.is_empty() {
                break;
            }
            cur = parent_dir(&cur).to_string();
        }
        if matches!(f.role, FileRole::Section) {
            dirs.insert(d.to_string(), Some(f));
        }
    }
    dirs
}

/// The content tree being assembled, with the folder of each section and the folders left out
/// (drafts and everything below them).
#[derive(Default)]
struct Tree {
    content: Content,
    dir_index: HashMap<String, usize>,
    dropped_dirs: Vec<String>,
}

impl Tree {
    /// Parse the section files in parallel, then link the sections into a tree in folder order.
    fn add_sections(
        &mut self,
        dirs: BTreeMap<String, Option<&Found>>,
        drafts: bool,
        errs: &mut Vec<Diagnostic>,
    ) {
        let dir_list: Vec<(String, Option<&Found>)> = dirs.into_iter().collect();
        let parsed: Vec<ParsedSection> = dir_list
            .par_iter()
            .map(|(dir, f)| match f {
                None => Ok((Arc::from(""), 0..0, default_section_meta(dir), None)),
                Some(f) => {
                    let display = Path::new("content").join(&f.rel);
                    let source = read_text(&f.abs, &display).map_err(|e| vec![e])?;
                    let split = frontmatter::split(&display, &source).map_err(|e| vec![e])?;
                    let meta = frontmatter::parse_section(&display, &source, &split)?;
                    Ok((source, split.body, meta, Some(display)))
                }
            })
            .collect();
        for ((dir, _), res) in dir_list.iter().zip(parsed) {
            let parsed = res.unwrap_or_else(|e| {
                errs.extend(e);
                (Arc::from(""), 0..0, default_section_meta(dir), None)
            });
            self.add_section(dir, parsed, drafts);
        }
    }

    fn add_section(&mut self, dir: &str, parsed: SectionParts, drafts: bool) {
        let (source, body, meta, file) = parsed;
        let parent = if dir.is_empty() {
            None
        } else if let Some(&p) = self.dir_index.get(parent_dir(dir)) {
            Some(p)
        } else {
            // the parent was a draft section
            self.dropped_dirs.push(dir.to_string());
            return;
        };
        if meta.draft && !drafts && !dir.is_empty() {
            self.dropped_dirs.push(dir.to_string());
            return;
        }
        let sections = &mut self.content.sections;
        let folder = dir.rsplit('/').next().unwrap_or("");
        let kind = meta
            .kind
            .or_else(|| Kind::from_folder(folder))
            .or_else(|| {
                parent
                    .map(|p| sections[p].kind)
                    .filter(|k| *k != Kind::Page)
            })
            .unwrap_or(Kind::Page);
        let path = match parent {
            None => "/".to_string(),
            Some(p) => format!("{}{}/", sections[p].path, slugify(folder)),
        };
        let idx = sections.len();
        if let Some(p) = parent {
            sections[p].subsections.push(idx);
        }
        self.dir_index.insert(dir.to_string(), idx);
        sections.push(Section {
            dir: dir.to_string(),
            file,
            source,
            body,
            meta,
            kind,
            path,
            parent,
            subsections: Vec::new(),
            pages: Vec::new(),
        });
    }

    /// Parse the pages in parallel and add them to their sections; returns the index of each page by
    /// its path relative to `content/`.
    fn add_pages(
        &mut self,
        found: &[Found],
        categories: &[String],
        drafts: bool,
        errs: &mut Vec<Diagnostic>,
    ) -> HashMap<String, usize> {
        let page_files: Vec<&Found> = found
            .iter()
            .filter(|f| matches!(f.role, FileRole::Page { .. }))
            .collect();
        let parsed: Vec<Option<Result<Page, Vec<Diagnostic>>>> = page_files
            .par_iter()
            .map(|f| {
                let bundle = matches!(f.role, FileRole::Page { bundle: true });
                let own_dir = parent_dir(&f.rel);
                let sec_dir = if bundle { parent_dir(own_dir) } else { own_dir };
                let &section = self.dir_index.get(sec_dir)?;
                let sec = &self.content.sections[section];
                let display = Path::new("content").join(&f.rel);
                Some(load_page(f, &display, bundle, section, sec, categories))
            })
            .collect();
        let mut page_of_rel: HashMap<String, usize> = HashMap::new();
        let content = &mut self.content;
        for res in parsed.into_iter().flatten() {
            match res {
                Ok(page) if page.meta.draft && !drafts => {}
                Ok(page) => {
                    let idx = content.pages.len();
                    content.sections[page.section].pages.push(idx);
                    page_of_rel.insert(page.rel.clone(), idx);
                    content.pages.push(page);
                }
                Err(e) => errs.extend(e),
            }
        }
        page_of_rel
    }

    /// Assets are copied next to the section (or the bundle page) that holds them.
    fn add_assets(
        &mut self,
        found: &[Found],
        bundle_dirs: &[&str],
        page_of_rel: &HashMap<String, usize>,
    ) {
        for f in found.iter().filter(|f| matches!(f.role, FileRole::Asset)) {
            let dir = parent_dir(&f.rel);
            let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
            if self
                .dropped_dirs
                .iter()
                .any(|d| dir == d || dir.starts_with(&format!("{d}/")))
            {
                continue;
            }
            let base = if let Some(&p) = page_of_rel.get(&format!("{dir}/index.md")) {
                self.content.pages[p].path.clone()
            } else if bundle_dirs.contains(&dir) {
                continue; // a draft bundle
            } else if let Some(&s) = self.dir_index.get(dir) {
                self.content.sections[s].path.clone()
            } else {
                continue;
            };
            self.content.assets.push(Asset {
                src: f.abs.clone(),
                out: format!("{}{}", base.trim_start_matches('/'), name),
            });
        }
    }
}

/// Re-read one page after its file changed (same file, same section), for `serve`.
/// A page whose file name gives no URL (`.md`, `！！！.md`) and that has no `slug` key.
fn empty_slug(display: &Path, source: &Arc<str>, stem: &str) -> Diagnostic {
    Diagnostic::error(
        codes::INVALID_SLUG,
        format!("文件名「{stem}.md」里没有能用作网址的汉字、字母或数字"),
    )
    .in_file(display, source)
    .label("这篇文章没有网址")
    .hint("给文件改个名字，例如 zhuyi.md 或 注意事项.md；或者在 front matter 里加一行 slug = \"zhuyi\"")
}

pub fn reload_page(
    root: &Path,
    old: &Page,
    sec: &Section,
    categories: &[String],
) -> Result<Page, Vec<Diagnostic>> {
    let bundle = old.rel == "index.md" || old.rel.ends_with("/index.md");
    // The file may have been replaced by a link since the full build.
    let rel = format!("content/{}", old.rel);
    crate::boundary::Boundary::new(root)
        .resolve(&rel)
        .map_err(|d| vec![d])?;
    let f = Found {
        abs: root.join(rel),
        rel: old.rel.clone(),
        role: FileRole::Page { bundle },
    };
    load_page(&f, &old.file, bundle, old.section, sec, categories)
}

fn load_page(
    f: &Found,
    display: &Path,
    bundle: bool,
    section: usize,
    sec: &Section,
    categories: &[String],
) -> Result<Page, Vec<Diagnostic>> {
    let source = read_text(&f.abs, display).map_err(|e| vec![e])?;
    let split = frontmatter::split(display, &source).map_err(|e| vec![e])?;
    let meta = frontmatter::parse_page(display, &source, &split, sec.kind, categories)?;
    let stem = if bundle {
        parent_dir(&f.rel).rsplit('/').next().unwrap_or("")
    } else {
        let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
        name.strip_suffix(".md").unwrap_or(name)
    };
    let slug = match &meta.slug {
        Some(s) => {
            let slug = slugify(&s.value);
            if s.value.contains('/') || slug.is_empty() {
                return Err(vec![
                    Diagnostic::error(
                        codes::INVALID_SLUG,
                        format!("slug `{}` 不能用作网址", s.value),
                    )
                    .at(display, &source, s.span.clone())
                    .label("不合规的 slug")
                    .hint("slug 只写一段英文或拼音，不要带 /，例如 slug = \"baojianpin\""),
                ]);
            }
            slug
        }
        None => {
            let slug = slugify(stem);
            if slug.is_empty() {
                return Err(vec![empty_slug(display, &source, stem)]);
            }
            slug
        }
    };
    let path = format!("{}{}/", sec.path, slug);
    let asset_base = if bundle {
        path.clone()
    } else {
        sec.path.clone()
    };
    let mut h = crate::reuse::Hasher::of("page source");
    h.bytes(display.as_os_str().as_encoded_bytes()).str(&source);
    let source_key = h.finish();
    Ok(Page {
        file: display.to_path_buf(),
        rel: f.rel.clone(),
        source_key,
        source,
        body: split.body,
        meta,
        kind: sec.kind,
        section,
        slug,
        path,
        asset_base,
    })
}
