//! Errors that name the Flux object (and file, where known) a user has to
//! fix, with a kind a program can match on.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::envsubst::{ParseError, SubstError};
use crate::order::{KsId, OrderError};

/// What sort of failure an [`Error`] is, for programs that act on it: a
/// missing path is reported differently from a substitution typo or a
/// `dependsOn` cycle.
///
/// New kinds may be added; match with a wildcard arm.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A Flux object cannot be read (not a Flux Kustomization, a missing
    /// field, a field of the wrong type) or asks for something
    /// kustomize-controller refuses (a remote component).
    Model,
    /// kustomize failed to build a Kustomization's directory;
    /// [`Error::krust_error`] is kustomize's (krust's) error.
    Build,
    /// Post-build substitution failed: `postBuild.substitute`,
    /// `substituteFrom`, or a variable in a resource
    /// ([`Error::variable`] names it where there is one).
    Substitution,
    /// The Kustomizations cannot be ordered: a `dependsOn` names a
    /// Kustomization the cluster does not have, or they depend on each
    /// other in a cycle.
    DependsOn,
    /// A source cannot be used: it is not mapped (with strict sources), its
    /// root cannot be read, or its `.sourceignore` files cannot be.
    Source,
    /// A path a Kustomization names (`spec.path`) does not exist in its source.
    NotFound,
    /// Reading the filesystem failed.
    Io,
    /// A file (or an object being written out) is not valid YAML, or not
    /// the YAML expected there.
    Yaml,
    /// A HelmRelease cannot be rendered: its chart cannot be found or
    /// pulled, its values cannot be composed, or helm failed.
    Helm,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl ErrorKind {
    /// A short lowercase description, such as `not found`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Model => "invalid Flux object",
            ErrorKind::Build => "kustomize build failed",
            ErrorKind::Substitution => "substitution failed",
            ErrorKind::DependsOn => "dependsOn",
            ErrorKind::Source => "source",
            ErrorKind::NotFound => "not found",
            ErrorKind::Io => "i/o error",
            ErrorKind::Yaml => "invalid YAML",
            ErrorKind::Helm => "helm",
        }
    }
}

/// A failure to read, build or render Flux objects. Renders as one line:
/// what it happened in (`Kustomization flux-system/apps: `, and so on),
/// then what went wrong ([`Error::message`]).
///
/// When the failure has a typed cause ([`krust::Error`] for a build,
/// [`SubstError`] for a substitution, [`OrderError`] for `dependsOn`, an
/// [`std::io::Error`]), [`std::error::Error::source`] returns it; its text
/// is this error's message, so a report that prints the whole chain of
/// sources repeats it.
///
/// A Kustomization that fails is recorded in the rendered cluster, and the
/// others still render; a program tells the failures apart by kind:
///
/// ```
/// use std::path::PathBuf;
///
/// use krust::MemFs;
/// use krust_flux::cluster::{render_cluster, ClusterOptions, Source};
/// use krust_flux::order::KsId;
/// use krust_flux::ErrorKind;
///
/// let mut fs = MemFs::new();
/// fs.add_file(
///     "/repo/clusters/demo/apps.yaml",
///     "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n\
///      metadata: {name: apps, namespace: flux-system}\n\
///      spec: {path: ./apps, sourceRef: {kind: GitRepository, name: flux-system}}\n",
/// );
/// fs.add_file("/repo/apps/kustomization.yaml", "resources: [missing.yaml]\n");
/// let repo = Source { fs: &fs, root: PathBuf::from("/repo") };
/// let cluster = render_cluster(&repo, "./clusters/demo", &ClusterOptions::default())?;
/// for err in cluster.errors() {
///     match err.kind() {
///         ErrorKind::Build => {
///             assert_eq!(err.object(), Some(&KsId::new("flux-system", "apps")));
///             let cause = err.krust_error().unwrap();
///             assert_eq!(cause.kind(), krust::ErrorKind::NotFound);
///         }
///         ErrorKind::NotFound | ErrorKind::Substitution => unreachable!("{err}"),
///         other => panic!("{other}: {err}"),
///     }
/// }
/// assert_eq!(cluster.errors().count(), 1);
/// # Ok::<(), krust_flux::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Error(Box<Inner>);

