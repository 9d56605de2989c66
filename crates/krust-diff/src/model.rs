//! The results: what changed in one render, in one root, in a repository.
//!
//! Plain data with public fields, so that the formatters (and any other
//! tool) read them without accessors; every list is sorted (resources by
//! [`ResourceKey`], roots by name) so that the same inputs always give the
//! same output.

use crate::environments::Renaming;
use crate::{FieldChange, ResourceKey};

/// One resource that differs between two renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceDiff {
    /// The resource's key: the new key for an added or changed resource,
    /// the old key for a removed one.
    pub key: ResourceKey,
    /// For a resource paired across a rename (a generated ConfigMap or
    /// Secret whose hash suffix changed, an environment's name prefix), the
    /// old name (the new one is in `key`).
    pub old_name: Option<String>,
    /// For a resource paired across an environment's namespace, the old
    /// namespace (the new one is in `key`).
    pub old_namespace: Option<String>,
    /// For a changed resource, the paths that differ (empty for added and
    /// removed resources).
    pub fields: Vec<FieldChange>,
    /// Unified diff of the resource's YAML (all `+` lines for an added
    /// resource, all `-` lines for a removed one).
    pub diff: String,
}

impl ResourceDiff {
    /// The key the resource had in the old render.
    pub fn old_key(&self) -> ResourceKey {
        let mut key = match &self.old_name {
            Some(name) => self.key.with_name(name),
            None => self.key.clone(),
        };
        if let Some(namespace) = &self.old_namespace {
            key.namespace = namespace.clone();
        }
        key
    }
}

/// The differences between two renders of one root.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RenderDiff {
    /// Resources only in the new render, by key.
    pub added: Vec<ResourceDiff>,
    /// Resources only in the old render, by key.
    pub removed: Vec<ResourceDiff>,
    /// Resources in both renders that differ, by (new) key.
    pub changed: Vec<ResourceDiff>,
    /// Resources in both renders that do not differ.
    pub identical: usize,
    /// The renaming between two environments undone before pairing
    /// (empty when the renders were paired exactly).
    pub renaming: Renaming,
}

impl RenderDiff {
    /// Whether the renders are the same (nothing added, removed or changed).
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.renaming.is_empty()
    }

    /// Resources added, removed or changed.
    pub fn len(&self) -> usize {
        self.added.len() + self.removed.len() + self.changed.len()
    }
}

/// What became of one root (a kustomization directory) between the revisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootOutcome {
    /// Both renders have the same resources, this many.
    Same {
        /// Number of resources (identical on both sides).
        resources: usize,
    },
    /// Both sides render, differently.
    Changed(RenderDiff),
    /// The root exists only in the new revision; every resource is added.
    Added(RenderDiff),
    /// The root exists only in the old revision; every resource is removed.
    Removed(RenderDiff),
    /// A side failed to render (or to be read); the messages of the sides
    /// that failed.
    Failed {
        /// The old side's error, if it failed.
        old: Option<String>,
        /// The new side's error, if it failed.
        new: Option<String>,
    },
}

impl RootOutcome {
    /// `same`, `changed`, `added`, `removed` or `failed`.
    pub fn name(&self) -> &'static str {
        match self {
            RootOutcome::Same { .. } => "same",
            RootOutcome::Changed(_) => "changed",
            RootOutcome::Added(_) => "added",
            RootOutcome::Removed(_) => "removed",
            RootOutcome::Failed { .. } => "failed",
        }
    }

    /// The resource differences, for the outcomes that have them.
    pub fn render_diff(&self) -> Option<&RenderDiff> {
        match self {
            RootOutcome::Changed(d) | RootOutcome::Added(d) | RootOutcome::Removed(d) => Some(d),
            RootOutcome::Same { .. } | RootOutcome::Failed { .. } => None,
        }
    }
}

/// One root's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootDiff {
    /// The root's path, relative to the repository.
    pub root: String,
    /// What became of it.
    pub outcome: RootOutcome,
}

impl RootDiff {
    /// Whether the root renders the same on both sides.
    pub fn is_empty(&self) -> bool {
        matches!(self.outcome, RootOutcome::Same { .. })
    }
}

