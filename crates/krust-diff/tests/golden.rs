//! Golden tests of the output formats on a small repository of renders.
//!
//! `fixtures/renders/{old,new}/<root>/render.yaml` hold what `kubectl
//! kustomize <root>` printed at two revisions (a root missing on one side
//! was added or removed; a render that does not parse stands for a root
//! that failed). Each format's output is compared byte for byte with
//! `fixtures/expected.{md,txt,json}`; `KRUST_BLESS=1 cargo test -p
//! krust-diff --test golden` rewrites those files from the current output.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use krust_diff::format::{json, markdown, text, MarkdownOptions, TextOptions};
use krust_diff::{diff_repo, DiffOptions, Render, RepoDiff, RootInput, RootSide};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Roots (relative paths of directories holding `render.yaml`) under `dir`.
fn roots_under(dir: &Path, prefix: &str, found: &mut BTreeSet<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if path.is_dir() {
            let child = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            roots_under(&path, &child, found);
        } else if name == "render.yaml" {
            found.insert(prefix.to_owned());
        }
    }
}

fn side(revision: &str, root: &str) -> RootSide {
    let path = fixtures()
        .join("renders")
        .join(revision)
        .join(root)
        .join("render.yaml");
    let text = std::fs::read_to_string(path).ok()?;
    Some(Render::from_yaml(format!("{root} at {revision}"), &text).map_err(|e| e.to_string()))
}

fn repo_diff() -> RepoDiff {
    let mut roots = BTreeSet::new();
    for revision in ["old", "new"] {
        roots_under(&fixtures().join("renders").join(revision), "", &mut roots);
    }
    let inputs = roots
        .into_iter()
        .map(|root| RootInput {
            old: side("old", &root),
            new: side("new", &root),
            root,
        })
        .collect();
    diff_repo(inputs, &DiffOptions::default())
}

/// Compares `actual` with the golden file, or rewrites it under `KRUST_BLESS`.
fn check_golden(name: &str, actual: &str) {
    let path = fixtures().join(name);
    if std::env::var_os("KRUST_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with KRUST_BLESS=1 to create it)",
            path.display()
        )
    });
    if expected != actual {
        let diff = similar::TextDiff::from_lines(expected.as_str(), actual)
            .unified_diff()
            .header("expected", "actual")
            .to_string();
        panic!("{name} differs from the output (KRUST_BLESS=1 to accept):\n{diff}");
    }
}

#[test]
fn markdown_golden() {
    let options = MarkdownOptions {
        max_diff_lines: 25,
        ..MarkdownOptions::default()
    };
    check_golden("expected.md", &markdown(&repo_diff(), &options));
}

#[test]
fn text_golden() {
    check_golden("expected.txt", &text(&repo_diff(), &TextOptions::default()));
}

#[test]
fn json_golden() {
    check_golden("expected.json", &json(&repo_diff()));
}

/// The fixture covers what the goldens are meant to show; if it stopped
/// doing so, the goldens would prove less than they seem to.
#[test]
fn fixture_covers_every_outcome() {
    let repo = repo_diff();
    let outcomes: Vec<(&str, &str)> = repo
        .roots
        .iter()
        .map(|r| (r.root.as_str(), r.outcome.name()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("apps/overlays/canary", "added"),
            ("apps/overlays/dev", "same"),
            ("apps/overlays/prod", "changed"),
            ("apps/overlays/staging", "same"),
            ("infrastructure/controllers", "failed"),
            ("infrastructure/legacy", "removed"),
        ]
    );
    let prod = repo.roots[2].outcome.render_diff().unwrap();
    let changed: Vec<String> = prod.changed.iter().map(|r| r.key.to_string()).collect();
    assert_eq!(
        changed,
        [
            "ConfigMap/prod/web-settings-9d2b4f6g8h",
            "Deployment.apps/prod/web"
        ]
    );
    assert_eq!(
        prod.identical, 1,
        "the Service is written in another key order only"
    );
    assert!(
        prod.added.iter().any(|r| r.diff.lines().count() > 25),
        "a diff long enough to be cut"
    );
}
