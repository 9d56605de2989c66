//! One function per rule; each reads the loaded [`Tree`] and returns its
//! findings in any order (the caller sorts).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use krust::kustomization::FILE_NAMES;
use krust::{normalize, FileKind};

use super::tree::{is_kustomization_file, is_overlay_by_name, Expect, Loaded, Tree};
use super::{Finding, RuleId};

/// Prefix of patch files that belong to one environment and are never promoted.
const STATIC_PREFIX: char = '_';

impl Tree<'_> {
    fn finding(&self, file: &Path, line: Option<usize>, rule: RuleId, message: String) -> Finding {
        Finding {
            file: file.strip_prefix(&self.root).unwrap_or(file).to_path_buf(),
            line,
            rule,
            message,
        }
    }

    /// Whether `dir` holds a kustomization file, asked of the filesystem so
    /// that directories outside the linted one count too.
    fn has_kustomization(&self, dir: &Path) -> bool {
        FILE_NAMES
            .iter()
            .any(|n| self.fs.kind(&dir.join(n)) == Some(FileKind::File))
    }

    /// The innermost overlay holding `path`: a known overlay, or (for paths
    /// outside the linted directory) a kustomization directory the naming
    /// heuristic calls one.
    fn overlay_holding(&self, path: &Path) -> Option<PathBuf> {
        path.ancestors()
            .find(|a| {
                self.overlays.contains(*a) || (is_overlay_by_name(a) && self.has_kustomization(a))
            })
            .map(Path::to_path_buf)
    }
}

/// Whether kustomize tooling would treat `path` as a manifest file.
fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Rule `cross-overlay-reference`: a kustomization inside one overlay names a
/// path inside another. Promotion copies files between overlays on the
/// assumption that each overlay stands alone; a shared file changes two
/// environments at once.
pub(crate) fn cross_overlay_references(tree: &Tree) -> Vec<Finding> {
    let mut out = Vec::new();
    for k in tree.kustomizations.values() {
        let Some(own) = tree.overlay_holding(&k.dir) else {
            continue;
        };
        for r in &k.references {
            let Some(other) = tree.overlay_holding(&r.target) else {
                continue;
            };
            if other == own {
                continue;
            }
            let message = if r.target == other {
                format!(
                    "`{}` entry `{}` builds on overlay `{}` from overlay `{}`: overlays never build on each other; \
                     move what they share into a base or a component and reference that",
                    r.field, r.entry, tree.show(&other), tree.show(&own)
                )
            } else {
                format!(
                    "`{}` entry `{}` reaches into overlay `{}` from overlay `{}`: overlays never share files; \
                     copy the file into `{}` and reference the copy",
                    r.field, r.entry, tree.show(&other), tree.show(&own), tree.show(&own)
                )
            };
            out.push(tree.finding(&k.file, r.line, RuleId::CrossOverlayReference, message));
        }
    }
    out
}

/// Rule `unreferenced-patch`: a YAML file in a subdirectory of an overlay
/// that no kustomization names. Such a file changes nothing; it is usually a
/// promotion copied without adding its `patches` entry, which the field
/// guide names as the silent failure of promotion by copy. Files directly in
/// the overlay directory (`namespace.yaml`) are not patches and not checked.
pub(crate) fn unreferenced_patches(tree: &Tree) -> Vec<Finding> {
    let referenced: BTreeSet<&Path> = tree
        .kustomizations
        .values()
        .flat_map(|k| k.references.iter().map(|r| r.target.as_path()))
        .collect();
    let mut out = Vec::new();
    for file in &tree.files {
        if !is_yaml(file) || is_kustomization_file(file) || referenced.contains(file.as_path()) {
            continue;
        }
        let Some(overlay) = tree.overlay_of(file) else {
            continue;
        };
        let depth = file
            .strip_prefix(overlay)
            .map_or(0, |r| r.components().count());
        if depth < 2 || tree.has_broken_within(overlay) {
            continue;
        }
        // The kustomization that should list it: the nearest one above it.
        let Some(owner) = file
            .ancestors()
            .skip(1)
            .take_while(|a| a.starts_with(overlay))
            .find_map(|a| tree.kustomizations.get(a))
        else {
            continue;
        };
        let entry = file.strip_prefix(&owner.dir).unwrap_or(file).display();
        let message = format!(
            "no kustomization references this file, so it changes nothing: list it in `{}` under `patches` \
             (`- path: {entry}`), or under `resources` if it is a new object, or delete it",
            tree.show(&owner.file)
        );
        out.push(tree.finding(file, None, RuleId::UnreferencedPatch, message));
    }
    out
}

