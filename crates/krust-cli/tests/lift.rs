//! `render lift`: a patch every overlay carries folded into the base and
//! proven a no-op; refused, with nothing written, when the copies differ.

use std::path::{Path, PathBuf};

mod common;

use common::{render, write};

const DEPLOYMENT: &str = "# The web frontend.\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web:1\n";
const HISTORY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  revisionHistoryLimit: 3\n";

/// A group with a base and three overlays, each applying `history.yaml`.
fn group(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("krust-lift-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    write(
        &dir,
        "apps/base/web/kustomization.yaml",
        "resources:\n- deployment.yaml\n",
    );
    write(&dir, "apps/base/web/deployment.yaml", DEPLOYMENT);
    for env in ["dev", "staging", "production"] {
        write(
            &dir,
            &format!("apps/overlays/{env}/kustomization.yaml"),
            &format!("namespace: {env}\nresources:\n- ../../base/web\npatches:\n- path: web/version.yaml\n- path: web/history.yaml\n"),
        );
        write(
            &dir,
            &format!("apps/overlays/{env}/web/history.yaml"),
            HISTORY,
        );
        write(
            &dir,
            &format!("apps/overlays/{env}/web/version.yaml"),
            &format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web:{env}\n"),
        );
    }
    dir
}

/// The copies are still there and the base is as written.
fn assert_untouched(dir: &Path) {
    for env in ["dev", "staging", "production"] {
        assert!(dir
            .join(format!("apps/overlays/{env}/web/history.yaml"))
            .exists());
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("apps/base/web/deployment.yaml")).unwrap(),
        DEPLOYMENT
    );
}

fn renders(dir: &Path) -> Vec<Vec<u8>> {
    ["dev", "staging", "production"]
        .iter()
        .map(|env| render(&[&format!("apps/overlays/{env}")], dir).stdout)
        .collect()
}

/// `render lift web/history.yaml --group apps` in `dir`, which must succeed;
/// what it printed.
fn lift_history(dir: &Path) -> String {
    let out = render(&["lift", "web/history.yaml", "--group", "apps"], dir);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn a_shared_patch_is_lifted_into_the_base_and_proven() {
    let dir = group("shared");
    let before = renders(&dir);
    let stdout = lift_history(&dir);
    assert!(
        stdout.ends_with("no-op: 3 roots, 3 resources identical\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("folded the patch into apps/base/web/deployment.yaml"),
        "{stdout}"
    );
    assert_eq!(renders(&dir), before, "the renders are unchanged");
    for env in ["dev", "staging", "production"] {
        assert!(!dir
            .join(format!("apps/overlays/{env}/web/history.yaml"))
            .exists());
        assert_eq!(
            std::fs::read_to_string(dir.join(format!("apps/overlays/{env}/kustomization.yaml"))).unwrap(),
            format!("namespace: {env}\nresources:\n- ../../base/web\npatches:\n- path: web/version.yaml\n")
        );
    }
    let base = std::fs::read_to_string(dir.join("apps/base/web/deployment.yaml")).unwrap();
    assert!(base.contains("revisionHistoryLimit: 3"), "{base}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_dry_run_proves_and_writes_nothing() {
    let dir = group("dry");
    let out = render(
        &["lift", "web/history.yaml", "--group", "apps", "--dry-run"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_untouched(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn differing_copies_are_refused_and_nothing_changes() {
    let dir = group("differ");
    write(
        &dir,
        "apps/overlays/production/web/history.yaml",
        &HISTORY.replace("3", "10"),
    );
    let out = render(&["lift", "web/history.yaml", "--group", "apps"], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("refused"), "{stderr}");
    assert!(stderr.contains("production/web/history.yaml"), "{stderr}");
    assert_untouched(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_lift_that_would_change_a_render_is_refused() {
    let dir = group("order");
    // staging pins the same field in a patch listed before history.yaml,
    // which wins today; folded into the base, history.yaml would apply first
    // and lose to the pin.
    write(
        &dir,
        "apps/overlays/staging/kustomization.yaml",
        "namespace: staging\nresources:\n- ../../base/web\npatches:\n- path: web/_pin.yaml\n- path: web/version.yaml\n- path: web/history.yaml\n",
    );
    write(
        &dir,
        "apps/overlays/staging/web/_pin.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  revisionHistoryLimit: 7\n",
    );
    let out = render(&["lift", "web/history.yaml", "--group", "apps"], &dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("refused"), "{stderr}");
    assert!(stdout.contains("apps/overlays/staging"), "{stdout}");
    assert_untouched(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_overlay_built_on_another_loses_its_own_copy_too() {
    let dir = group("inherits");
    // `test` builds on dev and carries its own copy of the patch, as the
    // seeds' repositories do.
    write(
        &dir,
        "apps/overlays/test/kustomization.yaml",
        "resources:\n- ../dev\nnameSuffix: -test\npatches:\n- path: web/history.yaml\n",
    );
    write(&dir, "apps/overlays/test/web/history.yaml", HISTORY);
    let before: Vec<Vec<u8>> = ["dev", "staging", "production", "test"]
        .iter()
        .map(|env| render(&[&format!("apps/overlays/{env}")], &dir).stdout)
        .collect();
    let stdout = lift_history(&dir);
    // Every root of the group is in the proof, the inheriting one included.
    assert!(
        stdout.ends_with("no-op: 4 roots, 4 resources identical\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("deleted apps/overlays/test/web/history.yaml"),
        "{stdout}"
    );
    assert!(!dir.join("apps/overlays/test/web/history.yaml").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("apps/overlays/test/kustomization.yaml")).unwrap(),
        "resources:\n- ../dev\nnameSuffix: -test\n"
    );
    let after: Vec<Vec<u8>> = ["dev", "staging", "production", "test"]
        .iter()
        .map(|env| render(&[&format!("apps/overlays/{env}")], &dir).stdout)
        .collect();
    assert_eq!(after, before, "the renders are unchanged");
    std::fs::remove_dir_all(&dir).unwrap();
}
