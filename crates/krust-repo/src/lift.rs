//! Lift-up: when every overlay that renders an app carries the same patch,
//! fold the patch into the app's base, delete the copies and their
//! references, and prove that no overlay renders differently.
//!
//! The repositories this serves do it by hand: merge the patch into the base
//! manifest, delete the files, edit each kustomization, then compare renders.
//! Here the change is built on a [`LayeredFs`] first; the proof renders every
//! root of the group on the real tree and on the layer, and nothing is
//! written unless they are identical.
//!
//! The base file that receives the patch is rewritten in kustomize's output
//! format (keys sorted, comments in that file dropped): a merge result has no
//! other faithful spelling. Every other file changes only where it must.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use krust::kustomization::{self, Kustomization};
use krust::patches::{Outcome, Schema};
use krust::{normalize, BuildOptions, FileKind, FileSystem};
use krust_yaml::Value;

use crate::edit::{remove_patch_entry, write_whole};
use crate::error::{Error, ErrorKind};
use crate::kustomizations::{listed_patches, parse, read_text, renders_app};
use krust::LayeredFs;
use krust_diff::sides::{compare_sides, Side};
use krust_diff::DiffOptions;
use krust_diff::RepoDiff;

/// One change a lift makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiftChange {
    /// The patch was merged into a base file.
    Folded {
        /// The base file.
        into: PathBuf,
    },
    /// A copy of the patch was deleted.
    Deleted(PathBuf),
    /// The reference to the patch was removed from a kustomization.
    Unlisted {
        /// The kustomization file.
        kustomization: PathBuf,
    },
}

impl fmt::Display for LiftChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiftChange::Folded { into } => write!(f, "folded the patch into {}", into.display()),
            LiftChange::Deleted(path) => write!(f, "deleted {}", path.display()),
            LiftChange::Unlisted { kustomization } => {
                write!(
                    f,
                    "removed the patch entry from {}",
                    kustomization.display()
                )
            }
        }
    }
}

impl LiftChange {
    /// The same change with its paths shown through `show`.
    pub fn map_paths(&self, show: impl Fn(&Path) -> PathBuf) -> LiftChange {
        match self {
            LiftChange::Folded { into } => LiftChange::Folded { into: show(into) },
            LiftChange::Deleted(path) => LiftChange::Deleted(show(path)),
            LiftChange::Unlisted { kustomization } => LiftChange::Unlisted {
                kustomization: show(kustomization),
            },
        }
    }
}

/// A planned lift and its proof.
#[derive(Debug)]
pub struct Lift {
    /// What the lift changes, in order.
    pub changes: Vec<LiftChange>,
    /// Every root of the group, rendered before and after: empty when the
    /// lift is a no-op, as it must be.
    pub proof: RepoDiff,
    files: BTreeMap<PathBuf, Vec<u8>>,
    deleted: Vec<PathBuf>,
}

impl Lift {
    /// Whether the proof holds: every root renders as before.
    pub fn is_noop(&self) -> bool {
        self.proof.is_empty()
    }

    /// Writes the lift (each file whole), then deletes the copies.
    pub fn write(&self) -> io::Result<()> {
        for (path, content) in &self.files {
            write_whole(path, content)?;
        }
        for path in &self.deleted {
            std::fs::remove_file(path)?;
        }
        Ok(())
    }
}

