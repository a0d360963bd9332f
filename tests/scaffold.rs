//! `fangpian init`, `fangpian new` and the theme: the starter site builds, new files come from
//! archetypes with a pinyin slug and today's date, nothing is ever overwritten, a partial theme folder
//! layers over the embedded theme per file, and `fangpian theme copy` writes the whole theme.

mod common;

use common::*;

#[test]
fn init_writes_a_starter_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let o = run(&["init", site.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.join("site.toml").is_file());
    assert!(site.join("content/hotlines.toml").is_file());
    assert!(site.join("content/tactics/_index.md").is_file());
    let o = run_in(&site, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.join("public/hotlines/index.html").is_file());
}

#[test]
fn init_refuses_a_non_empty_folder_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes.txt", "我的笔记");
    let o = run(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("E1601"), "{}", stderr(&o));
    assert!(!dir.path().join("site.toml").exists());
    let o = run(&["init", dir.path().to_str().unwrap(), "--force"]);
    assert!(o.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "我的笔记"
    );
}

#[test]
fn new_creates_each_kind_from_its_archetype() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    let cases = [
        (
            "case",
            "听了二十天讲座",
            "content/cases/tingleershitianjiangzuo.md",
        ),
        (
            "tactic",
            "冒充社保局",
            "content/tactics/maochongshebaoju.md",
        ),
        (
            "alert",
            "近期有人冒充民警",
            "content/alerts/jinqiyourenmaochongminjing.md",
        ),
        (
            "poster",
            "保健品不是药",
            "content/posters/baojianpinbushiyao.md",
        ),
        (
            "leaflet",
            "防骗三折页",
            "content/leaflets/fangpiansanzheye.md",
        ),
        ("page", "联系我们", "content/lianxiwomen.md"),
        // Polyphones are read by word: 行 in 银行 is hang, not xing.
        (
            "case",
            "银行柜员冒充公检法",
            "content/cases/yinhangguiyuanmaochonggongjianfa.md",
        ),
    ];
    for (kind, title, _) in cases {
        let o = run(&["new", kind, title, "--root", root.to_str().unwrap()]);
        assert!(o.status.success(), "{kind}: {}", stderr(&o));
    }
    for (kind, title, path) in cases {
        let text = std::fs::read_to_string(root.join(path)).unwrap_or_else(|_| {
            panic!(
                "{kind} file {path}: {:?}",
                std::fs::read_dir(root.join("content"))
                    .unwrap()
                    .flatten()
                    .map(|e| e.path())
                    .collect::<Vec<_>>()
            )
        });
        assert!(text.contains(&format!("title = \"{title}\"")), "{text}");
        assert!(text.contains("date = 2026-11-23"), "today's date: {text}");
    }
    // The new files are drafts: the site still builds, and with --drafts they all validate and render.
    let o = run_in(root, &["--drafts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        root.join("public/tactics/maochongshebaoju/index.html")
            .exists()
    );
}

#[test]
fn new_never_overwrites_and_rejects_unknown_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    let r = root.to_str().unwrap();
    assert!(run(&["new", "case", "重复", "--root", r]).status.success());
    std::fs::write(root.join("content/cases/chongfu.md"), "我改过的内容").unwrap();
    let o = run(&["new", "case", "重复", "--root", r]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(root.join("content/cases/chongfu.md")).unwrap(),
        "我改过的内容"
    );
    let o = run(&["new", "cse", "标题", "--root", r]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("case"),
        "suggests the right kind: {}",
        stderr(&o)
    );
}

/// A site theme folder with only some files keeps every other file of the embedded theme.
#[test]
fn a_partial_theme_folder_layers_over_the_embedded_theme() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    // As the E1702 hint suggests: a fonts/ folder alone (here empty), then one template alone.
    std::fs::create_dir_all(root.join("themes/default/fonts")).unwrap();
    let o = run_in(root, &[]);
    assert!(o.status.success(), "fonts/ alone: {}", stderr(&o));
    assert!(root.join("public/fangpian.css").is_file());
    let page = std::fs::read_to_string(repo_root().join("themes/default/templates/page.html"))
        .unwrap()
        .replace(
            "{% block content %}",
            "{% block content %}<p>本站自己的页面模板</p>",
        );
    assert!(
        page.contains("本站自己的页面模板"),
        "page.html has a content block"
    );
    write(root, "themes/default/templates/page.html", &page);
    write(root, "themes/default/static/extra.css", "p{}");
    let o = run_in(root, &[]);
    assert!(o.status.success(), "one template alone: {}", stderr(&o));
    let about = std::fs::read_to_string(root.join("public/about/index.html")).unwrap();
    assert!(about.contains("本站自己的页面模板"));
    let tactic =
        std::fs::read_to_string(root.join("public/tactics/baojianpin/index.html")).unwrap();
    assert!(
        tactic.contains("保健品不是药"),
        "other templates still come from the embedded theme"
    );
    assert!(root.join("public/extra.css").is_file());
    assert!(root.join("public/fangpian.css").is_file());
}

/// `fangpian theme copy` writes every file of the embedded theme, never overwriting the site's own
/// files unless `--force`.
#[test]
fn theme_copy_writes_the_whole_theme_and_keeps_own_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    write(
        root,
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}",
    );
    let o = run(&["theme", "copy", "--root", root.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("保留站点已有的 1 个文件"),
        "{}",
        stdout(&o)
    );
    let embedded = tree(&repo_root().join("themes/default"));
    let copied = tree(&root.join("themes/default"));
    assert_eq!(
        embedded.keys().collect::<Vec<_>>(),
        copied.keys().collect::<Vec<_>>()
    );
    assert_eq!(
        copied["templates/page.html"],
        b"{% extends \"base.html\" %}".to_vec()
    );
    assert_eq!(
        copied["templates/base.html"],
        embedded["templates/base.html"]
    );
    let o = run(&["theme", "copy", "--force", "--root", root.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(tree(&root.join("themes/default")), embedded);
    let o = run_in(root, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Outside a site it says so.
    let empty = tempfile::tempdir().unwrap();
    let o = run(&["theme", "copy", "--root", empty.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("E1400"), "{}", stderr(&o));
}
