//! User-facing diagnostics: stable error codes, Simplified Chinese messages, source locations
//! (`file:line:column`), an excerpt with the spot marked, a hint, and their text and JSON renderings.
//!
//! Every problem a writer can cause is reported through [`Diagnostic`]; nothing in the build panics on bad
//! input. The list of codes lives in [`codes`] so they stay stable across releases.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term;

/// Stable diagnostic codes. `E` = error, `W` = warning. Never reuse or renumber a code.
pub mod codes {
    // E10xx: reading content files and front matter
    pub const UNREADABLE: &str = "E1000";
    pub const NO_FRONT_MATTER: &str = "E1001";
    pub const UNCLOSED_FRONT_MATTER: &str = "E1002";
    pub const TOML_SYNTAX: &str = "E1003";
    pub const UNKNOWN_KEY: &str = "E1004";
    pub const WRONG_TYPE: &str = "E1005";
    pub const MISSING_TITLE: &str = "E1006";
    pub const INVALID_VALUE: &str = "E1007";
    pub const INVALID_DATE: &str = "E1008";
    pub const INVALID_UTF8: &str = "E1009";
    pub const EMPTY_FILE: &str = "E1010";
    pub const URL_COLLISION: &str = "E1011";
    pub const INVALID_SLUG: &str = "E1012";
    pub const UNKNOWN_CATEGORY: &str = "E1013";
    pub const PATH_OUTSIDE_ROOT: &str = "E1014";
    pub const TOO_DEEP: &str = "E1015";
    pub const PERMISSION_DENIED: &str = "E1016";
    pub const SYMLINK_LOOP: &str = "E1017";
    pub const MISNAMED_CONTENT: &str = "E1018";
    pub const CONFUSABLE_CHAR: &str = "E1019";
    // E110x: the command line (usage errors, exit code 2)
    pub const CLI_UNKNOWN_OPTION: &str = "E1100";
    pub const CLI_MISSING_VALUE: &str = "E1101";
    pub const CLI_UNKNOWN_COMMAND: &str = "E1102";
    pub const CLI_INVALID_VALUE: &str = "E1103";
    pub const CLI_MISSING_ARGUMENT: &str = "E1104";
    pub const CLI_EXTRA_ARGUMENT: &str = "E1105";
    pub const CLI_REPEATED: &str = "E1106";
    /// Any other usage error clap reports (arguments not in UTF-8, …).
    pub const CLI_OTHER: &str = "E1107";
    // E12xx: links and references inside content
    pub const BROKEN_LINK: &str = "E1201";
    pub const BROKEN_ANCHOR: &str = "E1202";
    pub const UNKNOWN_HOTLINE: &str = "E1203";
    pub const LINK_OUTSIDE_ROOT: &str = "E1204";
    // E13xx: hotlines.toml
    pub const HOTLINES_MISSING: &str = "E1300";
    pub const HOTLINE_FIELD: &str = "E1301";
    pub const HOTLINE_DUPLICATE: &str = "E1302";
    pub const HOTLINE_NUMBER: &str = "E1303";
    pub const HOTLINE_AREA_CODE: &str = "E1304";
    // E14xx: site.toml and theme
    pub const SITE_MISSING: &str = "E1400";
    pub const SITE_INVALID: &str = "E1401";
    pub const THEME_MISSING: &str = "E1402";
    /// The build environment: `SOURCE_DATE_EPOCH` is not a usable date.
    pub const SOURCE_DATE_EPOCH: &str = "E1403";
    // E15xx: templates
    pub const TEMPLATE_SYNTAX: &str = "E1501";
    pub const TEMPLATE_RENDER: &str = "E1502";
    pub const TEMPLATE_MISSING: &str = "E1503";
    // E17xx: print (posters and leaflets)
    pub const PRINT_TEMPLATE: &str = "E1701";
    pub const MISSING_GLYPH: &str = "E1702";
    pub const PRINT_OVERFLOW: &str = "E1703";
    pub const VARIANTS: &str = "E1704";
    pub const PRINT_LAYOUT: &str = "E1705";
    pub const LEAFLET_PANELS: &str = "E1706";
    // E16xx: output folder
    pub const OUTPUT_REFUSED: &str = "E1601";
    pub const OUTPUT_IO: &str = "E1602";
    pub const CONTENT_MISSING: &str = "E1603";
    pub const OUTPUT_BUSY: &str = "E1604";
    pub const OUTPUT_PERMISSION: &str = "E1605";
    // E18xx: the preview server
    pub const SERVE_BIND: &str = "E1801";
    pub const SERVE_WATCH: &str = "E1802";
    // `fangpian deploy` (E1900–E1919).
    pub const DEPLOY_CONFIG: &str = "E1900";
    pub const DEPLOY_NOT_CONFIGURED: &str = "E1901";
    pub const DEPLOY_CREDENTIALS: &str = "E1902";
    pub const DEPLOY_DENIED: &str = "E1903";
    pub const DEPLOY_UNREACHABLE: &str = "E1904";
    pub const DEPLOY_UPLOAD: &str = "E1905";
    pub const DEPLOY_TOO_MANY_DELETES: &str = "E1906";
    pub const DEPLOY_DELETE: &str = "E1907";
    pub const DEPLOY_NO_BUCKET: &str = "E1908";
    // W2xxx: warnings
    pub const STALE_HOTLINE: &str = "W2001";
    pub const UNSAFE_URL: &str = "W2002";
    pub const RAW_HTML_SANITIZED: &str = "W2003";
    pub const MISSING_ALT: &str = "W2004";
    pub const EXPIRED_ALERT: &str = "W2005";
    pub const REVIEW_DUE: &str = "W2006";
    pub const LONG_SENTENCE: &str = "W2007";
    pub const LONG_PARAGRAPH: &str = "W2008";
    pub const TEMP_LEFT_BEHIND: &str = "W2009";
    /// `serve --bind` to an address other machines can reach.
    pub const SERVE_VISIBLE: &str = "W2010";
    /// A print template defines a colour outside CMYK.
    pub const PRINT_NOT_CMYK: &str = "W2011";

