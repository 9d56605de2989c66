//! The one error type of the crate: a render that cannot be read.
//!
//! Diffing itself never fails; only turning input into a [`crate::Render`]
//! can (YAML that does not parse, a document that is not a resource, two
//! resources with one id, a value kustomize could not print). The error names
//! the input so that a repository-wide run can say which root and which side
//! was at fault.

use std::fmt;

/// Why a render could not be read, and which input it was.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiffError {
    /// What went wrong, for callers that act on it.
    pub kind: DiffErrorKind,
    /// The input's name as the caller gave it (a root and revision, a file).
    pub input: String,
    /// What is wrong, with the position or resource where it was found.
    pub message: String,
}

/// The ways a render cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiffErrorKind {
    /// The text is not YAML.
    Yaml,
    /// A document is not a resource: it has no kind or no name.
    NotAResource,
    /// Two resources have the same group, kind, namespace and name.
    Duplicate,
    /// A value cannot be printed as YAML (a NaN, say).
    Unprintable,
}

impl DiffError {
    /// An error of `kind` about `input`.
    pub fn new(
        kind: DiffErrorKind,
        input: impl Into<String>,
        message: impl Into<String>,
    ) -> DiffError {
        DiffError {
            kind,
            input: input.into(),
            message: message.into(),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> DiffErrorKind {
        self.kind
    }
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.input, self.message)
    }
}

impl std::error::Error for DiffError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_input() {
        let e = DiffError::new(
            DiffErrorKind::Yaml,
            "apps/prod (base)",
            "line 3, column 1: bad",
        );
        assert_eq!(e.to_string(), "apps/prod (base): line 3, column 1: bad");
    }
}
