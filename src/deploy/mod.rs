//! `fangpian deploy`: build the site, then publish the output folder to S3-compatible object storage
//! (Aliyun OSS, Tencent COS, Huawei OBS, MinIO, AWS S3) configured in `site.toml` `[deploy]`.
//! Only files whose size or MD5 differ from the remote copy are uploaded; new assets and PDFs go
//! first, then HTML, then remote files that are gone are deleted — and only when every upload
//! succeeded and the number of deletions is within `max_deletes` (or `--force-delete`).

pub mod plan;
pub mod remote;
pub mod settings;

use std::time::Instant;

use indicatif::{HumanBytes, ProgressBar, ProgressStyle};
use s3::Bucket;
use tokio::task::JoinSet;

use crate::build::{self, Options};
use crate::config::SiteConfig;
use crate::diag::{Diagnostic, Failure, codes};
use plan::{Change, LocalFile, Plan};
use settings::DeployConfig;

/// Files sent at once.
const PARALLEL: usize = 4;

/// `fangpian deploy` options.
pub struct DeployOptions {
    pub build: Options,
    /// Print the plan and change nothing.
    pub dry_run: bool,
    /// Delete more than `max_deletes` remote files.
    pub force_delete: bool,
}

/// What a deploy did (or, on a dry run, would do).
#[derive(Debug, Default)]
pub struct Summary {
    pub uploaded: usize,
    pub uploaded_bytes: u64,
    pub deleted: usize,
    pub unchanged: usize,
    pub build_warnings: Vec<Diagnostic>,
}

/// Build, compare, upload, delete. Progress lines go to stdout; the caller prints the diagnostics.
pub fn run(opts: &DeployOptions) -> Result<Summary, Failure> {
    let start = Instant::now();
    let config = SiteConfig::load(&opts.build.root).map_err(Failure)?;
    let cfg = config
        .deploy
        .clone()
        .ok_or_else(|| Failure(vec![not_configured()]))?;
    let bucket = remote::open(&cfg).map_err(one)?;
    let report = build::build(&opts.build)?;
    println!(
        "构建完成：{} 个网页，{} 份 PDF → {}",
        report.html_pages,
        report.posters,
        report.out.display()
    );
    let local = plan::local_files(&report.out).map_err(one)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| one(Diagnostic::error(codes::DEPLOY_UNREACHABLE, e.to_string())))?;
    let mut summary = runtime.block_on(publish(&bucket, &cfg, local, opts))?;
    summary.build_warnings = report.warnings;
    let verb = if opts.dry_run {
        "试运行完成（没有改动网站上的任何文件）"
    } else {
        "发布完成"
    };
    println!(
        "{verb}：上传 {} 个文件（{}），删除 {} 个，{} 个没有变化，用时 {:.1} 秒 → {}",
        summary.uploaded,
        HumanBytes(summary.uploaded_bytes),
        summary.deleted,
        summary.unchanged,
        start.elapsed().as_secs_f64(),
        target(&cfg)
    );
    Ok(summary)
}

fn one(d: Diagnostic) -> Failure {
    Failure(vec![d])
}

fn target(cfg: &DeployConfig) -> String {
    format!("{}/{}/{}", cfg.endpoint, cfg.bucket, cfg.prefix)
}

fn not_configured() -> Diagnostic {
    Diagnostic::error(
        codes::DEPLOY_NOT_CONFIGURED,
        "site.toml 里没有 [deploy]：不知道要发布到哪个对象存储",
    )
    .hint("在 site.toml 末尾加上（按云服务控制台里的信息填写）：\n[deploy]\nendpoint = \"https://oss-cn-hangzhou.aliyuncs.com\"\nbucket = \"fangpian-site\"\nregion = \"cn-hangzhou\"")
}

async fn publish(
    bucket: &Bucket,
    cfg: &DeployConfig,
    local: Vec<LocalFile>,
    opts: &DeployOptions,
) -> Result<Summary, Failure> {
    let remote_files = remote::list(bucket, cfg).await.map_err(one)?;
    let plan = plan::compare(local, &remote_files);
    print_plan(&plan, opts.dry_run);
    if plan.deletes.len() > cfg.max_deletes && !opts.force_delete {
        return Err(one(too_many_deletes(&plan, cfg.max_deletes)));
    }
    let mut summary = Summary {
        unchanged: plan.unchanged,
        ..Summary::default()
    };
    if opts.dry_run {
        summary.uploaded = plan.uploads.len();
        summary.uploaded_bytes = plan.upload_bytes();
        summary.deleted = plan.deletes.len();
        return Ok(summary);
    }
    let bar = progress(plan.upload_bytes());
    let uploaded = upload_all(bucket, cfg, &plan, &bar).await;
    bar.finish_and_clear();
    let (count, bytes) = uploaded.map_err(|(done, d)| {
        println!("已上传 {done} 个文件后出错：网站上的旧文件一个也没有删除。");
        one(d)
    })?;
    summary.uploaded = count;
    summary.uploaded_bytes = bytes;
    summary.deleted = delete_all(bucket, cfg, &plan.deletes).await.map_err(one)?;
    Ok(summary)
}

