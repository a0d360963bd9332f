//! The channel versions a publicity team hands on: the SMS texts (one 70-character segment with the
//! signature, exported as a CSV Excel opens), the loudspeaker scripts (hotlines in spoken digits, read
//! at 220 characters a minute), and the 宣传物料 page listing them with the posters. Built from the
//! example site and from small sites with bad input.

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use common::*;

/// The example site built once (posters included; the print cache makes it quick).
fn built() -> &'static (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    static B: OnceLock<(tempfile::TempDir, BTreeMap<String, Vec<u8>>)> = OnceLock::new();
    B.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let root = repo_root();
        let o = run(&[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(
            o.status.success(),
            "example site must build:\n{}",
            stderr(&o)
        );
        let t = tree(&out);
        (dir, t)
    })
}

fn file(path: &str) -> Vec<u8> {
    built()
        .1
        .get(path)
        .unwrap_or_else(|| panic!("{path} missing"))
        .clone()
}

/// A text file with a BOM and CRLF line ends, as text with LF.
fn windows_text(bytes: &[u8], what: &str) -> String {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or_else(|| panic!("{what}: no BOM"));
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "{what}: a bare LF"
    );
    assert!(text.contains("\r\n"), "{what}: no CRLF");
    text.replace("\r\n", "\n")
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The pages of a kind in the example site (`tactics/baojianpin`…).
fn pages_of(section: &str) -> Vec<String> {
    let dir = repo_root().join("content").join(section);
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n != "_index.md")
        .map(|n| format!("{section}/{}", n.trim_end_matches(".md")))
        .collect();
    v.sort();
    v
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = windows_text(bytes, "sms.csv");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn every_sms_fits_one_segment_with_the_signature() {
    let rows = csv_rows(&file("materials/sms.csv"));
    assert_eq!(
        rows[0],
        [
            "分组",
            "类型",
            "标题",
            "短信内容（含签名）",
            "字数",
            "来源",
            "网址"
        ]
    );
    let tactics = pages_of("tactics");
    // Both example alerts are current, so every tactic and alert has its row.
    assert_eq!(rows.len() - 1, tactics.len() + pages_of("alerts").len());
    for row in &rows[1..] {
        let sms = &row[3];
        assert!(sms.starts_with("【防骗守护】"), "signature first: {sms}");
        assert!(utf16_len(sms) <= 70, "{} characters: {sms}", utf16_len(sms));
        assert_eq!(row[4], utf16_len(sms).to_string(), "count column");
        assert!(sms.ends_with(['。', '！', '？']), "ends cleanly: {sms}");
        assert!(!sms.contains("http"), "no links in an SMS: {sms}");
    }
    let by_url = |u: &str| rows.iter().find(|r| r[6].ends_with(u)).unwrap().clone();
    let written = by_url("/tactics/dianxin-zhapian/");
    assert_eq!(written[5], "撰写");
    assert_eq!(
        written[3],
        "【防骗守护】公检法不会打电话让您转账，也没有“安全账户”。验证码对谁都不说，拿不准就打96110。"
    );
    let drafted = by_url("/tactics/baojianpin/");
    assert_eq!(drafted[5], "自动生成");
    assert_eq!(
        drafted[3],
        "【防骗守护】把普通食品包装成能治病的“宝贝”，再高价卖给老人。如遇可疑，请拨打110。"
    );
}

