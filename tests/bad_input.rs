//! Malformed input: each case must fail with its stable error code at the right `file:line:column`,
//! exit 1 without a panic, and leave the previously published output exactly as it was.

mod common;

use std::path::Path;

use common::*;

/// Build a good site, break it with `mutate`, build again and check the failure.
fn expect_failure(
    mutate: impl FnOnce(&Path),
    code: &str,
    location: Option<&str>,
    extra_args: &[&str],
) -> String {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    let ok = run_in(root, &[]);
    assert!(
        ok.status.success(),
        "the unbroken site must build: {}",
        stderr(&ok)
    );
    let before = tree(&root.join("public"));
    assert!(before.contains_key("index.html"));

    mutate(root);
    let out = run_in(root, extra_args);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "exit code for {code}; stderr:\n{err}"
    );
    assert!(!err.contains("panicked"), "panic for {code}:\n{err}");
    assert!(
        err.contains(&format!("[{code}]")),
        "expected {code}; stderr:\n{err}"
    );
    if let Some(loc) = location {
        assert!(
            err.contains(loc),
            "expected location {loc} for {code}; stderr:\n{err}"
        );
    }
    assert!(
        err.contains("提示"),
        "every error carries a hint; stderr:\n{err}"
    );
    assert_eq!(
        tree(&root.join("public")),
        before,
        "published output changed after a failed build ({code})"
    );
    let leftovers: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("fangpian-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary folder left behind");
    err
}

fn put(rel: &'static str, text: &'static str) -> impl FnOnce(&Path) {
    move |root: &Path| write(root, rel, text)
}

macro_rules! bad {
    ($name:ident, $mutate:expr, $code:expr, $loc:expr) => {
        #[test]
        fn $name() {
            expect_failure($mutate, $code, $loc, &[]);
        }
    };
}

bad!(
    unclosed_front_matter,
    put("content/tactics/x.md", "+++\ntitle = \"x\"\n\n正文\n"),
    "E1002",
    Some("content/tactics/x.md:1:1")
);
bad!(
    yaml_front_matter,
    put("content/tactics/x.md", "---\ntitle: x\n---\n"),
    "E1001",
    Some("content/tactics/x.md:1:1")
);
bad!(
    toml_syntax_error,
    put(
        "content/tactics/x.md",
        "+++\ntitle = \"x\"\ndate = 2026-01-01\nweight = = 3\n+++\n"
    ),
    "E1003",
    Some("content/tactics/x.md:4:")
);
bad!(
    unknown_key,
    put(
        "content/tactics/x.md",
        "+++\ntitle = \"x\"\nwarning_sign = [\"a\"]\n+++\n"
    ),
    "E1004",
    Some("content/tactics/x.md:3:1")
);
bad!(
    wrong_type,
    put(
        "content/tactics/x.md",
        "+++\ntitle = \"x\"\ndate = 5\n+++\n"
    ),
    "E1005",
    Some("content/tactics/x.md:3:8")
);
bad!(
    missing_title,
    put("content/tactics/x.md", "+++\ndescription = \"x\"\n+++\n"),
    "E1006",
    Some("content/tactics/x.md:2:1")
);
bad!(
    invalid_alert_level,
    put(
        "content/alerts/x.md",
        "+++\ntitle = \"x\"\nlevel = \"红色\"\n+++\n"
    ),
    "E1007",
    Some("content/alerts/x.md:3:9")
);
bad!(
    invalid_date,
    put(
        "content/tactics/x.md",
        "+++\ntitle = \"x\"\ndate = \"2022-02-30\"\n+++\n"
    ),
    "E1008",
    Some("content/tactics/x.md:3:8")
);
bad!(
    invalid_utf8,
    |root: &Path| {
        let mut bytes = b"+++\ntitle = \"".to_vec();
        bytes.extend([0xb1, 0xa3, 0xbd, 0xa1]); // 保健 in GBK
        bytes.extend(b"\"\n+++\n");
        std::fs::write(root.join("content/tactics/gbk.md"), bytes).unwrap();
    },
    "E1009",
    Some("content/tactics/gbk.md:2:10")
);
bad!(
    empty_file,
    put("content/tactics/empty.md", ""),
    "E1010",
    Some("content/tactics/empty.md:1:1")
);
bad!(
    url_collision,
    put(
        "content/tactics/zz.md",
        "+++\ntitle = \"x\"\nslug = \"baojianpin\"\n+++\n"
    ),
    "E1011",
    Some("content/tactics/zz.md:3:8")
);
bad!(
    invalid_slug,
    put(
        "content/tactics/x.md",
        "+++\ntitle = \"x\"\nslug = \"a/b\"\n+++\n"
    ),
    "E1012",
    Some("content/tactics/x.md:3:8")
);
bad!(
    unknown_category,
    put(
        "content/tactics/x.md",
        "+++\ntitle = \"x\"\ncategory = \"保健\"\n+++\n"
    ),
    "E1013",
    Some("content/tactics/x.md:3:12")
);
bad!(
    broken_internal_link,
    put(
        "content/about.md",
        "+++\ntitle = \"关于\"\n+++\n\n见[保健品](@/tactics/baojianpn.md)。\n"
    ),
    "E1201",
    Some("content/about.md:5:2")
);
bad!(
    broken_anchor,
    put(
        "content/about.md",
        "+++\ntitle = \"关于\"\n+++\n\n见[保健品](@/tactics/baojianpin.md#jizu)。\n"
    ),
    "E1202",
    Some("content/about.md:5:2")
);
bad!(
    unknown_hotline,
    put(
        "content/about.md",
        "+++\ntitle = \"关于\"\n+++\n\n请拨打 <hotline:polise>\n"
    ),
    "E1203",
    Some("content/about.md:5:5")
);
bad!(
    link_outside_root,
    put(
        "content/about.md",
        "+++\ntitle = \"关于\"\n+++\n\n[x](@/../../etc/passwd.md)\n"
    ),
    "E1204",
    Some("content/about.md:5:1")
);
bad!(
    duplicate_hotline_id,
    put(
        "content/hotlines.toml",
        "[[hotline]]\nid = \"police\"\nname = \"报警\"\nnumber = \"110\"\n\n[[hotline]]\nid = \"police\"\nname = \"又一个\"\nnumber = \"120\"\n\n[[hotline]]\nid = \"mz\"\nname = \"民政\"\nnumber = \"7107009\"\narea_code = \"0472\"\n"
    ),
    "E1302",
    Some("content/hotlines.toml:7:6")
);
bad!(
    bad_hotline_number,
    put(
        "content/hotlines.toml",
        "[[hotline]]\nid = \"police\"\nname = \"报警\"\nnumber = \"11O\"\n\n[[hotline]]\nid = \"mz\"\nname = \"民政\"\nnumber = \"7107009\"\n"
    ),
    "E1303",
    Some("content/hotlines.toml:4:10")
);
bad!(
    hotline_wrong_type,
    put(
        "content/hotlines.toml",
        "[[hotline]]\nid = \"police\"\nname = \"报警\"\nnumber = \"110\"\nprimary = \"yes\"\n\n[[hotline]]\nid = \"mz\"\nname = \"民政\"\nnumber = \"7107009\"\n"
    ),
    "E1005",
    Some("content/hotlines.toml:5:11")
);
bad!(
    missing_site_toml,
    |root: &Path| std::fs::remove_file(root.join("site.toml")).unwrap(),
    "E1400",
    None
);
bad!(
    site_toml_unknown_key,
    put(
        "site.toml",
        "title = \"测试站点\"\nbase_ur = \"https://x.example.org\"\n"
    ),
    "E1004",
    Some("site.toml:2:1")
);
bad!(
    missing_theme,
    put("site.toml", "title = \"测试站点\"\ntheme = \"nope\"\n"),
    "E1402",
    None
);
bad!(
    template_override_syntax_error,
    put(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title </h1>\n{% endblock content %}\n"
    ),
    "E1501",
    Some("templates/page.html:3:")
);
bad!(
    case_links_to_non_tactic,
    put(
        "content/cases/b.md",
        "+++\ntitle = \"案例二\"\ntactics = [\"@/about.md\"]\n+++\n"
    ),
    "E1007",
    Some("content/cases/b.md:3:12")
);
bad!(
    symlink_outside_root,
    |root: &Path| {
        let outside = root
            .parent()
            .unwrap()
            .join(format!("outside-{}.md", std::process::id()));
        std::fs::write(&outside, "+++\ntitle = \"外面\"\n+++\n").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("content/tactics/evil.md")).unwrap();
    },
    "E1014",
    None
);

