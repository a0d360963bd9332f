//! `fangpian init`: the example site in a new folder.

use std::path::Path;
use std::process::ExitCode;

use super::fail;

pub(super) fn run(dir: &Path, force: bool) -> ExitCode {
    match crate::scaffold::init(dir, force) {
        Ok(files) => {
            println!(
                "已在 {} 生成示例站点（{} 个文件）。接下来：",
                dir.display(),
                files.len()
            );
            println!("  cd {}", dir.display());
            println!("  fangpian build");
            ExitCode::SUCCESS
        }
        Err(d) => fail(d),
    }
}
