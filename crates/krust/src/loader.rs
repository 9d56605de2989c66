//! Reading files relative to a kustomization root, under kustomize's load
//! restrictions, and opening child kustomization roots with cycle checks.

use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};
use crate::fs::{normalize, FileKind, FileSystem};
use crate::version::KustomizeVersion;

/// Which files a kustomization may read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LoadRestrictor {
    /// Only files in or below the kustomization's own directory (kustomize's default).
    #[default]
    RootOnly,
    /// Any file.
    None,
}

impl std::str::FromStr for LoadRestrictor {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "LoadRestrictionsRootOnly" => Ok(LoadRestrictor::RootOnly),
            "LoadRestrictionsNone" => Ok(LoadRestrictor::None),
            other => Err(format!(
                "invalid load restrictor '{other}': expected LoadRestrictionsRootOnly or LoadRestrictionsNone"
            )),
        }
    }
}

/// A kustomization root: where relative paths are resolved from.
#[derive(Clone)]
pub struct Loader<'a> {
    fs: &'a dyn FileSystem,
    root: PathBuf,
    restrictor: LoadRestrictor,
    /// The kustomize whose rules the build follows.
    version: KustomizeVersion,
    /// Roots of the kustomizations that led here, outermost first.
    ancestors: Vec<PathBuf>,
}

/// Whether a resource or base path names something remote, which krust does not fetch.
pub fn is_remote(path: &str) -> bool {
    const SCHEMES: [&str; 6] = ["http://", "https://", "git@", "ssh://", "git::", "file://"];
    const HOSTS: [&str; 3] = ["github.com/", "gitlab.com/", "bitbucket.org/"];
    SCHEMES.iter().any(|s| path.starts_with(s)) || HOSTS.iter().any(|h| path.starts_with(h))
}

impl std::fmt::Debug for Loader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loader")
            .field("root", &self.root)
            .field("restrictor", &self.restrictor)
            .finish_non_exhaustive()
    }
}

impl<'a> Loader<'a> {
    /// Opens the top-level root `dir`.
    pub fn open(
        fs: &'a dyn FileSystem,
        dir: &Path,
        restrictor: LoadRestrictor,
    ) -> Result<Loader<'a>> {
        let root = confirm_dir(fs, dir)?;
        Ok(Loader {
            fs,
            root,
            restrictor,
            version: KustomizeVersion::LATEST,
            ancestors: Vec::new(),
        })
    }

    /// This loader, and every child it opens, following `version`'s rules.
    pub fn with_version(self, version: KustomizeVersion) -> Loader<'a> {
        Loader { version, ..self }
    }

    /// The kustomize whose rules the build follows.
    pub fn version(&self) -> KustomizeVersion {
        self.version
    }

    /// The root directory (absolute, symlinks resolved).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The filesystem read through.
    pub fn fs(&self) -> &'a dyn FileSystem {
        self.fs
    }

    /// Opens `path` (relative to this root) as a child kustomization root.
    pub fn child(&self, path: &str) -> Result<Loader<'a>> {
        if path.is_empty() {
            return Err(Error::setting("new root cannot be empty"));
        }
        if Path::new(path).is_absolute() {
            return Err(Error::setting(format!(
                "new root '{path}' cannot be absolute"
            )));
        }
        let candidate = confirm_dir(self.fs, &self.root.join(path))?;
        for visited in self.ancestors.iter().chain(std::iter::once(&self.root)) {
            if visited.starts_with(&candidate) {
                return Err(Error::new(
                    ErrorKind::Cycle,
                    format!(
                        "cycle detected: candidate root '{}' contains visited root '{}'",
                        candidate.display(),
                        visited.display()
                    ),
                ));
            }
        }
        let mut ancestors = self.ancestors.clone();
        ancestors.push(self.root.clone());
        Ok(Loader {
            fs: self.fs,
            root: candidate,
            restrictor: self.restrictor,
            version: self.version,
            ancestors,
        })
    }

    /// Whether a file on disk outside this loader's filesystem (a chart
    /// helm just pulled) may be read: `Err` when it lies outside the root
    /// while the root restricts loads, as a read through the loader says.
    pub(crate) fn check_outside_fs(&self, path: &Path) -> Result<()> {
        let dir = path.parent().unwrap_or(Path::new("/"));
        match self.restrictor {
            LoadRestrictor::RootOnly if !dir.starts_with(&self.root) => {
                Err(self.outside_root(path))
            }
            _ => Ok(()),
        }
    }

    fn outside_root(&self, joined: &Path) -> Error {
        Error::new(
            ErrorKind::LoadRestricted,
            format!(
                "security; file '{}' is not in or below '{}' (use --load-restrictor LoadRestrictionsNone to allow it)",
                joined.display(),
                self.root.display()
            ),
        )
        .in_file(joined)
    }

    /// Reads the file at `path` (relative to this root, or absolute),
    /// returning its resolved path and content.
    pub fn load(&self, path: &str) -> Result<(PathBuf, Vec<u8>)> {
        let (joined, resolved) = self.resolve(path)?;
        let bytes = self.read(&joined, &resolved)?;
        Ok((joined, bytes))
    }

    /// Where [`Loader::load`] would read `path` from, checked against the
    /// load restrictions: the path as named (cleaned) and the path to read.
    /// Without restrictions, nothing is checked until the read.
    pub fn resolve(&self, path: &str) -> Result<(PathBuf, PathBuf)> {
        let joined = normalize(&self.root.join(path));
        let resolved = match self.restrictor {
            LoadRestrictor::None => joined.clone(),
            LoadRestrictor::RootOnly => {
                let real = self
                    .canonicalize_below_root(&joined)
                    .map_err(|e| Error::io(&joined, e))?;
                if self.fs.kind(&real) == Some(FileKind::Dir) {
                    return Err(Error::invalid(
                        &joined,
                        format!("'{path}' must resolve to a file"),
                    ));
                }
                let dir = real.parent().unwrap_or(Path::new("/"));
                if !dir.starts_with(&self.root) {
                    return Err(self.outside_root(&joined));
                }
                real
            }
        };
        Ok((joined, resolved))
    }

    /// `canonicalize(path)`, a component at a time from the (canonical) root
    /// when `path` lies below it, which spares resolving the root again for
    /// every file read.
    fn canonicalize_below_root(&self, path: &Path) -> std::io::Result<PathBuf> {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return self.fs.canonicalize(path);
        };
        let mut real = self.root.clone();
        for part in rel.components() {
            match part {
                std::path::Component::Normal(name) => {
                    real = self.fs.canonicalize_in(&real, name)?;
                }
                _ => return self.fs.canonicalize(path),
            }
        }
        Ok(real)
    }

    /// Reads a file found by [`Loader::resolve`]; errors name it as named.
    pub fn read(&self, joined: &Path, resolved: &Path) -> Result<Vec<u8>> {
        self.fs.read(resolved).map_err(|e| Error::io(joined, e))
    }
}

