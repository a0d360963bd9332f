//! The bucket, through the `rust-s3` client: credentials from the environment, listing, uploads with
//! Content-Type and Cache-Control, deletions, retries, and the server's answers turned into Chinese
//! diagnostics.

use std::collections::BTreeMap;
use std::time::Duration;

use s3::creds::Credentials;
use s3::error::S3Error;
use s3::{Bucket, Region};

use super::plan::{LocalFile, RemoteObject, cache_control, content_type};
use super::settings::DeployConfig;
use crate::diag::{Diagnostic, codes};

/// The environment variables the access key is read from (the names every S3 tool uses).
pub const KEY_ID_VAR: &str = "AWS_ACCESS_KEY_ID";
pub const SECRET_VAR: &str = "AWS_SECRET_ACCESS_KEY";
/// Attempts per file before a deploy gives up.
pub const ATTEMPTS: u32 = 3;

/// The bucket of `[deploy]`, with credentials from the environment (never from a file, never shown).
pub fn open(cfg: &DeployConfig) -> Result<Box<Bucket>, Diagnostic> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let (Some(id), Some(secret)) = (var(KEY_ID_VAR), var(SECRET_VAR)) else {
        return Err(Diagnostic::error(
            codes::DEPLOY_CREDENTIALS,
            format!("没有设置对象存储的访问密钥（环境变量 {KEY_ID_VAR} 和 {SECRET_VAR}）"),
        )
        .hint(format!(
            "密钥不写进任何文件。发布前在命令行里设置：export {KEY_ID_VAR}=你的AccessKeyId 和 export {SECRET_VAR}=你的AccessKeySecret（在云服务控制台的“访问密钥/AccessKey”里创建）"
        )));
    };
    let session = var("AWS_SESSION_TOKEN");
    let creds = Credentials::new(Some(&id), Some(&secret), None, session.as_deref(), None)
        .map_err(|e| config_error(&e.to_string()))?;
    let region = Region::Custom {
        region: cfg.region.clone(),
        endpoint: cfg.endpoint.clone(),
    };
    let bucket =
        Bucket::new(&cfg.bucket, region, creds).map_err(|e| config_error(&e.to_string()))?;
    let bucket = if cfg.path_style {
        bucket.with_path_style()
    } else {
        bucket
    };
    bucket
        .with_request_timeout(Duration::from_secs(60))
        .map_err(|e| config_error(&e.to_string()))
}

fn config_error(msg: &str) -> Diagnostic {
    Diagnostic::error(codes::DEPLOY_CONFIG, format!("不能连接对象存储：{msg}"))
        .hint("检查 site.toml 的 [deploy] 设置")
}

/// Every object below `prefix`, keyed by the rest of its key.
pub async fn list(
    bucket: &Bucket,
    cfg: &DeployConfig,
) -> Result<BTreeMap<String, RemoteObject>, Diagnostic> {
    let pages = bucket
        .list(cfg.prefix.clone(), None)
        .await
        .map_err(|e| server_error(cfg, "读取网站上已有的文件", None, &e))?;
    let mut out = BTreeMap::new();
    for obj in pages.into_iter().flat_map(|p| p.contents) {
        if let Some(rel) = obj.key.strip_prefix(&cfg.prefix)
            && !rel.is_empty()
            && !rel.ends_with('/')
        {
            let etag = obj.e_tag.unwrap_or_default().trim_matches('"').to_string();
            out.insert(
                rel.to_string(),
                RemoteObject {
                    size: obj.size,
                    etag,
                },
            );
        }
    }
    Ok(out)
}

/// Upload one file with its Content-Type and Cache-Control, retrying transient failures.
pub async fn upload(
    bucket: &Bucket,
    cfg: &DeployConfig,
    file: &LocalFile,
) -> Result<(), Diagnostic> {
    let bytes = tokio::fs::read(&file.path).await.map_err(|e| {
        Diagnostic::error(
            codes::DEPLOY_UPLOAD,
            format!("读不了要上传的文件 {}：{e}", file.path.display()),
        )
    })?;
    let key = format!("{}{}", cfg.prefix, file.rel);
    retry(|| async {
        bucket
            .put_object_builder(&key, &bytes)
            .with_content_type(content_type(&file.rel))
            .with_cache_control(cache_control(&file.rel))?
            .execute()
            .await
            .map(|_| ())
    })
    .await
    .map_err(|e| server_error(cfg, "上传", Some(&file.rel), &e))
}

