//! The page minifier: minify-html-onepass with fangpian's text-run patch
//! (vendor/minify-html-onepass/PATCHED.md) must give exactly what the published crate gives.
//! The expected strings were produced by the unpatched minify-html-onepass 0.18.1; each case
//! stops a run of plain text in a different way (whitespace, entity, `<`, end of element).
//! The second patch keeps `</head>`, `</body>` and `</html>` (issue #22: Pagefind and other tools
//! that do not parse HTML fully need them); the last tests check that in built pages too.
//! A third patch copies runs of plain bytes in attribute values in one move (same output), and a
//! fourth fixes a panic of the published crate on an unquoted value that ends in an encoded `>`.

mod common;

use fangpian::render::minify;

fn check(input: &str, expected: &str) {
    let got = String::from_utf8(minify(input)).expect("minified HTML is UTF-8");
    assert_eq!(got, expected, "minifying {input:?}");
}

#[test]
fn whitespace_in_chinese_text_collapses_to_one_space() {
    check(
        "<p>防骗  提醒：\n  不要 转账</p>",
        "<p>防骗 提醒： 不要 转账",
    );
}

#[test]
fn whitespace_in_pre_and_textarea_is_kept() {
    check(
        "<pre>  两个  空格\n 保留 </pre>",
        "<pre>  两个  空格\n 保留 </pre>",
    );
    check(
        "<textarea>  原样\n  保留  </textarea>",
        "<textarea>  原样\n  保留  </textarea>",
    );
}

#[test]
fn entities_inside_text_are_still_normalised() {
    check("<p>a &lt;b c &amp; d</p>", "<p>a &LTb c & d");
    check("<p>&lt;script&gt; 不会 执行</p>", "<p>&LTscript> 不会 执行");
    check(
        "<p>&a&#109;p; 和 &am&am&#112;</p>",
        "<p>&ampamp; 和 &am&ampamp",
    );
}

#[test]
fn a_literal_less_than_sign_in_text_is_kept() {
    check("<p>1 < 2 和 3</p>", "<p>1 < 2 和 3");
}

#[test]
fn tags_after_text_are_still_minified() {
    check(
        "<ul>\n  <li>一\n  <li>二</li>\n</ul>",
        "<ul><li>一 <li>二</ul>",
    );
    check(
        "<p>电话 <a href=\"tel:96110\">96110</a> 。</p>",
        "<p>电话 <a href=tel:96110>96110</a> 。",
    );
}

#[test]
fn document_end_tags_are_kept_and_other_optional_end_tags_are_not() {
    check(
        "<!DOCTYPE html>\n<html lang=zh-CN>\n<head>\n  <title>防骗</title>\n</head>\n<body>\n  <p>一</p>\n  <p>二</p>\n</body>\n</html>\n",
        "<!DOCTYPE html><html lang=zh-CN><head><title>防骗</title></head><body><p>一<p>二</body></html>",
    );
}

#[test]
fn end_tags_missing_from_the_source_are_not_invented() {
    check(
        "<html><head><title>t</title><body><p>一",
        "<html><head><title>t</title><body><p>一",
    );
}

#[test]
fn attribute_values_are_minified_as_before() {
    // Expected strings from the published crate: runs of plain bytes end at entities, quotes,
    // whitespace and `>`, and each of those still chooses the value's quoting.
    check(
        "<a href=\"/tactics/baojianpin/\" title=\"防骗 提醒\">x</a>",
        "<a href=/tactics/baojianpin/ title=\"防骗 提醒\">x</a>",
    );
    check(
        "<p title=\"a&amp;b&#39;c\" data-x='1\"2'>x</p>",
        "<p title=a&b'c data-x=1\"2>x",
    );
    check("<p title=\"&gt;&quot;&#x27;a\">x</p>", "<p title=&gt\"'a>x");
}

#[test]
fn a_value_ending_in_an_encoded_greater_than_sign_does_not_panic() {
    // The published minify-html-onepass 0.18.1 indexes past the end of this value and panics.
    check("<p title=\"a'&quot;>\">x</p>", "<p title=a'\"&gt>x");
}

#[test]
fn a_page_whose_markup_ends_a_value_in_a_greater_than_sign_builds() {
    let dir = tempfile::tempdir().unwrap();
    common::small_site(dir.path());
    common::write(
        dir.path(),
        "content/about.md",
        "+++\ntitle = \"关于\"\n+++\n\n<span title=\"a'&quot;>\">原样的 HTML</span>\n\n[链接](/about/ \"a'\\\">\")\n",
    );
    let out = common::run_in(dir.path(), &["--no-print"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let html = std::fs::read_to_string(dir.path().join("public/about/index.html")).unwrap();
    assert!(html.contains("原样的 HTML"), "{html}");
}

#[test]
fn every_built_page_keeps_head_and_body_end_tags() {
    let dir = tempfile::tempdir().unwrap();
    common::small_site(dir.path());
    let out = common::run_in(dir.path(), &["--no-print"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let pages: Vec<_> = walkdir::WalkDir::new(dir.path().join("public"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    assert!(pages.len() > 5, "only {} pages built", pages.len());
    for page in pages {
        let html = std::fs::read_to_string(&page).unwrap();
        let head = html.find("</head>");
        let body = html.find("<body");
        assert!(
            head.is_some() && body.is_some() && head < body,
            "{}: no </head> before <body>",
            page.display()
        );
        assert!(
            html.trim_end().ends_with("</body></html>"),
            "{}: does not end with </body></html>",
            page.display()
        );
        assert!(!html.contains("\n  "), "{}: not minified", page.display());
    }
}
