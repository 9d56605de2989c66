//! Promotion: carrying an app's promotable patches from one overlay to
//! another (`staging` to `production`), and showing what that does to the
//! target's render before anything is written.
//!
//! Today this is a hand copy plus a hand edit of the target kustomization;
//! forgetting the edit makes the copy silently do nothing. Here both happen
//! together, the kustomization is edited as text so its comments and layout
//! survive, and the target is rendered on a [`LayeredFs`] (the real tree
//! with the changed files laid over it) so a promotion that breaks the build
//! is refused while the disk is still untouched.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use krust::kustomization;
use krust::{normalize, BuildOptions, FileKind, FileSystem};

use crate::edit::{add_patch_entries, write_whole};
use crate::error::{Error, ErrorKind};
use crate::kustomizations::{listed_patches, parse, read_text, renders_app};
use krust::LayeredFs;
use krust_diff::sides::{compare_sides, Side};
use krust_diff::DiffOptions;
use krust_diff::{RepoDiff, RootOutcome};

/// One file the promotion creates or rewrites, as the user is told of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    /// A patch copied from the source overlay (created or replaced).
    Copied {
        /// The source overlay's file.
        from: PathBuf,
        /// Where it lands in the target overlay.
        to: PathBuf,
    },
    /// A `- path: <entry>` item added to the target's `patches`.
    AddedPatchEntry {
        /// The entry, relative to the target overlay (`api/version.yaml`).
        entry: String,
        /// The target's kustomization file.
        kustomization: PathBuf,
    },
}

/// A promotion worked out: what to tell the user and what to write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// What changes, in the order it is reported.
    pub changes: Vec<FileChange>,
    /// Every file's full new content, by absolute path.
    pub files: BTreeMap<PathBuf, Vec<u8>>,
}

/// A planned promotion with the target's render before and after it.
#[derive(Debug)]
pub struct Promotion {
    /// The files to change.
    pub plan: Plan,
    /// The target overlay rendered on the current tree and on the promoted one.
    pub diff: RepoDiff,
}

impl Promotion {
    /// Writes every planned file to disk, each whole (a temporary file next
    /// to it, then a rename), so that an interrupted write never leaves a
    /// half-written patch or kustomization behind.
    pub fn write(&self) -> Result<(), Error> {
        for (path, content) in &self.plan.files {
            write_whole(path, content).map_err(|e| Error::io(path, "cannot write it", e))?;
        }
        Ok(())
    }
}

/// Plans the promotion of `apps` (all of the source's apps the target
/// renders, when empty) from overlay `from` to overlay `to`, renders the
/// target before and after it, and fails if the after-render fails. Nothing
/// is written; call [`Promotion::write`] for that. `show` names the target
/// root in the diff.
pub fn promote(
    fs: &dyn FileSystem,
    from: &Path,
    to: &Path,
    apps: &[String],
    show: &(dyn Fn(&Path) -> String + Sync),
    options: &BuildOptions,
    diff: &DiffOptions<'_>,
) -> Result<Promotion, Error> {
    let plan = plan(fs, from, to, apps)?;
    let to = fs.canonicalize(to).map_err(|e| Error::io(to, "", e))?;
    let layered = LayeredFs::new(fs, plan.files.clone());
    let before = Side {
        fs,
        label: "before promotion".into(),
    };
    let after = Side {
        fs: &layered,
        label: "after promotion".into(),
    };
    let diff = compare_sides(&before, &after, &[to], show, options, diff);
    for root in &diff.roots {
        if let RootOutcome::Failed { new: Some(err), .. } = &root.outcome {
            return Err(Error::new(
                ErrorKind::Build,
                format!(
                    "{} would no longer render after the promotion: {err}",
                    root.root
                ),
            ));
        }
    }
    Ok(Promotion { plan, diff })
}

