//! Search: the index written by `build`, queried by the theme's `search.js` run in node, gives
//! exactly the pages that contain a short query (checked against a substring search over the
//! indexed text of the benchmark corpus) and ranks a relevant page in the top 3 for spoken-style
//! sentences on the example site.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::*;
use fangpian::search;

/// The site's documents as the index sees them (same order and text).
fn documents(root: &Path) -> Vec<search::Document> {
    let opts = fangpian::build::Options {
        root: root.to_path_buf(),
        no_print: true,
        ..Default::default()
    };
    let loaded = fangpian::build::load(&opts).map_err(|f| f.0).unwrap();
    search::documents(&loaded.site, &loaded.bodies)
}

/// One-character, two-character, three- and four-character, numbers, Latin, mixed, full-width and
/// no-hit queries.
const EXACT_QUERIES: &[&str] = &[
    "骗",
    "钱",
    "药",
    "鑫",
    "诈骗",
    "老人",
    "公安",
    "转账",
    "保健",
    "亲情",
    "验证",
    "理财",
    "养老院",
    "公安局",
    "派出所",
    "保健品",
    "冒充亲友",
    "以房养老",
    "情感铺垫",
    "低价旅游",
    "非法集资",
    "96110",
    "110",
    "8",
    "27",
    "273",
    "app",
    "APP",
    "ＡＰＰ",
    "wechat",
    "chat",
    "Ｗｅ",
    "a",
    "公 安",
    "老年人，",
    "犯罪团伙",
    "鸡兔同笼",
    "xyzzy",
    "43210",
    "骗骗",
    "96110",
    "打96110",
    "app转账",
    "2016",
];