#[test]
fn refuses_to_write_into_the_site_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    let before = tree(root);
    let out = run_in(root, &["--out", root.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("[E1601]"), "{}", stderr(&out));
    assert_eq!(tree(root), before);
}

#[test]
fn refuses_a_foreign_non_empty_folder_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    write(root, "mine/notes.txt", "重要文件");
    let out = run_in(root, &["--out", root.join("mine").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("[E1601]"));
    assert!(root.join("mine/notes.txt").exists());
    let out = run_in(
        root,
        &["--out", root.join("mine").to_str().unwrap(), "--force"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(root.join("mine/index.html").exists());
}

#[test]
fn usage_errors_exit_2() {
    let out = run(&["build", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn several_errors_are_all_reported() {
    expect_failure(
        |root| {
            write(
                root,
                "content/tactics/x.md",
                "+++\ntitle = \"x\"\ncolour = 1\n+++\n",
            );
            write(root, "content/tactics/y.md", "+++\ntitle = 3\n+++\n");
        },
        "E1004",
        Some("content/tactics/x.md:3:1"),
        &[],
    );
}

bad!(
    deeply_nested_blockquotes,
    |root: &Path| write(
        root,
        "content/deep.md",
        &format!("+++\ntitle = \"深\"\n+++\n\n{}x\n", "> ".repeat(10_000))
    ),
    "E1015",
    Some("content/deep.md:5:")
);
bad!(
    deeply_nested_lists,
    |root: &Path| {
        let mut md = String::from("+++\ntitle = \"深\"\n+++\n\n");
        for i in 0..10_000 {
            md.push_str(&"  ".repeat(i));
            md.push_str("- a\n");
        }
        write(root, "content/deep.md", &md)
    },
    "E1015",
    Some("content/deep.md:")
);
bad!(
    deeply_nested_raw_html,
    |root: &Path| write(
        root,
        "content/deep.md",
        &format!(
            "+++\ntitle = \"深\"\n+++\n\n{}x{}\n",
            "<div>".repeat(10_000),
            "</div>".repeat(10_000)
        )
    ),
    "E1015",
    Some("content/deep.md:1:1")
);

bad!(
    empty_title,
    put("content/tactics/x.md", "+++\ntitle = \"  \"\n+++\n"),
    "E1006",
    Some("content/tactics/x.md:2:9")
);
bad!(
    tags_not_a_list,
    put(
        "content/tactics/x.md",
        "+++\ntitle = \"x\"\ntags = \"保健品\"\n+++\n"
    ),
    "E1005",
    Some("content/tactics/x.md:3:8")
);
bad!(
    tag_not_text,
    put(
        "content/tactics/x.md",
        "+++\ntitle = \"x\"\ntags = [\"a\", 3]\n+++\n"
    ),
    "E1005",
    Some("content/tactics/x.md:3:14")
);
bad!(
    extra_not_a_table,
    put(
        "content/tactics/x.md",
        "+++\ntitle = \"x\"\nextra = 1\n+++\n"
    ),
    "E1005",
    Some("content/tactics/x.md:3:9")
);
bad!(
    unknown_taxonomy,
    put(
        "content/tactics/x.md",
        "+++\ntitle = \"x\"\n\n[taxonomies]\nauthors = [\"王\"]\n+++\n"
    ),
    "E1004",
    Some("content/tactics/x.md:5:1")
);
bad!(
    section_unknown_key,
    put(
        "content/cases/_index.md",
        "+++\ntitle = \"案例\"\npaginate = 10\n+++\n"
    ),
    "E1004",
    Some("content/cases/_index.md:3:1")
);
bad!(
    section_bad_sort_by,
    put(
        "content/cases/_index.md",
        "+++\ntitle = \"案例\"\nsort_by = \"daet\"\n+++\n"
    ),
    "E1007",
    Some("content/cases/_index.md:3:11")
);
bad!(
    section_bad_kind,
    put(
        "content/cases/_index.md",
        "+++\ntitle = \"案例\"\nkind = \"cases\"\n+++\n"
    ),
    "E1007",
    Some("content/cases/_index.md:3:8")
);
bad!(
    alias_not_a_path,
    put(
        "content/tactics/x.md",
        "+++\ntitle = \"x\"\naliases = [\"old-page\"]\n+++\n"
    ),
    "E1007",
    Some("content/tactics/x.md:3:12")
);
bad!(
    alias_collides,
    put(
        "content/tactics/x.md",
        "+++\ntitle = \"x\"\naliases = [\"/about/\"]\n+++\n"
    ),
    "E1011",
    Some("content/tactics/x.md:3:12")
);
bad!(
    section_takes_a_reserved_url,
    put("content/hotlines/_index.md", "+++\ntitle = \"热线\"\n+++\n"),
    "E1011",
    Some("content/hotlines/_index.md:1:1")
);
bad!(
    hotline_missing_number,
    put(
        "content/hotlines.toml",
        "[[hotline]]\nid = \"police\"\nname = \"报警\"\n\n[[hotline]]\nid = \"mz\"\nname = \"民政\"\nnumber = \"7107009\"\n"
    ),
    "E1301",
    Some("content/hotlines.toml:1:1")
);
bad!(
    hotline_bad_area_code,
    put(
        "content/hotlines.toml",
        "[[hotline]]\nid = \"police\"\nname = \"报警\"\nnumber = \"110\"\n[[hotline]]\nid = \"mz\"\nname = \"民政\"\nnumber = \"7107009\"\narea_code = \"472\"\n"
    ),
    "E1303",
    Some("content/hotlines.toml:9:13")
);
bad!(
    hotlines_toml_syntax,
    put("content/hotlines.toml", "[[hotline]\nid = \"police\"\n"),
    "E1003",
    Some("content/hotlines.toml:1:")
);
bad!(
    site_toml_syntax,
    put("site.toml", "title = \"测试站点\nbase_url = 3\n"),
    "E1003",
    Some("site.toml:1:")
);
bad!(
    site_bad_base_url,
    put(
        "site.toml",
        "title = \"测试站点\"\nbase_url = \"test.example.org\"\n"
    ),
    "E1401",
    Some("site.toml:2:12")
);
bad!(
    missing_page_template,
    put(
        "content/tactics/x.md",
        "+++\ntitle = \"x\"\ntemplate = \"special.html\"\n+++\n"
    ),
    "E1503",
    Some("content/tactics/x.md:3:12")
);
bad!(
    poster_unknown_hotline,
    put(
        "content/posters/p.md",
        "+++\ntitle = \"海报\"\nhotlines = [\"police\", \"fanzha\"]\n+++\n"
    ),
    "E1203",
    Some("content/posters/p.md:3:23")
);
bad!(
    poster_broken_qr,
    put(
        "content/posters/p.md",
        "+++\ntitle = \"海报\"\nqr = \"@/tactics/nope.md\"\n+++\n"
    ),
    "E1201",
    Some("content/posters/p.md:3:6")
);
bad!(
    poster_source_not_tactic,
    put(
        "content/posters/p.md",
        "+++\ntitle = \"海报\"\nsource = \"@/about.md\"\n+++\n"
    ),
    "E1007",
    Some("content/posters/p.md:3:10")
);
bad!(
    poster_variants_outside_root,
    put(
        "content/posters/p.md",
        "+++\ntitle = \"海报\"\nvariants = \"../../etc/passwd\"\n+++\n"
    ),
    "E1014",
    Some("content/posters/p.md:3:12")
);
bad!(
    poster_bad_size,
    put(
        "content/posters/p.md",
        "+++\ntitle = \"海报\"\nsize = \"A5\"\n+++\n"
    ),
    "E1007",
    Some("content/posters/p.md:3:8")
);
bad!(
    case_tactics_not_internal_links,
    put(
        "content/cases/b.md",
        "+++\ntitle = \"案例二\"\ntactics = [\"baojianpin\"]\n+++\n"
    ),
    "E1201",
    Some("content/cases/b.md:3:12")
);
bad!(
    template_render_error,
    put(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ page.no_such_field.deeper }}{% endblock content %}\n"
    ),
    "E1502",
    Some("content/about.md")
);

// Print: the published site (with its PDFs) stays as it was when a poster cannot be printed.
bad!(
    poster_character_no_font_has,
    put(
        "content/posters/q.md",
        "+++\ntitle = \"缺字\"\nheadline = \"防骗\u{10FFFD}\"\nhotlines = [\"police\"]\n+++\n"
    ),
    "E1702",
    Some("content/posters/q.md:3:")
);
bad!(
    poster_text_overflows,
    put(
        "content/posters/q.md",
        "+++\ntitle = \"太多\"\nhotlines = [\"police\"]\npoints = [\"一\", \"二\", \"三\", \"四\", \"五\", \"六\", \"七\", \"八\", \"九\", \"十\", \"十一\", \"十二\", \"十三\"]\n+++\n"
    ),
    "E1703",
    Some("content/posters/q.md:4:1")
);
bad!(
    poster_unknown_layout,
    put(
        "content/posters/q.md",
        "+++\ntitle = \"版式\"\nlayout = \"hotlines\"\n+++\n"
    ),
    "E1705",
    Some("content/posters/q.md:3:10")
);
bad!(
    variants_file_with_a_duplicate_slug,
    |root: &Path| {
        write(
            root,
            "content/posters/q.md",
            "+++\ntitle = \"社区\"\nvariants = \"data/v.toml\"\n+++\n",
        );
        write(
            root,
            "data/v.toml",
            "[[variant]]\nslug = \"a\"\nname = \"甲\"\n\n[[variant]]\nslug = \"a\"\nname = \"乙\"\n",
        );
    },
    "E1704",
    Some("data/v.toml:6:8")
);

// The site root is a boundary for every input: a link (or a path) leading outside it is refused with
// E1014 naming it, and nothing of the file outside reaches the output or the error.

/// A folder beside the site root (outside it) holding a file with a secret first line.
fn outside(root: &Path, name: &str) -> std::path::PathBuf {
    let dir = root.parent().unwrap().join(format!("outside-{name}"));
    write(&dir, "passwd", "SECRET-FIRST-LINE = 1\n");
    write(&dir, "templates/page.html", "SECRET-TEMPLATE\n");
    dir
}

fn link(target: &Path, root: &Path, rel: &str) {
    let at = root.join(rel);
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&at);
    let _ = std::fs::remove_dir_all(&at);
    std::os::unix::fs::symlink(target, at).unwrap();
}

/// Like `expect_failure` in a folder of its own, also checking the message names `named` and quotes
/// nothing from outside the root.
fn expect_refused(mutate: impl FnOnce(&Path), code: &str, location: Option<&str>, named: &str) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    small_site(&root);
    assert!(run_in(&root, &[]).status.success());
    let before = tree(&root.join("public"));
    mutate(&root);
    let out = run_in(&root, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("[{code}]")),
        "expected {code}:\n{err}"
    );
    assert!(err.contains(named), "the error must name {named}:\n{err}");
    if let Some(loc) = location {
        assert!(err.contains(loc), "expected {loc}:\n{err}");
    }
    assert!(err.contains("提示"), "{err}");
    assert!(
        !err.contains("SECRET"),
        "quoted a file outside the root:\n{err}"
    );
    assert_eq!(tree(&root.join("public")), before);
    assert!(!root.join("public/passwd").exists());
}

