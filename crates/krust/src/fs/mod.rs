//! The filesystem krust reads through: the real disk, an in-memory tree
//! (tests, and git revisions read without a checkout), or a few files laid
//! over either.

mod layered;

pub use layered::{Hidden, LayeredFs};

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Component, Path, PathBuf};

/// What a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
}

/// Read-only access to a tree of files. Paths handed to it are absolute.
pub trait FileSystem: Sync {
    /// The whole content of a file.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// What the path names after following symlinks, or `None` if nothing.
    fn kind(&self, path: &Path) -> Option<FileKind>;
    /// The absolute path with `.`/`..` and symlinks resolved; fails if it does not exist.
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf>;
    /// `canonicalize(real_dir.join(name))` for a `real_dir` already canonical,
    /// which a filesystem can answer without resolving the directory again
    /// (kustomizations read most files straight from their own root).
    fn canonicalize_in(&self, real_dir: &Path, name: &std::ffi::OsStr) -> io::Result<PathBuf> {
        self.canonicalize(&real_dir.join(name))
    }
    /// The entries of a directory, by name, with what each names (symlinks
    /// are not followed: a link is neither file nor directory and is left
    /// out). Only tools that walk a tree (root discovery, lint) need it.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileKind)>> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!(
                "{}: this filesystem cannot list directories",
                path.display()
            ),
        ))
    }
}

/// The machine's own filesystem.
#[derive(Debug, Default, Clone, Copy)]
pub struct DiskFs;

impl FileSystem for DiskFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        // A pipe or a device would block or never end: never read one.
        if !std::fs::metadata(path)?.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file (a directory, pipe, socket or device)",
            ));
        }
        std::fs::read(path)
    }

    fn kind(&self, path: &Path) -> Option<FileKind> {
        let meta = std::fs::metadata(path).ok()?;
        if meta.is_dir() {
            Some(FileKind::Dir)
        } else {
            Some(FileKind::File)
        }
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn canonicalize_in(&self, real_dir: &Path, name: &std::ffi::OsStr) -> io::Result<PathBuf> {
        let path = real_dir.join(name);
        if std::fs::symlink_metadata(&path)?.file_type().is_symlink() {
            std::fs::canonicalize(&path)
        } else {
            Ok(path)
        }
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileKind)>> {
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            let kind = match entry.file_type()? {
                t if t.is_dir() => FileKind::Dir,
                t if t.is_file() => FileKind::File,
                _ => continue,
            };
            if let Some(name) = entry.file_name().to_str() {
                entries.push((name.to_owned(), kind));
            }
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(entries)
    }
}

/// An in-memory tree. Directories are implied by the files below them and can
/// also be added empty. Symlinks are not modelled.
///
/// Paths are hashed, not ordered: a git revision's tree holds tens of
/// thousands of files, and every lookup comparing paths component by
/// component showed in profiles. Each directory keeps its sorted listing.
#[derive(Debug, Default, Clone)]
pub struct MemFs {
    entries: HashMap<PathBuf, Entry, foldhash::fast::RandomState>,
}

/// A file's content, or a directory's listing.
#[derive(Debug, Clone)]
enum Entry {
    File(Vec<u8>),
    Dir(BTreeMap<String, FileKind>),
}

impl MemFs {
    /// An empty tree (only `/` exists).
    pub fn new() -> Self {
        let mut fs = MemFs::default();
        fs.entries
            .insert(PathBuf::from("/"), Entry::Dir(BTreeMap::new()));
        fs
    }

    /// Adds (or replaces) a file, creating its parent directories. A
    /// directory it replaces goes, with everything below it.
    pub fn add_file(&mut self, path: impl AsRef<Path>, content: impl Into<Vec<u8>>) {
        let path = normalize(&Path::new("/").join(path));
        self.add_parents(&path, FileKind::File);
        if let Some(Entry::Dir(listing)) = self
            .entries
            .insert(path.clone(), Entry::File(content.into()))
        {
            for name in listing.keys() {
                self.remove_tree(&path.join(name));
            }
        }
    }

