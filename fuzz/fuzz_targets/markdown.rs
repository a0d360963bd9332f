//! Fuzz target: any markdown body renders to HTML (with links, hotlines, raw HTML sanitizing) and every
//! diagnostic renders, without a panic.
#![no_main]

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use fangpian::hotlines::Hotlines;
use fangpian::markdown::{LinkContext, render};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/html_safety.rs"]
mod html_safety;

fn hotlines() -> &'static Hotlines {
    static H: OnceLock<Hotlines> = OnceLock::new();
    H.get_or_init(|| {
        let src: Arc<str> =
            Arc::from("[[hotline]]\nid = \"police\"\nname = \"报警\"\nnumber = \"110\"\n");
        Hotlines::parse(Path::new("h.toml"), &src, time::Date::MIN, 1)
            .map(|(h, _)| h)
            .unwrap_or_default()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut paths = HashMap::new();
    paths.insert("tactics/a.md".to_string(), "/tactics/a/".to_string());
    let ctx = LinkContext {
        paths: &paths,
        hotlines: hotlines(),
        asset_base: "/tactics/",
    };
    let source: Arc<str> = Arc::from(text);
    let r = render(Path::new("content/fuzz.md"), &source, 0..text.len(), &ctx);
    for d in &r.diagnostics {
        let _ = d.render();
    }
    if let Some(problem) = html_safety::unsafe_markup(&r.html) {
        panic!("{problem} survived sanitizing: {}", r.html);
    }
});
