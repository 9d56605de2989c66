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

/// Whether `dir` holds a kustomization on `fs`.
fn is_root(fs: &dyn FileSystem, dir: &Path) -> bool {
    krust::kustomization::FILE_NAMES
        .iter()
        .any(|name| fs.kind(&dir.join(name)) == Some(FileKind::File))
}

/// The roots among `roots` (absolute; found on either side) that the
/// change from `old` to `new`, whose files differ at `changed`, can reach;
/// in the order of `roots`.
pub fn affected_roots(
    old: &dyn FileSystem,
    new: &dyn FileSystem,
    roots: &[PathBuf],
    changed: &[PathBuf],
) -> Vec<AffectedRoot> {
    if changed.is_empty() {
        return Vec::new();
    }
    let touches_kustomization = changes_kustomization(changed);
    // Roots share their bases and components: each side parses them once.
    let (old_cache, new_cache) = (InputsCache::default(), InputsCache::default());
    roots
        .par_iter()
        .filter_map(|root| {
            let reason = match (is_root(old, root), is_root(new, root)) {
                (false, false) => return None,
                (false, true) => Reason::Added,
                (true, false) => Reason::Removed,
                (true, true) => {
                    // A side whose inputs cannot be listed counts every change.
                    let read =
                        |fs: &dyn FileSystem, cache| krust::inputs_with(fs, root, cache).ok();
                    let before = read(old, &old_cache);
                    // Inputs come from kustomization files alone: unless one
                    // changed, both sides list the same.
                    let after = if touches_kustomization {
                        read(new, &new_cache)
                    } else {
                        None
                    };
                    let after = after.or_else(|| before.clone());
                    let hit = changed.iter().find(|path| {
                        [&before, &after]
                            .iter()
                            .any(|inputs| inputs.as_ref().is_none_or(|i| i.affected_by(path)))
                    })?;
                    Reason::Input(hit.clone())
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
pub fn input_dirs(sides: &[&dyn FileSystem], roots: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut dirs = BTreeSet::new();
    let caches: Vec<InputsCache> = sides.iter().map(|_| InputsCache::default()).collect();
    for root in roots {
        dirs.insert(root.clone());
        for (fs, cache) in sides.iter().zip(&caches) {
            if let Ok(read) = krust::inputs_with(*fs, root, cache) {
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
        let hit = affected_roots(&old, &new, &all, &changed);
        assert_eq!(hit.len(), 1);
        assert_eq!(hit[0].reason, Reason::Added);
        let hit = affected_roots(&new, &old, &all, &changed);
        assert_eq!(hit[0].reason, Reason::Removed);
    }
}