/// Rule `missing-file`: an entry names a path that does not exist, or a
/// directory that kustomize cannot build from. `kustomize build` fails on
/// these, but only for the overlay being built; this finds them in all.
pub(crate) fn missing_files(tree: &Tree) -> Vec<Finding> {
    let mut out = Vec::new();
    for k in tree.kustomizations.values() {
        for r in &k.references {
            let problem = match (tree.fs.kind(&r.target), r.expect) {
                (None, _) => format!(
                    "`{}` entry `{}` names `{}`, which does not exist: create it or remove the entry",
                    r.field,
                    r.entry,
                    tree.show(&r.target)
                ),
                (Some(FileKind::Dir), Expect::File) => format!(
                    "`{}` entry `{}` names the directory `{}` where a file is expected: name the file in it",
                    r.field,
                    r.entry,
                    tree.show(&r.target)
                ),
                (Some(FileKind::Dir), _) if !tree.has_kustomization(&r.target) => format!(
                    "`{}` entry `{}` names the directory `{}`, which has no kustomization file: \
                     add a kustomization.yaml there, or list the files instead",
                    r.field,
                    r.entry,
                    tree.show(&r.target)
                ),
                (Some(FileKind::File), Expect::Kustomization) => format!(
                    "`{}` entry `{}` names the file `{}`; a component is a directory holding a `kind: Component` \
                     kustomization: name that directory",
                    r.field,
                    r.entry,
                    tree.show(&r.target)
                ),
                _ => continue,
            };
            out.push(tree.finding(&k.file, r.line, RuleId::MissingFile, problem));
        }
    }
    out
}

/// Rule `yml-extension`: a `.yml` file. The repositories' convention is
/// `.yaml`, because kustomize tooling has missed `.yml` files.
pub(crate) fn yml_files(tree: &Tree) -> Vec<Finding> {
    let mut out = Vec::new();
    for file in &tree.files {
        let is_yml = file
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yml"));
        if !is_yml {
            continue;
        }
        let renamed = file_name(&file.with_extension("yaml"));
        let mut places: Vec<String> = tree
            .kustomizations
            .values()
            .flat_map(|k| {
                k.references
                    .iter()
                    .filter(|r| r.target == *file)
                    .map(move |r| match r.line {
                        Some(line) => format!("{}:{line}", tree.show(&k.file)),
                        None => tree.show(&k.file),
                    })
            })
            .collect();
        places.dedup();
        let mut message = format!(
            "`.yml` extension: rename it to `{renamed}` (the convention is `.yaml`; kustomize tooling has missed `.yml` files)"
        );
        if !places.is_empty() {
            message.push_str(&format!(
                " and update the entries that name it ({})",
                places.join(", ")
            ));
        }
        out.push(tree.finding(file, None, RuleId::YmlExtension, message));
    }
    out
}

/// Rule `unpromoted-patch`: a promotable patch `<overlay>/<app>/<name>` that
/// some overlays of a group have and others that render the same app lack.
///
/// Promotion is a file copy from one overlay to the next; a patch missing in
/// an overlay means a promotion that never happened, or a patch that should
/// have been named `_<name>` because it is environment-specific. An overlay
/// "renders" an app when one of its `resources` is a directory named like the
/// app's patch directory (`../../base/api` for `api/`). The group is the
/// directory holding `overlays/`; overlays listed only as roots have no
/// group and are not compared, and overlays whose kustomization is broken
/// are left out.
pub(crate) fn unpromoted_patches(tree: &Tree) -> Vec<Finding> {
    let mut groups: BTreeMap<&Path, Vec<&Loaded>> = BTreeMap::new();
    for overlay in tree.overlays.iter().filter(|o| is_overlay_by_name(o)) {
        if tree.has_broken_within(overlay) {
            continue;
        }
        if let (Some(k), Some(group)) = (tree.kustomizations.get(overlay), overlay.parent()) {
            groups.entry(group).or_default().push(k);
        }
    }
    // (group, app, patch file name) -> overlays that have it, with their file.
    type Holders<'t> = BTreeMap<(&'t Path, String, String), Vec<(&'t Loaded, &'t Path)>>;
    let mut holders: Holders = BTreeMap::new();
    for file in &tree.files {
        let name = file_name(file);
        if !is_yaml(file) || is_kustomization_file(file) || name.starts_with(STATIC_PREFIX) {
            continue;
        }
        let Some(app_dir) = file.parent() else {
            continue;
        };
        let Some(overlay) = app_dir.parent() else {
            continue;
        };
        let Some(group) = overlay.parent().filter(|g| groups.contains_key(g)) else {
            continue;
        };
        let Some(k) = groups[group].iter().find(|k| k.dir == overlay) else {
            continue;
        };
        // `version.yml` and `version.yaml` are one patch here; the extension
        // is the `yml-extension` rule's finding.
        let patch = file_name(&file.with_extension("yaml"));
        holders
            .entry((group, file_name(app_dir), patch))
            .or_default()
            .push((k, file));
    }
    let mut out = Vec::new();
    for ((group, app, name), have) in &holders {
        let lacking: Vec<&Loaded> = groups[group]
            .iter()
            .filter(|k| !have.iter().any(|(h, _)| h.dir == k.dir) && renders(tree, k, app))
            .copied()
            .collect();
        if lacking.is_empty() {
            continue;
        }
        let have_names: Vec<String> = have.iter().map(|(k, _)| overlay_name(k)).collect();
        let lacking_names: Vec<String> = lacking.iter().map(|k| overlay_name(k)).collect();
        let copies: Vec<String> = lacking
            .iter()
            .map(|k| format!("`{}`", tree.show(&k.dir.join(app).join(name))))
            .collect();
        let (render, whose) = if lacking.len() == 1 {
            ("renders", "that overlay's")
        } else {
            ("render", "each overlay's")
        };
        let message = format!(
            "promotable patch `{app}/{name}` is in {} but not in {}, which also {render} `{app}`: \
             promote it by copying it to {} and listing it in {whose} `patches`, \
             or, if it is environment-specific, rename it `{STATIC_PREFIX}{name}`",
            have_names.join(", "),
            lacking_names.join(", "),
            copies.join(" and "),
        );
        out.push(tree.finding(have[0].1, None, RuleId::UnpromotedPatch, message));
    }
    out
}

