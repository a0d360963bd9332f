//! Inputs found by fuzzing (`fuzz/`), kept as regression tests: each must render or fail with a
//! diagnostic, without a panic, and the rendered HTML must be free of script.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use fangpian::hotlines::Hotlines;
use fangpian::markdown::{LinkContext, render};

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = common::repo_root().join("tests/fuzz_inputs").join(target);
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read(e.path()).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn markdown_inputs_render_safely() {
    let src: Arc<str> =
        Arc::from("[[hotline]]\nid = \"police\"\nname = \"报警\"\nnumber = \"110\"\n");
    let (hotlines, _) = Hotlines::parse(Path::new("h.toml"), &src, time::Date::MIN, 1).unwrap();
    let mut paths = HashMap::new();
    paths.insert("tactics/a.md".to_string(), "/tactics/a/".to_string());
    let ctx = LinkContext {
        paths: &paths,
        hotlines: &hotlines,
        asset_base: "/tactics/",
    };
    let all = inputs("markdown");
    assert!(!all.is_empty());
    for (name, bytes) in all {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let source: Arc<str> = Arc::from(text.as_str());
        let r = render(Path::new("content/fuzz.md"), &source, 0..text.len(), &ctx);
        for d in &r.diagnostics {
            let _ = d.render();
        }
        if let Some(problem) = common::html_safety::unsafe_markup(&r.html) {
            panic!("{name}: {problem} survived: {}", r.html);
        }
    }
}

#[test]
fn hostile_markdown_is_sanitized() {
    let src: Arc<str> = Arc::from("");
    let (hotlines, _) = Hotlines::parse(Path::new("h.toml"), &src, time::Date::MIN, 1).unwrap();
    let paths = HashMap::new();
    let ctx = LinkContext {
        paths: &paths,
        hotlines: &hotlines,
        asset_base: "/",
    };
    let hostile = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "[x](javascript:alert(1))",
        "[x]( JaVaScRiPt:alert(1))",
        "![x](data:text/html;base64,PHNjcmlwdD4=)",
        "<iframe src=\"https://example.org\"></iframe>",
        "<style>body{display:none}</style>",
        "<svg><script>alert(1)</script></svg>",
        "<svg onload=alert(1)>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
        "<form action=\"javascript:alert(1)\"><button>x</button></form>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
    ];
    for md in hostile {
        let source: Arc<str> = Arc::from(md);
        let r = render(Path::new("content/x.md"), &source, 0..md.len(), &ctx);
        if let Some(problem) = common::html_safety::unsafe_markup(&r.html) {
            panic!("{md}: {problem} survived: {}", r.html);
        }
        assert!(
            !r.html.to_ascii_lowercase().contains("style="),
            "{md}: {}",
            r.html
        );
    }
}
