//! Creating things for writers: `fangpian init DIR` (the starter site embedded in the binary) and
//! `fangpian new KIND "标题"` (a content file from the theme's archetype, with an ASCII pinyin slug and
//! today's date, never overwriting), and `fangpian theme copy` (the embedded default theme written into
//! the site for full customisation, keeping files the site already has).

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::config::SiteConfig;
use crate::diag::{Diagnostic, codes, did_you_mean};
use crate::frontmatter::{KIND_NAMES, Kind};
use crate::slug::slugify;

/// The example site's content and data, the starter of `init`.
static STARTER_CONTENT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/content");
static STARTER_DATA: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/data");
const STARTER_SITE_TOML: &str = include_str!("../site.toml");

fn io_err(path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(
        codes::OUTPUT_IO,
        format!("写入 {} 失败：{e}", path.display()),
    )
    .hint("检查文件夹权限和磁盘空间")
}

fn write_dir(dir: &Dir<'static>, to: &Path, written: &mut Vec<PathBuf>) -> Result<(), Diagnostic> {
    for f in dir.files() {
        let dest = to.join(f.path());
        if let Some(p) = dest.parent() {
            std::fs::create_dir_all(p).map_err(|e| io_err(p, e))?;
        }
        std::fs::write(&dest, f.contents()).map_err(|e| io_err(&dest, e))?;
        written.push(dest);
    }
    for d in dir.dirs() {
        write_dir(d, to, written)?;
    }
    Ok(())
}

