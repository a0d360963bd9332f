//! The `fangpian` command line: parses arguments, runs a command of the library, prints diagnostics
//! in Chinese and sets the exit code (0 success, 1 content or user error, 2 usage error).

use std::process::ExitCode;

// The build allocates many small, short-lived objects (HTML trees, strings) on all threads; mimalloc
// roughly halves the time glibc's allocator spent on them in profiles of the 10,000-page corpus.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use fangpian::build::{self, Options};
use fangpian::cli::{Command, ThemeAction};
use fangpian::diag::{Diagnostic, Failure};

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
    let cli = match fangpian::cli::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
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
            match build::build_keep(&opts).map(|(report, kept)| {
                std::mem::forget(kept);
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
        Command::Completions { shell } => {
            fangpian::cli::completions(shell, &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man => {
            print!("{}", fangpian::cli::man_page());
            ExitCode::SUCCESS
        }
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
