//! clap's frame in Chinese: the help layout, usage lines, section headings, the help and version
//! flags, a `help` command, and clap's usage errors turned into [`Diagnostic`]s with codes E1100–E1107
//! (printed like content errors, exit code 2).

use std::ffi::OsString;
use std::process::ExitCode;

use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

use crate::diag::{Diagnostic, codes};

/// Name of the `help` command and of its argument (the command path to show help for).
pub(super) const HELP: &str = "help";
pub(super) const HELP_PATH: &str = "command";

const OPTIONS: &str = "选项";
const COMMANDS: &str = "命令";

/// The version line's text after the program name: ours and the print engine's.
fn version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| {
        format!(
            "{}（海报排版引擎 Typst {}）",
            env!("CARGO_PKG_VERSION"),
            crate::print::TYPST_VERSION
        )
    })
}

/// Apply the Chinese frame to `fangpian` and, recursively, to every command under it.
pub(super) fn localize(root: Command) -> Command {
    let root = root
        .version(version())
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .subcommand(
            Command::new(HELP)
                .about("显示帮助：fangpian help 命令 和 fangpian 命令 --help 一样")
                .arg(
                    Arg::new(HELP_PATH)
                        .value_name(COMMANDS)
                        .num_args(0..)
                        .help("要看说明的命令，例如 build 或 theme copy"),
                ),
        )
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本（也显示海报排版引擎 Typst 的版本）"),
        );
    localize_tree(root, "fangpian")
}

fn localize_tree(cmd: Command, path: &str) -> Command {
    let usage = usage_line(&cmd, path);
    let template = help_template(&cmd);
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let mut cmd = cmd
        .help_template(template)
        .override_usage(usage)
        .subcommand_value_name(COMMANDS)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示这份说明"),
        )
        .mut_args(localize_arg);
    for name in names {
        let sub_path = format!("{path} {name}");
        cmd = cmd.mut_subcommand(&name, |s| localize_tree(s, &sub_path));
    }
    cmd
}

/// The help layout with Chinese headings and a full-width colon (clap's `{all-args}` writes its
/// headings with `:`), listing only the sections the command has.
fn help_template(cmd: &Command) -> String {
    let mut template = String::from("{about-with-newline}\n用法：{usage}\n\n");
    if cmd.get_positionals().next().is_some() {
        template.push_str("参数：\n{positionals}\n\n");
    }
    if cmd.has_subcommands() {
        template.push_str("命令：\n{subcommands}\n\n");
    }
    template.push_str("选项：\n{options}{after-help}");
    template
}

/// Write an argument's default into its help in Chinese instead of clap's `[default: …]` and
/// `[possible values: …]`.
fn localize_arg(arg: Arg) -> Arg {
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    let mut help = arg.get_help().map(StyledStr::to_string).unwrap_or_default();
    if !arg.get_action().takes_values() {
        return arg;
    }
    if !defaults.is_empty() && !defaults.iter().all(|d| help.contains(d.as_str())) {
        help.push_str(&format!("（默认 {}）", defaults.join(" ")));
    }
    arg.help(help)
        .hide_default_value(true)
        .hide_possible_values(true)
}

/// `fangpian build [选项]`, `fangpian new [选项] <类型> <标题>`: clap writes `[OPTIONS]`.
fn usage_line(cmd: &Command, path: &str) -> String {
    let mut usage = format!("{path} [{OPTIONS}]");
    for arg in cmd.get_positionals() {
        let name = arg
            .get_value_names()
            .and_then(|n| n.first())
            .map_or_else(|| arg.get_id().to_string(), ToString::to_string);
        let many = if matches!(arg.get_num_args(), Some(r) if r.max_values() > 1) {
            "…"
        } else {
            ""
        };
        if arg.is_required_set() {
            usage.push_str(&format!(" <{name}>{many}"));
        } else {
            usage.push_str(&format!(" [{name}]{many}"));
        }
    }
    if cmd.has_subcommands() {
        usage.push_str(&format!(" <{COMMANDS}>"));
    }
    usage
}

/// The command the arguments name (`fangpian theme copy`). Usage errors name it in their message
/// and hint; clap does not say which command it was in.
pub(super) fn command_path(root: &Command, args: &[OsString]) -> String {
    let mut cmd = root;
    let mut path = String::from("fangpian");
    for arg in args.iter().skip(1).filter_map(|a| a.to_str()) {
        if arg.starts_with('-') {
            continue;
        }
        match cmd.find_subcommand(arg) {
            Some(sub) => {
                path.push(' ');
                path.push_str(arg);
                cmd = sub;
            }
            None => break,
        }
    }
    path
}

/// Print what clap stopped at and return the exit code: help and version to stdout (0), a usage
/// error (in the command `path`, see [`command_path`]) as a Chinese diagnostic to stderr (2).
pub(super) fn report(err: clap::Error, path: &str) -> ExitCode {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            ExitCode::from(2)
        }
        _ => {
            eprint!("{}", usage_error(&err, path).render());
            ExitCode::from(2)
        }
    }
}

fn text(err: &clap::Error, kind: ContextKind) -> Option<String> {
    err.get(kind).map(ToString::to_string)
}

fn list(err: &clap::Error, kind: ContextKind) -> Vec<String> {
    match err.get(kind) {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(v)) => vec![v.clone()],
        Some(ContextValue::StyledStrs(v)) => v.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    }
}