/// An overlay as messages name it: its directory name, quoted.
fn overlay_name(k: &Loaded) -> String {
    format!("`{}`", file_name(&k.dir))
}

/// Whether overlay `k` has a directory named `app` among its `resources`.
fn renders(tree: &Tree, k: &Loaded, app: &str) -> bool {
    k.model.resources.iter().any(|entry| {
        let target = normalize(&k.dir.join(entry));
        target.file_name().is_some_and(|n| n == app) && tree.fs.kind(&target) == Some(FileKind::Dir)
    })
}

/// Rule `deprecated-field`: a field kustomize v5 still reads but has
/// replaced, with the modern form and what changes on the move.
pub(crate) fn deprecated_fields(tree: &Tree) -> Vec<Finding> {
    let mut out = Vec::new();
    for k in tree.kustomizations.values() {
        for written in &k.keys {
            let Some(advice) = modern_form(written, k) else {
                continue;
            };
            let line = k.outline.key(written).map(|(_, l)| l);
            let message = format!("`{written}` is deprecated: {advice}");
            out.push(tree.finding(&k.file, line, RuleId::DeprecatedField, message));
        }
    }
    out
}

/// What to write instead of the deprecated top-level field `written` (matched
/// ignoring ASCII case, as kustomize matches field names).
fn modern_form(written: &str, k: &Loaded) -> Option<String> {
    let field = [
        "bases",
        "patchesStrategicMerge",
        "patchesJson6902",
        "commonLabels",
        "vars",
        "imageTags",
    ]
    .into_iter()
    .find(|f| f.eq_ignore_ascii_case(written))?;
    let m = &k.model;
    let advice = match field {
        "bases" => "move its entries to the end of `resources` (kustomize appends them there, so the build is unchanged)".to_owned(),
        "patchesStrategicMerge" => "move its entries to the start of `patches`, each as `- path: <file>` \
             (an inline patch as `- patch: |`); they apply before `patches`, so that keeps their order"
            .to_owned(),
        "patchesJson6902" => {
            let mut advice = "move each entry to the end of `patches`, keeping its `path` (or `patch`) and its `target`".to_owned();
            let runs_later = m.namespace.is_some()
                || m.name_prefix.is_some()
                || m.name_suffix.is_some()
                || !m.labels.is_empty()
                || !m.common_labels.is_empty()
                || !m.common_annotations.is_empty();
            if runs_later {
                advice.push_str(
                    "; `patchesJson6902` applies after namespace, name prefix/suffix, labels and annotations \
                     but `patches` applies before them, so render before and after to confirm nothing changed",
                );
            }
            advice
        }
        "commonLabels" => "use `labels:` with these labels under `pairs:` and `includeSelectors: true`, \
             which also sets them in selectors and templates as commonLabels does \
             (without it, selectors change, and Deployment selectors are immutable)"
            .to_owned(),
        "vars" => "use `replacements:`, each copying a `source` field into `targets` fields; \
             the `$(VAR)` references in resources become the target fields"
            .to_owned(),
        _ => "rename it `images` (the entries stay the same)".to_owned(),
    };
    Some(advice)
}