    /// Removes `path` and, for a directory, everything below it.
    fn remove_tree(&mut self, path: &Path) {
        if let Some(Entry::Dir(listing)) = self.entries.remove(path) {
            for name in listing.keys() {
                self.remove_tree(&path.join(name));
            }
        }
    }

    /// Adds an empty directory, creating its parents.
    pub fn add_dir(&mut self, path: impl AsRef<Path>) {
        let path = normalize(&Path::new("/").join(path));
        self.add_parents(&path, FileKind::Dir);
        if !matches!(self.entries.get(&path), Some(Entry::Dir(_))) {
            self.entries.insert(path, Entry::Dir(BTreeMap::new()));
        }
    }

    /// Lists `path` (a `kind`) in its parent, and each directory in its
    /// own parent, up to the first that was already there.
    fn add_parents(&mut self, path: &Path, kind: FileKind) {
        let mut child = path;
        let mut kind = kind;
        while let (Some(parent), Some(name)) = (child.parent(), child.file_name()) {
            let existed = self.entries.contains_key(parent);
            let entry = self
                .entries
                .entry(parent.to_path_buf())
                .or_insert_with(|| Entry::Dir(BTreeMap::new()));
            // A file with files below it stays a file; a name that is not
            // UTF-8 is not listed (the disk's listing skips it too).
            if let (Entry::Dir(listing), Some(name)) = (entry, name.to_str()) {
                listing.insert(name.to_owned(), kind);
            }
            if existed {
                return;
            }
            (child, kind) = (parent, FileKind::Dir);
        }
    }

    fn entry(&self, path: &Path) -> Option<&Entry> {
        match lookup_key(path) {
            Cow::Borrowed(key) => self.entries.get(key),
            Cow::Owned(key) => self.entries.get(&key),
        }
    }
}

/// `path` as the tree's keys are written: normalized, without copying a
/// path that has no `..` (hashing and equality already ignore `.` and
/// doubled separators).
fn lookup_key(path: &Path) -> Cow<'_, Path> {
    let bytes = path.as_os_str().as_encoded_bytes();
    if path.is_absolute() && !bytes.windows(2).any(|w| w == b"..") {
        Cow::Borrowed(path)
    } else {
        Cow::Owned(normalize(path))
    }
}

impl FileSystem for MemFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.entry(path) {
            Some(Entry::File(content)) => Ok(content.clone()),
            Some(Entry::Dir(_)) => Err(io::Error::other("is a directory")),
            None => Err(io::Error::new(
                io::ErrorKind::NotFound,
                "no such file or directory",
            )),
        }
    }

    fn kind(&self, path: &Path) -> Option<FileKind> {
        self.entry(path).map(|e| match e {
            Entry::File(_) => FileKind::File,
            Entry::Dir(_) => FileKind::Dir,
        })
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        let path = normalize(path);
        if self.entries.contains_key(&path) {
            Ok(path)
        } else {
            Err(io::Error::new(
                io::ErrorKind::NotFound,
                "no such file or directory",
            ))
        }
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileKind)>> {
        match self.entry(path) {
            Some(Entry::Dir(listing)) => Ok(listing
                .iter()
                .map(|(name, kind)| (name.clone(), *kind))
                .collect()),
            _ => Err(io::Error::new(io::ErrorKind::NotFound, "no such directory")),
        }
    }
}

