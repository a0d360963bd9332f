//! `fangpian serve`: build, serve the output on localhost, watch `content/`, `themes/`, `templates/`,
//! `static/`, `data/` and `site.toml`, rebuild only what a change touches, and tell open pages to
//! reload or to show the build error. A bad edit never stops the server.

mod http;
mod state;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::build::Options;
use crate::diag::{Diagnostic, Failure, codes};
use http::Shared;
pub use http::resolve;
pub use state::{Applied, State};

/// Options of `serve`.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub build: Options,
    pub bind: String,
    pub port: u16,
    pub open: bool,
}

/// How long to wait for more file events after the first one (editors often write several).
const QUIET: Duration = Duration::from_millis(15);
const MAX_WAIT: Duration = Duration::from_millis(300);

fn render_errors(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .filter(|d| d.is_error())
        .map(Diagnostic::render)
        .collect::<Vec<_>>()
        .join("\n")
}

fn report(result: &Result<Applied, Failure>, shared: &Shared) {
    match result {
        Ok(a) => {
            for w in &a.warnings {
                if !a.incremental {
                    eprintln!("{}", w.render());
                }
            }
            println!(
                "{}：{} 个网页，{:.0} 毫秒",
                if a.incremental {
                    "已更新"
                } else {
                    "已重新构建"
                },
                a.pages,
                a.elapsed.as_secs_f64() * 1000.0
            );
            shared.set_error(None);
        }
        Err(Failure(diags)) => {
            let text = render_errors(diags);
            eprintln!("{text}");
            eprintln!("构建失败：网页上会显示错误，改正并保存后自动刷新。");
            shared.set_error(Some(text));
        }
    }
}

/// The paths worth watching that exist.
fn watch_paths(root: &Path) -> Vec<(PathBuf, RecursiveMode)> {
    let mut v = Vec::new();
    for d in ["content", "themes", "templates", "static", "data", "print"] {
        let p = root.join(d);
        if p.is_dir() {
            v.push((p, RecursiveMode::Recursive));
        }
    }
    v.push((root.to_path_buf(), RecursiveMode::NonRecursive)); // site.toml (and folders created later)
    v
}

/// Whether a changed path matters for the site.
fn relevant(root: &Path, out: &Path, path: &Path) -> bool {
    if path.starts_with(out) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut comps = rel.components();
    let Some(first) = comps.next() else {
        return false;
    };
    let first = first.as_os_str().to_string_lossy();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name == "4913"
    {
        return false;
    }
    matches!(
        first.as_ref(),
        "site.toml" | "content" | "themes" | "templates" | "static" | "data" | "print"
    )
}

/// Run the preview server until the process is stopped.
pub fn run(opts: ServeOptions) -> Result<(), Failure> {
    let root = opts.build.root.canonicalize().map_err(|e| {
        Failure::from(Diagnostic::error(
            codes::SITE_MISSING,
            format!("找不到站点目录 {}：{e}", opts.build.root.display()),
        ))
    })?;
    let mut build_opts = opts.build.clone();
    build_opts.root = root.clone();
    build_opts.progress = false;
    let out = build_opts
        .out
        .clone()
        .unwrap_or_else(|| root.join("public"));
    build_opts.out = Some(out.clone());

    let first = State::full(&build_opts);
    let (mut state, first_result) = match first {
        Ok((s, a)) => (Some(s), Ok(a)),
        Err(f) => (None, Err(f)),
    };
    let out = state.as_ref().map_or(out, |s| s.out().to_path_buf());
    let shared = Shared::new(out.clone());
    report(&first_result, &shared);

    // Watch before serving so that no edit is missed.
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(tx).map_err(|e| {
        Failure::from(Diagnostic::error(
            codes::SERVE_WATCH,
            format!("无法监视文件变化：{e}"),
        ))
    })?;
    for (p, mode) in watch_paths(&root) {
        watcher.watch(&p, mode).map_err(|e| {
            Failure::from(Diagnostic::error(
                codes::SERVE_WATCH,
                format!("无法监视 {}：{e}", p.display()),
            ))
        })?;
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            Failure::from(Diagnostic::error(
                codes::SERVE_BIND,
                format!("无法启动预览服务器：{e}"),
            ))
        })?;
    let addr = format!("{}:{}", opts.bind, opts.port);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(&addr))
        .map_err(|e| {
            Failure::from(
                Diagnostic::error(codes::SERVE_BIND, format!("无法在 {addr} 上启动预览：{e}"))
                    .hint("这个端口可能已被占用；换一个端口，例如 fangpian serve --port 1112"),
            )
        })?;
    let local = listener.local_addr().map(|a| a.to_string()).unwrap_or(addr);
    let url = format!("http://{local}/");
    println!("正在预览：{url}（只在本机可见；按 Ctrl+C 停止）");
    if opts.open {
        let _ = open::that(&url);
    }
    let app = http::router(shared.clone());
    runtime.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    // The watcher loop owns the site state; the server only reads files and the shared error.
    let _watcher = watcher;
    while let Ok(first) = rx.recv() {
        let mut changed: Vec<PathBuf> = Vec::new();
        let mut collect = |ev: notify::Result<notify::Event>| {
            if let Ok(ev) = ev
                && !matches!(ev.kind, EventKind::Access(_))
            {
                for p in ev.paths {
                    if relevant(&root, &out, &p) && !changed.contains(&p) {
                        changed.push(p);
                    }
                }
            }
        };
        collect(first);
        let started = Instant::now();
        while let Ok(ev) = rx.recv_timeout(QUIET) {
            collect(ev);
            if started.elapsed() > MAX_WAIT {
                break;
            }
        }
        if changed.is_empty() {
            continue;
        }
        let result = match state.as_mut() {
            Some(s) => s.apply(&changed),
            None => State::full(&build_opts).map(|(s, a)| {
                state = Some(s);
                a
            }),
        };
        report(&result, &shared);
    }
    Ok(())
}
