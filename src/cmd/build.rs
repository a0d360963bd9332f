//! `fangpian build`: the whole site, written atomically, with a one-line summary.

use std::process::ExitCode;

use crate::build::{self, Options};
use crate::cli::BuildArgs;
use crate::diag::Failure;

use super::{count, print_all};

pub(super) fn run(a: BuildArgs) -> ExitCode {
    let opts = Options {
        root: build::root_or_cwd(a.root.as_deref()),
        out: a.out,
        base_url: a.base_url,
        drafts: a.drafts,
        no_print: a.no_print,
        force: a.force,
        offline: a.offline,
        progress: true,
    };
    // The process exits right after: its memory goes back to the system at once, so the site model
    // is not freed piece by piece (that took 20-30 ms for 10,000 pages).
    let built = build::build_keep(&opts).map(|(report, kept)| {
        std::mem::forget(kept);
        report
    });
    match built {
        Ok(report) => {
            print_all(&report.warnings);
            let print = if a.no_print {
                "未生成 PDF 和分享图（--no-print）".to_string()
            } else {
                format!(
                    "{} 份海报和三折页 PDF（新排版 {} 份），{} 张分享图（新排版 {} 张）",
                    report.posters, report.compiled, report.share_images, report.share_compiled
                )
            };
            let reused = if report.reused > 0 {
                format!("（{} 个文件没有变化，沿用了上次构建的）", report.reused)
            } else {
                String::new()
            };
            println!(
                "完成：{} 个网页{reused}，{print}，{} 条警告，用时 {:.2} 秒 → {}",
                report.html_pages,
                report.warnings.len(),
                report.elapsed.as_secs_f64(),
                report.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(Failure(diags)) => {
            print_all(&diags);
            let (e, w) = count(&diags);
            eprintln!("构建失败：{e} 个错误，{w} 条警告。已发布的网站没有任何改动。");
            ExitCode::from(1)
        }
    }
}
