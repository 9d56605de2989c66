//! Expected outputs here were produced by `kubectl kustomize` (kustomize
//! v5.5.0) on a kustomization with `resources: [target.yaml]` and
//! `patches: [{path: patch.yaml}]`; `kubectl.rs` compares random cases live.

mod directives;
mod edges;
mod kubectl;
mod lists;
mod maps;
mod openapi;
mod random;

use krust_yaml::Value;

use super::{merge, Outcome};
use crate::patch::Schema;

fn load(text: &str) -> Value {
    krust_yaml::load_documents(text).unwrap().remove(0)
}

/// Merges with the built-in schema and prints the result as kustomize
/// would; a deleted target prints as nothing.
fn render(target: &str, patch: &str) -> Result<String, String> {
    let mut target = load(target);
    match merge(&mut target, &load(patch), Some(Schema::builtin()))? {
        Outcome::Deleted => Ok(String::new()),
        Outcome::Merged => Ok(krust_yaml::to_yaml_string(&target).unwrap()),
    }
}

/// A Deployment around a pod spec written in flow style.
fn deployment(pod_spec: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d}}\nspec: {{template: {{spec: {pod_spec}}}}}\n"
    )
}

#[track_caller]
fn check(target: &str, patch: &str, want: &str) {
    assert_eq!(render(target, patch).unwrap(), want);
}

#[track_caller]
fn check_err(target: &str, patch: &str, want: &str) {
    let err = render(target, patch).unwrap_err();
    assert!(err.contains(want), "{err:?} lacks {want:?}");
}

/// Patches a Deployment's pod spec; `want` is the merged pod spec.
#[track_caller]
fn check_pod(target: &str, patch: &str, want: &str) {
    let indented: String = want.lines().map(|l| format!("      {l}\n")).collect();
    let head = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n";
    check(
        &deployment(target),
        &deployment(patch),
        &format!("{head}{indented}"),
    );
}

#[track_caller]
fn check_pod_err(target: &str, patch: &str, want: &str) {
    check_err(&deployment(target), &deployment(patch), want);
}

/// The fast path of `could_be_plain` agrees with reading the text back.
#[test]
fn could_be_plain_agrees_with_the_loader() {
    for text in [
        "web",
        "true",
        "True",
        "TRUE",
        "tRue",
        "null",
        "Null",
        "NULL",
        "nUll",
        "false",
        "a.b-c_d/e",
        "yes",
        "No",
        "x1",
        "e3",
        "inf",
        "NaN",
        "~",
        "1.5",
        "x #y",
        "a: b",
        "2021-01-01",
    ] {
        let slow = matches!(
            krust_yaml::load_documents(text).as_deref(),
            Ok([Value::String(read)]) if read == text
        );
        assert_eq!(crate::patch::merge::could_be_plain(text), slow, "{text}");
    }
}
