//! Channels, media half: the share image of every tactic and alert (size, QR code, byte-identical,
//! og:image, download link, `--no-print`, located errors) and the WeChat 公众号 version of every
//! tactic, case, alert and page (inline styles only, absolute addresses, noindex, `check`'s limits).

mod common;

use std::path::Path;

use common::{run, run_in, stderr, stdout, write};

const BASE: &str = "https://test.example.org";

/// A site without posters (so that only share images go through Typst): a tactic, an alert, a case
/// and a page, with a primary hotline.
fn site(root: &Path, channels: &str) {
    write(
        root,
        "site.toml",
        &format!(
            "title = \"测试站点\"\nbase_url = \"{BASE}\"\norganization = \"某街道宣教组\"\n{channels}"
        ),
    );
    write(
        root,
        "content/hotlines.toml",
        "[[hotline]]\nid = \"police\"\nname = \"报警电话\"\nnumber = \"110\"\nprimary = true\nverified = 2026-11-01\n\n[[hotline]]\nid = \"fz\"\nname = \"反诈专线\"\nnumber = \"96110\"\nverified = 2026-11-01\n",
    );
    write(root, "content/_index.md", "+++\ntitle = \"首页\"\n+++\n");
    write(
        root,
        "content/tactics/baojianpin.md",
        "+++\ntitle = \"保健品骗局\"\ndescription = \"普通食品卖出神药价。\"\nwarning_signs = [\"免费领鸡蛋\", \"专家当场看病\", \"今天特价明天没了\", \"别告诉子女\"]\n+++\n\n## 记住\n\n保健品不是药。\n\n- 不买\n- 不信\n\n> [!WARNING]\n> 不要把钱交给陌生人。\n\n![一张图](/tupian.png)\n",
    );
    write(root, "static/tupian.png", "not really a png");
    write(
        root,
        "content/alerts/shangmen.md",
        "+++\ntitle = \"有人冒充社区人员上门\"\nlevel = \"紧急\"\ndate = 2026-11-18\n+++\n\n请您记住：\n\n1. 不开门。\n2. 打 <hotline:fz> 核实。\n",
    );
    write(
        root,
        "content/cases/a.md",
        "+++\ntitle = \"案例一\"\nregion = \"某区\"\namount = \"3 万元\"\n+++\n\n见[保健品骗局](@/tactics/baojianpin.md)。\n",
    );
    write(
        root,
        "content/about.md",
        "+++\ntitle = \"关于\"\n+++\n\n关于本站。\n",
    );
}

fn built(channels: &str, extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path(), channels);
    let o = run_in(dir.path(), extra);
    assert!(o.status.success(), "{}", stderr(&o));
    dir
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let n = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (n(16), n(20))
}

/// The texts of the QR codes zbarimg finds in an image.
fn decode_qr(path: &Path) -> Vec<String> {
    let o = std::process::Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(path)
        .output()
        .expect("zbarimg (Debian zbar-tools) decodes the QR codes");
    stdout(&o).lines().map(str::to_string).collect()
}

#[test]
fn tactics_and_alerts_get_a_share_image_with_a_qr_code_to_the_page() {
    let dir = built("", &[]);
    let public = dir.path().join("public");
    for (rel, page) in [
        ("tactics/baojianpin/share.png", "/tactics/baojianpin/"),
        ("alerts/shangmen/share.png", "/alerts/shangmen/"),
    ] {
        let png = std::fs::read(public.join(rel)).unwrap();
        assert_eq!(png_size(&png), (1080, 1440), "{rel}");
        assert_eq!(
            decode_qr(&public.join(rel)),
            vec![format!("{BASE}{page}")],
            "{rel}"
        );
        let html = read(dir.path(), &format!("{}index.html", &page[1..]));
        let doc = scraper::Html::parse_document(&html);
        let og = scraper::Selector::parse("meta[property='og:image']").unwrap();
        let og: Vec<_> = doc
            .select(&og)
            .filter_map(|m| m.value().attr("content"))
            .collect();
        assert_eq!(og, vec![format!("{BASE}/{rel}")], "{rel}: og:image");
        let link = scraper::Selector::parse("a[download]").unwrap();
        let link = doc
            .select(&link)
            .find(|a| a.value().attr("href") == Some(&format!("/{rel}")))
            .unwrap_or_else(|| panic!("{page}: no download link to the share image"));
        assert!(
            link.text()
                .collect::<String>()
                .contains("保存图片，发到家人群"),
            "{page}"
        );
    }
    // Cases and pages only when site.toml asks.
    assert!(!public.join("cases/a/share.png").exists());
    assert!(!public.join("about/share.png").exists());
    assert!(!read(dir.path(), "cases/a/index.html").contains("og:image"));
}

#[test]
fn share_images_are_byte_identical_across_builds_and_from_the_cache() {
    let dir = built("", &[]);
    let first = std::fs::read(dir.path().join("public/tactics/baojianpin/share.png")).unwrap();
    // From the cache.
    let o = run_in(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("（新排版 0 张）"), "{}", stdout(&o));
    let cached = std::fs::read(dir.path().join("public/tactics/baojianpin/share.png")).unwrap();
    assert!(first == cached, "the cached share image differs");
    // Laid out again from nothing.
    std::fs::remove_dir_all(dir.path().join(".fangpian-cache")).unwrap();
    let o = run_in(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("2 张分享图（新排版 2 张）"),
        "{}",
        stdout(&o)
    );
    let again = std::fs::read(dir.path().join("public/tactics/baojianpin/share.png")).unwrap();
    assert!(first == again, "a fresh layout gives different bytes");
}