/// Plans lifting `patch` (`<app>/<file>.yaml`, relative to each overlay)
/// out of every overlay in `<group>/overlays/` that renders the app (or
/// builds on one that does and lists its own copy), and
/// proves it: every root below `group` is rendered before and after.
/// Refused when an overlay that renders the app lacks the patch or carries a
/// different one, when the overlays use different bases for the app, or
/// when the patch is not a strategic-merge patch of a resource the base lists
/// in its own files.
pub fn lift(
    fs: &dyn FileSystem,
    group: &Path,
    patch: &Path,
    show: &(dyn Fn(&Path) -> String + Sync),
    options: &BuildOptions,
) -> Result<Lift, Error> {
    let patch = normalize(patch);
    let app = match patch.components().next() {
        Some(std::path::Component::Normal(app)) if patch.components().count() > 1 => {
            app.to_string_lossy().into_owned()
        }
        _ => {
            return Err(Error::refused(format!(
                "`{}` is not APP/PATCH.yaml (a patch inside an app's directory of each overlay)",
                patch.display()
            )))
        }
    };
    let (carriers, overlays) = carriers(fs, group, &app, &patch)?;
    let (first_dir, _, _, first_docs, _) = &carriers[0];
    for (dir, _, _, docs, _) in &carriers[1..] {
        if docs != first_docs {
            return Err(Error::refused(format!(
                "{} differs from {}: only a patch every overlay carries identically can be lifted",
                show(&dir.join(&patch)),
                show(&first_dir.join(&patch))
            )));
        }
    }
    let base = base_dir(&carriers, &app, show)?;
    let (into, folded) = fold(fs, &base, first_docs, show)?;

    let mut changes = vec![LiftChange::Folded { into: into.clone() }];
    let mut files = BTreeMap::from([(into, folded)]);
    let mut deleted = Vec::new();
    let entry = patch.to_string_lossy().into_owned();
    for (dir, file, text, _, _) in &carriers {
        let edited = remove_patch_entry(text, &entry).map_err(|e| e.at(show(file)))?;
        files.insert(file.clone(), edited.into_bytes());
        changes.push(LiftChange::Unlisted {
            kustomization: file.clone(),
        });
        deleted.push(dir.join(&patch));
        changes.push(LiftChange::Deleted(dir.join(&patch)));
    }

    // Every top-level root of the group, and every overlay, also those
    // another overlay builds on (an environment of its own all the same).
    let mut roots = krust::discover_roots_in(fs, group, false).map_err(Error::krust)?;
    roots.extend(overlays.iter().map(|d| normalize(d)));
    roots.sort();
    roots.dedup();
    let after = LayeredFs::new(fs, files.clone()).without(deleted.iter().cloned());
    let before = Side {
        fs,
        label: "before the lift".into(),
    };
    let after_side = Side {
        fs: &after,
        label: "after the lift".into(),
    };
    let proof = compare_sides(
        &before,
        &after_side,
        &roots,
        show,
        options,
        &DiffOptions::default(),
    );
    Ok(Lift {
        changes,
        proof,
        files,
        deleted,
    })
}

/// An overlay carrying the patch: its directory, kustomization file and
/// text, the patch's documents, and whether it renders the app itself (not
/// only through another overlay it builds on).
type Carrier = (PathBuf, PathBuf, String, Vec<Value>, bool);

/// The overlays of the group that render `app`, each with its copy of the
/// patch; every one that renders it itself must list it. An overlay that
/// builds on another (`resources: [../dev]`) and lists its own copy carries
/// it too; one that lists none gets the patch from the overlay below.
fn carriers(
    fs: &dyn FileSystem,
    group: &Path,
    app: &str,
    patch: &Path,
) -> Result<(Vec<Carrier>, Vec<PathBuf>), Error> {
    let overlays = group.join("overlays");
    let entries = fs
        .read_dir(&overlays)
        .map_err(|e| Error::io(&overlays, "cannot list it", e))?;
    let mut all = BTreeMap::new();
    for (name, kind) in entries {
        let dir = overlays.join(name);
        if kind != FileKind::Dir {
            continue;
        }
        let Ok(file) = kustomization::find_file(fs, &dir) else {
            continue;
        };
        let text = read_text(fs, &file)?;
        let model = parse(&text, &file)?;
        all.insert(dir, (file, text, model));
    }
    let mut found = Vec::new();
    for (dir, (file, text, model)) in &all {
        let direct = renders_app(model, app);
        let inherited = !direct && inherits_app(&all, dir, app, &mut Vec::new());
        let lists = listed_patches(model).iter().any(|p| p == patch);
        let carries = direct || (inherited && lists);
        if !carries {
            continue;
        }
        check_listed(model, patch, file)?;
        let copy = dir.join(patch);
        let content = read_text(fs, &copy)?;
        let docs = krust_yaml::load_documents(&content).map_err(|e| Error::yaml(&copy, &e))?;
        found.push((dir.clone(), file.clone(), text.clone(), docs, direct));
    }
    if !found.iter().any(|c| c.4) {
        return Err(Error::refused(format!(
            "no overlay in {} renders `{app}`",
            overlays.display()
        )));
    }
    Ok((found, all.into_keys().collect()))
}

/// Whether the overlay in `dir` builds on another overlay of `all` that
/// renders `app`, itself or through another (`seen` stops cycles).
fn inherits_app(
    all: &BTreeMap<PathBuf, (PathBuf, String, Kustomization)>,
    dir: &Path,
    app: &str,
    seen: &mut Vec<PathBuf>,
) -> bool {
    if seen.iter().any(|d| d == dir) {
        return false;
    }
    seen.push(dir.to_path_buf());
    let Some((_, _, model)) = all.get(dir) else {
        return false;
    };
    model.resources.iter().any(|r| {
        let below = normalize(&dir.join(r.trim_end_matches('/')));
        all.get(&below).is_some_and(|(_, _, m)| renders_app(m, app))
            || (all.contains_key(&below) && inherits_app(all, &below, app, seen))
    })
}

