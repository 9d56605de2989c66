//! Finding the kustomization roots of a repository: every directory with a
//! kustomization that is not a Component and that no other kustomization of
//! the tree lists as a resource (the "top-level" roots a CI renders).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::fs::{normalize, FileKind, FileSystem};
use crate::inputs::InputsCache;
use crate::kustomization::FILE_NAMES;

/// Skipped while walking: version control and vendored dependencies.
const SKIPPED_DIRS: [&str; 3] = [".git", "node_modules", "vendor"];

/// The kustomization roots below `dir` on disk, sorted. With
/// `include_bases`, directories used as resources of others are roots too.
pub fn discover_roots(dir: &Path, include_bases: bool) -> Result<Vec<PathBuf>> {
    discover_roots_in(&crate::DiskFs, dir, include_bases)
}

/// [`discover_roots`] over any filesystem (a git revision's tree, say).
pub fn discover_roots_in(
    fs: &dyn FileSystem,
    dir: &Path,
    include_bases: bool,
) -> Result<Vec<PathBuf>> {
    discover_roots_with(fs, dir, include_bases, &InputsCache::default())
}

/// [`discover_roots_in`] reading the kustomizations through `cache`, which
/// must only ever be used with `fs`: what the roots' [`crate::inputs_with`]
/// then reads again is already parsed.
pub fn discover_roots_with(
    fs: &dyn FileSystem,
    dir: &Path,
    include_bases: bool,
    cache: &InputsCache,
) -> Result<Vec<PathBuf>> {
    let mut candidates = Vec::new();
    walk(fs, dir, &mut candidates).map_err(|e| {
        Error::io(dir, e).reworded(|m| format!("cannot read the directory tree: {m}"))
    })?;
    // Parsing is the work, and every kustomization parses on its own. An
    // unreadable kustomization is still a root: rendering it reports the
    // problem.
    let records: Vec<_> = candidates
        .into_par_iter()
        .map(|candidate| {
            let record = cache.dir(fs, &normalize(&candidate));
            (candidate, record)
        })
        .collect();
    let mut roots = BTreeSet::new();
    let mut referenced = BTreeSet::new();
    for (candidate, record) in records {
        if record.component {
            continue;
        }
        referenced.extend(record.references.iter().cloned());
        roots.insert(candidate);
    }
    if !include_bases {
        roots.retain(|r| !referenced.contains(&normalize(r)));
    }
    Ok(roots.into_iter().collect())
}

fn kustomization_file(fs: &dyn FileSystem, dir: &Path) -> Option<PathBuf> {
    FILE_NAMES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| fs.kind(p) == Some(FileKind::File))
}

fn walk(fs: &dyn FileSystem, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if kustomization_file(fs, dir).is_some() {
        out.push(dir.to_path_buf());
    }
    for (name, kind) in fs.read_dir(dir)? {
        if kind == FileKind::Dir && !SKIPPED_DIRS.contains(&name.as_str()) {
            walk(fs, &dir.join(name), out)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlays_are_roots_bases_and_components_are_not() {
        let dir = std::env::temp_dir().join(format!("krust-discover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let write = |p: &str, s: &str| {
            let p = dir.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, s).unwrap();
        };
        write("base/kustomization.yaml", "resources: [cm.yaml]\n");
        write(
            "comp/kustomization.yaml",
            "kind: Component\napiVersion: kustomize.config.k8s.io/v1alpha1\n",
        );
        write(
            "overlays/dev/kustomization.yaml",
            "resources: [../../base]\ncomponents: [../../comp]\n",
        );
        write(
            "overlays/prod/kustomization.yaml",
            "resources: [../../base]\n",
        );
        let roots = discover_roots(&dir, false).unwrap();
        assert_eq!(roots, [dir.join("overlays/dev"), dir.join("overlays/prod")]);
        let all = discover_roots(&dir, true).unwrap();
        assert_eq!(all.len(), 3);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn discovers_roots_in_memory_as_on_disk() {
        let mut fs = crate::MemFs::new();
        fs.add_file("/r/base/kustomization.yaml", "resources: [cm.yaml]\n");
        fs.add_file(
            "/r/comp/kustomization.yaml",
            "kind: Component\napiVersion: kustomize.config.k8s.io/v1alpha1\n",
        );
        fs.add_file(
            "/r/overlays/dev/kustomization.yaml",
            "resources: [../../base]\n",
        );
        fs.add_file("/r/.git/kustomization.yaml", "resources: []\n");
        fs.add_file("/r/overlays/dev/notes.txt", "x");
        let roots = discover_roots_in(&fs, Path::new("/r"), false).unwrap();
        assert_eq!(roots, vec![PathBuf::from("/r/overlays/dev")]);
        let all = discover_roots_in(&fs, Path::new("/r"), true).unwrap();
        assert_eq!(
            all,
            vec![PathBuf::from("/r/base"), PathBuf::from("/r/overlays/dev")]
        );
    }
}