/// Works out which files a promotion copies and how the target's
/// kustomization changes, reading only through `fs`.
pub fn plan(fs: &dyn FileSystem, from: &Path, to: &Path, apps: &[String]) -> Result<Plan, Error> {
    let canonical = |dir: &Path| {
        fs.canonicalize(dir)
            .ok()
            .filter(|d| fs.kind(d) == Some(FileKind::Dir))
            .ok_or_else(|| Error::new(ErrorKind::NotFound, "no such overlay directory").at(dir))
    };
    // Messages name the overlays as the caller did; the work uses the
    // canonical paths, which are what the build reads through.
    let (from_shown, to_shown) = (from, to);
    let (from, to) = (canonical(from)?, canonical(to)?);
    let kustomization_file =
        kustomization::find_file(fs, &to).map_err(|e| Error::krust(e).at(to_shown))?;
    let kustomization_shown = to_shown.join(kustomization_file.file_name().unwrap_or_default());
    let text = read_text(fs, &kustomization_file)?;
    let model = parse(&text, &kustomization_shown)?;

    let available = source_apps(fs, &from)?;
    let selected: Vec<&String> = if apps.is_empty() {
        available
            .keys()
            .filter(|app| renders_app(&model, app))
            .collect()
    } else {
        for app in apps {
            if !available.contains_key(app) {
                return Err(Error::refused(format!(
                    "app `{app}`: {} has no promotable patches for it (files `{app}/*.yaml` not starting with `_`)",
                    from_shown.display()
                )));
            }
            if !renders_app(&model, app) {
                return Err(Error::refused(format!(
                    "app `{app}`: {} does not render it (no entry in its `resources` names a directory `{app}`)",
                    kustomization_shown.display()
                )));
            }
        }
        apps.iter().collect()
    };

    let listed = listed_patches(&model);
    let mut plan = Plan::default();
    let mut entries = Vec::new();
    for app in selected {
        for file in &available[app] {
            let source = from.join(app).join(file);
            let target = to.join(app).join(file);
            let content = fs
                .read(&source)
                .map_err(|e| Error::io(&source, "cannot read it", e))?;
            let unchanged = fs.kind(&target) == Some(FileKind::File)
                && fs.read(&target).is_ok_and(|old| old == content);
            if !unchanged {
                plan.changes.push(FileChange::Copied {
                    from: source,
                    to: target.clone(),
                });
                plan.files.insert(target, content);
            }
            let entry = format!("{app}/{file}");
            if !listed.contains(&normalize(Path::new(&entry))) {
                plan.changes.push(FileChange::AddedPatchEntry {
                    entry: entry.clone(),
                    kustomization: kustomization_file.clone(),
                });
                entries.push(entry);
            }
        }
    }
    if !entries.is_empty() {
        let edited = add_patch_entries(&text, &entries)
            .map_err(|message| message.at(&kustomization_shown))?;
        plan.files.insert(kustomization_file, edited.into_bytes());
    }
    Ok(plan)
}

/// The source overlay's apps: each subdirectory with promotable patches,
/// mapped to those patches' file names, sorted.
fn source_apps(fs: &dyn FileSystem, from: &Path) -> Result<BTreeMap<String, Vec<String>>, Error> {
    let list = |dir: &Path| {
        fs.read_dir(dir)
            .map_err(|e| Error::io(dir, "cannot list it", e))
    };
    let mut apps = BTreeMap::new();
    for (name, kind) in list(from)? {
        if kind != FileKind::Dir {
            continue;
        }
        let mut files: Vec<String> = list(&from.join(&name))?
            .into_iter()
            .filter(|(file, kind)| *kind == FileKind::File && is_promotable(file))
            .map(|(file, _)| file)
            .collect();
        files.sort();
        if !files.is_empty() {
            apps.insert(name, files);
        }
    }
    Ok(apps)
}

/// A patch travels between environments unless its name marks it
/// environment-static (a leading `_`); only `.yaml` files are patches by the
/// repositories' convention.
fn is_promotable(file: &str) -> bool {
    file.ends_with(".yaml") && !file.starts_with('_') && !file.starts_with('.')
}

impl fmt::Display for FileChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileChange::Copied { from, to } => {
                write!(f, "copied {} -> {}", from.display(), to.display())
            }
            FileChange::AddedPatchEntry {
                entry,
                kustomization,
            } => write!(
                f,
                "added patches entry {entry} to {}",
                kustomization.display()
            ),
        }
    }
}

