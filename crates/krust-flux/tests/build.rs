//! Flux Kustomizations of a fixture repository built as kustomize-controller
//! builds them, compared with the Flux oracle's goldens
//! (`tests/golden/fixtures/repo`, see `goldens.rs` and
//! `tests/golden/REFERENCE`).

use std::path::{Path, PathBuf};

use krust::{DiskFs, FileSystem};
use krust_flux::build::{
    apply_common_metadata, build_flux_kustomization, prepare_kustomization, root_kustomization,
    FluxBuildOptions,
};
use krust_flux::model::{is_flux_kustomization, FluxKustomization};
use krust_yaml::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/repo")
}

/// The oracle's output for the fixture's Kustomization `name`.
fn golden(name: &str) -> String {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/fixtures/repo/flux-system")
        .join(format!("{name}.yaml"));
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn profile(name: &str) -> FluxKustomization {
    let text = std::fs::read_to_string(repo().join("profiles/dev/apps.yaml")).unwrap();
    krust_yaml::load_documents(&text)
        .unwrap()
        .iter()
        .filter(|v| is_flux_kustomization(v))
        .map(|v| FluxKustomization::from_value(v).unwrap())
        .find(|ks| ks.name == name)
        .unwrap()
}

fn to_yaml(values: &[Value]) -> String {
    values
        .iter()
        .map(|v| krust_yaml::to_yaml_string(v).unwrap())
        .collect::<Vec<_>>()
        .join("---\n")
}

/// `ks` built, with its common metadata set, as the controller applies it.
fn built(ks: &FluxKustomization) -> Vec<Value> {
    let out = build_flux_kustomization(&DiskFs, &repo(), ks, &FluxBuildOptions::default()).unwrap();
    let mut objects: Vec<Value> = out
        .into_resources()
        .into_iter()
        .map(|r| r.into_obj())
        .collect();
    if let Some(metadata) = &ks.common_metadata {
        apply_common_metadata(&mut objects, metadata);
    }
    objects
}

#[test]
fn overlay_with_spec_rewrites_builds_as_the_controller() {
    // targetNamespace, namePrefix, images (an entry of the same name is
    // replaced whole: the overlay's newName goes), components (a missing one
    // ignored), patches and commonMetadata; objects in kustomize's
    // accumulation order, as the controller leaves them.
    let objects = built(&profile("apps"));
    assert_eq!(to_yaml(&objects), golden("apps"));
    let text = golden("apps");
    assert!(text.contains("image: nginx:1.27\n"), "{text}");
    assert!(
        text.starts_with("apiVersion: apps/v1\nkind: Deployment\n"),
        "{text}"
    );
}

#[test]
fn common_metadata_sets_object_labels_and_annotations_only() {
    for object in built(&profile("apps")) {
        assert_eq!(
            object.str_at(&["metadata", "annotations", "owner"]),
            Some("team-a")
        );
        assert_eq!(object.str_at(&["metadata", "labels", "team"]), Some("a"));
        for path in [
            &["spec", "template", "metadata", "labels", "team"][..],
            &["spec", "selector", "matchLabels", "team"],
            &["spec", "selector", "team"],
        ] {
            assert!(object.get_path(path).is_none(), "{path:?}: {object:?}");
        }
    }
}

#[test]
fn plain_directory_gets_a_generated_kustomization_honouring_sourceignore() {
    let ks = profile("plain");
    assert_eq!(ks.api_version, "v1beta2");
    let prepared =
        prepare_kustomization(&DiskFs, &repo(), &ks, &FluxBuildOptions::default()).unwrap();
    assert!(prepared.generated);
    // draft.yaml and sub/local-*.yaml are ignored by .sourceignore files;
    // .github/ is not, since those files have patterns.
    assert_eq!(
        prepared.text,
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: plain-ns\n\
         resources:\n- ./.github/ci.yaml\n- ./a.yaml\n- ./nested\n- ./sub/b.yml\n"
    );
    assert_eq!(to_yaml(&built(&ks)), golden("plain"));
    // Nothing was written next to the manifests.
    assert!(!repo().join("plain/kustomization.yaml").exists());
}

#[test]
fn directory_entry_builds_as_the_root_kustomization() {
    let ks = root_kustomization("./plain");
    let out =
        build_flux_kustomization(&DiskFs, &repo(), &ks, &FluxBuildOptions::default()).unwrap();
    let names: Vec<_> = out
        .resources()
        .iter()
        .map(|r| r.id().name.clone())
        .collect();
    assert_eq!(names, ["github-ci", "a", "extra", "nested-c", "b"]);
}

#[test]
fn built_in_exclusions_apply_only_to_a_source_without_patterns() {
    let mut fs = krust::MemFs::new();
    fs.add_file(
        "/src/app/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    );
    // Not Kubernetes objects: the build fails if they reach the artifact.
    fs.add_file("/src/app/.sops.yaml", "creation_rules: []\n");
    fs.add_file("/src/app/.github/ci.yaml", "on: push\n");
    let ks = root_kustomization("app");
    let build = |fs: &krust::MemFs| {
        build_flux_kustomization(fs, Path::new("/src"), &ks, &FluxBuildOptions::default())
    };
    assert_eq!(build(&fs).unwrap().len(), 1);
    // Any pattern, even one matching nothing, turns them off (but the VCS ones).
    fs.add_file("/src/.sourceignore", "nothing-matches-this\n");
    fs.add_file("/src/app/.git/config.yaml", "not: an object\n");
    let err = build(&fs).unwrap_err();
    assert!(err.to_string().contains(".github/ci.yaml"), "{err}");
    fs.add_file("/src/.sourceignore", "nothing-matches-this\n.github/\n");
    let err = build(&fs).unwrap_err();
    assert!(err.to_string().contains(".sops.yaml"), "{err}");
    fs.add_file("/src/.sourceignore", ".sops.yaml\n.github/\n");
    assert_eq!(build(&fs).unwrap().len(), 1);
}

#[test]
fn images_replace_an_entry_of_the_same_name_whole() {
    let mut fs = krust::MemFs::new();
    fs.add_file(
        "/src/app/kustomization.yaml",
        "resources: [d.yaml]\nimages:\n- name: nginx\n  newName: mirror/nginx\n  newTag: \"1.26\"\n- name: redis\n  newTag: \"7\"\n",
    );
    fs.add_file(
        "/src/app/d.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: nginx:1.25}\n  - {name: b, image: redis:6}\n  - {name: c, image: busybox}\n",
    );
    let mut ks = root_kustomization("app");
    ks.images = vec![
        krust_flux::model::Image {
            name: "nginx".into(),
            new_tag: "1.27".into(),
            ..Default::default()
        },
        krust_flux::model::Image {
            name: "busybox".into(),
            digest: "sha256:abc".into(),
            ..Default::default()
        },
    ];
    let out = build_flux_kustomization(&fs, Path::new("/src"), &ks, &FluxBuildOptions::default())
        .unwrap();
    let images: Vec<String> = out.resources()[0]
        .obj()
        .get_path(&["spec", "containers"])
        .and_then(Value::as_seq)
        .unwrap()
        .iter()
        .map(|c| c.str_at(&["image"]).unwrap().to_owned())
        .collect();
    assert_eq!(images, ["nginx:1.27", "redis:7", "busybox@sha256:abc"]);
}

#[test]
fn path_cannot_escape_the_source_and_must_exist() {
    let mut ks = root_kustomization("../../../plain");
    let out =
        build_flux_kustomization(&DiskFs, &repo(), &ks, &FluxBuildOptions::default()).unwrap();
    assert_eq!(out.len(), 5);
    ks.path = "./nowhere".to_owned();
    let err =
        build_flux_kustomization(&DiskFs, &repo(), &ks, &FluxBuildOptions::default()).unwrap_err();
    assert_eq!(err.kind(), krust_flux::ErrorKind::NotFound);
    let text = err.to_string();
    assert!(
        text.starts_with("Kustomization flux-system/flux-system: kustomization path not found"),
        "{text}"
    );
}

#[test]
fn ignored_files_are_unreadable_to_written_kustomizations_too() {
    let mut fs = krust::MemFs::new();
    fs.add_file("/src/.sourceignore", "secret.yaml\n");
    fs.add_file(
        "/src/app/kustomization.yaml",
        "resources: [cm.yaml, secret.yaml]\n",
    );
    fs.add_file(
        "/src/app/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    );
    fs.add_file(
        "/src/app/secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n",
    );
    let ks = root_kustomization("app");
    let err = build_flux_kustomization(&fs, Path::new("/src"), &ks, &FluxBuildOptions::default())
        .unwrap_err();
    assert_eq!(err.kind(), krust_flux::ErrorKind::Build, "{err}");
    assert!(err.to_string().contains("secret.yaml"), "{err}");
    assert!(fs.kind(Path::new("/src/app/secret.yaml")).is_some());
}

#[test]
fn existing_kustomization_without_resources_gets_origin_annotations() {
    let mut fs = krust::MemFs::new();
    fs.add_file(
        "/src/gen/kustomization.yaml",
        "configMapGenerator:\n- name: cm\n  literals: [a=b]\n",
    );
    let ks = root_kustomization("gen");
    let prepared =
        prepare_kustomization(&fs, Path::new("/src"), &ks, &FluxBuildOptions::default()).unwrap();
    assert!(!prepared.generated);
    assert!(
        prepared
            .text
            .contains("buildMetadata:\n- originAnnotations\n"),
        "{}",
        prepared.text
    );
}

#[test]
fn bad_yaml_in_a_scanned_directory_names_the_file() {
    let mut fs = krust::MemFs::new();
    fs.add_file("/src/dir/broken.yaml", "kind: [\n");
    let ks = root_kustomization("dir");
    let err = build_flux_kustomization(&fs, Path::new("/src"), &ks, &FluxBuildOptions::default())
        .unwrap_err();
    assert!(err.to_string().contains("/src/dir/broken.yaml"), "{err}");
}

#[test]
fn remote_components_are_refused() {
    let mut fs = krust::MemFs::new();
    fs.add_file(
        "/src/app/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    );
    let mut ks = root_kustomization("app");
    ks.components = vec!["https://github.com/x/y//c".to_owned()];
    let err = build_flux_kustomization(&fs, Path::new("/src"), &ks, &FluxBuildOptions::default())
        .unwrap_err();
    assert!(
        err.to_string().contains("must be local and relative"),
        "{err}"
    );
}
