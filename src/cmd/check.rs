//! `fangpian check`: every validation of `build`, writing nothing; text or JSON report.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::build::{self, Options};
use crate::diag::{Diagnostic, Failure};

use super::{count, print_all};

pub(super) fn run(root: Option<PathBuf>, drafts: bool, strict: bool, format: &str) -> ExitCode {
    let opts = Options {
        root: build::root_or_cwd(root.as_deref()),
        drafts,
        progress: true,
        ..Options::default()
    };
    let diags = match build::check(&opts) {
        Ok(w) => w,
        Err(Failure(d)) => d,
    };
    let (e, w) = count(&diags);
    let failed = e > 0 || (strict && w > 0);
    if format == "json" {
        let list: Vec<_> = diags.iter().map(Diagnostic::to_json).collect();
        let out =
            serde_json::json!({ "errors": e, "warnings": w, "ok": !failed, "diagnostics": list });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        print_all(&diags);
        if failed {
            eprintln!("检查未通过：{e} 个错误，{w} 条警告。");
        } else {
            println!("检查通过：0 个错误，{w} 条警告。");
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
