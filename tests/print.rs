//! Print acceptance: builds the example site into a temporary copy and checks every poster and leaflet
//! PDF a print shop would get — page boxes (MediaBox = TrimBox + 3 mm bleed), embedded subset fonts,
//! the extracted text (headline, hotline numbers, the community of a variant), the QR code decoded from
//! the rendered page, the tagged-PDF metadata — and that two fresh builds give identical bytes. Then
//! the errors: a character no font has, text that overflows, an unknown layout, too many leaflet panels.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use common::*;
use lopdf::{Document, Object};

const MM: f32 = 72.0 / 25.4;

/// A copy of the example site (with its own print cache) in a temporary folder.
fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    dir
}

/// The example built once; `(dir, output tree)`.
fn built() -> &'static (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    static B: OnceLock<(tempfile::TempDir, BTreeMap<String, Vec<u8>>)> = OnceLock::new();
    B.get_or_init(|| {
        let dir = example_copy();
        let o = run_in(dir.path(), &[]);
        assert!(o.status.success(), "example must build:\n{}", stderr(&o));
        let t = tree(&dir.path().join("public"));
        (dir, t)
    })
}

fn pdfs() -> Vec<(&'static str, &'static [u8])> {
    built()
        .1
        .iter()
        .filter(|(k, _)| k.ends_with(".pdf"))
        .map(|(k, v)| (k.as_str(), v.as_slice()))
        .collect()
}

fn rect(doc: &Document, page: lopdf::ObjectId, key: &[u8]) -> [f32; 4] {
    let dict = doc.get_dictionary(page).unwrap();
    let arr = dict
        .get(key)
        .unwrap_or_else(|_| panic!("{} missing", String::from_utf8_lossy(key)))
        .as_array()
        .unwrap();
    let n: Vec<f32> = arr.iter().map(|o| o.as_float().unwrap()).collect();
    [n[0], n[1], n[2], n[3]]
}

fn near(a: f32, b: f32) -> bool {
    (a - b).abs() < 0.05
}

/// Paper size (mm, portrait) by the file name's size suffix.
fn paper(name: &str, default: &str) -> (f32, f32) {
    let size = if name.ends_with("-a3.pdf") {
        "A3"
    } else if name.ends_with("-a2.pdf") {
        "A2"
    } else if name.ends_with("-duikai.pdf") {
        "对开"
    } else if name.ends_with("-yilabao.pdf") {
        "易拉宝"
    } else if name.ends_with("-xzhanjia.pdf") {
        "X展架"
    } else {
        default
    };
    match size {
        "A3" => (297.0, 420.0),
        "A2" => (420.0, 594.0),
        "对开" => (570.0, 840.0),
        "易拉宝" => (800.0, 2000.0),
        "X展架" => (600.0, 1600.0),
        _ => (210.0, 297.0),
    }
}

/// A banner's height and length (mm; `None`: from its slogan) from its file name (`-hengfu-600x9000.pdf`).
fn banner_mm(name: &str) -> Option<(f32, Option<f32>)> {
    let dims = name.split("-hengfu-").nth(1)?.strip_suffix(".pdf")?;
    Some(match dims.split_once('x') {
        Some((h, l)) => (h.parse().unwrap(), Some(l.parse().unwrap())),
        None => (dims.parse().unwrap(), None),
    })
}

/// What the example's front matter says about each poster: base name → (main size, landscape, headline,
/// hotline numbers, QR target path).
type Expected = (
    &'static str,
    &'static str,
    bool,
    &'static str,
    Vec<&'static str>,
    &'static str,
);

fn expectations() -> Vec<Expected> {
    vec![
        (
            "posters/baojianpin-bushi-yao",
            "A3",
            false,
            "保健品不是药",
            vec!["110", "96110", "12315"],
            "/tactics/baojianpin/",
        ),
        (
            "posters/fangpian-rexian",
            "A3",
            false,
            "防骗求助电话",
            vec!["110", "96110", "12315", "12345", "023-72706001"],
            "/report/",
        ),
        (
            "posters/yaoqian-dianhua",
            "A4",
            true,
            "要钱电话先挂断",
            vec!["110", "96110"],
            "/tactics/maochong-qinyou/",
        ),
        (
            "posters/anli-yanglao-chuangwei",
            "A4",
            false,
            "“养老床位”的陷阱",
            vec!["110", "96110"],
            "/cases/yanglao-gongyu/",
        ),
        (
            "leaflets/fangpian-sanzheye",
            "A4",
            true,
            "守好养老钱",
            vec!["110", "96110", "12315", "12345"],
            "/report/",
        ),
    ]
}

/// The text of every page: the content streams' strings mapped through each font's ToUnicode CMap
/// (Typst writes two-byte Identity-H codes and a `bfchar`/`bfrange` CMap per font).
fn text_of(doc: &Document) -> String {
    let mut out = String::new();
    for (_, &page) in doc.get_pages().iter() {
        let fonts = doc.get_page_fonts(page).unwrap_or_default();
        let mut maps: BTreeMap<Vec<u8>, BTreeMap<u32, String>> = BTreeMap::new();
        for (name, font) in &fonts {
            let Ok(r) = font.get(b"ToUnicode").and_then(Object::as_reference) else {
                continue;
            };
            let Ok(stream) = doc.get_object(r).and_then(Object::as_stream) else {
                continue;
            };
            let data = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            maps.insert(name.clone(), parse_cmap(&String::from_utf8_lossy(&data)));
        }
        let content = doc.get_and_decode_page_content(page).unwrap();
        let mut font: Vec<u8> = Vec::new();
        for op in content.operations {
            let strings: Vec<&[u8]> = match op.operator.as_str() {
                "Tf" => {
                    font = op.operands[0].as_name().unwrap_or_default().to_vec();
                    continue;
                }
                "Tj" | "'" | "\"" => op.operands.iter().filter_map(|o| o.as_str().ok()).collect(),
                "TJ" => op.operands[0]
                    .as_array()
                    .map(|a| a.iter().filter_map(|o| o.as_str().ok()).collect())
                    .unwrap_or_default(),
                "ET" => {
                    out.push('\n');
                    continue;
                }
                _ => continue,
            };
            let map = maps.get(&font);
            for s in strings {
                for code in s.chunks(2) {
                    let code = code.iter().fold(0u32, |a, &b| a << 8 | u32::from(b));
                    if let Some(t) = map.and_then(|m| m.get(&code)) {
                        out.push_str(t);
                    }
                }
            }
        }
    }
    out
}

