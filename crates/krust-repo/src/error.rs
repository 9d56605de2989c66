//! The one error type of the workflows: what kind of failure, and the file
//! it concerns.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What sort of failure an [`Error`] is. New kinds may be added.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// An overlay, app, patch or kustomization the workflow needs is missing.
    NotFound,
    /// Reading, listing or writing a file failed.
    Io,
    /// A file is not valid YAML (or UTF-8).
    Yaml,
    /// A kustomization cannot be read or edited as the workflow needs.
    Kustomization,
    /// A render the workflow relies on failed; [`Error::krust_error`] says why.
    Build,
    /// Git could not read a revision (or is not installed); the source is
    /// the [`crate::git::GitError`].
    Git,
    /// The workflow does not apply to this tree as it stands (copies of a
    /// patch differ, a patch has a target, a promotion would break a
    /// render): nothing was written.
    Refused,
}

/// A workflow failure: `file: message` when it concerns a file.
#[derive(Debug, Clone)]
pub struct Error {
    kind: ErrorKind,
    file: Option<PathBuf>,
    line: Option<usize>,
    message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// What sort of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The file it concerns, as the caller named it.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// What went wrong, without the file.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The build failure behind a [`ErrorKind::Build`] (or a kustomization
    /// krust could not read), for callers that match its kind.
    pub fn krust_error(&self) -> Option<&krust::Error> {
        self.source.as_deref()?.downcast_ref()
    }

    /// An error of `kind` about no particular file.
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            file: None,
            line: None,
            message: message.into(),
            source: None,
        }
    }

    /// The workflow does not apply (see [`ErrorKind::Refused`]).
    pub(crate) fn refused(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Refused, message)
    }

    /// The same error about `file`.
    pub(crate) fn at(mut self, file: impl AsRef<Path>) -> Error {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    /// `doing` (`cannot read it`) `file` failed with `err`.
    pub(crate) fn io(file: impl AsRef<Path>, doing: &str, err: std::io::Error) -> Error {
        let kind = match err.kind() {
            std::io::ErrorKind::NotFound => ErrorKind::NotFound,
            _ => ErrorKind::Io,
        };
        let message = match doing {
            "" => err.to_string(),
            doing => format!("{doing}: {err}"),
        };
        Error {
            source: Some(Arc::new(err)),
            ..Error::new(kind, message).at(file)
        }
    }

    /// A YAML problem in `file`.
    pub(crate) fn yaml(file: impl AsRef<Path>, err: &krust_yaml::LoadError) -> Error {
        Error {
            line: Some(err.line),
            ..Error::new(ErrorKind::Yaml, err.message.clone()).at(file)
        }
    }

    /// A git failure, shown as git's error shows it.
    pub(crate) fn git(err: crate::git::GitError) -> Error {
        Error {
            message: err.to_string(),
            source: Some(Arc::new(err)),
            ..Error::new(ErrorKind::Git, String::new())
        }
    }

    /// A krust failure (a build, or a kustomization krust cannot read),
    /// shown as krust shows it.
    pub(crate) fn krust(err: krust::Error) -> Error {
        let kind = match err.kind() {
            krust::ErrorKind::NotFound => ErrorKind::NotFound,
            krust::ErrorKind::Yaml => ErrorKind::Yaml,
            krust::ErrorKind::InvalidKustomization => ErrorKind::Kustomization,
            krust::ErrorKind::Io => ErrorKind::Io,
            _ => ErrorKind::Build,
        };
        Error {
            source: Some(Arc::new(err.clone())),
            ..Error::new(kind, err.to_string())
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{}:{line}: ", file.display())?,
            (Some(file), None) => write!(f, "{}: ", file.display())?,
            _ => {}
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}
