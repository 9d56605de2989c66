//! Finding the kustomization roots of a repository: every directory with a
//! kustomization that is not a Component and that no other kustomization of
//! the tree lists as a resource (the "top-level" roots a CI renders).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use krust_yaml::Value;

use crate::error::{Error, Result};
use crate::fs::normalize;
use crate::kustomization::{self, FILE_NAMES};

/// Skipped while walking: version control and vendored dependencies.
const SKIPPED_DIRS: [&str; 3] = [".git", "node_modules", "vendor"];

/// The kustomization roots below `dir` on disk, sorted. With
/// `include_bases`, directories used as resources of others are roots too.
pub fn discover_roots(dir: &Path, include_bases: bool) -> Result<Vec<PathBuf>> {
    let mut candidates = Vec::new();
    walk(dir, &mut candidates)
        .map_err(|e| Error::at(dir, format!("cannot read the directory tree: {e}")))?;
    let mut roots = BTreeSet::new();
    let mut referenced = BTreeSet::new();
    for candidate in candidates {
        // An unreadable kustomization is still a root: rendering it reports the problem.
        let doc = read_kustomization(&candidate).unwrap_or_default();
        if doc.str_at(&["kind"]) == Some(kustomization::COMPONENT_KIND) {
            continue;
        }
        for field in ["resources", "bases"] {
            for resource in doc.get(field).and_then(Value::as_seq).into_iter().flatten() {
                if let Some(path) = resource.as_str() {
                    referenced.insert(normalize(&candidate.join(path)));
                }
            }
        }
        roots.insert(candidate);
    }
    if !include_bases {
        roots.retain(|r| !referenced.contains(&normalize(r)));
    }
    Ok(roots.into_iter().collect())
}

fn read_kustomization(dir: &Path) -> Option<Value> {
    let file = FILE_NAMES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())?;
    let text = std::fs::read_to_string(file).ok()?;
    let options = krust_yaml::LoadOptions {
        duplicate_keys_last_wins: true,
        ..Default::default()
    };
    krust_yaml::load_documents_with(&text, options)
        .ok()?
        .into_iter()
        .next()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if FILE_NAMES.iter().any(|n| dir.join(n).is_file()) {
        out.push(dir.to_path_buf());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !SKIPPED_DIRS.contains(&n))
        })
        .collect();
    entries.sort();
    for entry in entries {
        walk(&entry, out)?;
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
}
