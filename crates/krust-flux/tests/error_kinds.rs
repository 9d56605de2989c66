//! What an embedding program sees when a cluster fails: each failure's
//! [`ErrorKind`], the Flux Kustomization it names, and the text the CLI
//! prints, for in-memory repositories that fail one way each.

use std::path::PathBuf;

use krust::MemFs;
use krust_flux::cluster::{render_cluster, Cluster, ClusterOptions, Source};
use krust_flux::order::KsId;
use krust_flux::{Error, ErrorKind};

/// A Flux Kustomization `flux-system/{name}` building `path` of the repository.
fn ks(name: &str, path: &str, extra: &str) -> String {
    format!(
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: {name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: {path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n{extra}"
    )
}

/// A repository whose cluster `clusters/demo` holds one Kustomization,
/// `apps`, written as `apps` says.
fn repo(apps: &str) -> MemFs {
    let mut fs = MemFs::new();
    fs.add_file("/repo/clusters/demo/apps.yaml", apps);
    fs.add_file(
        "/repo/apps/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: ${unset}\n",
    );
    fs
}

fn render_with(fs: &MemFs, options: &ClusterOptions) -> Result<Cluster, Error> {
    let source = Source {
        fs,
        root: PathBuf::from("/repo"),
    };
    render_cluster(&source, "./clusters/demo", options)
}

fn render(fs: &MemFs) -> Result<Cluster, Error> {
    render_with(fs, &ClusterOptions::default())
}

/// The one Kustomization that failed, and on which one it is recorded.
fn only_error(cluster: &Cluster) -> (KsId, &Error) {
    let failed: Vec<_> = cluster
        .kustomizations
        .iter()
        .filter_map(|r| Some((&r.ks, r.error.as_ref()?)))
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    let (ks, error) = failed[0];
    assert_eq!(cluster.errors().count(), 1);
    (ks.id(), error)
}

fn apps() -> KsId {
    KsId::new("flux-system", "apps")
}

#[test]
fn a_missing_path_is_not_found() {
    let cluster = render(&repo(&ks("apps", "./nowhere", ""))).unwrap();
    let (on, err) = only_error(&cluster);
    assert_eq!(on, apps());
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.object(), Some(&apps()));
    assert_eq!(err.file(), Some(PathBuf::from("/repo/nowhere").as_path()));
    assert!(err.krust_error().is_none());
    assert_eq!(
        err.to_string(),
        "Kustomization flux-system/apps: kustomization path not found: spec.path \"./nowhere\" is no directory of the source (/repo/nowhere)"
    );
}

#[test]
fn a_failing_overlay_is_a_build_error_with_kustomizes_error_behind_it() {
    let mut fs = repo(&ks("apps", "./apps", ""));
    fs.add_file(
        "/repo/apps/kustomization.yaml",
        "resources: [missing.yaml]\n",
    );
    let cluster = render(&fs).unwrap();
    let (on, err) = only_error(&cluster);
    assert_eq!(on, apps());
    assert_eq!(err.kind(), ErrorKind::Build);
    assert_eq!(err.object(), Some(&apps()));
    let krust_error = err.krust_error().expect("kustomize's error");
    assert_eq!(krust_error.kind(), krust::ErrorKind::NotFound);
    // Paths as the repository names them.
    assert_eq!(
        err.file(),
        Some(PathBuf::from("apps/kustomization.yaml").as_path())
    );
    assert_eq!(err.message(), krust_error.to_string());
    assert!(std::error::Error::source(err).is_some());
    assert_eq!(
        err.to_string(),
        format!("Kustomization flux-system/apps: kustomize build failed: {krust_error}")
    );
}

#[test]
fn a_bare_unset_variable_in_strict_mode_is_a_substitution_error() {
    let fs = repo(&ks(
        "apps",
        "./apps",
        "  postBuild:\n    substitute:\n      set: x\n",
    ));
    assert_eq!(
        render(&fs).unwrap().errors().count(),
        0,
        "lenient by default"
    );
    let strict = ClusterOptions {
        strict: true,
        ..Default::default()
    };
    let cluster = render_with(&fs, &strict).unwrap();
    let (on, err) = only_error(&cluster);
    assert_eq!(on, apps());
    assert_eq!(err.kind(), ErrorKind::Substitution);
    assert_eq!(err.object(), Some(&apps()));
    assert_eq!(err.variable(), Some("unset"));
    assert_eq!(err.message(), "variable not set (strict mode): \"unset\"");
    assert_eq!(
        err.to_string(),
        "Kustomization flux-system/apps: ConfigMap settings: variable not set (strict mode): \"unset\""
    );
}

#[test]
fn a_secret_value_that_is_not_base64_is_a_substitution_error() {
    let mut fs = repo(&ks(
        "apps",
        "./apps",
        "  postBuild:\n    substituteFrom:\n    - kind: Secret\n      name: vars\n",
    ));
    fs.add_file(
        "/repo/clusters/demo/vars.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: vars\n  namespace: flux-system\ndata:\n  token: \"*\"\n",
    );
    let cluster = render(&fs).unwrap();
    let (_, err) = only_error(&cluster);
    assert_eq!(err.kind(), ErrorKind::Substitution);
    assert_eq!(err.object(), Some(&apps()));
    assert_eq!(err.variable(), Some("token"));
}

#[test]
fn a_dependency_on_a_missing_kustomization_fails_the_cluster() {
    let fs = repo(&ks("apps", "./apps", "  dependsOn:\n  - name: databases\n"));
    let err = render(&fs).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DependsOn);
    assert_eq!(err.object(), Some(&apps()));
    assert_eq!(
        err.to_string(),
        "Kustomization flux-system/apps depends on flux-system/databases, which this cluster does not have"
    );
    let order = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<krust_flux::order::OrderError>());
    assert!(
        matches!(order, Some(krust_flux::order::OrderError::Missing { .. })),
        "{order:?}"
    );
}