#[test]
fn static_folder_linked_outside_the_root() {
    expect_refused(
        |r| link(&outside(r, "static"), r, "static"),
        "E1014",
        None,
        "static",
    );
}

#[test]
fn static_file_linked_outside_the_root() {
    expect_refused(
        |r| link(&outside(r, "f").join("passwd"), r, "static/passwd"),
        "E1014",
        None,
        "static/passwd",
    );
}

#[test]
fn content_folder_linked_outside_the_root() {
    expect_refused(
        |r| {
            let o = outside(r, "content");
            write(&o, "_index.md", "+++\ntitle = \"SECRET\"\n+++\n");
            link(&o, r, "content")
        },
        "E1014",
        None,
        "content",
    );
}

#[test]
fn theme_folder_linked_outside_the_root() {
    expect_refused(
        |r| link(&outside(r, "theme"), r, "themes/default"),
        "E1014",
        None,
        "themes/default 指向站点目录以外",
    );
}

#[test]
fn site_templates_linked_outside_the_root() {
    expect_refused(
        |r| link(&outside(r, "tpl").join("templates"), r, "templates"),
        "E1014",
        None,
        "templates",
    );
}

#[test]
fn print_template_linked_outside_the_root() {
    expect_refused(
        |r| {
            write(r, "content/posters/p.md", "+++\ntitle = \"海报\"\n+++\n");
            link(&outside(r, "print").join("passwd"), r, "print/poster.typ")
        },
        "E1014",
        None,
        "print/poster.typ",
    );
}

