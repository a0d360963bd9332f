//! `fangpian check`: each check's warning with its code and location, `--strict`, `--format json`,
//! errors exit 1, and nothing is written.

mod common;

use common::*;

fn check(root: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["check", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn a_clean_site_passes_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    small_site(dir.path());
    // A poster is laid out by check (missing glyphs, overflow) but nothing of it is kept, not even
    // in the print cache.
    write(
        dir.path(),
        "content/posters/q.md",
        "+++\ntitle = \"海报\"\nhotlines = [\"police\"]\n+++\n",
    );
    let before = tree(dir.path());
    let o = check(dir.path(), &["--strict"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("检查通过"));
    assert!(!dir.path().join("public").exists());
    assert!(!dir.path().join(".fangpian-cache").exists());
    assert_eq!(tree(dir.path()), before, "check changed the site folder");
}

#[test]
fn each_check_warns_with_code_and_location() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    // stale hotline (W2001)
    let hot = std::fs::read_to_string(root.join("content/hotlines.toml")).unwrap();
    std::fs::write(
        root.join("content/hotlines.toml"),
        hot.replace("verified = 2026-10-01", "verified = 2022-04-08"),
    )
    .unwrap();
    // tactic not reviewed for over a year (W2006)
    write(
        root,
        "content/tactics/jiu.md",
        "+++\ntitle = \"旧文章\"\nreviewed = 2024-01-01\n+++\n\n短句。\n",
    );
    // image without alt text (W2004)
    write(root, "content/a.png", "png");
    write(
        root,
        "content/tuxiang.md",
        "+++\ntitle = \"图片\"\n+++\n\n![](a.png)\n",
    );
    // a sentence and a paragraph too long for older readers (W2007, W2008)
    let long_sentence = "骗子".repeat(40);
    let long_paragraph = "不要相信陌生人。".repeat(40);
    write(
        root,
        "content/changju.md",
        &format!("+++\ntitle = \"长句\"\n+++\n\n{long_sentence}。\n\n{long_paragraph}\n"),
    );
    let o = check(root, &[]);
    assert!(o.status.success(), "warnings alone pass: {}", stderr(&o));
    let err = stderr(&o);
    for (code, loc) in [
        ("W2001", "content/hotlines.toml:13:12"),
        ("W2006", "content/tactics/jiu.md:3:12"),
        ("W2004", "content/tuxiang.md:5:1"),
        ("W2007", "content/changju.md:5:1"),
        ("W2008", "content/changju.md:7:1"),
    ] {
        assert!(err.contains(&format!("[{code}]")), "{code} missing:\n{err}");
        assert!(err.contains(loc), "{code} at {loc}:\n{err}");
    }
    // --strict turns warnings into failure
    let o = check(root, &["--strict"]);
    assert_eq!(o.status.code(), Some(1));
    // JSON for machines
    let o = check(root, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["errors"], 0);
    assert!(v["warnings"].as_u64().unwrap() >= 5);
    let first = &v["diagnostics"][0];
    for key in [
        "code", "severity", "message", "file", "line", "column", "hint",
    ] {
        assert!(first.get(key).is_some(), "{key} in {first}");
    }
    // build does not run the readability checks
    let o = run_in(root, &[]);
    assert!(o.status.success());
    assert!(!stderr(&o).contains("W2007"));
}

#[test]
fn readability_limits_are_configurable() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    let site = std::fs::read_to_string(root.join("site.toml")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        format!("{site}sentence_max_chars = 4\n"),
    )
    .unwrap();
    let o = check(root, &[]);
    assert!(stderr(&o).contains("W2007"), "{}", stderr(&o));
}

#[test]
fn errors_fail_check() {
    let dir = tempfile::tempdir().unwrap();
    small_site(dir.path());
    write(
        dir.path(),
        "content/about.md",
        "+++\ntitle = \"关于\"\n+++\n\n[x](@/nope.md)\n",
    );
    let o = check(dir.path(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "E1201");
    assert_eq!(v["diagnostics"][0]["line"], 5);
}
