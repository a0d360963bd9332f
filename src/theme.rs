//! Themes: the default theme embedded in the binary, a site's own `themes/<name>/` on disk, and a site's
//! `templates/` overriding theme templates by name; compiling them into one Tera instance and listing
//! their static files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{Dir, include_dir};
use tera::Tera;

use crate::diag::{Diagnostic, codes};

/// The default theme, compiled into the binary.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where a static file's bytes come from.
#[derive(Clone, Debug)]
pub enum StaticSource {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

/// A compiled theme.
pub struct Theme {
    pub tera: Tera,
    /// Output path (relative) → source, site files overriding theme files.
    pub statics: Vec<(String, StaticSource)>,
    /// Where the templates came from, for messages.
    pub origin: String,
    /// A hash of every template and of the fingerprinted static addresses `asset_url()` gives: part
    /// of the key of every rendered file (see [`crate::reuse`]).
    pub fingerprint: crate::reuse::Key,
}

struct TemplateFile {
    name: String,
    display: PathBuf,
    text: String,
}

/// `(path relative to the folder, path)` of every file under the site folder `rel_dir` (for example
/// `themes/default/static`), sorted, skipping editor and OS debris; read through the site-root boundary.
pub fn read_dir_files(
    root: &Path,
    rel_dir: &str,
) -> Result<Vec<(String, PathBuf)>, Vec<Diagnostic>> {
    let walked = crate::boundary::Boundary::new(root).walk(rel_dir, crate::content::is_ignored)?;
    Ok(walked.into_iter().map(|e| (e.rel, e.abs)).collect())
}

fn embedded_files(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
    for f in dir.files() {
        out.push((f.path().to_string_lossy().replace('\\', "/"), f.contents()));
    }
    for d in dir.dirs() {
        embedded_files(d, out);
    }
}

/// `(relative path, bytes)` of every file of the embedded default theme, sorted.
pub fn default_theme_files() -> Vec<(String, &'static [u8])> {
    let mut v = Vec::new();
    embedded_files(&DEFAULT_THEME, &mut v);
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// Line and column from a Tera parse error message (`--> 3:10`).
fn tera_position(msg: &str) -> Option<(usize, usize)> {
    let at = msg.find("--> ")?;
    let rest = &msg[at + 4..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':'))
        .unwrap_or(rest.len());
    let (l, c) = rest[..end].split_once(':')?;
    Some((l.parse().ok()?, c.parse().ok()?))
}

fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut off = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return off
                + l.char_indices()
                    .nth(col.saturating_sub(1))
                    .map_or(0, |(b, _)| b);
        }
        off += l.len();
    }
    text.len()
}

/// Auto-escaping for templates: `&`, `<`, `>`, `"` and `'`, which is all HTML and XML need in text and
/// quoted attributes. Tera's default also turns every `/` into `&#x2F;`, which made each URL on a page
/// longer and gave the minifier thousands of entities to normalise on a 10,000-page build.
pub fn escape_html(input: &str) -> String {
    let Some(first) = input.find(['&', '<', '>', '"', '\'']) else {
        return input.to_string();
    };
    let mut out = String::with_capacity(input.len() + 16);
    out.push_str(&input[..first]);
    for c in input[first..].chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// `{{ page.title | keep_together | safe }}`: the text escaped, with dates, phone numbers and short
/// notes in brackets kept on one line (see [`crate::markdown::keep_together`]).
fn keep_together_filter(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let text = value.as_str().unwrap_or_default();
    Ok(tera::Value::String(
        crate::markdown::keep_together(text).unwrap_or_else(|| escape_html(text)),
    ))
}

/// The full chain of a Tera error, which holds the useful detail.
pub fn tera_error_text(e: &tera::Error) -> String {
    let mut text = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        text.push('：');
        text.push_str(&s.to_string());
        src = s.source();
    }
    text
}

/// Layers of a theme, lowest first: the embedded default theme, the site's `themes/<name>/`, then the
/// site's own `templates/` and `static/`. A file in a higher layer replaces the file of the same name
/// below it; every other file stays, so a site can override one template or add `fonts/` alone.
struct Layers {
    templates: BTreeMap<String, TemplateFile>,
    statics: BTreeMap<String, StaticSource>,
}

