//! Rebuilds that reuse what did not change: after an edit, a second `build` into the same folder
//! hard-links the pages whose data did not change from the previous output, renders the rest, and
//! publishes exactly what a clean build publishes — whatever the edit (a page's text, its title, the
//! site's settings, a template, a hotline, a file changed by hand in the output, a damaged cache),
//! for the normal, offline and precompressed outputs. The rendered markdown, the channel texts and
//! the search index's runs are cached too (`.fangpian-cache/markdown/`, `channels/`, `search/`):
//! the clean build compared against starts without them.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

#[cfg(unix)]
fn inodes(dir: &Path) -> BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, e.metadata().unwrap().ino())
        })
        .collect()
}

/// Build `root` into `out` and return the summary line.
fn build_into(root: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec!["--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = run_in(root, &args);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

/// `build` into `out` (which holds the previous build) must give the same files as a clean build
/// into a new folder, made without the cached markdown, channel texts and search runs.
fn assert_same_as_clean(root: &Path, out: &Path, extra: &[&str], what: &str) -> String {
    let said = build_into(root, out, extra);
    let clean = root.parent().unwrap().join("clean");
    let _ = std::fs::remove_dir_all(&clean);
    for cache in ["markdown", "channels", "search"] {
        let _ = std::fs::remove_dir_all(root.join(".fangpian-cache").join(cache));
    }
    build_into(root, &clean, extra);
    let (a, b) = (tree(out), tree(&clean));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}: other files than a clean build"
    );
    for (k, v) in &a {
        assert!(v == &b[k], "{what}: {k} differs from a clean build");
    }
    said
}

/// A copy of the example site in `DIR/site`, with `DIR` a new temporary folder.
fn example_in_temp() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    std::fs::create_dir(&root).unwrap();
    copy_example(&root);
    (dir, root)
}

fn edit(root: &Path, rel: &str, f: impl FnOnce(String) -> String) {
    let p = root.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, f(text)).unwrap();
}

#[cfg(unix)]
#[test]
fn rebuilds_reuse_unchanged_pages_and_publish_what_a_clean_build_does() {
    let (dir, root) = example_in_temp();
    let out = dir.path().join("public");
    let first = build_into(&root, &out, &[]);
    assert!(!first.contains("沿用"), "{first}");
    let before = inodes(&out);

    // 1. One page's text.
    let page = "content/tactics/baojianpin.md";
    assert!(root.join(page).exists());
    edit(&root, page, |t| {
        t + "\n\n又有老人接到推销电话，家人及时劝阻。\n"
    });
    let said = assert_same_as_clean(&root, &out, &[], "a body edit");
    assert!(said.contains("沿用了上次构建的"), "{said}");
    let after = inodes(&out);
    let same = |rel: &str| before[rel] == after[rel];
    assert!(
        !same("tactics/baojianpin/index.html"),
        "the edited page was not rendered again"
    );
    assert!(
        !same("tactics/baojianpin/wechat.html"),
        "its WeChat version was not rendered again"
    );
    assert!(
        same("about/index.html"),
        "an unchanged page was rendered again"
    );
    let reused = before
        .iter()
        .filter(|(rel, ino)| rel.ends_with(".html") && after.get(*rel) == Some(ino))
        .count();
    let html = after.keys().filter(|r| r.ends_with(".html")).count();
    assert!(
        reused * 2 > html,
        "only {reused} of {html} HTML files reused"
    );

    // 2. A title, which lists and other pages show.
    edit(&root, page, |t| {
        t.replacen("title = \"", "title = \"新版", 1)
    });
    assert_same_as_clean(&root, &out, &[], "a title edit");

    // 3. A file changed by hand in the published output is made afresh.
    let about = out.join("about/index.html");
    let mut bytes = std::fs::read(&about).unwrap();
    bytes.extend_from_slice(b"<!-- changed by hand -->");
    std::fs::write(&about, bytes).unwrap();
    assert_same_as_clean(&root, &out, &[], "a hand-edited output file");

    // 4. The site's settings.
    edit(&root, "site.toml", |t| {
        t.replacen("title = \"", "title = \"新", 1)
    });
    let before = inodes(&out);
    assert_same_as_clean(&root, &out, &[], "a site.toml edit");
    let after = inodes(&out);
    let reused: Vec<&String> = after
        .iter()
        .filter(|(rel, ino)| rel.ends_with(".html") && before.get(*rel) == Some(ino))
        .map(|(rel, _)| rel)
        .collect();
    assert!(
        reused.is_empty(),
        "pages reused after the site title changed: {reused:?}"
    );

    // 5. A template of the site's own.
    write(
        &root,
        "templates/wechat.html",
        &std::fs::read_to_string(repo_root().join("themes/default/templates/wechat.html"))
            .unwrap()
            .replacen("</body>", "<p>本地模板</p></body>", 1),
    );
    assert_same_as_clean(&root, &out, &[], "a new template");
    let wechat = std::fs::read_to_string(out.join("about/wechat.html")).unwrap();
    assert!(wechat.contains("本地模板"), "{wechat}");

    // 6. A hotline's name, which a `hotline:` autolink in a body shows: the body is rendered again,
    // not taken from the cached markdown.
    edit(&root, "content/about.md", |t| t + "\n\n<hotline:xiaofei>\n");
    assert_same_as_clean(&root, &out, &[], "a hotline autolink");
    edit(&root, "content/hotlines.toml", |t| {
        t.replacen(
            "name = \"市场监管投诉举报热线\"",
            "name = \"市场监管热线\"",
            1,
        )
    });
    assert_same_as_clean(&root, &out, &[], "a hotline's name");
    let about = std::fs::read_to_string(out.join("about/index.html")).unwrap();
    assert!(about.contains("市场监管热线"), "{about}");

    // 7. Damaged cache files are not used.
    for cache in ["markdown", "channels", "search"] {
        for e in std::fs::read_dir(root.join(".fangpian-cache").join(cache)).unwrap() {
            let path = e.unwrap().path();
            let mut bytes = std::fs::read(&path).unwrap();
            let mid = bytes.len() / 2;
            bytes[mid] ^= 0x20;
            std::fs::write(&path, bytes).unwrap();
        }
    }
    edit(&root, page, |t| t + "\n\n家人提醒：先挂断，再核实。\n");
    assert_same_as_clean(&root, &out, &[], "damaged cache files");
}

