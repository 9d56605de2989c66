//! `patches` entries whose text holds no object, each checked against
//! kustomize v5.5.0 (`kubectl kustomize`), and against 5.8.1, which ignores
//! them all. The build_kustomization fuzz target found that such a patch
//! with a target panicked.

use krust::{build, BuildOptions, KustomizeVersion, MemFs};

const SERVICE: &str =
    "apiVersion: v1\nkind: Service\nmetadata: {name: svc}\nspec: {ports: [{port: 80}]}\n";
const PRINTED: &str =
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n  - port: 80\n";

/// Builds a kustomization with `entry` as its one patch and `patch` as
/// `p.yaml`, as kustomize 5.5.0.
fn render(entry: &str, patch: &str) -> Result<String, String> {
    render_as(KustomizeVersion::V5_5_0, entry, patch)
}

fn render_as(version: KustomizeVersion, entry: &str, patch: &str) -> Result<String, String> {
    let mut fs = MemFs::new();
    fs.add_file("/app/svc.yaml", SERVICE);
    fs.add_file("/app/p.yaml", patch);
    fs.add_file(
        "/app/kustomization.yaml",
        format!("resources: [svc.yaml]\npatches:\n- {entry}\n"),
    );
    let options = BuildOptions::default().with_kustomize_version(version);
    build(&fs, "/app".as_ref(), &options)
        .and_then(|m| m.to_yaml())
        .map_err(|e| e.to_string())
}

fn fails_with(entry: &str, patch: &str, message: &str) {
    let err = render(entry, patch).expect_err(entry);
    assert!(err.contains(message), "{entry} / {patch:?}: {err}");
}

#[test]
fn an_empty_file_is_a_json_patch_without_operations() {
    let to_service = "path: p.yaml\n  target: {kind: Service}";
    assert_eq!(render(to_service, "").unwrap(), PRINTED);
    let to_nothing = "path: p.yaml\n  target: {kind: Deployment}";
    assert_eq!(render(to_nothing, "").unwrap(), PRINTED);
    fails_with("path: p.yaml", "", "must specify a target for a JSON patch");
}

#[test]
fn a_text_without_documents_is_both_kinds_of_patch() {
    let entry = "path: p.yaml\n  target: {kind: Service}";
    for text in ["\n", "# nothing\n", "---\n", "null\n"] {
        fails_with(
            entry,
            text,
            "illegally qualifies as both an SM and JSON patch",
        );
    }
    fails_with(
        "patch: '# c'\n  target: {kind: Service}",
        "",
        "illegally qualifies as both an SM and JSON patch",
    );
}

#[test]
fn empty_objects_fail_as_a_json_patch_once_something_is_selected() {
    fails_with(
        "path: p.yaml\n  target: {kind: Service}",
        "{}\n",
        "cannot unmarshal object into Go value of type jsonpatch.Patch",
    );
    let to_nothing = "path: p.yaml\n  target: {kind: Deployment}";
    assert_eq!(render(to_nothing, "{}\n").unwrap(), PRINTED);
}

#[test]
fn a_blank_inline_patch_is_no_patch() {
    fails_with(
        "patch: '  '\n  target: {kind: Service}",
        "",
        "must specify one of patch and path",
    );
    let with_path = "patch: '  '\n  path: p.yaml\n  target: {kind: Service}";
    let added = render(
        with_path,
        "- {op: add, path: /metadata/labels, value: {a: b}}\n",
    );
    assert!(added.unwrap().contains("labels:\n    a: b\n"));
}

#[test]
fn kustomize_5_8_ignores_every_patch_without_objects_or_operations() {
    for patch in ["", "# comment\n", "---\n", "null\n", "{}\n", "[]\n"] {
        for entry in ["path: p.yaml", "path: p.yaml\n  target: {kind: Service}"] {
            let got = render_as(KustomizeVersion::V5_8_1, entry, patch);
            assert_eq!(got.as_deref(), Ok(PRINTED), "{entry} / {patch:?}");
        }
    }
}
