//! `fangpian deploy`: build, then publish the output to the object storage of `[deploy]`.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::build::{self, Options};
use crate::deploy::DeployOptions;
use crate::diag::Failure;

use super::{count, print_all};

pub(super) fn run(
    root: Option<PathBuf>,
    out: Option<PathBuf>,
    dry_run: bool,
    force_delete: bool,
) -> ExitCode {
    let opts = DeployOptions {
        build: Options {
            root: build::root_or_cwd(root.as_deref()),
            out,
            progress: true,
            ..Options::default()
        },
        dry_run,
        force_delete,
    };
    match crate::deploy::run(&opts) {
        Ok(summary) => {
            print_all(&summary.build_warnings);
            ExitCode::SUCCESS
        }
        Err(Failure(diags)) => {
            print_all(&diags);
            let (e, _) = count(&diags);
            eprintln!("发布失败：{e} 个错误。");
            ExitCode::from(1)
        }
    }
}
