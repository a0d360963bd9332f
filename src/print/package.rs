//! The print shop's package of a poster or leaflet: one zip beside its PDFs (`posters/x.zip`) holding
//! every print-shop PDF (each paper size × each version) and `印刷说明.txt` (finished sizes, bleed,
//! colour mode, fonts, versions, and the file list). Entries are stored uncompressed (PDFs are already
//! compressed) with a fixed timestamp, so the same PDFs give the same zip, byte for byte.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::diag::{Diagnostic, codes};
use crate::frontmatter::Kind;
use crate::site::Site;

use super::{Document, Item, data};

/// Name of the instructions file inside the package.
pub const README: &str = "印刷说明.txt";

/// Output path of an item's package: its main PDF's path with `.zip`.
pub fn rel(item: &Item) -> String {
    let main = &item.documents[0].rel;
    format!("{}.zip", main.trim_end_matches(".pdf"))
}

/// The print-shop documents of an item (not the office copies), in plan order.
pub fn documents(item: &Item) -> impl Iterator<Item = &Document> {
    item.documents.iter().filter(|d| !d.office)
}

/// The zip of `item`, from the PDFs made (`pdfs`: output path → bytes).
pub fn build(
    site: &Site,
    item: &Item,
    pdfs: &BTreeMap<String, Vec<u8>>,
) -> Result<Vec<u8>, Diagnostic> {
    let fail = |e: &dyn std::fmt::Display| {
        Diagnostic::error(codes::OUTPUT_IO, format!("打包 {} 时出错：{e}", rel(item)))
    };
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file(README, options).map_err(|e| fail(&e))?;
    zip.write_all(instructions(site, item).as_bytes())
        .map_err(|e| fail(&e))?;
    for d in documents(item) {
        let Some(bytes) = pdfs.get(&d.rel) else {
            continue;
        };
        zip.start_file(file_name(&d.rel), options)
            .map_err(|e| fail(&e))?;
        zip.write_all(bytes).map_err(|e| fail(&e))?;
    }
    Ok(zip.finish().map_err(|e| fail(&e))?.into_inner())
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

fn version_name(item: &Item, d: &Document) -> String {
    d.variant
        .and_then(|k| item.variants.as_ref().map(|v| v.variants[k].name.clone()))
        .unwrap_or_else(|| "通用版".into())
}

/// `印刷说明.txt`: what a print shop asks before printing. CRLF line ends and a BOM, so that Windows
/// Notepad shows it right.
pub fn instructions(site: &Site, item: &Item) -> String {
    let page = &site.pages[item.page];
    let print = &site.config.print;
    let docs: Vec<&Document> = documents(item).collect();
    let mut sizes: Vec<String> = Vec::new();
    for d in &docs {
        let (w, h, _) = data::geometry(&d.size, &d.orientation);
        let s = if crate::frontmatter::banner_mm(&d.size).is_none() {
            format!(
                "{}（{w}×{h} 毫米，{}）",
                d.size,
                data::orientation_word(&d.size, &d.orientation)
            )
        } else if w > 0.0 {
            format!("{}（长 {w} 毫米 × 高 {h} 毫米）", d.size)
        } else {
            format!(
                "{}（高 {h} 毫米，长度随标语，以 PDF 的页面尺寸为准）",
                d.size
            )
        };
        if !sizes.contains(&s) {
            sizes.push(s);
        }
    }
    let mut versions: Vec<String> = Vec::new();
    for d in &docs {
        let v = version_name(item, d);
        if !versions.contains(&v) {
            versions.push(v);
        }
    }
    let kind = if item.kind == Kind::Leaflet {
        "三折页"
    } else {
        "海报"
    };
    let mut lines = vec![
        format!("印刷说明：{kind}「{}」", page.meta.title),
        format!("发布：{}", site.config.organization),
        String::new(),
        format!("成品尺寸：{}", sizes.join("、")),
    ];
    if item.kind == Kind::Leaflet {
        lines.push(
            "折法：滚折（三折），两面印刷；第 1 页是外面，第 2 页是里面；每面从左到右三栏 97、100、100 毫米（里面 100、100、97 毫米）".into(),
        );
    }
    lines.push(format!(
        "出血：四边各 {} 毫米（PDF 的 TrimBox 是成品尺寸，MediaBox 含出血）{}",
        print.bleed_mm,
        if print.crop_marks {
            "，出血外画有裁切线"
        } else {
            "，没有裁切线"
        }
    ));
    if docs.iter().any(|d| data::is_large(&d.size)) {
        lines.push(format!(
            "大幅面（易拉宝、X展架、横幅）：出血四边各 {} 毫米，没有裁切线",
            print.large_bleed_mm
        ));
    }
    lines.push(
        "颜色：CMYK 四色；文字、细线和二维码只用黑版（K 100%）；任何一处四色合计不超过 300%".into(),
    );
    lines.push("字体：全部嵌入（子集）".into());
    lines.push("PDF：带标签的 PDF（PDF/UA-1）；不是 PDF/X，需要 PDF/X 请用印前软件转换".into());
    lines.push(format!(
        "版本：{} 个（{}），每个版本每种尺寸一个文件，共 {} 个 PDF",
        versions.len(),
        versions.join("、"),
        docs.len()
    ));
    lines.push(String::new());
    lines.push("文件：".into());
    for d in &docs {
        lines.push(format!(
            "{}    {} {} · {}",
            file_name(&d.rel),
            d.size,
            data::orientation_word(&d.size, &d.orientation),
            version_name(item, d)
        ));
    }
    let mut out = String::from("\u{feff}");
    for l in lines {
        out.push_str(&l);
        out.push_str("\r\n");
    }
    out
}
