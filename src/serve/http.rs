//! The preview HTTP server of `serve` (axum on tokio): answers only requests addressed to it by an
//! allowed `Host` (no DNS rebinding), serves only the output folder (no path traversal, no hidden
//! files), with correct content types; injects the live-reload script into HTML and, while the last
//! build failed, a Chinese error overlay; streams reload and error events (SSE).

use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

/// A message to the open browser pages.
#[derive(Clone, Debug)]
pub enum Message {
    Reload,
    /// The failed build's diagnostics, as plain text.
    Error(String),
}

/// The `Host` headers the server answers. A web page elsewhere can point a name it controls at
/// 127.0.0.1 (DNS rebinding) and then read the preview and its error overlay; its requests carry that
/// name, so they are refused. IP addresses cannot be rebound.
#[derive(Debug)]
pub struct Hosts {
    /// Lowercase host names and addresses, without port (`localhost`, `127.0.0.1`, `[::1]`).
    names: Vec<String>,
    /// Bound to every interface (0.0.0.0 or ::): any address of this machine is the bound address.
    any_address: bool,
}

impl Hosts {
    /// The loopback names, the bound address and the names given with `--allow-host`.
    pub fn new(bound: IpAddr, allowed: &[String]) -> Hosts {
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
            .into_iter()
            .map(String::from)
            .collect();
        names.push(match bound {
            IpAddr::V4(a) => a.to_string(),
            IpAddr::V6(a) => format!("[{a}]"),
        });
        names.extend(allowed.iter().filter_map(|h| host_name(h)));
        Hosts {
            names,
            any_address: bound.is_unspecified(),
        }
    }

    /// Whether a request with this `Host` header is answered (the port is not checked: a name on
    /// the list is safe on any port).
    pub fn allows(&self, host: &str) -> bool {
        let Some(name) = host_name(host) else {
            return false;
        };
        let is_ip = name.parse::<std::net::Ipv4Addr>().is_ok()
            || name
                .strip_prefix('[')
                .and_then(|n| n.strip_suffix(']'))
                .is_some_and(|n| n.parse::<Ipv6Addr>().is_ok());
        (self.any_address && is_ip) || self.names.contains(&name)
    }
}

/// The name in `NAME[:PORT]`, lowercase (IPv6 addresses keep their brackets, a final `.` is
/// dropped); `None` when it is not of that form.
fn host_name(host: &str) -> Option<String> {
    let host = host.trim();
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => {
            let (addr, after) = rest.split_once(']')?;
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':')?),
            };
            (format!("[{addr}]"), port)
        }
        None => match host.split_once(':') {
            Some((n, p)) => (n.to_string(), Some(p)),
            None => (host.to_string(), None),
        },
    };
    if let Some(p) = port {
        p.parse::<u16>().ok()?;
    }
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    (!name.is_empty()).then_some(name)
}

/// What the server shares with the watcher.
pub struct Shared {
    pub out: PathBuf,
    pub hosts: Hosts,
    /// The last build's errors, shown on every page until a build succeeds.
    pub error: Mutex<Option<String>>,
    pub events: broadcast::Sender<Message>,
}

impl Shared {
    pub fn new(out: PathBuf, hosts: Hosts) -> Arc<Shared> {
        let (events, _) = broadcast::channel(64);
        Arc::new(Shared {
            out,
            hosts,
            error: Mutex::new(None),
            events,
        })
    }

    pub fn set_error(&self, error: Option<String>) {
        if let Ok(mut e) = self.error.lock() {
            *e = error.clone();
        }
        let _ = self.events.send(match error {
            Some(text) => Message::Error(text),
            None => Message::Reload,
        });
    }
}

pub const EVENTS_PATH: &str = "/__fangpian/events";
const SCRIPT_PATH: &str = "/__fangpian/live.js";

const LIVE_JS: &str = r#"(function () {
  "use strict";
  var es = new EventSource("/__fangpian/events");
  function overlay(text) {
    var o = document.getElementById("fangpian-overlay");
    if (!o) {
      o = document.createElement("div");
      o.id = "fangpian-overlay";
      o.setAttribute("role", "alert");
      document.body.insertBefore(o, document.body.firstChild);
    }
    o.setAttribute("style", "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:#fff;color:#111;border:8px solid #8a1010;padding:1rem;font:18px/1.6 monospace");
    o.innerHTML = "";
    var h = document.createElement("h2");
    h.textContent = "构建出错（改正后会自动刷新）";
    var pre = document.createElement("pre");
    pre.style.whiteSpace = "pre-wrap";
    pre.textContent = text;
    o.appendChild(h);
    o.appendChild(pre);
  }
  es.addEventListener("reload", function () { location.reload(); });
  es.addEventListener("build-error", function (e) { overlay(e.data); });
})();
"#;

/// The overlay markup inserted server-side, so that it shows even before the script runs.
fn overlay_html(text: &str) -> String {
    format!(
        "<div id=\"fangpian-overlay\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;background:#fff;color:#111;border:8px solid #8a1010;padding:1rem;font:18px/1.6 monospace\"><h2>构建出错（改正后会自动刷新）</h2><pre style=\"white-space:pre-wrap\">{}</pre></div>",
        tera::escape_html(text)
    )
}

