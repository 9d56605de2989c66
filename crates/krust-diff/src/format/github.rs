//! GitHub Actions workflow commands: one annotation per root whose render
//! changed or failed, on the root's kustomization, so that a pull request's
//! "Files changed" view shows which environments a change reaches; and a
//! one-line label of them for a PR title or label.

use std::collections::BTreeSet;

use super::render_counts;
use crate::{RepoDiff, RootOutcome};

/// `::notice` / `::error` workflow commands, one per root that differs.
pub fn github_annotations(diff: &RepoDiff) -> String {
    let mut out = String::new();
    for root in &diff.roots {
        let (level, message) = match &root.outcome {
            RootOutcome::Same { .. } => continue,
            RootOutcome::Changed(d) => ("notice", format!("render changed: {}", render_counts(d))),
            RootOutcome::Added(d) => ("notice", format!("new root: {}", render_counts(d))),
            RootOutcome::Removed(_) => ("notice", "root removed".to_owned()),
            RootOutcome::Failed { old, new } => (
                "error",
                format!(
                    "render failed: {}",
                    new.as_deref().or(old.as_deref()).unwrap_or_default()
                ),
            ),
        };
        // A root named by its path annotates its kustomization file.
        let file = if root.root.contains(char::is_whitespace) {
            String::new()
        } else {
            format!(
                "file={},",
                escape_property(&format!("{}/kustomization.yaml", root.root))
            )
        };
        out.push_str(&format!(
            "::{level} {file}title={}::{}\n",
            escape_property(&format!("krust diff: {}", root.root)),
            escape_data(&message)
        ));
    }
    out
}

/// `diff:staging,production`: the last path component of every root that
/// differs, sorted, once each; `diff:none` when nothing does.
pub fn summary_label(diff: &RepoDiff) -> String {
    // A root is a path (`apps/overlays/staging`), two compared
    // (`OLD → NEW`), or a Flux cluster and Kustomization (`DIR ns/name`).
    let last = |path: &str| -> String {
        let path = path.trim().trim_end_matches('/');
        path.rsplit('/').next().unwrap_or(path).to_owned()
    };
    let names: BTreeSet<String> = diff
        .roots
        .iter()
        .filter(|r| !matches!(r.outcome, RootOutcome::Same { .. }))
        .flat_map(|r| match r.root.split_once(" → ") {
            Some((old, new)) => vec![last(old), last(new)],
            None => vec![last(r.root.split_whitespace().last().unwrap_or(&r.root))],
        })
        .collect();
    if names.is_empty() {
        return "diff:none".to_owned();
    }
    format!("diff:{}", names.into_iter().collect::<Vec<_>>().join(","))
}

/// A workflow command's message: `%`, CR and LF escaped.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{RenderDiff, RootDiff};

    fn repo() -> RepoDiff {
        let root = |name: &str, outcome| RootDiff {
            root: name.into(),
            outcome,
        };
        RepoDiff::new(vec![
            root(
                "apps/overlays/production",
                RootOutcome::Changed(RenderDiff::default()),
            ),
            root("apps/overlays/dev", RootOutcome::Same { resources: 3 }),
            root(
                "apps/overlays/staging",
                RootOutcome::Failed {
                    old: None,
                    new: Some("a: b\nc, 50%".into()),
                },
            ),
        ])
    }

    #[test]
    fn one_annotation_per_root_that_differs() {
        assert_eq!(
            github_annotations(&repo()),
            "::notice file=apps/overlays/production/kustomization.yaml,title=krust diff%3A apps/overlays/production::render changed: 0 added, 0 removed, 0 changed, 0 identical\n\
             ::error file=apps/overlays/staging/kustomization.yaml,title=krust diff%3A apps/overlays/staging::render failed: a: b%0Ac, 50%25\n"
        );
    }

    #[test]
    fn the_label_names_the_environments() {
        assert_eq!(summary_label(&repo()), "diff:production,staging");
        assert_eq!(summary_label(&RepoDiff::new(Vec::new())), "diff:none");
    }
}