#[test]
fn a_file_read_by_a_print_template_linked_outside_the_root() {
    expect_refused(
        |r| {
            let secret = outside(r, "typ").join("passwd");
            write(
                r,
                "content/posters/p.md",
                "+++\ntitle = \"海报\"\nlayout = \"warning\"\n+++\n",
            );
            write(r, "print/warning.typ", "#read(\"/data/secret.txt\")\n");
            link(&secret, r, "data/secret.txt")
        },
        "E1701",
        Some("print/warning.typ:1:7"),
        "data/secret.txt 指向站点目录以外",
    );
}

#[test]
fn theme_given_as_an_absolute_path() {
    expect_refused(
        |r| {
            let o = outside(r, "abs");
            let toml = format!("title = \"t\"\ntheme = \"{}\"\n", o.display());
            std::fs::write(r.join("site.toml"), toml).unwrap();
        },
        "E1014",
        Some("site.toml:2:9"),
        "theme",
    );
}

#[test]
fn theme_given_as_a_parent_path() {
    expect_refused(
        |r| {
            outside(r, "up");
            std::fs::write(
                r.join("site.toml"),
                "title = \"t\"\ntheme = \"../../outside-up\"\n",
            )
            .unwrap();
        },
        "E1014",
        Some("site.toml:2:9"),
        "theme",
    );
}

#[test]
fn site_toml_linked_outside_the_root() {
    expect_refused(
        |r| link(&outside(r, "site").join("passwd"), r, "site.toml"),
        "E1014",
        None,
        "site.toml",
    );
}

#[test]
fn hotlines_linked_outside_the_root() {
    expect_refused(
        |r| {
            link(
                &outside(r, "hot").join("passwd"),
                r,
                "content/hotlines.toml",
            )
        },
        "E1014",
        None,
        "content/hotlines.toml",
    );
}

#[test]
fn variants_file_linked_outside_the_root() {
    expect_refused(
        |r| {
            let o = outside(r, "var");
            write(
                &o,
                "c.toml",
                "[[variant]]\nslug = \"a\"\nname = \"SECRET 社区\"\n",
            );
            link(&o.join("c.toml"), r, "data/c.toml");
            write(
                r,
                "content/posters/p.md",
                "+++\ntitle = \"海报\"\nvariants = \"data/c.toml\"\n+++\n",
            );
        },
        "E1014",
        Some("content/posters/p.md:3:12"),
        "data/c.toml",
    );
}

#[test]
fn a_link_loop_is_called_a_loop() {
    expect_refused(
        |r| link(Path::new("loop.md"), r, "content/loop.md"),
        "E1017",
        None,
        "content/loop.md 是一个循环的符号链接",
    );
}

#[test]
fn links_inside_the_root_keep_working() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    write(root, "shared/site.css", "body{color:red}");
    write(
        root,
        "shared/extra.md",
        "+++\ntitle = \"链接进来的文章\"\n+++\n\n正文。\n",
    );
    link(Path::new("../shared/site.css"), root, "static/site.css");
    link(
        Path::new("../../shared/extra.md"),
        root,
        "content/tactics/extra.md",
    );
    let out = run_in(root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = tree(&root.join("public"));
    assert_eq!(public["site.css"], b"body{color:red}");
    assert!(
        public.keys().any(|k| k.contains("extra")),
        "{:?}",
        public.keys()
    );
}