/// The canonical form of `dir`, which must exist and be a directory.
fn confirm_dir(fs: &dyn FileSystem, dir: &Path) -> Result<PathBuf> {
    let real = fs
        .canonicalize(dir)
        .map_err(|e| Error::io(dir, e).reworded(|m| format!("not a valid directory: {m}")))?;
    match fs.kind(&real) {
        Some(FileKind::Dir) => Ok(real),
        _ => Err(Error::new(ErrorKind::NotFound, "not a directory").in_file(dir)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemFs;

    fn tree() -> MemFs {
        let mut fs = MemFs::new();
        fs.add_file("/r/app/kustomization.yaml", "resources: []\n");
        fs.add_file("/r/app/cm.yaml", "a: b\n");
        fs.add_file("/r/secret.yaml", "s: t\n");
        fs.add_dir("/r/base");
        fs
    }

    #[test]
    fn root_only_refuses_files_above_the_root() {
        let fs = tree();
        let ldr = Loader::open(&fs, Path::new("/r/app"), LoadRestrictor::RootOnly).unwrap();
        assert!(ldr.load("cm.yaml").is_ok());
        let err = ldr.load("../secret.yaml").unwrap_err();
        assert!(err.message().contains("security"), "{err}");
        let ldr = Loader::open(&fs, Path::new("/r/app"), LoadRestrictor::None).unwrap();
        assert!(ldr.load("../secret.yaml").is_ok());
    }

    #[test]
    fn children_may_not_contain_their_ancestors() {
        let fs = tree();
        let ldr = Loader::open(&fs, Path::new("/r/app"), LoadRestrictor::RootOnly).unwrap();
        assert!(ldr.child("../base").is_ok());
        assert!(ldr.child("..").unwrap_err().message().contains("cycle"));
        assert!(ldr.child(".").unwrap_err().message().contains("cycle"));
        assert!(ldr
            .child("/r/base")
            .unwrap_err()
            .message()
            .contains("absolute"));
        assert!(ldr.child("missing").is_err());
    }

    #[test]
    fn remote_paths_are_recognised() {
        assert!(is_remote("https://github.com/org/repo//path"));
        assert!(is_remote("github.com/org/repo"));
        assert!(!is_remote("../base"));
    }
}
