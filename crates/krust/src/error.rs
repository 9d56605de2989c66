//! Errors that name the file (and line, where known) a user has to fix.

use std::fmt;
use std::path::{Path, PathBuf};

/// A build failure. Renders as one line: the chain of kustomization files
/// that led to the failure, outermost first, then the offending file with
/// its line and column where known, then the message:
/// `overlays/prod/kustomization.yaml -> base/api/kustomization.yaml -> base/api/deployment.yaml:12:3: message`.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// What went wrong.
    pub message: String,
    /// The file (or directory) at fault.
    pub file: Option<PathBuf>,
    /// 1-based line and column in `file`, for YAML problems.
    pub position: Option<(usize, usize)>,
    /// Kustomization files that led here, outermost first; the last is the
    /// one whose build failed.
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

    /// Records that the failure happened while building the kustomization
    /// whose file is `kustomization`, which holds (or led to) everything
    /// recorded so far.
    pub fn within(mut self, kustomization: impl AsRef<Path>) -> Error {
        self.chain.insert(0, kustomization.as_ref().to_path_buf());
        self
    }

    /// Rewrites every path for display, e.g. relative to the working directory.
    pub fn map_paths(mut self, f: impl Fn(&Path) -> PathBuf) -> Error {
        self.file = self.file.as_deref().map(&f);
        self.chain = self.chain.iter().map(|p| f(p)).collect();
        self
    }
}

/// A file's text, or an error naming the line and column of its first byte
/// that is not UTF-8 (kustomize reads every file as UTF-8).
pub fn utf8_str<'b>(file: &Path, bytes: &'b [u8]) -> Result<&'b str> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..]).chars().count() + 1;
        Error {
            position: Some((line, column)),
            ..Error::at(file, "file is not valid UTF-8 (kustomize reads every file as UTF-8; binary data belongs in a generator's files)")
        }
    })
}

/// [`utf8_str`] for an owned buffer, without copying it.
pub fn utf8_string(file: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        utf8_str(file, e.as_bytes())
            .err()
            .unwrap_or_else(|| Error::at(file, "file is not valid UTF-8"))
    })
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut chain = self.chain.as_slice();
        // A failure in a kustomization file itself names that file once.
        if let (Some(file), Some((last, outer))) = (&self.file, chain.split_last()) {
            if last == file {
                chain = outer;
            }
        }
        let mut steps = chain
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>();
        if let Some(file) = &self.file {
            steps.push(match self.position {
                Some((line, col)) => format!("{}:{line}:{col}", file.display()),
                None => file.display().to_string(),
            });
        }
        if !steps.is_empty() {
            write!(f, "{}: ", steps.join(" -> "))?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for Error {}
