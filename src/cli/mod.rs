//! The command line's one definition: every command and option of `fangpian`, with its Chinese
//! help. [`parse`] turns the process arguments into a [`Cli`], printing help, the version and
//! usage errors in Chinese ([`chinese`]); [`command`] is the same definition for the shell
//! completions and the man page ([`generate`]).

mod chinese;
mod generate;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

pub use generate::{completions, man_page};

/// `fangpian` and its commands.
#[derive(Parser)]
#[command(
    name = "fangpian",
    about = "防骗：为老年读者生成反诈宣传网站和可打印海报的静态网站生成器",
    after_help = "查看某个命令的说明：fangpian 命令 --help（例如 fangpian build --help）"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// 完整构建：网页、订阅、站点地图，写入输出目录（成功后才替换旧网站）
    Build(BuildArgs),
    /// 检查所有内容（和 build 一样的校验），不写任何文件；有错误时退出码为 1
    Check {
        /// 站点根目录，默认当前目录
        #[arg(long, value_name = "目录")]
        root: Option<PathBuf>,
        /// 也检查草稿
        #[arg(long)]
        drafts: bool,
        /// 把警告也当作错误
        #[arg(long)]
        strict: bool,
        /// 输出格式：text（给人看）或 json（给程序用）
        #[arg(long, value_name = "格式", default_value = "text", value_parser = ["text", "json"])]
        format: String,
    },
    /// 构建并在本机预览，保存文件后自动更新页面；出错时错误显示在网页上
    Serve(ServeArgs),
    /// 新建内容文件：fangpian new case|tactic|alert|poster|leaflet|page "标题"
    New {
        /// 内容类型：case 典型案例、tactic 诈骗套路、alert 风险提示、poster 海报、leaflet 三折页、page 普通页面
        #[arg(value_name = "类型")]
        kind: String,
        /// 标题（网址会用标题的拼音）；标题里有空格时用英文引号括起来
        #[arg(value_name = "标题")]
        title: String,
        /// 网址和文件名用的英文或拼音（默认用标题的拼音）
        #[arg(long, value_name = "网址名")]
        slug: Option<String>,
        /// 站点根目录，默认当前目录
        #[arg(long, value_name = "目录")]
        root: Option<PathBuf>,
    },
    /// 主题：`fangpian theme copy` 把内置主题整个复制到 themes/default/，方便全面修改
    Theme {
        #[command(subcommand)]
        action: ThemeAction,
    },
    /// 构建并发布到对象存储（site.toml 的 [deploy]）：只上传有变化的文件，删除网站上多余的文件
    Deploy {
        /// 站点根目录，默认当前目录
        #[arg(long, value_name = "目录")]
        root: Option<PathBuf>,
        /// 构建输出目录（发布的就是它），默认 站点根目录/public
        #[arg(long, value_name = "目录")]
        out: Option<PathBuf>,
        /// 只列出要上传和删除的文件，不改动网站上的任何文件
        #[arg(long)]
        dry_run: bool,
        /// 允许删除的文件数超过 [deploy] 的 max_deletes（默认 256）
        #[arg(long)]
        force_delete: bool,
    },
    /// 在一个新文件夹里生成示例站点
    Init {
        /// 要创建的文件夹
        #[arg(value_name = "文件夹")]
        dir: PathBuf,
        /// 文件夹不是空的也写入（同名文件会被覆盖）
        #[arg(long)]
        force: bool,
    },
    /// 输出终端的自动补全脚本（bash 或 zsh），安装包已经装好，一般不用手动运行
    Completions {
        /// 终端类型：bash 或 zsh
        #[arg(value_name = "终端")]
        shell: Shell,
    },
    /// 输出中文 man 手册页（roff 格式），安装包已经装好：man fangpian
    #[command(hide = true)]
    Man,
}

