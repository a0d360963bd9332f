//! Variant data files (`variants = "data/communities.toml"`): one `[[variant]]` per community or care
//! home, whose name, contact person and phone number are printed on its own copy of a poster or leaflet.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use crate::diag::{Diagnostic, codes};
use crate::phone::{FORMS, Phone, PhoneError};
use crate::toml_read::{Doc, Sp, Table};

/// One community's or care home's copy.
#[derive(Clone, Debug, Serialize)]
pub struct Variant {
    /// ASCII, used in the PDF's file name.
    pub slug: String,
    pub name: String,
    pub contact: String,
    /// The validated number in its display form (`023-72700000`), or empty.
    pub phone: String,
    pub address: String,
}

/// A loaded variants file.
#[derive(Clone, Debug)]
pub struct VariantFile {
    pub display: PathBuf,
    pub source: Arc<str>,
    pub variants: Vec<Variant>,
}

const KEYS: &[&str] = &["slug", "name", "contact", "phone", "address"];

/// Read and validate `root/rel`.
pub fn load(root: &Path, rel: &str) -> Result<VariantFile, Vec<Diagnostic>> {
    let display = PathBuf::from(rel);
    let path = match crate::boundary::Boundary::new(root).resolve(rel) {
        Ok(crate::boundary::Resolved::File(p)) => p,
        Ok(_) => root.join(rel), // reported by the site's checks; reading it fails with a message
        Err(d) => return Err(vec![d]),
    };
    let source = crate::content::read_text(&path, &display).map_err(|e| vec![e])?;
    parse(&display, &source)
}

/// Parse a variants file.
pub fn parse(display: &Path, source: &Arc<str>) -> Result<VariantFile, Vec<Diagnostic>> {
    let doc = Doc::new(display, source, 0);
    let table = doc.parse_table(source)?;
    let top = Table::new(&doc, &table);
    let mut errs = Vec::new();
    top.check_keys(&["variant"], display.to_string_lossy().as_ref(), &mut errs);
    let mut variants: Vec<Variant> = Vec::new();
    let list = top
        .opt_table_array("variant", &mut errs)
        .unwrap_or_default();
    if list.is_empty() && errs.is_empty() {
        errs.push(
            doc.error(codes::VARIANTS, "数据文件里没有 [[variant]]", 0..0)
                .hint("每个社区或养老机构写一段 [[variant]]，含 slug、name、contact、phone"),
        );
    }
    for (t, span) in list {
        if let Some(v) = variant(&doc, &t, span, &variants, &mut errs) {
            variants.push(v);
        }
    }
    if errs.is_empty() {
        Ok(VariantFile {
            display: display.to_path_buf(),
            source: source.clone(),
            variants,
        })
    } else {
        Err(errs)
    }
}

/// One `[[variant]]` table starting at `span`; `None` when it has an error. `before` are the valid
/// ones above it (slugs must differ).
fn variant(
    doc: &Doc<'_>,
    t: &Table,
    span: std::ops::Range<usize>,
    before: &[Variant],
    errs: &mut Vec<Diagnostic>,
) -> Option<Variant> {
    let (display, source) = (doc.file, doc.source);
    t.check_keys(KEYS, "[[variant]]", errs);
    let slug = t.opt_sp_str("slug", errs);
    let name = t.opt_str("name", errs);
    let contact = t.opt_str("contact", errs).unwrap_or_default();
    let phone = t.opt_sp_str("phone", errs);
    let address = t.opt_str("address", errs).unwrap_or_default();
    let (Some(slug), Some(name)) = (slug, name) else {
        errs.push(
            doc.error(
                codes::VARIANTS,
                "这一段 [[variant]] 缺少 slug 或 name",
                span.start..span.start + 1,
            )
            .label("这一段")
            .hint("例如 slug = \"dongcheng-shequ\"（用于文件名）和 name = \"东城社区\""),
        );
        return None;
    };
    let ok = !slug.value.is_empty()
        && slug
            .value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        errs.push(
            Diagnostic::error(
                codes::VARIANTS,
                format!("slug `{}` 只能用小写英文字母、数字和 -", slug.value),
            )
            .at(display, source, slug.span.clone())
            .label("用在 PDF 文件名里")
            .hint("例如 slug = \"dongcheng-shequ\""),
        );
        return None;
    }
    let phone = match phone.map(|p| (Phone::parse_written(&p.value), p)) {
        None => String::new(),
        Some((_, p)) if p.value.trim().is_empty() => String::new(),
        Some((Ok(phone), _)) => phone.display(),
        Some((Err(e), p)) => {
            errs.push(phone_error(display, source, &e, &p));
            return None;
        }
    };
    if before.iter().any(|v| v.slug == slug.value) {
        errs.push(
            Diagnostic::error(codes::VARIANTS, format!("slug `{}` 重复了", slug.value))
                .at(display, source, slug.span.clone())
                .label("和前面的一段相同")
                .hint("每个社区的 slug 要不一样，它决定 PDF 的文件名"),
        );
        return None;
    }
    Some(Variant {
        slug: slug.value,
        name,
        contact,
        phone,
        address,
    })
}

/// The diagnostic for a variant's `phone` that is not a valid Chinese number.
fn phone_error(
    display: &Path,
    source: &Arc<str>,
    e: &PhoneError,
    phone: &Sp<String>,
) -> Diagnostic {
    let hint = match e {
        PhoneError::NeedlessArea { local, .. } => format!("改成 phone = \"{local}\""),
        PhoneError::MissingArea => format!(
            "固定电话连区号一起写，例如 phone = \"0472-{}\"",
            phone.value.trim()
        ),
        _ => format!("例如 phone = \"023-72700000\" 或 \"13812345678\"。能用的号码：{FORMS}"),
    };
    let message = match e {
        PhoneError::BadArea => format!("电话 `{}` 的区号应该是 0 开头的 3～4 位数字", phone.value),
        _ => e.message(&phone.value),
    };
    Diagnostic::error(codes::VARIANTS, message)
        .at(display, source, phone.span.clone())
        .label("电话号码不对")
        .hint(hint)
}