#[test]
fn scripts_read_hotlines_digit_by_digit_and_repeat_them() {
    let mut pages = pages_of("tactics");
    pages.extend(pages_of("alerts"));
    for p in &pages {
        let script = windows_text(&file(&format!("{p}/guangbo.txt")), p);
        let mut lines = script.lines();
        assert!(
            lines.next().unwrap().starts_with("广播稿："),
            "{p}: title line"
        );
        let time = lines.next().unwrap();
        assert!(time.starts_with("预计朗读时间：约 "), "{p}: {time}");
        // The stated time is the read characters (not punctuation) at 220 a minute, rounded up to 5 s.
        let body: String = script.lines().skip(3).collect();
        let chars = body.chars().filter(|c| c.is_alphanumeric()).count();
        assert!(
            time.contains(&format!("共 {chars} 字")),
            "{p}: {time} vs {chars}"
        );
        let secs = (chars * 60).div_ceil(220).div_ceil(5) * 5;
        let said = if secs < 60 {
            format!("约 {secs} 秒")
        } else if secs % 60 == 0 {
            format!("约 {} 分钟", secs / 60)
        } else {
            format!("约 {} 分 {} 秒", secs / 60, secs % 60)
        };
        assert!(time.contains(&said), "{p}: {time} vs {said}");
        for markup in ["**", "](", "<hotline", "[!", "@/", "##"] {
            assert!(
                !body.contains(markup),
                "{p}: markdown left in the script: {markup}"
            );
        }
        for run in body.split(|c: char| !c.is_ascii_digit()) {
            assert!(
                !["110", "96110", "12315", "12345"].contains(&run),
                "{p}: {run} not spoken"
            );
        }
    }
    let script = windows_text(&file("tactics/baojianpin/guangbo.txt"), "baojianpin");
    assert!(script.contains("各位居民朋友，大家好！"));
    assert!(
        script.contains("第一，说吃了能降血压、治糖尿病，还能停药。"),
        "warning signs as sentences"
    );
    assert!(
        script.contains("第四，保留小票和包装，被骗打幺二三幺五投诉。"),
        "a number in the text spoken"
    );
    assert!(
        script.contains("送大家一段顺口溜：\n保健品，不是药，\n包治百病是圈套；"),
        "jingle"
    );
    let hotlines =
        "报警电话，幺幺零；全国反诈预警劝阻专线，九六幺幺零；市场监管投诉举报热线，幺二三幺五。";
    assert!(
        script.contains(&format!("求助电话请记好：{hotlines}")),
        "{script}"
    );
    assert!(
        script.contains(&format!("再说一遍：{hotlines}")),
        "repeated at the end"
    );

    let alert = windows_text(&file("alerts/maochong-shequ-shangmen/guangbo.txt"), "alert");
    assert!(alert.contains("现在播报一条紧急风险提示"), "{alert}");
    assert!(
        alert.contains("觉得不对劲，马上打报警电话，幺幺零。"),
        "hotline link read: {alert}"
    );
    assert!(
        alert.contains("隔着门请他出示工作证，不急着开门。"),
        "list item as a sentence"
    );
}

#[test]
fn a_written_broadcast_replaces_the_script() {
    let script = windows_text(&file("alerts/jiedao-xiaoguanggao/guangbo.txt"), "override");
    let body: Vec<&str> = script.lines().skip(3).collect();
    assert_eq!(body[0], "各位居民朋友，大家好！这里是社区广播。");
    assert_eq!(
        body[6],
        "第三，看到这种小广告，可以打政务服务便民热线幺二三四五反映。"
    );
    assert_eq!(
        body.last().unwrap(),
        &"家里有老人的，请提醒老人一声。谢谢大家！"
    );
    assert!(!script.contains("现在播报一条"), "nothing generated added");
}

#[test]
fn the_materials_page_lists_every_text_script_and_poster_by_topic() {
    let html = String::from_utf8(file("materials/index.html")).unwrap();
    let rows = csv_rows(&file("materials/sms.csv"));
    for row in &rows[1..] {
        assert!(html.contains(&row[3]), "SMS shown as text: {}", row[3]);
        let path = row[6].trim_start_matches("https://fangpian.example.org");
        assert!(
            html.contains(&format!("href={path}guangbo.txt")),
            "script link {path}"
        );
    }
    assert!(html.contains("href=/materials/sms.csv"), "CSV download");
    // Copy buttons start hidden: without JavaScript the text is there to select.
    let buttons = html
        .matches("<button type=button class=\"tool copy\"")
        .count();
    assert_eq!(buttons, rows.len() - 1);
    assert_eq!(html.matches(" hidden>复制短信</button>").count(), buttons);
    // Topics: current alerts first, then the site's categories; the poster sits with its tactic.
    let alerts = html
        .find("id=topic-alerts>当前风险提示</h2>")
        .expect("alerts group");
    let health = html
        .find("id=topic-baojianpin>保健品</h2>")
        .expect("保健品 group");
    assert!(alerts < health);
    let group = &html[health..];
    let group = &group[..group[10..].find("<h2").map_or(group.len(), |e| e + 10)];
    assert!(
        group.contains("保健品骗局") && group.contains("海报：保健品不是药"),
        "{group}"
    );
    assert!(
        group.contains("href=/posters/baojianpin-bushi-yao"),
        "poster PDFs: {group}"
    );
    assert!(html.contains("aria-current=page>宣传物料</a>"), "nav entry");
    let page = String::from_utf8(file("tactics/baojianpin/index.html")).unwrap();
    assert!(
        page.contains("href=/tactics/baojianpin/guangbo.txt"),
        "page links its script"
    );
    assert!(
        page.contains("href=/materials/#tactics-baojianpin"),
        "page links its materials"
    );
    assert!(html.contains("id=tactics-baojianpin"), "anchor exists");
}

