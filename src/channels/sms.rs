//! SMS texts: the length of one segment, checking a writer's `sms`, and drafting one from the
//! description when there is none. A text is counted in UTF-16 units, as carriers count a UCS-2
//! segment (70 units; an emoji takes two), with the signature `【…】` included.

use crate::diag::{Diagnostic, codes};
use crate::hotlines::Hotline;
use crate::toml_read::Sp;

/// Characters in one UCS-2 SMS segment.
pub const SEGMENT: usize = 70;

/// Length of `text` as a carrier counts it.
pub fn units(text: &str) -> usize {
    text.encode_utf16().count()
}

/// `text` on one line: line breaks and runs of spaces removed between Chinese characters, a single
/// space kept between Latin letters or digits (writers paste from Word, with stray spaces and breaks).
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if std::mem::take(&mut pending_space)
            && out.chars().next_back().is_some_and(|p| p.is_ascii())
            && c.is_ascii()
        {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A writer's `sms`, checked: not empty, and with `signature` within one segment. A web address in it
/// is a warning.
pub fn check_written(
    sms: &Sp<String>,
    signature: &str,
    at: (&std::path::Path, &std::sync::Arc<str>),
    warnings: &mut Vec<Diagnostic>,
) -> Result<String, Diagnostic> {
    let text = tidy(&sms.value);
    let locate = |d: Diagnostic| d.at(at.0, at.1, sms.span.clone());
    if text.is_empty() {
        return Err(locate(Diagnostic::error(
            codes::CHANNEL_TEXT_EMPTY,
            "`sms` 是空的",
        ))
        .label("空短信")
        .hint("写一两句完整的提醒，例如 sms = \"陌生人上门要看银行卡、问密码，别开门，先打社区电话核实。\"；删掉这一行就按 description 自动生成"));
    }
    let total = units(signature) + units(&text);
    if total > SEGMENT {
        let cut = total - SEGMENT;
        return Err(locate(Diagnostic::error(
            codes::SMS_TOO_LONG,
            format!("短信加上签名「{signature}」共 {total} 个字，超过一条短信的 {SEGMENT} 个字"),
        ))
        .label(format!("多了 {cut} 个字"))
        .hint(format!(
            "请删掉至少 {cut} 个字（签名占 {} 个字，短信本身最多 {} 个字）；超过 {SEGMENT} 个字会拆成两条发送，老人的手机上常常顺序颠倒或只收到半条",
            units(signature),
            SEGMENT.saturating_sub(units(signature))
        )));
    }
    let lower = text.to_ascii_lowercase();
    if lower.contains("http") || lower.contains("www.") {
        warnings.push(
            locate(Diagnostic::warning(
                codes::SMS_HAS_URL,
                "短信里有网址",
            ))
            .label("网址")
            .hint("短信里的网址常被运营商拦截，而且我们一直提醒老人“不点短信里的链接”；请删掉网址，改写热线电话或“请到社区居委会咨询”"),
        );
    }
    Ok(text)
}

/// Punctuation that ends a sentence (closing quotes after it stay with the sentence).
fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '…')
}

/// Punctuation between clauses of one sentence.
fn ends_clause(c: char) -> bool {
    matches!(c, '，' | '、' | '：' | ',' | ':')
}

fn is_closing(c: char) -> bool {
    matches!(c, '”' | '’' | '」' | '』' | '）' | ')' | '》' | '"')
}