/// A clap usage error as a diagnostic in the content errors' style: code, message, hint.
fn usage_error(err: &clap::Error, path: &str) -> Diagnostic {
    let see = format!("{path} --help");
    // clap names an option with its value (`--out <目录>`); the message names the option only.
    let arg = text(err, ContextKind::InvalidArg)
        .and_then(|a| a.split_whitespace().next().map(str::to_string))
        .unwrap_or_default();
    let value = text(err, ContextKind::InvalidValue).unwrap_or_default();
    match err.kind() {
        ErrorKind::UnknownArgument if arg.starts_with('-') => unknown_option(err, path, &arg),
        ErrorKind::InvalidSubcommand => unknown_command(err, path, &value_or(err, &arg)),
        ErrorKind::UnknownArgument if command_at(path).has_subcommands() => {
            unknown_command(err, path, &arg)
        }
        ErrorKind::UnknownArgument => Diagnostic::error(
            codes::CLI_EXTRA_ARGUMENT,
            format!("{path} 用不到多出来的参数“{arg}”"),
        )
        .hint(format!(
            "参数里有空格时，用英文引号把它整个括起来，例如 fangpian new case \"冒充 客服 退款\"；用法见 {see}"
        )),
        ErrorKind::InvalidValue | ErrorKind::NoEquals if value.is_empty() => Diagnostic::error(
            codes::CLI_MISSING_VALUE,
            format!("选项 {arg} 后面缺少要填的值"),
        )
        .hint(format!("在 {arg} 后面空一格写上值；说明见 {see}")),
        ErrorKind::TooManyValues => Diagnostic::error(
            codes::CLI_INVALID_VALUE,
            format!("选项 {arg} 后面不用写值（写了“{value}”）"),
        )
        .hint(format!("只写 {arg} 就行；说明见 {see}")),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let valid = list(err, ContextKind::ValidValue);
            let full = text(err, ContextKind::InvalidArg).unwrap_or_default();
            let choose = if !valid.is_empty() {
                format!("可以写：{}；说明见 {see}", valid.join("、"))
            } else if full.contains("<端口>") {
                format!("端口要写 1 到 65535 之间的整数，例如 {arg} 8080")
            } else {
                format!("说明见 {see}")
            };
            Diagnostic::error(
                codes::CLI_INVALID_VALUE,
                format!("{arg} 不能是“{value}”"),
            )
            .hint(choose)
        }
        ErrorKind::MissingRequiredArgument | ErrorKind::MissingSubcommand => Diagnostic::error(
            codes::CLI_MISSING_ARGUMENT,
            format!("{path} 缺少 {}", list(err, ContextKind::InvalidArg).join(" ")),
        )
        .hint(format!("用法：{}；说明见 {see}", usage_of(err, path))),
        ErrorKind::ArgumentConflict => Diagnostic::error(
            codes::CLI_REPEATED,
            format!("选项 {arg} 只能写一次"),
        )
        .hint(format!("删掉多写的一个；说明见 {see}")),
        ErrorKind::InvalidUtf8 => Diagnostic::error(
            codes::CLI_OTHER,
            "命令行里有不是 UTF-8 编码的字符",
        )
        .hint("把终端的编码设成 UTF-8（例如 export LANG=zh_CN.UTF-8）后再运行"),
        _ => Diagnostic::error(codes::CLI_OTHER, format!("{path} 的参数写得不对"))
            .hint(format!("用法：{}；说明见 {see}", usage_of(err, path))),
    }
}

/// An option this command does not have: clap's nearest spelling, or else the commands under it
/// that have the option (`fangpian --no-print` is meant as `fangpian build --no-print`).
fn unknown_option(err: &clap::Error, path: &str, arg: &str) -> Diagnostic {
    let see = format!("{path} --help");
    let guess = match text(err, ContextKind::SuggestedArg) {
        Some(s) => format!("你是不是想用 {s}？"),
        None => {
            let long = arg
                .trim_start_matches('-')
                .split('=')
                .next()
                .unwrap_or_default();
            let owners: Vec<String> = command_at(path)
                .get_subcommands()
                .filter(|s| s.get_arguments().any(|a| a.get_long() == Some(long)))
                .map(|s| format!("{path} {} {arg}", s.get_name()))
                .collect();
            if owners.is_empty() {
                String::new()
            } else {
                format!("选项要写在命令后面，例如 {}。", owners.join(" 或 "))
            }
        }
    };
    Diagnostic::error(
        codes::CLI_UNKNOWN_OPTION,
        format!("{path} 没有 {arg} 这个选项"),
    )
    .hint(format!("{guess}全部选项见 {see}"))
}

/// The command named by `path` (`fangpian theme copy`).
fn command_at(path: &str) -> Command {
    let mut cmd = super::command();
    for name in path.split_whitespace().skip(1) {
        match cmd.find_subcommand(name) {
            Some(sub) => cmd = sub.clone(),
            None => break,
        }
    }
    cmd
}

fn value_or(err: &clap::Error, fallback: &str) -> String {
    text(err, ContextKind::InvalidSubcommand).unwrap_or_else(|| fallback.to_string())
}

/// The usage line clap attached, without its English `Usage:` title.
fn usage_of(err: &clap::Error, path: &str) -> String {
    let usage = text(err, ContextKind::Usage).unwrap_or_default();
    match usage.find("fangpian") {
        Some(from) => usage[from..].trim().to_string(),
        None => format!("{path} --help"),
    }
}

fn unknown_command(err: &clap::Error, path: &str, name: &str) -> Diagnostic {
    let guess = list(err, ContextKind::SuggestedSubcommand)
        .first()
        .map(|s| format!("你是不是想用 {path} {s}？"))
        .unwrap_or_default();
    Diagnostic::error(
        codes::CLI_UNKNOWN_COMMAND,
        format!("{path} 没有 {name} 这个命令"),
    )
    .hint(format!("{guess}全部命令见 {path} --help"))
}