/// Delete one remote object (key relative to the prefix).
pub async fn delete(bucket: &Bucket, cfg: &DeployConfig, rel: &str) -> Result<(), Diagnostic> {
    let key = format!("{}{rel}", cfg.prefix);
    retry(|| async { bucket.delete_object(&key).await.map(|_| ()) })
        .await
        .map_err(|e| server_error(cfg, "删除", Some(rel), &e))
}

async fn retry<F, Fut>(mut op: F) -> Result<(), S3Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), S3Error>>,
{
    let mut attempt = 1;
    loop {
        match op().await {
            Ok(()) => return Ok(()),
            Err(e) if attempt < ATTEMPTS && is_transient(&e) => {
                tokio::time::sleep(Duration::from_millis(500 * u64::from(attempt))).await;
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Network failures, timeouts and 5xx/408/429 answers are worth another try; a refused key is not.
fn is_transient(e: &S3Error) -> bool {
    match e {
        S3Error::HttpFailWithBody(status, _) => matches!(status, 408 | 429 | 500..=599),
        _ => true,
    }
}

/// `<Code>` and `<Message>` of an S3 error body.
fn error_parts(body: &str) -> (String, String) {
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let close = format!("</{name}>");
        body.split_once(&open)
            .and_then(|(_, rest)| rest.split_once(&close))
            .map(|(v, _)| v.trim().to_string())
            .unwrap_or_default()
    };
    (tag("Code"), tag("Message"))
}

/// A failed request as a diagnostic: refused credentials, a missing bucket, an unreachable server,
/// or the server's own message, naming the file when there is one.
pub fn server_error(
    cfg: &DeployConfig,
    action: &str,
    file: Option<&str>,
    e: &S3Error,
) -> Diagnostic {
    let what = file.map_or(String::new(), |f| format!("「{f}」"));
    let target = format!("{}（存储桶 {}）", cfg.endpoint, cfg.bucket);
    let (status, code, message) = match e {
        S3Error::HttpFailWithBody(status, body) => {
            let (c, m) = error_parts(body);
            (*status, c, m)
        }
        other => (0, String::new(), other.to_string()),
    };
    let server = if code.is_empty() {
        message.clone()
    } else {
        format!("{code}：{message}")
    };
    let tried = format!("（试了 {ATTEMPTS} 次）");
    match (status, code.as_str()) {
        (403, _) | (_, "InvalidAccessKeyId" | "SignatureDoesNotMatch" | "AccessDenied") => {
            Diagnostic::error(
                codes::DEPLOY_DENIED,
                format!("对象存储拒绝了访问密钥：{action}{what}没有成功。服务器说：{server}"),
            )
            .hint(format!(
                "检查环境变量 {KEY_ID_VAR} 和 {SECRET_VAR} 是否和控制台里的 AccessKey 一致，这个密钥是否有存储桶 {} 的读写权限",
                cfg.bucket
            ))
        }
        (404, _) | (_, "NoSuchBucket") => Diagnostic::error(
            codes::DEPLOY_NO_BUCKET,
            format!("{target} 上没有这个存储桶。服务器说：{server}"),
        )
        .hint("检查 site.toml [deploy] 的 bucket 和 endpoint 是否和控制台里的一致（地域不同，endpoint 也不同）"),
        (0, _) => Diagnostic::error(
            if file.is_some() { codes::DEPLOY_UPLOAD } else { codes::DEPLOY_UNREACHABLE },
            format!("连接不上对象存储 {target}，{action}{what}没有成功{tried}：{server}"),
        )
        .hint("检查网络和 [deploy] 的 endpoint；网站上还没改的文件保持原样，网络恢复后重新运行 fangpian deploy 即可"),
        _ => Diagnostic::error(
            if action == "删除" { codes::DEPLOY_DELETE } else { codes::DEPLOY_UPLOAD },
            format!("{action}{what}失败{tried}，服务器（HTTP {status}）说：{server}"),
        )
        .hint("稍后重新运行 fangpian deploy：已经上传成功的文件不会重复上传"),
    }
}
