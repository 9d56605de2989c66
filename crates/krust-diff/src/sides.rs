//! Rendering the same roots on two sides (two git revisions, or a revision
//! and the working tree) and comparing them root by root.
//!
//! Each side renders through its own build graph, the two sides at once, so
//! a repository-wide comparison costs about one render of each side, not one
//! `kustomize build` per root per side.

use std::path::{Path, PathBuf};

use krust::{BuildOptions, FileKind, FileSystem, Graph};
use rayon::prelude::*;

use crate::compare::{diff_repo, DiffOptions, RootInput, RootSide};
use crate::model::RepoDiff;
use crate::render::Render;

/// One side of a comparison: where its files come from.
pub struct Side<'fs> {
    /// The tree (a revision in memory, or the disk).
    pub fs: &'fs dyn FileSystem,
    /// How the side is named in messages (`HEAD~1`, `working tree`).
    pub label: String,
}

/// Whether `dir` holds a kustomization on this filesystem.
fn has_kustomization(fs: &dyn FileSystem, dir: &Path) -> bool {
    krust::kustomization::FILE_NAMES
        .iter()
        .any(|name| fs.kind(&dir.join(name)) == Some(FileKind::File))
}

/// Renders every root that exists on `side`; roots without a kustomization
/// there are absent (`None`), failures are kept as their messages.
pub fn render_side(side: &Side, roots: &[PathBuf], options: &BuildOptions) -> Vec<RootSide> {
    let graph = Graph::new(side.fs, options.clone());
    let exists: Vec<bool> = roots
        .iter()
        .map(|root| has_kustomization(side.fs, root))
        .collect();
    let present: Vec<PathBuf> = roots
        .iter()
        .zip(&exists)
        .filter(|(_, &here)| here)
        .map(|(root, _)| root.clone())
        .collect();
    graph.prepare(&present);
    roots
        .par_iter()
        .zip(&exists)
        .map(|(root, &here)| {
            if !here {
                return None;
            }
            let input = format!("{} ({})", root.display(), side.label);
            Some(
                graph
                    .build(root)
                    .map_err(|e| e.to_string())
                    .and_then(|map| Render::from_resmap(input, &map).map_err(|e| e.to_string())),
            )
        })
        .collect()
}

/// Renders `roots` on both sides at once and compares them. `show` names a
/// root in the results (a path relative to the repository, say).
pub fn compare_sides(
    old: &Side,
    new: &Side,
    roots: &[PathBuf],
    show: &(dyn Fn(&Path) -> String + Sync),
    options: &BuildOptions,
    diff: &DiffOptions<'_>,
) -> RepoDiff {
    let (old_renders, new_renders) = rayon::join(
        || render_side(old, roots, options),
        || render_side(new, roots, options),
    );
    let inputs = roots
        .iter()
        .zip(old_renders.into_iter().zip(new_renders))
        .map(|(root, (old, new))| RootInput {
            root: show(root),
            old,
            new,
        })
        .collect();
    diff_repo(inputs, diff)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RootOutcome;
    use krust::MemFs;

    fn tree(replicas: u32, with_extra: bool) -> MemFs {
        let mut fs = MemFs::new();
        fs.add_file("/r/base/kustomization.yaml", "resources: [d.yaml]\n");
        fs.add_file(
            "/r/base/d.yaml",
            format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec: {{replicas: {replicas}}}\n"),
        );
        fs.add_file("/r/dev/kustomization.yaml", "resources: [../base]\n");
        if with_extra {
            fs.add_file(
                "/r/extra/kustomization.yaml",
                "resources: [../base]\nnamePrefix: x-\n",
            );
        }
        fs
    }

    #[test]
    fn roots_are_compared_added_and_removed() {
        let (old_fs, new_fs) = (tree(1, true), tree(2, false));
        let old = Side {
            fs: &old_fs,
            label: "old".into(),
        };
        let new = Side {
            fs: &new_fs,
            label: "new".into(),
        };
        let roots = vec![PathBuf::from("/r/dev"), PathBuf::from("/r/extra")];
        let show = |p: &Path| p.display().to_string();
        let diff = compare_sides(
            &old,
            &new,
            &roots,
            &show,
            &BuildOptions::default(),
            &DiffOptions::default(),
        );
        assert_eq!(diff.roots.len(), 2);
        match &diff.roots[0].outcome {
            RootOutcome::Changed(d) => {
                assert_eq!(d.changed[0].fields[0].path.to_string(), "spec.replicas")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(diff.roots[1].outcome, RootOutcome::Removed(_)));
    }
}
