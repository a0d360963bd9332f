//! HTML rendering with Tera, by concern: [`context`] holds the data each template receives (site-wide
//! values, page and section values, list summaries, what print made), `jobs` chooses the template of
//! every HTML file and renders them in parallel into a [`Sink`](crate::output::Sink), and `finish`
//! minifies each page in its thread's buffer, splices in its QR code and writes it.

use crate::markdown::Bodies;
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
        }
    }

    /// Give pages and the 宣传物料 page the channel texts.
    pub fn with_channels(mut self, channels: &'a crate::channels::Channels) -> Self {
        self.channels = Some(channels);
        self
    }
}
