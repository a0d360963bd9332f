//! The Typst engine behind print: the only module that touches the Typst crates (pinned to one exact
//! version in Cargo.toml, because every 0.x release changes their API). It owns the `World` a poster
//! compiles in — the print templates, the poster's data and QR code as virtual files, the site's own
//! files confined to the site root, the fonts — and turns a compiled document into PDF bytes and PNG
//! previews. No package is ever downloaded: `@preview/…` imports fail.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_kit::fonts::{FontPath, FontStore};
use typst_layout::PagedDocument;

use crate::boundary::{Boundary, Resolved};

/// The Typst version every PDF is made with (part of the cache key).
pub const TYPST_VERSION: &str = "0.15.1";

/// A font file the theme ships.
pub struct FontFile {
    pub name: String,
    pub bytes: Arc<[u8]>,
}

/// Where a poster's characters can be drawn from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cover {
    Theme,
    System,
    Nowhere,
}

struct Fonts {
    /// The theme's fonts, parsed once (the site's theme first, then the embedded default theme's).
    theme_fonts: Vec<Font>,
    /// Theme fonts alone.
    theme: FontStore,
    /// Theme fonts followed by the system's, scanned on first need.
    all: OnceLock<FontStore>,
}

fn store_of(fonts: &[Font]) -> FontStore {
    let mut store = FontStore::new();
    for font in fonts {
        store.push((font.clone(), font.info().clone()));
    }
    store
}

/// Whether any font of `store` has a glyph for `c`.
fn covers(store: &FontStore, c: char) -> bool {
    let book = store.book();
    (0..)
        .map_while(|i| book.info(i))
        .any(|info| info.coverage.contains(c as u32))
}

impl Fonts {
    fn new(files: Vec<FontFile>) -> Fonts {
        let theme_fonts: Vec<Font> = files
            .iter()
            .flat_map(|f| Font::iter(Bytes::new(f.bytes.clone())))
            .collect();
        Fonts {
            theme: store_of(&theme_fonts),
            theme_fonts,
            all: OnceLock::new(),
        }
    }

    fn all(&self) -> &FontStore {
        self.all.get_or_init(|| {
            let mut store = store_of(&self.theme_fonts);
            let mut system: Vec<(FontPath, FontInfo)> = typst_kit::fonts::system().collect();
            // The scan order depends on the file system; sort so that fallback picks are stable.
            system.sort_by(|a, b| (&a.0.path, a.0.index).cmp(&(&b.0.path, b.0.index)));
            store.extend(system);
            store
        })
    }

    fn cover(&self, c: char) -> Cover {
        if covers(&self.theme, c) {
            Cover::Theme
        } else if covers(self.all(), c) {
            Cover::System
        } else {
            Cover::Nowhere
        }
    }
}

/// One print template file: its name under `print/`, where it came from (for messages) and its text.
#[derive(Clone)]
pub struct TemplateFile {
    pub name: String,
    pub display: PathBuf,
    pub text: Arc<str>,
}

/// The print engine of one build: templates, fonts and Typst's standard library, shared by every poster.
pub struct Engine {
    library: LazyHash<Library>,
    fonts: Fonts,
    templates: HashMap<String, TemplateFile>,
    /// Files a template reads (images) must be inside the site root.
    boundary: Boundary,
}

/// One document to compile.
pub struct Job<'a> {
    /// The template under `print/`, without `.typ`.
    pub template: &'a str,
    /// The data the template's `render` function receives, as JSON.
    pub data: Vec<u8>,
    /// The QR code as SVG, served as `/qr.svg`.
    pub qr_svg: Option<Vec<u8>>,
    /// Whether the system's fonts are needed (some character is in none of the theme fonts).
    pub system_fonts: bool,
}

/// A compiled document, ready for export.
pub struct Compiled {
    doc: PagedDocument,
}

/// A place in a template file: the file, its text and the byte range.
pub type TemplatePlace = (PathBuf, Arc<str>, std::ops::Range<usize>);

/// A template (or Typst) error: its message, the engine's hints and, when one is known, the place in
/// a template file.
#[derive(Debug)]
pub struct TemplateFailure {
    pub message: String,
    pub hints: Vec<String>,
    pub place: Option<TemplatePlace>,
}

/// Why a document could not be made.
#[derive(Debug)]
pub enum Error {
    /// The template measured its content and found it too big: `(area, excess in mm, excess in %)`.
    Overflow {
        area: String,
        by_mm: f64,
        by_percent: f64,
    },
    /// A template (or Typst) error.
    Template(TemplateFailure),
    /// Glyphs the fonts lack, found in the laid-out pages.
    Tofu(Vec<char>),
}

impl Engine {
    /// An engine for the site at `root` with these templates (name → file) and theme fonts.
    pub fn new(root: &Path, templates: Vec<TemplateFile>, fonts: Vec<FontFile>) -> Engine {
        Engine {
            library: LazyHash::new(Library::builder().build()),
            fonts: Fonts::new(fonts),
            templates: templates.into_iter().map(|t| (t.name.clone(), t)).collect(),
            boundary: Boundary::new(root),
        }
    }

