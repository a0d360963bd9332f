//! Footnotes numbered in order of first appearance, with links both ways.

use std::collections::HashMap;

/// Footnotes numbered in order of first appearance, with ids for the way there and back: the
/// reference links to `#fn-LABEL`, the note ends with a 返回正文 link to the first reference.
#[derive(Default)]
pub(super) struct Footnotes {
    numbers: HashMap<String, usize>,
    /// References written so far per label (the second one gets `fnref-LABEL-2`).
    refs: HashMap<String, usize>,
    open: Vec<String>,
}

impl Footnotes {
    fn number(&mut self, label: &str) -> usize {
        let next = self.numbers.len() + 1;
        *self.numbers.entry(label.to_string()).or_insert(next)
    }

    fn id(label: &str) -> String {
        tera::escape_html(&crate::slug::heading_id(label))
    }

    pub(super) fn reference(&mut self, label: &str) -> String {
        let n = self.number(label);
        let seen = self.refs.entry(label.to_string()).or_insert(0);
        *seen += 1;
        let id = Self::id(label);
        let ref_id = if *seen == 1 {
            format!("fnref-{id}")
        } else {
            format!("fnref-{id}-{seen}")
        };
        format!(
            "<sup class=\"footnote-reference\" id=\"{ref_id}\"><a href=\"#fn-{id}\" aria-label=\"注释 {n}\">{n}</a></sup>"
        )
    }

    pub(super) fn definition_start(&mut self, label: &str) -> String {
        let n = self.number(label);
        self.open.push(label.to_string());
        format!(
            "<div class=\"footnote-definition\" id=\"fn-{}\"><sup class=\"footnote-definition-label\">{n}</sup>",
            Self::id(label)
        )
    }

    pub(super) fn definition_end(&mut self) -> String {
        match self.open.pop() {
            Some(label) if self.refs.contains_key(&label) => format!(
                " <a class=\"footnote-back\" href=\"#fnref-{}\">返回正文</a></div>",
                Self::id(&label)
            ),
            _ => "</div>".to_string(),
        }
    }
}