fn hex_text(h: &str) -> String {
    let units: Vec<u16> = (0..h.len() / 4)
        .filter_map(|i| u16::from_str_radix(&h[i * 4..i * 4 + 4], 16).ok())
        .collect();
    String::from_utf16_lossy(&units)
}

fn parse_cmap(cmap: &str) -> BTreeMap<u32, String> {
    let mut m = BTreeMap::new();
    let hexes = |line: &str| -> Vec<String> {
        line.split('<')
            .skip(1)
            .filter_map(|p| p.split('>').next().map(str::to_string))
            .collect()
    };
    let mut mode = "";
    for line in cmap.lines() {
        if line.ends_with("beginbfchar") {
            mode = "char";
        } else if line.ends_with("beginbfrange") {
            mode = "range";
        } else if line.starts_with("end") {
            mode = "";
        } else if mode == "char" {
            let h = hexes(line);
            if let (Some(c), Some(t)) = (h.first(), h.get(1)) {
                m.insert(u32::from_str_radix(c, 16).unwrap(), hex_text(t));
            }
        } else if mode == "range" {
            let h = hexes(line);
            if let [a, b, t, ..] = h.as_slice() {
                let (a, b) = (
                    u32::from_str_radix(a, 16).unwrap(),
                    u32::from_str_radix(b, 16).unwrap(),
                );
                let start = hex_text(t).chars().next().unwrap() as u32;
                for (k, code) in (a..=b).enumerate() {
                    if let Some(c) = char::from_u32(start + k as u32) {
                        m.insert(code, c.to_string());
                    }
                }
            }
        }
    }
    m
}

#[test]
fn every_example_document_has_print_page_boxes() {
    let all = pdfs();
    assert!(all.len() >= 25, "sizes × variants: {}", all.len());
    for (name, bytes) in all {
        let doc = Document::load_mem(bytes).unwrap();
        let base = expectations()
            .into_iter()
            .find(|e| name.starts_with(e.0))
            .unwrap_or_else(|| panic!("unexpected PDF {name}"));
        let office = name.ends_with("-ziyin.pdf");
        // Roll-up stands and banners: no bleed by default (`[print] large_bleed_mm`).
        let banner = banner_mm(name);
        let large =
            name.ends_with("-yilabao.pdf") || name.ends_with("-xzhanjia.pdf") || banner.is_some();
        let (mut w, mut h) = if office {
            (210.0, 297.0)
        } else {
            paper(name, base.1)
        };
        if base.2 {
            std::mem::swap(&mut w, &mut h);
        }
        if let Some((height, length)) = banner {
            // A banner lies whatever the poster's orientation; without a length it is as long as its
            // slogan (the example's: about 14 times its height).
            h = height;
            w = length.unwrap_or_else(|| {
                let media = rect(&doc, doc.get_pages()[&1], b"MediaBox");
                let l = (media[2] - media[0]) / MM;
                assert!(l > 10.0 * h && l < 20.0 * h, "{name}: {l} mm long");
                l
            });
        }
        let pages = doc.get_pages();
        let expected_pages = if name.starts_with("leaflets/") { 2 } else { 1 };
        assert_eq!(pages.len(), expected_pages, "{name}: pages");
        for (_, &id) in pages.iter() {
            let media = rect(&doc, id, b"MediaBox");
            // Without bleed Typst writes no TrimBox: the MediaBox is the finished size.
            let trim = if office || large {
                media
            } else {
                rect(&doc, id, b"TrimBox")
            };
            // The office copy has no bleed.
            let bleed = if office || large { 0.0 } else { 3.0 * MM };
            assert!(
                near(trim[2] - trim[0], w * MM),
                "{name}: trim width {trim:?}"
            );
            assert!(
                near(trim[3] - trim[1], h * MM),
                "{name}: trim height {trim:?}"
            );
            assert!(
                near(trim[0] - media[0], bleed) && near(trim[1] - media[1], bleed),
                "{name}: bleed {media:?} {trim:?}"
            );
            assert!(
                near(media[2] - trim[2], bleed) && near(media[3] - trim[3], bleed),
                "{name}: bleed {media:?} {trim:?}"
            );
        }
    }
}

#[test]
fn fonts_are_embedded_as_subsets() {
    for (name, bytes) in pdfs() {
        let doc = Document::load_mem(bytes).unwrap();
        let mut fonts = 0;
        for (_, obj) in doc.objects.iter() {
            let Ok(dict) = obj.as_dict() else { continue };
            if dict.get(b"Type").and_then(Object::as_name).ok()
                != Some(b"FontDescriptor".as_slice())
            {
                continue;
            }
            fonts += 1;
            let font_name =
                String::from_utf8_lossy(dict.get(b"FontName").unwrap().as_name().unwrap())
                    .into_owned();
            let (tag, rest) = font_name
                .split_once('+')
                .unwrap_or_else(|| panic!("{name}: {font_name} is not a subset"));
            assert!(
                tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
                "{name}: subset tag of {font_name}"
            );
            assert!(
                rest.starts_with("NotoSansCJKsc"),
                "{name}: {font_name} is not the bundled font"
            );
            assert!(
                dict.has(b"FontFile") || dict.has(b"FontFile2") || dict.has(b"FontFile3"),
                "{name}: {font_name} is not embedded"
            );
        }
        // A banner's one line is bold only.
        let want = if banner_mm(name).is_some() { 1 } else { 2 };
        assert!(
            fonts >= want,
            "{name}: regular and bold expected, found {fonts}"
        );
        // A subset of two 5 MB fonts: the whole document stays small.
        assert!(bytes.len() < 150_000, "{name}: {} bytes", bytes.len());
    }
}