impl FileChange {
    /// The same change with its paths shown through `show` (relative to
    /// the working directory, say).
    pub fn map_paths(&self, show: impl Fn(&Path) -> PathBuf) -> FileChange {
        match self {
            FileChange::Copied { from, to } => FileChange::Copied {
                from: show(from),
                to: show(to),
            },
            FileChange::AddedPatchEntry {
                entry,
                kustomization,
            } => FileChange::AddedPatchEntry {
                entry: entry.clone(),
                kustomization: show(kustomization),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use krust::MemFs;

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n      - name: api\n        image: api:1\n";

    fn version(tag: u32) -> String {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n      - name: api\n        image: api:{tag}\n")
    }

    fn repo(production: &str) -> MemFs {
        let mut fs = MemFs::new();
        fs.add_file("/r/base/api/kustomization.yaml", "resources: [d.yaml]\n");
        fs.add_file("/r/base/api/d.yaml", DEPLOYMENT);
        fs.add_file("/r/base/web/kustomization.yaml", "resources: [d.yaml]\n");
        fs.add_file("/r/base/web/d.yaml", DEPLOYMENT.replace("api", "web"));
        fs.add_file(
            "/r/staging/kustomization.yaml",
            "resources: [../base/api, ../base/web]\npatches:\n- path: api/version.yaml\n",
        );
        fs.add_file("/r/staging/api/version.yaml", version(2));
        fs.add_file("/r/staging/api/_static.yaml", version(9));
        fs.add_file("/r/staging/web/_only-static.yaml", version(9));
        fs.add_file("/r/production/kustomization.yaml", production);
        fs
    }

    #[test]
    fn plan_copies_promotable_patches_and_lists_them() {
        let fs = repo("resources:\n- ../base/api\n");
        let plan = plan(
            &fs,
            Path::new("/r/staging"),
            Path::new("/r/production"),
            &[],
        )
        .unwrap();
        assert_eq!(
            plan.changes,
            vec![
                FileChange::Copied {
                    from: "/r/staging/api/version.yaml".into(),
                    to: "/r/production/api/version.yaml".into(),
                },
                FileChange::AddedPatchEntry {
                    entry: "api/version.yaml".into(),
                    kustomization: "/r/production/kustomization.yaml".into(),
                },
            ]
        );
        assert_eq!(
            plan.files[Path::new("/r/production/kustomization.yaml")],
            b"resources:\n- ../base/api\npatches:\n- path: api/version.yaml\n"
        );
        assert!(!plan
            .files
            .contains_key(Path::new("/r/production/api/_static.yaml")));
    }

    #[test]
    fn plan_leaves_an_existing_entry_alone() {
        for listed in [
            "patches:\n  - path: ./api/version.yaml\n",
            "patchesStrategicMerge:\n- api/version.yaml\n",
        ] {
            let fs = repo(&format!("resources: [../base/api]\n{listed}"));
            let plan = plan(
                &fs,
                Path::new("/r/staging"),
                Path::new("/r/production"),
                &["api".to_owned()],
            )
            .unwrap();
            assert_eq!(plan.changes.len(), 1, "{listed}: {:?}", plan.changes);
            assert!(matches!(plan.changes[0], FileChange::Copied { .. }));
            assert!(!plan
                .files
                .contains_key(Path::new("/r/production/kustomization.yaml")));
        }
    }

    #[test]
    fn plan_refuses_apps_not_rendered_or_without_patches() {
        let fs = repo("resources: [../base/api]\n");
        let run = |app: &str| {
            plan(
                &fs,
                Path::new("/r/staging"),
                Path::new("/r/production"),
                &[app.to_owned()],
            )
            .unwrap_err()
            .to_string()
        };
        let err = run("nope");
        assert!(
            err.contains("app `nope`") && err.contains("no promotable patches"),
            "{err}"
        );
        // Only `_`-prefixed patches: nothing to promote.
        let err = run("web");
        assert!(err.contains("app `web`"), "{err}");
        let fs = repo("resources: [../base/web]\n");
        let err = plan(
            &fs,
            Path::new("/r/staging"),
            Path::new("/r/production"),
            &["api".to_owned()],
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Refused);
        assert!(err.message().contains("does not render it"), "{err}");
    }

    #[test]
    fn promote_renders_the_target_before_and_after() {
        let fs = repo("resources: [../base/api]\n");
        let show = |p: &Path| p.display().to_string();
        let promotion = promote(
            &fs,
            Path::new("/r/staging"),
            Path::new("/r/production"),
            &[],
            &show,
            &BuildOptions::default(),
            &DiffOptions::default(),
        )
        .unwrap();
        match &promotion.diff.roots[0].outcome {
            RootOutcome::Changed(d) => assert_eq!(
                d.changed[0].fields[0].path.to_string(),
                "spec.template.spec.containers[name=api].image"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn promote_refuses_a_promotion_that_breaks_the_render() {
        let mut fs = repo("resources: [../base/api]\n");
        fs.add_file("/r/staging/api/version.yaml", "kind: [broken\n");
        let show = |p: &Path| p.display().to_string();
        let err = promote(
            &fs,
            Path::new("/r/staging"),
            Path::new("/r/production"),
            &[],
            &show,
            &BuildOptions::default(),
            &DiffOptions::default(),
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Build);
        assert!(err.message().contains("would no longer render"), "{err}");
    }
}
