//! A filesystem layer that remembers what directories resolve to, for one
//! graph: every kustomization that includes a base resolves the base's path,
//! and a repository's overlays include the same bases many times over.

use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::cache::PathMap;
use crate::fs::{FileKind, FileSystem};

/// Remembers `kind` answers and successful `canonicalize` ones (failures are
/// asked again, so their messages stay the filesystem's own). Files are read
/// through untouched. The tree is assumed not to change during a build.
pub(super) struct MemoFs<'fs> {
    inner: &'fs dyn FileSystem,
    canonical: Mutex<PathMap<PathBuf>>,
    kinds: Mutex<PathMap<Option<FileKind>>>,
}

impl<'fs> MemoFs<'fs> {
    pub(super) fn new(inner: &'fs dyn FileSystem) -> MemoFs<'fs> {
        MemoFs {
            inner,
            canonical: Mutex::default(),
            kinds: Mutex::default(),
        }
    }
}

/// Looks `key` up, or computes and remembers a successful answer.
fn remember<V: Clone, E>(
    memo: &Mutex<PathMap<V>>,
    key: &Path,
    compute: impl FnOnce() -> Result<V, E>,
) -> Result<V, E> {
    let lock = || memo.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(found) = lock().get(key) {
        return Ok(found.clone());
    }
    let found = compute()?;
    lock().insert(key.to_path_buf(), found.clone());
    Ok(found)
}

impl FileSystem for MemoFs<'_> {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.inner.read(path)
    }

    fn kind(&self, path: &Path) -> Option<FileKind> {
        remember(&self.kinds, path, || Ok::<_, ()>(self.inner.kind(path))).unwrap_or(None)
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        remember(&self.canonical, path, || self.inner.canonicalize(path))
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileKind)>> {
        self.inner.read_dir(path)
    }

    fn canonicalize_in(&self, real_dir: &Path, name: &OsStr) -> io::Result<PathBuf> {
        remember(&self.canonical, &real_dir.join(name), || {
            self.inner.canonicalize_in(real_dir, name)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemFs;

    #[test]
    fn answers_like_the_filesystem_beneath() {
        let mut fs = MemFs::new();
        fs.add_file("/repo/base/kustomization.yaml", "resources: []\n");
        let memo = MemoFs::new(&fs);
        for _ in 0..2 {
            assert_eq!(
                memo.canonicalize(Path::new("/repo/base/../base")).unwrap(),
                PathBuf::from("/repo/base")
            );
            assert_eq!(memo.kind(Path::new("/repo/base")), Some(FileKind::Dir));
            assert_eq!(memo.kind(Path::new("/repo/missing")), None);
            assert!(memo.canonicalize(Path::new("/repo/missing")).is_err());
        }
        assert_eq!(
            memo.read(Path::new("/repo/base/kustomization.yaml"))
                .unwrap(),
            b"resources: []\n"
        );
    }
}
