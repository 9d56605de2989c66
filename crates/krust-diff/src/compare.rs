//! Comparing renders: resources paired by key (and generated ConfigMaps and
//! Secrets by base name), each pair compared field by field.
//!
//! A pair is *changed* only when the field comparison finds a difference, so
//! that what counts is what Kubernetes would see: key order and numbers
//! spelled differently never make a resource changed; a reordered list
//! merged by key does (it is reported as moves). Pairs are compared in
//! parallel, and roots too: a repository has many roots, a root many
//! resources.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use krust::patches::Schema;
use rayon::prelude::*;

use krust_yaml::Value;

use crate::environments::{pair_environments, Pairing, Renaming};
use crate::fields::diff_values;
use crate::render::RenderedResource;
use crate::suffix::pair_renamed;
use crate::unified::{unified_diff, DEFAULT_CONTEXT};
use crate::{Render, RenderDiff, RepoDiff, ResourceDiff, ResourceKey, RootDiff, RootOutcome};

/// How to compare.
#[derive(Debug, Clone, Copy)]
pub struct DiffOptions<'s> {
    /// The strategic-merge schema that names each list's merge keys; `None`
    /// compares every list by position.
    pub schema: Option<&'s Schema>,
    /// Context lines around each hunk of the unified diffs.
    pub context: usize,
    /// How resources are paired: exactly (revisions of one root) or across
    /// an environment's renaming (two environments).
    pub pairing: Pairing,
    /// Fold helm's noise (`helm.sh/chart` labels, `checksum/*`
    /// annotations) out of changed resources before comparing them.
    pub ignore_helm_noise: bool,
}

impl Default for DiffOptions<'static> {
    /// kustomize's built-in schema (Kubernetes v1.21.2) and 3 lines of context.
    fn default() -> Self {
        DiffOptions {
            schema: Some(Schema::builtin()),
            context: DEFAULT_CONTEXT,
            pairing: Pairing::Exact,
            ignore_helm_noise: false,
        }
    }
}

/// Compares two renders.
pub fn diff_renders(old: &Render, new: &Render, options: &DiffOptions<'_>) -> RenderDiff {
    let old_keys: BTreeSet<&ResourceKey> = old.iter().map(|(k, _)| k).collect();
    let new_keys: BTreeSet<&ResourceKey> = new.iter().map(|(k, _)| k).collect();
    let mut removed: Vec<ResourceKey> = old_keys
        .difference(&new_keys)
        .map(|k| (*k).clone())
        .collect();
    let mut added: Vec<ResourceKey> = new_keys
        .difference(&old_keys)
        .map(|k| (*k).clone())
        .collect();
    let (renaming, mut renamed) = match options.pairing {
        Pairing::Exact => (Renaming::default(), Vec::new()),
        Pairing::Name => pair_environments(&removed, &added),
    };
    unpaired(&mut removed, &mut added, &renamed);
    // Generated names: by their base, once the environment's renaming is undone.
    let moved: Vec<ResourceKey> = removed.iter().map(|k| renaming.apply(k)).collect();
    let hashed: Vec<(ResourceKey, ResourceKey)> = pair_renamed(&moved, &added)
        .into_iter()
        .filter_map(|(m, n)| Some((removed[moved.iter().position(|k| *k == m)?].clone(), n)))
        .collect();
    unpaired(&mut removed, &mut added, &hashed);
    renamed.extend(hashed);
    let mut renaming = renaming;
    renaming.count(&renamed);
    let names = Rewrite::new(&renaming, &renamed, options.pairing);

    let mut pairs: Vec<(&ResourceKey, &ResourceKey)> =
        old_keys.intersection(&new_keys).map(|k| (*k, *k)).collect();
    pairs.extend(renamed.iter().map(|(o, n)| (o, n)));
    let compared: Vec<Option<ResourceDiff>> = pairs
        .par_iter()
        .map(|&(old_key, new_key)| {
            // Both keys were taken from the renders they are looked up in.
            let (o, n) = (old.get(old_key)?, new.get(new_key)?);
            compare_pair(old_key, &names.undo(o), new_key, n, options)
        })
        .collect();
    let identical = compared.iter().filter(|c| c.is_none()).count();
    let mut changed: Vec<ResourceDiff> = compared.into_iter().flatten().collect();
    changed.sort_by(|a, b| a.key.cmp(&b.key));

    let one_sided = |keys: Vec<ResourceKey>, render: &Render, is_new: bool| -> Vec<ResourceDiff> {
        keys.into_par_iter()
            .filter_map(|key| {
                let yaml = render.get(&key)?.yaml.as_str();
                let label = key.to_string();
                let side = Some((label.as_str(), yaml));
                let diff = if is_new {
                    unified_diff(None, side, options.context)
                } else {
                    unified_diff(side, None, options.context)
                };
                Some(ResourceDiff {
                    key,
                    old_name: None,
                    old_namespace: None,
                    fields: Vec::new(),
                    diff,
                })
            })
            .collect()
    };
    RenderDiff {
        added: one_sided(added, new, true),
        removed: one_sided(removed, old, false),
        changed,
        identical,
        renaming,
    }
}

