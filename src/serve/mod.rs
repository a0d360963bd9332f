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
pub use http::resolve;
use http::{Hosts, Shared};
pub use state::{Applied, State};

/// Options of `serve`.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub build: Options,
    pub bind: String,
    pub port: u16,
    pub open: bool,
    /// Host names (besides localhost and the bound address) that requests may use (`--allow-host`).
    pub allow_hosts: Vec<String>,
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

/// The folders of the site root that `serve` watches (with `site.toml`).
pub(crate) const WATCHED: [&str; 6] = ["content", "themes", "templates", "static", "data", "print"];

/// The watches on the site: the root itself (for `site.toml` and folders created later) and each of
/// the [`WATCHED`] folders that exists, added when it appears and again when it is re-created.
struct Watches {
    watcher: notify::RecommendedWatcher,
    root: PathBuf,
    /// The folders watched now.
    folders: Vec<PathBuf>,
}

impl Watches {
    fn new(watcher: notify::RecommendedWatcher, root: &Path) -> Result<Watches, Failure> {
        let mut w = Watches {
            watcher,
            root: root.to_path_buf(),
            folders: Vec::new(),
        };
        w.add(root, RecursiveMode::NonRecursive)?;
        w.refresh()?;
        Ok(w)
    }

    fn add(&mut self, path: &Path, mode: RecursiveMode) -> Result<(), Failure> {
        self.watcher.watch(path, mode).map_err(|e| {
            Failure::from(
                Diagnostic::error(codes::SERVE_WATCH, format!("无法监视 {}：{e}", path.display()))
                    .hint("系统允许监视的文件夹数可能用完了；关掉别的预览或编辑器后重新运行 fangpian serve"),
            )
        })
    }

    /// Watch the folders that appeared since the last call; forget those that disappeared (the
    /// system dropped their watches), so that a re-created folder is watched again.
    fn refresh(&mut self) -> Result<(), Failure> {
        self.folders.retain(|f| f.is_dir());
        for d in WATCHED {
            let p = self.root.join(d);
            if p.is_dir() && !self.folders.contains(&p) {
                self.add(&p, RecursiveMode::Recursive)?;
                self.folders.push(p);
            }
        }
        Ok(())
    }
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
    first == "site.toml" || WATCHED.contains(&first.as_ref())
}

/// Print where the preview is and who can see it; a non-loopback address gets a warning. Returns the
/// address to open on this machine.
fn announce(local: std::net::SocketAddr) -> String {
    let ip = local.ip();
    let here = if ip.is_unspecified() {
        std::net::SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), local.port())
    } else {
        local
    };
    let url = format!("http://{here}/");
    if ip.is_loopback() {
        println!("正在预览：{url}（只在本机可见；按 Ctrl+C 停止）");
        return url;
    }
    let w = Diagnostic::warning(
        codes::SERVE_VISIBLE,
        format!(
            "预览服务器监听在 {local}，同一网络（同一个 Wi-Fi 或局域网）里的所有人都能打开这个预览，包括出错时网页上显示的错误信息和文件路径"
        ),
    )
    .hint("只在要用手机或别的电脑预览时这样做，用完按 Ctrl+C 停止；只在本机预览时去掉 --bind（默认 127.0.0.1）。用名字而不是 IP 地址打开时，启动时加 --allow-host 名字");
    eprintln!("{}", w.render());
    println!(
        "正在预览：{url}（同一网络里的其他设备也能访问：用这台电脑的 IP 地址和端口 {}；按 Ctrl+C 停止）",
        local.port()
    );
    url
}

/// Run the preview server until the process is stopped.
/// The runtime of the preview server and its socket bound to `addr`, with the address it got.
fn listen(
    addr: &str,
) -> Result<
    (
        tokio::runtime::Runtime,
        tokio::net::TcpListener,
        std::net::SocketAddr,
    ),
    Failure,
> {
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
    let bind_error = |e: std::io::Error| {
        Failure::from(
            Diagnostic::error(codes::SERVE_BIND, format!("无法在 {addr} 上启动预览：{e}"))
                .hint("这个端口可能已被占用；换一个端口，例如 fangpian serve --port 1112"),
        )
    };
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(addr))
        .map_err(bind_error)?;
    let local = listener.local_addr().map_err(bind_error)?;
    Ok((runtime, listener, local))
}

/// The next batch of changed paths that matter (waiting for a quiet moment, at most [`MAX_WAIT`]);
/// `None` when the watcher has stopped.
fn next_changes(
    rx: &mpsc::Receiver<notify::Result<notify::Event>>,
    root: &Path,
    out: &Path,
) -> Option<Vec<PathBuf>> {
    let first = rx.recv().ok()?;
    let mut changed: Vec<PathBuf> = Vec::new();
    let mut collect = |ev: notify::Result<notify::Event>| {
        if let Ok(ev) = ev
            && !matches!(ev.kind, EventKind::Access(_))
        {
            for p in ev.paths {
                if relevant(root, out, &p) && !changed.contains(&p) {
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
    Some(changed)
}

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

    // Watch before serving so that no edit is missed.
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let watcher = notify::recommended_watcher(tx).map_err(|e| {
        Failure::from(Diagnostic::error(
            codes::SERVE_WATCH,
            format!("无法监视文件变化：{e}"),
        ))
    })?;
    let mut watches = Watches::new(watcher, &root)?;

    let addr = format!("{}:{}", opts.bind, opts.port);
    let (runtime, listener, local) = listen(&addr)?;
    let shared = Shared::new(out.clone(), Hosts::new(local.ip(), &opts.allow_hosts));
    report(&first_result, &shared);
    let url = announce(local);
    if opts.open {
        let _ = open::that(&url);
    }
    let app = http::router(shared.clone());
    runtime.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    // The watcher loop owns the site state; the server only reads files and the shared error.
    while let Some(changed) = next_changes(&rx, &root, &out) {
        if changed.is_empty() {
            continue;
        }
        // Before rebuilding, so that files written into a new folder after this are seen.
        if let Err(Failure(diags)) = watches.refresh() {
            eprintln!("{}", render_errors(&diags));
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
