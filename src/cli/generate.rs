//! Files generated from the command-line definition for the package: shell completions (by
//! clap_complete) and the Chinese man page (roff, by the `roff` crate), so neither can drift from
//! the real commands.

use std::io::Write;

use clap::{Arg, Command};
use roff::{Roff, bold, italic, roman};

use super::{Shell, command};

/// Write the completion script for `shell` to `out`.
pub fn completions(shell: Shell, out: &mut dyn Write) {
    let shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
    };
    clap_complete::generate(shell, &mut command(), "fangpian", out);
}

/// The man page `fangpian(1)` in Chinese: every visible command with its options.
pub fn man_page() -> String {
    let mut cmd = command();
    cmd.build();
    let mut page = Roff::new();
    // No date, so the page is the same bytes for the same version (an empty argument is `""`).
    let version = version_of(&cmd);
    page.control(
        "TH",
        ["FANGPIAN", "1", "\"\"", version.as_str(), "fangpian 手册"],
    );
    // Left-aligned: justifying Chinese text stretches the spaces between Latin words.
    page.control("ad", ["l"]);
    page.control("SH", ["名称"]);
    page.text([roman(format!("fangpian - {}", about(&cmd)))]);
    page.control("SH", ["用法"]);
    page.text([
        bold("fangpian"),
        roman(" "),
        italic("命令"),
        roman(" [选项]"),
    ]);
    page.control("SH", ["说明"]);
    page.text([roman(
        "fangpian 把 Markdown 写的内容生成反诈宣传网站（适合老年人阅读）和可打印的海报、三折页 PDF。\
         先用 fangpian init 生成示例站点，改好内容后用 fangpian build 生成网站。",
    )]);
    page.control("SH", ["命令"]);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        command_section(&mut page, sub, "fangpian");
    }
    page.control("SH", ["退出码"]);
    for (code, meaning) in [
        ("0", "成功"),
        ("1", "内容或站点有错误（错误信息里有代码、文件位置和改法）"),
        ("2", "命令行写得不对（例如选项拼错）"),
    ] {
        page.control("TP", []);
        page.text([bold(code)]);
        page.text([roman(meaning)]);
    }
    page.control("SH", ["另见"]);
    page.text([roman(
        "每个命令的说明：fangpian 命令 --help。完整的使用说明见软件源代码里的 README.md。",
    )]);
    page.render()
}

fn about(cmd: &Command) -> String {
    cmd.get_about().map(ToString::to_string).unwrap_or_default()
}

fn version_of(cmd: &Command) -> String {
    format!("fangpian {}", cmd.get_version().unwrap_or_default())
}

/// One command (and the commands under it): its usage, description and options.
fn command_section(page: &mut Roff, cmd: &Command, parent: &str) {
    let path = format!("{parent} {}", cmd.get_name());
    if cmd.has_subcommands() {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            command_section(page, sub, &path);
        }
        return;
    }
    page.control("SS", [path.as_str()]);
    page.text([roman(about(cmd))]);
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        page.control("TP", []);
        page.text([bold(arg_name(arg))]);
        page.text([roman(
            arg.get_help().map(ToString::to_string).unwrap_or_default(),
        )]);
    }
}

/// `--out <目录>`, `-h, --help`, `<标题>`.
fn arg_name(arg: &Arg) -> String {
    let value = arg
        .get_value_names()
        .and_then(|n| n.first())
        .map(|n| format!("<{n}>"));
    if arg.is_positional() {
        return value.unwrap_or_else(|| arg.get_id().to_string());
    }
    let mut name = String::new();
    if let Some(s) = arg.get_short() {
        name.push_str(&format!("-{s}, "));
    }
    if let Some(l) = arg.get_long() {
        name.push_str(&format!("--{l}"));
    }
    if let Some(v) = value.filter(|_| arg.get_action().takes_values()) {
        name.push_str(&format!(" {v}"));
    }
    name
}