/// Drops from `removed` and `added` the keys `pairs` pairs.
fn unpaired(
    removed: &mut Vec<ResourceKey>,
    added: &mut Vec<ResourceKey>,
    pairs: &[(ResourceKey, ResourceKey)],
) {
    let old: BTreeSet<&ResourceKey> = pairs.iter().map(|(o, _)| o).collect();
    let new: BTreeSet<&ResourceKey> = pairs.iter().map(|(_, n)| n).collect();
    removed.retain(|k| !old.contains(k));
    added.retain(|k| !new.contains(k));
}

/// Undoes an environment's renaming in an old resource before it is
/// compared: its namespace, and every string that is the old name of a
/// paired resource (its own name, and references to the others), become
/// what they are on the new side.
struct Rewrite {
    strings: HashMap<String, String>,
}

impl Rewrite {
    fn new(renaming: &Renaming, pairs: &[(ResourceKey, ResourceKey)], pairing: Pairing) -> Self {
        let mut strings = HashMap::new();
        if pairing == Pairing::Name {
            for ns in &renaming.namespaces {
                strings.insert(ns.old.clone(), ns.new.clone());
            }
            for (old, new) in pairs.iter().filter(|(o, n)| o.name != n.name) {
                strings.insert(old.name.clone(), new.name.clone());
            }
        }
        Rewrite { strings }
    }

    /// `res` as the new side would name things.
    fn undo<'r>(&self, res: &'r RenderedResource) -> Cow<'r, RenderedResource> {
        if self.strings.is_empty() {
            return Cow::Borrowed(res);
        }
        let mut value = res.value.clone();
        if !self.rewrite(&mut value) {
            return Cow::Borrowed(res);
        }
        let yaml = krust_yaml::to_yaml_string(&value).unwrap_or_else(|_| res.yaml.clone());
        Cow::Owned(RenderedResource { value, yaml })
    }

    /// Rewrites the strings of `value`; whether any changed.
    fn rewrite(&self, value: &mut Value) -> bool {
        match value {
            Value::String(s) => match self.strings.get(s.as_str()) {
                Some(new) => {
                    *s = new.clone();
                    true
                }
                None => false,
            },
            Value::Seq(items) => items.iter_mut().fold(false, |c, v| self.rewrite(v) | c),
            Value::Map(map) => map.values_mut().fold(false, |c, v| self.rewrite(v) | c),
            _ => false,
        }
    }
}

/// The difference between two versions of a resource, or `None` if they
/// are the same.
fn compare_pair(
    old_key: &ResourceKey,
    old: &RenderedResource,
    new_key: &ResourceKey,
    new: &RenderedResource,
    options: &DiffOptions<'_>,
) -> Option<ResourceDiff> {
    if old.value == new.value {
        return None;
    }
    if options.ignore_helm_noise {
        let quiet = |r: &RenderedResource| {
            crate::helm_noise::without_noise(&r.value).map(|value| {
                let yaml = krust_yaml::to_yaml_string(&value).unwrap_or_else(|_| r.yaml.clone());
                RenderedResource { value, yaml }
            })
        };
        let (o, n) = (quiet(old), quiet(new));
        if o.is_some() || n.is_some() {
            let options = DiffOptions {
                ignore_helm_noise: false,
                ..*options
            };
            let (o, n) = (o.as_ref().unwrap_or(old), n.as_ref().unwrap_or(new));
            return compare_pair(old_key, o, new_key, n, &options);
        }
    }
    let fields = diff_values(&old.value, &new.value, options.schema);
    if fields.is_empty() {
        return None;
    }
    let (old_label, new_label) = (old_key.to_string(), new_key.to_string());
    let diff = unified_diff(
        Some((&old_label, &old.yaml)),
        Some((&new_label, &new.yaml)),
        options.context,
    );
    Some(ResourceDiff {
        key: new_key.clone(),
        old_name: (old_key.name != new_key.name).then(|| old_key.name.clone()),
        old_namespace: (old_key.namespace != new_key.namespace).then(|| old_key.namespace.clone()),
        fields,
        diff,
    })
}

