//! Errors that name the file (and line, where known) a user has to fix, with
//! a kind a program can match on.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What sort of failure an [`Error`] is, for programs that act on it: a
/// missing file is retried or reported differently from a YAML typo.
///
/// New kinds may be added; match with a wildcard arm.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A file or directory that a kustomization names does not exist, or a
    /// directory holds no kustomization file.
    NotFound,
    /// A file lies outside the kustomization root while the load
    /// restrictor is `RootOnly` (kustomize's default).
    LoadRestricted,
    /// A file is not valid YAML (or UTF-8); [`Error::position`] says where.
    Yaml,
    /// A kustomization (or a transformer or generator configuration) is not
    /// what kustomize accepts: an unknown field, a wrong type, a value out of
    /// range, conflicting settings.
    InvalidKustomization,
    /// A resource is malformed: not a map, no kind, no name.
    InvalidResource,
    /// A patch cannot be read as a strategic-merge or JSON patch.
    InvalidPatch,
    /// Two resources have the same id (kind, name and namespace), as
    /// listed or after a transformation.
    DuplicateId,
    /// A patch or replacement selects no resource, or more than one where
    /// it needs exactly one.
    PatchTarget,
    /// A kustomization includes itself, directly or through others.
    Cycle,
    /// Something kustomize can do but krust refuses: remote resources,
    /// exec and container plugins, validators.
    Unsupported,
    /// A transformation could not be applied to the resources: a
    /// replacement path that does not resolve, an unresolvable var, a field
    /// of the wrong type.
    Transform,
    /// Reading the filesystem failed for a reason other than absence.
    Io,
    /// A Helm chart could not be inflated: helm is not enabled, missing,
    /// of a version this kustomize refuses, failed, or ran too long.
    Helm,
}

impl ErrorKind {
    /// A short lowercase description, such as `not found`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not found",
            ErrorKind::LoadRestricted => "load restricted",
            ErrorKind::Yaml => "invalid YAML",
            ErrorKind::InvalidKustomization => "invalid kustomization",
            ErrorKind::InvalidResource => "invalid resource",
            ErrorKind::InvalidPatch => "invalid patch",
            ErrorKind::DuplicateId => "duplicate id",
            ErrorKind::PatchTarget => "patch target",
            ErrorKind::Cycle => "cycle",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Transform => "transformation failed",
            ErrorKind::Io => "i/o error",
            ErrorKind::Helm => "helm",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A build failure. Renders as one line: the chain of kustomization files
/// that led to the failure, outermost first, then the offending file with
/// its line and column where known, then the message:
/// `overlays/prod/kustomization.yaml -> base/api/kustomization.yaml -> base/api/deployment.yaml:12:3: message`.
///
/// ```
/// use krust::{build, BuildOptions, ErrorKind, MemFs};
///
/// let mut fs = MemFs::new();
/// fs.add_file("/app/kustomization.yaml", "resources: [missing.yaml]\n");
/// let err = build(&fs, "/app".as_ref(), &BuildOptions::default()).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::NotFound);
/// assert_eq!(err.file(), Some("/app/kustomization.yaml".as_ref()));
/// ```
#[derive(Debug, Clone)]
pub struct Error(Box<Inner>);

/// An [`Error`]'s parts, boxed so that a `Result` stays as small as its
/// value on the paths that succeed.
#[derive(Debug, Clone)]
struct Inner {
    kind: ErrorKind,
    message: String,
    file: Option<PathBuf>,
    position: Option<(usize, usize)>,
    chain: Vec<PathBuf>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// What sort of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// What went wrong, without the file and chain that [`fmt::Display`]
    /// puts before it.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The file (or directory) at fault, where one is known.
    pub fn file(&self) -> Option<&Path> {
        self.0.file.as_deref()
    }

    /// 1-based line and column in [`Error::file`], where known (YAML
    /// problems, unknown kustomization fields).
    pub fn position(&self) -> Option<(usize, usize)> {
        self.0.position
    }

    /// The kustomization files that led to the failure, outermost first;
    /// the last is the one whose build failed.
    pub fn chain(&self) -> &[PathBuf] {
        &self.0.chain
    }

    /// Rewrites every path for display, e.g. relative to the working directory.
    pub fn map_paths(mut self, f: impl Fn(&Path) -> PathBuf) -> Error {
        self.0.file = self.0.file.as_deref().map(&f);
        self.0.chain = self.0.chain.iter().map(|p| f(p)).collect();
        self
    }

