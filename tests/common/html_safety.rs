//! A checker for rendered HTML shared by the fuzz target and the tests: no script element, no URL
//! attribute with a script scheme, no event-handler attribute. Text that merely mentions these is
//! escaped by the renderer and is harmless, so only real tags are inspected.

/// What unsafe markup `html` still contains, if any.
pub fn unsafe_markup(html: &str) -> Option<String> {
    let html = html.to_ascii_lowercase();
    let mut rest = html.as_str();
    while let Some(open) = rest.find('<') {
        let tag_end = rest[open..].find('>').map_or(rest.len(), |e| open + e);
        let tag = &rest[open..tag_end];
        for bad in ["<script", "<iframe", "<object", "<embed", "<style"] {
            if tag.starts_with(bad) {
                return Some(format!("{bad}> element"));
            }
        }
        for (name, value) in attributes(tag) {
            if name.starts_with("on") {
                return Some(format!("event handler {name}"));
            }
            if matches!(
                name.as_str(),
                "href" | "src" | "action" | "formaction" | "xlink:href"
            ) {
                let v: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect();
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    if v.starts_with(scheme) {
                        return Some(format!("{name}={value}"));
                    }
                }
            }
        }
        rest = &rest[(tag_end + 1).min(rest.len())..];
    }
    None
}

/// `(name, value)` of each attribute of one start tag (`<a href="x" class=y>` without the `>`).
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let body = tag.trim_start_matches('<');
    let mut chars = body.char_indices().peekable();
    // skip the tag name
    while let Some(&(_, c)) = chars.peek() {
        if c.is_whitespace() || c == '/' {
            break;
        }
        chars.next();
    }
    loop {
        while chars
            .peek()
            .is_some_and(|&(_, c)| c.is_whitespace() || c == '/')
        {
            chars.next();
        }
        let Some(&(start, _)) = chars.peek() else {
            break;
        };
        while chars
            .peek()
            .is_some_and(|&(_, c)| !c.is_whitespace() && c != '=' && c != '/')
        {
            chars.next();
        }
        let end = chars.peek().map_or(body.len(), |&(i, _)| i);
        let name = body[start..end].to_string();
        let mut value = String::new();
        if chars.peek().is_some_and(|&(_, c)| c == '=') {
            chars.next();
            match chars.peek().map(|&(_, c)| c) {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        value.push(c);
                    }
                }
                _ => {
                    while let Some(&(_, c)) = chars.peek() {
                        if c.is_whitespace() {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
            }
        }
        if name.is_empty() {
            break;
        }
        out.push((name, value));
    }
    out
}
