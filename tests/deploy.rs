//! `fangpian deploy` against a real S3-compatible server the test starts on 127.0.0.1: s3rver (npm,
//! file-backed, checks request signatures, MD5 ETags), installed by `.ci/run` into
//! tests/deploy/node_modules. First deploy, a no-op second deploy, an edit, a deletion, the deletion
//! guard, a wrong key, and the server stopped in the middle of a deploy. Without s3rver the test is
//! skipped with a message, except under CI=true, where it fails.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use common::*;
use s3::creds::Credentials;
use s3::{Bucket, Region};

const KEY: &str = "S3RVER";
const BUCKET: &str = "site";

struct S3rver {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Drop for S3rver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn s3rver_bin() -> Option<PathBuf> {
    let bin = repo_root().join("tests/deploy/node_modules/.bin/s3rver");
    if bin.is_file() {
        return Some(bin);
    }
    let why = "s3rver is not installed: run `cd tests/deploy && npm ci` (.ci/run does)";
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{why}");
    }
    eprintln!("skipped: {why}");
    None
}

/// Start s3rver on `port` (0: any) keeping its objects in `dir`, with the bucket `site`.
fn start(bin: &Path, dir: &Path, port: u16) -> S3rver {
    let mut child = Command::new(bin)
        .args(["-d", dir.to_str().unwrap(), "-a", "127.0.0.1", "-p"])
        .arg(port.to_string())
        .args(["--configure-bucket", BUCKET, "--silent"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start s3rver");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let port = loop {
        let line = lines.next().expect("s3rver exited").unwrap();
        if let Some(p) = line.trim().strip_prefix("S3rver listening on 127.0.0.1:") {
            break p.parse().unwrap();
        }
    };
    S3rver {
        child,
        port,
        dir: dir.to_path_buf(),
    }
}

fn site_toml(port: u16, max_deletes: usize) -> String {
    format!(
        "title = \"测试站点\"\nbase_url = \"https://test.example.org\"\n\n[deploy]\nendpoint = \"http://127.0.0.1:{port}\"\nbucket = \"{BUCKET}\"\nregion = \"us-east-1\"\nprefix = \"www\"\npath_style = true\nmax_deletes = {max_deletes}\n"
    )
}

fn deploy_cmd(root: &Path, key: &str, extra: &[&str]) -> Command {
    let mut c = bin();
    c.args(["deploy", "--root", root.to_str().unwrap()])
        .args(extra)
        .env("AWS_ACCESS_KEY_ID", key)
        .env(
            "AWS_SECRET_ACCESS_KEY",
            if key == KEY { KEY } else { "wrong-secret-xyz" },
        );
    c
}

fn deploy(root: &Path, extra: &[&str]) -> Output {
    deploy_cmd(root, KEY, extra).output().unwrap()
}

fn bucket(port: u16) -> Box<Bucket> {
    let region = Region::Custom {
        region: "us-east-1".into(),
        endpoint: format!("http://127.0.0.1:{port}"),
    };
    let creds = Credentials::new(Some(KEY), Some(KEY), None, None, None).unwrap();
    Bucket::new(BUCKET, region, creds)
        .unwrap()
        .with_path_style()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Every key in the bucket with its size.
fn remote(port: u16) -> std::collections::BTreeMap<String, u64> {
    let b = bucket(port);
    let pages = runtime().block_on(b.list(String::new(), None)).unwrap();
    pages
        .into_iter()
        .flat_map(|p| p.contents)
        .map(|o| (o.key, o.size))
        .collect()
}

/// `上传 N 个文件` and `删除 N 个` of the summary line.
fn summary(o: &Output) -> (usize, usize) {
    let out = stdout(o);
    let line = out
        .lines()
        .find(|l| l.starts_with("发布完成") || l.starts_with("试运行完成"))
        .unwrap_or_else(|| panic!("no summary line:\n{out}\n{}", stderr(o)));
    let num = |after: &str| -> usize {
        let rest = &line[line.find(after).unwrap() + after.len()..];
        rest.trim_start()
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    (num("上传"), num("删除"))
}

fn assert_ok(o: &Output) {
    assert!(o.status.success(), "{}\n{}", stdout(o), stderr(o));
}

/// The output files, without the build marker (what deploy publishes).
fn published(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut t = tree(&root.join("public"));
    t.retain(|k, _| !k.starts_with('.'));
    t
}

fn changed(
    a: &std::collections::BTreeMap<String, Vec<u8>>,
    b: &std::collections::BTreeMap<String, Vec<u8>>,
) -> usize {
    b.iter()
        .filter(|(k, v)| a.get(k.as_str()) != Some(*v))
        .count()
}

#[test]
fn deploy_uploads_only_changes_guards_deletions_and_survives_a_lost_server() {
    let Some(bin) = s3rver_bin() else { return };
    let data = tempfile::tempdir().unwrap();
    let server = start(&bin, data.path(), 0);
    let port = server.port;
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    small_site(root);
    write(root, "site.toml", &site_toml(port, 1));
    write(root, "static/files/notice.pdf", "%PDF-1.7 test\n");

    // First deploy: everything, with the right Content-Type and Cache-Control.
    let first = deploy(root, &[]);
    assert_ok(&first);
    println!("first deploy:\n{}", stdout(&first));
    let files = published(root);
    assert_eq!(summary(&first), (files.len(), 0));
    let keys = remote(port);
    assert_eq!(keys.len(), files.len());
    for (rel, bytes) in &files {
        assert_eq!(
            keys.get(&format!("www/{rel}")),
            Some(&(bytes.len() as u64)),
            "{rel}"
        );
    }
    let b = bucket(port);
    let rt = runtime();
    let head = |key: &str| rt.block_on(b.head_object(key)).unwrap().0;
    let html = head("www/index.html");
    assert_eq!(
        html.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(html.cache_control.as_deref(), Some("no-cache"));
    let pdf = head("www/files/notice.pdf");
    assert_eq!(pdf.content_type.as_deref(), Some("application/pdf"));
    let css = files
        .keys()
        .find(|k| k.starts_with("fangpian.") && k.ends_with(".css") && k.len() > 16)
        .expect("a fingerprinted stylesheet");
    let css_head = head(&format!("www/{css}"));
    assert_eq!(
        css_head.content_type.as_deref(),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(
        css_head.cache_control.as_deref(),
        Some("public, max-age=31536000, immutable")
    );

    // Second deploy of the same site: nothing to upload.
    let noop = deploy(root, &[]);
    assert_ok(&noop);
    println!("no-op deploy:\n{}", stdout(&noop));
    assert_eq!(summary(&noop), (0, 0));

    // An edit: exactly the files whose bytes changed are uploaded.
    let before = published(root);
    write(
        root,
        "content/tactics/baojianpin.md",
        "+++\ntitle = \"保健品骗局\"\ndate = 2026-01-02\ncategory = \"保健品\"\nwarning_signs = [\"免费领鸡蛋\"]\ntags = [\"保健品\"]\n+++\n\n## 记住 {#jizhu}\n\n保健品不是药，不能治病。拨打 <hotline:mz>。\n",
    );
    let edit = deploy(root, &[]);
    assert_ok(&edit);
    println!("edit deploy:\n{}", stdout(&edit));
    let after = published(root);
    let expected = changed(&before, &after);
    assert!(expected >= 1 && expected < after.len() / 2, "{expected}");
    assert_eq!(summary(&edit), (expected, 0));
    assert_eq!(remote(port).len(), after.len());

    // A deletion: the page's files are removed from the bucket.
    std::fs::remove_file(root.join("static/files/notice.pdf")).unwrap();
    let del = deploy(root, &[]);
    assert_ok(&del);
    assert_eq!(summary(&del).1, 1);
    assert!(!remote(port).contains_key("www/files/notice.pdf"));

    // The guard: two deletions with max_deletes = 1 change nothing, --force-delete goes ahead.
    let keys_before = remote(port);
    std::fs::remove_file(root.join("content/about.md")).unwrap();
    std::fs::remove_file(root.join("content/cases/a.md")).unwrap();
    let dry = deploy(root, &["--dry-run", "--force-delete"]);
    assert_ok(&dry);
    let planned = summary(&dry).1;
    assert!(planned > 1, "{}", stdout(&dry));
    let guarded = deploy(root, &[]);
    assert_eq!(guarded.status.code(), Some(1));
    assert!(stderr(&guarded).contains("E1906"), "{}", stderr(&guarded));
    assert!(stderr(&guarded).contains("--force-delete"));
    assert_eq!(remote(port), keys_before);
    let forced = deploy(root, &["--force-delete"]);
    assert_ok(&forced);
    assert_eq!(summary(&forced).1, planned);
    assert_eq!(remote(port).len(), published(root).len());

    // A key the server does not know (s3rver checks key ids, not SigV4 signatures): a Chinese error
    // naming the cause, exit 1, the secret never printed, nothing changed.
    let keys_before = remote(port);
    let wrong = deploy_cmd(root, "NOSUCHKEY", &[]).output().unwrap();
    assert_eq!(wrong.status.code(), Some(1));
    let err = stderr(&wrong);
    assert!(
        err.contains("E1903") && err.contains("拒绝了访问密钥"),
        "{err}"
    );
    assert!(!err.contains("wrong-secret-xyz") && !stdout(&wrong).contains("wrong-secret-xyz"));
    assert_eq!(remote(port), keys_before);

    stopped_server_mid_deploy(&bin, server, root);
}

/// The server stops while files are uploading: exit 1, nothing deleted; once it is back, the next
/// deploy completes.
fn stopped_server_mid_deploy(bin: &Path, server: S3rver, root: &Path) {
    let port = server.port;
    let dir = server.dir.clone();
    // A page to delete, and 400 new files so that uploading takes a while.
    write(
        root,
        "content/about.md",
        "+++\ntitle = \"关于\"\n+++\n\n关于本站。\n",
    );
    assert_ok(&deploy(root, &[]));
    std::fs::remove_file(root.join("content/about.md")).unwrap();
    for i in 0..BULK {
        let body: String = (0..500)
            .map(|j| char::from(b'a' + ((i * 7 + j) % 26) as u8))
            .collect();
        write(root, &format!("static/bulk/{i:04}.txt"), &body);
    }
    // Deleting a page also deletes its search text: two deletions, over this site's limit of one.
    let mut child = deploy_cmd(root, KEY, &["--force-delete"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.starts_with("发布计划") {
            break;
        }
    }
    // Stop the server once some of the new files have arrived (s3rver keeps each object as a file).
    let arrived = server.dir.join(BUCKET).join("www/bulk");
    let count = || std::fs::read_dir(&arrived).map_or(0, |d| d.count());
    let waited = std::time::Instant::now();
    while count() < 20 && waited.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    drop(server); // kills s3rver
    for line in lines {
        seen.push_str(&line.unwrap());
        seen.push('\n');
    }
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    println!("stopped server:\n{seen}{err}");
    assert_eq!(out.status.code(), Some(1), "{seen}{err}");
    assert!(seen.contains("一个也没有删除"), "{seen}");
    assert!(err.contains("E1905") && err.contains("bulk/"), "{err}");

    discard_unfinished_writes(&dir);
    let server = start(bin, &dir, port);
    let keys = remote(server.port);
    assert!(
        keys.contains_key("www/about/index.html"),
        "deleted after a failure"
    );
    let missing = (0..BULK)
        .filter(|i| !keys.contains_key(&format!("www/bulk/{i:04}.txt")))
        .count();
    assert!(
        missing > 0,
        "every file was uploaded before the server stopped"
    );
    let again = deploy(root, &["--force-delete"]);
    assert_ok(&again);
    println!("after restart:\n{}", stdout(&again));
    // A file the server was writing when it stopped may be incomplete: it is sent again too.
    assert!(summary(&again).0 >= missing, "{}", stdout(&again));
    let keys = remote(server.port);
    assert!(!keys.contains_key("www/about/index.html"));
    assert_eq!(keys.len(), published(root).len());
}

#[test]
fn deploy_settings_errors_are_located() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    small_site(root);
    let base = "title = \"测试站点\"\nbase_url = \"https://test.example.org\"\n\n[deploy]\n";
    for (body, code, line_col, needle) in [
        (
            "endpoint = \"https：//oss-cn-hangzhou.aliyuncs.com\"\nbucket = \"site\"\n",
            "E1900",
            "site.toml:5:18",
            "「：」",
        ),
        (
            "endpoint = \"oss-cn-hangzhou.aliyuncs.com\"\nbucket = \"site\"\n",
            "E1900",
            "site.toml:5:12",
            "https://",
        ),
        (
            "endpoint = \"https://oss-cn-hangzhou.aliyuncs.com\"\nbucket = \"My_Site\"\n",
            "E1900",
            "site.toml:6:10",
            "存储桶",
        ),
        (
            "endpoint = \"https://oss-cn-hangzhou.aliyuncs.com\"\n",
            "E1900",
            "site.toml:4:1",
            "缺少 `bucket`",
        ),
    ] {
        write(root, "site.toml", &format!("{base}{body}"));
        let o = deploy(root, &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(
            err.contains(code) && err.contains(line_col) && err.contains(needle),
            "{err}"
        );
        assert!(
            !root.join("public").exists(),
            "built despite a settings error"
        );
    }
    // No [deploy] at all, and no key in the environment.
    write(root, "site.toml", base.trim_end_matches("[deploy]\n"));
    let o = deploy(root, &[]);
    assert!(stderr(&o).contains("E1901"), "{}", stderr(&o));
    write(
        root,
        "site.toml",
        &format!("{base}endpoint = \"http://127.0.0.1:9\"\nbucket = \"site\"\n"),
    );
    let o = bin()
        .args(["deploy", "--root", root.to_str().unwrap()])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("E1902") && stderr(&o).contains("AWS_ACCESS_KEY_ID"));
}

/// s3rver writes an object's bytes and then its metadata as two files; killed before the metadata is
/// complete, it cannot list the bucket any more (HTTP 500). A real object store writes atomically: an upload it
/// never acknowledged does not exist. Remove such half-written objects before restarting it.
/// New files of the deploy that the server is stopped in the middle of.
const BULK: usize = 400;

fn discard_unfinished_writes(dir: &Path) {
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix("._S3rver_object") {
            let meta = e
                .path()
                .with_file_name(format!("{stem}._S3rver_metadata.json"));
            let complete = std::fs::read(&meta)
                .is_ok_and(|m| serde_json::from_slice::<serde_json::Value>(&m).is_ok());
            if !complete {
                let _ = std::fs::remove_file(&meta);
                println!("discarding the half-written object {}", e.path().display());
                std::fs::remove_file(e.path()).unwrap();
                let _ = std::fs::remove_file(e.path().with_file_name(format!("{name}.md5")));
            }
        }
    }
}

/// The stylesheet and script a page loads are named by their content: same bytes as the plain file,
/// a new name when the file changes, so a cached old stylesheet never meets a new page.
#[test]
fn pages_load_fingerprinted_assets() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    small_site(root);
    let linked = |root: &Path| -> Vec<String> {
        let html = std::fs::read_to_string(root.join("public/index.html")).unwrap();
        let mut refs: Vec<String> = hrefs(&html)
            .into_iter()
            .filter(|h| h.ends_with(".css") || h.ends_with(".js"))
            .collect();
        refs.sort();
        refs
    };
    assert_ok(&run_in(root, &["--no-print"]));
    let first = linked(root);
    assert_eq!(first.len(), 2, "{first:?}");
    for r in &first {
        let name = r.trim_start_matches('/');
        let (stem, ext) = name.rsplit_once('.').unwrap();
        let (plain, hash) = stem.rsplit_once('.').unwrap();
        assert_eq!(hash.len(), 10, "{r}");
        let public = root.join("public");
        assert_eq!(
            std::fs::read(public.join(name)).unwrap(),
            std::fs::read(public.join(format!("{plain}.{ext}"))).unwrap()
        );
    }
    assert_ok(&run_in(root, &["--no-print"]));
    assert_eq!(linked(root), first, "not deterministic");
    let css = std::fs::read_to_string(root.join("public/fangpian.css")).unwrap();
    write(
        root,
        "static/fangpian.css",
        &format!("{css}\n.new-rule{{color:red}}\n"),
    );
    assert_ok(&run_in(root, &["--no-print"]));
    let second = linked(root);
    let css_of = |v: &[String]| v.iter().find(|r| r.ends_with(".css")).cloned().unwrap();
    assert_ne!(css_of(&second), css_of(&first));
    assert_eq!(
        second.iter().find(|r| r.ends_with(".js")),
        first.iter().find(|r| r.ends_with(".js"))
    );
}

/// `[output] precompress = true`: a `.gz` and a `.br` beside each text file that unpack to it, the
/// same bytes on every build, none beside PDFs and images; deploy does not publish them.
#[test]
fn precompressed_copies_for_nginx() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    small_site(root);
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    write(
        root,
        "site.toml",
        &format!("{toml}\n[output]\nprecompress = true\n"),
    );
    write(root, "static/files/notice.pdf", &"%PDF-1.7 ".repeat(100));
    assert_ok(&run_in(root, &["--no-print"]));
    let first = tree(&root.join("public"));
    let html = &first["index.html"];
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&first["index.html.gz"][..]),
        &mut unpacked,
    )
    .unwrap();
    assert_eq!(&unpacked, html);
    let mut unbr = Vec::new();
    brotli::BrotliDecompress(&mut &first["index.html.br"][..], &mut unbr).unwrap();
    assert_eq!(&unbr, html);
    assert!(first.keys().any(|k| k.ends_with(".css.gz")));
    assert!(!first.contains_key("files/notice.pdf.gz"));
    assert_ok(&run_in(root, &["--no-print"]));
    let mut second = tree(&root.join("public"));
    let mut first = first;
    for t in [&mut first, &mut second] {
        t.remove(".fangpian-build");
    }
    assert_eq!(first, second, "precompressed output differs between builds");
    let local = fangpian::deploy::plan::local_files(&root.join("public")).unwrap();
    assert!(
        local
            .iter()
            .all(|f| !f.rel.ends_with(".gz") && !f.rel.ends_with(".br"))
    );
    assert!(local.iter().any(|f| f.rel == "index.html"));
}
