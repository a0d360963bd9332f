//! The `fangpian` command line: parses arguments, runs a command of the library, prints diagnostics
//! in Chinese and sets the exit code (0 success, 1 content or user error, 2 usage error).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// The build allocates many small, short-lived objects (HTML trees, strings) on all threads; mimalloc
// roughly halves the time glibc's allocator spent on them in profiles of the 10,000-page corpus.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use fangpian::build::{self, Options};
use fangpian::diag::{Diagnostic, Failure};

#[derive(Parser)]
#[command(
    name = "fangpian",
    version,
    about = "防骗：为老年读者生成反诈宣传网站和可打印海报的静态网站生成器"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 完整构建：网页、订阅、站点地图，写入输出目录（成功后才替换旧网站）
    Build {
        /// 站点根目录（有 site.toml 的目录），默认当前目录
        #[arg(long)]
        root: Option<PathBuf>,
        /// 输出目录，默认 站点根目录/public
        #[arg(long)]
        out: Option<PathBuf>,
        /// 覆盖 site.toml 里的 base_url
        #[arg(long)]
        base_url: Option<String>,
        /// 也构建草稿（draft = true）
        #[arg(long)]
        drafts: bool,
        /// 不生成海报和三折页 PDF
        #[arg(long)]
        no_print: bool,
        /// 允许写入一个不是 fangpian 生成的非空目录
        #[arg(long)]
        force: bool,
        /// 生成离线版：链接都改成相对路径，双击 index.html 就能在没有网络、没有服务器的电脑上浏览（默认输出到 public-offline/）
        #[arg(long)]
        offline: bool,
    },
    /// 检查所有内容（和 build 一样的校验），不写任何文件；有错误时退出码为 1
    Check {
        /// 站点根目录，默认当前目录
        #[arg(long)]
        root: Option<PathBuf>,
        /// 也检查草稿
        #[arg(long)]
        drafts: bool,
        /// 把警告也当作错误
        #[arg(long)]
        strict: bool,
        /// 输出格式：text（给人看）或 json（给程序用）
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
    },
    /// 构建并在本机预览，保存文件后自动更新页面；出错时错误显示在网页上
    Serve {
        /// 站点根目录，默认当前目录
        #[arg(long)]
        root: Option<PathBuf>,
        /// 端口
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// 监听地址；默认只允许本机访问（其他地址会显示警告：同一网络里的人都能看到）
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// 也允许用这个名字打开预览（可以写多次）；默认只回应 localhost、127.0.0.1 和监听地址
        #[arg(long = "allow-host", value_name = "名字")]
        allow_host: Vec<String>,
        /// 启动后打开浏览器
        #[arg(long)]
        open: bool,
        /// 也显示草稿
        #[arg(long)]
        drafts: bool,
        /// 输出目录，默认 站点根目录/public
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// 新建内容文件：fangpian new case|tactic|alert|poster|leaflet|page "标题"
    New {
        /// 内容类型：case 典型案例、tactic 诈骗套路、alert 风险提示、poster 海报、leaflet 三折页、page 普通页面
        kind: String,
        /// 标题（网址会用标题的拼音）
        title: String,
        /// 网址和文件名用的英文或拼音（默认用标题的拼音）
        #[arg(long)]
        slug: Option<String>,
        /// 站点根目录，默认当前目录
        #[arg(long)]
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
        #[arg(long)]
        root: Option<PathBuf>,
        /// 构建输出目录（发布的就是它），默认 站点根目录/public
        #[arg(long)]
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
        dir: PathBuf,
        /// 文件夹不是空的也写入（同名文件会被覆盖）
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum ThemeAction {
    /// 把内置默认主题的全部文件复制到 站点/themes/default/（已有的文件不覆盖，除非加 --force）
    Copy {
        /// 站点根目录，默认当前目录
        #[arg(long)]
        root: Option<PathBuf>,
        /// 覆盖站点里已有的同名主题文件
        #[arg(long)]
        force: bool,
    },
}

fn theme_command(action: ThemeAction) -> ExitCode {
    let ThemeAction::Copy { root, force } = action;
    let root = build::root_or_cwd(root.as_deref());
    match fangpian::scaffold::copy_theme(&root, force) {
        Ok(done) => {
            println!(
                "已把内置主题复制到 {}：写入 {} 个文件，保留站点已有的 {} 个文件{}。",
                root.join("themes").join("default").display(),
                done.written.len(),
                done.kept.len(),
                if done.kept.is_empty() {
                    ""
                } else {
                    "（要用内置版本覆盖它们，加 --force）"
                }
            );
            ExitCode::SUCCESS
        }
        Err(d) => {
            print_all(&[d]);
            ExitCode::from(1)
        }
    }
}

fn deploy_command(opts: fangpian::deploy::DeployOptions) -> ExitCode {
    match fangpian::deploy::run(&opts) {
        Ok(summary) => {
            print_all(&summary.build_warnings);
            ExitCode::SUCCESS
        }
        Err(Failure(diags)) => {
            print_all(&diags);
            let (e, _) = count(&diags);
            eprintln!("发布失败：{e} 个错误。");
            ExitCode::from(1)
        }
    }
}

fn print_all(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{}", d.render());
    }
}

fn count(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    (errors, diags.len() - errors)
}

/// Turn off transparent huge pages for this process. mimalloc asks for them on its arena, so
/// the first touch of any byte in a 2 MiB region faults in and zeroes the whole region. A build
/// is short-lived and allocates many small objects spread over the arena: with huge pages the
/// 10,000-page build kept ~23 MiB more resident and spent ~0.3 s more in the kernel zeroing
/// pages (`clear_page_erms` under `do_huge_pmd_anonymous_page` was 14 % of a profile). The
/// flag is checked at every fault, so setting it before the first real work is enough.
fn disable_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integer arguments and only sets a flag on this
    // process's memory map; failure (an old kernel) leaves the default behaviour.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    disable_huge_pages();
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            drafts,
            no_print,
            force,
            offline,
        } => {
            let opts = Options {
                root: build::root_or_cwd(root.as_deref()),
                out,
                base_url,
                drafts,
                no_print,
                force,
                offline,
                progress: true,
            };
            // The process exits right after: its memory goes back to the system at once, so the
            // site model is not freed piece by piece (that took 20-30 ms for 10,000 pages).
            match build::build_keep(&opts).map(|(report, loaded, theme)| {
                std::mem::forget((loaded, theme));
                report
            }) {
                Ok(report) => {
                    print_all(&report.warnings);
                    let print = if no_print {
                        "未生成 PDF（--no-print）".to_string()
                    } else {
                        format!(
                            "{} 份海报和三折页 PDF（新排版 {} 份）",
                            report.posters, report.compiled
                        )
                    };
                    println!(
                        "完成：{} 个网页，{print}，{} 条警告，用时 {:.2} 秒 → {}",
                        report.html_pages,
                        report.warnings.len(),
                        report.elapsed.as_secs_f64(),
                        report.out.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(Failure(diags)) => {
                    print_all(&diags);
                    let (e, w) = count(&diags);
                    eprintln!("构建失败：{e} 个错误，{w} 条警告。已发布的网站没有任何改动。");
                    ExitCode::from(1)
                }
            }
        }
        Command::Check {
            root,
            drafts,
            strict,
            format,
        } => {
            let opts = Options {
                root: build::root_or_cwd(root.as_deref()),
                drafts,
                progress: true,
                ..Options::default()
            };
            let diags = match build::check(&opts) {
                Ok(w) => w,
                Err(Failure(d)) => d,
            };
            let (e, w) = count(&diags);
            let failed = e > 0 || (strict && w > 0);
            if format == "json" {
                let list: Vec<_> = diags.iter().map(Diagnostic::to_json).collect();
                let out = serde_json::json!({ "errors": e, "warnings": w, "ok": !failed, "diagnostics": list });
                println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            } else {
                print_all(&diags);
                if failed {
                    eprintln!("检查未通过：{e} 个错误，{w} 条警告。");
                } else {
                    println!("检查通过：0 个错误，{w} 条警告。");
                }
            }
            if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Serve {
            root,
            port,
            bind,
            allow_host,
            open,
            drafts,
            out,
        } => {
            let opts = fangpian::serve::ServeOptions {
                build: Options {
                    root: build::root_or_cwd(root.as_deref()),
                    out,
                    drafts,
                    ..Options::default()
                },
                bind,
                port,
                open,
                allow_hosts: allow_host,
            };
            match fangpian::serve::run(opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(Failure(diags)) => {
                    print_all(&diags);
                    ExitCode::from(1)
                }
            }
        }
        Command::New {
            kind,
            title,
            slug,
            root,
        } => {
            let root = build::root_or_cwd(root.as_deref());
            let made = build::today().and_then(|today| {
                fangpian::scaffold::new_content(&root, &kind, &title, slug.as_deref(), today)
            });
            match made {
                Ok(path) => {
                    println!(
                        "已新建 {}（先标记为草稿 draft = true，写完后删掉那一行）",
                        path.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    print_all(&[d]);
                    ExitCode::from(1)
                }
            }
        }
        Command::Theme { action } => theme_command(action),
        Command::Deploy {
            root,
            out,
            dry_run,
            force_delete,
        } => deploy_command(fangpian::deploy::DeployOptions {
            build: Options {
                root: build::root_or_cwd(root.as_deref()),
                out,
                progress: true,
                ..Options::default()
            },
            dry_run,
            force_delete,
        }),
        Command::Init { dir, force } => match fangpian::scaffold::init(&dir, force) {
            Ok(files) => {
                println!(
                    "已在 {} 生成示例站点（{} 个文件）。接下来：",
                    dir.display(),
                    files.len()
                );
                println!("  cd {}", dir.display());
                println!("  fangpian build");
                ExitCode::SUCCESS
            }
            Err(d) => {
                print_all(&[d]);
                ExitCode::from(1)
            }
        },
    }
}