    /// A writer's `sms` is longer than one segment with the signature.
    pub const SMS_TOO_LONG: &str = "E1930";
    /// A writer's `sms`, `broadcast` or `jingle` is empty.
    pub const CHANNEL_TEXT_EMPTY: &str = "E1931";
    /// `[channels] sms_signature` is unusable (empty or too long).
    pub const SMS_SIGNATURE: &str = "E1932";
    /// A writer's `sms` carries a web address (carriers block such texts; residents are told never to tap SMS links).
    pub const SMS_HAS_URL: &str = "W2050";
    /// `[channels] share_images` names a kind of page that cannot have a share image.
    pub const CHANNELS_CONFIG: &str = "E1940";
    /// A WeChat version's title is over WeChat's 32 characters.
    pub const WECHAT_TITLE_LONG: &str = "W2055";
    /// A WeChat version's text is over WeChat's 20,000 characters.
    pub const WECHAT_TEXT_LONG: &str = "W2056";
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a source file: the file's path as shown to the user, its text, and a byte range.
#[derive(Clone, Debug)]
pub struct Location {
    pub file: PathBuf,
    pub source: Arc<str>,
    pub span: Range<usize>,
}

impl Location {
    /// 1-based line and column (in characters) of the start of the span.
    pub fn line_col(&self) -> (usize, usize) {
        line_col(&self.source, self.span.start)
    }
}

/// 1-based line and character column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One problem found in the site, for a human or a machine.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub location: Option<Box<Location>>,
    /// Short text shown under the marked spot.
    pub label: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            location: None,
            label: String::new(),
            hint: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Attach the spot in a file this diagnostic is about.
    pub fn at(mut self, file: &Path, source: &Arc<str>, span: Range<usize>) -> Self {
        let len = source.len();
        let start = floor_char_boundary(source, span.start.min(len));
        let end = floor_char_boundary(source, span.end.clamp(start, len));
        self.location = Some(Box::new(Location {
            file: file.to_path_buf(),
            source: source.clone(),
            span: start..end,
        }));
        self
    }

