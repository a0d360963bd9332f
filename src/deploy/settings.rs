//! `site.toml` `[deploy]` (where `fangpian deploy` publishes: endpoint, bucket, region, prefix, address
//! style, deletion limit) and `[output]` (pre-compressed copies for nginx), validated with located errors.

use crate::diag::{Diagnostic, codes};
use crate::toml_read::{Sp, Table};

/// Hugo's default: a deploy that would delete more remote files than this stops unless told.
pub const DEFAULT_MAX_DELETES: usize = 256;

/// Where and how `fangpian deploy` publishes.
#[derive(Clone, Debug)]
pub struct DeployConfig {
    /// `https://oss-cn-hangzhou.aliyuncs.com`, without a trailing slash.
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    /// Key prefix inside the bucket, empty or ending in `/` (never starting with one).
    pub prefix: String,
    /// `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key`.
    pub path_style: bool,
    pub max_deletes: usize,
}

const DEPLOY_KEYS: &[&str] = &[
    "endpoint",
    "bucket",
    "region",
    "prefix",
    "path_style",
    "max_deletes",
];
const OUTPUT_KEYS: &[&str] = &["precompress"];

/// `[output] precompress`: whether `build` writes `.gz` and `.br` copies beside text files.
pub fn parse_output(t: &Table<'_, '_>, errs: &mut Vec<Diagnostic>) -> bool {
    let Some(o) = t.opt_table("output", errs) else {
        return false;
    };
    o.check_keys(OUTPUT_KEYS, "[output]", errs);
    o.opt_bool("precompress", errs).unwrap_or(false)
}

/// The `[deploy]` table, or `None` when the site has none (or it has errors, pushed to `errs`).
pub fn parse_deploy(t: &Table<'_, '_>, errs: &mut Vec<Diagnostic>) -> Option<DeployConfig> {
    let d = t.opt_table("deploy", errs)?;
    let before = errs.len();
    d.check_keys(DEPLOY_KEYS, "[deploy]", errs);
    let endpoint = required(
        &d,
        "endpoint",
        "\"https://oss-cn-hangzhou.aliyuncs.com\"",
        errs,
    );
    let bucket = required(&d, "bucket", "\"fangpian-site\"", errs);
    if let Some(e) = &endpoint {
        check_endpoint(&d, e, errs);
    }
    if let Some(b) = &bucket {
        check_bucket(&d, b, errs);
    }
    let region = d.opt_sp_str("region", errs);
    if let Some(r) = &region {
        check_ascii(&d, "region", r, "region = \"cn-hangzhou\"", errs);
    }
    let prefix = d.opt_sp_str("prefix", errs);
    if let Some(p) = &prefix {
        check_ascii(&d, "prefix", p, "prefix = \"fangpian/\"", errs);
    }
    let path_style = d.opt_bool("path_style", errs).unwrap_or(false);
    let max_deletes = d.opt_int("max_deletes", errs);
    if let Some(n) = max_deletes
        && n < 0
    {
        let span = d.get("max_deletes").map_or(0..0, |v| v.span());
        errs.push(
            d.doc
                .error(
                    codes::DEPLOY_CONFIG,
                    "[deploy] max_deletes 不能是负数",
                    span,
                )
                .label("这里应该是 0 或正整数")
                .hint("一次最多删除多少个网站上的旧文件，例如 max_deletes = 256"),
        );
    }
    if errs.len() > before {
        return None;
    }
    let prefix = prefix.map_or(String::new(), |p| {
        let p = p.value.trim_matches('/');
        if p.is_empty() {
            String::new()
        } else {
            format!("{p}/")
        }
    });
    Some(DeployConfig {
        endpoint: endpoint?.value.trim_end_matches('/').to_string(),
        bucket: bucket?.value,
        region: region.map_or_else(|| "us-east-1".to_string(), |r| r.value),
        prefix,
        path_style,
        max_deletes: max_deletes.map_or(DEFAULT_MAX_DELETES, |n| n as usize),
    })
}

fn required(
    d: &Table<'_, '_>,
    key: &str,
    example: &str,
    errs: &mut Vec<Diagnostic>,
) -> Option<Sp<String>> {
    let v = d.opt_sp_str(key, errs);
    if v.is_none() && d.get(key).is_none() {
        errs.push(
            Diagnostic::error(codes::DEPLOY_CONFIG, format!("[deploy] 缺少 `{key}`"))
                .at(d.doc.file, d.doc.source, table_header(d.doc.source))
                .hint(format!("在 [deploy] 下面加一行：{key} = {example}")),
        );
    }
    v
}