#[test]
fn text_holds_headline_hotlines_and_the_variants_community() {
    for (name, bytes) in pdfs() {
        let doc = Document::load_mem(bytes).unwrap();
        let text: String = text_of(&doc)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let e = expectations()
            .into_iter()
            .find(|e| name.starts_with(e.0))
            .unwrap();
        if banner_mm(name).is_some() {
            // A banner's one line: the slogan and the hotline that is not 110.
            assert!(
                text == "高息返租，本金难回全国反诈预警劝阻专线96110",
                "{name}: {text}"
            );
        } else {
            assert!(text.contains(e.3), "{name}: headline {} not in {text}", e.3);
            for n in &e.4 {
                assert!(text.contains(n), "{name}: hotline {n} not in {text}");
            }
        }
        if name.contains("shili-shequ-yi") {
            assert!(
                text.contains("白涛街道示例社区一")
                    && text.contains("023-72700000")
                    && text.contains("王老师"),
                "{name}: {text}"
            );
        }
        if name.contains("gaoxin-shili-shequ") {
            assert!(text.contains("0472-7100000"), "{name}: {text}");
        }
        // Tagged PDF with the title and the language.
        let catalog = doc.catalog().unwrap();
        let lang = catalog.get(b"Lang").unwrap().as_str().unwrap();
        assert_eq!(lang, b"zh-CN", "{name}");
        assert!(catalog.has(b"StructTreeRoot"), "{name}: not tagged");
        assert!(
            bytes.windows(15).any(|w| w == b"pdfuaid:part>1<"),
            "{name}: not declared PDF/UA-1"
        );
        let info = doc
            .trailer
            .get(b"Info")
            .and_then(Object::as_reference)
            .unwrap();
        let title = doc.get_dictionary(info).unwrap().get(b"Title").unwrap();
        let title = lopdf::decode_text_string(title).unwrap();
        let source =
            std::fs::read_to_string(repo_root().join("content").join(format!("{}.md", e.0)))
                .unwrap();
        assert!(
            source.contains(&format!("title = \"{title}\"")),
            "{name}: title {title}"
        );
    }
}

/// Render page 1 of a PDF (in Rust, with hayro) and decode its QR codes: `(text, width of the code in mm)`.
fn decode_qr(pdf: &[u8], px_per_pt: f32) -> Vec<(String, f32)> {
    use hayro::hayro_interpret::InterpreterSettings;
    use hayro::hayro_syntax::Pdf;
    let pdf = Pdf::new(pdf.to_vec()).expect("hayro parses the PDF");
    let page = &pdf.pages()[0];
    let settings = hayro::RenderSettings {
        x_scale: px_per_pt,
        y_scale: px_per_pt,
        bg_color: hayro::vello_cpu::color::palette::css::WHITE,
        ..Default::default()
    };
    let pixmap = hayro::render(
        page,
        &hayro::RenderCache::new(),
        &InterpreterSettings::default(),
        &settings,
    );
    let (w, h) = (pixmap.width() as usize, pixmap.height() as usize);
    let rgba = pixmap.data_as_u8_slice();
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        let i = (y * w + x) * 4;
        ((u16::from(rgba[i]) + u16::from(rgba[i + 1]) + u16::from(rgba[i + 2])) / 3) as u8
    });
    img.detect_grids()
        .into_iter()
        .filter_map(|g| {
            let b = g.bounds;
            let width_px = (((b[1].x - b[0].x).pow(2) + (b[1].y - b[0].y).pow(2)) as f32).sqrt();
            g.decode().ok().map(|(_, s)| (s, width_px / px_per_pt / MM))
        })
        .collect()
}

#[test]
fn qr_codes_decode_to_the_target_url_and_are_large_enough() {
    for (name, bytes) in pdfs() {
        // The main document of each poster and the leaflet's first page (outside, back panel).
        let Some(e) = expectations()
            .into_iter()
            .find(|e| name == format!("{}.pdf", e.0))
        else {
            continue;
        };
        let scale = if name.contains("baojianpin") || name.contains("rexian") {
            1.5
        } else {
            2.5
        };
        let found = decode_qr(bytes, scale);
        let want = format!("https://fangpian.example.org{}", e.5);
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert_eq!(found[0].0, want, "{name}");
        // At least 30 mm on A4 (the modules alone, without the quiet zone), more on larger paper.
        let (w, _) = paper(name, e.1);
        let min = 30.0 * w / 210.0;
        assert!(
            found[0].1 >= min - 0.5,
            "{name}: QR code {:.1} mm wide, want ≥ {min} mm",
            found[0].1
        );
    }
}

#[test]
fn poster_pages_show_previews_and_every_download() {
    let t = &built().1;
    let page = String::from_utf8(t["posters/baojianpin-bushi-yao/index.html"].clone()).unwrap();
    assert!(
        page.contains("src=/posters/baojianpin-bushi-yao.png"),
        "preview"
    );
    for f in [
        "baojianpin-bushi-yao.pdf",
        "baojianpin-bushi-yao-a2.pdf",
        "baojianpin-bushi-yao-duikai.pdf",
        "baojianpin-bushi-yao-shili-shequ-yi.pdf",
        "baojianpin-bushi-yao-gaoxin-shili-shequ-duikai.pdf",
        "baojianpin-bushi-yao-ziyin.pdf",
        "baojianpin-bushi-yao-shili-shequ-yi-ziyin.pdf",
    ] {
        assert!(
            page.contains(&format!("href=/posters/{f}")),
            "{f} not linked"
        );
        assert!(t.contains_key(&format!("posters/{f}")), "{f} not written");
    }
    assert!(
        page.contains("自印版 A4 竖版 · 白涛街道示例社区一（示例）"),
        "office copy listed"
    );
    assert!(t["posters/baojianpin-bushi-yao.png"].starts_with(b"\x89PNG"));
    let leaflet = String::from_utf8(t["leaflets/fangpian-sanzheye/index.html"].clone()).unwrap();
    assert!(
        leaflet.contains("src=/leaflets/fangpian-sanzheye.png")
            && leaflet.contains("src=/leaflets/fangpian-sanzheye-2.png")
    );
    let list = String::from_utf8(t["posters/index.html"].clone()).unwrap();
    assert_eq!(
        list.matches("class=card-preview").count(),
        4,
        "the posters section lists every poster with its preview"
    );
}