#[test]
fn no_print_skips_share_images_but_keeps_the_wechat_version() {
    let dir = built("", &["--no-print"]);
    let public = dir.path().join("public");
    assert!(!public.join("tactics/baojianpin/share.png").exists());
    assert!(!dir.path().join(".fangpian-cache/share").exists());
    let html = read(dir.path(), "tactics/baojianpin/index.html");
    assert!(!html.contains("og:image"), "og:image without an image");
    assert!(!html.contains("保存图片"), "download link without an image");
    assert!(public.join("tactics/baojianpin/wechat.html").exists());
}

#[test]
fn site_toml_chooses_the_kinds() {
    let dir = built("\n[channels]\nshare_images = [\"case\", \"alert\"]\n", &[]);
    let public = dir.path().join("public");
    assert!(public.join("cases/a/share.png").exists());
    assert!(public.join("alerts/shangmen/share.png").exists());
    assert!(!public.join("tactics/baojianpin/share.png").exists());

    let dir = tempfile::tempdir().unwrap();
    site(
        dir.path(),
        "[channels]\nshare_images = [\"tactic\", \"leaflet\"]\n",
    );
    let o = run_in(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("E1940") && e.contains("site.toml:5:"), "{e}");

    // Typed with a Chinese input method: the full-width ＝ is pointed at, with the fix.
    let dir = tempfile::tempdir().unwrap();
    site(dir.path(), "[channels]\nshare_images ＝ [\"case\"]\n");
    let o = run_in(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("E1019") && e.contains("site.toml:5:14") && e.contains("改成半角「=」"),
        "{e}"
    );
}

#[test]
fn a_character_no_font_has_on_a_card_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path(), "");
    write(
        dir.path(),
        "content/tactics/q.md",
        "+++\ntitle = \"缺字\"\nwarning_signs = [\"防骗\u{10FFFD}\"]\n+++\n",
    );
    let o = run_in(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("E1702")
            && e.contains("content/tactics/q.md:3:")
            && e.contains("分享图「缺字」"),
        "{e}"
    );
    assert!(
        !dir.path().join("public").exists(),
        "a failed build published"
    );
}

#[test]
fn text_that_does_not_fit_a_card_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path(), "");
    let long = "老人".repeat(60);
    write(
        dir.path(),
        "content/tactics/q.md",
        &format!("+++\ntitle = \"{long}\"\n+++\n"),
    );
    let o = run_in(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("E1703") && e.contains("content/tactics/q.md:2:1") && e.contains("标题"),
        "{e}"
    );
}

#[test]
fn wechat_versions_are_inline_styled_with_absolute_addresses() {
    let dir = built("", &["--no-print"]);
    for page in [
        "tactics/baojianpin/",
        "alerts/shangmen/",
        "cases/a/",
        "about/",
    ] {
        let html = read(dir.path(), &format!("{page}wechat.html"));
        let doc = scraper::Html::parse_document(&html);
        let count = |sel: &str| doc.select(&scraper::Selector::parse(sel).unwrap()).count();
        assert_eq!(count("style, script, link"), 0, "{page}: {html}");
        assert_eq!(count("[class]"), 0, "{page}: class attributes left");
        assert_eq!(count("meta[name='robots'][content='noindex']"), 1, "{page}");
        assert_eq!(
            count("h1[style*='font-size']"),
            1,
            "{page}: h1 not styled inline"
        );
        assert!(count("p[style*='font-size: 20px']") > 0, "{page}: {html}");
        for url in common::hrefs(&html) {
            assert!(
                url.starts_with(BASE) || url.starts_with('#') || url.starts_with("tel:"),
                "{page}: address {url} is not absolute"
            );
        }
        // The web page links to it.
        let web = read(dir.path(), &format!("{page}index.html"));
        assert!(
            common::hrefs(&web).contains(&format!("/{page}wechat.html")),
            "{page}: no link to the WeChat version"
        );
    }
    let tactic = read(dir.path(), "tactics/baojianpin/wechat.html");
    // The callout keeps its look as inline styles; the image points at the site.
    assert!(tactic.contains("background: #fff3cd"), "{tactic}");
    assert!(
        common::hrefs(&tactic).contains(&format!("{BASE}/tupian.png")),
        "{tactic}"
    );
    assert!(tactic.contains("保健品不是药"), "{tactic}");
    // Posters have none.
    assert!(!dir.path().join("public/posters").exists());
}

#[test]
fn check_warns_at_wechat_limits_with_the_count_at_the_title() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path(), "");
    let title = "一".repeat(40);
    let body = "长文。".repeat(7000);
    write(
        dir.path(),
        "content/q.md",
        &format!("+++\ntitle = \"{title}\"\n+++\n\n{body}\n"),
    );
    let o = run(&["check", "--root", dir.path().to_str().unwrap()]);
    let e = stderr(&o) + &stdout(&o);
    assert!(
        e.contains("W2055") && e.contains("标题有 40 个字") && e.contains("content/q.md:2:1"),
        "{e}"
    );
    assert!(
        e.contains("W2056") && e.contains("正文有 21000 个字"),
        "{e}"
    );
    // Within the limits: no warning.
    let dir = tempfile::tempdir().unwrap();
    site(dir.path(), "");
    let o = run(&["check", "--root", dir.path().to_str().unwrap()]);
    let e = stderr(&o) + &stdout(&o);
    assert!(!e.contains("W2055") && !e.contains("W2056"), "{e}");
}