// The options of `build` (the command's help text is on its variant of `Command`).
#[derive(Args)]
pub struct BuildArgs {
    /// 站点根目录（有 site.toml 的目录），默认当前目录
    #[arg(long, value_name = "目录")]
    pub root: Option<PathBuf>,
    /// 输出目录，默认 站点根目录/public
    #[arg(long, value_name = "目录")]
    pub out: Option<PathBuf>,
    /// 覆盖 site.toml 里的 base_url
    #[arg(long, value_name = "网址")]
    pub base_url: Option<String>,
    /// 也构建草稿（draft = true）
    #[arg(long)]
    pub drafts: bool,
    /// 不生成海报和三折页 PDF
    #[arg(long)]
    pub no_print: bool,
    /// 允许写入一个不是 fangpian 生成的非空目录
    #[arg(long)]
    pub force: bool,
    /// 生成离线版：链接都改成相对路径，双击 index.html 就能在没有网络、没有服务器的电脑上浏览（默认输出到 public-offline/）
    #[arg(long)]
    pub offline: bool,
}

// The options of `serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// 站点根目录，默认当前目录
    #[arg(long, value_name = "目录")]
    pub root: Option<PathBuf>,
    /// 端口
    #[arg(long, value_name = "端口", default_value_t = 1111)]
    pub port: u16,
    /// 监听地址；默认 127.0.0.1，只允许本机访问（其他地址会显示警告：同一网络里的人都能看到）
    #[arg(long, value_name = "地址", default_value = "127.0.0.1")]
    pub bind: String,
    /// 也允许用这个名字打开预览（可以写多次）；默认只回应 localhost、127.0.0.1 和监听地址
    #[arg(long = "allow-host", value_name = "名字")]
    pub allow_host: Vec<String>,
    /// 启动后打开浏览器
    #[arg(long)]
    pub open: bool,
    /// 也显示草稿
    #[arg(long)]
    pub drafts: bool,
    /// 输出目录，默认 站点根目录/public
    #[arg(long, value_name = "目录")]
    pub out: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum ThemeAction {
    /// 把内置默认主题的全部文件复制到 站点/themes/default/（已有的文件不覆盖，除非加 --force）
    Copy {
        /// 站点根目录，默认当前目录
        #[arg(long, value_name = "目录")]
        root: Option<PathBuf>,
        /// 覆盖站点里已有的同名主题文件
        #[arg(long)]
        force: bool,
    },
}

/// The shells `fangpian completions` writes scripts for.
#[derive(Clone, Copy, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
}

/// The whole command line, with its Chinese help, usage lines and headings.
pub fn command() -> clap::Command {
    chinese::localize(Cli::command())
}

/// Parse the process's arguments. Help and the version are printed to stdout (exit 0); usage
/// errors are printed in Chinese with a code and a hint (exit 2). Either way `Err` holds the exit
/// code and nothing more is to be done.
pub fn parse(args: impl IntoIterator<Item = impl Into<OsString>>) -> Result<Cli, ExitCode> {
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cmd = command();
    let path = chinese::command_path(&cmd, &args);
    let matches = cmd
        .try_get_matches_from(&args)
        .map_err(|e| chinese::report(e, &path))?;
    if let Some((chinese::HELP, sub)) = matches.subcommand() {
        // `fangpian help new` is `fangpian new --help`.
        let mut shown: Vec<OsString> = vec!["fangpian".into()];
        shown.extend(
            sub.get_many::<String>(chinese::HELP_PATH)
                .into_iter()
                .flatten()
                .map(Into::into),
        );
        shown.push("--help".into());
        let path = chinese::command_path(&command(), &shown);
        let err = command().try_get_matches_from(&shown).err();
        return Err(err.map_or(ExitCode::SUCCESS, |e| chinese::report(e, &path)));
    }
    Cli::from_arg_matches(&matches).map_err(|e| chinese::report(e, &path))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_definition_passes_clap_checks() {
        super::command().debug_assert();
    }
}