impl Layers {
    fn embedded() -> Layers {
        let mut l = Layers {
            templates: BTreeMap::new(),
            statics: BTreeMap::new(),
        };
        for (rel, bytes) in default_theme_files() {
            if let Some(t) = rel.strip_prefix("templates/") {
                l.templates.insert(
                    t.to_string(),
                    TemplateFile {
                        name: t.to_string(),
                        display: PathBuf::from(format!("(内置主题)/templates/{t}")),
                        text: String::from_utf8_lossy(bytes).into_owned(),
                    },
                );
            } else if let Some(s) = rel.strip_prefix("static/") {
                l.statics
                    .insert(s.to_string(), StaticSource::Embedded(bytes));
            }
        }
        l
    }

    /// Put the templates of the site folder `display` over the lower layers.
    fn add_templates(&mut self, root: &Path, display: &str) -> Result<(), Vec<Diagnostic>> {
        for (rel, path) in read_dir_files(root, display)? {
            let shown = PathBuf::from(format!("{display}/{rel}"));
            let text = crate::content::read_text(&path, &shown)
                .map_err(|e| vec![e])?
                .to_string();
            let t = TemplateFile {
                name: rel.clone(),
                display: PathBuf::from(format!("{display}/{rel}")),
                text,
            };
            self.templates.insert(rel, t);
        }
        Ok(())
    }

    fn add_statics(&mut self, root: &Path, display: &str) -> Result<(), Vec<Diagnostic>> {
        for (rel, path) in read_dir_files(root, display)? {
            self.statics.insert(rel, StaticSource::Disk(path));
        }
        Ok(())
    }
}