#[test]
fn fresh_builds_are_byte_identical_and_rebuilds_use_the_cache() {
    let first = &built().1;
    let dir = example_copy();
    let o = run_in(dir.path(), &[]);
    assert!(o.status.success());
    // 32 print-shop PDFs (two of them roll-ups, two banners) and 17 office copies.
    assert!(stdout(&o).contains("新排版 49 份"), "{}", stdout(&o));
    let second = tree(&dir.path().join("public"));
    for (k, v) in first
        .iter()
        .filter(|(k, _)| k.ends_with(".pdf") || k.ends_with(".png") || k.ends_with(".zip"))
    {
        assert!(
            second.get(k) == Some(v),
            "{k} differs between two fresh builds"
        );
    }
    // Nothing changed: everything comes from the cache.
    let o = run_in(dir.path(), &[]);
    assert!(stdout(&o).contains("新排版 0 份"), "{}", stdout(&o));
    assert_eq!(tree(&dir.path().join("public")), second);
    // One poster edited: only its documents are laid out again.
    let p = dir.path().join("content/posters/yaoqian-dianhua.md");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("要钱电话先挂断", "要钱电话赶紧挂");
    std::fs::write(&p, text).unwrap();
    let o = run_in(dir.path(), &[]);
    // Its A4 and A3 copies and its office copy.
    assert!(stdout(&o).contains("新排版 3 份"), "{}", stdout(&o));
    // --no-print writes no PDF.
    let o = run_in(dir.path(), &["--no-print"]);
    assert!(o.status.success());
    assert!(
        !dir.path()
            .join("public/posters/yaoqian-dianhua.pdf")
            .exists()
    );
}

fn poster_site(root: &Path, poster: &str) {
    small_site(root);
    write(root, "content/posters/p.md", poster);
}

#[test]
fn a_cache_folder_linked_outside_the_root_is_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    poster_site(
        dir.path(),
        "+++\ntitle = \"缓存\"\nheadline = \"防骗提醒\"\nhotlines = [\"police\"]\n+++\n",
    );
    std::os::unix::fs::symlink(outside.path(), dir.path().join(".fangpian-cache")).unwrap();
    for _ in 0..2 {
        let o = run_in(dir.path(), &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        // Laid out afresh each time: there is no cache to take it from.
        assert!(!stdout(&o).contains("新排版 0 份"), "{}", stdout(&o));
    }
    assert!(dir.path().join("public/posters/p.pdf").exists());
    assert_eq!(
        std::fs::read_dir(outside.path()).unwrap().count(),
        0,
        "something was written outside the site root"
    );
}

#[test]
fn a_character_no_font_has_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    poster_site(
        dir.path(),
        "+++\ntitle = \"缺字\"\nheadline = \"防骗\u{10FFFD}提醒\"\nhotlines = [\"police\"]\n+++\n",
    );
    let o = run_in(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("E1702") && e.contains("U+10FFFD") && e.contains("content/posters/p.md:3:"),
        "{e}"
    );
    assert!(e.contains("海报「缺字」"), "{e}");
    assert!(!dir.path().join("public").exists(), "nothing published");
    // `check` finds it too.
    let o = run(&["check", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("E1702"));
}

#[test]
fn overflowing_text_is_an_error_saying_where_and_how_much() {
    let dir = tempfile::tempdir().unwrap();
    let points: Vec<String> = (0..14)
        .map(|i| format!("\"第{i}条：陌生来电要钱，先挂断再核实\""))
        .collect();
    poster_site(
        dir.path(),
        &format!(
            "+++\ntitle = \"太多\"\nheadline = \"防骗\"\nhotlines = [\"police\"]\npoints = [{}]\n+++\n",
            points.join(", ")
        ),
    );
    let o = run_in(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("E1703")
            && e.contains("「要点」放不下")
            && e.contains("毫米")
            && e.contains("content/posters/p.md:5:1"),
        "{e}"
    );
    // A leaflet panel that overflows names the panel.
    let dir = tempfile::tempdir().unwrap();
    small_site(dir.path());
    let long: String = (0..40)
        .map(|i| format!("- 第{i}条：接到陌生电话要钱，先挂断，再打给家人核实。\n"))
        .collect();
    write(
        dir.path(),
        "content/leaflets/l.md",
        &format!(
            "+++\ntitle = \"折页\"\nheadline = \"防骗\"\n+++\n\n## 第一栏\n\n{long}\n## 第二栏\n\n短。\n"
        ),
    );
    let o = run_in(dir.path(), &[]);
    let e = stderr(&o);
    assert!(
        e.contains("E1703")
            && e.contains("内页第 1 栏「第一栏」")
            && e.contains("content/leaflets/l.md:6:1"),
        "{e}"
    );
}

#[test]
fn layout_panels_and_variant_errors() {
    let dir = tempfile::tempdir().unwrap();
    poster_site(
        dir.path(),
        "+++\ntitle = \"版式\"\nlayout = \"warnin\"\n+++\n",
    );
    let e = stderr(&run_in(dir.path(), &[]));
    assert!(
        e.contains("E1705") && e.contains("warning") && e.contains("content/posters/p.md:3:10"),
        "{e}"
    );

    let dir = tempfile::tempdir().unwrap();
    small_site(dir.path());
    let body: String = (1..=6).map(|i| format!("## 栏{i}\n\n文字。\n\n")).collect();
    write(
        dir.path(),
        "content/leaflets/l.md",
        &format!("+++\ntitle = \"折页\"\n+++\n\n{body}"),
    );
    let e = stderr(&run_in(dir.path(), &[]));
    assert!(
        e.contains("E1706") && e.contains("content/leaflets/l.md:25:1"),
        "{e}"
    );

    let dir = tempfile::tempdir().unwrap();
    poster_site(
        dir.path(),
        "+++\ntitle = \"社区\"\nvariants = \"data/v.toml\"\n+++\n",
    );
    write(
        dir.path(),
        "data/v.toml",
        "[[variant]]\nslug = \"A B\"\nname = \"甲\"\n",
    );
    let e = stderr(&run_in(dir.path(), &[]));
    assert!(e.contains("E1704") && e.contains("data/v.toml:2:8"), "{e}");
}