// The output folder: never a source folder, never following links it did not make.

#[test]
fn refuses_every_source_folder_as_output() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    small_site(&root);
    write(&root, "print/poster.typ", "// 海报模板\n");
    write(&root, "data/c.toml", "[[variant]]\n");
    write(&root, "static/a.css", "a");
    let before = tree(&root);
    for out in [
        "content",
        "print",
        "data",
        "static",
        "templates",
        "themes",
        "content/cases",
        ".",
        "..",
    ] {
        let o = run_in(&root, &["--out", root.join(out).to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "--out {out}: {err}");
        assert!(err.contains("[E1601]"), "--out {out}: {err}");
        assert_eq!(tree(&root), before, "--out {out} changed the site");
    }
    // A refused `--out print` leaves later builds working.
    let o = run_in(&root, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn links_named_like_leftovers_are_neither_followed_nor_removed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    small_site(&root);
    assert!(run_in(&root, &[]).status.success());
    let victim = dir.path().join("victim");
    for f in [
        "index.html",
        "robots.txt",
        "sitemap.xml",
        ".fangpian-build",
        "keep.txt",
    ] {
        write(&victim, f, "不能删");
    }
    let before = tree(&victim);
    link(&victim, &root, ".public.fangpian-old-1");
    link(&victim, &root, ".public.fangpian-tmp-2");
    for _ in 0..2 {
        let o = run_in(&root, &[]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(
        tree(&victim),
        before,
        "a build deleted files outside the root"
    );
    assert!(
        root.join(".public.fangpian-old-1")
            .symlink_metadata()
            .is_ok()
    );
    assert!(root.join("public/index.html").exists());
}

#[test]
fn a_second_build_into_a_busy_output_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    assert!(run_in(root, &[]).status.success());
    let before = tree(&root.join("public"));
    // Another build holds the output's lock.
    let lock = std::fs::File::create(root.join(".public.fangpian-lock")).unwrap();
    lock.lock().unwrap();
    write(root, "content/about.md", "+++\ntitle = \"新的关于\"\n+++\n");
    let out = run_in(root, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("[E1604]") && err.contains("另一个 fangpian 正在构建到"),
        "{err}"
    );
    assert_eq!(tree(&root.join("public")), before);
    drop(lock);
    let out = run_in(root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !root.join(".public.fangpian-lock").exists(),
        "the lock file is left behind"
    );
}

// Permission errors say so. As root every file is readable, so the build runs as `nobody` then.

fn run_unprivileged(dir: &Path, root: &Path, extra: &[&str]) -> std::process::Output {
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::process::CommandExt;
    let mut c = bin();
    c.args(["build", "--root", root.to_str().unwrap()])
        .args(extra);
    if std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0) {
        for e in walkdir::WalkDir::new(dir) {
            std::os::unix::fs::lchown(e.unwrap().path(), Some(65534), Some(65534)).unwrap();
        }
        c.uid(65534).gid(65534);
    }
    c.output().unwrap()
}

fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn an_unreadable_content_file_is_a_permission_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    small_site(&root);
    assert!(run_in(&root, &[]).status.success());
    let before = tree(&root.join("public"));
    let file = root.join("content/tactics/baojianpin.md");
    let out = run_unprivileged(dir.path(), &root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    chmod(&file, 0o000);
    let out = run_unprivileged(dir.path(), &root, &[]);
    chmod(&file, 0o644);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("[E1016]"), "{err}");
    assert!(
        err.contains("权限不足：不能读取 content/tactics/baojianpin.md"),
        "{err}"
    );
    assert!(err.contains("提示"), "{err}");
    assert_eq!(tree(&root.join("public")), before);
}

#[test]
fn an_unwritable_output_folder_is_a_permission_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    small_site(&root);
    assert!(run_in(&root, &[]).status.success());
    let public = root.join("public");
    let before = tree(&public);
    chmod(&public, 0o000);
    let out = run_unprivileged(dir.path(), &root, &[]);
    chmod(&public, 0o755);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("[E1605]") && err.contains("权限不足"), "{err}");
    assert!(err.contains("public"), "{err}");
    assert!(!err.contains("不是 fangpian"), "{err}");
    assert_eq!(tree(&public), before);
}

#[test]
fn force_says_when_it_cannot_delete_the_old_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    small_site(&root);
    write(&root, "mine/locked/notes.txt", "别人的文件");
    chmod(&root.join("mine/locked"), 0o555);
    let mine = root.join("mine");
    let out = run_unprivileged(
        dir.path(),
        &root,
        &["--out", mine.to_str().unwrap(), "--force"],
    );
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(root.join("mine/index.html").exists());
    let left: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".mine.fangpian-tmp-")
        })
        .collect();
    assert_eq!(left.len(), 1, "the undeletable folder is still there");
    let name = left[0].file_name().to_string_lossy().into_owned();
    assert!(err.contains("[W2009]") && err.contains(&name), "{err}");
    chmod(&left[0].path().join("locked"), 0o755);
}