    /// Whether a template of this name exists.
    pub fn has_template(&self, name: &str) -> bool {
        self.templates.contains_key(&format!("{name}.typ"))
    }

    /// Names of the layouts (`.typ` files under `print/` not starting with `_`, and not `lib` or the
    /// share image's `share`).
    pub fn layouts(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .templates
            .keys()
            .filter_map(|k| k.strip_suffix(".typ"))
            .filter(|k| !k.contains('/') && !k.starts_with('_') && !matches!(*k, "lib" | "share"))
            .collect();
        v.sort_unstable();
        v
    }

    /// Which fonts can draw `c`.
    pub fn cover(&self, c: char) -> Cover {
        self.fonts.cover(c)
    }

    /// Lay out a document.
    pub fn compile(&self, job: &Job) -> Result<Compiled, Error> {
        let main_text = format!(
            "#import \"/print/{}.typ\": render\n#render(json(\"/data.json\"))\n",
            job.template
        );
        let main = file_id("/main.typ");
        let world = PosterWorld {
            engine: self,
            main: Source::new(main, main_text),
            data: Bytes::new(job.data.clone()),
            qr: job.qr_svg.clone().map(Bytes::new),
            system_fonts: job.system_fonts,
            sources: Default::default(),
        };
        let warned = typst::compile::<PagedDocument>(&world);
        let doc = match warned.output {
            Ok(doc) => doc,
            Err(errors) => return Err(world.convert(&errors)),
        };
        let tofu = tofu(&doc);
        if !tofu.is_empty() {
            return Err(Error::Tofu(tofu));
        }
        Ok(Compiled { doc })
    }
}

/// Drop Typst's memoized results that the last `max_age` evictions did not use. Typst keeps every
/// intermediate result of every compilation for reuse; a build that lays out thousands of documents
/// (share images) must trim them as it goes, or its memory grows by about 1 MB a document.
pub fn trim_caches(max_age: usize) {
    typst::comemo::evict(max_age);
}

/// Characters drawn with a font's "missing glyph" box.
fn tofu(doc: &PagedDocument) -> Vec<char> {
    use typst::layout::{Frame, FrameItem};
    fn walk(frame: &Frame, out: &mut Vec<char>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, out),
                FrameItem::Text(t) => {
                    for g in &t.glyphs {
                        if g.id == 0 {
                            let text = &t.text[g.range()];
                            out.extend(text.chars().filter(|c| !c.is_whitespace()));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for page in doc.pages() {
        walk(&page.frame, &mut out);
    }
    out.sort_unstable();
    out.dedup();
    out
}

impl Compiled {
    /// Number of pages.
    pub fn pages(&self) -> usize {
        self.doc.pages().len()
    }

    /// The PDF: tagged, with the document's title and language, fonts embedded as subsets, no timestamp.
    pub fn pdf(&self, ident: &str) -> Result<Vec<u8>, Error> {
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(ident.to_string()),
            creator: Smart::Custom(Some(format!("fangpian (Typst {TYPST_VERSION})"))),
            timestamp: None,
            page_ranges: None,
            // PDF/UA-1: tagged, with a title, language and alt texts, checked by Typst while exporting.
            standards: typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::Ua_1])
                .unwrap_or_default(),
            tagged: true,
            pretty: false,
        };
        typst_pdf::pdf(&self.doc, &options).map_err(|errs| {
            Error::Template(TemplateFailure {
                message: errs
                    .iter()
                    .map(|e| e.message.to_string())
                    .collect::<Vec<_>>()
                    .join("；"),
                hints: errs
                    .iter()
                    .flat_map(|e| e.hints.iter().map(|h| h.v.to_string()))
                    .collect(),
                place: None,
            })
        })
    }

    /// A PNG of page `index` (without the bleed), `width_px` pixels wide.
    pub fn png(&self, index: usize, width_px: u32) -> Option<Vec<u8>> {
        let page = self.doc.pages().get(index)?;
        let width_pt = page.frame.width().to_pt().max(1.0);
        let options = typst_render::RenderOptions {
            pixel_per_pt: typst::utils::Scalar::new(f64::from(width_px) / width_pt),
            render_bleed: false,
        };
        let pixmap = typst_render::render(page, &options);
        let (width, height) = (pixmap.width(), pixmap.height());
        super::png::encode(&pixmap.take_demultiplied(), width, height).ok()
    }
}

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a valid virtual path"),
    )
    .intern()
}

/// The world one poster compiles in.
struct PosterWorld<'a> {
    engine: &'a Engine,
    main: Source,
    data: Bytes,
    qr: Option<Bytes>,
    system_fonts: bool,
    sources: std::sync::Mutex<HashMap<FileId, Source>>,
}

