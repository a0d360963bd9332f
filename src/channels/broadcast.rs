//! Loudspeaker scripts (广播稿): markdown turned into text to read aloud, hotline numbers in spoken
//! digits (1 → 幺, 0 → 零), the script of a tactic or alert assembled from its fields, and its
//! reading time at 220 characters a minute.

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::hotlines::{Hotline, Hotlines};

/// Characters an announcer reads in a minute.
pub const CHARS_PER_MINUTE: usize = 220;

/// A phone number read digit by digit: 110 → 幺幺零, 0472-7107009 → 零四七二，七幺零七零零九.
pub fn spoken_digits(number: &str) -> String {
    const DIGITS: [char; 10] = ['零', '幺', '二', '三', '四', '五', '六', '七', '八', '九'];
    let mut out = String::new();
    for c in number.chars() {
        match c.to_digit(10) {
            Some(d) => out.push(DIGITS[d as usize]),
            None if matches!(c, '-' | ' ') && !out.is_empty() && !out.ends_with('，') => {
                out.push('，')
            }
            None => {}
        }
    }
    out.trim_end_matches('，').to_string()
}

/// How a hotline is read: its name, then its number in spoken digits.
pub fn spoken_hotline(h: &Hotline) -> String {
    format!("{}，{}", h.name, spoken_digits(&h.display))
}

/// `text` with every number of a known hotline (a whole run of digits, with or without the area
/// code) replaced by its spoken digits; other numbers (amounts, years) stay as written.
pub fn speak_numbers(text: &str, hotlines: &Hotlines) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        out.push_str(&rest[..start]);
        let run = &rest[start..];
        let len = run
            .find(|c: char| !(c.is_ascii_digit() || c == '-'))
            .unwrap_or(run.len());
        let written = run[..len].trim_end_matches('-');
        let digits: String = written.chars().filter(char::is_ascii_digit).collect();
        let known = hotlines
            .list
            .iter()
            .any(|h| digits == h.number || digits == format!("{}{}", h.area_code, h.number));
        if known {
            out.push_str(&spoken_digits(written));
        } else {
            out.push_str(written);
        }
        rest = &run[written.len()..];
    }
    out.push_str(rest);
    out
}

fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | '…' | '：')
}

/// Whether `text` already ends a sentence (a closing quote counts only after an end mark).
fn ended(text: &str) -> bool {
    let mut rev = text
        .chars()
        .rev()
        .skip_while(|&c| matches!(c, '”' | '」' | '』' | '）' | ')'));
    rev.next().is_some_and(ends_sentence)
}

/// Close the sentence being written: a full stop unless it already ends with one, then a new line.
fn end_line(out: &mut String) {
    let trimmed = out.trim_end_matches([' ', '，', '、', ',']).len();
    out.truncate(trimmed);
    if out.is_empty() || out.ends_with('\n') {
        return;
    }
    if !ended(out) {
        out.push('。');
    }
    out.push('\n');
}

/// Markdown as text to read aloud, one sentence or paragraph a line: no markup, links as their text,
/// list items and headings as sentences, table rows as sentences, hotline links as name and spoken
/// number. Images, code blocks, raw HTML, footnotes and struck-out text are not read.
pub fn speakable(markdown: &str, hotlines: &Hotlines) -> String {
    let mut out = String::new();
    let mut silent = 0usize;
    // For each open link: whether it is a hotline (its own text is replaced by name and number).
    let mut links: Vec<bool> = Vec::new();
    for (ev, _) in crate::markdown::events(markdown) {
        match ev {
            Event::Start(Tag::Link { dest_url, .. }) => {
                let hotline = dest_url.strip_prefix("hotline:").map(str::trim);
                if let (0, Some(h)) = (silent, hotline.and_then(|id| hotlines.get(id))) {
                    out.push_str(&spoken_hotline(h));
                }
                links.push(hotline.is_some());
                silent += usize::from(hotline.is_some());
            }
            Event::End(TagEnd::Link) => silent -= usize::from(links.pop() == Some(true)),
            Event::Start(
                Tag::Image { .. }
                | Tag::CodeBlock(_)
                | Tag::HtmlBlock
                | Tag::FootnoteDefinition(_)
                | Tag::Strikethrough,
            ) => silent += 1,
            Event::End(
                TagEnd::Image
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock
                | TagEnd::FootnoteDefinition
                | TagEnd::Strikethrough,
            ) => silent = silent.saturating_sub(1),
            _ if silent > 0 => {}
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            // Chinese lines join without a space; Latin words and numbers keep one.
            Event::SoftBreak if out.ends_with(|c: char| c.is_ascii_alphanumeric()) => out.push(' '),
            Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::TableHead,
            ) => end_line(&mut out),
            Event::End(TagEnd::TableCell) => out.push('，'),
            _ => {}
        }
    }
    end_line(&mut out);
    let spoken = speak_numbers(out.trim_end(), hotlines);
    let lines: Vec<String> = spoken.lines().map(super::sms::tidy).collect();
    lines.join("\n")
}

/// A writer's whole script (`broadcast`): each line of it is a paragraph.
pub fn written(text: &str, hotlines: &Hotlines) -> String {
    speakable(&text.replace("\r\n", "\n").replace('\n', "\n\n"), hotlines) + "\n"
}