#[test]
fn an_output_folder_that_is_a_link_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    small_site(&root);
    let elsewhere = dir.path().join("elsewhere");
    write(&elsewhere, ".fangpian-build", "x");
    write(&elsewhere, "index.html", "别处的网站");
    let before = tree(&elsewhere);
    link(&elsewhere, &root, "public");
    let out = run_in(&root, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("[E1601]") && err.contains("符号链接"), "{err}");
    assert_eq!(tree(&elsewhere), before);
    assert!(
        root.join("public")
            .symlink_metadata()
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // Naming the real folder works.
    let out = run_in(&root, &["--out", elsewhere.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

// A writer's everyday mistakes (issue 13): files in content/ that would have been published raw.
bad!(
    txt_file_with_front_matter_in_content,
    put(
        "content/cases/neibu.txt",
        "+++\ntitle = \"内部\"\n+++\n内部笔记：不要发布\n"
    ),
    "E1018",
    Some("content/cases/neibu.txt:1:1")
);
bad!(
    upper_case_md_extension,
    put("content/cases/b.MD", "+++\ntitle = \"案例二\"\n+++\n"),
    "E1018",
    Some("content/cases/b.MD:1:1")
);
bad!(
    md_txt_extension,
    put("content/tactics/x.md.txt", "正文\n"),
    "E1018",
    Some("content/tactics/x.md.txt:1:1")
);
bad!(
    markdown_extension,
    put("content/tactics/x.markdown", "+++\ntitle = \"x\"\n+++\n"),
    "E1018",
    Some("content/tactics/x.markdown:1:1")
);
bad!(
    mdown_extension,
    put("content/x.mdown", "+++\ntitle = \"x\"\n+++\n"),
    "E1018",
    Some("content/x.mdown:1:1")
);
bad!(
    front_matter_under_another_extension,
    put("content/cases/note.rtf", "+++\ntitle = \"x\"\n+++\n"),
    "E1018",
    Some("content/cases/note.rtf:1:1")
);

#[test]
fn misnamed_file_hint_gives_the_new_name() {
    let err = expect_failure(
        put("content/cases/neibu.txt", "内部笔记\n"),
        "E1018",
        None,
        &[],
    );
    assert!(err.contains("content/cases/neibu.md"), "{err}");
}

// Characters a Chinese IME or Word paste puts where TOML needs ASCII: named, with the fix.
fn confusable(text: &'static str, loc: &str, must: &[&str]) {
    let err = expect_failure(put("content/tactics/x.md", text), "E1019", Some(loc), &[]);
    for m in must {
        assert!(err.contains(m), "expected {m:?} in:\n{err}");
    }
}

#[test]
fn full_width_equals_sign() {
    confusable(
        "+++\ntitle ＝ \"x\"\n+++\n",
        "content/tactics/x.md:2:7",
        &["「＝」", "U+FF1D", "把全角等号「＝」改成半角「=」"],
    );
}

#[test]
fn full_width_colon_points_at_the_colon() {
    confusable(
        "+++\ntitle：\"x\"\n+++\n",
        "content/tactics/x.md:2:6",
        &["「：」", "U+FF1A", "改成半角「=」"],
    );
}

#[test]
fn chinese_quotes_and_comma_in_a_list() {
    confusable(
        "+++\ntitle = \"x\"\ntags = [\"甲\"，\"乙\"]\n+++\n",
        "content/tactics/x.md:3:12",
        &["「，」", "U+FF0C"],
    );
    confusable(
        "+++\ntitle = “x”\n+++\n",
        "content/tactics/x.md:2:9",
        &["「“」", "U+201C", "改成半角「\"」"],
    );
    confusable(
        "+++\ntags = 【\"甲\"】\ntitle = \"x\"\n+++\n",
        "content/tactics/x.md:2:8",
        &["U+3010"],
    );
}

#[test]
fn odd_spaces_outside_strings() {
    confusable(
        "+++\n\u{3000}title = \"x\"\n+++\n",
        "content/tactics/x.md:2:1",
        &["U+3000", "全角空格"],
    );
    confusable(
        "+++\ntitle =\u{a0}\"x\"\n+++\n",
        "content/tactics/x.md:2:8",
        &["U+00A0", "不换行空格"],
    );
    confusable(
        "+++\ntitle = \"x\"\u{feff}\n+++\n",
        "content/tactics/x.md:2:12",
        &["U+FEFF"],
    );
}

#[test]
fn invisible_character_in_a_title_and_in_a_slug() {
    confusable(
        "+++\ntitle = \"保健品\u{200b}骗局\"\n+++\n",
        "content/tactics/x.md:2:13",
        &["U+200B", "零宽空格", "在「保健品」后面"],
    );
    confusable(
        "+++\ntitle = \"x\"\nslug = \"bao\u{2060}jian\"\n+++\n",
        "content/tactics/x.md:3:12",
        &["U+2060"],
    );
    confusable(
        "+++\ntitle = \"x\"\nslug = \"bao\u{a0}jian\"\n+++\n",
        "content/tactics/x.md:3:12",
        &["U+00A0"],
    );
}

#[test]
fn invisible_character_in_a_hotline_number() {
    expect_failure(
        |root: &Path| {
            let path = root.join("content/hotlines.toml");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replace("\"110\"", "\"110\u{200b}\"")).unwrap();
        },
        "E1019",
        Some("content/hotlines.toml:4:14"),
        &[],
    );
}

#[test]
fn confusables_in_site_toml_and_data_files() {
    expect_failure(
        |root: &Path| {
            let path = root.join("site.toml");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replace("language = ", "language ＝ ")).unwrap();
        },
        "E1019",
        Some("site.toml:3:10"),
        &[],
    );
    let err = expect_failure(
        |root: &Path| {
            write(
                root,
                "content/posters/q.md",
                "+++\ntitle = \"社区\"\nvariants = \"data/v.toml\"\n+++\n",
            );
            write(
                root,
                "data/v.toml",
                "[[variant]]\nslug：\"a\"\nname = \"甲\"\n",
            );
        },
        "E1019",
        Some("data/v.toml:2:5"),
        &[],
    );
    assert!(err.contains("U+FF1A"), "{err}");
}

/// Dates in the forms writers use get the exact corrected line, quoted or not.
#[test]
fn loose_dates_get_the_corrected_line() {
    for (written, code) in [
        ("date = 2024/5/20", "E1003"),
        ("date = 2024.5.20", "E1003"),
        ("date = 2024-5-20", "E1003"),
        ("date = \"2024/5/20\"", "E1008"),
        ("date = \"2024年5月20日\"", "E1008"),
        ("date = 2024年5月20日", "E1003"),
    ] {
        let text: &'static str =
            Box::leak(format!("+++\ntitle = \"x\"\n{written}\n+++\n").into_boxed_str());
        let err = expect_failure(
            put("content/tactics/x.md", text),
            code,
            Some("content/tactics/x.md:3:"),
            &[],
        );
        assert!(
            err.contains("date = 2024-05-20"),
            "{written}: no corrected line in\n{err}"
        );
        assert!(
            !err.contains("英文双引号括起来"),
            "{written}: wrong hint\n{err}"
        );
    }
}

// Every internal link is checked, not only @/ links.
bad!(
    broken_root_relative_link,
    put(
        "content/about.md",
        "+++\ntitle = \"关于\"\n+++\n\n见[套路](/tactics/baojianpinx/)。\n"
    ),
    "E1201",
    Some("content/about.md:5:2")
);
bad!(
    broken_relative_link,
    put(
        "content/cases/b.md",
        "+++\ntitle = \"案例二\"\n+++\n\n见[套路](../../tactics/meiyou/)。\n"
    ),
    "E1201",
    Some("content/cases/b.md:5:2")
);
bad!(
    broken_md_link,
    put(
        "content/cases/b.md",
        "+++\ntitle = \"案例二\"\n+++\n\n见[套路](../tactics/meiyou.md)。\n"
    ),
    "E1201",
    Some("content/cases/b.md:5:2")
);
bad!(
    broken_anchor_on_a_plain_link,
    put(
        "content/cases/b.md",
        "+++\ntitle = \"案例二\"\n+++\n\n见[套路](/tactics/baojianpin/#jizu)。\n"
    ),
    "E1202",
    Some("content/cases/b.md:5:2")
);
bad!(
    broken_anchor_on_the_same_page,
    put(
        "content/cases/b.md",
        "+++\ntitle = \"案例二\"\n+++\n\n## 经过 {#jingguo}\n\n见[上文](#jingguo)和[下文](#meiyou)。\n"
    ),
    "E1202",
    Some("content/cases/b.md:7:")
);
bad!(
    broken_md_anchor,
    put(
        "content/cases/b.md",
        "+++\ntitle = \"案例二\"\n+++\n\n见[套路](../tactics/baojianpin.md#meiyou)。\n"
    ),
    "E1202",
    Some("content/cases/b.md:5:2")
);
bad!(
    missing_image,
    put(
        "content/cases/b.md",
        "+++\ntitle = \"案例二\"\n+++\n\n![现场照片](xianchang.jpg)\n"
    ),
    "E1201",
    Some("content/cases/b.md:5:1")
);
bad!(
    invisible_character_in_a_link,
    put(
        "content/cases/b.md",
        "+++\ntitle = \"案例二\"\n+++\n\n见[套路](@/tactics/baojianpin.md\u{200b})。\n"
    ),
    "E1019",
    Some("content/cases/b.md:5:2")
);

/// Working links of every form build, and `.md` links become page URLs.
#[test]
fn plain_internal_links_that_work_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    write(root, "content/cases/photo.jpg", "jpg");
    write(
        root,
        "content/cases/b.md",
        "+++\ntitle = \"案例二\"\n+++\n\n## 经过 {#jingguo}\n\n[一](/tactics/baojianpin/)、[二](../../tactics/baojianpin/#jizhu)、[三](../tactics/baojianpin.md#jizhu)、[四](a.md)、[五](/hotlines/)、[六](#jingguo)、[七](/atom.xml)、[八](/tactics/)\n\n![照片](photo.jpg)\n",
    );
    let out = run_in(root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(root.join("public/cases/b/index.html")).unwrap();
    assert!(html.contains("href=/tactics/baojianpin/#jizhu"), "{html}");
    assert!(html.contains("href=/cases/a/"), "{html}");
}

/// Editor and OS debris in content/ is skipped and never published.
#[test]
fn editor_and_os_debris_is_never_published() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    for name in [
        ".DS_Store",
        "Thumbs.db",
        "~$稿子.docx",
        "a.md~",
        ".a.md.swp",
        "desktop.ini",
    ] {
        write(root, &format!("content/cases/{name}"), "junk");
    }
    let out = run_in(root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let published: Vec<String> = tree(&root.join("public")).into_keys().collect();
    let cases: Vec<&String> = published
        .iter()
        .filter(|p| p.starts_with("cases/"))
        .collect();
    assert!(
        cases.iter().all(|p| p.ends_with(".html")),
        "debris published: {cases:?}"
    );
}

// Phone numbers: Chinese forms only; an area code written into the number names both fields and gives the
// corrected pair.
const POLICE: &str = "[[hotline]]\nid = \"police\"\nname = \"报警\"\nnumber = \"110\"\n\n";

fn hotline_failure(entry: &str, code: &str, location: &str, hint: &str) {
    let text = format!("{POLICE}{entry}");
    let err = expect_failure(
        move |root: &Path| write(root, "content/hotlines.toml", &text),
        code,
        Some(location),
        &[],
    );
    assert!(
        err.contains(hint),
        "expected the hint {hint}; stderr:\n{err}"
    );
}

#[test]
fn hotline_number_repeats_its_area_code() {
    hotline_failure(
        "[[hotline]]\nid = \"mz\"\nname = \"民政\"\narea_code = \"0472\"\nnumber = \"0472-7107009\"\n",
        "E1304",
        "content/hotlines.toml:10:10",
        "area_code = \"0472\"，number = \"7107009\"",
    );
    hotline_failure(
        "[[hotline]]\nid = \"mz\"\nname = \"民政\"\nnumber = \"023-72706001\"\n",
        "E1304",
        "content/hotlines.toml:9:10",
        "area_code = \"023\"，number = \"72706001\"",
    );
}

#[test]
fn hotline_mobile_with_an_area_code() {
    hotline_failure(
        "[[hotline]]\nid = \"m\"\nname = \"联系人\"\narea_code = \"023\"\nnumber = \"13812345678\"\n",
        "E1304",
        "content/hotlines.toml:9:13",
        "area_code = \"\"，number = \"13812345678\"",
    );
}

#[test]
fn hotline_fixed_line_without_area_code() {
    hotline_failure(
        "[[hotline]]\nid = \"mz\"\nname = \"民政\"\nnumber = \"7107009\"\n",
        "E1304",
        "content/hotlines.toml:9:10",
        "area_code = \"0472\"",
    );
}

#[test]
fn hotline_number_of_a_wrong_length() {
    hotline_failure(
        "[[hotline]]\nid = \"m\"\nname = \"手机\"\nnumber = \"1381234567\"\n",
        "E1303",
        "content/hotlines.toml:9:10",
        "手机 11 位",
    );
    hotline_failure(
        "[[hotline]]\nid = \"mz\"\nname = \"民政\"\narea_code = \"472\"\nnumber = \"7107009\"\n",
        "E1303",
        "content/hotlines.toml:9:13",
        "area_code = \"023\"",
    );
}

#[test]
fn variant_phone_with_a_wrong_length() {
    let err = expect_failure(
        |root: &Path| {
            write(
                root,
                "content/posters/q.md",
                "+++\ntitle = \"社区\"\nvariants = \"data/v.toml\"\n+++\n",
            );
            write(
                root,
                "data/v.toml",
                "[[variant]]\nslug = \"a\"\nname = \"甲\"\nphone = \"023-7270000\"\n\n[[variant]]\nslug = \"b\"\nname = \"乙\"\nphone = \"0472-13812345678\"\n",
            );
        },
        "E1704",
        Some("data/v.toml:9:9"),
        &[],
    );
    assert!(err.contains("phone = \"13812345678\""), "{err}");
}

bad!(
    poster_qr_caption_too_long,
    put(
        "content/posters/p.md",
        "+++\ntitle = \"海报\"\nqr_caption = \"请用手机扫一扫这个二维码就能看到怎样举报养老诈骗\"\n+++\n"
    ),
    "E1007",
    Some("content/posters/p.md:3:14")
);
bad!(
    leaflet_version_preview_would_overwrite_another,
    |root: &Path| {
        // The community "2" would get `l-2.png`, the general leaflet's inside page.
        write(
            root,
            "content/leaflets/l.md",
            "+++\ntitle = \"折页\"\nvariants = \"data/v.toml\"\n+++\n\n## 一\n\n文字。\n",
        );
        write(
            root,
            "data/v.toml",
            "[[variant]]\nslug = \"2\"\nname = \"二社区\"\n",
        );
    },
    "E1011",
    Some("content/leaflets/l.md")
);

// A content file whose name gives no URL is an error, not silently skipped.
bad!(
    file_named_only_dot_md,
    put("content/tactics/.md", "+++\ntitle = \"没有名字\"\n+++\n"),
    "E1012",
    Some("content/tactics/.md:1:1")
);
bad!(
    file_named_only_punctuation,
    put("content/！！！.md", "+++\ntitle = \"感叹\"\n+++\n"),
    "E1012",
    Some("content/！！！.md:1:1")
);

#[test]
fn invalid_source_date_epoch_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    assert!(run_in(root, &[]).status.success());
    let before = tree(&root.join("public"));
    for value in ["garbage", "253402300799", "-86400", "1e9", ""] {
        for args in [
            vec!["build", "--root", root.to_str().unwrap()],
            vec!["new", "page", "注意事项", "--root", root.to_str().unwrap()],
        ] {
            let out = bin()
                .env("SOURCE_DATE_EPOCH", value)
                .args(&args)
                .output()
                .unwrap();
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{value:?} {args:?}: {err}");
            assert!(!err.contains("panicked"), "{err}");
            assert!(
                err.contains("错误[E1403]: 环境变量 SOURCE_DATE_EPOCH") && err.contains("提示："),
                "{value:?}: {err}"
            );
        }
    }
    assert_eq!(tree(&root.join("public")), before);
    assert!(!root.join("content/zhu-yi-shi-xiang.md").exists());
    assert!(!root.join("content/zhuyishixiang.md").exists());
}