#[test]
fn a_site_can_override_a_print_template() {
    let dir = tempfile::tempdir().unwrap();
    poster_site(
        dir.path(),
        "+++\ntitle = \"自定义\"\nheadline = \"防骗\"\nlayout = \"mine\"\n+++\n",
    );
    write(
        dir.path(),
        "print/mine.typ",
        "#import \"lib.typ\": *\n#let render(data) = setup(data, [本站自定义版式：#data.headline])\n",
    );
    let o = run_in(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = std::fs::read(dir.path().join("public/posters/p.pdf")).unwrap();
    let doc = Document::load_mem(&pdf).unwrap();
    assert!(text_of(&doc).contains("本站自定义版式：防骗"));
    // A template error points into the template.
    write(
        dir.path(),
        "print/mine.typ",
        "#let render(data) = {\n  data.nope\n}\n",
    );
    let e = stderr(&run_in(dir.path(), &[]));
    assert!(
        e.contains("E1701") && e.contains("print/mine.typ:2:"),
        "{e}"
    );
}

/// Every phone number printed on a poster or leaflet is the display form of an entry of
/// `content/hotlines.toml` or of a phone of `data/communities.toml`, derived from its validated parts.
#[test]
fn every_printed_number_is_a_valid_form_of_its_source() {
    let read = |rel: &str| -> toml::Table {
        toml::from_str(&std::fs::read_to_string(repo_root().join(rel)).unwrap()).unwrap()
    };
    let mut allowed: Vec<String> = Vec::new();
    for h in read("content/hotlines.toml")["hotline"].as_array().unwrap() {
        let area = h.get("area_code").and_then(|a| a.as_str()).unwrap_or("");
        let phone = fangpian::phone::Phone::parse(area, h["number"].as_str().unwrap()).unwrap();
        allowed.push(phone.display());
    }
    for v in read("data/communities.toml")["variant"].as_array().unwrap() {
        let written = v["phone"].as_str().unwrap();
        allowed.push(
            fangpian::phone::Phone::parse_written(written)
                .unwrap()
                .display(),
        );
    }
    for (name, bytes) in pdfs() {
        let text = text_of(&Document::load_mem(bytes).unwrap());
        // Runs of digits and dashes long enough to be a phone number.
        let mut numbers: Vec<String> = Vec::new();
        let mut cur = String::new();
        for c in text.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_digit() || (c == '-' && !cur.is_empty()) {
                cur.push(c);
            } else {
                let n = cur.trim_end_matches('-').to_string();
                if n.len() >= 3 && !n.contains("--") {
                    numbers.push(n);
                }
                cur.clear();
            }
        }
        let phones: Vec<&String> = numbers
            .iter()
            .filter(|n| {
                n.starts_with('0') || ["110", "96110", "12315", "12345"].contains(&n.as_str())
            })
            .collect();
        assert!(
            !phones.is_empty(),
            "{name}: no phone number found in {text}"
        );
        for n in phones {
            assert!(
                allowed.contains(n),
                "{name}: printed {n}, not a form of any listed number"
            );
        }
    }
}

#[test]
fn every_community_version_has_its_own_preview() {
    let t = &built().1;
    let page = String::from_utf8(t["posters/baojianpin-bushi-yao/index.html"].clone()).unwrap();
    let leaflet = String::from_utf8(t["leaflets/fangpian-sanzheye/index.html"].clone()).unwrap();
    let communities: toml::Table = toml::from_str(
        &std::fs::read_to_string(repo_root().join("data/communities.toml")).unwrap(),
    )
    .unwrap();
    for v in communities["variant"].as_array().unwrap() {
        let slug = v["slug"].as_str().unwrap();
        let name = v["name"].as_str().unwrap();
        for (html, pngs) in [
            (
                &page,
                vec![format!("posters/baojianpin-bushi-yao-{slug}.png")],
            ),
            (
                &leaflet,
                vec![
                    format!("leaflets/fangpian-sanzheye-{slug}.png"),
                    format!("leaflets/fangpian-sanzheye-{slug}-2.png"),
                ],
            ),
        ] {
            for png in pngs {
                assert!(t[&png].starts_with(b"\x89PNG"), "{png}");
                assert!(html.contains(&format!("src=/{png}")), "{png} not shown");
            }
            assert!(
                html.contains(&format!("<figcaption>{name}</figcaption>")),
                "{name}"
            );
        }
    }
    // Each community's preview shows its own phone number, so the images differ.
    assert_ne!(
        t["posters/baojianpin-bushi-yao-shili-shequ-yi.png"],
        t["posters/baojianpin-bushi-yao-shili-shequ-er.png"]
    );
    // Other paper sizes have no previews of their own.
    assert!(!t.contains_key("posters/baojianpin-bushi-yao-a2.png"));
}