/// The sentences of a tidied text, each with its end punctuation.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut ended = false;
    for (i, c) in text.char_indices() {
        if ended && !ends_sentence(c) && !is_closing(c) {
            out.push(&text[start..i]);
            start = i;
        }
        ended = ends_sentence(c) || (ended && is_closing(c));
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Whether quotes and brackets opened in `s` are closed in it.
fn balanced(s: &str) -> bool {
    let pairs = [
        ('“', '”'),
        ('‘', '’'),
        ('「', '」'),
        ('『', '』'),
        ('（', '）'),
        ('(', ')'),
        ('《', '》'),
    ];
    pairs.iter().all(|&(open, close)| {
        s.chars().filter(|&c| c == open).count() == s.chars().filter(|&c| c == close).count()
    }) && s.chars().filter(|&c| c == '"').count() % 2 == 0
}

/// `s` ending with a full stop: trailing clause punctuation replaced, nothing added after an end mark.
fn full_stop(s: &str) -> String {
    let s = s.trim_end_matches(|c: char| ends_clause(c) || c.is_whitespace());
    match s.chars().next_back() {
        Some(c) if ends_sentence(c) || is_closing(c) => s.to_string(),
        _ => format!("{s}。"),
    }
}

/// The longest run of whole clauses at the start of `sentence` that, ended with a full stop, fits in
/// `budget` units and leaves no quote or bracket open.
fn clauses_within(sentence: &str, budget: usize) -> Option<String> {
    let ends = sentence
        .char_indices()
        .filter(|&(_, c)| ends_clause(c) || ends_sentence(c))
        .map(|(i, c)| i + c.len_utf8())
        .chain(std::iter::once(sentence.len()));
    let mut best = None;
    for end in ends {
        let head = full_stop(&sentence[..end]);
        if units(&head) > budget {
            break;
        }
        if balanced(&head) && units(&head) > 1 {
            best = Some(head);
        }
    }
    best
}

/// A cut of `text` within `budget` units (full stop included) that splits no number or Latin word and
/// leaves no quote or bracket open: the last resort for a text without a short enough clause.
fn hard_cut(text: &str, budget: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut n = 0;
    let mut used = 0;
    while n < chars.len() && used + chars[n].len_utf16() < budget {
        used += chars[n].len_utf16();
        n += 1;
    }
    let word = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
    while n > 0 {
        let inside = n < chars.len() && word(chars[n - 1]) && word(chars[n]);
        let head: String = chars[..n].iter().collect();
        if !inside && balanced(&head) {
            return full_stop(&head);
        }
        n -= 1;
    }
    String::new()
}

/// Draft an SMS from `source` (the description, or the start of the text) within `budget` units: one
/// or two whole sentences, then "如遇可疑，请拨打…。" with the first primary hotline when it fits;
/// else the first sentence's leading clauses; else the title's; never a cut inside a word or number.
pub fn draft(source: &str, title: &str, hotline: Option<&Hotline>, budget: usize) -> String {
    let text = tidy(source);
    let all = sentences(&text);
    let whole: Vec<String> = all.iter().take(2).map(|s| full_stop(s)).collect();
    let call = hotline.map_or(String::new(), |h| {
        format!("如遇可疑，请拨打{}。", h.display)
    });
    let fits = |s: &str| units(s) <= budget;
    let mut candidates: Vec<String> = Vec::new();
    if whole.len() == 2 {
        candidates.push(format!("{}{}{call}", whole[0], whole[1]));
    }
    if let Some(first) = whole.first() {
        candidates.push(format!("{first}{call}"));
        if whole.len() == 2 {
            candidates.push(format!("{}{}", whole[0], whole[1]));
        }
        candidates.push(first.clone());
    }
    if let Some(c) = candidates.into_iter().find(|c| !c.is_empty() && fits(c)) {
        return c;
    }
    let title = tidy(title);
    for from in [all.first().copied().unwrap_or(""), title.as_str()] {
        let room = budget.saturating_sub(units(&call));
        if let Some(head) = clauses_within(from, room) {
            return format!("{head}{call}");
        }
        if let Some(head) = clauses_within(from, budget) {
            return head;
        }
    }
    let base = if text.is_empty() { &title } else { &text };
    hard_cut(base, budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn police() -> Hotline {
        Hotline {
            id: "police".into(),
            name: "报警电话".into(),
            number: "110".into(),
            area_code: String::new(),
            hours: String::new(),
            scope: String::new(),
            region: String::new(),
            verified: String::new(),
            primary: true,
            display: "110".into(),
            tel: "tel:110".into(),
            stale: false,
        }
    }

    #[test]
    fn tidy_joins_lines_and_keeps_spaces_between_latin() {
        assert_eq!(
            tidy(" 请拨打\n 12315 投诉。\r\n ok go "),
            "请拨打12315投诉。ok go"
        );
    }

    #[test]
    fn drafts_two_sentences_and_the_hotline_when_they_fit() {
        let d = draft(
            "陌生人上门要看银行卡。请不要开门！",
            "t",
            Some(&police()),
            60,
        );
        assert_eq!(d, "陌生人上门要看银行卡。请不要开门！如遇可疑，请拨打110。");
    }

    #[test]
    fn a_long_sentence_is_cut_at_a_clause_and_never_inside_a_number() {
        let long = "有人自称社区工作人员，上门说要核对养老金12345678元的发放情况，还要看银行卡和密码，再让交手续费";
        let d = draft(long, "标题", Some(&police()), 40);
        assert!(units(&d) <= 40, "{d}");
        assert!(d.ends_with('。'), "{d}");
        assert!(!d.contains("1234567") || d.contains("12345678"), "{d}");
        let cut = hard_cut("核对养老金12345678元的发放情况", 12);
        assert_eq!(cut, "核对养老金。");
    }

    #[test]
    fn quotes_are_never_left_open() {
        let d = draft(
            "把普通食品包装成能治病的“宝贝，再高价卖给老人”，这是骗局。",
            "标题",
            None,
            20,
        );
        assert!(balanced(&d), "{d}");
        assert!(units(&d) <= 20, "{d}");
    }
}
