//! `render flux --helm` and `render diff --flux --helm` on a Flux fixture
//! repository: one HelmRelease charted from the repository itself (its
//! GitRepository), with `valuesFrom` a generated ConfigMap, a
//! `targetNamespace` and a post-renderer patch; one from a HelmRepository
//! served on 127.0.0.1. Each renders to what `helm template` gives with the
//! merged values, post-rendered; a values change in the overlay shows as the
//! change to the Deployment; without helm everything else still renders.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{git, render, write};
use krust_suite::chart_repo::ChartRepo;
use krust_suite::oracle::{self, HELM_VERSIONS};
use krust_yaml::Value;

fn chart_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../krust/tests/helm/chart/demo")
}

const RELEASE: &str = "apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: demo, namespace: apps}
spec:
  interval: 10m
  targetNamespace: web
  commonMetadata: {labels: {team: web}}
  chart:
    spec:
      chart: ./charts/demo
      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
      valuesFiles: [charts/demo/values.yaml, values/prod.yaml]
  valuesFrom:
  - {kind: ConfigMap, name: demo-values}
  values:
    service: {port: 8080}
  postRenderers:
  - kustomize:
      patches:
      - target: {kind: Deployment}
        patch: |
          - op: add
            path: /metadata/annotations/post-rendered
            value: \"yes\"
";

/// A release by `chartRef` to a HelmChart of the same repository.
const BY_REF: &str = "apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: byref, namespace: apps}
spec:
  interval: 10m
  chartRef: {kind: HelmChart, name: demo-chart, namespace: flux-system}
  values: {replicaCount: 5}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmChart
metadata: {name: demo-chart, namespace: flux-system}
spec:
  chart: demo
  version: 0.1.0
  sourceRef: {kind: HelmRepository, name: charts}
  interval: 1h
";

fn remote_release() -> &'static str {
    "apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: remote, namespace: apps}
spec:
  interval: 10m
  chart:
    spec:
      chart: demo
      version: 0.1.0
      sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}
  values: {replicaCount: 3}
"
}