#[test]
fn qr_captions_say_where_the_code_leads() {
    let text = |name: &str| {
        let t = &built().1;
        text_of(&Document::load_mem(&t[name]).unwrap())
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
    };
    // The hotline poster's code opens the page on how to report, and says so (its `qr_caption`).
    assert!(text("posters/fangpian-rexian.pdf").contains("扫码看怎样举报"));
    // A poster whose code opens a case.
    assert!(text("posters/anli-yanglao-chuangwei.pdf").contains("扫码看完整案例"));
    // One whose code opens a tactic page.
    assert!(text("posters/yaoqian-dianhua.pdf").contains("扫码看全文"));
    // Without `qr` the code opens the home page.
    let dir = tempfile::tempdir().unwrap();
    poster_site(
        dir.path(),
        "+++\ntitle = \"首页码\"\nheadline = \"防骗\"\nlayout = \"hotline\"\nhotlines = [\"police\"]\n+++\n",
    );
    let o = run_in(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = std::fs::read(dir.path().join("public/posters/p.pdf")).unwrap();
    let t: String = text_of(&Document::load_mem(&pdf).unwrap())
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(t.contains("扫码打开本站") && !t.contains("举报方法"), "{t}");
}

#[test]
fn an_overflow_in_several_versions_is_one_message() {
    let dir = tempfile::tempdir().unwrap();
    let points: Vec<String> = (0..14)
        .map(|i| format!("\"第{i}条：陌生来电要钱，先挂断再核实\""))
        .collect();
    poster_site(
        dir.path(),
        &format!(
            "+++\ntitle = \"太多\"\nheadline = \"防骗\"\nhotlines = [\"police\"]\npoints = [{}]\nvariants = \"data/v.toml\"\n+++\n",
            points.join(", ")
        ),
    );
    write(
        dir.path(),
        "data/v.toml",
        "[[variant]]\nslug = \"a\"\nname = \"甲社区\"\nphone = \"13812345678\"\n\n[[variant]]\nslug = \"b\"\nname = \"乙社区\"\n\n[[variant]]\nslug = \"c\"\nname = \"丙社区\"\n",
    );
    let o = run_in(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert_eq!(e.matches("[E1703]").count(), 1, "{e}");
    assert!(
        e.contains("4 个版本：通用版、甲社区、乙社区、丙社区")
            && e.contains("「要点」放不下")
            && e.contains("content/posters/p.md:5:1"),
        "{e}"
    );
}

#[test]
fn a_mobile_number_prints_whole_on_an_a4_poster() {
    let dir = tempfile::tempdir().unwrap();
    poster_site(
        dir.path(),
        "+++\ntitle = \"手机\"\nheadline = \"防骗\"\nhotlines = [\"police\", \"shouji\"]\n+++\n",
    );
    let hotlines = std::fs::read_to_string(dir.path().join("content/hotlines.toml")).unwrap();
    write(
        dir.path(),
        "content/hotlines.toml",
        &format!(
            "{hotlines}\n[[hotline]]\nid = \"shouji\"\nname = \"社区民警\"\nnumber = \"138 1234 5678\"\n"
        ),
    );
    let o = run_in(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = std::fs::read(dir.path().join("public/posters/p.pdf")).unwrap();
    assert!(text_of(&Document::load_mem(&pdf).unwrap()).contains("13812345678"));
    let page = std::fs::read_to_string(dir.path().join("public/hotlines/index.html")).unwrap();
    assert!(page.contains("href=tel:13812345678"), "{page}");
}

/// Every colour a PDF can carry that is not CMYK: the problems found, as `object: what`.
fn non_cmyk(doc: &Document) -> Vec<String> {
    let mut bad = Vec::new();
    let n_of = |o: &Object| -> Option<i64> {
        let id = o.as_reference().ok()?;
        doc.get_object(id)
            .ok()?
            .as_stream()
            .ok()?
            .dict
            .get(b"N")
            .ok()?
            .as_i64()
            .ok()
    };
    for (id, obj) in &doc.objects {
        // Colour-space names and ICC profiles anywhere (resources, images, groups, shadings).
        let mut stack = vec![obj];
        while let Some(o) = stack.pop() {
            match o {
                Object::Name(n) => {
                    let n = String::from_utf8_lossy(n);
                    if ["DeviceRGB", "CalRGB", "DeviceGray", "CalGray", "Lab"].contains(&&*n) {
                        bad.push(format!("{id:?}: colour space /{n}"));
                    }
                }
                Object::Array(a) => {
                    if a.first().and_then(|o| o.as_name().ok()) == Some(b"ICCBased".as_slice()) {
                        let n = a.get(1).and_then(n_of);
                        if n != Some(4) {
                            bad.push(format!("{id:?}: ICCBased with N {n:?}"));
                        }
                    }
                    stack.extend(a.iter());
                }
                Object::Dictionary(d) => stack.extend(d.iter().map(|(_, v)| v)),
                Object::Stream(s) => stack.extend(s.dict.iter().map(|(_, v)| v)),
                _ => {}
            }
        }
        // Colour operators in every content stream (pages and form XObjects).
        let Object::Stream(s) = obj else { continue };
        let is_form =
            s.dict.get(b"Subtype").and_then(|o| o.as_name()).ok() == Some(b"Form".as_slice());
        let is_page_content = doc
            .get_pages()
            .values()
            .any(|&p| doc.get_page_contents(p).contains(id));
        if !(is_form || is_page_content) {
            continue;
        }
        let data = s
            .decompressed_content()
            .unwrap_or_else(|_| s.content.clone());
        let content = lopdf::content::Content::decode(&data).expect("content stream parses");
        for op in content.operations {
            let what = match op.operator.as_str() {
                "rg" | "RG" => Some("RGB colour operator"),
                "g" | "G" => Some("grey colour operator"),
                "sc" | "scn" | "SC" | "SCN"
                    if op.operands.iter().filter(|o| o.as_float().is_ok()).count() != 4 =>
                {
                    Some("colour with other than 4 components")
                }
                "cs" | "CS"
                    if op.operands.first().and_then(|o| o.as_name().ok())
                        != Some(b"DeviceCMYK".as_slice()) =>
                {
                    Some("colour space other than DeviceCMYK")
                }
                _ => None,
            };
            if let Some(w) = what {
                bad.push(format!("{id:?}: {w} `{} {:?}`", op.operator, op.operands));
            }
        }
    }
    bad
}

#[test]
fn every_print_pdf_is_cmyk_only() {
    let all = pdfs();
    assert!(!all.is_empty());
    for (name, bytes) in all {
        let doc = Document::load_mem(bytes).unwrap();
        let bad = non_cmyk(&doc);
        assert!(bad.is_empty(), "{name}: not CMYK:\n{}", bad.join("\n"));
    }
}

#[test]
fn the_cmyk_scan_finds_rgb_and_grey() {
    // The scan itself must fail on what Typst writes for rgb() and luma() colours.
    let dir = tempfile::tempdir().unwrap();
    poster_site(
        dir.path(),
        "+++\ntitle = \"RGB 海报\"\nheadline = \"测试\"\n+++\n",
    );
    write(
        dir.path(),
        "print/warning.typ",
        "#import \"lib.typ\": *\n#let render(data) = setup(data, { rect(width: 5cm, height: 5cm, fill: rgb(\"#ff0000\")); text(fill: luma(20%))[测试] })\n",
    );
    let o = run_in(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = std::fs::read(dir.path().join("public/posters/p.pdf")).unwrap();
    let bad = non_cmyk(&Document::load_mem(&pdf).unwrap());
    assert!(
        bad.iter()
            .any(|b| b.contains("ICCBased") || b.contains("RGB")),
        "{bad:?}"
    );
}

/// The page rendered by hayro at `px_per_mm`, as grey values (0 black … 255 white), row-major.
fn render_grey(pdf: &[u8], index: usize, px_per_mm: f32) -> (usize, usize, Vec<u8>) {
    use hayro::hayro_interpret::InterpreterSettings;
    use hayro::hayro_syntax::Pdf;
    let pdf = Pdf::new(pdf.to_vec()).expect("hayro parses the PDF");
    let page = &pdf.pages()[index];
    let settings = hayro::RenderSettings {
        x_scale: px_per_mm / MM,
        y_scale: px_per_mm / MM,
        bg_color: hayro::vello_cpu::color::palette::css::WHITE,
        ..Default::default()
    };
    let pixmap = hayro::render(
        page,
        &hayro::RenderCache::new(),
        &InterpreterSettings::default(),
        &settings,
    );
    let (w, h) = (pixmap.width() as usize, pixmap.height() as usize);
    let rgba = pixmap.data_as_u8_slice();
    let grey = (0..w * h)
        .map(|i| {
            ((u16::from(rgba[4 * i]) + u16::from(rgba[4 * i + 1]) + u16::from(rgba[4 * i + 2])) / 3)
                as u8
        })
        .collect();
    (w, h, grey)
}

#[test]
fn office_copies_are_a4_with_white_margins_and_a_white_ground() {
    let office: Vec<_> = pdfs()
        .into_iter()
        .filter(|(n, _)| n.ends_with("-ziyin.pdf"))
        .collect();
    // One per version of each poster and leaflet: 4 posters + 1 leaflet, three of them with 4 communities.
    assert_eq!(
        office.len(),
        5 + 3 * 4,
        "{:?}",
        office.iter().map(|o| o.0).collect::<Vec<_>>()
    );
    for (name, bytes) in office {
        let pages = Document::load_mem(bytes).unwrap().get_pages().len();
        for p in 0..pages {
            let (w, h, g) = render_grey(bytes, p, 4.0);
            // Nothing within 10 mm of the edge (less half a millimetre for anti-aliasing).
            let m = 38;
            let inked = |x: usize, y: usize| g[y * w + x] < 250;
            let edge = (0..h)
                .flat_map(|y| (0..w).map(move |x| (x, y)))
                .find(|&(x, y)| (x < m || y < m || x >= w - m || y >= h - m) && inked(x, y));
            assert_eq!(
                edge,
                None,
                "{name} page {}: ink within 10 mm of the edge",
                p + 1
            );
            // A white ground: at most a quarter of the page carries any ink.
            let share = g.iter().filter(|&&v| v < 250).count() as f32 / g.len() as f32;
            assert!(
                share < 0.25,
                "{name} page {}: {:.0} % inked",
                p + 1,
                share * 100.0
            );
        }
    }
}

#[test]
fn the_sizes_print_shops_sell_have_their_finished_size_in_both_orientations() {
    let dir = tempfile::tempdir().unwrap();
    // Written as people type them: spaces, full-width digits.
    poster_site(
        dir.path(),
        "+++\ntitle = \"纸张\"\nheadline = \"防骗\"\nhotlines = [\"police\"]\nsize = [\"大度 16 开\", \"大度８开\", \"大度4开\", \"正度16开\", \"正度8开\"]\n+++\n",
    );
    write(
        dir.path(),
        "content/posters/q.md",
        "+++\ntitle = \"横版纸张\"\nheadline = \"防骗\"\nhotlines = [\"police\"]\nsize = [\"正度16开\", \"大度8开\"]\norientation = \"landscape\"\n+++\n",
    );
    let o = run_in(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let want = [
        ("p", 210.0, 285.0),
        ("p-dadu-8k", 285.0, 420.0),
        ("p-dadu-4k", 420.0, 570.0),
        ("p-zhengdu-16k", 185.0, 260.0),
        ("p-zhengdu-8k", 260.0, 370.0),
        ("q", 260.0, 185.0),
        ("q-dadu-8k", 420.0, 285.0),
    ];
    for (file, w, h) in want {
        let pdf = std::fs::read(dir.path().join(format!("public/posters/{file}.pdf"))).unwrap();
        let doc = Document::load_mem(&pdf).unwrap();
        let page = doc.get_pages()[&1];
        let trim = rect(&doc, page, b"TrimBox");
        assert!(
            near(trim[2] - trim[0], w * MM) && near(trim[3] - trim[1], h * MM),
            "{file}: trim {trim:?}, want {w}×{h} mm"
        );
        assert!(non_cmyk(&doc).is_empty(), "{file}");
        assert_eq!(decode_qr(&pdf, 1.0).len(), 1, "{file}: QR decodes");
    }
    let page = std::fs::read_to_string(dir.path().join("public/posters/p/index.html")).unwrap();
    assert!(page.contains("大度8开 竖版"), "listed by its name");
    // An unknown size names the shop sizes in its hint.
    write(
        dir.path(),
        "content/posters/q.md",
        "+++\ntitle = \"横版纸张\"\nsize = \"大度16\"\n+++\n",
    );
    let o = run_in(dir.path(), &[]);
    let err = stderr(&o);
    assert!(
        !o.status.success() && err.contains("E1007") && err.contains("大度16开"),
        "{err}"
    );
}

#[test]
fn each_poster_has_a_zip_for_the_print_shop_with_every_pdf_and_instructions() {
    let t = &built().1;
    let zip = &t["posters/baojianpin-bushi-yao.zip"];
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.as_slice())).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    // 3 sizes × (general + 4 communities), no office copies, and the instructions.
    assert_eq!(names.len(), 16, "{names:?}");
    assert!(
        names.iter().all(|n| !n.ends_with("-ziyin.pdf")),
        "{names:?}"
    );
    for n in names.iter().filter(|n| n.ends_with(".pdf")) {
        let mut f = archive.by_name(n).unwrap();
        assert_eq!(f.compression(), zip::CompressionMethod::Stored);
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut bytes).unwrap();
        assert_eq!(
            &bytes,
            &t[&format!("posters/{n}")],
            "{n} is the published PDF"
        );
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("印刷说明.txt").unwrap(), &mut text)
        .unwrap();
    for want in [
        "成品尺寸：A3（297×420 毫米，竖版）、A2（420×594 毫米，竖版）、对开（570×840 毫米，竖版）",
        "出血：四边各 3 毫米",
        "颜色：CMYK 四色",
        "字体：全部嵌入",
        "不是 PDF/X",
        "版本：5 个（通用版、",
        "共 15 个 PDF",
        "baojianpin-bushi-yao-shili-shequ-yi-duikai.pdf    对开 竖版 · 白涛街道示例社区一（示例）",
    ] {
        assert!(text.contains(want), "{want} missing from:\n{text}");
    }
    let page = String::from_utf8(t["posters/baojianpin-bushi-yao/index.html"].clone()).unwrap();
    assert!(
        page.contains("href=/posters/baojianpin-bushi-yao.zip"),
        "package linked"
    );
    let leaflet = String::from_utf8(t["leaflets/fangpian-sanzheye/index.html"].clone()).unwrap();
    assert!(leaflet.contains("href=/leaflets/fangpian-sanzheye.zip"));
    assert!(t.contains_key("leaflets/fangpian-sanzheye.zip"));
}

#[test]
fn roll_up_stands_are_full_size_without_bleed_with_a_large_qr_and_large_numbers() {
    let t = &built().1;
    for (file, w, h) in [
        ("posters/anli-yanglao-chuangwei-yilabao.pdf", 800.0, 2000.0),
        ("posters/anli-yanglao-chuangwei-xzhanjia.pdf", 600.0, 1600.0),
    ] {
        let pdf = &t[file];
        let doc = Document::load_mem(pdf).unwrap();
        let page = doc.get_pages()[&1];
        let media = rect(&doc, page, b"MediaBox");
        assert!(
            near(media[2] - media[0], w * MM) && near(media[3] - media[1], h * MM),
            "{file}: {media:?}"
        );
        // The QR code is at least 30 mm × the scale against A4, and decodes.
        let scale = (w / 210.0_f32).min(h / 297.0);
        let found = decode_qr(pdf, 0.6);
        assert_eq!(found.len(), 1, "{file}: {found:?}");
        assert_eq!(
            found[0].0,
            "https://fangpian.example.org/cases/yanglao-gongyu/"
        );
        assert!(
            found[0].1 >= 30.0 * scale - 1.0,
            "{file}: QR {:.0} mm",
            found[0].1
        );
        // Nothing in the bottom safe margin (a 易拉宝's cassette hides 200 mm).
        let (pw, ph, g) = render_grey(pdf, 0, 0.5);
        let safe = if w == 800.0 { 200.0 } else { 60.0 };
        let rows = (safe * 0.5) as usize - 2;
        let inked = (ph - rows..ph).any(|y| (0..pw).any(|x| g[y * pw + x] < 250));
        assert!(!inked, "{file}: ink in the bottom {safe} mm");
        let text = text_of(&doc);
        assert!(
            text.contains("96110") && text.contains("养老床位"),
            "{file}: {text}"
        );
    }
}

#[test]
fn a_banner_is_one_line_sized_from_its_height_and_too_long_a_slogan_is_an_error() {
    let poster = |size: &str, slogan: &str| {
        format!(
            "+++\ntitle = \"横幅\"\nheadline = \"防骗\"\nslogan = \"{slogan}\"\nhotlines = [\"police\"]\nsize = [\"A4\", {size}]\n+++\n"
        )
    };
    // Written long side first, with full-width digits and an x: the same banner, 700 mm high.
    let dir = tempfile::tempdir().unwrap();
    poster_site(
        dir.path(),
        &poster("\"横幅 ６０００x７００\"", "守好养老钱"),
    );
    let o = run_in(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = std::fs::read(dir.path().join("public/posters/p-hengfu-700x6000.pdf")).unwrap();
    let doc = Document::load_mem(&pdf).unwrap();
    let media = rect(&doc, doc.get_pages()[&1], b"MediaBox");
    assert!(
        near(media[2] - media[0], 6000.0 * MM) && near(media[3] - media[1], 700.0 * MM),
        "no bleed, 6000 × 700 mm: {media:?}"
    );
    let text: String = text_of(&doc).split_whitespace().collect();
    assert_eq!(text, "守好养老钱报警电话110");
    // The type is sized from the height: the glyphs are white on the red ground, about 60 % of the
    // height tall, centred, and clear of the ends.
    let (w, h, g) = render_grey(&pdf, 0, 0.1);
    let white = |x: usize, y: usize| g[y * w + x] > 128;
    let rows: Vec<usize> = (0..h - 1)
        .filter(|&y| (0..w - 1).any(|x| white(x, y)))
        .collect();
    let cols: Vec<usize> = (0..w - 1)
        .filter(|&x| (0..h - 1).any(|y| white(x, y)))
        .collect();
    let (top, bottom) = (
        rows[0] as f32 * 10.0,
        (rows[rows.len() - 1] + 1) as f32 * 10.0,
    );
    assert!(
        (top - (700.0 - bottom)).abs() <= 25.0 && bottom - top > 350.0,
        "glyphs from {top} to {bottom} mm"
    );
    assert!(
        cols[0] as f32 * 10.0 >= 210.0 && (w - cols[cols.len() - 1]) as f32 * 10.0 >= 210.0,
        "ends"
    );
    // The package says how big it is.
    let zip = std::fs::read(dir.path().join("public/posters/p.zip")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut readme = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("印刷说明.txt").unwrap(), &mut readme)
        .unwrap();
    assert!(
        readme.contains("横幅700×6000（长 6000 毫米 × 高 700 毫米）")
            && readme.contains("大幅面（易拉宝、X展架、横幅）：出血四边各 0 毫米"),
        "{readme}"
    );

    // A slogan longer than the banner: E1703 at `size`, saying how to fix it.
    let dir = tempfile::tempdir().unwrap();
    poster_site(dir.path(), &poster("\"横幅 700×3000\"", "守好养老钱"));
    let o = run_in(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("E1703")
            && e.contains("横幅700×3000")
            && e.contains("「横幅标语」放不下")
            && e.contains("content/posters/p.md:6:1")
            && e.contains("只写高"),
        "{e}"
    );
    assert!(!dir.path().join("public").exists(), "nothing published");

    // A size that is no banner (70 × 500: centimetres) says how to write one.
    let dir = tempfile::tempdir().unwrap();
    poster_site(dir.path(), &poster("\"横幅 70×500\"", "守好养老钱"));
    let o = run_in(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("E1007") && e.contains("单位毫米"), "{e}");

    // A character no font has, on a banner only.
    let dir = tempfile::tempdir().unwrap();
    poster_site(
        dir.path(),
        "+++\ntitle = \"缺字\"\nheadline = \"防骗\"\nslogan = \"守好\u{10FFFD}养老钱\"\nhotlines = [\"police\"]\nsize = \"横幅\"\n+++\n",
    );
    let o = run_in(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("E1702") && e.contains("U+10FFFD"), "{e}");
}