/// The overlay must apply the patch as a plain strategic-merge patch: by
/// `path`, without a `target` or options that change what it does.
fn check_listed(model: &Kustomization, patch: &Path, file: &Path) -> Result<(), Error> {
    if !listed_patches(model).iter().any(|p| p == patch) {
        return Err(Error::refused(format!(
            "{} renders the app but does not list `{}`: only a patch every overlay applies can be lifted",
            file.display(),
            patch.display()
        )));
    }
    let special = model.patches.iter().any(|p| {
        p.path.as_deref().map(|path| normalize(Path::new(path))) == Some(patch.to_path_buf())
            && (p.target.is_some() || p.allow_name_change || p.allow_kind_change)
    });
    if special {
        return Err(Error::refused(format!(
            "{} applies `{}` with a target or options: fold it into the base by hand",
            file.display(),
            patch.display()
        )));
    }
    Ok(())
}

/// The base directory every carrier takes the app from.
fn base_dir(
    carriers: &[Carrier],
    app: &str,
    show: &dyn Fn(&Path) -> String,
) -> Result<PathBuf, Error> {
    let mut bases = Vec::new();
    // Overlays that build on another take the app from the one below.
    for (dir, file, text, _, _) in carriers.iter().filter(|c| c.4) {
        let model = parse(text, file)?;
        let base = model
            .resources
            .iter()
            .map(|r| normalize(&dir.join(r.trim_end_matches('/'))))
            .find(|r| r.file_name().is_some_and(|n| n == app))
            .ok_or_else(|| Error::refused(format!("no base for `{app}`")).at(show(file)))?;
        bases.push(base);
    }
    bases.dedup();
    match bases.as_slice() {
        [base] => Ok(base.clone()),
        _ => Err(Error::refused(format!(
            "the overlays take `{app}` from different bases ({}): lift into each by hand",
            bases.iter().map(|b| show(b)).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// Merges the patch documents into the one base file that holds their
/// targets, returning the file and its new text.
fn fold(
    fs: &dyn FileSystem,
    base: &Path,
    patches: &[Value],
    show: &dyn Fn(&Path) -> String,
) -> Result<(PathBuf, Vec<u8>), Error> {
    let file = kustomization::find_file(fs, base).map_err(Error::krust)?;
    let model = parse(&read_text(fs, &file)?, &file)?;
    // The base's own resource files, parsed.
    let mut sources: Vec<(PathBuf, Vec<Value>)> = Vec::new();
    for entry in &model.resources {
        let path = normalize(&base.join(entry));
        if fs.kind(&path) == Some(FileKind::File) {
            let text = read_text(fs, &path)?;
            let docs = krust_yaml::load_documents(&text).map_err(|e| Error::yaml(&path, &e))?;
            sources.push((path, docs));
        }
    }
    let mut touched: Option<usize> = None;
    for patch in patches {
        let (kind, name) = match (patch.str_at(&["kind"]), patch.str_at(&["metadata", "name"])) {
            (Some(kind), Some(name)) => (kind, name),
            _ => {
                return Err(Error::refused(
                    "only a strategic-merge patch (objects with kind and metadata.name) can be folded into a base",
                ))
            }
        };
        let hits: Vec<(usize, usize)> = sources
            .iter()
            .enumerate()
            .flat_map(|(f, (_, docs))| {
                docs.iter().enumerate().filter_map(move |(d, doc)| {
                    (doc.str_at(&["kind"]) == Some(kind)
                        && doc.str_at(&["metadata", "name"]) == Some(name))
                    .then_some((f, d))
                })
            })
            .collect();
        let [(f, d)] = hits.as_slice() else {
            return Err(Error::refused(format!(
                "the patch targets {kind} `{name}`, which {} of {}'s own files define: fold it by hand",
                if hits.is_empty() { "none" } else { "several" },
                show(base)
            )));
        };
        if touched.is_some_and(|t| t != *f) {
            return Err(Error::refused(
                "the patch's documents target resources in different base files: fold it by hand",
            ));
        }
        touched = Some(*f);
        let target = &mut sources[*f].1[*d];
        match krust::patches::merge(target, patch, Some(Schema::builtin())) {
            Ok(Outcome::Merged) => {}
            Ok(Outcome::Deleted) => {
                return Err(Error::refused(
                    "the patch deletes its target: remove the resource from the base by hand",
                ))
            }
            Err(e) => return Err(Error::refused(format!("merging the patch: {e}"))),
        }
    }
    let f = touched.ok_or_else(|| Error::refused("the patch is empty"))?;
    let (path, docs) = &sources[f];
    let mut text = String::new();
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 {
            text.push_str("---\n");
        }
        krust_yaml::emit_document(doc, &mut text)
            .map_err(|e| Error::new(ErrorKind::Yaml, e.to_string()).at(path))?;
    }
    Ok((path.clone(), text.into_bytes()))
}
