//! `fangpian serve`: build, preview on this computer and rebuild on every save.

use std::process::ExitCode;

use crate::build::{self, Options};
use crate::cli::ServeArgs;
use crate::diag::Failure;

use super::print_all;

pub(super) fn run(a: ServeArgs) -> ExitCode {
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
