//! Shared helpers for the integration tests: run the real binary, make small sites in temp folders,
//! hash output trees, and read HTML.
#![allow(dead_code)]

pub mod html_safety;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fangpian"));
    c.env("SOURCE_DATE_EPOCH", "1795392000"); // 2026-11-23, so stale-date checks do not drift
    c
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run `fangpian ARGS` and return its output.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run fangpian")
}

pub fn run_in(root: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args)
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A small but complete site: one section of each kind, hotlines, a poster.
pub fn small_site(root: &Path) {
    write(
        root,
        "site.toml",
        "title = \"测试站点\"\nbase_url = \"https://test.example.org\"\nlanguage = \"zh-CN\"\ntheme = \"default\"\n",
    );
    write(
        root,
        "content/hotlines.toml",
        "[[hotline]]\nid = \"police\"\nname = \"报警电话\"\nnumber = \"110\"\nprimary = true\nverified = 2026-11-01\n\n[[hotline]]\nid = \"mz\"\nname = \"民政举报\"\nnumber = \"7107009\"\narea_code = \"0472\"\nverified = 2026-10-01\n",
    );
    write(
        root,
        "content/_index.md",
        "+++\ntitle = \"首页\"\n+++\n\n欢迎。\n",
    );
    write(
        root,
        "content/tactics/_index.md",
        "+++\ntitle = \"诈骗套路\"\nsort_by = \"weight\"\n+++\n",
    );
    write(
        root,
        "content/tactics/baojianpin.md",
        "+++\ntitle = \"保健品骗局\"\ndate = 2026-01-02\ncategory = \"保健品\"\nwarning_signs = [\"免费领鸡蛋\"]\ntags = [\"保健品\"]\n+++\n\n## 记住 {#jizhu}\n\n保健品不是药。拨打 <hotline:mz>。\n",
    );
    write(
        root,
        "content/cases/_index.md",
        "+++\ntitle = \"典型案例\"\n+++\n",
    );
    write(
        root,
        "content/cases/a.md",
        "+++\ntitle = \"案例一\"\ndate = 2026-02-03\nregion = \"某区\"\ntactics = [\"@/tactics/baojianpin.md\"]\n+++\n\n见[保健品](@/tactics/baojianpin.md#jizhu)。\n",
    );
    write(
        root,
        "content/about.md",
        "+++\ntitle = \"关于\"\n+++\n\n关于本站。\n",
    );
}

/// Every file under `dir` with its bytes, keyed by relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    if !dir.exists() {
        return m;
    }
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            m.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    m
}

/// Copy a folder recursively (for making a scratch copy of the example site).
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if e.file_type().is_file() {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Copy the repository's example site (site.toml, content, data, themes, static, templates) into `to`.
pub fn copy_example(to: &Path) {
    let root = repo_root();
    std::fs::copy(root.join("site.toml"), to.join("site.toml")).unwrap();
    for d in ["content", "data", "themes", "static", "templates"] {
        if root.join(d).exists() {
            copy_dir(&root.join(d), &to.join(d));
        }
    }
}

/// All `href` values of an HTML document.
pub fn hrefs(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("[href], [src]").unwrap();
    doc.select(&sel)
        .filter_map(|e| {
            e.value()
                .attr("href")
                .or_else(|| e.value().attr("src"))
                .map(str::to_string)
        })
        .collect()
}

#[derive(serde::Deserialize)]
struct SearchAnswer {
    mode: String,
    paths: Vec<String>,
}

/// Run the theme's `search.js` in node (tests/search/run.cjs) over the index in `out` for every query.
pub fn query_with_node(out: &Path, queries: &[&str]) -> Vec<(String, Vec<String>)> {
    let mut child = std::process::Command::new("node")
        .arg(repo_root().join("tests/search/run.cjs"))
        .arg(out)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("node is needed for the search tests");
    let json = serde_json::to_vec(queries).unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &json).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let answers: Vec<SearchAnswer> = serde_json::from_slice(&o.stdout).unwrap();
    answers.into_iter().map(|a| (a.mode, a.paths)).collect()
}
