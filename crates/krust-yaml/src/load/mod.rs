//! Multi-document YAML input, resolved as kustomize v5.5.0 reads resources.
//!
//! kustomize reads a resource file with kyaml's `ByteReader` (split into
//! documents, parse with go-yaml v3, expand anchors and merge keys with
//! `DeAnchor`) and later turns each document into JSON by decoding it with
//! go-yaml v3 into `map[string]interface{}`. The loader produces the [`Value`]
//! that JSON step yields, in one pass over the events (a second, node-based
//! pass only for documents with merge keys):
//!
//! * [`split`]: kustomize's own document splitting;
//! * [`compose`]: events from `saphyr-parser` to values, with anchors,
//!   aliases, depth and alias-expansion limits;
//! * [`keys`]: what each mapping key becomes;
//! * [`merge`]: `<<` merge keys and duplicate keys, and [`kyaml`], which
//!   redoes documents with merge keys exactly as kyaml expands them;
//! * [`folded`] and the flow-context rule in [`compose`]: the changes kyaml's
//!   write-and-read-back of each resource makes before JSON;
//! * [`libyaml`]: where go-yaml's scanner accepts or rejects what saphyr does not;
//! * [`resolve`]: plain-scalar and tag resolution (with [`strconv`],
//!   [`timestamp`] and [`binary`] for Go's number, time and base64 rules).
//!
//! kustomize reads its own configuration (kustomization files, JSON 6902
//! patches written in YAML, `configurations:` and `crds:` files, ...) with
//! sigs.k8s.io/yaml instead, that is go-yaml v2 and YAML 1.1 scalars; with
//! [`LoadOptions::go_yaml_v2`] the same composer reads that way (the v2
//! resolver in [`resolve`], v2 keys in [`keys`], v2 merges in [`merge`]).

mod binary;
pub use binary::decode_base64;
mod compose;
mod folded;
mod json_syntax;
pub use json_syntax::is_json;
mod keys;
mod kyaml;
mod libyaml;
mod merge;
pub(crate) mod resolve;
mod source;
mod split;
pub(crate) mod timestamp;

use crate::{PathSeg, Value};

/// A YAML problem with the position (1-based line and column) where it was found.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("line {line}, column {column}: {message}")]
pub struct LoadError {
    /// What is wrong.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// Bounds that keep hostile input from exhausting memory or stack.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    /// Deepest nesting of collections accepted.
    pub max_depth: usize,
    /// Most nodes alias expansion may produce in one stream.
    pub max_alias_nodes: usize,
    /// Let a repeated mapping key replace the earlier one instead of failing.
    /// kustomize reads kustomization files through sigs.k8s.io/yaml (go-yaml
    /// v2), which does that; resources go through go-yaml v3, which refuses.
    pub duplicate_keys_last_wins: bool,
    /// Read as sigs.k8s.io/yaml does (`YAMLToJSON`, `Unmarshal`): go-yaml v2
    /// decoding into `interface{}`, then conversion to JSON, instead of
    /// kyaml and go-yaml v3. kustomize reads kustomization files, JSON 6902
    /// patches written in YAML, `configurations:` and `crds:` files, custom
    /// OpenAPI schemas and replacement files this way. The differences:
    ///
    /// * scalars resolve by go-yaml v2's YAML 1.1 rules: `yes`, `no`, `on`,
    ///   `off`, `y`, `n` (and their capitalised and upper-case spellings) are
    ///   booleans, timestamps keep their text, `!` makes a string;
    /// * every mapping key becomes the string sigs.k8s.io/yaml makes of it,
    ///   at any depth (`yes` is `"true"`, `0x10` is `"16"`, `1e3` is
    ///   `"1000"`); null and uint64 keys are errors;
    /// * merge keys are applied in order, each overwriting earlier entries,
    ///   and a mapping may have several;
    /// * only the stream's first document is read, even when it is null
    ///   (then there is no document);
    /// * none of kyaml's rewriting (folded scalars, empty values in flow
    ///   collections) happens.
    ///
    /// Set [`LoadOptions::duplicate_keys_last_wins`] too, except for
    /// `UnmarshalStrict` (which kustomize uses for `configurations:` files).
    pub go_yaml_v2: bool,
}

impl LoadOptions {
    /// sigs.k8s.io/yaml's `YAMLToJSON` and `Unmarshal`: go-yaml v2, a
    /// repeated key replacing the earlier one (see [`LoadOptions::go_yaml_v2`]).
    pub fn sigs_k8s_yaml() -> LoadOptions {
        LoadOptions {
            duplicate_keys_last_wins: true,
            go_yaml_v2: true,
            ..LoadOptions::default()
        }
    }