/// The fixture repository, committed, its HelmRepository at `url`.
fn repository(url: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("krust-flux-helm-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    krust_suite::copy_dir(&chart_dir(), &dir.join("charts/demo"), &[]);
    write(
        &dir,
        "clusters/demo/kustomization.yaml",
        "resources: [apps.yaml, repo.yaml, byref.yaml, foo-crd.yaml]\n",
    );
    write(&dir, "clusters/demo/apps.yaml", "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec:\n  interval: 10m\n  path: ./apps/prod\n  prune: true\n  sourceRef: {kind: GitRepository, name: flux-system}\n");
    write(&dir, "clusters/demo/repo.yaml", &format!("apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {{name: charts, namespace: flux-system}}\nspec: {{url: \"{url}\", interval: 1h}}\n"));
    write(&dir, "apps/base/kustomization.yaml", "resources: [release.yaml, remote.yaml]\nconfigMapGenerator:\n- name: demo-values\n  files: [values.yaml=values.yaml]\nconfigurations: [kustomizeconfig.yaml]\n");
    write(&dir, "apps/base/kustomizeconfig.yaml", "nameReference:\n- kind: ConfigMap\n  version: v1\n  fieldSpecs:\n  - {path: spec/valuesFrom/name, kind: HelmRelease}\n");
    write(&dir, "apps/base/values.yaml", "replicaCount: 2\n");
    // valuesFiles, merged over the chart's own values.
    write(&dir, "values/prod.yaml", "image: {tag: \"9.9\"}\n");
    write(&dir, "apps/base/release.yaml", RELEASE);
    write(&dir, "apps/base/remote.yaml", remote_release());
    write(&dir, "clusters/demo/byref.yaml", BY_REF);
    // A CRD the cluster installs: charts see its API as a live cluster's.
    write(&dir, "clusters/demo/foo-crd.yaml", "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: foos.foo.example.com}\nspec:\n  group: foo.example.com\n  names: {kind: Foo, plural: foos}\n  scope: Namespaced\n  versions: [{name: v1, served: true, storage: true}]\n");
    write(
        &dir,
        "apps/prod/kustomization.yaml",
        "namespace: apps\nresources: [../base]\n",
    );
    assert!(git(&dir, &["init", "-q", "."]));
    assert!(git(&dir, &["add", "-A"]));
    assert!(git(&dir, &["commit", "-qm", "two replicas"]));
    dir
}

fn documents(text: &str) -> Vec<Value> {
    krust_yaml::load_documents(text).unwrap()
}

/// What `helm template` prints for the chart with `values`, as objects,
/// with the post-rendering the release asks for applied by hand.
fn helm_template(
    helm: &Path,
    release: &str,
    namespace: &str,
    values: &str,
    owner: &str,
) -> Vec<Value> {
    let dir = std::env::temp_dir().join(format!(
        "krust-flux-helm-values-{owner}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("values.yaml"), values).unwrap();
    let out = Command::new(helm)
        .args(["template", release])
        .arg(chart_dir())
        .args([
            "--namespace",
            namespace,
            "--include-crds",
            "--skip-tests",
            "-f",
        ])
        .arg(dir.join("values.yaml"))
        .args([
            "--api-versions",
            "foo.example.com/v1",
            "--api-versions",
            "foo.example.com/v1/Foo",
        ])
        .env("HELM_CONFIG_HOME", dir.join("helm"))
        .env("HELM_CACHE_HOME", dir.join("helm/.cache"))
        .env("HELM_DATA_HOME", dir.join("helm/.data"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
    let mut objects = documents(&String::from_utf8(out.stdout).unwrap());
    for obj in &mut objects {
        let meta = obj.get_mut("metadata").and_then(Value::as_map_mut).unwrap();
        let labels = meta.get_or_insert_with("labels", || Value::from_map(Default::default()));
        let labels = labels.as_map_mut().unwrap();
        labels.insert(
            "helm.toolkit.fluxcd.io/name".into(),
            Value::String(owner.into()),
        );
        labels.insert(
            "helm.toolkit.fluxcd.io/namespace".into(),
            Value::String("apps".into()),
        );
    }
    objects
}

fn owned_by<'v>(objects: &'v [Value], owner: &str) -> Vec<&'v Value> {
    objects
        .iter()
        .filter(|o| o.str_at(&["metadata", "labels", "helm.toolkit.fluxcd.io/name"]) == Some(owner))
        .collect()
}

#[test]
fn helm_releases_render_as_helm_template_post_rendered() {
    let Some(helm) = oracle::helm(HELM_VERSIONS[0]) else {
        return;
    };
    if !krust_suite::tools::git() {
        return;
    }
    let Some(server) = ChartRepo::serve(&helm, &chart_dir(), "flux") else {
        return;
    };
    let dir = repository(&server.url());
    let cache = dir.with_extension("cache");
    let command = helm.display().to_string();
    let flags = [
        "--helm",
        "--helm-command",
        &command,
        "--chart-cache",
        cache.to_str().unwrap(),
    ];
    let mut args = vec!["flux", "clusters/demo"];
    args.extend(flags);
    let out = render(&args, &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let objects = documents(&String::from_utf8(out.stdout).unwrap());

    // The GitRepository chart: values from the generated ConfigMap, then spec.values.
    let mut want = helm_template(
        &helm,
        "web-demo",
        "web",
        "replicaCount: 2\nservice: {port: 8080}\nimage: {tag: \"9.9\"}\n",
        "demo",
    );
    for obj in want
        .iter_mut()
        .filter(|o| o.str_at(&["kind"]) == Some("Deployment"))
    {
        let meta = obj.get_mut("metadata").and_then(Value::as_map_mut).unwrap();
        let annotations =
            meta.get_or_insert_with("annotations", || Value::from_map(Default::default()));
        annotations
            .as_map_mut()
            .unwrap()
            .insert("post-rendered".into(), Value::String("yes".into()));
    }
    // commonMetadata on what the templates render; the crds/ CRDs, which
    // helm-controller applies apart, get only the origin labels.
    for obj in want
        .iter_mut()
        .filter(|o| o.str_at(&["kind"]) != Some("CustomResourceDefinition"))
    {
        let labels = obj
            .get_mut("metadata")
            .and_then(|m| m.get_mut("labels"))
            .unwrap();
        labels
            .as_map_mut()
            .unwrap()
            .insert("team".into(), Value::String("web".into()));
    }
    assert_eq!(owned_by(&objects, "demo"), want.iter().collect::<Vec<_>>());
    // The HelmRepository chart, pulled into the cache.
    let want = helm_template(&helm, "remote", "apps", "replicaCount: 3\n", "remote");
    assert_eq!(
        owned_by(&objects, "remote"),
        want.iter().collect::<Vec<_>>()
    );
    // The same chart through a chartRef to a HelmChart (its namespace is
    // the HelmRelease's).
    let want = helm_template(&helm, "byref", "apps", "replicaCount: 5\n", "byref");
    assert_eq!(owned_by(&objects, "byref"), want.iter().collect::<Vec<_>>());
    // Cached by repository, name and version.
    let repos: Vec<PathBuf> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("demo/0.1.0/demo/Chart.yaml").is_file())
        .collect();
    let port = format!("127.0.0.1_{}", server.port);
    assert!(
        repos.len() == 1 && repos[0].to_string_lossy().contains(&port),
        "{repos:?}"
    );

    // A values change in the overlay (a patch of the HelmRelease's values,
    // as the seeds' overlays write them): the Deployment it affects changes.
    write(
        &dir,
        "apps/prod/kustomization.yaml",
        "namespace: apps\nresources: [../base]\npatches: [{path: demo/replicas.yaml}]\n",
    );
    write(&dir, "apps/prod/demo/replicas.yaml", "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: demo, namespace: apps}\nspec:\n  values: {replicaCount: 4}\n");
    assert!(git(&dir, &["add", "-A"]));
    assert!(git(&dir, &["commit", "-qm", "four replicas in prod"]));
    let mut args = vec![
        "diff",
        "--base",
        "HEAD~1",
        "--head",
        "HEAD",
        "--flux",
        "clusters/demo",
    ];
    args.extend(flags);
    let out = render(&args, &dir);
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains("HelmRelease apps/demo: changed"),
        "{report}"
    );
    assert!(
        report.contains("~ Deployment.apps/web-demo-demo\n      spec.replicas modified"),
        "{report}"
    );
    assert!(
        !report.contains("HelmRelease apps/remote: changed"),
        "{report}"
    );

    // Offline, the cached chart still serves; -o writes each release apart.
    drop(server);
    let rendered = dir.join("rendered");
    let mut args = vec!["flux", "clusters/demo", "--offline", "-o", "rendered"];
    args.extend(flags);
    let out = render(&args, &dir);
    let written = std::fs::read_to_string(rendered.join("helm/apps/byref.yaml")).unwrap();
    assert!(written.contains("replicas: 5"), "{written}");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Without helm on the PATH, everything else renders and one warning
    // says what is missing.
    let out = Command::new(env!("CARGO_BIN_EXE_render"))
        .args(["flux", "clusters/demo", "--helm"])
        .current_dir(&dir)
        .env("PATH", dir.join("no-programs-here"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("3 HelmReleases not rendered: `helm` not found"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("kind: HelmRelease"));
    let out = render(
        &[
            "flux",
            "clusters/demo",
            "--helm",
            "--helm-command",
            "/nonexistent/helm",
        ],
        &dir,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("3 HelmReleases not rendered") && stderr.contains("/nonexistent/helm"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("kind: HelmRelease"));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&cache);
}
