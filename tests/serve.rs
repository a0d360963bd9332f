//! `fangpian serve`: edits reach the browser as reload events with the new content; a bad edit shows the
//! Chinese error overlay while the server keeps running, and fixing it clears the overlay. The server
//! serves only its output folder.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use common::*;

struct Server {
    child: Child,
    port: u16,
    events: mpsc::Receiver<String>,
    /// What serve printed: stdout lines, then stderr lines as they come.
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
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
    get_as(port, path, "localhost")
}

/// `GET path` with the given `Host` header.
fn get_as(port: u16, path: &str, host: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
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
    start_with(root, &[])
}

/// Keep appending the lines of `from` to `into`; call `on_line` with each.
fn collect(
    from: impl Read + Send + 'static,
    into: Arc<Mutex<String>>,
    on_line: impl Fn(&str) + Send + 'static,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines().map_while(Result::ok) {
            on_line(&line);
            let mut text = into.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
        }
    });
}

fn start_with(root: &std::path::Path, extra: &[&str]) -> Server {
    let port = free_port();
    let mut child = bin()
        .args([
            "serve",
            "--root",
            root.to_str().unwrap(),
            "--port",
            &port.to_string(),
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (ready_tx, ready_rx) = mpsc::channel();
    let ready_tx = Mutex::new(ready_tx);
    let stdout = Arc::new(Mutex::new(String::new()));
    let stderr = Arc::new(Mutex::new(String::new()));
    collect(child.stdout.take().unwrap(), stdout.clone(), move |line| {
        if line.contains("正在预览") {
            let _ = ready_tx.lock().unwrap().send(());
        }
    });
    collect(child.stderr.take().unwrap(), stderr.clone(), |_| {});
    ready_rx
        .recv_timeout(Duration::from_secs(90))
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
        stdout,
        stderr,
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

/// A site without `static/` at first: the folder created later is watched, its files are served,
/// and a deleted file disappears from the output.
#[test]
fn static_files_appear_and_disappear_with_their_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    small_site(&root);
    let srv = start(&root);
    assert_eq!(get(srv.port, "/a.txt").0, 404);

    std::fs::create_dir(root.join("static")).unwrap();
    std::fs::write(root.join("static/a.txt"), "甲").unwrap();
    assert_eq!(next_event(&srv), "reload");
    // Editors and file managers may send more than one batch; wait until the file is served.
    let served = |path: &str, want: u16| {
        (0..100).any(|_| {
            let ok = get(srv.port, path).0 == want;
            if !ok {
                std::thread::sleep(Duration::from_millis(100));
            }
            ok
        })
    };
    assert!(
        served("/a.txt", 200),
        "a file in a new static/ folder is served"
    );

    // A second file in the folder created after serve started: it is watched too.
    std::fs::write(root.join("static/b.txt"), "乙").unwrap();
    assert_eq!(next_event(&srv), "reload");
    assert!(served("/b.txt", 200), "the new static/ folder is watched");
    assert_eq!(get(srv.port, "/b.txt").1, "乙");

    std::fs::remove_file(root.join("static/a.txt")).unwrap();
    assert_eq!(next_event(&srv), "reload");
    assert!(
        served("/a.txt", 404),
        "a deleted static file leaves the output"
    );
    assert!(!root.join("public/a.txt").exists());
    assert!(root.join("public/b.txt").exists());
}

/// An edited page is replaced by a rename (a new file), never rewritten in place, and readable as
/// a full build would leave it.
#[test]
fn edited_pages_are_replaced_atomically() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    small_site(&root);
    let srv = start(&root);
    let html = root.join("public/tactics/baojianpin/index.html");
    let before = std::fs::metadata(&html).unwrap();
    let page = root.join("content/tactics/baojianpin.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replace("保健品不是药。", "保健品不是药，原子替换。"),
    )
    .unwrap();
    assert_eq!(next_event(&srv), "reload");
    assert!(get(srv.port, "/tactics/baojianpin/").1.contains("原子替换"));
    let after = std::fs::metadata(&html).unwrap();
    assert_ne!(before.ino(), after.ino(), "the page was rewritten in place");
    assert_eq!(
        before.mode(),
        after.mode(),
        "same permissions as a full build"
    );
    let leftovers: Vec<_> = walkdir::WalkDir::new(root.join("public"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

/// DNS rebinding: a request naming another host is refused, pages and the event stream alike.
#[test]
fn requests_for_other_hosts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    small_site(&root);
    let srv = start_with(&root, &["--allow-host", "mypc.local"]);
    let p = srv.port;
    for host in [
        format!("localhost:{p}"),
        format!("127.0.0.1:{p}"),
        format!("[::1]:{p}"),
        format!("mypc.local:{p}"),
    ] {
        assert_eq!(get_as(p, "/", &host).0, 200, "{host}");
    }
    for host in [
        format!("evil.example:{p}"),
        format!("192.168.1.5:{p}"),
        String::new(),
    ] {
        for path in ["/", "/about/", "/__fangpian/events", "/__fangpian/live.js"] {
            let (status, body) = get_as(p, path, &host);
            assert_eq!(status, 403, "{host} {path}");
            assert!(
                !body.contains("关于本站"),
                "{host} {path}: page content leaked"
            );
        }
    }
    assert!(srv.stdout.lock().unwrap().contains("只在本机可见"));
    assert!(!srv.stderr.lock().unwrap().contains("W2010"));
}

/// `--bind 0.0.0.0` says who can see the preview, and answers this machine's addresses.
#[test]
fn binding_to_all_interfaces_warns() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    small_site(&root);
    let srv = start_with(&root, &["--bind", "0.0.0.0"]);
    let p = srv.port;
    let out = srv.stdout.lock().unwrap().clone();
    assert!(!out.contains("只在本机可见"), "{out}");
    assert!(out.contains("同一网络里的其他设备也能访问"), "{out}");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !srv.stderr.lock().unwrap().contains("提示") && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let err = srv.stderr.lock().unwrap().clone();
    assert!(
        err.contains("警告[W2010]")
            && err.contains("所有人都能打开这个预览")
            && err.contains("--allow-host"),
        "{err}"
    );
    assert_eq!(get_as(p, "/", &format!("192.168.1.5:{p}")).0, 200);
    assert_eq!(get_as(p, "/", &format!("evil.example:{p}")).0, 403);
}

/// Lists re-rendered incrementally keep what print made at the full build: after an edit to an article
/// that shares a tag with a poster, the tag page still shows the poster's preview; after an edit to the
/// poster itself, its page keeps its PDF download and preview.
#[test]
fn an_edited_poster_keeps_its_downloads_and_previews() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    small_site(&root);
    write(
        &root,
        "content/posters/_index.md",
        "+++\ntitle = \"海报\"\n+++\n",
    );
    write(
        &root,
        "content/posters/rexian.md",
        "+++\ntitle = \"海报：求助电话\"\nheadline = \"求助电话\"\npoints = [\"正在被骗，打 110\"]\nhotlines = [\"police\"]\nsize = \"A4\"\ntags = [\"保健品\"]\n+++\n\n贴在电梯口。\n",
    );
    let srv = start(&root);
    let links = |html: &str| {
        let pdf = html.contains("/posters/rexian.pdf");
        let png = html.contains("/posters/rexian.png");
        (pdf, png)
    };
    let (_, page) = get(srv.port, "/posters/rexian/");
    let (_, list) = get(srv.port, "/posters/");
    assert_eq!(links(&page), (true, true), "full build: {page}");
    assert!(links(&list).1, "the list shows the preview: {list}");
    let tag = "/tags/baojianpin/";
    assert!(
        links(&get(srv.port, tag).1).1,
        "the tag page shows the preview"
    );
    let tactic = root.join("content/tactics/baojianpin.md");
    let text = std::fs::read_to_string(&tactic).unwrap();
    std::fs::write(
        &tactic,
        text.replace("保健品不是药。", "保健品不是药，别买。"),
    )
    .unwrap();
    assert_eq!(next_event(&srv), "reload");
    let (_, tag_page) = get(srv.port, tag);
    assert!(
        tag_page.contains("别买"),
        "the tag page was re-rendered: {tag_page}"
    );
    assert!(
        links(&tag_page).1,
        "the tag page lost the poster's preview: {tag_page}"
    );
    let file = root.join("content/posters/rexian.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("贴在电梯口。", "贴在电梯口和单元门。")).unwrap();
    assert_eq!(next_event(&srv), "reload");
    let (_, page) = get(srv.port, "/posters/rexian/");
    assert!(page.contains("单元门"), "{page}");
    assert_eq!(links(&page), (true, true), "after the edit: {page}");
    let (_, list) = get(srv.port, "/posters/");
    assert!(links(&list).1, "the list still shows the preview: {list}");
}

/// The search index follows an edit: a word added to a page is found, a word removed is not.
#[test]
fn search_index_follows_edits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    small_site(&root);
    let srv = start(&root);
    let out = root.join("public");
    let found = |q: &str| query_with_node(&out, &[q]).remove(0).1;
    assert_eq!(found("品不是药"), ["/tactics/baojianpin/"]);
    assert!(found("鸡兔同笼").is_empty());
    let page = root.join("content/tactics/baojianpin.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replace("保健品不是药。", "鸡兔同笼，不是药。")).unwrap();
    assert_eq!(next_event(&srv), "reload");
    assert_eq!(found("鸡兔同笼"), ["/tactics/baojianpin/"]);
    assert!(found("品不是药").is_empty());
}

#[test]
fn sms_script_csv_and_materials_follow_edits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    small_site(&root);
    let srv = start(&root);
    let out = root.join("public");
    let read = |rel: &str| String::from_utf8(std::fs::read(out.join(rel)).unwrap()).unwrap();
    assert!(read("tactics/baojianpin/guangbo.txt").contains("幺幺零"));
    let page = root.join("content/tactics/baojianpin.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let edited = text.replace(
        "category = \"保健品\"\n",
        "category = \"保健品\"\nsms = \"保健品不是药，别买。\"\njingle = \"买药去药店，看病去医院。\"\n",
    );
    std::fs::write(&page, &edited).unwrap();
    assert_eq!(next_event(&srv), "reload");
    assert!(
        read("materials/sms.csv").contains("保健品不是药，别买。"),
        "CSV current"
    );
    assert!(
        read("tactics/baojianpin/guangbo.txt").contains("买药去药店，看病去医院。"),
        "script current"
    );
    let (_, materials) = get(srv.port, "/materials/");
    assert!(
        materials.contains("保健品不是药，别买。"),
        "materials page current"
    );
    let (_, tactic) = get(srv.port, "/tactics/baojianpin/");
    assert!(tactic.contains("保健品不是药，别买。"), "page current");

    // An overlong SMS: the located error, and the files stay as they were.
    std::fs::write(
        &page,
        edited.replace("保健品不是药，别买。", &"长".repeat(71)),
    )
    .unwrap();
    assert_eq!(next_event(&srv), "build-error");
    let (_, body) = get(srv.port, "/about/");
    assert!(body.contains("E1930"), "overlay names the error");
    assert!(read("materials/sms.csv").contains("保健品不是药，别买。"));
}

/// After an edit, the WeChat version and the share image show the new text: a tactic (whose card
/// changes, so the site is rebuilt, its cards from the cache) and a case (re-rendered on its own).
#[test]
fn channel_versions_follow_edits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    small_site(&root);
    let srv = start(&root);
    let card = root.join("public/tactics/baojianpin/share.png");
    let before = std::fs::read(&card).unwrap();
    let (_, wx) = get(srv.port, "/tactics/baojianpin/wechat.html");
    assert!(wx.contains("免费领鸡蛋") && !wx.contains("class="), "{wx}");
    let tactic = root.join("content/tactics/baojianpin.md");
    let text = std::fs::read_to_string(&tactic).unwrap();
    std::fs::write(&tactic, text.replace("免费领鸡蛋", "免费领大米")).unwrap();
    assert_eq!(next_event(&srv), "reload");
    let (_, wx) = get(srv.port, "/tactics/baojianpin/wechat.html");
    assert!(
        wx.contains("免费领大米") && !wx.contains("免费领鸡蛋"),
        "{wx}"
    );
    assert!(
        std::fs::read(&card).unwrap() != before,
        "the share image was not redone"
    );
    let case = root.join("content/cases/a.md");
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(&case, format!("{text}\n后来钱追回来了。\n")).unwrap();
    assert_eq!(next_event(&srv), "reload");
    let (_, wx) = get(srv.port, "/cases/a/wechat.html");
    assert!(wx.contains("后来钱追回来了"), "{wx}");
}