#[test]
fn a_dependency_cycle_fails_the_cluster() {
    let mut fs = repo(&ks("apps", "./apps", "  dependsOn:\n  - name: infra\n"));
    fs.add_file(
        "/repo/clusters/demo/infra.yaml",
        ks("infra", "./apps", "  dependsOn:\n  - name: apps\n"),
    );
    let err = render(&fs).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DependsOn);
    let object = err.object().expect("a Kustomization of the cycle");
    assert!(
        [apps(), KsId::new("flux-system", "infra")].contains(object),
        "{object}"
    );
    assert!(err.to_string().starts_with("dependsOn cycle: "), "{err}");
}

#[test]
fn a_malformed_kustomization_is_a_model_error_naming_it() {
    let cluster = render(&repo(&ks("apps", "./apps", "  suspend: sometimes\n"))).unwrap();
    // Recorded on the Kustomization whose objects hold it: the root.
    let (on, err) = only_error(&cluster);
    assert_eq!(on, KsId::new("flux-system", "flux-system"));
    assert_eq!(err.kind(), ErrorKind::Model);
    assert_eq!(err.object(), Some(&apps()), "the malformed one");
    assert_eq!(
        err.message(),
        "spec.suspend: expected true or false, found string"
    );
    assert_eq!(
        err.to_string(),
        "Kustomization flux-system/flux-system: Kustomization flux-system/apps: spec.suspend: expected true or false, found string"
    );
}

#[test]
fn an_unmapped_source_is_a_source_error_with_strict_sources() {
    let apps = ks("apps", "./apps", "").replace("name: flux-system\n", "name: other\n");
    let fs = repo(&apps);
    let cluster = render(&fs).unwrap();
    assert_eq!(cluster.errors().count(), 0);
    assert_eq!(cluster.warnings.len(), 1, "{:?}", cluster.warnings);
    let strict = ClusterOptions {
        strict_sources: true,
        ..Default::default()
    };
    let cluster = render_with(&fs, &strict).unwrap();
    let (_, err) = only_error(&cluster);
    assert_eq!(err.kind(), ErrorKind::Source);
    assert_eq!(err.object(), Some(&KsId::new("flux-system", "apps")));
    assert_eq!(err.source_key(), Some("GitRepository/flux-system/other"));
}

#[test]
fn kinds_read_as_words() {
    assert_eq!(ErrorKind::NotFound.to_string(), "not found");
    assert_eq!(ErrorKind::DependsOn.as_str(), "dependsOn");
}