#[test]
fn short_queries_return_exactly_the_pages_containing_them() {
    let generator = repo_root().join("../shared/bench/gen_corpus.py");
    if !generator.exists() {
        eprintln!("skipping: {} not found", generator.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    let st = Command::new("python3")
        .arg(&generator)
        .arg("400")
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let root = corpus.join("fangpian");
    // Writers paste Latin words and full-width forms; the corpus has none.
    write(
        &root,
        "content/cases/latin-fullwidth.md",
        "+++\ntitle = \"用ＡＰＰ转账被骗\"\n+++\n\n对方让老人下载 App，再用 WeChat 转账，说有问题打９６１１０。\n",
    );
    let o = run_in(&root, &["--no-print"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let docs = documents(&root);
    let answers = query_with_node(&root.join("public"), EXACT_QUERIES);
    let mut table = String::from("query | truth | index | recall | precision\n");
    let mut bad = Vec::new();
    let mut hits = 0;
    for (q, (mode, got)) in EXACT_QUERIES.iter().zip(&answers) {
        assert_eq!(mode, "exact", "{q}");
        let truth: BTreeSet<&str> = search::substring_matches(&docs, q)
            .into_iter()
            .map(|i| docs[i].path.as_str())
            .collect();
        let got: BTreeSet<&str> = got.iter().map(String::as_str).collect();
        let both = truth.intersection(&got).count() as f64;
        let recall = if truth.is_empty() {
            1.0
        } else {
            both / truth.len() as f64
        };
        let precision = if got.is_empty() {
            1.0
        } else {
            both / got.len() as f64
        };
        table.push_str(&format!(
            "{q} | {} | {} | {recall:.3} | {precision:.3}\n",
            truth.len(),
            got.len()
        ));
        if truth != got {
            bad.push(*q);
        }
        hits += usize::from(!truth.is_empty());
    }
    eprintln!("{table}");
    assert!(
        bad.is_empty(),
        "index differs from substring search for {bad:?}\n{table}"
    );
    assert!(
        hits >= 30,
        "most queries must have hits to prove anything:\n{table}"
    );
    assert!(hits < EXACT_QUERIES.len(), "no-hit queries are covered");
}

/// Spoken-style questions and the example-site pages a reader should get for each.
const SENTENCES: &[(&str, &[&str])] = &[
    (
        "有人冒充公安局打电话让我转账怎么办",
        &["/tactics/dianxin-zhapian/"],
    ),
    (
        "接到电话说我涉嫌洗钱要把钱转到安全账户",
        &["/tactics/dianxin-zhapian/"],
    ),
    (
        "孙子打电话说出车祸了急着要钱",
        &["/tactics/maochong-qinyou/", "/cases/maochong-sunzi/"],
    ),
    (
        "有人说是我外孙在外地出事了让我打钱",
        &["/tactics/maochong-qinyou/", "/cases/maochong-sunzi/"],
    ),
    (
        "小区门口有人免费发鸡蛋听健康讲座",
        &["/tactics/jiangzuo-yizhen/", "/cases/jiangzuo-baojianpin/"],
    ),
    (
        "保健品能治高血压糖尿病是真的吗",
        &["/tactics/baojianpin/", "/posters/baojianpin-bushi-yao/"],
    ),
    (
        "几十块钱旅游三天还要去购物店",
        &["/tactics/dijia-lvyou/", "/cases/dijia-lvyou-gouwu/"],
    ),
    (
        "投资养老公寓床位每年给高额回报靠谱吗",
        &[
            "/tactics/yanglao-xiangmu/",
            "/cases/yanglao-gongyu/",
            "/posters/anli-yanglao-chuangwei/",
        ],
    ),
    (
        "有人让我把房子抵押了去买理财产品",
        &["/tactics/yifang-yanglao/", "/cases/yifang-yanglao-diya/"],
    ),
    (
        "有人说能托关系帮我补缴养老保险",
        &["/tactics/daiban-yanglao-baoxian/", "/cases/daiban-baoxian/"],
    ),
    (
        "养老院让我先交会员费才能入住",
        &["/tactics/yufu-huiyuanka/", "/cases/huiyuanka-yanglaoyuan/"],
    ),
    (
        "有人上门说是社区的要核对养老金",
        &[
            "/alerts/maochong-shequ-shangmen/",
            "/tactics/yanglao-bangfu/",
        ],
    ),
    (
        "街上贴的免费体检广告能信吗",
        &["/alerts/jiedao-xiaoguanggao/", "/tactics/jiangzuo-yizhen/"],
    ),
    ("买养老产品说消费还能返利", &["/tactics/yanglao-chanpin/"]),
    (
        "发现被骗了应该打什么电话报警",
        &[
            "/report/",
            "/posters/fangpian-rexian/",
            "/tactics/dianxin-zhapian/",
        ],
    ),
    ("被骗了想举报应该去哪里", &["/report/"]),
    (
        "卖药的说这个药比医院的还管用",
        &[
            "/tactics/baojianpin/",
            "/posters/baojianpin-bushi-yao/",
            "/cases/jiangzuo-baojianpin/",
        ],
    ),
];

#[test]
fn sentences_rank_a_relevant_page_in_the_top_three() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    copy_example(&root);
    let o = run_in(&root, &["--no-print"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let queries: Vec<&str> = SENTENCES.iter().map(|s| s.0).collect();
    let answers = query_with_node(&root.join("public"), &queries);
    let mut report = String::new();
    let mut misses = Vec::new();
    for ((q, want), (mode, got)) in SENTENCES.iter().zip(&answers) {
        assert_eq!(mode, "ranked", "{q}");
        let top: Vec<&str> = got.iter().take(3).map(String::as_str).collect();
        let rank = got.iter().position(|p| want.contains(&p.as_str()));
        report.push_str(&format!(
            "{q} → first relevant at {:?}; top 3 {top:?}\n",
            rank.map(|r| r + 1)
        ));
        if rank.is_none_or(|r| r >= 3) {
            misses.push(*q);
        }
    }
    eprintln!("{report}");
    assert!(
        misses.is_empty(),
        "no relevant page in the top 3 for {misses:?}\n{report}"
    );
}

/// Ranking rules on a small site: a title hit outranks the same words in the body, and a page with
/// the sentence's words in one run outranks a page with the same words scattered.
#[test]
fn ranking_weights_titles_and_exact_runs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    let page = |name: &str, title: &str, body: &str| {
        write(
            root,
            &format!("content/{name}.md"),
            &format!("+++\ntitle = \"{title}\"\ndate = 2026-03-01\n+++\n\n{body}\n"),
        );
    };
    page("title-hit", "银行卡被冻结", "这里讲别的事情。");
    page("body-hit", "一篇文章", "有人说银行卡被冻结了。");
    page("run", "另一篇", "对方说要把钱转到安全账户才能解冻。");
    page(
        "scattered",
        "第三篇",
        "安全的做法：不转账户里的钱，到银行核实，不要把密码说出去。",
    );
    let o = run_in(root, &["--no-print"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let answers = query_with_node(
        &root.join("public"),
        &["我的银行卡被冻结了怎么办", "他让我把钱转到安全账户里"],
    );
    let pos = |a: &[String], p: &str| a.iter().position(|x| x == p).unwrap();
    let title_first = &answers[0].1;
    assert!(
        pos(title_first, "/title-hit/") < pos(title_first, "/body-hit/"),
        "{title_first:?}"
    );
    let run_first = &answers[1].1;
    assert!(
        pos(run_first, "/run/") < pos(run_first, "/scattered/"),
        "{run_first:?}"
    );
}

/// A large site packs several documents into each text file (here 7,600 documents, three per file,
/// the last file holding one): every result still comes back with its own path, including texts
/// with characters outside the BMP (two UTF-16 units each) and newlines.
#[test]
fn large_indexes_pack_several_texts_per_file() {
    let docs: Vec<search::Document> = (0..7_600)
        .map(|i| {
            let title = format!("第{i}篇");
            let text = match i % 3 {
                0 => format!("{title}\n冒充客服😀退款\n编号x{i}y"),
                1 => format!("{title}\n𠀀养老𠀁诈骗\n编号x{i}y"),
                _ => format!("{title}\n提醒\n\n编号x{i}y"),
            };
            search::Document {
                path: format!("/cases/{i}/"),
                head: title.encode_utf16().count(),
                title,
                kind: "案例",
                date: None,
                text,
            }
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let errs = search::write_index(
        &search::Documents::given(&docs),
        None,
        &fangpian::output::DirSink(dir.path().to_path_buf()),
    );
    assert!(errs.is_empty());
    let meta = std::fs::read_to_string(dir.path().join("search/index.json")).unwrap();
    assert!(meta.ends_with(",\"t\":3}"), "{meta}");
    let queries = ["x7599y", "x7598y", "x0y", "x4001y", "退款", "养老"];
    let answers = query_with_node(dir.path(), &queries);
    assert_eq!(answers[0].1, ["/cases/7599/"]);
    assert_eq!(answers[1].1, ["/cases/7598/"]);
    assert_eq!(answers[2].1, ["/cases/0/"]);
    assert_eq!(answers[3].1, ["/cases/4001/"]);
    let every = |r: usize| -> Vec<String> {
        let mut v: Vec<String> = (0..7_600)
            .filter(|i| i % 3 == r)
            .map(|i| format!("/cases/{i}/"))
            .collect();
        v.sort();
        v
    };
    for (k, r) in [(4, 0), (5, 1)] {
        let mut got = answers[k].1.clone();
        got.sort();
        assert_eq!(got, every(r), "{}", queries[k]);
    }
}
