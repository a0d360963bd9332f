//! Builds the repository's example site into temporary folders and checks what a reader gets:
//! every page, working internal links, tap-to-call hotlines, valid feed and sitemap, no drafts,
//! minified HTML and byte-identical output across builds.

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use common::*;

/// The example site built once for the read-only tests.
fn built() -> &'static (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    static B: OnceLock<(tempfile::TempDir, BTreeMap<String, Vec<u8>>)> = OnceLock::new();
    B.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let o = run(&[
            "build",
            "--root",
            repo_root().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(
            o.status.success(),
            "example site must build:\n{}",
            stderr(&o)
        );
        assert!(stdout(&o).contains("完成"), "summary line: {}", stdout(&o));
        let t = tree(&out);
        (dir, t)
    })
}

fn html(path: &str) -> String {
    let t = &built().1;
    String::from_utf8(
        t.get(path)
            .unwrap_or_else(|| panic!("{path} missing"))
            .clone(),
    )
    .unwrap()
}

fn content_files(dir: &str) -> Vec<String> {
    let d = repo_root().join("content").join(dir);
    let mut v: Vec<String> = std::fs::read_dir(&d)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n != "_index.md")
        .collect();
    v.sort();
    v
}

#[test]
fn every_content_file_becomes_a_page() {
    let t = &built().1;
    let mut expected = 0;
    for (section, min) in [
        ("tactics", 8),
        ("cases", 6),
        ("alerts", 2),
        ("posters", 4),
        ("leaflets", 1),
    ] {
        let files = content_files(section);
        assert!(
            files.len() >= min,
            "{section}: {} files, want at least {min}",
            files.len()
        );
        for f in &files {
            let slug = f.trim_end_matches(".md");
            assert!(
                t.contains_key(&format!("{section}/{slug}/index.html")),
                "{section}/{slug} not built"
            );
        }
        assert!(
            t.contains_key(&format!("{section}/index.html")),
            "section list {section}"
        );
        expected += files.len() + 1;
    }
    for page in [
        "report/index.html",
        "about/index.html",
        "index.html",
        "hotlines/index.html",
        "404.html",
        "tags/index.html",
        "categories/index.html",
    ] {
        assert!(t.contains_key(page), "{page} missing");
    }
    let html_files = t.keys().filter(|k| k.ends_with(".html")).count();
    assert!(
        html_files >= expected + 7,
        "{html_files} HTML files for {expected} pages and sections"
    );
}

#[test]
fn every_internal_link_resolves() {
    let t = &built().1;
    let mut checked = 0;
    for (path, bytes) in t.iter().filter(|(k, _)| k.ends_with(".html")) {
        let page = String::from_utf8_lossy(bytes);
        for href in hrefs(&page) {
            if !href.starts_with('/') || href.starts_with("//") {
                continue;
            }
            let target = href
                .split(['#', '?'])
                .next()
                .unwrap()
                .trim_start_matches('/');
            let exists = if target.is_empty() || target.ends_with('/') {
                t.contains_key(&format!("{target}index.html"))
            } else {
                t.contains_key(target)
            };
            assert!(exists, "{path} links to {href}, which does not exist");
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} links checked");
}

#[test]
fn hotlines_are_tap_to_call_with_area_codes() {
    let h = html("hotlines/index.html");
    for tel in [
        "tel:04727107009",
        "tel:02372706001",
        "tel:02372707990",
        "tel:110",
        "tel:96110",
        "tel:12315",
        "tel:12345",
    ] {
        assert!(h.contains(tel), "{tel} missing from /hotlines/");
    }
    // The primary hotlines are on every page.
    for (path, bytes) in built().1.iter().filter(|(k, _)| k.ends_with("index.html")) {
        let page = String::from_utf8_lossy(bytes);
        if page.contains("http-equiv=refresh") {
            continue; // alias redirect
        }
        assert!(
            page.contains("href=tel:110"),
            "{path} lacks the 110 call button"
        );
    }
}

#[test]
fn feed_and_sitemap_are_valid_xml() {
    for file in ["atom.xml", "sitemap.xml"] {
        let bytes = &built().1[file];
        let mut reader = quick_xml::Reader::from_reader(bytes.as_slice());
        let mut buf = Vec::new();
        let mut elements = 0;
        loop {
            match reader.read_event_into(&mut buf) {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::Start(_)) => elements += 1,
                Ok(_) => {}
                Err(e) => panic!("{file} is not well-formed XML: {e}"),
            }
            buf.clear();
        }
        assert!(elements > 10, "{file} has only {elements} elements");
    }
    let feed = String::from_utf8(built().1["atom.xml"].clone()).unwrap();
    assert!(feed.contains("<entry>") && feed.contains("https://fangpian.example.org/cases/"));
    let sitemap = String::from_utf8(built().1["sitemap.xml"].clone()).unwrap();
    assert!(sitemap.contains("<loc>https://fangpian.example.org/tactics/</loc>"));
    assert!(
        String::from_utf8(built().1["robots.txt"].clone())
            .unwrap()
            .contains("Sitemap: https://fangpian.example.org/sitemap.xml")
    );
}

