//! A filesystem with a few files changed in memory over another.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use krust::{normalize, FileKind, FileSystem};

/// A filesystem that answers for a few changed files itself and for
/// everything else from another filesystem: the tree as it would be after a
/// change, without writing it. Directories holding a layered file exist.
pub struct LayeredFs<'fs> {
    base: &'fs dyn FileSystem,
    files: BTreeMap<PathBuf, Vec<u8>>,
    /// Files of the base that the change deletes.
    removed: std::collections::BTreeSet<PathBuf>,
}

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
        }
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
            None if self.is_removed(&path) => Err(removed(&path)),
            None => self.base.read(&path),
        }
    }

    fn kind(&self, path: &Path) -> Option<FileKind> {
        let path = normalize(path);
        if self.is_removed(&path) {
            return None;
        }
        self.layered_kind(&path).or_else(|| self.base.kind(&path))
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        let path = normalize(path);
        if self.layered_kind(&path).is_some() {
            // Layered paths are stored canonical already.
            Ok(path)
        } else if self.is_removed(&path) {
            Err(removed(&path))
        } else {
            self.base.canonicalize(&path)
        }
    }

    fn canonicalize_in(&self, real_dir: &Path, name: &std::ffi::OsStr) -> io::Result<PathBuf> {
        let path = normalize(&real_dir.join(name));
        if self.layered_kind(&path).is_some() {
            Ok(path)
        } else if self.is_removed(&path) {
            Err(removed(&path))
        } else {
            self.base.canonicalize_in(real_dir, name)
        }
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileKind)>> {
        let dir = normalize(path);
        let mut entries: BTreeMap<String, FileKind> = match self.base.read_dir(&dir) {
            Ok(found) => found.into_iter().collect(),
            Err(_) if self.implies_dir(&dir) => BTreeMap::new(),
            Err(e) => return Err(e),
        };
        entries.retain(|name, _| !self.is_removed(&dir.join(name)));
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

fn removed(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!("{}: deleted by the change", path.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use krust::MemFs;

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
}