/// Resolves `.` and `..` lexically (no symlinks), keeping the path's root;
/// a relative path keeps the `..` that climb above its start.
pub fn normalize(path: &Path) -> PathBuf {
    let mut parts: Vec<Component> = Vec::new();
    for comp in path.components() {
        match comp {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(comp),
            },
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return PathBuf::from(".");
    }
    parts.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_resolves_dots() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(normalize(Path::new("/../a")), PathBuf::from("/a"));
        assert_eq!(normalize(Path::new("a/../..")), PathBuf::from(".."));
        assert_eq!(normalize(Path::new("a/..")), PathBuf::from("."));
        assert_eq!(normalize(Path::new("../../x")), PathBuf::from("../../x"));
        assert_eq!(
            normalize(Path::new("../base/./a.yaml")),
            PathBuf::from("../base/a.yaml")
        );
    }

    #[test]
    fn memfs_implies_parent_dirs() {
        let mut fs = MemFs::new();
        fs.add_file("/repo/base/kustomization.yaml", "resources: []\n");
        assert_eq!(fs.kind(Path::new("/repo/base")), Some(FileKind::Dir));
        assert_eq!(fs.kind(Path::new("/repo")), Some(FileKind::Dir));
        assert_eq!(
            fs.kind(Path::new("/repo/base/kustomization.yaml")),
            Some(FileKind::File)
        );
        assert!(fs.read(Path::new("/repo/missing")).is_err());
        assert_eq!(
            fs.canonicalize(Path::new("/repo/base/../base")).unwrap(),
            PathBuf::from("/repo/base")
        );
    }

    #[test]
    fn memfs_lists_directories_sorted_and_finds_paths_however_written() {
        let mut fs = MemFs::new();
        fs.add_file("/r/b/x.yaml", "x");
        fs.add_file("/r/a.yaml", "a");
        fs.add_dir("/r/c");
        fs.add_file("/r/b/y.yaml", "y");
        fs.add_dir("/r/b");
        let listing = |dir: &str| fs.read_dir(Path::new(dir)).unwrap();
        assert_eq!(
            listing("/r"),
            [
                ("a.yaml".to_owned(), FileKind::File),
                ("b".to_owned(), FileKind::Dir),
                ("c".to_owned(), FileKind::Dir),
            ]
        );
        assert_eq!(
            listing("/r/b").len(),
            2,
            "adding a directory again keeps its files"
        );
        assert!(listing("/r/c").is_empty());
        assert_eq!(listing("/"), [("r".to_owned(), FileKind::Dir)]);
        assert!(fs.read_dir(Path::new("/r/a.yaml")).is_err());
        for written in [
            "/r/b/x.yaml",
            "/r//b/./x.yaml",
            "/r/c/../b/x.yaml",
            "/r/b/x.yaml/",
        ] {
            assert_eq!(fs.read(Path::new(written)).unwrap(), b"x", "{written}");
        }
        assert_eq!(fs.kind(Path::new("/r/c/..")), Some(FileKind::Dir));
        assert!(fs.read(Path::new("/r/b")).is_err());
        // A directory replaced by a file is listed as one, and what was
        // below it is gone.
        fs.add_file("/r/b", "now a file");
        let listing = fs.read_dir(Path::new("/r")).unwrap();
        assert_eq!(listing[1], ("b".to_owned(), FileKind::File));
        assert_eq!(fs.kind(Path::new("/r/b/x.yaml")), None);
        fs.add_dir("/r/b");
        assert!(fs.read_dir(Path::new("/r/b")).unwrap().is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn disk_canonicalize_in_follows_symlinks_like_canonicalize() {
        let dir = std::env::temp_dir().join(format!("krust-fs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("elsewhere")).unwrap();
        std::fs::write(dir.join("plain.yaml"), "a: 1\n").unwrap();
        std::fs::write(dir.join("elsewhere/target.yaml"), "b: 2\n").unwrap();
        std::os::unix::fs::symlink(dir.join("elsewhere/target.yaml"), dir.join("link.yaml"))
            .unwrap();
        let real = std::fs::canonicalize(&dir).unwrap();
        for name in ["plain.yaml", "link.yaml"] {
            assert_eq!(
                DiskFs.canonicalize_in(&real, name.as_ref()).unwrap(),
                DiskFs.canonicalize(&real.join(name)).unwrap(),
                "{name}"
            );
        }
        assert!(DiskFs
            .canonicalize_in(&real, "missing.yaml".as_ref())
            .is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn disk_read_refuses_pipes_and_devices_instead_of_blocking() {
        let dir = std::env::temp_dir().join(format!("krust-fifo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("pipe.yaml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if made {
            let err = DiskFs.read(&fifo).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
        }
        assert!(DiskFs.read(Path::new("/dev/zero")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
