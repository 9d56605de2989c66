//! Merging with a schema read from an OpenAPI document, as kustomize does for
//! `openapi: {path: schema.json}`. Expectations: kubectl on a kustomization
//! with that `openapi` field, both resources and both patches.

use super::{load, merge, Outcome};
use crate::patch::Schema;

const SCHEMA: &str = r##"{"definitions": {
  "com.example.v1.Foo": {
    "type": "object",
    "x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "Foo"}],
    "properties": {"spec": {"$ref": "#/definitions/com.example.v1.FooSpec"}}
  },
  "com.example.v1.FooSpec": {
    "type": "object",
    "properties": {
      "items": {"type": "array", "items": {"type": "object"},
                "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "id"},
      "tags": {"type": "array", "items": {"type": "string"}, "x-kubernetes-patch-strategy": "merge"}
    }
  }
}}"##;

fn render_with(schema: &Schema, target: &str, patch: &str) -> String {
    let mut target = load(target);
    let outcome = merge(&mut target, &load(patch), Some(schema)).unwrap();
    assert_eq!(outcome, Outcome::Merged);
    krust_yaml::to_yaml_string(&target).unwrap()
}

#[test]
fn custom_kinds_merge_by_the_documents_keys() {
    let schema = Schema::from_custom_openapi(&load(SCHEMA)).unwrap();
    let got = render_with(
        &schema,
        "{apiVersion: example.com/v1, kind: Foo, metadata: {name: f}, spec: {items: [{id: a, x: 1}, {id: b, x: 2}], tags: [t1, t2]}}",
        "{apiVersion: example.com/v1, kind: Foo, metadata: {name: f}, spec: {items: [{id: c, x: 3}, {id: a, y: 1}], tags: [t3, t1]}}",
    );
    assert_eq!(
        got,
        "apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: f\nspec:\n  items:\n  - id: c\n    x: 3\n  - id: a\n    x: 1\n    \"y\": 1\n  - id: b\n    x: 2\n  tags:\n  - t3\n  - t1\n  - t2\n"
    );
}

#[test]
fn a_custom_schema_replaces_the_kubernetes_one() {
    let schema = Schema::from_custom_openapi(&load(SCHEMA)).unwrap();
    let got = render_with(
        &schema,
        "{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {template: {spec: {containers: [{name: a, image: a}]}}}}",
        "{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {template: {spec: {containers: [{name: b, image: b}]}}}}",
    );
    assert_eq!(
        got,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - image: b\n        name: b\n"
    );
}
