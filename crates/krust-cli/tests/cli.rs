//! The `render` binary's contract: output on stdout, one-line errors naming
//! the file on stderr, exit 1 for build failures and 2 for usage errors.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

use common::render;

/// A scratch tree for one test, removed when the test ends.
struct Tree(PathBuf);

impl std::ops::Deref for Tree {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A scratch tree for one test, with `files`.
fn tree(name: &str, files: &[(&str, &str)]) -> Tree {
    let dir = std::env::temp_dir().join(format!("krust-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, content) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    Tree(dir)
}

/// Asserts a failed build: exit 1, one stderr line mentioning `needle`, nothing on stdout.
fn assert_fails_naming(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(out.stdout.is_empty(), "no partial output expected");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "one line expected: {stderr}"
    );
    assert!(stderr.contains(needle), "{stderr:?} should name {needle}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: b\n";

#[test]
fn renders_to_stdout() {
    let dir = tree(
        "ok",
        &[
            (
                "kustomization.yaml",
                "resources: [cm.yaml]\nnamePrefix: p-\n",
            ),
            ("cm.yaml", CM),
        ],
    );
    let out = render(&["."], &dir);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  name: p-app\n"
    );
}

#[test]
fn missing_directory_names_it() {
    let dir = tree("nodir", &[]);
    assert_fails_naming(&render(&["no-such-dir"], &dir), "no-such-dir");
}

#[test]
fn yaml_syntax_error_names_file_and_line() {
    let dir = tree(
        "syntax",
        &[
            ("kustomization.yaml", "resources: [cm.yaml]\n"),
            ("cm.yaml", "kind: ConfigMap\nmetadata: [a\n  b: c\n"),
        ],
    );
    assert_fails_naming(&render(&["."], &dir), "cm.yaml:");
}

#[test]
fn missing_resource_file_names_it() {
    let dir = tree(
        "missing",
        &[("kustomization.yaml", "resources: [gone.yaml]\n")],
    );
    let out = render(&["."], &dir);
    assert_fails_naming(&out, "gone.yaml");
    assert!(String::from_utf8_lossy(&out.stderr).contains("kustomization.yaml"));
}

#[test]
fn duplicate_ids_name_the_file() {
    let dir = tree(
        "dup",
        &[
            ("kustomization.yaml", "resources: [a.yaml, b.yaml]\n"),
            ("a.yaml", CM),
            ("b.yaml", CM),
        ],
    );
    let out = render(&["."], &dir);
    assert_fails_naming(&out, "b.yaml");
    assert!(String::from_utf8_lossy(&out.stderr).contains("ConfigMap.v1/app"));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tree("usage", &[]);
    assert_eq!(render(&[], &dir).status.code(), Some(2));
    assert_eq!(
        render(&["--load-restrictor", "Bogus", "."], &dir)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(render(&["--bogus", "."], &dir).status.code(), Some(2));
}

#[test]
fn load_restrictor_flag_allows_files_above_root() {
    let dir = tree(
        "restrict",
        &[
            ("app/kustomization.yaml", "resources: [../cm.yaml]\n"),
            ("cm.yaml", CM),
        ],
    );
    assert_fails_naming(&render(&["app"], &dir), "cm.yaml");
    let out = render(&["--load-restrictor", "LoadRestrictionsNone", "app"], &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn patch_without_target_names_patch_file_and_target() {
    let dir = tree(
        "patch-target",
        &[
            ("kustomization.yaml", "resources: [cm.yaml]\npatches:\n- path: patches/replicas.yaml\n"),
            ("cm.yaml", CM),
            (
                "patches/replicas.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nope\nspec:\n  replicas: 2\n",
            ),
        ],
    );
    let out = render(&["."], &dir);
    assert_fails_naming(&out, "patches/replicas.yaml");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Deployment.v1.apps/nope"));
}

#[test]
fn many_roots_render_into_a_directory_and_failures_do_not_stop_the_others() {
    let dir = tree(
        "many",
        &[
            ("base/kustomization.yaml", "resources: [cm.yaml]\n"),
            ("base/cm.yaml", CM),
            (
                "overlays/dev/kustomization.yaml",
                "resources: [../../base]\nnamePrefix: dev-\n",
            ),
            (
                "overlays/prod/kustomization.yaml",
                "resources: [../../base]\nnamePrefix: prod-\n",
            ),
            (
                "overlays/broken/kustomization.yaml",
                "resources: [../../base, missing.yaml]\n",
            ),
        ],
    );
    let out = dir.join("out");
    let run = render(&["--all", ".", "-o", out.to_str().unwrap()], &dir);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("overlays/broken"), "{stderr}");
    assert!(stderr.contains("missing.yaml"), "{stderr}");
    let dev = std::fs::read_to_string(out.join("overlays/dev.yaml")).unwrap();
    let single = render(&["overlays/dev"], &dir);
    assert_eq!(dev.as_bytes(), single.stdout.as_slice());
    assert!(out.join("overlays/prod.yaml").is_file());
    assert!(
        !out.join("overlays/broken.yaml").exists(),
        "a failed root writes nothing"
    );
    assert!(
        !out.join("base.yaml").exists(),
        "bases of others are not roots"
    );
}

#[test]
fn several_roots_need_an_output_directory() {
    let dir = tree(
        "several",
        &[
            ("a/kustomization.yaml", "resources: [cm.yaml]\n"),
            ("a/cm.yaml", CM),
        ],
    );
    assert_eq!(render(&["a", "a"], &dir).status.code(), Some(2));
    let out = dir.join("out");
    let run = render(&["a", "--include", "b*", "-o", out.to_str().unwrap()], &dir);
    assert_eq!(run.status.code(), Some(0));
    assert!(
        !out.join("a.yaml").exists(),
        "--include filtered the root out"
    );
}

#[test]
fn deletion_followed_by_another_patch_document_fails_as_kustomize_5_5_does() {
    let patch = "patches:\n- patch: |-\n    $patch: delete\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: app}\n    ---\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: other}\n";
    let other = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n";
    let dir = tree(
        "delete-then-patch",
        &[
            (
                "kustomization.yaml",
                &format!("resources: [cm.yaml, other.yaml]\n{patch}"),
            ),
            ("cm.yaml", CM),
            ("other.yaml", other),
        ],
    );
    for old in ["5.5.0", "5.6.0"] {
        let args = ["--kustomize-version", old, "."];
        assert_fails_naming(&render(&args, &dir), "kustomization.yaml");
    }
    // From 5.7 the deleted object is skipped and the next patch applies.
    let out = render(&["--kustomize-version", "5.7.1", "."], &dir);
    assert_eq!(String::from_utf8_lossy(&out.stdout), other);
}

#[test]
fn lint_prints_findings_and_exits_one_and_zero_when_clean() {
    let dir = tree(
        "lint",
        &[
            ("apps/base/api/kustomization.yaml", "resources: [cm.yaml]\n"),
            (
                "apps/base/api/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: api}\n",
            ),
            (
                "apps/overlays/dev/kustomization.yaml",
                "resources: [../../base/api]\npatchesStrategicMerge: [api/version.yaml]\n",
            ),
            (
                "apps/overlays/dev/api/version.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: api}\ndata: {v: \"1\"}\n",
            ),
        ],
    );
    let out = render(&["lint", "."], &dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("apps/overlays/dev/kustomization.yaml:2: deprecated-field:"),
        "{stdout}"
    );
    std::fs::write(
        dir.join("apps/overlays/dev/kustomization.yaml"),
        "resources: [../../base/api]\npatches:\n- path: api/version.yaml\n",
    )
    .unwrap();
    let out = render(&["lint"], &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty());
}
