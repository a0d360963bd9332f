//! `fangpian serve`: build, preview on this computer and rebuild on every save.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::build::{self, Options};
use crate::diag::Failure;

use super::print_all;

/// The arguments of `serve`.
pub(super) struct Args {
    pub root: Option<PathBuf>,
    pub port: u16,
    pub bind: String,
    pub allow_host: Vec<String>,
    pub open: bool,
    pub drafts: bool,
    pub out: Option<PathBuf>,
}

pub(super) fn run(a: Args) -> ExitCode {
    let opts = crate::serve::ServeOptions {
        build: Options {
            root: build::root_or_cwd(a.root.as_deref()),
            out: a.out,
            drafts: a.drafts,
            ..Options::default()
        },
        bind: a.bind,
        port: a.port,
        open: a.open,
        allow_hosts: a.allow_host,
    };
    match crate::serve::run(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(diags)) => {
            print_all(&diags);
            ExitCode::from(1)
        }
    }
}
