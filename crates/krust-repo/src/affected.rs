//! Which roots a change between two revisions can reach: those whose
//! inputs ([`krust::inputs`]: every file their build reads) include a file
//! the change adds, edits, deletes or renames, and those that appear or
//! disappear. Sound (a root whose render changed is always listed) and
//! precise to the file (a change to one app's base lists only the roots
//! that include it), without rendering anything.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use krust::{FileKind, FileSystem, InputsCache};
use rayon::prelude::*;

/// Why a root is affected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The root is new in the head revision.
    Added,
    /// The root is gone from the head revision.
    Removed,
    /// Its build reads this changed file (on one side or both).
    Input(PathBuf),
}

/// One affected root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffectedRoot {
    /// The root's directory (absolute).
    pub root: PathBuf,
    /// Why it is affected (the first changed input, in path order).
    pub reason: Reason,
}

/// One revision's kustomizations, each read and parsed once for every
/// question asked of them: which roots there are, and what each reads.
pub struct KustomizationIndex<'fs> {
    fs: &'fs dyn FileSystem,
    cache: InputsCache,
}

impl std::fmt::Debug for KustomizationIndex<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KustomizationIndex")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl<'fs> KustomizationIndex<'fs> {
    /// The kustomizations of `fs`, read as they are asked for.
    pub fn new(fs: &'fs dyn FileSystem) -> Self {
        KustomizationIndex {
            fs,
            cache: InputsCache::default(),
        }
    }

    /// The files.
    pub fn fs(&self) -> &'fs dyn FileSystem {
        self.fs
    }

    /// The roots below `dir` ([`krust::discover_roots_in`]).
    pub fn roots(&self, dir: &Path, include_bases: bool) -> krust::Result<Vec<PathBuf>> {
        krust::discover_roots_with(self.fs, dir, include_bases, &self.cache)
    }

    /// What the build of `root` reads ([`krust::inputs`]).
    pub fn inputs(&self, root: &Path) -> krust::Result<krust::Inputs> {
        krust::inputs_with(self.fs, root, &self.cache)
    }

    /// The position in `paths` of the first the build of `root` reads.
    fn first_input(&self, root: &Path, paths: &[PathBuf]) -> Option<usize> {
        krust::first_input(self.fs, root, paths, &self.cache)
    }

    /// Whether `dir` holds a kustomization.
    fn is_root(&self, dir: &Path) -> bool {
        krust::kustomization::FILE_NAMES
            .iter()
            .any(|name| self.fs.kind(&dir.join(name)) == Some(FileKind::File))
    }
}

/// The roots among `roots` (absolute; found on either side) that the
/// change from `old` to `new`, whose files differ at `changed`, can reach;
/// in the order of `roots`.
pub fn affected_roots(
    old: &KustomizationIndex,
    new: &KustomizationIndex,
    roots: &[PathBuf],
    changed: &[PathBuf],
) -> Vec<AffectedRoot> {
    if changed.is_empty() {
        return Vec::new();
    }
    let touches_kustomization = changes_kustomization(changed);
    roots
        .par_iter()
        .filter_map(|root| {
            let reason = match (old.is_root(root), new.is_root(root)) {
                (false, false) => return None,
                (false, true) => Reason::Added,
                (true, false) => Reason::Removed,
                (true, true) => {
                    let before = old.first_input(root, changed);
                    // Inputs come from kustomization files alone: unless one
                    // changed, both sides list the same.
                    let after = if touches_kustomization {
                        new.first_input(root, changed)
                    } else {
                        before
                    };
                    let first = before.into_iter().chain(after).min()?;
                    Reason::Input(changed[first].clone())
                }
            };
            Some(AffectedRoot {
                root: root.clone(),
                reason,
            })
        })
        .collect()
}

/// Whether any of `changed` is a kustomization file (by name).
pub fn changes_kustomization(changed: &[PathBuf]) -> bool {
    changed.iter().any(|path| {
        path.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| krust::kustomization::FILE_NAMES.contains(&n))
    })
}

/// The directories (and files) whose contents the builds of `roots` read
/// on any of `sides`: what a revision must provide to render them.
pub fn input_dirs(sides: &[&KustomizationIndex], roots: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut dirs = BTreeSet::new();
    for root in roots {
        dirs.insert(root.clone());
        for side in sides {
            if let Ok(read) = side.inputs(root) {
                dirs.extend(
                    read.files
                        .iter()
                        .filter_map(|f| f.parent())
                        .map(Path::to_path_buf),
                );
                dirs.extend(read.trees);
            }
        }
    }
    dirs
}

