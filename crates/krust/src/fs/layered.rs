//! A filesystem with a few files changed in memory over another.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

use super::{normalize, FileKind, FileSystem};

/// A filesystem that answers for a few changed files itself and for
/// everything else from another filesystem: the tree as it would be after a
/// change, without writing it (a workflow's proof), or as a Flux source
/// artifact holds it (ignored files absent, a kustomization rewritten).
/// Directories holding a layered file exist.
///
/// ```
/// use std::collections::BTreeMap;
/// use std::path::{Path, PathBuf};
/// use krust::{FileSystem, LayeredFs, MemFs};
///
/// let mut disk = MemFs::new();
/// disk.add_file("/repo/a.yaml", "old");
/// disk.add_file("/repo/b.yaml", "gone soon");
/// let change = BTreeMap::from([(PathBuf::from("/repo/a.yaml"), b"new".to_vec())]);
/// let after = LayeredFs::new(&disk, change).without([PathBuf::from("/repo/b.yaml")]);
/// assert_eq!(after.read(Path::new("/repo/a.yaml")).unwrap(), b"new");
/// assert!(after.read(Path::new("/repo/b.yaml")).is_err());
/// assert_eq!(disk.read(Path::new("/repo/a.yaml")).unwrap(), b"old");
/// ```
pub struct LayeredFs<'fs> {
    base: &'fs dyn FileSystem,
    files: BTreeMap<PathBuf, Vec<u8>>,
    /// Files and directories of the base that the change deletes.
    removed: BTreeSet<PathBuf>,
    /// Files of the base left out by a rule, and the reason errors give.
    hidden: Option<(&'fs Hidden<'fs>, &'fs str)>,
}

/// Which files of the base a [`LayeredFs`] leaves out (see
/// [`LayeredFs::hiding_files`]).
pub type Hidden<'a> = dyn Fn(&Path) -> bool + Sync + 'a;

impl<'fs> LayeredFs<'fs> {
    /// `files` (absolute paths, as the base canonicalizes them) laid over `base`.
    pub fn new(base: &'fs dyn FileSystem, files: BTreeMap<PathBuf, Vec<u8>>) -> Self {
        let files = files
            .into_iter()
            .map(|(path, content)| (normalize(&path), content))
            .collect();
        LayeredFs {
            base,
            files,
            removed: Default::default(),
            hidden: None,
        }
    }

    /// The same layer, with the base's files for which `hide` holds left
    /// out (directories stay); reading one fails with `reason`.
    pub fn hiding_files(mut self, hide: &'fs Hidden<'fs>, reason: &'fs str) -> Self {
        self.hidden = Some((hide, reason));
        self
    }

    /// The same layer, with `paths` of the base deleted.
    pub fn without(mut self, paths: impl IntoIterator<Item = PathBuf>) -> Self {
        self.removed
            .extend(paths.into_iter().map(|path| normalize(&path)));
        self
    }

    fn is_removed(&self, path: &Path) -> bool {
        self.removed.contains(path)
    }

    /// Whether `path`, a file of the base, is left out by the rule.
    fn is_hidden_file(&self, path: &Path) -> bool {
        self.hidden
            .is_some_and(|(hide, _)| hide(path) && self.base.kind(path) == Some(FileKind::File))
    }

    /// The error for a path the layer does not have.
    fn absent(&self, path: &Path) -> io::Error {
        let reason = match self.hidden {
            Some((_, reason)) if !self.is_removed(path) => reason,
            _ => "deleted by the change",
        };
        io::Error::new(
            io::ErrorKind::NotFound,
            format!("{}: {reason}", path.display()),
        )
    }

    /// `real`, a canonical path of the base, unless the layer leaves it out.
    fn visible(&self, real: PathBuf) -> io::Result<PathBuf> {
        if self.is_hidden_file(&real) {
            Err(self.absent(&real))
        } else {
            Ok(real)
        }
    }

    /// Whether a layered file lies below `dir`.
    fn implies_dir(&self, dir: &Path) -> bool {
        self.files
            .range(dir.to_path_buf()..)
            .next()
            .is_some_and(|(p, _)| p != dir && p.starts_with(dir))
    }

    fn layered_kind(&self, path: &Path) -> Option<FileKind> {
        if self.files.contains_key(path) {
            Some(FileKind::File)
        } else if self.implies_dir(path) {
            Some(FileKind::Dir)
        } else {
            None
        }
    }
}

