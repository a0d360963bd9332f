//! The README's table of template variables is the theme contract: each row names a Rust type that
//! templates receive, and lists exactly that type's fields. A field added to a type without a line in
//! the README, or a field the README promises that no type has, fails here.

use std::collections::{BTreeMap, BTreeSet};

fn repo(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// Serialized field names of every `pub struct` / `pub enum` (struct variants and newtype variants'
/// fields merged) in `source`; `#[serde(flatten)]` fields and skipped ones are left out.
fn type_fields(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut flatten = false;
    for line in source.lines() {
        if let Some(rest) = line
            .strip_prefix("pub struct ")
            .or_else(|| line.strip_prefix("pub enum "))
        {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
            if line.trim_end().ends_with('{') {
                out.insert(name.clone(), BTreeSet::new());
                current = Some(name);
            }
            continue;
        }
        if line == "}" {
            current = None;
            continue;
        }
        let Some(name) = &current else { continue };
        let t = line.trim();
        if t.starts_with("#[serde(flatten)]") || t.starts_with("#[serde(skip)]") {
            flatten = true;
            continue;
        }
        let t = t.strip_prefix("pub ").unwrap_or(t);
        if let Some((field, _)) = t.split_once(": ")
            && field.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            && !field.is_empty()
            && !std::mem::take(&mut flatten)
        {
            out.get_mut(name).unwrap().insert(field.to_string());
        }
    }
    out
}

/// Every `` `word` `` in `text` made of lowercase letters and `_`.
fn code_words(text: &str) -> BTreeSet<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(str::to_string)
        .collect()
}

/// The rows of the README's 模板变量 table: type name → the field names listed.
fn readme_rows() -> Vec<(String, BTreeSet<String>)> {
    let readme = repo("README.md");
    let start = readme
        .find("### 模板变量")
        .expect("README has a 模板变量 section");
    let section = &readme[start..];
    let end = section[4..].find("\n#").map_or(section.len(), |e| e + 4);
    let mut rows = Vec::new();
    let table = section[..end]
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---") && !l.starts_with("| 变量 |"));
    for line in table {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
        assert_eq!(cells.len(), 3, "a row of three cells: {line}");
        let ty = cells[2].trim().trim_matches('`').to_string();
        rows.push((ty, code_words(cells[1])));
    }
    rows
}

/// Words in the table that are variables, values or keys of untyped values, not fields.
const VALUE_WORDS: &[&str] = &[
    "taxonomies",
    "source",
    "term",
    "case",
    "tactic",
    "tags",
    "categories",
    "src",
    "width",
    "height",
    "alt",
    "downloads",
    "previews",
    "versions",
    "office",
    "package",
];

#[test]
fn the_readme_lists_exactly_the_fields_of_every_template_value() {
    let mut types = type_fields(&repo("src/render/values.rs"));
    let hotline = type_fields(&repo("src/hotlines.rs"));
    let heading = type_fields(&repo("src/markdown/mod.rs"));
    types.insert("Hotline".into(), hotline["Hotline"].clone());
    types.insert("Heading".into(), heading["Heading"].clone());
    let rows = readme_rows();
    assert!(rows.len() >= 15, "rows: {rows:?}");
    let mut documented = BTreeSet::new();
    for (ty, listed) in &rows {
        let fields = types
            .get(ty)
            .unwrap_or_else(|| panic!("README names type `{ty}`, which does not exist"));
        let missing: Vec<_> = fields.difference(listed).collect();
        assert!(
            missing.is_empty(),
            "`{ty}`: fields not in the README: {missing:?}"
        );
        // Besides fields, a row may name values (`case`) and the keys of values that are not
        // types of ours (a preview's `src`); any other word is a field the type does not have.
        let unknown: Vec<_> = listed
            .difference(fields)
            .filter(|w| !VALUE_WORDS.contains(&w.as_str()))
            .collect();
        assert!(
            unknown.is_empty(),
            "`{ty}` has no fields {unknown:?}, which the README lists"
        );
        documented.insert(ty.clone());
    }
    for ty in types.keys() {
        assert!(
            documented.contains(ty),
            "type `{ty}` has no row in the README's 模板变量 table"
        );
    }
}

#[test]
fn the_parser_reads_fields_and_skips_flattened_ones() {
    let src = "pub struct A<'a> {\n    pub x: u8,\n    #[serde(flatten)]\n    pub inner: B,\n    /// doc: with a colon\n    pub y_z: Option<&'a str>,\n}\n";
    let f = type_fields(src);
    assert_eq!(
        f["A"],
        ["x", "y_z"]
            .into_iter()
            .map(String::from)
            .collect::<BTreeSet<_>>()
    );
}