/// `s` as a JSON string.
fn quote(s: &str) -> String {
    let mut out = String::new();
    krust_yaml::write_go_json_string(s, &mut out);
    out
}

/// The roots as a JSON array, paths as `show` gives them:
/// `[{"root": "apps/overlays/dev", "reason": "input", "file": "apps/base/api/d.yaml"}]`
/// (`reason` is `input`, `added` or `removed`; `file` is `null` but for inputs).
pub fn to_json(roots: &[&AffectedRoot], show: &dyn Fn(&Path) -> String) -> String {
    let items: Vec<String> = roots
        .iter()
        .map(|a| {
            let (reason, file) = match &a.reason {
                Reason::Added => ("added", None),
                Reason::Removed => ("removed", None),
                Reason::Input(file) => ("input", Some(show(file))),
            };
            let file = file.map_or("null".to_owned(), |f| quote(&f));
            format!(
                "  {{\"root\": {}, \"reason\": \"{reason}\", \"file\": {file}}}",
                quote(&show(&a.root))
            )
        })
        .collect();
    if items.is_empty() {
        return "[]\n".to_owned();
    }
    format!("[\n{}\n]\n", items.join(",\n"))
}

/// [`to_json`] of the roots and the Flux Kustomizations, as one object:
/// `{"roots": [...], "kustomizations": [{"cluster", "id", "reason"}]}`.
pub fn to_json_with_flux(
    roots: &[&AffectedRoot],
    flux: &[crate::flux::AffectedKustomization],
    show: &dyn Fn(&Path) -> String,
) -> String {
    let kustomizations: Vec<String> = flux
        .iter()
        .map(|k| {
            format!(
                "    {{\"cluster\": {}, \"id\": {}, \"reason\": \"{}\"}}",
                quote(&k.cluster),
                quote(&k.id),
                k.reason
            )
        })
        .collect();
    let roots = to_json(roots, show).replace('\n', "\n  ");
    format!(
        "{{\n  \"roots\": {},\n  \"kustomizations\": [\n{}\n  ]\n}}\n",
        roots.trim_end(),
        kustomizations.join(",\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use krust::MemFs;

    fn repo(api_tag: &str) -> MemFs {
        let mut fs = MemFs::new();
        for app in ["api", "web"] {
            fs.add_file(
                format!("/r/base/{app}/kustomization.yaml"),
                "resources: [d.yaml]\n",
            );
            fs.add_file(
                format!("/r/base/{app}/d.yaml"),
                format!("kind: Deployment\nmetadata: {{name: {app}}}\nimage: {api_tag}\n"),
            );
            for env in ["dev", "prod"] {
                fs.add_file(
                    format!("/r/{env}/{app}/kustomization.yaml"),
                    format!("resources: [../../base/{app}]\nnamespace: {env}\n"),
                );
            }
        }
        fs
    }

    fn roots() -> Vec<PathBuf> {
        ["dev/api", "dev/web", "prod/api", "prod/web"]
            .iter()
            .map(|r| Path::new("/r").join(r))
            .collect()
    }

    #[test]
    fn a_base_change_reaches_only_the_roots_that_include_it() {
        let (old, new) = (repo("1"), repo("2"));
        let changed = [PathBuf::from("/r/base/api/d.yaml")];
        let (old, new) = (KustomizationIndex::new(&old), KustomizationIndex::new(&new));
        let hit = affected_roots(&old, &new, &roots(), &changed);
        let names: Vec<&Path> = hit.iter().map(|a| a.root.as_path()).collect();
        assert_eq!(names, [Path::new("/r/dev/api"), Path::new("/r/prod/api")]);
        assert_eq!(hit[0].reason, Reason::Input(changed[0].clone()));
        assert!(affected_roots(&old, &new, &roots(), &[]).is_empty());
    }

    #[test]
    fn new_and_deleted_roots_are_affected() {
        let old = repo("1");
        let mut new = repo("1");
        new.add_file(
            "/r/qa/api/kustomization.yaml",
            "resources: [../../base/api]\n",
        );
        let mut all = roots();
        all.push(PathBuf::from("/r/qa/api"));
        let changed = [PathBuf::from("/r/qa/api/kustomization.yaml")];
        let (old, new) = (KustomizationIndex::new(&old), KustomizationIndex::new(&new));
        let hit = affected_roots(&old, &new, &all, &changed);
        assert_eq!(hit.len(), 1);
        assert_eq!(hit[0].reason, Reason::Added);
        let hit = affected_roots(&new, &old, &all, &changed);
        assert_eq!(hit[0].reason, Reason::Removed);
    }
}
