//! A private temporary directory per chart, removed when dropped: the
//! values file, the chart copied out of the build's filesystem, and helm's
//! homes unless `helmGlobals.configHome` names them.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::fs::{FileKind, FileSystem};

/// A directory under the system's temporary directory, removed on drop.
pub(super) struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    /// Creates a fresh directory (`krust-helm-<pid>-<n>-<nanos>`), never
    /// one that already exists, readable by this user only (a values file
    /// may hold a Secret's data).
    pub(super) fn new() -> io::Result<Scratch> {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        loop {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or_default();
            let n = COUNT.fetch_add(1, Ordering::Relaxed);
            let name = format!("krust-helm-{}-{n}-{nanos}", std::process::id());
            let dir = std::env::temp_dir().join(name);
            match private_dir(&dir) {
                Ok(()) => return Ok(Scratch { dir }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    pub(super) fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(unix)]
fn private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().mode(0o700).create(dir)
}

#[cfg(not(unix))]
fn private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir(dir)
}

/// Copies the directory `from` of `fs`, everything below it, to `to` on
/// disk: helm reads a chart from disk, and a build may be reading a git
/// revision or a Flux artifact held in memory.
pub(super) fn copy_tree(fs: &dyn FileSystem, from: &Path, to: &Path) -> io::Result<()> {
    std::fs::create_dir_all(to)?;
    for (name, kind) in fs.read_dir(from)? {
        let (source, target) = (from.join(&name), to.join(&name));
        match kind {
            FileKind::Dir => copy_tree(fs, &source, &target)?,
            FileKind::File => std::fs::write(&target, fs.read(&source)?)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemFs;

    #[test]
    fn a_chart_in_memory_is_copied_whole_and_cleaned_up() {
        let mut fs = MemFs::new();
        fs.add_file("/repo/charts/demo/Chart.yaml", "name: demo\n");
        fs.add_file("/repo/charts/demo/templates/cm.yaml", "kind: ConfigMap\n");
        fs.add_dir("/repo/charts/demo/empty");
        let scratch = Scratch::new().unwrap();
        let to = scratch.path().join("demo");
        copy_tree(&fs, Path::new("/repo/charts/demo"), &to).unwrap();
        assert_eq!(
            std::fs::read(to.join("templates/cm.yaml")).unwrap(),
            b"kind: ConfigMap\n"
        );
        assert!(to.join("empty").is_dir());
        let kept = scratch.path().to_path_buf();
        drop(scratch);
        assert!(!kept.exists());
    }
}
