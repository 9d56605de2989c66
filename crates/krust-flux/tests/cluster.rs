//! Clusters in the seeds' shapes: a cluster directory with its settings
//! ConfigMap, Kustomizations chained by dependsOn that substitute from it,
//! and a cycle.

use std::path::PathBuf;

use krust::MemFs;
use krust_flux::cluster::{render_cluster, ClusterOptions, Source};

fn ks(name: &str, path: &str, depends_on: &[&str], extra: &str) -> String {
    let deps: String = depends_on
        .iter()
        .map(|d| format!("  - name: {d}\n"))
        .collect();
    let deps = if deps.is_empty() {
        String::new()
    } else {
        format!("  dependsOn:\n{deps}")
    };
    format!(
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: {name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: {path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n{deps}{extra}"
    )
}

fn repo(apps_depends_on: &[&str]) -> MemFs {
    let mut fs = MemFs::new();
    fs.add_file(
        "/repo/clusters/demo/cluster-settings.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-settings\n  namespace: flux-system\ndata:\n  cluster_name: demo\n  replicas: \"3\"\n",
    );
    let substitute =
        "  postBuild:\n    substituteFrom:\n    - kind: ConfigMap\n      name: cluster-settings\n";
    fs.add_file(
        "/repo/clusters/demo/infra.yaml",
        ks("infra", "./infra", &[], substitute),
    );
    fs.add_file(
        "/repo/clusters/demo/apps.yaml",
        ks("apps", "./apps", apps_depends_on, substitute),
    );
    fs.add_file(
        "/repo/infra/namespace.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${cluster_name}-infra\n",
    );
    fs.add_file("/repo/apps/kustomization.yaml", "resources: [web.yaml]\n");
    fs.add_file(
        "/repo/apps/web.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${replicas}\n  template:\n    metadata:\n      labels:\n        cluster: ${cluster_name:=none}\n",
    );
    fs
}

fn render(fs: &MemFs) -> Result<krust_flux::cluster::Cluster, krust_flux::Error> {
    let source = Source {
        fs,
        root: PathBuf::from("/repo"),
    };
    let options = ClusterOptions {
        strict: true,
        ..Default::default()
    };
    render_cluster(&source, "./clusters/demo", &options)
}

#[test]
fn a_dependency_chain_renders_in_order_with_its_settings_substituted() {
    let cluster = render(&repo(&["infra"])).unwrap();
    let names: Vec<&str> = cluster
        .kustomizations
        .iter()
        .map(|r| r.ks.name.as_str())
        .collect();
    assert_eq!(names, ["flux-system", "infra", "apps"]);
    let apps = cluster.kustomizations[2].to_yaml().unwrap();
    assert!(
        apps.contains("  replicas: 3\n"),
        "re-typed as a number: {apps}"
    );
    assert!(apps.contains("cluster: demo"), "{apps}");
    let infra = cluster.kustomizations[1].to_yaml().unwrap();
    assert!(infra.contains("name: demo-infra"), "{infra}");
    assert_eq!(cluster.object_count(), 3 + 1 + 1);
}

#[test]
fn a_cycle_is_an_error_naming_it() {
    let mut fs = repo(&["infra"]);
    fs.add_file(
        "/repo/clusters/demo/infra.yaml",
        ks("infra", "./infra", &["apps"], ""),
    );
    let err = render(&fs).unwrap_err().to_string();
    assert!(err.contains("dependsOn cycle"), "{err}");
    assert!(
        err.contains("flux-system/apps") && err.contains("flux-system/infra"),
        "{err}"
    );
}

#[test]
fn a_missing_dependency_is_an_error_naming_both() {
    let err = render(&repo(&["databases"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Kustomization flux-system/apps depends on flux-system/databases, which this cluster does not have"
    );
}

#[test]
fn variable_names_are_checked_only_when_a_resource_is_substituted() {
    let mut fs = MemFs::new();
    let substitute = "  postBuild:\n    substitute:\n      bad-name: v\n";
    fs.add_file(
        "/repo/clusters/demo/apps.yaml",
        ks("apps", "./apps", &[], substitute),
    );
    let disabled = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: off\n  annotations:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\ndata:\n  k: ${v}\n";
    fs.add_file("/repo/apps/off.yaml", disabled);
    let cluster = render(&fs).unwrap();
    assert_eq!(
        cluster.errors().count(),
        0,
        "{:?}",
        cluster
            .errors()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    );
    assert!(cluster.to_yaml().unwrap().contains("k: ${v}"));
    fs.add_file(
        "/repo/apps/on.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: on\n",
    );
    let cluster = render(&fs).unwrap();
    let errors: Vec<String> = cluster.errors().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("'bad-name' var name is invalid") && errors[0].contains("ConfigMap on"),
        "{errors:?}"
    );
}

#[test]
fn strict_fails_only_on_a_bare_unset_variable() {
    let mut fs = MemFs::new();
    let substitute = "  postBuild:\n    substitute:\n      set: x\n";
    fs.add_file(
        "/repo/clusters/demo/apps.yaml",
        ks("apps", "./apps", &[], substitute),
    );
    fs.add_file(
        "/repo/apps/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"[${unset^^}]\"\n  b: \"[${#unset}]\"\n",
    );
    let cluster = render(&fs).unwrap();
    assert_eq!(cluster.errors().count(), 0);
    assert!(cluster.to_yaml().unwrap().contains("a: '[]'\n  b: '[0]'\n"));
    fs.add_file(
        "/repo/apps/bare.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bare\ndata:\n  a: ${unset}\n",
    );
    let cluster = render(&fs).unwrap();
    let errors: Vec<String> = cluster.errors().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("variable not set (strict mode): \"unset\""),
        "{errors:?}"
    );
    let lenient = ClusterOptions::default();
    let source = Source {
        fs: &fs,
        root: PathBuf::from("/repo"),
    };
    let cluster = render_cluster(&source, "./clusters/demo", &lenient).unwrap();
    assert_eq!(cluster.errors().count(), 0);
}