/// Map a request path to a file inside `out`, or `None` for anything that could leave it.
pub fn resolve(out: &Path, uri_path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(uri_path)
        .decode_utf8()
        .ok()?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut path = out.to_path_buf();
    for seg in decoded.split('/').filter(|s| !s.is_empty()) {
        if seg.starts_with('.')
            || Path::new(seg)
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
        {
            return None;
        }
        path.push(seg);
    }
    if path.is_dir() {
        path.push("index.html");
    }
    let canonical = path.canonicalize().ok()?;
    let root = out.canonicalize().ok()?;
    if !canonical.starts_with(&root) || !canonical.is_file() {
        return None;
    }
    Some(canonical)
}

fn content_type(path: &Path) -> HeaderValue {
    let value = crate::deploy::plan::content_type(&path.to_string_lossy());
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

fn inject(html: Vec<u8>, error: Option<&str>) -> Vec<u8> {
    let mut text = String::from_utf8_lossy(&html).into_owned();
    let script = format!("<script src=\"{SCRIPT_PATH}\"></script>");
    match text.rfind("</body>") {
        Some(i) => text.insert_str(i, &script),
        None => text.push_str(&script),
    }
    if let Some(err) = error {
        let overlay = overlay_html(err);
        match text
            .find("<body")
            .and_then(|i| text[i..].find('>').map(|j| i + j + 1))
        {
            Some(i) => text.insert_str(i, &overlay),
            None => text.insert_str(0, &overlay),
        }
    }
    text.into_bytes()
}

async fn file(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let error = shared.error.lock().ok().and_then(|e| e.clone());
    let (status, path) = match resolve(&shared.out, uri.path()) {
        Some(p) => (StatusCode::OK, Some(p)),
        None => (StatusCode::NOT_FOUND, resolve(&shared.out, "/404.html")),
    };
    let Some(path) = path else {
        let body = inject("<!doctype html><html lang=zh-CN><head><meta charset=utf-8><title>404</title></head><body><h1>找不到这个页面</h1></body></html>".as_bytes().to_vec(), error.as_deref());
        return (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            body,
        )
            .into_response();
    };
    let bytes = match tokio::fs::read(&path).await {
        Ok(b) => b,
        Err(_) => return StatusCode::NOT_FOUND.into_response(),
    };
    let ctype = content_type(&path);
    let body = if ctype.to_str().is_ok_and(|c| c.starts_with("text/html")) {
        inject(bytes, error.as_deref())
    } else {
        bytes
    };
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::CONTENT_TYPE, ctype);
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    let rx = shared.events.subscribe();
    let stream = BroadcastStream::new(rx).filter_map(|m| match m {
        Ok(Message::Reload) => Some(Ok(Event::default().event("reload").data("reload"))),
        Ok(Message::Error(text)) => Some(Ok(Event::default().event("build-error").data(text))),
        Err(_) => None,
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn live_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        LIVE_JS,
    )
}

/// Refuse (403) a request whose `Host` is not allowed, before it reaches any page or event stream.
async fn check_host(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if shared.hosts.allows(host) {
        return next.run(req).await;
    }
    let body = format!(
        "<!doctype html><html lang=zh-CN><head><meta charset=utf-8><title>403</title></head><body><h1>拒绝访问</h1><p>这个预览服务器只回应用 localhost、127.0.0.1 或启动时允许的名字打开的网页，不回应「{}」。</p><p>要用这个名字打开，启动时加 <code>--allow-host 名字</code>。</p></body></html>",
        tera::escape_html(host)
    );
    (
        StatusCode::FORBIDDEN,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .route(SCRIPT_PATH, get(live_js))
        .fallback(get(file))
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            check_host,
        ))
        .with_state(shared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "x").unwrap();
        std::fs::write(dir.path().join(".fangpian-build"), "x").unwrap();
        let out = dir.path();
        assert!(resolve(out, "/").is_some());
        assert!(resolve(out, "/index.html").is_some());
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/..%2fetc/passwd",
            "/a\\..\\..\\etc",
            "/%5c..%5cetc",
            "/.fangpian-build",
            "/%00",
        ] {
            assert!(resolve(out, bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn only_allowed_hosts_are_answered() {
        let local = Hosts::new("127.0.0.1".parse().unwrap(), &[]);
        for ok in [
            "localhost:1111",
            "LOCALHOST",
            "127.0.0.1:1111",
            "[::1]:1111",
            "localhost.",
        ] {
            assert!(local.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example:1111",
            "localhost.evil.example",
            "192.168.1.5:1111",
            "",
            "localhost:x",
            "[::1",
        ] {
            assert!(!local.allows(bad), "{bad}");
        }
        let lan = Hosts::new("0.0.0.0".parse().unwrap(), &["MyPC.local:1111".into()]);
        for ok in [
            "192.168.1.5:1111",
            "[fe80::1]:1111",
            "mypc.local:1111",
            "0.0.0.0:1111",
        ] {
            assert!(lan.allows(ok), "{ok}");
        }
        assert!(!lan.allows("evil.example:1111"));
        let one = Hosts::new("192.168.1.5".parse().unwrap(), &[]);
        assert!(one.allows("192.168.1.5:1111") && !one.allows("10.0.0.1:1111"));
    }

    #[test]
    fn content_types() {
        for (file, want) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.css", "text/css; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.pdf", "application/pdf"),
            ("a.png", "image/png"),
            ("a.svg", "image/svg+xml; charset=utf-8"),
            ("a.xml", "text/xml; charset=utf-8"),
        ] {
            assert_eq!(content_type(Path::new(file)), want, "{file}");
        }
    }
}
