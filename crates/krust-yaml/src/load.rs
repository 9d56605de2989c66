//! Multi-document YAML input, resolved as go-yaml v3 resolves it for kustomize.

use crate::Value;

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
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_depth: 1000,
            max_alias_nodes: 1_000_000,
        }
    }
}

/// Loads every non-empty document of a YAML stream with default limits.
pub fn load_documents(src: &str) -> Result<Vec<Value>, LoadError> {
    load_documents_with(src, LoadOptions::default())
}

/// Loads every non-empty document of a YAML stream.
pub fn load_documents_with(src: &str, opts: LoadOptions) -> Result<Vec<Value>, LoadError> {
    todo!("{src} {opts:?}")
}
