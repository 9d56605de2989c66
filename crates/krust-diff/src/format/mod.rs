//! Output formats: the same results for three readers.
//!
//! - [`text()`]: for terminals, optionally with ANSI colours;
//! - [`markdown()`]: for CI job summaries and pull-request comments, with
//!   each resource's diff folded away in a `<details>` block;
//! - [`json()`]: for tools;
//! - [`github_annotations()`]: GitHub Actions annotations, and
//!   [`summary_label()`], a one-line label for a pull request.
//!
//! Every format is a pure function of the [`RepoDiff`], whose lists are
//! sorted, so the output is deterministic. The wording of counts is shared
//! here so that the three formats never disagree.

mod github;
mod json;
mod markdown;
mod text;

pub use github::{github_annotations, summary_label};
pub use json::json;
pub use markdown::{markdown, MarkdownOptions, GITHUB_COMMENT_LIMIT};
pub use text::{text, TextOptions};

use crate::{ChangeKind, FieldChange, RenderDiff, RepoDiff, Summary};

/// `1 root`, `2 roots`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The one-line summary of a repository diff, without markup:
/// `2 of 5 roots differ (1 changed, 1 failed); resources: 1 added, 0
/// removed, 3 changed, 40 identical` or `no changes in 5 roots (40
/// resources identical)`.
fn summary_line(diff: &RepoDiff) -> String {
    let s: Summary = diff.summary();
    if diff.is_empty() {
        return format!(
            "no changes in {} ({} identical)",
            plural(s.roots, "root"),
            plural(s.resources_identical, "resource")
        );
    }
    let mut parts = Vec::new();
    for (n, word) in [
        (s.roots_changed, "changed"),
        (s.roots_added, "added"),
        (s.roots_removed, "removed"),
        (s.roots_failed, "failed"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    format!(
        "{} of {} differ ({}); resources: {} added, {} removed, {} changed, {} identical",
        s.roots - s.roots_same,
        plural(s.roots, "root"),
        parts.join(", "),
        s.resources_added,
        s.resources_removed,
        s.resources_changed,
        s.resources_identical
    )
}

/// `1 added, 0 removed, 2 changed, 3 identical`.
fn render_counts(diff: &RenderDiff) -> String {
    format!(
        "{} added, {} removed, {} changed, {} identical",
        diff.added.len(),
        diff.removed.len(),
        diff.changed.len(),
        diff.identical
    )
}

/// What a field change was, for a list: `modified`, `moved 1 -> 0`, ...
fn change_word(change: &FieldChange) -> String {
    match change.kind {
        ChangeKind::Moved { from, to } => format!("moved {from} -> {to}"),
        kind => kind.name().to_owned(),
    }
}

/// The unchanged roots in one sentence (never one line each): `3 roots
/// unchanged (12 resources identical)`, or `None` when there are none.
fn unchanged_line(diff: &RepoDiff) -> Option<String> {
    let (mut roots, mut resources) = (0, 0);
    for root in &diff.roots {
        if let crate::RootOutcome::Same { resources: n } = root.outcome {
            roots += 1;
            resources += n;
        }
    }
    (roots > 0).then(|| {
        format!(
            "{} unchanged ({} identical)",
            plural(roots, "root"),
            plural(resources, "resource")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{RootDiff, RootOutcome};

    fn repo(outcomes: Vec<RootOutcome>) -> RepoDiff {
        RepoDiff::new(
            outcomes
                .into_iter()
                .enumerate()
                .map(|(i, outcome)| RootDiff {
                    root: format!("r{i}"),
                    outcome,
                })
                .collect(),
        )
    }

    #[test]
    fn summary_lines() {
        let same = repo(vec![RootOutcome::Same { resources: 1 }]);
        assert_eq!(
            summary_line(&same),
            "no changes in 1 root (1 resource identical)"
        );
        assert_eq!(
            unchanged_line(&same).unwrap(),
            "1 root unchanged (1 resource identical)"
        );
        let mixed = repo(vec![
            RootOutcome::Same { resources: 4 },
            RootOutcome::Same { resources: 2 },
            RootOutcome::Failed {
                old: None,
                new: Some("x".into()),
            },
            RootOutcome::Changed(RenderDiff {
                identical: 3,
                ..RenderDiff::default()
            }),
        ]);
        assert_eq!(
            summary_line(&mixed),
            "2 of 4 roots differ (1 changed, 1 failed); resources: 0 added, 0 removed, 0 changed, 9 identical"
        );
        assert_eq!(
            unchanged_line(&mixed).unwrap(),
            "2 roots unchanged (6 resources identical)"
        );
        assert_eq!(unchanged_line(&repo(vec![])), None);
    }
}