/// Reading time of a script body: the characters read (letters, digits, Han; not punctuation) and the
/// seconds at [`CHARS_PER_MINUTE`], rounded up to 5 seconds.
pub fn reading_time(text: &str) -> (usize, usize) {
    // Han characters first: `is_alphanumeric` looks them up in its slow tables (a fifth of the time
    // spent on channel texts for 10,000 pages). Every character of the basic CJK block is one.
    let chars = text
        .chars()
        .filter(|&c| matches!(c, '\u{4E00}'..='\u{9FFF}') || c.is_alphanumeric())
        .count();
    let seconds = (chars * 60).div_ceil(CHARS_PER_MINUTE);
    (chars, seconds.div_ceil(5) * 5)
}

/// `约 1 分 25 秒` / `约 40 秒`.
pub fn duration_text(seconds: usize) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("约 {s} 秒"),
        (m, 0) => format!("约 {m} 分钟"),
        (m, s) => format!("约 {m} 分 {s} 秒"),
    }
}

/// Chinese ordinal for list items read aloud: 第一 … 第十, then 第11.
fn ordinal(n: usize) -> String {
    const NAMES: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    match NAMES.get(n) {
        Some(name) => format!("第{name}"),
        None => format!("第{}", n + 1),
    }
}

/// What a script is made of.
pub struct Parts<'a> {
    pub title: &'a str,
    /// `Some(level)` for an alert (提示, 警示, 紧急).
    pub alert_level: Option<&'a str>,
    /// Short sentences: the description, then (alerts, and tactics without signs or steps) the text.
    pub gist: Vec<String>,
    pub warning_signs: &'a [String],
    pub what_to_do: &'a [String],
    pub jingle: Option<&'a str>,
    pub hotlines: Vec<&'a Hotline>,
}

/// A numbered list read as sentences after an introduction.
fn read_list(out: &mut String, intro: &str, items: &[String], hotlines: &Hotlines) {
    if items.is_empty() {
        return;
    }
    out.push_str(intro);
    out.push('\n');
    for (n, item) in items.iter().enumerate() {
        out.push_str(&ordinal(n));
        out.push('，');
        out.push_str(&speakable(item, hotlines));
        end_line(out);
    }
}

/// The script body (without its header): greeting, gist, warning signs, what to do, jingle, hotlines,
/// and the hotlines once more at the end.
pub fn compose(p: &Parts, hotlines: &Hotlines) -> String {
    let mut out = String::from("各位居民朋友，大家好！");
    match p.alert_level {
        Some("紧急") => out.push_str("现在播报一条紧急风险提示，请大家注意听。\n"),
        Some(level) => out.push_str(&format!("现在播报一条{level}：\n")),
        None => out.push_str("现在播报一条防骗提醒。\n"),
    }
    out.push_str(&format!(
        "今天提醒大家的是：{}",
        p.title.replace(['：', ':'], "，")
    ));
    end_line(&mut out);
    for line in &p.gist {
        out.push_str(line);
        end_line(&mut out);
    }
    read_list(
        &mut out,
        "骗子常用这些说法和做法，请您记住：",
        p.warning_signs,
        hotlines,
    );
    read_list(
        &mut out,
        "遇到这种情况，请您这样做：",
        p.what_to_do,
        hotlines,
    );
    if let Some(j) = p.jingle {
        out.push_str("送大家一段顺口溜：\n");
        // As written: a line's own comma stays (a jingle pauses there).
        for line in j.lines().map(str::trim).filter(|l| !l.is_empty()) {
            out.push_str(line);
            if !line.ends_with(['，', ',', '、']) {
                end_line(&mut out);
            } else {
                out.push('\n');
            }
        }
    }
    if !p.hotlines.is_empty() {
        let said: Vec<String> = p.hotlines.iter().map(|h| spoken_hotline(h)).collect();
        out.push_str("求助电话请记好：");
        out.push_str(&said.join("；"));
        end_line(&mut out);
        out.push_str("再说一遍：");
        out.push_str(&said.join("；"));
        end_line(&mut out);
    }
    out.push_str("防骗提醒就播报到这里。家里有老人的，请把今天的内容讲给老人听。谢谢大家！\n");
    out
}

/// The whole file: title, reading time, a blank line, then `body`.
pub fn with_header(title: &str, body: &str) -> String {
    let (chars, seconds) = reading_time(body);
    format!(
        "广播稿：{title}\n预计朗读时间：{}（共 {chars} 字，按每分钟 {CHARS_PER_MINUTE} 字计）\n\n{body}",
        duration_text(seconds)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_read_one_by_one_with_yao_for_one() {
        assert_eq!(spoken_digits("110"), "幺幺零");
        assert_eq!(spoken_digits("96110"), "九六幺幺零");
        assert_eq!(spoken_digits("12315"), "幺二三幺五");
        assert_eq!(spoken_digits("0472-7107009"), "零四七二，七幺零七零零九");
    }

    #[test]
    fn reading_time_counts_read_characters_at_220_a_minute() {
        let text = "字".repeat(220) + "，。！";
        assert_eq!(reading_time(&text), (220, 60));
        assert_eq!(reading_time("一二三"), (3, 5));
        assert_eq!(duration_text(85), "约 1 分 25 秒");
        assert_eq!(duration_text(40), "约 40 秒");
    }

    #[test]
    fn markdown_becomes_plain_sentences() {
        let md = "## 记住\n\n- **保健品**不是药\n- 看[免费讲座](@/tactics/x.md)要小心\n\n![图](a.png)一段话\n";
        let text = speakable(md, &Hotlines::default());
        assert_eq!(text, "记住。\n保健品不是药。\n看免费讲座要小心。\n一段话。");
    }
}