#[test]
fn html_is_minified_and_marked_chinese() {
    let h = html("index.html");
    assert!(
        h.to_ascii_lowercase()
            .starts_with("<!doctype html><html lang=zh-cn>"),
        "{}",
        &h[..80]
    );
    assert_eq!(h.matches("<h1").count(), 1);
    // Every HTML file is minified: no line breaks or runs of spaces outside <pre>.
    for (path, bytes) in built().1.iter().filter(|(k, _)| k.ends_with(".html")) {
        let page = String::from_utf8_lossy(bytes);
        let mut outside = String::new();
        let mut rest = page.as_ref();
        while let Some(i) = rest.find("<pre") {
            outside.push_str(&rest[..i]);
            rest = rest[i..].find("</pre>").map_or("", |j| &rest[i + j + 6..]);
        }
        outside.push_str(rest);
        assert!(!outside.contains('\n'), "{path} has line breaks");
        assert!(!outside.contains("  "), "{path} has runs of spaces");
        assert!(!outside.contains("<!--"), "{path} has comments");
    }
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    write(
        dir.path(),
        "content/tactics/caogao.md",
        "+++\ntitle = \"草稿文章\"\ndraft = true\n+++\n\n还没写完。\n",
    );
    let o = run_in(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = tree(&dir.path().join("public"));
    assert!(!t.contains_key("tactics/caogao/index.html"));
    assert!(
        !t.values()
            .any(|b| String::from_utf8_lossy(b).contains("草稿文章")),
        "draft title leaked into a list"
    );
    let o = run_in(dir.path(), &["--drafts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("public/tactics/caogao/index.html").exists());
}

#[test]
fn two_builds_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    let root = repo_root();
    for (out, threads) in [(&a, "1"), (&b, "2")] {
        let o = bin()
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "build",
                "--root",
                root.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (ta, tb) = (tree(&a), tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(v == &tb[k], "{k} differs between builds");
    }
}

#[test]
fn check_passes_on_the_example_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    let o = run(&["check", "--root", dir.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!dir.path().join("public").exists());
}

#[test]
fn rebuild_replaces_the_previous_output_whole() {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    // Twice: the second build keeps the first site beside the output as the spare tree that the
    // third builds in, so the third must clear the deleted page out of it.
    assert!(run_in(dir.path(), &[]).status.success());
    assert!(run_in(dir.path(), &[]).status.success());
    assert!(
        dir.path()
            .join(".public.fangpian-spare/about/index.html")
            .exists()
    );
    std::fs::remove_file(dir.path().join("content/about.md")).unwrap();
    let o = run_in(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !dir.path().join("public/about/index.html").exists(),
        "deleted page still published"
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.contains("fangpian-")
            && n != ".fangpian-cache"
            && n != ".public.fangpian-spare"),
        "leftover folders: {names:?}"
    );
}

#[test]
fn odd_file_names_and_encodings_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    write(
        root,
        "content/tactics/以房养老 提醒.md",
        "\u{feff}+++\r\ntitle = \"以房养老\"\r\n+++\r\n\r\n第一段。\r\n",
    );
    write(
        root,
        "content/tactics/🚨.md",
        "+++\ntitle = \"紧急\"\n+++\n\n内容。\n",
    );
    let o = run_in(root, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = std::fs::read_to_string(root.join("public/tactics/yifangyanglao-tixing/index.html"))
        .unwrap();
    assert!(page.contains("以房养老") && page.contains("第一段。"));
    assert!(root.join("public/tactics/u1f6a8/index.html").exists());
}

#[test]
#[ignore = "needs ../shared/bench/gen_corpus.py beside the repository; CI runs it with --ignored"]
fn the_benchmark_corpus_builds() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    let generator = repo_root().join("../shared/bench/gen_corpus.py");
    assert!(
        generator.exists(),
        "{} not found: the shared folder must sit beside the repository",
        generator.display()
    );
    let st = std::process::Command::new("python3")
        .arg(&generator)
        .arg("60")
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(corpus.join("corpus.json")).unwrap()).unwrap();
    let o = run_in(&corpus.join("fangpian"), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = tree(&corpus.join("fangpian/public"));
    let index_files = t.keys().filter(|k| k.ends_with("index.html")).count() as u64;
    // Everything Zola and Hugo produce, plus /hotlines/, /search/ and /materials/.
    assert_eq!(
        index_files,
        meta["expected_index_html"].as_u64().unwrap() + 3
    );
    assert!(t.contains_key("materials/index.html"));
    for tag in meta["tags"].as_object().unwrap().keys() {
        let slug = fangpian::slug::slugify(tag);
        assert!(
            t.contains_key(&format!("tags/{slug}/index.html")),
            "tag page for {tag}"
        );
    }
}

#[test]
fn rebuild_does_not_follow_links_in_the_old_output() {
    // The previous output is deleted by the list of paths this build wrote; a folder in it that
    // someone replaced by a link must not lead the deletion outside the output.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    small_site(&root);
    assert!(run_in(&root, &[]).status.success());
    let outside = dir.path().join("outside");
    write(&outside, "baojianpin/index.html", "keep me");
    let tactics = root.join("public/tactics");
    std::fs::remove_dir_all(&tactics).unwrap();
    std::os::unix::fs::symlink(&outside, &tactics).unwrap();
    let o = run_in(&root, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(outside.join("baojianpin/index.html")).unwrap(),
        "keep me"
    );
    assert!(
        root.join("public/tactics/baojianpin/index.html").is_file() && !tactics.is_symlink(),
        "the new output has the real page"
    );
}

#[test]
fn markup_the_fast_minifier_rejects_is_still_minified() {
    // A closing tag that matches nothing stops the one-pass minifier half-way through its buffer;
    // the page is rendered again and minified by the full minifier instead.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    write(
        root,
        "templates/tactic.html",
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n  <title>{{ page.title }}</title>\n</head>\n<body>\n  <main>\n    <p>{{ page.title }}</div>\n    <p>  第二段  </p>\n  </main>\n  {{ page_qr | safe }}\n</body>\n</html>\n",
    );
    let o = run_in(root, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = std::fs::read_to_string(root.join("public/tactics/baojianpin/index.html")).unwrap();
    assert!(page.contains("保健品骗局"), "{page}");
    assert!(page.contains("第二段"), "{page}");
    assert!(!page.contains("\n    <p>"), "not minified: {page}");
    assert!(
        page.contains("<svg") && !page.contains("fangpian-qr"),
        "QR code spliced in: {page}"
    );
}

/// `build --offline` writes a copy whose every link is relative and ends in a file: opened from disk
/// (`file://`), every internal link and resource resolves to a file of the copy.
#[test]
fn the_offline_copy_links_relatively_to_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("offline");
    let o = run(&[
        "build",
        "--offline",
        "--root",
        repo_root().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = tree(&out);
    assert_eq!(
        t.keys().collect::<Vec<_>>(),
        built().1.keys().collect::<Vec<_>>(),
        "the offline copy has the same files"
    );
    let mut checked = 0;
    for (path, bytes) in t.iter().filter(|(k, _)| k.ends_with(".html")) {
        let page = String::from_utf8_lossy(bytes);
        let folder = std::path::Path::new(path).parent().unwrap();
        for href in hrefs(&page) {
            if href.contains(':') || href.starts_with('#') {
                continue; // https:, tel:, mailto:, same-page anchors
            }
            assert!(!href.starts_with('/'), "{path}: root-relative {href}");
            let target = href.split(['#', '?']).next().unwrap();
            assert!(!target.ends_with('/'), "{path}: {href} names a folder");
            let mut resolved = Vec::new();
            for seg in folder.join(target).components() {
                match seg {
                    std::path::Component::ParentDir => {
                        assert!(resolved.pop().is_some(), "{path}: {href} leaves the copy");
                    }
                    std::path::Component::Normal(s) => {
                        resolved.push(s.to_string_lossy().into_owned())
                    }
                    _ => {}
                }
            }
            let resolved = resolved.join("/");
            assert!(
                t.contains_key(&resolved),
                "{path} links to {href} = {resolved}, missing"
            );
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} links checked");
}

/// `(tel: target, display form)` of every entry of the example's `content/hotlines.toml`, each checked to be
/// a valid Chinese number made of exactly its `area_code` and `number`.
fn example_hotline_forms() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(repo_root().join("content/hotlines.toml")).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    doc["hotline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let area = h.get("area_code").and_then(|a| a.as_str()).unwrap_or("");
            let number = h["number"].as_str().unwrap();
            let phone = fangpian::phone::Phone::parse(area, number)
                .unwrap_or_else(|e| panic!("{area} {number}: {e:?}"));
            assert_eq!(phone.tel(), format!("tel:{area}{number}"));
            (phone.tel(), phone.display())
        })
        .collect()
}

#[test]
fn every_tel_link_is_a_valid_number_from_hotlines_toml() {
    let forms = example_hotline_forms();
    let mut seen = 0;
    for (path, bytes) in built().1.iter().filter(|(k, _)| k.ends_with(".html")) {
        let page = String::from_utf8_lossy(bytes);
        for (at, _) in page.match_indices("tel:") {
            let tel: String = page[at..]
                .chars()
                .take_while(|c| *c != ' ' && *c != '>' && *c != '"')
                .collect();
            assert!(
                forms.iter().any(|(t, _)| *t == tel),
                "{path}: {tel} is not the tel: form of any entry of hotlines.toml"
            );
            seen += 1;
        }
    }
    assert!(seen > 100, "only {seen} tel: links");
    // The display form next to each button is the grouped number, with the area code once.
    let h = html("hotlines/index.html");
    for (_, display) in &forms {
        assert!(
            h.contains(display.as_str()),
            "{display} missing from /hotlines/"
        );
    }
    assert!(!h.contains("04720472") && !h.contains("023023"));
}

#[test]
fn indented_paragraphs_stay_paragraphs_and_code_wraps() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    // As pasted from Word or typed by a writer who indents paragraphs: a tab, four spaces, full-width
    // spaces; then a fenced code block with a long line.
    write(
        root,
        "content/tactics/suojin.md",
        "+++\ntitle = \"缩进\"\n+++\n\n\t第一段用 Tab 缩进，拨打 <hotline:mz>。\n\n    第二段用四个空格缩进。\n\n\u{3000}\u{3000}第三段用全角空格缩进。\n\n```\nhttps://example.org/a-very-long-address-that-would-scroll-sideways-on-a-375-px-phone-screen\n```\n",
    );
    // A Chinese file name with polyphones gets a word-by-word pinyin URL.
    write(
        root,
        "content/tactics/银行行长.md",
        "+++\ntitle = \"冒充银行行长\"\n+++\n\n内容。\n",
    );
    let o = run_in(root, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = std::fs::read_to_string(root.join("public/tactics/suojin/index.html")).unwrap();
    for p in [
        "<p>第一段用 Tab 缩进，拨打",
        "<p>第二段用四个空格缩进。",
        "<p>\u{3000}\u{3000}第三段用全角空格缩进。",
    ] {
        assert!(page.contains(p), "{p} is not a paragraph:\n{page}");
    }
    assert!(page.contains("href=tel:04727107009"), "{page}");
    assert_eq!(
        page.matches("<pre").count(),
        1,
        "only the fenced block is code"
    );
    let css = std::fs::read_to_string(root.join("public/fangpian.css")).unwrap();
    assert!(
        css.contains("pre{white-space:pre-wrap;overflow-wrap:anywhere")
            || css.contains("pre { white-space: pre-wrap; overflow-wrap: anywhere"),
        "code blocks must wrap"
    );
    assert!(
        root.join("public/tactics/yinhanghangzhang/index.html")
            .exists()
    );
}

#[test]
fn phrase_readings_are_remembered_for_the_next_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    write(
        root,
        "content/tactics/银行行长.md",
        "+++\ntitle = \"冒充银行行长\"\n+++\n\n内容。\n",
    );
    let readings = root.join(".fangpian-cache/pinyin.txt");
    let built = |slug: &str| {
        let o = run_in(root, &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            root.join(format!("public/tactics/{slug}/index.html"))
                .exists()
        );
    };
    built("yinhanghangzhang");
    let text = std::fs::read_to_string(&readings).unwrap();
    assert!(text.starts_with("fangpian pinyin readings 1"), "{text}");
    assert!(text.contains("银行行长\tyinhanghangzhang\n"), "{text}");
    // The next build takes the reading from the file, not from the phrase dictionary.
    std::fs::write(&readings, text.replace("yinhanghangzhang", "yhhz")).unwrap();
    built("yhhz");
    // A file from another dictionary version is not used, and is written afresh.
    std::fs::write(&readings, "fangpian pinyin readings 0\n银行行长\tyhhz\n").unwrap();
    built("yinhanghangzhang");
    let text = std::fs::read_to_string(&readings).unwrap();
    assert!(text.contains("银行行长\tyinhanghangzhang\n"), "{text}");
}