    /// sigs.k8s.io/yaml's `UnmarshalStrict`: go-yaml v2, a repeated key an error.
    pub fn sigs_k8s_yaml_strict() -> LoadOptions {
        LoadOptions {
            duplicate_keys_last_wins: false,
            go_yaml_v2: true,
            ..LoadOptions::default()
        }
    }
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_depth: 1000,
            max_alias_nodes: 1_000_000,
            duplicate_keys_last_wins: false,
            go_yaml_v2: false,
        }
    }
}

/// Loads every non-empty document of a YAML stream with default limits.
pub fn load_documents(src: &str) -> Result<Vec<Value>, LoadError> {
    load_documents_with(src, LoadOptions::default())
}

/// Loads every non-empty document of a YAML stream.
///
/// Documents that are empty, only comments, or null (`~`, `null`) are
/// skipped, as kustomize skips them; a document whose root is a scalar or a
/// sequence is returned as it is, for the caller to judge.
pub fn load_documents_with(src: &str, opts: LoadOptions) -> Result<Vec<Value>, LoadError> {
    Ok(load_detailed(src, opts)?
        .into_iter()
        .map(|d| d.value)
        .collect())
}

/// Whether go-yaml v3 reads `text`, written as a plain (unquoted, untagged)
/// scalar, as a string. kyaml writes the map keys it creates plain, and
/// kustomize's JSON step then fails on a key that reads as a number, a
/// bool or null (`json: unsupported type: map[interface {}]interface {}`).
/// A timestamp counts as a string: v3 decodes it as text into
/// `interface{}`.
pub fn plain_scalar_is_string(text: &str) -> bool {
    matches!(
        resolve::resolve_scalar(text, true, resolve::TagKind::None),
        Ok((
            _,
            resolve::Resolved::Text
                | resolve::Resolved::Decoded(_)
                | resolve::Resolved::Timestamp(_)
        ))
    )
}

/// Whether go-yaml v3 reads `text`, written as a plain scalar, as a
/// timestamp (`2001-12-14`, `2001-12-14t21:59:43.10-05:00`): kustomize
/// prints such a node as Go prints the time, whatever text it holds.
pub fn plain_scalar_is_timestamp(text: &str) -> bool {
    matches!(
        resolve::resolve_scalar(text, true, resolve::TagKind::None),
        Ok((_, resolve::Resolved::Timestamp(_)))
    )
}

/// kyaml's `IsValueNonString`: whether go-yaml v2 (YAML 1.1) reads `text`
/// as a document that is not a string (`-0`, `yes`, `1_000`, `~`). kyaml
/// writes a string scalar that has no style yet double-quoted when this
/// holds, so that YAML 1.1 readers keep it a string; empty and multi-line
/// texts, and texts v2 cannot read, never count.
pub fn yaml11_reads_as_non_string(text: &str) -> bool {
    if text.is_empty() || text.contains('\n') {
        return false;
    }
    match load_documents_with(text, LoadOptions::sigs_k8s_yaml()) {
        Ok(docs) => !matches!(docs.first(), Some(Value::String(_))),
        Err(_) => false,
    }
}

/// One document with what the value model alone does not say.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The resolved value.
    pub value: Value,
    /// Paths of map entries written with no value (`key:`), which read as
    /// null but which kustomize's strategic merge drops (an explicit `null`
    /// it keeps).
    pub empty_values: Vec<Vec<PathSeg>>,
    /// Scalars that resolved to null, a bool, a number or a timestamp, with
    /// the text they were written as, where that text is not the value's
    /// canonical spelling (`1.50`, `0o644`, `~`, `yes` under a `!!bool`
    /// tag). kyaml keeps a node's text, and kustomize reads some fields
    /// (annotations) as that text. Aliased and merge-key values are not
    /// tracked.
    pub scalar_texts: Vec<(Vec<PathSeg>, String)>,
    /// Map entries holding a string written quoted or as a block (`'x'`,
    /// `|` blocks) that would read the same written plain, by path. kyaml
    /// keeps the style, and a patch writing a number there keeps it too.
    pub styled_strings: Vec<Vec<PathSeg>>,
}

/// [`load_documents_with`], keeping each document's [`Document::empty_values`].
pub fn load_detailed(src: &str, opts: LoadOptions) -> Result<Vec<Document>, LoadError> {
    let src = split::normalize_newlines(src);
    let mut budget = compose::AliasBudget::new(opts.max_alias_nodes);
    if opts.go_yaml_v2 {
        // go-yaml v2's `Unmarshal` parses the stream's first document only.
        let document = compose::first_document(&src, 0, opts, &mut budget)
            .map_err(PosError::into_load_error)?;
        return Ok(document.into_iter().collect());
    }
    let mut documents = Vec::new();
    for chunk in split::split_documents(&src)? {
        let document = compose::first_document(chunk.text, chunk.line_offset, opts, &mut budget)
            .map_err(PosError::into_load_error)?;
        documents.extend(document);
    }
    Ok(documents)
}

