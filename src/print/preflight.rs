//! Colour preflight of the print templates for `fangpian check`: a print shop prints in CMYK, so every
//! colour a template (`print/*.typ`, the theme's or the site's) defines outside CMYK — `rgb(…)`,
//! `luma(…)`, the other colour constructors, or one of Typst's named colours that `lib.typ` does not
//! redefine in CMYK — is warning W2011, pointing at the colour with the CMYK value to use instead.

use std::sync::LazyLock;

use regex::Regex;

use crate::diag::{Diagnostic, codes};

use super::engine::TemplateFile;

/// Colour constructors outside CMYK, and Typst's named colours (RGB or grey) after `fill:`, `stroke:`
/// or `+` (a stroke such as `1pt + navy`). `lib.typ` redefines `white`, `black`, `red`, `yellow` and
/// `blue` in CMYK, so those names are fine.
static NON_CMYK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \b(?:rgb|luma|oklab|oklch|linear-rgb|hsl|hsv|color\.rgb|color\.luma)\s*\(
        | (?:fill|stroke)\s*:\s*(?:gray|silver|navy|aqua|teal|eastern|purple|fuchsia|maroon|orange|olive|green|lime)\b
        | \+\s*(?:gray|silver|navy|aqua|teal|eastern|purple|fuchsia|maroon|orange|olive|green|lime)\b",
    )
    .expect("valid regex")
});

/// W2011 for every non-CMYK colour in `templates` (comments are skipped).
pub fn colours(templates: &[TemplateFile]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for t in templates {
        let mut offset = 0;
        for line in t.text.split_inclusive('\n') {
            let code = line.find("//").map_or(line, |c| &line[..c]);
            for m in NON_CMYK.find_iter(code) {
                let at = offset + m.start();
                out.push(
                    Diagnostic::warning(
                        codes::PRINT_NOT_CMYK,
                        format!("印刷模板 {} 里的颜色不是 CMYK：{}", t.display.display(), m.as_str().trim_end_matches('(')),
                    )
                    .at(&t.display, &t.text, at..offset + m.end())
                    .label("印刷厂要 CMYK 颜色")
                    .hint(
                        "改用 cmyk(青%, 品红%, 黄%, 黑%)，例如 cmyk(0%, 100%, 85%, 30%)；文字和细线只用黑色 cmyk(0%, 0%, 0%, 100%)（lib.typ 里的 black），四色加起来不超过 300%",
                    ),
                );
            }
            offset += line.len();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::Arc;

    fn file(text: &str) -> TemplateFile {
        TemplateFile {
            name: "x.typ".into(),
            display: PathBuf::from("print/x.typ"),
            text: Arc::from(text),
        }
    }

    #[test]
    fn rgb_luma_and_named_colours_are_found_but_cmyk_and_comments_are_not() {
        let t = file(
            "#let a = rgb(\"#ff0000\")\n#let b = luma(20%)\n// rgb(1, 2, 3) in a comment\n#rect(fill: navy, stroke: 1pt + gray)\n#let c = cmyk(0%, 0%, 0%, 100%)\n#rect(fill: red)\n",
        );
        let found: Vec<String> = colours(&[t]).iter().map(|d| d.message.clone()).collect();
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found[0].ends_with("rgb"), "{found:?}");
        assert!(found[1].ends_with("luma"), "{found:?}");
        assert!(
            found[2].contains("navy") && found[3].contains("gray"),
            "{found:?}"
        );
    }

    #[test]
    fn the_default_theme_is_all_cmyk() {
        let files: Vec<TemplateFile> = crate::theme::default_theme_files()
            .into_iter()
            .filter_map(|(rel, bytes)| {
                rel.strip_prefix("print/").map(|n| TemplateFile {
                    name: n.into(),
                    display: PathBuf::from(&rel),
                    text: Arc::from(String::from_utf8_lossy(bytes).as_ref()),
                })
            })
            .collect();
        assert!(files.len() >= 5);
        let found: Vec<String> = colours(&files).iter().map(|d| d.render()).collect();
        assert!(found.is_empty(), "{found:?}");
    }
}
