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

mod binary;
mod compose;
mod folded;
mod keys;
mod kyaml;
mod libyaml;
mod merge;
mod resolve;
mod source;
mod split;
mod timestamp;

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
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_depth: 1000,
            max_alias_nodes: 1_000_000,
            duplicate_keys_last_wins: false,
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

/// One document with what the value model alone does not say.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The resolved value.
    pub value: Value,
    /// Paths of map entries written with no value (`key:`), which read as
    /// null but which kustomize's strategic merge drops (an explicit `null`
    /// it keeps).
    pub empty_values: Vec<Vec<PathSeg>>,
}

/// [`load_documents_with`], keeping each document's [`Document::empty_values`].
pub fn load_detailed(src: &str, opts: LoadOptions) -> Result<Vec<Document>, LoadError> {
    let src = split::normalize_newlines(src);
    let mut budget = compose::AliasBudget::new(opts.max_alias_nodes);
    let mut documents = Vec::new();
    for chunk in split::split_documents(&src)? {
        let document = compose::first_document(chunk.text, chunk.line_offset, opts, &mut budget)
            .map_err(PosError::into_load_error)?;
        documents.extend(document.map(|(value, empty_values)| Document {
            value,
            empty_values,
        }));
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