/// An error with a stream line (1-based) and a 0-based column in
/// characters, as saphyr counts columns.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PosError {
    pub message: String,
    pub line: usize,
    pub col: usize,
}

impl PosError {
    pub(crate) fn new(message: impl Into<String>, line: usize, col: usize) -> PosError {
        PosError {
            message: message.into(),
            line,
            col,
        }
    }

    /// Converts to the public error (both coordinates 1-based).
    fn into_load_error(self) -> LoadError {
        LoadError {
            message: self.message,
            line: self.line.max(1),
            column: self.col + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v2(src: &str) -> Result<Vec<Value>, LoadError> {
        load_documents_with(src, LoadOptions::sigs_k8s_yaml())
    }

    fn one(src: &str) -> Value {
        let mut docs = v2(src).unwrap();
        assert_eq!(docs.len(), 1, "{src}");
        docs.remove(0)
    }

    fn yaml(value: &Value) -> String {
        crate::to_yaml_string(value).unwrap()
    }

    /// As `kustomize build` printed these values from a JSON patch.
    #[test]
    fn go_yaml_v2_documents() {
        let doc = one(
            "a: yes\nb: ! on\nc: 2021-01-01\nd: 0644\ne: 0o-17\nnested: {1: a, true: b, 1.50: c, y: d}\n",
        );
        assert_eq!(
            yaml(&doc),
            "a: true\nb: \"on\"\nc: \"2021-01-01\"\nd: 420\ne: 0o-17\nnested:\n  \"1\": a\n  \"1.5\": c\n  \"true\": d\n"
        );
        // kyaml's rewriting does not happen: `{k: }` is null, a folded
        // scalar keeps go-yaml's folding.
        let doc = one("flow: {k: , j: ~}\nfold: >\n  a\n  b\n\n   c\n");
        assert_eq!(
            yaml(&doc),
            "flow:\n  j: null\n  k: null\nfold: |\n  a b\n\n   c\n"
        );
    }

    #[test]
    fn go_yaml_v2_merges_apply_in_order() {
        let doc = one(concat!(
            "base: &b {a: 1, b: 2, c: 3}\n",
            "other: &o {b: 20, d: 40}\n",
            "before: {a: 0, <<: *b, c: 30}\n",
            "list: {<<: [*o, *b], e: 5}\n",
            "twice: {<<: *b, x: 1, <<: *o}\n",
            "bang: {! <<: *o, y: 1}\n",
        ));
        let get = |k: &str| yaml(doc.get(k).unwrap());
        assert_eq!(get("before"), "a: 1\nb: 2\nc: 30\n");
        assert_eq!(get("list"), "a: 1\nb: 20\nc: 3\nd: 40\ne: 5\n");
        assert_eq!(get("twice"), "a: 1\nb: 20\nc: 3\nd: 40\nx: 1\n");
        assert_eq!(get("bang"), "b: 20\nd: 40\n\"true\": 1\n");
        assert!(v2("a: {<<: 1}\n").is_err());
        assert!(v2("s: &s [1]\na: {<<: *s}\n").is_err());
    }

    #[test]
    fn go_yaml_v2_reads_the_first_document_only() {
        assert_eq!(one("a: 1\n---\na: 2\n---\n[bad\n"), one("a: 1\n"));
        assert_eq!(v2("---\n---\na: 1\n").unwrap(), Vec::<Value>::new());
        assert_eq!(v2("~\n---\na: 1\n").unwrap(), Vec::<Value>::new());
        assert_eq!(v2("# nothing\n").unwrap(), Vec::<Value>::new());
        assert_eq!(v2("").unwrap(), Vec::<Value>::new());
        assert_eq!(one("# c\n---\na: 1\n"), one("a: 1\n"));
    }

    #[test]
    fn go_yaml_v2_duplicate_keys() {
        // `yes` and `true` are the same key to go-yaml v2.
        assert_eq!(
            one("a: 1\na: 2\nyes: 3\ntrue: 4\n"),
            one("a: 2\n\"true\": 4\n")
        );
        let strict = LoadOptions::sigs_k8s_yaml_strict();
        let err = load_documents_with("x:\n  a: 1\n  a: 2\n", strict).unwrap_err();
        assert_eq!(err.message, "key \"a\" already set in map");
        assert_eq!(err.line, 3);
        assert!(load_documents_with("b: &b {a: 1}\nm: {a: 0, <<: *b}\n", strict).is_err());
        assert!(load_documents_with("m: {a: 0, b: 1}\n", strict).is_ok());
    }

    #[test]
    fn go_yaml_v2_keys_json_cannot_hold() {
        assert!(v2("~: a\n").is_err());
        assert!(v2("a: {? : b}\n").is_err());
        assert!(v2("a: {18446744073709551615: b}\n").is_err());
        assert!(v2("a: {[1]: b}\n").is_err());
        assert_eq!(one("'': a\n"), one("\"\": a\n"));
    }
}
