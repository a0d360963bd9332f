//! `fangpian theme copy`: the built-in theme copied into the site for full customising.

use std::process::ExitCode;

use crate::build;
use crate::cli::ThemeAction;

use super::fail;

pub(super) fn run(action: ThemeAction) -> ExitCode {
    let ThemeAction::Copy { root, force } = action;
    let root = build::root_or_cwd(root.as_deref());
    match crate::scaffold::copy_theme(&root, force) {
        Ok(done) => {
            println!(
                "已把内置主题复制到 {}：写入 {} 个文件，保留站点已有的 {} 个文件{}。",
                root.join("themes").join("default").display(),
                done.written.len(),
                done.kept.len(),
                if done.kept.is_empty() {
                    ""
                } else {
                    "（要用内置版本覆盖它们，加 --force）"
                }
            );
            ExitCode::SUCCESS
        }
        Err(d) => fail(d),
    }
}