/// An [`Error`]'s parts, boxed so that a `Result` stays as small as its
/// value on the paths that succeed.
#[derive(Debug, Clone)]
struct Inner {
    object: Option<KsId>,
    kind: ErrorKind,
    message: String,
    /// What the failure happened in, outermost first, each shown before the
    /// message and a `: `.
    context: Vec<String>,
    source_key: Option<String>,
    file: Option<PathBuf>,
    position: Option<(usize, usize)>,
    variable: Option<String>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// What sort of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The Flux Kustomization at fault, where one is known: the one that
    /// failed to build or substitute, the malformed one, the one whose
    /// dependency is missing (the first of a cycle).
    pub fn object(&self) -> Option<&KsId> {
        self.0.object.as_ref()
    }

    /// What went wrong, without the objects and files that
    /// [`fmt::Display`] puts before it.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The source concerned, as `Kind/namespace/name`
    /// ([`crate::cluster::SourceKey`]), for [`ErrorKind::Source`] errors.
    pub fn source_key(&self) -> Option<&str> {
        self.0.source_key.as_deref()
    }

    /// The file (or directory) at fault, where one is known.
    pub fn file(&self) -> Option<&Path> {
        self.0.file.as_deref()
    }

    /// 1-based line and column in [`Error::file`], where known.
    pub fn position(&self) -> Option<(usize, usize)> {
        self.0.position
    }

    /// The variable a substitution failed on, where it failed on one.
    pub fn variable(&self) -> Option<&str> {
        self.0.variable.as_deref()
    }

    /// kustomize's error, for [`ErrorKind::Build`] (and a manifest that
    /// kustomize cannot read): match its [`krust::Error::kind`].
    pub fn krust_error(&self) -> Option<&krust::Error> {
        self.0.source.as_deref()?.downcast_ref()
    }

    /// An error of `kind` saying `message`, about nothing in particular yet.
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Inner {
            object: None,
            kind,
            message: message.into(),
            context: Vec::new(),
            source_key: None,
            file: None,
            position: None,
            variable: None,
            source: None,
        }))
    }

    /// A failed read of `file`: [`ErrorKind::NotFound`] when it is absent,
    /// saying what the I/O error says.
    pub(crate) fn io(file: impl AsRef<Path>, err: std::io::Error) -> Error {
        let absent = err.kind() == std::io::ErrorKind::NotFound;
        let kind = if absent {
            ErrorKind::NotFound
        } else {
            ErrorKind::Io
        };
        Error::new(kind, err.to_string())
            .in_file(file)
            .caused_by(err)
    }

    /// A kustomize (krust) failure, saying what it says, in its file.
    pub(crate) fn krust(kind: ErrorKind, err: krust::Error) -> Error {
        let mut error = Error::new(kind, err.to_string());
        error.0.file = err.file().map(Path::to_path_buf);
        error.0.position = err.position();
        error.caused_by(err)
    }

    /// The same failure as another kind.
    pub(crate) fn with_kind(mut self, kind: ErrorKind) -> Error {
        self.0.kind = kind;
        self
    }

    /// Records the typed error behind this one.
    pub(crate) fn caused_by(
        mut self,
        err: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        self.0.source = Some(Arc::new(err));
        self
    }

    /// Shows `context` before everything shown so far (and a `: `).
    pub(crate) fn context(mut self, context: impl Into<String>) -> Error {
        self.0.context.insert(0, context.into());
        self
    }

    /// Records that the failure happened in the Flux Kustomization `id`,
    /// shown as `Kustomization namespace/name: `; it is [`Error::object`]
    /// unless a more precise one is named already.
    pub(crate) fn in_kustomization(self, id: &KsId) -> Error {
        self.about(id).context(format!("Kustomization {id}"))
    }

    /// Names `id` as the Kustomization at fault, unless one is named
    /// already, without showing it.
    pub(crate) fn about(mut self, id: &KsId) -> Error {
        if self.0.object.is_none() {
            self.0.object = Some(id.clone());
        }
        self
    }

    /// Names the source concerned.
    pub(crate) fn in_source(mut self, key: impl Into<String>) -> Error {
        self.0.source_key = Some(key.into());
        self
    }

    /// Names the file if none is named yet.
    pub(crate) fn in_file(mut self, file: impl AsRef<Path>) -> Error {
        if self.0.file.is_none() {
            self.0.file = Some(file.as_ref().to_path_buf());
        }
        self
    }

    /// Records the 1-based line and column of the failure in its file.
    pub(crate) fn at_position(mut self, line: usize, column: usize) -> Error {
        self.0.position = Some((line, column));
        self
    }

    /// Names the variable a substitution failed on.
    pub(crate) fn on_variable(mut self, name: impl Into<String>) -> Error {
        self.0.variable = Some(name.into());
        self
    }
}