/// A small site with a signature and one tactic with the given extra front matter.
fn site_with(root: &std::path::Path, front: &str, description: &str) {
    small_site(root);
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    write(
        root,
        "site.toml",
        &format!("{toml}\n[channels]\nsms_signature = \"【测试街道】\"\n"),
    );
    write(
        root,
        "content/tactics/baojianpin.md",
        &format!(
            "+++\ntitle = \"保健品骗局\"\ndescription = \"{description}\"\ncategory = \"保健品\"\n{front}\n+++\n\n## 记住 {{#jizhu}}\n\n保健品不是药。拨打 <hotline:mz>。\n"
        ),
    );
}

#[test]
fn an_overlong_sms_is_a_located_error_saying_how_much_to_cut() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // 6 + 66 = 72 characters: two over.
    let sms = "请".repeat(66);
    site_with(root, &format!("sms = \"{sms}\""), "说明。");
    let o = run_in(root, &["--no-print"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("E1930"), "{err}");
    assert!(
        err.contains("content/tactics/baojianpin.md:5:7"),
        "file:line:column: {err}"
    );
    assert!(err.contains("共 72 个字"), "count: {err}");
    assert!(err.contains("请删掉至少 2 个字"), "how much to cut: {err}");
    assert!(!root.join("public").exists(), "nothing written");
    // Exactly one segment passes.
    site_with(root, &format!("sms = \"{}\"", "请".repeat(64)), "说明。");
    let o = run_in(root, &["--no-print"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn empty_texts_are_errors_and_a_link_in_an_sms_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    site_with(root, "sms = \" \"\njingle = \"\"", "说明。");
    let err = stderr(&run_in(root, &["--no-print"]));
    assert_eq!(err.matches("E1931").count(), 2, "{err}");
    site_with(root, "sms = \"详情见 http://x.cn 。\"", "说明。");
    let o = run_in(root, &["--no-print"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("W2050"), "{}", stderr(&o));
}

#[test]
fn a_drafted_sms_always_fits_and_never_cuts_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let long = "有人自称社区工作人员上门说要核对养老金发放情况还要看银行卡和密码再让交手续费每人交1234567元".repeat(2);
    for description in [
        long.as_str(),
        "一句话说完",
        "第一句很短。第二句也短！第三句不用。",
    ] {
        site_with(root, "", description);
        let o = run_in(root, &["--no-print"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let rows = csv_rows(&std::fs::read(root.join("public/materials/sms.csv")).unwrap());
        let sms = &rows[1][3];
        assert!(utf16_len(sms) <= 70, "{sms}");
        assert!(
            sms.starts_with("【测试街道】") && sms.ends_with('。'),
            "{sms}"
        );
        for run in sms
            .split(|c: char| !c.is_ascii_digit())
            .filter(|r| !r.is_empty())
        {
            assert!(
                ["1234567", "110"].contains(&run),
                "a cut number {run} in {sms}"
            );
        }
    }
    let rows = csv_rows(&std::fs::read(root.join("public/materials/sms.csv")).unwrap());
    assert_eq!(
        rows[1][3],
        "【测试街道】第一句很短。第二句也短！如遇可疑，请拨打110。"
    );
}

#[test]
fn csv_fields_with_quotes_and_commas_are_quoted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    site_with(
        root,
        "sms = \"别信\\\"专家\\\"，也别信\\\"教授\\\",不买。\"",
        "说明。",
    );
    let page = std::fs::read_to_string(root.join("content/tactics/baojianpin.md")).unwrap();
    write(
        root,
        "content/tactics/baojianpin.md",
        &page.replace("title = \"保健品骗局\"", "title = \"保健品, \\\"神药\\\"\""),
    );
    let o = run_in(root, &["--no-print"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(root.join("public/materials/sms.csv")).unwrap();
    let raw = String::from_utf8(bytes.clone()).unwrap();
    assert!(raw.contains("\"保健品, \"\"神药\"\"\""), "{raw}");
    let rows = csv_rows(&bytes);
    assert_eq!(rows[1][2], "保健品, \"神药\"");
    assert_eq!(
        rows[1][3],
        "【测试街道】别信\"专家\"，也别信\"教授\",不买。"
    );
}

#[test]
fn content_cannot_take_the_materials_address() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    small_site(root);
    write(
        root,
        "content/materials.md",
        "+++\ntitle = \"物料\"\n+++\n\n正文。\n",
    );
    let o = run_in(root, &["--no-print"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/materials/"), "{}", stderr(&o));
}