impl PosterWorld<'_> {
    fn path_of(id: FileId) -> Option<String> {
        let rooted = id.get();
        if matches!(rooted.root(), VirtualRoot::Package(_)) {
            return None;
        }
        Some(rooted.vpath().get_with_slash().to_string())
    }

    /// The bytes behind a virtual path: generated files, templates, or a file of the site.
    fn read(&self, id: FileId) -> FileResult<Bytes> {
        let Some(path) = Self::path_of(id) else {
            return Err(FileError::Other(Some(
                "fangpian 不下载 Typst 包；把需要的文件放进主题的 print/ 目录".into(),
            )));
        };
        match path.as_str() {
            "/data.json" => return Ok(self.data.clone()),
            "/qr.svg" => {
                return self
                    .qr
                    .clone()
                    .ok_or_else(|| FileError::NotFound(PathBuf::from("/qr.svg")));
            }
            _ => {}
        }
        if let Some(name) = path.strip_prefix("/print/") {
            return self
                .engine
                .templates
                .get(name)
                .map(|t| Bytes::from_string(t.text.to_string()))
                .ok_or_else(|| FileError::NotFound(PathBuf::from(&path)));
        }
        // Any other path is a file of the site, which must stay inside the site root.
        let rel = path.trim_start_matches('/');
        let canon = match self.engine.boundary.resolve(rel) {
            Ok(Resolved::File(p)) => p,
            Ok(Resolved::Dir(_)) => return Err(FileError::IsDirectory),
            Ok(Resolved::Missing) => return Err(FileError::NotFound(PathBuf::from(rel))),
            Err(d) => return Err(FileError::Other(Some(d.message.into()))),
        };
        std::fs::read(&canon)
            .map(Bytes::new)
            .map_err(|e| FileError::from_io(e, &canon))
    }

    fn display(&self, id: FileId) -> (PathBuf, Arc<str>) {
        let path = Self::path_of(id).unwrap_or_default();
        if let Some(t) = path
            .strip_prefix("/print/")
            .and_then(|n| self.engine.templates.get(n))
        {
            return (t.display.clone(), t.text.clone());
        }
        let text: Arc<str> = self
            .source(id)
            .map(|s| Arc::from(s.text()))
            .unwrap_or_else(|_| Arc::from(""));
        (PathBuf::from(path.trim_start_matches('/')), text)
    }

    fn convert(&self, errors: &[SourceDiagnostic]) -> Error {
        let first = errors
            .iter()
            .find(|e| e.severity == Severity::Error)
            .or(errors.first());
        let Some(first) = first else {
            return Error::Template(TemplateFailure {
                message: "排版失败".into(),
                hints: vec![],
                place: None,
            });
        };
        let message = first.message.to_string();
        if let Some(o) = parse_overflow(&message) {
            return o;
        }
        let hints: Vec<String> = first.hints.iter().map(|h| h.v.to_string()).collect();
        // Prefer the innermost place inside a template over the generated main file.
        let main = self.main.id();
        let spans = std::iter::once(first.span).chain(first.trace.iter().map(|t| t.span.into()));
        for span in spans {
            if let Some(id) = span.id()
                && id != main
                && let Some(range) = self.range(span)
            {
                let (file, source) = self.display(id);
                return Error::Template(TemplateFailure {
                    message,
                    hints,
                    place: Some((file, source, range)),
                });
            }
        }
        Error::Template(TemplateFailure {
            message,
            hints,
            place: None,
        })
    }
}

/// `panic("fangpian-overflow", area, mm, percent)` from the templates' `fit` helper.
fn parse_overflow(message: &str) -> Option<Error> {
    let at = message.find("fangpian-overflow|")?;
    let rest = &message[at + "fangpian-overflow|".len()..];
    let rest = rest.split('"').next().unwrap_or(rest);
    let mut parts = rest.split('|');
    let area = parts.next()?.to_string();
    let by_mm = parts.next()?.trim().parse().ok()?;
    let by_percent = parts.next()?.trim().parse().ok()?;
    Some(Error::Overflow {
        area,
        by_mm,
        by_percent,
    })
}

impl World for PosterWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        if self.system_fonts {
            self.engine.fonts.all().book()
        } else {
            self.engine.fonts.theme.book()
        }
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let mut cache = self.sources.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = cache.get(&id) {
            return Ok(s.clone());
        }
        let bytes = self.read(id)?;
        let text = std::str::from_utf8(bytes.as_slice())
            .map_err(|_| FileError::InvalidUtf8)?
            .to_string();
        let source = Source::new(id, text);
        cache.insert(id, source.clone());
        Ok(source)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.read(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        if self.system_fonts {
            self.engine.fonts.all().font(index)
        } else {
            self.engine.fonts.theme.font(index)
        }
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Posters must not change with the day they are built on.
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_payload_is_parsed_from_a_typst_panic() {
        let Some(Error::Overflow {
            area,
            by_mm,
            by_percent,
        }) = parse_overflow("panicked with: \"fangpian-overflow|要点|23.5|12\"")
        else {
            panic!("not parsed");
        };
        assert_eq!(area, "要点");
        assert_eq!(by_mm, 23.5);
        assert_eq!(by_percent, 12.0);
    }
}
