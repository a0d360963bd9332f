//! `site.toml`: the site's settings (title, base URL, language, theme, organisation, categories, print
//! defaults, limits for checks, and the free `[extra]` table for themes), validated key by key.

use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, codes};
use crate::toml_read::{Doc, Table};

/// The scam categories a tactic can belong to when `site.toml` does not list its own.
pub const DEFAULT_CATEGORIES: &[&str] = &[
    "养老服务",
    "养老项目投资",
    "养老产品",
    "以房养老",
    "代办养老保险",
    "养老帮扶",
    "保健品",
    "健康讲座义诊",
    "电信网络诈骗",
    "冒充亲友",
    "低价旅游",
    "预付卡会员卡",
];

/// Print defaults from `[print]`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PrintConfig {
    pub paper: String,
    pub bleed_mm: f64,
    pub crop_marks: bool,
    /// Bleed of large-format prints (易拉宝, X展架), mm: none unless the shop asks for it.
    pub large_bleed_mm: f64,
}

/// The parsed `site.toml`.
#[derive(Clone, Debug)]
pub struct SiteConfig {
    pub title: String,
    /// Always without a trailing slash, e.g. `https://example.org`.
    pub base_url: String,
    pub language: String,
    pub theme: String,
    pub organization: String,
    pub description: String,
    pub categories: Vec<String>,
    /// A hotline whose `verified` date is older than this many days is stale.
    pub hotline_max_age_days: i64,
    /// A tactic whose `reviewed` date is older than this many days is due for review.
    pub review_max_age_days: i64,
    /// `check`'s readability limits: characters per sentence and per paragraph.
    pub sentence_max_chars: usize,
    pub paragraph_max_chars: usize,
    pub print: PrintConfig,
    pub extra: serde_json::Value,
    /// `[deploy]`: where `fangpian deploy` publishes (`None` when the site has no such table).
    pub deploy: Option<crate::deploy::settings::DeployConfig>,
    /// `[output] precompress`: write `.gz` and `.br` copies beside text files for nginx.
    pub precompress: bool,
    /// `[channels] share_images`: the kinds of page that get a share image (tactics and alerts by
    /// default).
    pub share_images: Vec<crate::frontmatter::Kind>,
}

const KEYS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "theme",
    "organization",
    "description",
    "categories",
    "hotline_max_age_days",
    "review_max_age_days",
    "sentence_max_chars",
    "paragraph_max_chars",
    "print",
    "extra",
    "deploy",
    "output",
    "channels",
];
const PRINT_KEYS: &[&str] = &["paper", "bleed_mm", "crop_marks", "large_bleed_mm"];

impl SiteConfig {
    /// Load `site.toml` from the site root.
    pub fn load(root: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
        let display = Path::new("site.toml");
        let bytes = crate::boundary::Boundary::new(root)
            .read("site.toml")
            .map_err(|d| vec![d])?;
        let source = match bytes {
            Some(bytes) => crate::content::decode_text(bytes, display).map_err(|d| vec![d])?,
            None => {
                return Err(vec![
                    Diagnostic::error(
                        codes::SITE_MISSING,
                        format!("找不到站点配置文件 {}", root.join("site.toml").display()),
                    )
                    .hint("站点根目录必须有 site.toml；用 `fangpian init 目录` 新建一个站点，或用 --root 指定站点目录"),
                ]);
            }
        };
        Self::parse(display, &source)
    }

    /// Parse the text of a `site.toml` shown to the user as `display`.
    pub fn parse(display: &Path, source: &Arc<str>) -> Result<SiteConfig, Vec<Diagnostic>> {
        let doc = Doc::new(display, source, 0);
        let table = doc.parse_table(&source[..])?;
        let mut errs = Vec::new();
        let t = Table::new(&doc, &table);
        t.check_keys(KEYS, "site.toml", &mut errs);
        let title = parse_title(&doc, &t, &mut errs);
        let base_url = parse_base_url(&doc, &t, &mut errs);
        let language = t
            .opt_str("language", &mut errs)
            .unwrap_or_else(|| "zh-CN".into());
        let theme = parse_theme(&doc, &t, &mut errs);
        let organization = t.opt_str("organization", &mut errs).unwrap_or_default();
        let description = t.opt_str("description", &mut errs).unwrap_or_default();
        let categories = t
            .opt_str_list("categories", &mut errs)
            .map(|v| v.into_iter().map(|s| s.value).collect())
            .unwrap_or_else(|| DEFAULT_CATEGORIES.iter().map(|s| s.to_string()).collect());
        let hotline_max_age_days = t.opt_int("hotline_max_age_days", &mut errs).unwrap_or(180);
        let review_max_age_days = t.opt_int("review_max_age_days", &mut errs).unwrap_or(365);
        let sentence_max_chars = t
            .opt_int("sentence_max_chars", &mut errs)
            .unwrap_or(60)
            .max(1) as usize;
        let paragraph_max_chars = t
            .opt_int("paragraph_max_chars", &mut errs)
            .unwrap_or(240)
            .max(1) as usize;
        let print = parse_print(&doc, &t, &mut errs);
        let deploy = crate::deploy::settings::parse_deploy(&t, &mut errs);
        let precompress = crate::deploy::settings::parse_output(&t, &mut errs);
        let share_images = crate::channels::share::parse_config(&doc, &t, &mut errs);
        let extra = t
            .opt_json("extra", &mut errs)
            .unwrap_or(serde_json::Value::Object(Default::default()));
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(SiteConfig {
            title,
            base_url: base_url.trim_end_matches('/').to_string(),
            language,
            theme,
            organization,
            description,
            categories,
            hotline_max_age_days,
            review_max_age_days,
            sentence_max_chars,
            paragraph_max_chars,
            print,
            extra,
            deploy,
            precompress,
            share_images,
        })
    }

