//! Fuzz target: any bytes as a content file must give front matter or a diagnostic, never a panic.
#![no_main]

use std::path::Path;
use std::sync::Arc;

use fangpian::frontmatter::{self, Kind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source: Arc<str> = Arc::from(text);
    let file = Path::new("content/fuzz.md");
    let Ok(split) = frontmatter::split(file, &source) else {
        return;
    };
    let categories = vec!["保健品".to_string()];
    for kind in [
        Kind::Case,
        Kind::Tactic,
        Kind::Alert,
        Kind::Poster,
        Kind::Leaflet,
        Kind::Page,
    ] {
        if let Err(errs) = frontmatter::parse_page(file, &source, &split, kind, &categories) {
            for e in errs {
                let _ = e.render();
            }
        }
    }
    if let Err(errs) = frontmatter::parse_section(file, &source, &split) {
        for e in errs {
            let _ = e.render();
        }
    }
});
