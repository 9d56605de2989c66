//! Errors that name the file (and line, where known) a user has to fix.

use std::fmt;
use std::path::{Path, PathBuf};

/// A build failure. Renders as one line: `file:line:column: message`, followed
/// by the chain of kustomizations that led to the file, outermost first.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// What went wrong.
    pub message: String,
    /// The file (or directory) at fault.
    pub file: Option<PathBuf>,
    /// 1-based line and column in `file`, for YAML problems.
    pub position: Option<(usize, usize)>,
    /// Kustomization directories that led here, outermost first.
    pub chain: Vec<PathBuf>,
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error about no particular file.
    pub fn msg(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            file: None,
            position: None,
            chain: Vec::new(),
        }
    }

    /// An error about `file`.
    pub fn at(file: impl AsRef<Path>, message: impl Into<String>) -> Error {
        Error {
            file: Some(file.as_ref().to_path_buf()),
            ..Error::msg(message)
        }
    }

    /// A YAML problem in `file`, with its position.
    pub fn yaml(file: impl AsRef<Path>, err: &krust_yaml::LoadError) -> Error {
        Error {
            position: Some((err.line, err.column)),
            ..Error::at(file, err.message.clone())
        }
    }

    /// Names the file if none is named yet.
    pub fn in_file(mut self, file: impl AsRef<Path>) -> Error {
        if self.file.is_none() {
            self.file = Some(file.as_ref().to_path_buf());
        }
        self
    }

    /// Records that the failure happened while building the kustomization in `dir`.
    pub fn via(mut self, dir: impl AsRef<Path>) -> Error {
        self.chain.insert(0, dir.as_ref().to_path_buf());
        self
    }

    /// Rewrites every path for display, e.g. relative to the working directory.
    pub fn map_paths(mut self, f: impl Fn(&Path) -> PathBuf) -> Error {
        self.file = self.file.as_deref().map(&f);
        self.chain = self.chain.iter().map(|p| f(p)).collect();
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some((line, col)) = self.position {
                write!(f, ":{line}:{col}")?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)?;
        if !self.chain.is_empty() {
            let chain: Vec<String> = self.chain.iter().map(|p| p.display().to_string()).collect();
            write!(f, " (via {})", chain.join(" -> "))?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
