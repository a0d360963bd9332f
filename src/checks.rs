//! Checks that only `fangpian check` runs, on top of everything `build` validates: tactics due for a
//! review, readability for older readers (sentences and paragraphs longer than the site's limits), and
//! print templates' colours outside CMYK.

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::diag::{Diagnostic, codes};
use crate::frontmatter::KindFields;
use crate::site::Site;

/// Sentence-ending punctuation, Chinese and Western.
const ENDS: &[char] = &['。', '！', '？', '；', '!', '?', ';', '…'];

/// Run the check-only checks. All findings are warnings.
pub fn run(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let c = &site.config;
    for p in &site.pages {
        if let KindFields::Tactic {
            reviewed: Some(r), ..
        } = &p.meta.fields
        {
            let age = (site.today - r.value.date).whole_days();
            if age > c.review_max_age_days {
                out.push(
                    Diagnostic::warning(
                        codes::REVIEW_DUE,
                        format!("「{}」上次核对是 {}，已经 {age} 天没有复核", p.meta.title, r.value.ymd()),
                    )
                    .at(&p.file, &p.source, r.span.clone())
                    .label("复核日期太旧")
                    .hint(format!(
                        "骗术会翻新：请按最新情况核对内容，再把 reviewed 改成今天的日期（期限 {} 天，可在 site.toml 的 review_max_age_days 修改）",
                        c.review_max_age_days
                    )),
                );
            }
        }
        readability(site, p, &mut out);
    }
    out.extend(crate::print::colour_warnings(site));
    out
}

fn readability(site: &Site, p: &crate::content::Page, out: &mut Vec<Diagnostic>) {
    let c = &site.config;
    let body = &p.source[p.body.clone()];
    let mut in_par = false;
    let mut text = String::new();
    let mut start = 0;
    for (ev, range) in crate::markdown::events(body) {
        match ev {
            Event::Start(Tag::Paragraph) => {
                in_par = true;
                text.clear();
                start = range.start;
            }
            Event::Text(t) | Event::Code(t) if in_par => text.push_str(&t),
            Event::End(TagEnd::Paragraph) => {
                in_par = false;
                let span = p.body.start + start..p.body.start + range.end;
                let chars = count(&text);
                if chars > c.paragraph_max_chars {
                    out.push(
                        Diagnostic::warning(
                            codes::LONG_PARAGRAPH,
                            format!("这一段有 {chars} 个字，对老年读者太长"),
                        )
                        .at(&p.file, &p.source, span.start..span.start + 1)
                        .label("段落太长")
                        .hint(format!(
                            "一段最好不超过 {} 个字：拆成两三段，每段只讲一件事",
                            c.paragraph_max_chars
                        )),
                    );
                }
                for sentence in text.split(ENDS) {
                    let n = count(sentence);
                    if n > c.sentence_max_chars {
                        let head: String = sentence.trim().chars().take(12).collect();
                        out.push(
                            Diagnostic::warning(
                                codes::LONG_SENTENCE,
                                format!("「{head}……」这句有 {n} 个字，读起来太吃力"),
                            )
                            .at(&p.file, &p.source, span.start..span.start + 1)
                            .label("这一段里有长句")
                            .hint(format!(
                                "一句话最好不超过 {} 个字：在逗号处断开，改成两句",
                                c.sentence_max_chars
                            )),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

/// Characters a reader reads: everything but whitespace.
fn count(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}
