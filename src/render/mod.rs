//! HTML rendering with Tera, by concern: [`context`] holds the data each template receives (site-wide
//! values, page and section values, list summaries, what print made), `jobs` chooses the template of
//! every HTML file and renders them in parallel into a [`Sink`](crate::output::Sink), and `finish`
//! minifies each page in its thread's buffer, splices in its QR code and writes it.

use crate::markdown::Bodies;
use crate::reuse::{Hasher, Key};
use crate::site::Site;
use crate::theme::Theme;

mod context;
mod finish;
mod jobs;
pub mod values;

pub use context::RenderCache;
pub use finish::minify;
pub use jobs::Job;

/// Renders templates for one site state.
pub struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    bodies: &'a Bodies,
    cache: &'a RenderCache,
    /// The SMS texts and scripts (the 宣传物料 page and `page.channels` need them).
    channels: Option<&'a crate::channels::Channels>,
    /// What every rendered file depends on besides its own data (theme and site-wide values),
    /// hashed once (see [`Renderer::key`]).
    environment: std::sync::OnceLock<Key>,
    /// Each page's own context values, hashed the first time a view of the page needs them: the
    /// page and its WeChat version are made from the same values.
    page_data: Vec<std::sync::OnceLock<Key>>,
}

impl<'a> Renderer<'a> {
    pub fn new(
        site: &'a Site,
        theme: &'a Theme,
        bodies: &'a Bodies,
        cache: &'a RenderCache,
    ) -> Self {
        Renderer {
            site,
            theme,
            bodies,
            cache,
            channels: None,
            environment: std::sync::OnceLock::new(),
            page_data: (0..site.pages.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        }
    }

    /// The key of the file `rel` rendered with `template` from `ctx` (see [`crate::reuse`]): the
    /// theme, the site-wide values every context shares, the template, the file's name and the
    /// context's own values. The rendering functions of the theme depend on nothing else (Tera's
    /// `get_env` and `now` aside, which a template that wants the same output every time avoids).
    pub(crate) fn key(&self, template: &str, rel: &str, ctx: &tera::Context) -> Key {
        self.key_of(template, rel, &own_values_key(ctx))
    }

    /// [`Self::key`] for a view of page `i`, whose context is `ctx`.
    pub(crate) fn page_view_key(
        &self,
        i: usize,
        template: &str,
        rel: &str,
        ctx: &tera::Context,
    ) -> Key {
        let data = self.page_data[i].get_or_init(|| own_values_key(ctx));
        self.key_of(template, rel, data)
    }

    /// The key of the file `rel` made with `template` from context values that hash to `data`.
    fn key_of(&self, template: &str, rel: &str, data: &Key) -> Key {
        let environment = self.environment.get_or_init(|| {
            let mut h = Hasher::of("render environment");
            h.key(&self.theme.fingerprint);
            for (k, v) in self.cache.globals.iter() {
                h.str(k).value(v);
            }
            h.finish()
        });
        let mut h = Hasher::of("rendered file");
        h.key(environment).str(template).str(rel).key(data);
        h.finish()
    }

    /// Give pages and the 宣传物料 page the channel texts.
    pub fn with_channels(mut self, channels: &'a crate::channels::Channels) -> Self {
        self.channels = Some(channels);
        self
    }
}

/// A hash of the values `ctx` holds itself (the shared, site-wide ones are part of the renderer's
/// environment).
fn own_values_key(ctx: &tera::Context) -> Key {
    let mut h = Hasher::of("context");
    for (k, v) in ctx.own_values() {
        h.str(k).value(v);
    }
    h.finish()
}
