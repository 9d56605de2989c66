//! `render diff ENV_A ENV_B`: two environments compared as a pair. The
//! renaming each overlay applies (namespace, namePrefix, generated names) is
//! reported once, and only what really differs shows as changes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn render(dir: &Path, args: &[&str]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_render"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("render runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        String::from_utf8(out.stdout).expect("UTF-8"),
        out.status.code().unwrap_or(-1),
    )
}

/// The field lines of the text report: `      PATH modified|added|removed`.
fn field_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.starts_with("      ") && !l.starts_with("       "))
        .filter(|l| {
            [" modified", " added", " removed"]
                .iter()
                .any(|w| l.ends_with(w))
        })
        .map(str::trim)
        .collect()
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/gitops")
}

#[test]
fn staging_and_production_pair_across_their_namespaces() {
    let (out, code) = render(
        &example(),
        &["diff", "apps/overlays/staging", "apps/overlays/production"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("  renamed: namespace shop-staging → shop-production on 10 resources\n"),
        "{out}"
    );
    // Nothing is added; only what production really lacks (the worker and
    // the api's debug ConfigMap) is removed.
    assert!(
        out.contains("resources: 0 added, 4 removed, 10 changed"),
        "{out}"
    );
    // The renaming is not a change of any resource.
    assert!(!out.contains("metadata.namespace"), "{out}");
    assert!(!out.contains("+  namespace: shop-production"), "{out}");
    // Real differences are.
    assert!(out.contains("spec.replicas modified"), "{out}");
    // Exact pairing, asked for, sees two unrelated sets.
    let (exact, _) = render(
        &example(),
        &[
            "diff",
            "--pair",
            "exact",
            "apps/overlays/staging",
            "apps/overlays/production",
        ],
    );
    assert!(!exact.contains("renamed:"), "{exact}");
    assert!(exact.contains("0 changed"), "{exact}");
}

fn write(root: &Path, path: &str, text: &str) {
    let file = root.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, text).unwrap();
}

/// A base with a Deployment, a Service and a generated ConfigMap; two
/// overlays that rename everything (namespace, prefix) and differ in an
/// image tag, replicas and one generated value.
fn environments() -> PathBuf {
    let root = std::env::temp_dir().join(format!("krust-envs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    write(
        &root,
        "base/kustomization.yaml",
        "resources: [deploy.yaml, svc.yaml]\nconfigMapGenerator:\n- name: settings\n  literals: [MODE=base]\n",
    );
    write(
        &root,
        "base/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web:1.0\n        envFrom: [{configMapRef: {name: settings}}]\n",
    );
    write(
        &root,
        "base/svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n",
    );
    for (env, tag, replicas, mode) in [("dev", "1.1", 1, "debug"), ("prod", "1.0", 3, "base")] {
        write(
            &root,
            &format!("{env}/kustomization.yaml"),
            &format!(
                "namespace: shop-{env}\nnamePrefix: {env}-\nresources: [../base]\nimages:\n- name: web\n  newTag: \"{tag}\"\nreplicas:\n- name: web\n  count: {replicas}\nconfigMapGenerator:\n- name: settings\n  behavior: merge\n  literals: [MODE={mode}]\n"
            ),
        );
    }
    root
}

#[test]
fn prefixes_and_generated_names_pair_as_one_renaming() {
    let root = environments();
    let (out, code) = render(&root, &["diff", "dev", "prod"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("renamed: namespace shop-dev → shop-prod on 3 resources; name prefix \"dev\" → \"prod\" on 3 resources"),
        "{out}"
    );
    assert!(
        out.contains("resources: 0 added, 0 removed, 2 changed, 1 identical"),
        "{out}"
    );
    assert_eq!(
        field_lines(&out),
        [
            "data.MODE modified",
            "spec.replicas modified",
            "spec.template.spec.containers[name=web].image modified",
        ],
        "{out}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_summary_label_and_github_annotations_for_pull_requests() {
    let dirs = ["apps/overlays/staging", "apps/overlays/production"];
    let (label, code) = render(&example(), &["diff", "--summary", dirs[0], dirs[1]]);
    assert_eq!((label.as_str(), code), ("diff:production,staging\n", 1));
    let (out, _) = render(
        &example(),
        &["diff", "--format", "github", dirs[0], dirs[1]],
    );
    assert!(
        out.starts_with("::notice title=krust diff%3A apps/overlays/staging → apps/overlays/production::render changed: 0 added, 4 removed, 10 changed, 0 identical\n"),
        "{out}"
    );
    let (same, code) = render(&example(), &["diff", "--summary", dirs[0], dirs[0]]);
    assert_eq!((same.as_str(), code), ("diff:none\n", 0));
}