/// A non-ASCII character (a full-width `：` or `．` typed with a Chinese input method) in a value
/// that must be plain ASCII: an error pointing at that character.
fn check_ascii(
    d: &Table<'_, '_>,
    key: &str,
    v: &Sp<String>,
    example: &str,
    errs: &mut Vec<Diagnostic>,
) -> bool {
    let Some((i, c)) = v.value.char_indices().find(|(_, c)| !c.is_ascii()) else {
        return true;
    };
    let doc = d.doc;
    let raw = doc.source.get(v.span.clone()).unwrap_or("");
    let spot = raw
        .find(&v.value[i..i + c.len_utf8()])
        .map_or(v.span.clone(), |o| {
            v.span.start + o..v.span.start + o + c.len_utf8()
        });
    let fix = ascii_twin(c)
        .map(|a| format!("把「{c}」改成英文的「{a}」。"))
        .unwrap_or_else(|| format!("删掉「{c}」。"));
    errs.push(
        Diagnostic::error(
            codes::DEPLOY_CONFIG,
            format!("[deploy] `{key}` 里有中文或全角字符「{c}」"),
        )
        .at(doc.file, doc.source, spot)
        .label("这里只能用英文字母、数字和英文标点")
        .hint(format!("{fix}例如 {example}")),
    );
    false
}

fn check_endpoint(d: &Table<'_, '_>, e: &Sp<String>, errs: &mut Vec<Diagnostic>) {
    let example = "endpoint = \"https://oss-cn-hangzhou.aliyuncs.com\"";
    if !check_ascii(d, "endpoint", e, example, errs) {
        return;
    }
    let rest = e
        .value
        .strip_prefix("https://")
        .or_else(|| e.value.strip_prefix("http://"));
    let problem = match rest {
        None => Some("必须以 https:// 开头"),
        Some(r) if r.trim_end_matches('/').is_empty() => Some("缺少服务器地址"),
        Some(r) if r.trim_end_matches('/').contains(['/', '?', '#', ' ']) => {
            Some("只写服务器地址，不要带路径（存储桶名写在 bucket，目录写在 prefix）")
        }
        Some(_) => None,
    };
    if let Some(p) = problem {
        errs.push(
            Diagnostic::error(codes::DEPLOY_CONFIG, format!("[deploy] endpoint {p}"))
                .at(d.doc.file, d.doc.source, e.span.clone())
                .label("对象存储的服务地址不对")
                .hint(format!(
                    "从云服务控制台复制“访问域名/Endpoint”，例如 {example}"
                )),
        );
    }
}

/// S3 bucket names: 3–63 lowercase letters, digits, `-` and `.`, starting and ending with a letter
/// or digit.
fn check_bucket(d: &Table<'_, '_>, b: &Sp<String>, errs: &mut Vec<Diagnostic>) {
    let example = "bucket = \"fangpian-site\"";
    if !check_ascii(d, "bucket", b, example, errs) {
        return;
    }
    let v = &b.value;
    let ok_chars = v
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.');
    let ok_ends = v.starts_with(|c: char| c.is_ascii_alphanumeric())
        && v.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !(3..=63).contains(&v.len()) || !ok_chars || !ok_ends {
        errs.push(
            Diagnostic::error(
                codes::DEPLOY_CONFIG,
                format!("[deploy] bucket = \"{v}\" 不是有效的存储桶名称"),
            )
            .at(d.doc.file, d.doc.source, b.span.clone())
            .label("存储桶名称只能有小写字母、数字和减号，3 到 63 个字符")
            .hint(format!(
                "照云服务控制台里存储桶（Bucket）的名字原样填写，例如 {example}"
            )),
        );
    }
}

/// The ASCII character a full-width one stands for (`：` → `:`, `．` and `。` → `.`).
fn ascii_twin(c: char) -> Option<char> {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        '。' => Some('.'),
        '\u{3000}' => Some(' '),
        _ => None,
    }
}

/// The `[deploy]` header line, where a missing key is reported.
fn table_header(source: &str) -> std::ops::Range<usize> {
    source
        .find("[deploy]")
        .map_or(0..0, |i| i..i + "[deploy]".len())
}
