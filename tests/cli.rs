//! The command line as a user meets it (issue #22): help and usage errors in Chinese with codes
//! and suggestions, exit code 2 for usage errors, `--version` naming Typst, shell completions and
//! the man page generated from the real commands.

mod common;

use common::{run, stderr, stdout};

/// Every command path of `fangpian`, as typed.
const COMMANDS: &[&[&str]] = &[
    &[],
    &["build"],
    &["check"],
    &["serve"],
    &["new"],
    &["theme"],
    &["theme", "copy"],
    &["init"],
    &["completions"],
];

/// clap's English frame: none of it may reach a user.
const ENGLISH: &[&str] = &[
    "Usage",
    "Commands",
    "Options",
    "Arguments",
    "Print help",
    "Print version",
    "[OPTIONS]",
    "<COMMAND>",
    "default:",
    "possible values",
    "For more information",
    "error:",
    "tip:",
];

fn assert_chinese_frame(text: &str, what: &str) {
    for word in ENGLISH {
        assert!(!text.contains(word), "{what} contains {word:?}:\n{text}");
    }
    // Value placeholders are Chinese (`<目录>`), not clap's upper-case field names (`<ROOT>`).
    let placeholder = regex::Regex::new(r"<[A-Z_]+>").unwrap();
    assert!(
        !placeholder.is_match(text),
        "{what} has an English placeholder:\n{text}"
    );
}

#[test]
fn help_of_every_command_is_in_chinese() {
    for path in COMMANDS {
        for flag in ["--help", "-h"] {
            let mut args = path.to_vec();
            args.push(flag);
            let out = run(&args);
            let what = format!("fangpian {}", args.join(" "));
            assert!(out.status.success(), "{what}: {}", stderr(&out));
            let help = stdout(&out);
            assert!(help.contains("用法：fangpian"), "{what}:\n{help}");
            assert!(
                help.contains("选项：") && help.contains("显示这份说明"),
                "{what}:\n{help}"
            );
            assert_chinese_frame(&help, &what);
        }
    }
    let top = stdout(&run(&["--help"]));
    assert!(top.contains("命令："), "{top}");
    for name in [
        "build",
        "check",
        "serve",
        "new",
        "theme",
        "init",
        "completions",
    ] {
        assert!(
            top.contains(&format!("  {name} ")),
            "--help does not list {name}:\n{top}"
        );
    }
    let new = stdout(&run(&["new", "--help"]));
    assert!(
        new.contains("参数：") && new.contains("<类型> <标题>"),
        "{new}"
    );
}

#[test]
fn help_command_shows_the_same_help_as_the_flag() {
    let by_command = run(&["help", "theme", "copy"]);
    assert!(by_command.status.success());
    assert_eq!(
        stdout(&by_command),
        stdout(&run(&["theme", "copy", "--help"]))
    );
}

#[test]
fn no_command_shows_help_and_fails_with_2() {
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2));
    let help = stderr(&out);
    assert!(help.contains("用法：fangpian [选项] <命令>"), "{help}");
    assert_chinese_frame(&help, "fangpian");
}

/// Run a usage error: exit code 2, nothing on stdout, a Chinese diagnostic on stderr.
fn usage_error(args: &[&str]) -> String {
    let out = run(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "fangpian {args:?}: {err}");
    assert!(
        stdout(&out).is_empty(),
        "fangpian {args:?} printed to stdout"
    );
    assert_chinese_frame(&err, &format!("fangpian {args:?}"));
    err
}

#[test]
fn unknown_option_names_the_option_and_suggests_the_right_one() {
    let err = usage_error(&["build", "--outt", "x"]);
    assert!(
        err.starts_with("错误[E1100]: fangpian build 没有 --outt 这个选项"),
        "{err}"
    );
    assert!(err.contains("提示：你是不是想用 --out？"), "{err}");
    assert!(err.contains("fangpian build --help"), "{err}");
}

#[test]
fn an_option_before_its_command_names_the_commands_that_have_it() {
    let err = usage_error(&["--no-print"]);
    assert!(
        err.starts_with("错误[E1100]: fangpian 没有 --no-print 这个选项"),
        "{err}"
    );
    assert!(
        err.contains("选项要写在命令后面，例如 fangpian build --no-print。"),
        "{err}"
    );
}

#[test]
fn missing_value_says_which_option_needs_one() {
    let err = usage_error(&["build", "--out"]);
    assert!(
        err.starts_with("错误[E1101]: 选项 --out 后面缺少要填的值"),
        "{err}"
    );
    assert!(err.contains("fangpian build --help"), "{err}");
}

