//! Flux Kustomizations of a fixture repository built as kustomize-controller
//! builds them, compared with `kubectl kustomize` (v5.5.0) run on
//! hand-written kustomizations equal to what the controller generates
//! (`tests/fixtures/repo/equivalent/`, outputs in `tests/fixtures/expected/`).

use std::path::{Path, PathBuf};

use krust::{DiskFs, FileSystem};
use krust_flux::build::{
    apply_common_metadata, build_flux_kustomization, prepare_kustomization, root_kustomization,
    BuildError, FluxBuildOptions,
};
use krust_flux::model::{is_flux_kustomization, FluxKustomization};
use krust_yaml::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn repo() -> PathBuf {
    fixtures().join("repo")
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(fixtures().join("expected").join(name)).unwrap()
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

#[test]
fn overlay_with_spec_rewrites_matches_kubectl_kustomize() {
    let ks = profile("apps");
    let out =
        build_flux_kustomization(&DiskFs, &repo(), &ks, &FluxBuildOptions::default()).unwrap();
    assert_eq!(out.to_yaml().unwrap(), expected("apps-dev.yaml"));
}

#[test]
fn hand_written_equivalents_build_alike_in_krust() {
    // Guards the fixtures: krust on the equivalents gives kubectl's output.
    let out = krust::build(
        &DiskFs,
        &repo().join("equivalent/overlays/dev"),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(out.to_yaml().unwrap(), expected("apps-dev.yaml"));
}

#[test]
fn common_metadata_sets_object_labels_and_annotations_only() {
    let ks = profile("apps");
    let out =
        build_flux_kustomization(&DiskFs, &repo(), &ks, &FluxBuildOptions::default()).unwrap();
    let mut objects: Vec<Value> = out
        .into_resources()
        .into_iter()
        .map(|r| r.into_obj())
        .collect();
    let metadata = ks.common_metadata.clone().unwrap();
    apply_common_metadata(&mut objects, &metadata);
    for object in &objects {
        assert_eq!(
            object.str_at(&["metadata", "annotations", "owner"]),
            Some("team-a")
        );
    }
    // Without the annotation, what is left is kustomize's labels with
    // includeSelectors/includeTemplates false.
    for object in &mut objects {
        let meta = object.get_mut("metadata").unwrap().as_map_mut().unwrap();
        meta.shift_remove("annotations");
    }
    assert_eq!(to_yaml(&objects), expected("apps-dev-labels.yaml"));
}

#[test]
fn plain_directory_gets_a_generated_kustomization_honouring_sourceignore() {
    let ks = profile("plain");
    assert_eq!(ks.api_version, "v1beta2");
    let prepared =
        prepare_kustomization(&DiskFs, &repo(), &ks, &FluxBuildOptions::default()).unwrap();
    assert!(prepared.generated);
    assert_eq!(
        prepared.text,
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: plain-ns\n\
         resources:\n- ./a.yaml\n- ./nested\n- ./sub/b.yml\n"
    );
    let out =
        build_flux_kustomization(&DiskFs, &repo(), &ks, &FluxBuildOptions::default()).unwrap();
    assert_eq!(out.to_yaml().unwrap(), expected("plain.yaml"));
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
    assert_eq!(names, ["extra", "a", "nested-c", "b"]);
}

#[test]
fn path_cannot_escape_the_source_and_must_exist() {
    let mut ks = root_kustomization("../../../plain");
    let out =
        build_flux_kustomization(&DiskFs, &repo(), &ks, &FluxBuildOptions::default()).unwrap();
    assert_eq!(out.len(), 4);
    ks.path = "./nowhere".to_owned();
    let err =
        build_flux_kustomization(&DiskFs, &repo(), &ks, &FluxBuildOptions::default()).unwrap_err();
    assert!(matches!(err, BuildError::Spec { .. }));
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
    assert!(matches!(err, BuildError::Kustomize { .. }), "{err}");
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
