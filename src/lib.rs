//! fangpian (防骗): a static-site generator for public anti-fraud awareness sites for older readers.
//!
//! A build is a pipeline of plain data: [`content`] loading → the [`site::Site`] model → renderers
//! ([`markdown`], [`render`] with Tera, [`print`] with Typst) → one output writer ([`output`]). [`build`] wires it together;
//! the binary in `main.rs` is a thin command-line layer over it.

pub mod boundary;
pub mod build;
pub mod channels;
pub mod checks;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod confusables;
pub mod content;
pub mod deploy;
pub mod diag;
pub mod feeds;
pub mod frontmatter;
pub mod hotlines;
pub mod icons;
pub mod links;
pub mod markdown;
pub mod offline;
pub mod output;
pub mod phone;
pub mod precompress;
pub mod print;
pub mod qr;
pub mod render;
pub mod reuse;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod theme;
pub mod timing;
pub mod toml_read;