    /// Absolute URL for a site path starting with `/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

/// `title`, required.
fn parse_title(doc: &Doc<'_>, t: &Table, errs: &mut Vec<Diagnostic>) -> String {
    if let Some(s) = t.opt_str("title", errs) {
        return s;
    }
    if t.get("title").is_none() {
        errs.push(
            Diagnostic::error(codes::SITE_INVALID, "site.toml 缺少 `title`（站点名称）")
                .in_file(doc.file, doc.source)
                .hint("加一行：title = \"某某街道防骗宣传\""),
        );
    }
    String::new()
}

/// `base_url`: an http(s) address (the local preview's by default).
fn parse_base_url(doc: &Doc<'_>, t: &Table, errs: &mut Vec<Diagnostic>) -> String {
    let base_url = t
        .opt_str("base_url", errs)
        .unwrap_or_else(|| "http://127.0.0.1:1111".into());
    if let Some(v) = t.get("base_url")
        && !(base_url.starts_with("http://") || base_url.starts_with("https://"))
    {
        errs.push(
            doc.error(
                codes::SITE_INVALID,
                "`base_url` 必须以 http:// 或 https:// 开头",
                v.span(),
            )
            .label("这个网址不完整")
            .hint("例如 base_url = \"https://fangpian.example.org\""),
        );
    }
    base_url
}

/// `theme`: a folder name in `themes/`, never a path.
fn parse_theme(doc: &Doc<'_>, t: &Table, errs: &mut Vec<Diagnostic>) -> String {
    match t.opt_sp_str("theme", errs) {
        Some(s) if !is_folder_name(&s.value) => {
            errs.push(
                doc.error(
                    codes::PATH_OUTSIDE_ROOT,
                    format!("theme = \"{}\" 不是 themes 目录里的一个文件夹名", s.value),
                    s.span.clone(),
                )
                .label("这里只能写文件夹名，不能写路径")
                .hint("主题要放在站点的 themes/ 目录里，这里只写它的文件夹名，例如 theme = \"default\""),
            );
            "default".into()
        }
        Some(s) => s.value,
        None => "default".into(),
    }
}

/// `[print]`: default paper, bleeds and crop marks.
fn parse_print(doc: &Doc<'_>, t: &Table, errs: &mut Vec<Diagnostic>) -> PrintConfig {
    let mut print = PrintConfig {
        paper: "A4".into(),
        bleed_mm: 3.0,
        crop_marks: false,
        large_bleed_mm: 0.0,
    };
    let Some(p) = t.opt_table("print", errs) else {
        return print;
    };
    p.check_keys(PRINT_KEYS, "[print]", errs);
    if let Some(mut s) = p.opt_sp_str("paper", errs) {
        s.value = crate::frontmatter::paper_name(&s.value);
        if crate::frontmatter::PAPER_SIZES.contains(&s.value.as_str()) {
            print.paper = s.value;
        } else {
            errs.push(
                doc.error(
                    codes::SITE_INVALID,
                    format!("[print] paper 不能是「{}」", s.value),
                    s.span.clone(),
                )
                .label("不支持的纸张")
                .hint(crate::diag::did_you_mean(
                    &s.value,
                    crate::frontmatter::PAPER_SIZES,
                )),
            );
        }
    }
    let bleed = Bleed {
        key: "bleed_mm",
        max: 10.0,
        label: "出血应在 0 到 10 毫米之间",
        hint: "印刷厂一般要求 3 毫米出血：bleed_mm = 3",
    };
    if let Some(f) = bleed.read(doc, &p, errs) {
        print.bleed_mm = f;
    }
    let large = Bleed {
        key: "large_bleed_mm",
        max: 50.0,
        label: "大幅面出血应在 0 到 50 毫米之间",
        hint: "易拉宝、X展架一般不要出血：large_bleed_mm = 0；印刷厂要求时按它说的写，例如 large_bleed_mm = 5",
    };
    if let Some(f) = large.read(doc, &p, errs) {
        print.large_bleed_mm = f;
    }
    if let Some(b) = p.opt_bool("crop_marks", errs) {
        print.crop_marks = b;
    }
    print
}

/// A bleed setting of `[print]` in millimetres, between 0 and `max`.
struct Bleed {
    key: &'static str,
    max: f64,
    label: &'static str,
    hint: &'static str,
}

impl Bleed {
    fn read(&self, doc: &Doc<'_>, p: &Table, errs: &mut Vec<Diagnostic>) -> Option<f64> {
        let f = p.opt_float(self.key, errs)?;
        if (0.0..=self.max).contains(&f) {
            return Some(f);
        }
        let span = p.get(self.key).map(|v| v.span()).unwrap_or(0..0);
        errs.push(
            doc.error(
                codes::SITE_INVALID,
                format!("[print] {} = {f} 超出范围", self.key),
                span,
            )
            .label(self.label)
            .hint(self.hint),
        );
        None
    }
}

/// Whether `name` is one plain folder name (no separator, not `.` or `..`): a theme must be a folder of
/// the site's `themes/`, never a path that could lead elsewhere.
fn is_folder_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', ':'])
}
