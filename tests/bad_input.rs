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
) {
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