    /// Attach a whole file without a particular spot (points at its first character).
    pub fn in_file(self, file: &Path, source: &Arc<str>) -> Self {
        self.at(file, source, 0..0)
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column`, or an empty string when there is no location.
    pub fn position(&self) -> String {
        match &self.location {
            Some(loc) => {
                let (l, c) = loc.line_col();
                format!("{}:{}:{}", loc.file.display(), l, c)
            }
            None => String::new(),
        }
    }

    /// The full human rendering: header, `file:line:column`, excerpt with the spot marked, hint.
    pub fn render(&self) -> String {
        let kind = match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        let Some(loc) = &self.location else {
            let mut out = format!("{kind}[{}]: {}\n", self.code, self.message);
            if let Some(h) = &self.hint {
                out.push_str(&format!("  = 提示：{h}\n"));
            }
            return out;
        };
        let name = loc.file.display().to_string();
        let window = Window::around(&name, &loc.source, loc.span.clone());
        let span = window.as_ref().map_or(loc.span.clone(), |w| w.span.clone());
        let mut d = match self.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        }
        .with_code(self.code)
        .with_message(&self.message)
        .with_labels(vec![Label::primary((), span).with_message(&self.label)]);
        if let Some(h) = &self.hint {
            d = d.with_notes(vec![format!("提示：{h}")]);
        }
        let config = term::Config::default();
        let body = match &window {
            Some(w) => term::emit_into_string(&config, w, &d),
            None => {
                term::emit_into_string(&config, &SimpleFile::new(name, loc.source.as_ref()), &d)
            }
        }
        .unwrap_or_else(|_| self.message.clone());
        // codespan writes English severity words; the header is replaced with a Chinese one.
        let mut lines = body.lines();
        let _ = lines.next();
        let mut out = format!("{kind}[{}]: {}\n", self.code, self.message);
        for l in lines {
            out.push_str(l);
            out.push('\n');
        }
        out
    }

    /// A machine-readable rendering for `check --format json`.
    pub fn to_json(&self) -> serde_json::Value {
        let (file, line, column) = match &self.location {
            Some(loc) => {
                let (l, c) = loc.line_col();
                (Some(loc.file.display().to_string()), Some(l), Some(c))
            }
            None => (None, None, None),
        };
        serde_json::json!({
            "code": self.code,
            "severity": match self.severity { Severity::Error => "error", Severity::Warning => "warning" },
            "message": self.message,
            "file": file,
            "line": line,
            "column": column,
            "hint": self.hint,
        })
    }
}

/// Lines longer than this many characters are shown as a window around the marked spot.
const LONG_LINE: usize = 160;
/// Characters shown before and after the start of the marked spot on a long line.
const BEFORE: usize = 50;
const AFTER: usize = 70;

/// A window of about 120 characters of one long line, around a diagnostic's spot, shown with the
/// line's real number and columns: an error on a 5-million-character line printed all of it.
struct Window {
    name: String,
    /// The window's text, with `…` where the line was cut.
    text: String,
    /// The marked spot inside `text`.
    span: Range<usize>,
    line: usize,
    /// Real column of the first character after the leading `…`, and that character's offset.
    first_col: usize,
    prefix: usize,
}

impl Window {
    /// `None` when the spot's line is short enough to show whole.
    fn around(name: &str, source: &str, span: Range<usize>) -> Option<Window> {
        let start = span.start.min(source.len());
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line = &source[line_start..line_end];
        line.chars().nth(LONG_LINE)?; // short enough to show whole
        let before = &source[line_start..start];
        let from = before
            .char_indices()
            .rev()
            .nth(BEFORE - 1)
            .map_or(line_start, |(i, _)| line_start + i);
        let to = source[start..line_end]
            .char_indices()
            .nth(AFTER)
            .map_or(line_end, |(i, _)| start + i);
        let lead = if from > line_start { "…" } else { "" };
        let tail = if to < line_end { "…" } else { "" };
        let text = format!("{lead}{}{tail}", &source[from..to]);
        let prefix = lead.len();
        let mark = |i: usize| prefix + i.clamp(from, to) - from;
        let (l, first_col) = line_col(source, from);
        Some(Window {
            name: name.to_string(),
            text,
            span: mark(start)..mark(span.end.max(start)),
            line: l,
            first_col,
            prefix,
        })
    }
}

impl<'a> codespan_reporting::files::Files<'a> for Window {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), _: usize) -> Result<usize, codespan_reporting::files::Error> {
        Ok(0)
    }

    fn line_number(&'a self, (): (), _: usize) -> Result<usize, codespan_reporting::files::Error> {
        Ok(self.line)
    }

    fn column_number(
        &'a self,
        (): (),
        _: usize,
        byte_index: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        let end = floor_char_boundary(&self.text, byte_index.clamp(self.prefix, self.text.len()));
        Ok(self.first_col + self.text[self.prefix..end].chars().count())
    }

    fn line_range(
        &'a self,
        (): (),
        _: usize,
    ) -> Result<Range<usize>, codespan_reporting::files::Error> {
        Ok(0..self.text.len())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// A list of errors that stopped a build (never empty when returned as an `Err`).
#[derive(Debug, Default)]
pub struct Failure(pub Vec<Diagnostic>);

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Self {
        Failure(vec![d])
    }
}

impl From<Vec<Diagnostic>> for Failure {
    fn from(d: Vec<Diagnostic>) -> Self {
        Failure(d)
    }
}

/// The closest candidate to `word` by edit distance, if it is close enough to be a plausible typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A hint sentence "did you mean X?" or a list of the valid choices.
pub fn did_you_mean(word: &str, candidates: &[&str]) -> String {
    match suggest(word, candidates.iter().copied()) {
        Some(s) => format!("是不是想写 `{s}`？"),
        None => format!("可用的有：{}", candidates.join("、")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let t = "一二\n三四五x";
        assert_eq!(line_col(t, 0), (1, 1));
        let x = t.find('x').unwrap();
        assert_eq!(line_col(t, x), (2, 4));
    }

    #[test]
    fn render_has_code_position_excerpt_and_hint() {
        let src: Arc<str> = Arc::from("+++\ntitel = \"x\"\n+++\n");
        let d = Diagnostic::error(codes::UNKNOWN_KEY, "未知的键 `titel`")
            .at(Path::new("content/a.md"), &src, 4..9)
            .label("这里")
            .hint("是不是想写 `title`？");
        let r = d.render();
        assert!(r.starts_with("错误[E1004]: 未知的键 `titel`"), "{r}");
        assert!(r.contains("content/a.md:2:1"), "{r}");
        assert!(r.contains("titel = \"x\""), "{r}");
        assert!(r.contains("^^^^^"), "{r}");
        assert!(r.contains("提示：是不是想写 `title`？"), "{r}");
    }

    #[test]
    fn long_lines_are_cut_to_a_window_around_the_spot() {
        let line = format!(
            "{}见[x](@/nope.md)。{}",
            "长".repeat(100_000),
            "尾".repeat(100_000)
        );
        let src: Arc<str> = Arc::from(format!("+++\ntitle = \"x\"\n+++\n\n{line}\n"));
        let at = src.find("[x]").unwrap();
        let d = Diagnostic::error(codes::BROKEN_LINK, "链接的文件不存在")
            .at(Path::new("content/a.md"), &src, at..at + 14)
            .label("找不到这个文件");
        let r = d.render();
        assert!(r.contains("content/a.md:5:100002"), "{r}");
        assert!(
            r.contains("…长长") && r.contains("见[x](@/nope.md)。尾") && r.contains("尾…"),
            "{r}"
        );
        assert!(r.contains("^^^^^^^^^^^^^^ 找不到这个文件"), "{r}");
        assert!(
            r.chars().count() < 600,
            "{} characters: {r}",
            r.chars().count()
        );
        // A short line is shown whole, as before.
        let short: Arc<str> = Arc::from("短行 [x](@/nope.md)\n");
        let r = Diagnostic::error(codes::BROKEN_LINK, "x")
            .at(Path::new("a.md"), &short, 7..22)
            .render();
        assert!(
            r.contains("a.md:1:4") && r.contains("短行 [x](@/nope.md)") && !r.contains('…'),
            "{r}"
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("warning_sign", ["warning_signs", "what_to_do"]),
            Some("warning_signs")
        );
        assert_eq!(suggest("zzz", ["title"]), None);
    }
}
