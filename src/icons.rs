//! Inline SVG icons for web pages: one source for the theme's templates (the `icon(name=…)` Tera
//! function) and for the markup the markdown renderer writes (hotline buttons, callouts). An icon is
//! drawn in the text colour (`currentColor`) and sized to the text (1em), and never depends on a font
//! being installed: glyphs like ☎ or 🔊 show as empty boxes on phones without an emoji font.

use std::collections::HashMap;

/// Icon name → SVG path data on a 24×24 grid (filled, even-odd so cut-outs show), or a stroke when
/// the name is in [`STROKED`]. Drawn for this project.
const PATHS: &[(&str, &str)] = &[
    (
        "phone",
        "M6.6 2.5 9.8 6.1c.5.6.5 1.4 0 2L8.3 9.8c1.2 2.5 3.4 4.7 5.9 5.9l1.7-1.5c.6-.5 1.4-.5 2 0l3.6 3.2c.6.6.6 1.5 0 2.1l-1.9 1.9c-1 1-2.6 1.3-3.9.7C9.4 19.6 4.4 14.6 1.9 8.3 1.3 7 1.6 5.4 2.6 4.4L4.5 2.5c.6-.6 1.5-.6 2.1 0z",
    ),
    (
        "warning",
        "M12 1.5 23.5 22H.5Z M10.8 8.5h2.4v7h-2.4Z M10.8 17.2h2.4v2.4h-2.4Z",
    ),
    (
        "urgent",
        "M12 1.5a10.5 10.5 0 1 0 0 21a10.5 10.5 0 1 0 0-21Z M10.8 5.5h2.4v8.5h-2.4Z M10.8 16h2.4v2.5h-2.4Z",
    ),
    (
        "info",
        "M12 1.5a10.5 10.5 0 1 0 0 21a10.5 10.5 0 1 0 0-21Z M10.8 10h2.4v8.5h-2.4Z M10.8 5.5h2.4v2.5h-2.4Z",
    ),
    (
        "menu",
        "M2.5 4.5h19v3h-19Z M2.5 10.5h19v3h-19Z M2.5 16.5h19v3h-19Z",
    ),
    ("speaker", "M2.5 8.5h4.5l6-5.5v18l-6-5.5H2.5Z"),
    (
        "download",
        "M10.5 2.5h3v10l3.8-3.8 2.1 2.1L12 18.2 4.6 10.8l2.1-2.1 3.8 3.8Z M3 19.5h18v2.5H3Z",
    ),
    ("check", "M3.5 12.5 9.5 18.5 20.5 6"),
    (
        "search",
        "M10 3.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13Z M15 15 20.5 20.5",
    ),
    ("waves", "M16 8.5a5 5 0 0 1 0 7 M19 5.5a9.2 9.2 0 0 1 0 13"),
];

/// Icons drawn as a 2.6-unit stroke instead of a fill.
const STROKED: &[&str] = &["check", "waves", "search"];

fn svg(name: &str) -> Option<String> {
    let body = match name {
        // The speaker with its sound waves: one filled and one stroked path.
        "speak" => format!("{}{}", path("speaker")?, path("waves")?),
        _ => path(name)?,
    };
    Some(format!(
        "<svg class=\"icon icon-{name}\" aria-hidden=\"true\" focusable=\"false\" viewBox=\"0 0 24 24\" width=\"1em\" height=\"1em\">{body}</svg>"
    ))
}

fn path(name: &str) -> Option<String> {
    let d = PATHS.iter().find(|(n, _)| *n == name)?.1;
    Some(if STROKED.contains(&name) {
        format!(
            "<path d=\"{d}\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2.6\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>"
        )
    } else {
        format!("<path d=\"{d}\" fill=\"currentColor\" fill-rule=\"evenodd\"/>")
    })
}

/// The inline SVG of icon `name`; every name used in this crate exists (checked by a test).
pub fn icon(name: &str) -> String {
    svg(name).unwrap_or_default()
}

/// Every icon name templates may ask for.
pub fn names() -> Vec<&'static str> {
    let mut v: Vec<&str> = PATHS.iter().map(|(n, _)| *n).collect();
    v.push("speak");
    v
}

/// The `icon(name="phone")` function for Tera templates; an unknown name is a template error that
/// lists the known ones.
pub fn tera_function(args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let name = args.get("name").and_then(|v| v.as_str()).unwrap_or("");
    svg(name).map(tera::Value::String).ok_or_else(|| {
        tera::Error::msg(format!(
            "没有「{name}」这个图标，可用的有：{}",
            names().join("、")
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_icon_is_inline_svg_in_the_text_colour() {
        for name in names() {
            let s = icon(name);
            assert!(s.starts_with("<svg") && s.ends_with("</svg>"), "{name}");
            assert!(s.contains("currentColor") && s.contains("aria-hidden=\"true\""));
            assert!(s.is_ascii(), "{name}: no glyphs");
        }
        assert_eq!(icon("speak").matches("<path").count(), 2);
        assert!(icon("nope").is_empty());
    }

    #[test]
    fn tera_function_reports_unknown_names() {
        let mut args = HashMap::new();
        args.insert("name".to_string(), tera::Value::from("phone"));
        assert!(tera_function(&args).is_ok());
        args.insert("name".to_string(), tera::Value::from("fone"));
        let e = tera_function(&args).unwrap_err().to_string();
        assert!(e.contains("phone"), "{e}");
    }
}
