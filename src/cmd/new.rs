//! `fangpian new`: a new content file from its kind's archetype, marked as a draft.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::build;

use super::fail;

pub(super) fn run(kind: &str, title: &str, slug: Option<&str>, root: Option<PathBuf>) -> ExitCode {
    let root = build::root_or_cwd(root.as_deref());
    let made = build::today()
        .and_then(|today| crate::scaffold::new_content(&root, kind, title, slug, today));
    match made {
        Ok(path) => {
            println!(
                "已新建 {}（先标记为草稿 draft = true，写完后删掉那一行）",
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(d) => fail(d),
    }
}