#[test]
fn unknown_command_suggests_the_nearest_one() {
    let err = usage_error(&["biuld"]);
    assert!(
        err.starts_with("错误[E1102]: fangpian 没有 biuld 这个命令"),
        "{err}"
    );
    assert!(err.contains("你是不是想用 fangpian build？"), "{err}");
    let err = usage_error(&["theme", "cpy"]);
    assert!(err.contains("你是不是想用 fangpian theme copy？"), "{err}");
    let err = usage_error(&["zzz"]);
    assert!(
        err.starts_with("错误[E1102]") && !err.contains("你是不是"),
        "{err}"
    );
}

#[test]
fn invalid_and_missing_values_and_arguments_are_explained() {
    let err = usage_error(&["check", "--format", "xml"]);
    assert!(
        err.starts_with("错误[E1103]: --format 不能是“xml”"),
        "{err}"
    );
    assert!(err.contains("text、json"), "{err}");
    let err = usage_error(&["serve", "--port", "八八"]);
    assert!(err.starts_with("错误[E1103]: --port 不能是“八八”"), "{err}");
    let err = usage_error(&["new"]);
    assert!(
        err.starts_with("错误[E1104]: fangpian new 缺少 <类型> <标题>"),
        "{err}"
    );
    // A title with a space typed without quotes.
    let err = usage_error(&["new", "case", "冒充", "客服"]);
    assert!(
        err.starts_with("错误[E1105]: fangpian new 用不到多出来的参数“客服”"),
        "{err}"
    );
    assert!(err.contains("引号"), "{err}");
    let err = usage_error(&["serve", "--port", "99999"]);
    assert!(err.contains("1 到 65535"), "{err}");
    let err = usage_error(&["build", "--drafts=yes"]);
    assert!(
        err.starts_with("错误[E1103]: 选项 --drafts 后面不用写值"),
        "{err}"
    );
    let err = usage_error(&["build", "--root", "a", "--root", "b"]);
    assert!(
        err.starts_with("错误[E1106]: 选项 --root 只能写一次"),
        "{err}"
    );
}

#[test]
fn version_names_the_typst_version_from_cargo_toml() {
    let manifest = std::fs::read_to_string(common::repo_root().join("Cargo.toml")).unwrap();
    let pinned = regex::Regex::new(r#"(?m)^typst = "=([0-9.]+)""#).unwrap();
    let typst = &pinned
        .captures(&manifest)
        .expect("typst pinned in Cargo.toml")[1];
    for flag in ["--version", "-V"] {
        let out = run(&[flag]);
        assert!(out.status.success());
        let line = stdout(&out);
        let expected = format!(
            "fangpian {}（海报排版引擎 Typst {typst}）",
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(line.trim_end(), expected);
    }
}

#[test]
fn completions_for_bash_and_zsh_know_every_command_and_option() {
    for shell in ["bash", "zsh"] {
        let out = run(&["completions", shell]);
        assert!(out.status.success(), "{}", stderr(&out));
        let script = stdout(&out);
        for word in [
            "build",
            "check",
            "serve",
            "new",
            "theme",
            "copy",
            "init",
            "--no-print",
            "--offline",
        ] {
            assert!(script.contains(word), "{shell} completions miss {word}");
        }
    }
    assert!(stdout(&run(&["completions", "zsh"])).starts_with("#compdef fangpian"));
    let bash = stdout(&run(&["completions", "bash"]));
    assert!(bash.contains("complete -F _fangpian"), "{bash}");
    let err = usage_error(&["completions", "fish"]);
    assert!(err.contains("bash、zsh"), "{err}");
}

#[test]
fn man_page_describes_every_command_in_chinese() {
    let out = run(&["man"]);
    assert!(out.status.success());
    let page = stdout(&out);
    assert!(page.contains(".TH FANGPIAN 1"), "{page}");
    for heading in ["名称", "用法", "命令", "退出码"] {
        assert!(
            page.contains(&format!(".SH {heading}")),
            "no {heading}:\n{page}"
        );
    }
    for cmd in [
        "build",
        "check",
        "serve",
        "new",
        "theme copy",
        "init",
        "completions",
    ] {
        assert!(
            page.contains(&format!(".SS \"fangpian {cmd}\"")),
            "no {cmd}:\n{page}"
        );
    }
    assert!(page.contains("\\-\\-no\\-print"), "{page}");
    assert_chinese_frame(&page, "man page");
}

#[test]
fn packaged_completions_and_man_page_match_the_program() {
    // `cargo deb` packs packaging/ as it is; a stale file would describe commands that changed.
    for (args, file) in [
        (&["completions", "bash"][..], "packaging/fangpian.bash"),
        (&["completions", "zsh"][..], "packaging/_fangpian"),
        (&["man"][..], "packaging/fangpian.1"),
    ] {
        let committed = std::fs::read_to_string(common::repo_root().join(file)).unwrap();
        assert!(
            committed == stdout(&run(args)),
            "{file} is out of date: run scripts/packaging-files.sh and commit the result"
        );
    }
}
