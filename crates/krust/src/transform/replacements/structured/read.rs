//! Whether a string's text is YAML to kustomize 5.8, and reading it.
//!
//! kustomize asks go-yaml to `Unmarshal` the text into a `yaml.Node`, which
//! only parses: repeated keys, keys JSON cannot hold and tags the text does
//! not fit all pass. krust's loader, which also converts, judges validity
//! with those conversion errors set aside; [`super::parse`] then builds the
//! node tree.

use super::{parse, Failure};

/// Reads a scalar's text as go-yaml's `Unmarshal` into a node does: the
/// first document (a `Doc` without root for text without one).
pub(crate) fn read(text: &str) -> Result<parse::Parsed, Failure> {
    check_valid(text)?;
    parse::parse(text).map_err(|e| Failure::Unsupported(e.0))
}

/// Fails as go-yaml fails on text that is not YAML (krust's loader judges,
/// on the first document only). Repeated keys and keys that are not
/// strings are fine in a node tree; only converting it to JSON refuses
/// them.
pub(super) fn check_valid(text: &str) -> Result<(), Failure> {
    if text.chars().any(|c| !allowed_char(c)) {
        return Err(Failure::Path(
            "yaml: control characters are not allowed".into(),
        ));
    }
    let options = krust_yaml::LoadOptions {
        duplicate_keys_last_wins: true,
        ..Default::default()
    };
    match krust_yaml::load_documents_with(first_document(text), options) {
        Err(e) if !only_decoding(&e.message) => {
            // go-yaml leaves out libyaml's context ("while parsing a node").
            let problem = match e.message.split_once(", ") {
                Some((context, problem)) if context.starts_with("while ") => problem,
                _ => &e.message,
            };
            Err(Failure::Path(format!("yaml: line {}: {problem}", e.line)))
        }
        _ => Ok(()),
    }
}

/// Whether a loader error is about converting values (a tag the text does
/// not fit, a key JSON cannot hold), which reading into a node skips.
fn only_decoding(message: &str) -> bool {
    [
        "cannot decode",
        "kustomize cannot",
        "cannot be a mapping key",
        "map merge",
        "binary",
    ]
    .iter()
    .any(|m| message.contains(m))
}

/// The characters libyaml's reader accepts.
fn allowed_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// The text up to the line that ends the first document (a `---` after
/// content, or `...`).
fn first_document(text: &str) -> &str {
    let mut offset = 0;
    let mut seen_content = false;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches('\n');
        let marker = |m: &str| {
            bare.strip_prefix(m)
                .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
        };
        if marker("...") || (seen_content && marker("---")) {
            return &text[..offset];
        }
        let rest = bare.trim_start();
        if !rest.is_empty() && !rest.starts_with('#') && !marker("---") {
            seen_content = true;
        }
        offset += line.len();
    }
    text
}
