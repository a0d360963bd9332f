//! The preview HTTP server of `serve` (axum on tokio): serves only the output folder (no path
//! traversal, no hidden files), with correct content types; injects the live-reload script into HTML
//! and, while the last build failed, a Chinese error overlay; streams reload and error events (SSE).

use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
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

/// What the server shares with the watcher.
pub struct Shared {
    pub out: PathBuf,
    /// The last build's errors, shown on every page until a build succeeds.
    pub error: Mutex<Option<String>>,
    pub events: broadcast::Sender<Message>,
}

impl Shared {
    pub fn new(out: PathBuf) -> Arc<Shared> {
        let (events, _) = broadcast::channel(64);
        Arc::new(Shared {
            out,
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
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let text = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            mime.subtype().as_str(),
            "javascript" | "json" | "xml" | "svg"
        )
        || mime.essence_str() == "image/svg+xml";
    let value = if text && mime.get_param("charset").is_none() {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    };
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

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .route(SCRIPT_PATH, get(live_js))
        .fallback(get(file))
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