/// One side of a root: `None` when the root does not exist in that
/// revision, else its render or why it could not be rendered.
pub type RootSide = Option<Result<Render, String>>;

/// Compares one root's two sides.
///
/// A failed side makes the outcome [`RootOutcome::Failed`]; a root on
/// neither side is the same, with no resources.
pub fn diff_root(
    root: impl Into<String>,
    old: RootSide,
    new: RootSide,
    options: &DiffOptions<'_>,
) -> RootDiff {
    let outcome = match (old, new) {
        (Some(Err(old)), new) => RootOutcome::Failed {
            old: Some(old),
            new: new.and_then(Result::err),
        },
        (old, Some(Err(new))) => RootOutcome::Failed {
            old: old.and_then(Result::err),
            new: Some(new),
        },
        (None, None) => RootOutcome::Same { resources: 0 },
        (None, Some(Ok(new))) => {
            RootOutcome::Added(diff_renders(&Render::default(), &new, options))
        }
        (Some(Ok(old)), None) => {
            RootOutcome::Removed(diff_renders(&old, &Render::default(), options))
        }
        (Some(Ok(old)), Some(Ok(new))) => {
            let diff = diff_renders(&old, &new, options);
            if diff.is_empty() {
                RootOutcome::Same {
                    resources: diff.identical,
                }
            } else {
                RootOutcome::Changed(diff)
            }
        }
    };
    RootDiff {
        root: root.into(),
        outcome,
    }
}

/// One root to compare: its path and both sides.
#[derive(Debug, Clone)]
pub struct RootInput {
    /// The root's path, relative to the repository.
    pub root: String,
    /// The old revision's side.
    pub old: RootSide,
    /// The new revision's side.
    pub new: RootSide,
}