fn print_plan(plan: &Plan, list: bool) {
    println!(
        "发布计划：新文件 {} 个，有改动 {} 个（共 {}），删除 {} 个，没有变化 {} 个",
        plan.count(Change::New),
        plan.count(Change::Changed),
        HumanBytes(plan.upload_bytes()),
        plan.deletes.len(),
        plan.unchanged
    );
    if list {
        for (f, c) in &plan.uploads {
            let mark = if *c == Change::New {
                "新增"
            } else {
                "更新"
            };
            println!("  {mark} {}（{}）", f.rel, HumanBytes(f.size));
        }
        for d in &plan.deletes {
            println!("  删除 {d}");
        }
    }
}

fn too_many_deletes(plan: &Plan, max: usize) -> Diagnostic {
    let examples: Vec<&str> = plan.deletes.iter().take(5).map(String::as_str).collect();
    Diagnostic::error(
        codes::DEPLOY_TOO_MANY_DELETES,
        format!(
            "这次发布要删除网站上的 {} 个文件，超过了上限 {max} 个，所以什么也没有改（例如：{}）",
            plan.deletes.len(),
            examples.join("、")
        ),
    )
    .hint("先用 fangpian deploy --dry-run 看清楚要删除哪些文件。确实要删，就加 --force-delete；或者在 site.toml 的 [deploy] 里调大 max_deletes")
}

fn progress(total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("上传 {bar:30} {bytes}/{total_bytes} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Upload in plan order, `PARALLEL` at a time; HTML starts only when every asset is up. On the
/// first failure nothing new starts; returns the files done and the failure.
async fn upload_all(
    bucket: &Bucket,
    cfg: &DeployConfig,
    plan: &Plan,
    bar: &ProgressBar,
) -> Result<(usize, u64), (usize, Diagnostic)> {
    let (assets, pages): (Vec<_>, Vec<_>) = plan
        .uploads
        .iter()
        .map(|(f, _)| f)
        .partition(|f| !f.rel.ends_with(".html"));
    let mut done = (0, 0);
    for phase in [assets, pages] {
        let mut tasks = JoinSet::new();
        let mut failure = None;
        let mut queue = phase.into_iter();
        loop {
            while failure.is_none() && tasks.len() < PARALLEL {
                let Some(f) = queue.next() else { break };
                let (bucket, cfg, f) = (bucket.clone(), cfg.clone(), f.clone());
                tasks.spawn(async move { remote::upload(&bucket, &cfg, &f).await.map(|()| f) });
            }
            let Some(joined) = tasks.join_next().await else {
                break;
            };
            match joined {
                Ok(Ok(f)) => {
                    done.0 += 1;
                    done.1 += f.size;
                    bar.inc(f.size);
                    bar.set_message(f.rel);
                }
                Ok(Err(d)) => failure = failure.or(Some(d)),
                Err(e) => {
                    failure = failure
                        .or_else(|| Some(Diagnostic::error(codes::DEPLOY_UPLOAD, e.to_string())))
                }
            }
        }
        if let Some(d) = failure {
            return Err((done.0, d));
        }
    }
    Ok(done)
}

async fn delete_all(
    bucket: &Bucket,
    cfg: &DeployConfig,
    keys: &[String],
) -> Result<usize, Diagnostic> {
    let mut tasks = JoinSet::new();
    let mut deleted = 0;
    for chunk in keys.chunks(PARALLEL) {
        for k in chunk {
            let (bucket, cfg, k) = (bucket.clone(), cfg.clone(), k.clone());
            tasks.spawn(async move { remote::delete(&bucket, &cfg, &k).await });
        }
        while let Some(r) = tasks.join_next().await {
            match r {
                Ok(Ok(())) => deleted += 1,
                Ok(Err(d)) => return Err(d),
                Err(e) => return Err(Diagnostic::error(codes::DEPLOY_DELETE, e.to_string())),
            }
        }
    }
    Ok(deleted)
}