impl FileSystem for LayeredFs<'_> {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let path = normalize(path);
        match self.files.get(&path) {
            Some(content) => Ok(content.clone()),
            None if self.is_removed(&path) || self.is_hidden_file(&path) => Err(self.absent(&path)),
            None => self.base.read(&path),
        }
    }

    fn kind(&self, path: &Path) -> Option<FileKind> {
        let path = normalize(path);
        if self.is_removed(&path) {
            return None;
        }
        self.layered_kind(&path)
            .or_else(|| match self.base.kind(&path)? {
                FileKind::File if self.hidden.is_some_and(|(hide, _)| hide(&path)) => None,
                kind => Some(kind),
            })
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        let path = normalize(path);
        if self.layered_kind(&path).is_some() {
            // Layered paths are stored canonical already.
            Ok(path)
        } else if self.is_removed(&path) {
            Err(self.absent(&path))
        } else {
            self.visible(self.base.canonicalize(&path)?)
        }
    }

    fn canonicalize_in(&self, real_dir: &Path, name: &std::ffi::OsStr) -> io::Result<PathBuf> {
        let path = normalize(&real_dir.join(name));
        if self.layered_kind(&path).is_some() {
            Ok(path)
        } else if self.is_removed(&path) {
            Err(self.absent(&path))
        } else {
            self.visible(self.base.canonicalize_in(real_dir, name)?)
        }
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileKind)>> {
        let dir = normalize(path);
        let mut entries: BTreeMap<String, FileKind> = match self.base.read_dir(&dir) {
            Ok(found) => found.into_iter().collect(),
            Err(_) if self.implies_dir(&dir) => BTreeMap::new(),
            Err(e) => return Err(e),
        };
        entries.retain(|name, kind| {
            let path = dir.join(name);
            let hidden =
                *kind == FileKind::File && self.hidden.is_some_and(|(hide, _)| hide(&path));
            !self.is_removed(&path) && !hidden
        });
        for file in self.files.keys() {
            let Ok(rest) = file.strip_prefix(&dir) else {
                continue;
            };
            let mut parts = rest.components();
            if let Some(first) = parts.next() {
                let kind = if parts.next().is_some() {
                    FileKind::Dir
                } else {
                    FileKind::File
                };
                entries.insert(first.as_os_str().to_string_lossy().into_owned(), kind);
            }
        }
        Ok(entries.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemFs;

    #[test]
    fn layered_fs_answers_changed_paths_and_implies_directories() {
        let mut base = MemFs::new();
        base.add_file("/r/a.yaml", "old");
        base.add_file("/r/keep.yaml", "kept");
        let layered = LayeredFs::new(
            &base,
            BTreeMap::from([
                (PathBuf::from("/r/a.yaml"), b"new".to_vec()),
                (PathBuf::from("/r/new/dir/b.yaml"), b"b".to_vec()),
            ]),
        );
        assert_eq!(layered.read(Path::new("/r/a.yaml")).unwrap(), b"new");
        assert_eq!(layered.read(Path::new("/r/./keep.yaml")).unwrap(), b"kept");
        assert_eq!(layered.read(Path::new("/r/new/dir/b.yaml")).unwrap(), b"b");
        assert_eq!(layered.kind(Path::new("/r/new")), Some(FileKind::Dir));
        assert_eq!(layered.kind(Path::new("/r/new/dir")), Some(FileKind::Dir));
        assert_eq!(
            layered.kind(Path::new("/r/new/dir/b.yaml")),
            Some(FileKind::File)
        );
        assert_eq!(layered.kind(Path::new("/r/ne")), None);
        assert!(layered.read(Path::new("/r/missing")).is_err());
        assert_eq!(
            layered
                .canonicalize(Path::new("/r/x/../new/dir/b.yaml"))
                .unwrap(),
            PathBuf::from("/r/new/dir/b.yaml")
        );
        assert_eq!(
            layered
                .canonicalize_in(Path::new("/r/new"), "dir".as_ref())
                .unwrap(),
            PathBuf::from("/r/new/dir")
        );
        assert!(layered.canonicalize(Path::new("/r/nothing")).is_err());
        assert_eq!(
            layered.read_dir(Path::new("/r")).unwrap(),
            vec![
                ("a.yaml".to_owned(), FileKind::File),
                ("keep.yaml".to_owned(), FileKind::File),
                ("new".to_owned(), FileKind::Dir),
            ]
        );
        assert_eq!(
            layered.read_dir(Path::new("/r/new/dir")).unwrap(),
            vec![("b.yaml".to_owned(), FileKind::File)]
        );
        // The base is untouched.
        assert_eq!(base.read(Path::new("/r/a.yaml")).unwrap(), b"old");
    }

    #[test]
    fn deleted_files_are_gone_from_the_layer_only() {
        let mut base = MemFs::new();
        base.add_file("/r/app/patch.yaml", "p");
        base.add_file("/r/app/keep.yaml", "k");
        let layered =
            LayeredFs::new(&base, BTreeMap::new()).without([PathBuf::from("/r/app/patch.yaml")]);
        assert!(layered.read(Path::new("/r/app/patch.yaml")).is_err());
        assert_eq!(layered.kind(Path::new("/r/app/patch.yaml")), None);
        assert!(layered
            .canonicalize(Path::new("/r/app/patch.yaml"))
            .is_err());
        assert_eq!(
            layered.read_dir(Path::new("/r/app")).unwrap(),
            vec![("keep.yaml".to_owned(), FileKind::File)]
        );
        assert_eq!(base.read(Path::new("/r/app/patch.yaml")).unwrap(), b"p");
    }

    #[test]
    fn hidden_files_are_absent_but_their_directories_stay() {
        let mut base = MemFs::new();
        base.add_file("/r/app/deploy.yaml", "d");
        base.add_file("/r/app/notes.md", "n");
        base.add_file("/r/docs.md/x.yaml", "x");
        let markdown = |p: &Path| p.extension().is_some_and(|e| e == "md");
        let kust = BTreeMap::from([(PathBuf::from("/r/app/kustomization.yaml"), b"k".to_vec())]);
        let artifact = LayeredFs::new(&base, kust).hiding_files(&markdown, "excluded by a rule");
        assert_eq!(artifact.kind(Path::new("/r/app/notes.md")), None);
        let err = artifact.read(Path::new("/r/app/notes.md")).unwrap_err();
        assert_eq!(err.to_string(), "/r/app/notes.md: excluded by a rule");
        assert!(artifact.canonicalize(Path::new("/r/app/notes.md")).is_err());
        assert_eq!(artifact.kind(Path::new("/r/docs.md")), Some(FileKind::Dir));
        assert_eq!(
            artifact.read_dir(Path::new("/r/app")).unwrap(),
            vec![
                ("deploy.yaml".to_owned(), FileKind::File),
                ("kustomization.yaml".to_owned(), FileKind::File),
            ]
        );
        assert_eq!(
            artifact
                .read(Path::new("/r/app/kustomization.yaml"))
                .unwrap(),
            b"k"
        );
    }
}