/// Compares every root, in parallel, and sorts the results by root.
pub fn diff_repo(roots: Vec<RootInput>, options: &DiffOptions<'_>) -> RepoDiff {
    let results = roots
        .into_par_iter()
        .map(|input| diff_root(input.root, input.old, input.new, options))
        .collect();
    RepoDiff::new(results)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ChangeKind;

    fn render(text: &str) -> Render {
        Render::from_yaml("test", text).unwrap()
    }

    fn cm(name: &str, value: &str) -> String {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  k: {value}\n")
    }

    fn names(list: &[ResourceDiff]) -> Vec<String> {
        list.iter().map(|r| r.key.to_string()).collect()
    }

    #[test]
    fn added_removed_changed_identical() {
        let old = render(&[cm("a", "1"), cm("b", "1"), cm("c", "1")].join("---\n"));
        let new = render(&[cm("d", "1"), cm("c", "2"), cm("a", "1")].join("---\n"));
        let diff = diff_renders(&old, &new, &DiffOptions::default());
        assert_eq!(names(&diff.added), ["ConfigMap/d"]);
        assert_eq!(names(&diff.removed), ["ConfigMap/b"]);
        assert_eq!(names(&diff.changed), ["ConfigMap/c"]);
        assert_eq!(diff.identical, 1);
        assert_eq!(diff.changed[0].fields[0].to_string(), "data.k modified");
        assert!(diff.added[0]
            .diff
            .starts_with("--- /dev/null\n+++ new/ConfigMap/d\n"));
        assert!(diff.removed[0]
            .diff
            .starts_with("--- old/ConfigMap/b\n+++ /dev/null\n"));
        assert!(
            diff.changed[0].diff.contains("\n-  k: 1\n+  k: 2\n"),
            "{}",
            diff.changed[0].diff
        );
    }

    #[test]
    fn hash_renames_pair_into_a_change() {
        let old = render(&cm("settings-7h5mtk8b2c", "1"));
        let new = render(&cm("settings-9g9g9g9g9g", "2"));
        let diff = diff_renders(&old, &new, &DiffOptions::default());
        assert!(diff.added.is_empty() && diff.removed.is_empty());
        let change = &diff.changed[0];
        assert_eq!(change.key.name, "settings-9g9g9g9g9g");
        assert_eq!(change.old_name.as_deref(), Some("settings-7h5mtk8b2c"));
        let fields: Vec<String> = change.fields.iter().map(ToString::to_string).collect();
        assert_eq!(fields, ["data.k modified", "metadata.name modified"]);
        assert!(change.diff.starts_with(
            "--- old/ConfigMap/settings-7h5mtk8b2c\n+++ new/ConfigMap/settings-9g9g9g9g9g\n"
        ));
    }

    #[test]
    fn version_bump_is_a_field_change() {
        let old = render(
            "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n",
        );
        let new = render(
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n",
        );
        let diff = diff_renders(&old, &new, &DiffOptions::default());
        assert_eq!(diff.changed.len(), 1);
        assert_eq!(diff.changed[0].fields[0].path.to_string(), "apiVersion");
        assert_eq!(diff.changed[0].fields[0].kind, ChangeKind::Modified);
    }

    #[test]
    fn without_a_schema_lists_compare_by_position() {
        let pod = |a: &str, b: &str| {
            format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec: {{containers: [{{name: {a}}}, {{name: {b}}}]}}\n")
        };
        let (old, new) = (render(&pod("a", "b")), render(&pod("b", "a")));
        let positional = DiffOptions {
            schema: None,
            ..DiffOptions::default()
        };
        let fields = |options: &DiffOptions<'_>| -> Vec<String> {
            diff_renders(&old, &new, options).changed[0]
                .fields
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(
            fields(&positional),
            [
                "spec.containers[0].name modified",
                "spec.containers[1].name modified"
            ]
        );
        assert_eq!(
            fields(&DiffOptions::default()),
            ["spec.containers[name=b] moved 1 -> 0"]
        );
    }

    #[test]
    fn root_outcomes() {
        let options = DiffOptions::default();
        let ok = |text: &str| Some(Ok(render(text)));
        let same = diff_root("r", ok(&cm("a", "1")), ok(&cm("a", "1")), &options);
        assert_eq!(same.outcome, RootOutcome::Same { resources: 1 });
        assert!(same.is_empty());
        let changed = diff_root("r", ok(&cm("a", "1")), ok(&cm("a", "2")), &options);
        assert!(matches!(changed.outcome, RootOutcome::Changed(ref d) if d.changed.len() == 1));
        let added = diff_root("r", None, ok(&cm("a", "1")), &options);
        assert!(
            matches!(added.outcome, RootOutcome::Added(ref d) if d.added.len() == 1 && d.identical == 0)
        );
        let removed = diff_root("r", ok(&cm("a", "1")), None, &options);
        assert!(matches!(removed.outcome, RootOutcome::Removed(ref d) if d.removed.len() == 1));
        let failed = diff_root(
            "r",
            Some(Err("old broke".into())),
            ok(&cm("a", "1")),
            &options,
        );
        assert_eq!(
            failed.outcome,
            RootOutcome::Failed {
                old: Some("old broke".into()),
                new: None
            }
        );
        let both = diff_root("r", Some(Err("x".into())), Some(Err("y".into())), &options);
        assert_eq!(
            both.outcome,
            RootOutcome::Failed {
                old: Some("x".into()),
                new: Some("y".into())
            }
        );
        let gone = diff_root("r", None, Some(Err("y".into())), &options);
        assert_eq!(
            gone.outcome,
            RootOutcome::Failed {
                old: None,
                new: Some("y".into())
            }
        );
        assert_eq!(
            diff_root("r", None, None, &options).outcome,
            RootOutcome::Same { resources: 0 }
        );
    }

    #[test]
    fn repo_results_are_sorted() {
        let inputs = ["b", "a", "c"]
            .iter()
            .map(|root| RootInput {
                root: (*root).into(),
                old: Some(Ok(render(&cm("x", "1")))),
                new: Some(Ok(render(&cm("x", if *root == "c" { "2" } else { "1" })))),
            })
            .collect();
        let repo = diff_repo(inputs, &DiffOptions::default());
        let roots: Vec<(&str, &str)> = repo
            .roots
            .iter()
            .map(|r| (r.root.as_str(), r.outcome.name()))
            .collect();
        assert_eq!(roots, [("a", "same"), ("b", "same"), ("c", "changed")]);
    }
}
