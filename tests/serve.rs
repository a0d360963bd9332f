//! `fangpian serve`: edits reach the browser as reload events with the new content; a bad edit shows the
//! Chinese error overlay while the server keeps running, and fixing it clears the overlay. The server
//! serves only its output folder.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::*;

struct Server {
    child: Child,
    port: u16,
    events: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn start(root: &std::path::Path) -> Server {
    let port = free_port();
    let mut child = bin()
        .args([
            "serve",
            "--root",
            root.to_str().unwrap(),
            "--port",
            &port.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (ready_tx, ready_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("正在预览") {
                let _ = ready_tx.send(());
            }
        }
    });
    ready_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("serve did not start");
    // Subscribe to the event stream.
    let (tx, events) = mpsc::channel();
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET /__fangpian/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(s).lines().map_while(Result::ok) {
            if let Some(ev) = line.strip_prefix("event: ") {
                let _ = tx.send(ev.to_string());
            }
        }
    });
    std::thread::sleep(Duration::from_millis(200));
    Server {
        child,
        port,
        events,
    }
}

fn next_event(s: &Server) -> String {
    s.events
        .recv_timeout(Duration::from_secs(20))
        .expect("no event from serve")
}

#[test]
fn edits_reload_and_errors_show_as_an_overlay() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    small_site(&root);
    let srv = start(&root);
    let (status, body) = get(srv.port, "/tactics/baojianpin/");
    assert_eq!(status, 200);
    assert!(
        body.contains("/__fangpian/live.js"),
        "reload script injected"
    );
    assert!(!body.contains("fangpian-overlay"));

    // A good edit: reload event, new content served.
    let page = root.join("content/tactics/baojianpin.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replace("保健品不是药。", "保健品不是药，改过了。"),
    )
    .unwrap();
    assert_eq!(next_event(&srv), "reload");
    let (_, body) = get(srv.port, "/tactics/baojianpin/");
    assert!(body.contains("改过了"), "new content served");

    // A bad edit: error event, overlay on every page, server still up.
    std::fs::write(
        &page,
        text.replace("保健品不是药。", "见[x](@/tactics/nope.md)。"),
    )
    .unwrap();
    assert_eq!(next_event(&srv), "build-error");
    let (status, body) = get(srv.port, "/about/");
    assert_eq!(status, 200);
    assert!(
        body.contains("fangpian-overlay") && body.contains("E1201"),
        "overlay with the error"
    );
    assert!(
        body.contains("baojianpin.md:11:2"),
        "overlay names file:line: {}",
        &body[body.find("fangpian-overlay").unwrap_or(0)..][..600.min(body.len())]
    );

    // Fixing it clears the overlay.
    std::fs::write(
        &page,
        text.replace("保健品不是药。", "保健品不是药，修好了。"),
    )
    .unwrap();
    assert_eq!(next_event(&srv), "reload");
    let (_, body) = get(srv.port, "/tactics/baojianpin/");
    assert!(body.contains("修好了") && !body.contains("fangpian-overlay"));

    // Structural changes: a new page appears, a deleted one disappears.
    write(
        &root,
        "content/tactics/xin.md",
        "+++\ntitle = \"新文章\"\n+++\n\n新的。\n",
    );
    assert_eq!(next_event(&srv), "reload");
    assert_eq!(get(srv.port, "/tactics/xin/").0, 200);
    std::fs::remove_file(root.join("content/tactics/xin.md")).unwrap();
    assert_eq!(next_event(&srv), "reload");
    assert_eq!(get(srv.port, "/tactics/xin/").0, 404);

    // A template edit re-renders what depends on it.
    write(
        &root,
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>自定义的 404</h1>{% endblock content %}",
    );
    assert_eq!(next_event(&srv), "reload");
    let (status, body) = get(srv.port, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("自定义的 404"));
}

#[test]
fn serves_only_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    small_site(&root);
    let srv = start(&root);
    for path in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/..%2fsite.toml",
        "/%2e%2e%5csite.toml",
        "/.fangpian-build",
        "/..\\site.toml",
    ] {
        let (status, body) = get(srv.port, path);
        assert_eq!(status, 404, "{path}");
        assert!(
            !body.contains("测试站点\"\nbase_url"),
            "{path} leaked site.toml"
        );
    }
    assert_eq!(get(srv.port, "/fangpian.css").0, 200);
}