    /// An error of `kind` about no particular file (yet: see [`Error::in_file`]).
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            file: None,
            position: None,
            chain: Vec::new(),
            source: None,
        }))
    }

    /// A kustomization (or configuration) in `file` that kustomize rejects.
    pub(crate) fn invalid(file: impl AsRef<Path>, message: impl Into<String>) -> Error {
        Error::setting(message).in_file(file)
    }

    /// A setting kustomize rejects, in a file named later (see [`Error::in_file`]).
    pub(crate) fn setting(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidKustomization, message)
    }

    /// A resource in `file` that kustomize cannot give an id.
    pub(crate) fn resource(file: impl AsRef<Path>, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidResource, message).in_file(file)
    }

    /// A patch in `file` that is neither kind of patch kustomize reads.
    pub(crate) fn patch(file: impl AsRef<Path>, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidPatch, message).in_file(file)
    }

    /// Something `file` names that does not exist.
    pub(crate) fn not_found(file: impl AsRef<Path>, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::NotFound, message).in_file(file)
    }

    /// A transformation that cannot be applied to the resources.
    pub(crate) fn transform(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Transform, message)
    }

    /// Something in `file` that krust refuses to do.
    pub(crate) fn unsupported(file: impl AsRef<Path>, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Unsupported, message).in_file(file)
    }

    /// A failed read of `file`: [`ErrorKind::NotFound`] when it is absent.
    pub(crate) fn io(file: impl AsRef<Path>, err: std::io::Error) -> Error {
        let kind = match err.kind() {
            std::io::ErrorKind::NotFound => ErrorKind::NotFound,
            _ => ErrorKind::Io,
        };
        let mut error = Error::new(kind, err.to_string()).in_file(file);
        error.0.source = Some(Arc::new(err));
        error
    }

    /// A YAML problem in `file`, with its position.
    pub(crate) fn yaml(file: impl AsRef<Path>, err: &krust_yaml::LoadError) -> Error {
        Error::new(ErrorKind::Yaml, err.message.clone())
            .in_file(file)
            .at_position(err.line, err.column)
    }

    /// The same failure as another kind.
    pub(crate) fn with_kind(mut self, kind: ErrorKind) -> Error {
        self.0.kind = kind;
        self
    }

    /// Records the 1-based line and column of the failure in its file.
    pub(crate) fn at_position(mut self, line: usize, column: usize) -> Error {
        self.0.position = Some((line, column));
        self
    }

    /// The same failure with its message rewritten, e.g. given context.
    pub(crate) fn reworded(mut self, f: impl FnOnce(&str) -> String) -> Error {
        self.0.message = f(&self.0.message);
        self
    }

    /// Names the file if none is named yet.
    pub(crate) fn in_file(mut self, file: impl AsRef<Path>) -> Error {
        if self.0.file.is_none() {
            self.0.file = Some(file.as_ref().to_path_buf());
        }
        self
    }

    /// Names `file` as the one at fault, in place of any named before.
    pub(crate) fn blaming(mut self, file: impl AsRef<Path>) -> Error {
        self.0.file = Some(file.as_ref().to_path_buf());
        self.0.position = None;
        self
    }

    /// Records that the failure happened while building the kustomization
    /// whose file is `kustomization`, which holds (or led to) everything
    /// recorded so far.
    pub(crate) fn within(mut self, kustomization: impl AsRef<Path>) -> Error {
        self.0.chain.insert(0, kustomization.as_ref().to_path_buf());
        self
    }
}

/// Two errors are equal when they say the same thing about the same place;
/// their underlying sources are not compared.
impl PartialEq for Error {
    fn eq(&self, other: &Error) -> bool {
        (
            self.0.kind,
            &self.0.message,
            &self.0.file,
            self.0.position,
            &self.0.chain,
        ) == (
            other.0.kind,
            &other.0.message,
            &other.0.file,
            other.0.position,
            &other.0.chain,
        )
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
        Error::new(ErrorKind::Yaml, "file is not valid UTF-8 (kustomize reads every file as UTF-8; binary data belongs in a generator's files)")
            .in_file(file)
            .at_position(line, column)
    })
}

/// [`utf8_str`] for an owned buffer, without copying it.
pub fn utf8_string(file: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        utf8_str(file, e.as_bytes())
            .err()
            .unwrap_or_else(|| Error::new(ErrorKind::Yaml, "file is not valid UTF-8").in_file(file))
    })
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut chain = self.0.chain.as_slice();
        // A failure in a kustomization file itself names that file once.
        if let (Some(file), Some((last, outer))) = (&self.0.file, chain.split_last()) {
            if last == file {
                chain = outer;
            }
        }
        let mut steps = chain
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>();
        if let Some(file) = &self.0.file {
            steps.push(match self.0.position {
                Some((line, col)) => format!("{}:{line}:{col}", file.display()),
                None => file.display().to_string(),
            });
        }
        if !steps.is_empty() {
            write!(f, "{}: ", steps.join(" -> "))?;
        }
        write!(f, "{}", self.0.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}