/// A body's warnings come from rendering it, and a body with a warning is never taken from the
/// cache: an unchanged site warns again on every build.
#[test]
fn warnings_in_bodies_are_reported_by_every_build() {
    let (_dir, root) = example_in_temp();
    edit(&root, "content/about.md", |t| {
        t + "\n\n[点这里](javascript:alert(1))\n"
    });
    for build in 1..=2 {
        let o = run_in(&root, &["--no-print"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("javascript:"),
            "build {build}: {}",
            stderr(&o)
        );
    }
    assert!(
        root.join(".fangpian-cache/markdown")
            .read_dir()
            .unwrap()
            .count()
            > 0
    );
}

#[cfg(unix)]
#[test]
fn offline_and_precompressed_rebuilds_match_clean_builds() {
    let (dir, root) = example_in_temp();
    let page = "content/tactics/baojianpin.md";
    for (what, extra) in [("offline", &["--offline"][..]), ("online", &[][..])] {
        let out = dir.path().join(what);
        build_into(&root, &out, extra);
        edit(&root, page, |t| t + "\n\n再补充一句。\n");
        let said = assert_same_as_clean(&root, &out, extra, what);
        assert!(said.contains("沿用"), "{what}: {said}");
    }
    // Precompressed: each page with its .gz and .br copies.
    edit(&root, "site.toml", |t| {
        t + "\n[output]\nprecompress = true\n"
    });
    let out = dir.path().join("compressed");
    build_into(&root, &out, &[]);
    assert!(out.join("about/index.html.gz").exists());
    let before = inodes(&out);
    edit(&root, page, |t| t + "\n\n又补充一句。\n");
    assert_same_as_clean(&root, &out, &[], "precompressed");
    let after = inodes(&out);
    for rel in [
        "about/index.html",
        "about/index.html.gz",
        "about/index.html.br",
    ] {
        assert_eq!(before[rel], after[rel], "{rel} not reused");
    }
    assert_ne!(
        before["tactics/baojianpin/index.html.br"],
        after["tactics/baojianpin/index.html.br"]
    );
}

/// The spare tree (the site before the published one, kept beside the output for the next build to
/// build in) is never trusted: files put into it are not published, a file or folder in the way is
/// replaced, and a link in it (or in its place) is never followed out of it.
#[cfg(unix)]
#[test]
fn a_tampered_spare_tree_publishes_nothing_of_its_own() {
    let (dir, root) = example_in_temp();
    let out = dir.path().join("public");
    let spare = dir.path().join(".public.fangpian-spare");
    let victim = dir.path().join("victim");
    write(&victim, "keep.txt", "不能动");
    let before = tree(&victim);
    build_into(&root, &out, &[]);
    build_into(&root, &out, &[]);
    assert!(
        spare.join("about/index.html").is_file(),
        "no spare tree kept"
    );

    write(&spare, "stray.html", "不该发布");
    write(&spare, "tactics/stray/index.html", "不该发布");
    std::fs::remove_dir_all(spare.join("about")).unwrap();
    write(&spare, "about", "一个文件挡住了文件夹");
    std::fs::remove_file(spare.join("index.html")).unwrap();
    write(&spare, "index.html/x", "一个文件夹挡住了文件");
    std::fs::remove_dir_all(spare.join("cases")).unwrap();
    std::os::unix::fs::symlink(&victim, spare.join("cases")).unwrap();
    edit(&root, "content/tactics/baojianpin.md", |t| {
        t + "\n\n补一句。\n"
    });
    assert_same_as_clean(&root, &out, &[], "a tampered spare tree");
    assert_eq!(
        tree(&victim),
        before,
        "a write followed a link out of the spare tree"
    );

    // The spare tree itself replaced by a link: removed, not followed.
    std::fs::remove_dir_all(&spare).unwrap();
    std::os::unix::fs::symlink(&victim, &spare).unwrap();
    edit(&root, "content/tactics/baojianpin.md", |t| {
        t + "\n\n再补一句。\n"
    });
    assert_same_as_clean(&root, &out, &[], "a spare tree that is a link");
    assert_eq!(
        tree(&victim),
        before,
        "a build wrote through a linked spare tree"
    );
    assert!(
        spare.symlink_metadata().unwrap().is_dir(),
        "no new spare tree"
    );
}
