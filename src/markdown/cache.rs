//! Rendered markdown kept between builds in the site's cache (`ROOT/.fangpian-cache/markdown/`), so
//! that a rebuild renders only the bodies that changed. An entry is keyed by a hash of everything
//! its HTML is made from: this program, every page's path and every hotline (links and tap-to-call
//! buttons resolve against them), the file's name, where the body starts in the file (the spans of
//! its links), the folder its relative links resolve against, and the body's text.
//!
//! Only bodies rendered without a diagnostic are kept, so every warning and error is found again
//! by every build (storage: [`crate::reuse::store`]).

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::{LinkContext, Rendered, render};
use crate::hotlines::Hotlines;
use crate::reuse::store::{Caches, cached};
use crate::reuse::{Hasher, Key, program_identity};

/// One markdown body to render: its file, the file's text, where the body is in it, and the URL of
/// the folder its relative links and images resolve against.
pub struct Body<'a> {
    pub file: &'a Path,
    pub source: &'a Arc<str>,
    pub body: Range<usize>,
    pub asset_base: &'a str,
}

/// The site's part of every key: the program, the pages' paths and the hotlines.
pub fn site_key(paths: &HashMap<String, String>, hotlines: &Hotlines) -> Key {
    let mut h = Hasher::of("markdown site");
    h.key(&program_identity());
    let mut sorted: Vec<(&String, &String)> = paths.iter().collect();
    sorted.sort_unstable();
    h.bytes(&(sorted.len() as u64).to_le_bytes());
    for (file, url) in sorted {
        h.str(file).str(url);
    }
    h.value(&serde_json::to_value(&hotlines.list).unwrap_or_default());
    h.finish()
}

impl Body<'_> {
    fn key(&self, site: &Key) -> Key {
        let mut h = Hasher::of("markdown body");
        h.key(site)
            .bytes(self.file.as_os_str().as_encoded_bytes())
            .bytes(&(self.body.start as u64).to_le_bytes())
            .str(self.asset_base)
            .str(&self.source[self.body.clone()]);
        h.finish()
    }
}

/// Render every body of `bodies` (in order), taking those that did not change from the cache of
/// the site at `root`.
pub fn render_all(
    (root, caches): (&Path, Caches),
    bodies: &[Body<'_>],
    (paths, hotlines, site): (&HashMap<String, String>, &Hotlines, &Key),
) -> Vec<Rendered> {
    let keys: Vec<Key> = bodies.par_iter().map(|b| b.key(site)).collect();
    let render_one = |i: usize| {
        let b = &bodies[i];
        let ctx = LinkContext {
            paths,
            hotlines,
            asset_base: b.asset_base,
        };
        render(b.file, b.source, b.body.clone(), &ctx)
    };
    cached(
        (root, "markdown", caches),
        &keys,
        render_one,
        |r: &Rendered| r.diagnostics.is_empty(),
    )
}