#[test]
fn new_refuses_a_title_without_a_slug_and_accepts_slug() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    let r = root.to_str().unwrap();
    let out = run(&["new", "page", "!!!", "--root", r]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("错误[E1012]") && err.contains("--slug"),
        "{err}"
    );
    assert!(!root.join("content/.md").exists());
    let out = run(&["new", "page", "！！！", "--slug", "zhuyi", "--root", r]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(root.join("content/zhuyi.md").exists());
    assert!(run_in(root, &["--drafts"]).status.success());
}

#[test]
fn an_error_on_a_very_long_line_shows_a_window_of_it() {
    let long = "长".repeat(5_000_000);
    expect_failure(
        |root| {
            write(
                root,
                "content/long.md",
                &format!("+++\ntitle = \"长\"\n+++\n\n{long}[x](@/nope.md)\n"),
            )
        },
        "E1201",
        Some("content/long.md:5:5000001"),
        &[],
    );
    let dir = tempfile::tempdir().unwrap();
    small_site(dir.path());
    write(
        dir.path(),
        "content/long.md",
        &format!("+++\ntitle = \"长\"\n+++\n\n{long}[x](@/nope.md)\n"),
    );
    let err = stderr(&run_in(dir.path(), &[]));
    assert!(err.contains("[E1201]"), "{}", &err[..err.len().min(2000)]);
    assert!(err.len() < 20_000, "{} bytes of diagnostics", err.len());
}