impl Theme {
    /// Load the theme named in `site.toml` and the site's template overrides, layered per file over
    /// the embedded default theme (see [`Layers`]).
    pub fn load(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
        let theme_dir = root.join("themes").join(name);
        let mut layers = Layers::embedded();
        let origin = if theme_dir.is_dir() {
            let display = format!("themes/{name}");
            layers.add_templates(root, &format!("{display}/templates"))?;
            layers.add_statics(root, &format!("{display}/static"))?;
            display
        } else if name == "default" {
            "内置默认主题".to_string()
        } else {
            return Err(vec![
                Diagnostic::error(codes::THEME_MISSING, format!("找不到主题「{name}」"))
                    .hint(format!(
                        "site.toml 里 theme = \"{name}\"，但站点下没有 themes/{name}/ 目录；改成 theme = \"default\" 使用内置主题"
                    )),
            ]);
        };
        // The site's own templates/ and static/ override the theme's by name.
        layers.add_templates(root, "templates")?;
        layers.add_statics(root, "static")?;
        let templates: Vec<TemplateFile> = layers.templates.into_values().collect();
        let mut statics: Vec<(String, StaticSource)> = layers.statics.into_iter().collect();
        let assets = fingerprint_statics(&mut statics);
        let fingerprint = theme_fingerprint(&templates, &assets);

        // Check each template's syntax on its own, to point at the right file and line.
        let mut errs = Vec::new();
        for t in &templates {
            if let Err(e) = tera::Template::new(&t.name, None, &t.text) {
                let msg = tera_error_text(&e);
                let source: Arc<str> = Arc::from(t.text.as_str());
                let span = tera_position(&msg).map_or(0..0, |(l, c)| {
                    let o = offset_of(&t.text, l, c);
                    o..o + 1
                });
                errs.push(
                    Diagnostic::error(codes::TEMPLATE_SYNTAX, format!("模板 {} 有语法错误", t.name))
                        .at(&t.display, &source, span)
                        .label("这里写得不对")
                        .hint(format!(
                            "Tera 模板语法：变量 {{{{ page.title }}}}，语句 {{% if … %}}…{{% endif %}}。详情：{}",
                            msg.lines().last().unwrap_or("").trim()
                        )),
                );
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        tera.register_function("icon", crate::icons::tera_function);
        tera.register_filter("keep_together", keep_together_filter);
        tera.register_function(
            "asset_url",
            move |args: &std::collections::HashMap<String, tera::Value>| asset_url(&assets, args),
        );
        tera.add_raw_templates(templates.iter().map(|t| (t.name.as_str(), t.text.as_str())))
            .map_err(|e| {
                vec![
                    Diagnostic::error(
                        codes::TEMPLATE_SYNTAX,
                        format!("模板组合出错：{}", tera_error_text(&e)),
                    )
                    .hint("检查 {% extends %} 和 {% import %} 指向的模板是否存在"),
                ]
            })?;
        Ok(Theme {
            tera,
            statics,
            origin,
            fingerprint,
        })
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }
}

/// What a rendered file depends on in the theme: every template (name and text, in name order)
/// and the addresses `asset_url()` gives.
fn theme_fingerprint(
    templates: &[TemplateFile],
    assets: &BTreeMap<String, String>,
) -> crate::reuse::Key {
    let mut h = crate::reuse::Hasher::of("theme");
    let mut sorted: Vec<&TemplateFile> = templates.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    for t in sorted {
        h.str(&t.name).str(&t.text);
    }
    for (name, url) in assets {
        h.str(name).str(url);
    }
    h.finish()
}

/// Hex digits of the content hash in a fingerprinted file name (`fangpian.0123456789.css`).
const FINGERPRINT_LEN: usize = 10;

/// Whether a file name carries a content fingerprint (written by [`fingerprint_statics`]), so its
/// bytes never change under that name.
pub fn is_fingerprinted(name: &str) -> bool {
    let Some((stem, _ext)) = name.rsplit_once('.') else {
        return false;
    };
    stem.rsplit_once('.').is_some_and(|(_, hash)| {
        hash.len() == FINGERPRINT_LEN
            && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// Add a copy of every CSS and JavaScript static named by its content (`fangpian.css` →
/// `fangpian.<hash>.css`, blake3, deterministic) and return plain name → `/fingerprinted` path, for
/// the `asset_url()` template function. The plain name stays, for templates that link it directly.
fn fingerprint_statics(statics: &mut Vec<(String, StaticSource)>) -> BTreeMap<String, String> {
    let mut urls = BTreeMap::new();
    let mut extra = Vec::new();
    for (rel, src) in statics.iter() {
        let Some((stem, ext)) = rel.rsplit_once('.') else {
            continue;
        };
        if !matches!(ext, "css" | "js") || is_fingerprinted(rel) {
            continue;
        }
        let hash = match src {
            StaticSource::Embedded(bytes) => blake3::hash(bytes),
            StaticSource::Disk(path) => match std::fs::read(path) {
                Ok(bytes) => blake3::hash(&bytes),
                // The copy of the plain file reports the error.
                Err(_) => continue,
            },
        };
        let named = format!("{stem}.{}.{ext}", &hash.to_hex()[..FINGERPRINT_LEN]);
        urls.insert(rel.clone(), format!("/{named}"));
        extra.push((named, src.clone()));
    }
    statics.extend(extra);
    statics.sort_by(|a, b| a.0.cmp(&b.0));
    urls
}

/// `asset_url(path="fangpian.css")`: the content-fingerprinted address of a theme or site static
/// CSS or JavaScript file, so a browser's cached copy never mismatches a new page.
fn asset_url(
    urls: &BTreeMap<String, String>,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let path = args.get("path").and_then(|v| v.as_str()).ok_or_else(|| {
        tera::Error::msg("asset_url 需要参数 path，例如 asset_url(path=\"fangpian.css\")")
    })?;
    let key = path.trim_start_matches('/');
    match urls.get(key) {
        Some(url) => Ok(tera::Value::from(url.as_str())),
        None => Err(tera::Error::msg(format!(
            "asset_url：static 目录里没有 CSS 或 JavaScript 文件「{key}」（有：{}）",
            urls.keys().cloned().collect::<Vec<_>>().join("、")
        ))),
    }
}
