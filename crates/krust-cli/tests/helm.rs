//! `render --enable-helm` from the command line: a chart in the working
//! tree, and a values change between two git revisions shown as the change
//! to what the chart renders.

use std::path::{Path, PathBuf};

mod common;

use common::{git, render, write};
use krust_suite::oracle::{self, HELM_VERSIONS};

/// A repository whose `app` inflates the fixture chart with
/// `replicaCount: 2`, then 5 in a second commit.
fn repository() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("krust-cli-helm-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let chart = Path::new(env!("CARGO_MANIFEST_DIR")).join("../krust/tests/helm/chart/demo");
    for file in [
        "Chart.yaml",
        "values.yaml",
        "templates/_helpers.tpl",
        "templates/deployment.yaml",
    ] {
        let text = std::fs::read_to_string(chart.join(file)).unwrap();
        write(&dir, &format!("app/charts/demo/{file}"), &text);
    }
    let kustomization =
        "helmCharts:\n- name: demo\n  releaseName: rel\n  valuesInline: {replicaCount: 2}\n";
    write(&dir, "app/kustomization.yaml", kustomization);
    assert!(git(&dir, &["init", "-q", "."]));
    assert!(git(&dir, &["add", "-A"]));
    assert!(git(&dir, &["commit", "-qm", "two replicas"]));
    write(
        &dir,
        "app/kustomization.yaml",
        &kustomization.replace("2}", "5}"),
    );
    assert!(git(&dir, &["commit", "-qam", "five replicas"]));
    dir
}

#[test]
fn a_values_change_shows_as_the_change_to_the_rendered_deployment() {
    let Some(helm) = oracle::helm(HELM_VERSIONS[0]) else {
        return;
    };
    if !krust_suite::tools::git() {
        return;
    }
    let dir = repository();
    let command = helm.display().to_string();
    let out = render(&["app", "--enable-helm", "--helm-command", &command], &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("kind: Deployment") && text.contains("replicas: 5"),
        "{text}"
    );

    let args = [
        "diff",
        "--base",
        "HEAD~1",
        "--head",
        "HEAD",
        "app",
        "--enable-helm",
        "--helm-command",
        &command,
    ];
    let out = render(&args, &dir);
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("Deployment.apps/rel-demo"), "{report}");
    assert!(report.contains("spec.replicas modified"), "{report}");
    assert!(
        report.contains("-  replicas: 2") && report.contains("+  replicas: 5"),
        "{report}"
    );

    // A chart version bump changes only helm's `helm.sh/chart` label: noise.
    let chart = dir.join("app/charts/demo/Chart.yaml");
    let text = std::fs::read_to_string(&chart).unwrap();
    std::fs::write(&chart, text.replace("version: 0.1.0", "version: 0.2.0")).unwrap();
    assert!(git(&dir, &["commit", "-qam", "chart 0.2.0"]));
    let bump = args;
    let out = render(&bump, &dir);
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        report.contains("metadata.labels[\"helm.sh/chart\"] modified"),
        "{report}"
    );
    for quiet in [&["--ignore-helm-noise"][..], &["--format", "markdown"]] {
        let args: Vec<&str> = bump.iter().copied().chain(quiet.iter().copied()).collect();
        let out = render(&args, &dir);
        let report = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{quiet:?}: {report}");
    }
    let args: Vec<&str> = bump
        .iter()
        .copied()
        .chain(["--format", "markdown", "--keep-helm-noise"])
        .collect();
    assert_eq!(render(&args, &dir).status.code(), Some(1));

    // Without --enable-helm both sides say how to enable it.
    let out = render(&["app"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--enable-helm"));
    let _ = std::fs::remove_dir_all(&dir);
}
