//! The channel files: each tactic's and alert's loudspeaker script (`guangbo.txt` beside its page)
//! and the CSV of every SMS text, both UTF-8 with a BOM and CRLF line ends, so that Notepad, Excel,
//! bulk-SMS platforms and phone browsers (which may not be told the encoding) read them right.

use rayon::prelude::*;

use crate::diag::{Diagnostic, codes};
use crate::output::Sink;
use crate::render::Job;
use crate::site::Site;

use super::{Channels, materials};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Text with CRLF line ends after a BOM.
fn windows_text(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(BOM.len() + text.len() + text.len() / 20);
    out.extend_from_slice(BOM);
    out.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
    out
}

/// Write the scripts of the pages among `jobs` and, when `csv`, the SMS CSV. Returns write errors.
pub fn write(
    site: &Site,
    channels: &Channels,
    jobs: &[Job],
    csv: bool,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let mut errs: Vec<Diagnostic> = jobs
        .par_iter()
        .filter_map(|j| match j {
            Job::Page(i) => channels.pages.get(*i)?.as_ref().map(|t| (*i, t)),
            _ => None,
        })
        .filter_map(|(i, t)| {
            let rel = super::script_path(&site.pages[i]);
            sink.write(rel.trim_start_matches('/'), &windows_text(&t.script))
                .err()
        })
        .collect();
    if csv {
        match sms_csv(site, channels) {
            Ok(bytes) => errs.extend(
                sink.write(super::SMS_CSV.trim_start_matches('/'), &bytes)
                    .err(),
            ),
            Err(e) => errs.push(e),
        }
    }
    errs
}

/// The CSV of every SMS, in the 宣传物料 page's order: 分组, 类型, 标题, 短信内容（含签名）, 字数,
/// 来源 (撰写 or 自动生成), 网址.
pub fn sms_csv(site: &Site, channels: &Channels) -> Result<Vec<u8>, Diagnostic> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    let header = [
        "分组",
        "类型",
        "标题",
        "短信内容（含签名）",
        "字数",
        "来源",
        "网址",
    ];
    let mut rows = vec![header.map(str::to_string).to_vec()];
    for g in materials::groups(site, channels) {
        for &i in &g.pages {
            let (p, Some(t)) = (&site.pages[i], &channels.pages[i]) else {
                continue;
            };
            rows.push(vec![
                g.title.clone(),
                p.kind.label().to_string(),
                p.meta.title.clone(),
                t.sms.clone(),
                t.sms_chars.to_string(),
                if t.sms_written {
                    "撰写"
                } else {
                    "自动生成"
                }
                .to_string(),
                site.config.permalink(&p.path),
            ]);
        }
    }
    for r in rows {
        w.write_record(&r).map_err(csv_error)?;
    }
    w.into_inner().map_err(|e| csv_error(e.into_error().into()))
}

fn csv_error(e: csv::Error) -> Diagnostic {
    Diagnostic::error(
        codes::OUTPUT_IO,
        format!("生成短信表格 {} 时出错", super::SMS_CSV),
    )
    .hint(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::windows_text;

    #[test]
    fn text_files_have_a_bom_and_crlf() {
        assert_eq!(
            windows_text("一\n二\n"),
            b"\xEF\xBB\xBF\xE4\xB8\x80\r\n\xE4\xBA\x8C\r\n"
        );
    }
}