/// Write the starter site into `dir`. Refuses a non-empty folder unless `force`.
pub fn init(dir: &Path, force: bool) -> Result<Vec<PathBuf>, Diagnostic> {
    if dir.exists() {
        let non_empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true);
        if non_empty && !force {
            return Err(Diagnostic::error(
                codes::OUTPUT_REFUSED,
                format!("{} 不是空文件夹，没有写入任何文件", dir.display()),
            )
            .hint("换一个新的文件夹名；确定要在里面写入示例站点（同名文件会被覆盖）时加 --force"));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    let mut written = Vec::new();
    let site = dir.join("site.toml");
    std::fs::write(&site, STARTER_SITE_TOML).map_err(|e| io_err(&site, e))?;
    written.push(site);
    write_dir(&STARTER_CONTENT, &dir.join("content"), &mut written)?;
    write_dir(&STARTER_DATA, &dir.join("data"), &mut written)?;
    let gitignore = dir.join(".gitignore");
    if !gitignore.exists() {
        std::fs::write(&gitignore, "/public\n/public-offline\n/.fangpian-cache\n")
            .map_err(|e| io_err(&gitignore, e))?;
        written.push(gitignore);
    }
    Ok(written)
}

/// The archetype text for a kind: the site's `themes/<theme>/archetypes/` first, else the embedded theme.
fn archetype(root: &Path, theme: &str, kind: Kind) -> Result<Option<String>, Diagnostic> {
    let name = format!("{}.md", kind.name());
    let boundary = crate::boundary::Boundary::new(root);
    for rel in [
        format!("themes/{theme}/archetypes/{name}"),
        format!("archetypes/{name}"),
    ] {
        if let Some(bytes) = boundary.read(&rel)? {
            return Ok(Some(String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    Ok(crate::theme::DEFAULT_THEME
        .get_file(format!("archetypes/{name}"))
        .map(|f| String::from_utf8_lossy(f.contents()).into_owned()))
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The folder (relative to `content/`) where new files of a kind go.
fn folder_for(kind: Kind) -> &'static str {
    match kind {
        Kind::Case => "cases",
        Kind::Tactic => "tactics",
        Kind::Alert => "alerts",
        Kind::Poster => "posters",
        Kind::Leaflet => "leaflets",
        Kind::Page => "",
    }
}

/// Create a new content file of `kind` titled `title`, named after `slug` if given, else after the
/// title's pinyin. Returns its path.
pub fn new_content(
    root: &Path,
    kind_name: &str,
    title: &str,
    slug: Option<&str>,
    today: time::Date,
) -> Result<PathBuf, Diagnostic> {
    let Some(kind) = Kind::from_name(kind_name) else {
        return Err(Diagnostic::error(codes::INVALID_VALUE, format!("没有「{kind_name}」这种内容"))
            .hint(format!("{}（case 典型案例、tactic 诈骗套路、alert 风险提示、poster 海报、leaflet 三折页、page 普通页面）", did_you_mean(kind_name, KIND_NAMES))));
    };
    let title = title.trim();
    if title.is_empty() {
        return Err(Diagnostic::error(codes::MISSING_TITLE, "标题不能是空的")
            .hint("例如：fangpian new case \"听了 20 天讲座花掉 8 万元\""));
    }
    let config = SiteConfig::load(root).map_err(|mut e| e.remove(0))?;
    let text = archetype(root, &config.theme, kind)?.ok_or_else(|| {
        Diagnostic::error(
            codes::TEMPLATE_MISSING,
            format!("主题里没有 {} 的模板文件", kind.name()),
        )
        .hint(format!(
            "在 themes/{}/archetypes/{}.md 放一个模板",
            config.theme,
            kind.name()
        ))
    })?;
    let body = fill_archetype(&text, kind, title, &config.categories, today)?;
    let slug = slugify(slug.unwrap_or(title));
    if slug.is_empty() {
        return Err(Diagnostic::error(
            codes::INVALID_SLUG,
            format!("「{title}」里没有能用作网址的汉字、字母或数字，没有新建文件"),
        )
        .hint("用 --slug 给出网址，例如 fangpian new page \"！！！\" --slug zhuyi；或者在标题里写上汉字、字母或数字"));
    }
    let dir = root.join("content").join(folder_for(kind));
    let path = dir.join(format!("{slug}.md"));
    if path.exists() {
        return Err(Diagnostic::error(
            codes::OUTPUT_REFUSED,
            format!("{} 已经存在，没有覆盖", path.display()),
        )
        .hint("换一个标题，或者直接打开这个文件修改"));
    }
    std::fs::create_dir_all(&dir).map_err(|e| io_err(&dir, e))?;
    std::fs::write(&path, body).map_err(|e| io_err(&path, e))?;
    Ok(path)
}

/// The archetype `text` of `kind` filled in: title, today's date, an expiry 90 days on, the site's
/// categories.
fn fill_archetype(
    text: &str,
    kind: Kind,
    title: &str,
    categories: &[String],
    today: time::Date,
) -> Result<String, Diagnostic> {
    let ymd = |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day());
    let mut ctx = tera::Context::new();
    ctx.insert("title", title);
    ctx.insert("title_toml", &toml_string(title));
    ctx.insert("date", &ymd(today));
    ctx.insert(
        "expires",
        &ymd(today.saturating_add(time::Duration::days(90))),
    );
    ctx.insert("categories", categories);
    ctx.insert(
        "category_toml",
        &toml_string(categories.first().map(String::as_str).unwrap_or("")),
    );
    tera::Tera::one_off(text, &ctx, false).map_err(|e| {
        Diagnostic::error(
            codes::TEMPLATE_SYNTAX,
            format!(
                "{} 的内容模板有错：{}",
                kind.name(),
                crate::theme::tera_error_text(&e)
            ),
        )
        .hint("检查 archetypes 里的 {{ }} 写法")
    })
}

/// What `fangpian theme copy` did: files written, and files left alone because the site had them.
#[derive(Debug, Default)]
pub struct ThemeCopy {
    pub written: Vec<PathBuf>,
    pub kept: Vec<PathBuf>,
}

/// Copy every file of the embedded default theme into `ROOT/themes/default/` for full customisation.
/// Files the site already has are kept (never overwritten) unless `force`.
pub fn copy_theme(root: &Path, force: bool) -> Result<ThemeCopy, Diagnostic> {
    if !root.join("site.toml").is_file() {
        return Err(Diagnostic::error(
            codes::SITE_MISSING,
            format!("{} 不是站点目录（没有 site.toml）", root.display()),
        )
        .hint("在站点目录（有 site.toml 的那个文件夹）里运行，或者加 --root 站点目录"));
    }
    let to = root.join("themes").join("default");
    let mut done = ThemeCopy::default();
    for (rel, bytes) in crate::theme::default_theme_files() {
        let dest = to.join(&rel);
        if dest.exists() && !force {
            done.kept.push(dest);
            continue;
        }
        if let Some(p) = dest.parent() {
            std::fs::create_dir_all(p).map_err(|e| io_err(p, e))?;
        }
        std::fs::write(&dest, bytes).map_err(|e| io_err(&dest, e))?;
        done.written.push(dest);
    }
    Ok(done)
}