/// Its context, outermost first, then its message.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for context in &self.0.context {
            write!(f, "{context}: ")?;
        }
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        let cause: &(dyn std::error::Error + 'static) = self.0.source.as_deref()?;
        Some(cause)
    }
}

/// A substitution failure, about no Kustomization yet
/// ([`ErrorKind::Substitution`]).
impl From<SubstError> for Error {
    fn from(err: SubstError) -> Error {
        let error = Error::new(ErrorKind::Substitution, err.to_string());
        let error = match err.variable() {
            Some(name) => error.on_variable(name),
            None => error,
        };
        error.caused_by(err)
    }
}

/// A variable reference that cannot be parsed ([`ErrorKind::Substitution`]).
impl From<ParseError> for Error {
    fn from(err: ParseError) -> Error {
        SubstError::Parse(err).into()
    }
}

/// Kustomizations that cannot be ordered ([`ErrorKind::DependsOn`]), about
/// the one whose dependency is missing, the first of a cycle, or the
/// duplicated one.
impl From<OrderError> for Error {
    fn from(err: OrderError) -> Error {
        let object = match &err {
            OrderError::Missing { from, .. } => Some(from.clone()),
            OrderError::Cycle { cycle } => cycle.first().cloned(),
            OrderError::Duplicate(id) => Some(id.clone()),
        };
        let mut error = Error::new(ErrorKind::DependsOn, err.to_string()).caused_by(err);
        error.0.object = object;
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_shown_outermost_first_and_the_first_object_named_stays() {
        let inner = KsId::new("flux-system", "apps");
        let outer = KsId::new("flux-system", "flux-system");
        let err = Error::new(ErrorKind::Model, "spec: missing")
            .in_kustomization(&inner)
            .in_kustomization(&outer);
        assert_eq!(
            err.to_string(),
            "Kustomization flux-system/flux-system: Kustomization flux-system/apps: spec: missing"
        );
        assert_eq!(err.message(), "spec: missing");
        assert_eq!(err.object(), Some(&inner));
    }

    #[test]
    fn a_missing_file_is_not_found_and_keeps_its_cause() {
        let err = Error::io(
            "/src/x",
            std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
        );
        assert_eq!(err.kind(), ErrorKind::NotFound);
        assert_eq!(err.file(), Some(Path::new("/src/x")));
        let cause = std::error::Error::source(&err).and_then(|s| s.downcast_ref());
        assert_eq!(
            cause.map(std::io::Error::kind),
            Some(std::io::ErrorKind::NotFound)
        );
        assert!(err.krust_error().is_none());
    }

    #[test]
    fn errors_stay_small_and_cross_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