/// A poster far too full fails fast, before any layout: 10,000 points took 25 s and 2.4 GB (release
/// build) before E1703; a single 5-million-character point is caught the same way.
#[test]
fn a_hopelessly_overfull_poster_fails_fast() {
    let points: Vec<String> = (0..10_000).map(|i| format!("\"第{i}条要点\"")).collect();
    let many = format!(
        "+++\ntitle = \"太多\"\nhotlines = [\"police\"]\npoints = [{}]\n+++\n",
        points.join(", ")
    );
    let long = format!(
        "+++\ntitle = \"太长\"\nhotlines = [\"police\"]\npoints = [\"{}\"]\n+++\n",
        "骗".repeat(5_000_000)
    );
    for (text, area) in [(many, "「要点」放不下"), (long, "「要点等文字」放不下")]
    {
        let started = std::time::Instant::now();
        let text2 = text.clone();
        expect_failure(
            move |root| write(root, "content/posters/q.md", &text2),
            "E1703",
            Some("content/posters/q.md:4:1"),
            &[],
        );
        // Generous: two builds of the small site plus the failing one, in a debug build.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "{area}: {:?}",
            started.elapsed()
        );
        let dir = tempfile::tempdir().unwrap();
        small_site(dir.path());
        write(dir.path(), "content/posters/q.md", &text);
        let err = stderr(&run_in(dir.path(), &[]));
        assert!(
            err.contains(area) && err.contains('%'),
            "{}",
            &err[..err.len().min(2000)]
        );
    }
}

#[test]
fn a_build_that_fails_at_once_leaves_nothing_beside_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("[E1400]"), "{}", stderr(&out));
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}