/// Counts over a [`RepoDiff`], for one-line summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Roots compared (all outcomes).
    pub roots: usize,
    /// Roots that render the same.
    pub roots_same: usize,
    /// Roots that render differently.
    pub roots_changed: usize,
    /// Roots only in the new revision.
    pub roots_added: usize,
    /// Roots only in the old revision.
    pub roots_removed: usize,
    /// Roots where a side failed.
    pub roots_failed: usize,
    /// Resources added, over all roots (those of added roots included).
    pub resources_added: usize,
    /// Resources removed, over all roots (those of removed roots included).
    pub resources_removed: usize,
    /// Resources changed, over all roots.
    pub resources_changed: usize,
    /// Resources identical on both sides, over all roots.
    pub resources_identical: usize,
}

/// The results for every root of a repository, sorted by root.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RepoDiff {
    /// One entry per root, sorted by `root`.
    pub roots: Vec<RootDiff>,
}

impl RepoDiff {
    /// Collects root results, sorting them by root.
    pub fn new(mut roots: Vec<RootDiff>) -> RepoDiff {
        roots.sort_by(|a, b| a.root.cmp(&b.root));
        RepoDiff { roots }
    }

    /// Whether every root renders the same (no change and no failure).
    pub fn is_empty(&self) -> bool {
        self.roots.iter().all(RootDiff::is_empty)
    }

    /// The counters.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            roots: self.roots.len(),
            ..Summary::default()
        };
        for root in &self.roots {
            match &root.outcome {
                RootOutcome::Same { resources } => {
                    s.roots_same += 1;
                    s.resources_identical += resources;
                }
                RootOutcome::Changed(_) => s.roots_changed += 1,
                RootOutcome::Added(_) => s.roots_added += 1,
                RootOutcome::Removed(_) => s.roots_removed += 1,
                RootOutcome::Failed { .. } => s.roots_failed += 1,
            }
            if let Some(diff) = root.outcome.render_diff() {
                s.resources_added += diff.added.len();
                s.resources_removed += diff.removed.len();
                s.resources_changed += diff.changed.len();
                s.resources_identical += diff.identical;
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(name: &str) -> ResourceDiff {
        ResourceDiff {
            key: ResourceKey {
                kind: "ConfigMap".into(),
                name: name.into(),
                ..ResourceKey::default()
            },
            old_name: None,
            old_namespace: None,
            fields: Vec::new(),
            diff: String::new(),
        }
    }

    fn root(name: &str, outcome: RootOutcome) -> RootDiff {
        RootDiff {
            root: name.into(),
            outcome,
        }
    }

    #[test]
    fn summary_counts_every_outcome() {
        let changed = RenderDiff {
            added: vec![resource("a")],
            removed: vec![resource("b"), resource("c")],
            changed: vec![resource("d")],
            identical: 4,
            ..RenderDiff::default()
        };
        let added = RenderDiff {
            added: vec![resource("e")],
            ..RenderDiff::default()
        };
        let repo = RepoDiff::new(vec![
            root("z", RootOutcome::Same { resources: 7 }),
            root("c", RootOutcome::Changed(changed)),
            root("a", RootOutcome::Added(added)),
            root(
                "f",
                RootOutcome::Failed {
                    old: None,
                    new: Some("boom".into()),
                },
            ),
            root("r", RootOutcome::Removed(RenderDiff::default())),
        ]);
        let names: Vec<&str> = repo.roots.iter().map(|r| r.root.as_str()).collect();
        assert_eq!(names, ["a", "c", "f", "r", "z"]);
        assert_eq!(
            repo.summary(),
            Summary {
                roots: 5,
                roots_same: 1,
                roots_changed: 1,
                roots_added: 1,
                roots_removed: 1,
                roots_failed: 1,
                resources_added: 2,
                resources_removed: 2,
                resources_changed: 1,
                resources_identical: 11,
            }
        );
        assert!(!repo.is_empty());
    }

    #[test]
    fn emptiness() {
        assert!(RenderDiff::default().is_empty());
        assert!(RepoDiff::new(vec![root("a", RootOutcome::Same { resources: 1 })]).is_empty());
        assert!(!RepoDiff::new(vec![root(
            "a",
            RootOutcome::Failed {
                old: Some("x".into()),
                new: None
            }
        )])
        .is_empty());
        let mut renamed = resource("s-9g9g9g9g9g");
        renamed.old_name = Some("s-7h5mtk8b2c".into());
        assert_eq!(renamed.old_key().name, "s-7h5mtk8b2c");
        assert_eq!(
            RenderDiff {
                changed: vec![renamed],
                ..RenderDiff::default()
            }
            .len(),
            1
        );
    }
}
