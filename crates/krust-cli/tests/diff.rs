//! `render diff` and `render verify-noop` on fixture git repositories that
//! the tests commit to: a lift-up proven a no-op, a real change named down
//! to its field, a moved file, a hash-suffix change, added and removed roots.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

use common::{git, render, write};

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web:1\n        envFrom:\n        - configMapRef: {name: web-env}\n";

/// A repository shaped like `examples/`: one base, three overlays each with
/// an identical `history.yaml` patch (the lift-up candidate), committed.
/// `None` when git is not installed.
fn repo(name: &str) -> Option<PathBuf> {
    let dir = std::env::temp_dir().join(format!("krust-diff-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    if !krust_suite::tools::git() {
        return None;
    }
    assert!(git(
        &dir,
        &["-c", "init.defaultBranch=main", "init", "-q", "."]
    ));
    write(
        &dir,
        "apps/base/web/kustomization.yaml",
        "resources: [deployment.yaml]\nconfigMapGenerator:\n- name: web-env\n  literals: [MODE=fast]\n",
    );
    write(&dir, "apps/base/web/deployment.yaml", DEPLOYMENT);
    for env in ["dev", "staging", "production"] {
        write(
            &dir,
            &format!("apps/overlays/{env}/kustomization.yaml"),
            &format!("namespace: {env}\nresources: [../../base/web]\npatches:\n- path: web/history.yaml\n"),
        );
        write(
            &dir,
            &format!("apps/overlays/{env}/web/history.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  revisionHistoryLimit: 3\n",
        );
    }
    assert!(git(&dir, &["add", "-A"]));
    assert!(git(&dir, &["commit", "-qm", "base"]));
    Some(dir)
}

/// Folds the shared patch into the base and removes the copies.
fn lift(dir: &Path) {
    for env in ["dev", "staging", "production"] {
        std::fs::remove_file(dir.join(format!("apps/overlays/{env}/web/history.yaml"))).unwrap();
        write(
            dir,
            &format!("apps/overlays/{env}/kustomization.yaml"),
            &format!("namespace: {env}\nresources: [../../base/web]\n"),
        );
    }
    write(
        dir,
        "apps/base/web/deployment.yaml",
        &DEPLOYMENT.replace(
            "  replicas: 1\n",
            "  replicas: 1\n  revisionHistoryLimit: 3\n",
        ),
    );
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn verify_noop_proves_a_lift_up() {
    let Some(dir) = repo("lift") else { return };
    lift(&dir);
    let out = render(&["verify-noop", "--base", "HEAD", "--all", "."], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "no-op: 3 roots, 6 resources identical\n");
    // Committed, against the revision before it; every root by default.
    assert!(git(
        &dir,
        &["commit", "-qam", "lift history.yaml into base"]
    ));
    let out = render(&["verify-noop", "--base", "HEAD~1"], &dir);
    assert_eq!(stdout(&out), "no-op: 3 roots, 6 resources identical\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn verify_noop_names_the_root_resource_and_field_of_a_real_change() {
    let Some(dir) = repo("change") else { return };
    lift(&dir);
    write(
        &dir,
        "apps/overlays/staging/kustomization.yaml",
        "namespace: staging\nresources: [../../base/web]\nreplicas:\n- name: web\n  count: 4\n",
    );
    let out = render(&["verify-noop", "--base", "HEAD", "--all", "apps"], &dir);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("apps/overlays/staging: changed"), "{text}");
    assert!(text.contains("Deployment.apps/staging/web"), "{text}");
    assert!(text.contains("spec.replicas"), "{text}");
    assert!(
        !text.contains("apps/overlays/dev:"),
        "unchanged roots are not listed: {text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_moved_file_changes_nothing_and_added_and_removed_roots_are_named() {
    let Some(dir) = repo("moves") else { return };
    // Move the base's deployment into a subdirectory, rename an overlay.
    std::fs::create_dir_all(dir.join("apps/base/web/manifests")).unwrap();
    std::fs::rename(
        dir.join("apps/base/web/deployment.yaml"),
        dir.join("apps/base/web/manifests/deployment.yaml"),
    )
    .unwrap();
    write(
        &dir,
        "apps/base/web/kustomization.yaml",
        "resources: [manifests/deployment.yaml]\nconfigMapGenerator:\n- name: web-env\n  literals: [MODE=fast]\n",
    );
    std::fs::rename(
        dir.join("apps/overlays/dev"),
        dir.join("apps/overlays/preview"),
    )
    .unwrap();
    assert!(git(&dir, &["add", "-A"]));
    assert!(git(&dir, &["commit", "-qm", "move"]));
    let out = render(
        &[
            "diff", "--base", "HEAD~1", "--head", "HEAD", "--all", ".", "--format", "json",
        ],
        &dir,
    );
    let json = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{json}");
    assert!(json.contains("\"apps/overlays/dev\""), "{json}");
    assert!(json.contains("\"removed\""), "{json}");
    assert!(json.contains("\"apps/overlays/preview\""), "{json}");
    assert!(json.contains("\"added\""), "{json}");
    // The moved file renders the same: staging and production are the same.
    let out = render(
        &[
            "diff",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
            "apps/overlays/staging",
            "apps/overlays/production",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_generated_config_map_whose_hash_changed_is_one_change() {
    let Some(dir) = repo("hash") else { return };
    write(
        &dir,
        "apps/base/web/kustomization.yaml",
        "resources: [deployment.yaml]\nconfigMapGenerator:\n- name: web-env\n  literals: [MODE=slow]\n",
    );
    let out = render(
        &[
            "diff",
            "--base",
            "HEAD",
            "apps/overlays/dev",
            "--format",
            "markdown",
        ],
        &dir,
    );
    let md = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{md}");
    assert!(md.contains("0 added, 0 removed, 2 changed"), "{md}");
    assert!(md.contains("ConfigMap/dev/web-env-"), "{md}");
    assert!(md.contains("data.MODE"), "{md}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn diff_of_two_overlays_or_rendered_files() {
    let Some(dir) = repo("two") else { return };
    let out = render(
        &["diff", "apps/overlays/dev", "apps/overlays/staging"],
        &dir,
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    // Two environments pair across their namespaces, the move said once.
    assert!(
        text.contains("renamed: namespace dev → staging on 2 resources"),
        "{text}"
    );
    assert!(
        text.contains("0 added, 0 removed, 0 changed, 2 identical"),
        "{text}"
    );
    // Paired exactly, the namespace is part of a resource's id: other
    // namespace, other resource.
    let out = render(
        &[
            "diff",
            "--pair",
            "exact",
            "apps/overlays/dev",
            "apps/overlays/staging",
        ],
        &dir,
    );
    let text = stdout(&out);
    assert!(text.contains("+ Deployment.apps/staging/web"), "{text}");
    assert!(text.contains("- Deployment.apps/dev/web"), "{text}");
    let rendered = render(&["apps/overlays/dev"], &dir);
    std::fs::write(dir.join("dev.yaml"), &rendered.stdout).unwrap();
    let out = render(&["diff", "dev.yaml", "apps/overlays/dev"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = render(&["diff", "dev.yaml"], &dir);
    assert_eq!(out.status.code(), Some(2), "one path is a usage error");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_revision_is_an_error_not_a_difference() {
    let Some(dir) = repo("badrev") else { return };
    let out = render(
        &["verify-noop", "--base", "no-such-rev", "--all", "."],
        &dir,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no-such-rev"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn render_lift_then_verify_noop_against_the_last_commit() {
    let Some(dir) = repo("lift-cmd") else { return };
    let out = render(&["lift", "web/history.yaml", "--group", "apps"], &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = render(&["verify-noop", "--base", "HEAD", "--all", "."], &dir);
    assert_eq!(stdout(&out), "no-op: 3 roots, 6 resources identical\n");
    assert_eq!(out.status.code(), Some(0));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_promotion_shows_as_exactly_its_change_against_the_last_commit() {
    let Some(dir) = repo("promote") else { return };
    write(
        &dir,
        "apps/overlays/staging/web/version.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web:2\n",
    );
    write(
        &dir,
        "apps/overlays/staging/kustomization.yaml",
        "namespace: staging\nresources: [../../base/web]\npatches:\n- path: web/history.yaml\n- path: web/version.yaml\n",
    );
    assert!(git(&dir, &["add", "-A"]));
    assert!(git(&dir, &["commit", "-qm", "staging runs web:2"]));
    let out = render(
        &[
            "promote",
            "apps/overlays/staging",
            "apps/overlays/production",
            "web",
        ],
        &dir,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = render(&["diff", "--base", "HEAD", "--all", "apps"], &dir);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("1 of 3 roots differ"), "{text}");
    assert!(text.contains("apps/overlays/production: changed"), "{text}");
    assert!(
        text.contains("spec.template.spec.containers[name=web].image"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
