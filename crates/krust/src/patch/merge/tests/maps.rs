//! Maps, scalars and nulls.

use super::{check, check_err, check_pod, check_pod_err};

/// Maps merge recursively: patch fields are added or replace the target's, other target fields
/// stay.
#[test]
fn maps_merge_field_by_field() {
    check(
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {a: '1', b: '2'}
binaryData: {x: eA==}
"#,
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {b: '3', c: '4'}
"#,
        r#"apiVersion: v1
binaryData:
  x: eA==
data:
  a: "1"
  b: "3"
  c: "4"
kind: ConfigMap
metadata:
  name: c
"#,
    );
}

/// A patch null removes a scalar, a map, a list or a list element's field; a null the target does
/// not have, or inside a new element or map, is dropped too.
#[test]
fn null_removes_fields_of_every_kind() {
    check_pod(
        r#"{hostname: h, nodeSelector: {a: b}, volumes: [{name: v1, emptyDir: {}}], containers: [{name: a, image: a, args: [x], env: [{name: E, value: v}]}]}"#,
        r#"{hostname: null, nodeSelector: null, volumes: null, subdomain: null, containers: [{name: a, args: null, env: null, image: null}, {name: new, image: n, args: null, resources: {limits: {cpu: null, memory: 1Gi}}}]}"#,
        r#"containers:
- name: a
- image: "n"
  name: new
  resources:
    limits:
      memory: 1Gi
"#,
    );
}

/// Nulls in labels remove those labels.
#[test]
fn label_nulls_remove_keys() {
    check(
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c, labels: {a: '1', b: '2'}, annotations: {x: y}}
"#,
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c, labels: {a: null, c: null}, annotations: null}
"#,
        r#"apiVersion: v1
kind: ConfigMap
metadata:
  labels:
    b: "2"
  name: c
"#,
    );
}

/// An explicit null in the target stays when the patch does not mention it, and goes when the
/// patch sets it to null.
#[test]
fn explicit_nulls_in_the_target_stay() {
    check(
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: a, labels: null}
data: {x: null, y: null, z: '1'}
"#,
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: a}
data: {w: '1', y: null, z: null}
"#,
        r#"apiVersion: v1
data:
  w: "1"
  x: null
kind: ConfigMap
metadata:
  labels: null
  name: a
"#,
    );
}

/// A patch map or list takes the place of a target null.
#[test]
fn patch_maps_fill_target_nulls() {
    check(
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: null
spec: {a: null, b: null}
"#,
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {k: v}
spec: {a: {x: 1}, b: [1]}
"#,
        r#"apiVersion: v1
data:
  k: v
kind: ConfigMap
metadata:
  name: c
spec:
  a:
    x: 1
  b:
  - 1
"#,
    );
}

/// Scalars are replaced, whatever their types.
#[test]
fn scalars_are_replaced() {
    check(
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {a: x, b: '1'}
spec: {n: 1, f: 1.5, t: true, s: str}
"#,
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {a: y}
spec: {n: two, f: 2, t: 0, s: false}
"#,
        r#"apiVersion: v1
data:
  a: "y"
  b: "1"
kind: ConfigMap
metadata:
  name: c
spec:
  f: 2
  "n": two
  s: false
  t: 0
"#,
    );
}

/// A number or boolean replacing a quoted string is written in the string's style, so it stays a
/// string.
#[test]
fn numbers_over_quoted_strings_become_strings() {
    check(
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {a: '1', b: 'true', c: abc, f: 1, g: '1.0', h: 'x: y', i: '', j: 'null', k: '2021-01-01'}
"#,
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {a: 2, b: false, c: 3, f: '2', g: 1.5, h: 7, i: 8, j: 9, k: 10}
"#,
        r#"apiVersion: v1
data:
  a: "2"
  b: "false"
  c: 3
  f: "2"
  g: "1.5"
  h: "7"
  i: "8"
  j: "9"
  k: "10"
kind: ConfigMap
metadata:
  name: c
"#,
    );
}

/// An empty patch map leaves a target map alone and is added where the target has none.
#[test]
fn empty_patch_maps_change_nothing_or_add_an_empty_map() {
    check(
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {a: '1'}
"#,
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {}
spec: {}
"#,
        r#"apiVersion: v1
data:
  a: "1"
kind: ConfigMap
metadata:
  name: c
spec: {}
"#,
    );
}

/// The merge changes metadata.name like any field; kustomize restores it unless the patch allows
/// name changes. Expected: kubectl with `target: {kind: ConfigMap, name: a}` and
/// `options: {allowNameChange: true}`.
#[test]
fn name_is_merged_like_any_field() {
    check(
        r#"{apiVersion: v1, kind: ConfigMap, metadata: {name: a, labels: {x: '1'}}, data: {k: v}}"#,
        r#"{apiVersion: v1, kind: ConfigMap, metadata: {name: b, labels: {y: '2'}}, data: {k2: v2}}"#,
        r#"apiVersion: v1
data:
  k: v
  k2: v2
kind: ConfigMap
metadata:
  labels:
    x: "1"
    "y": "2"
  name: b
"#,
    );
}

/// A map where the target has a scalar fails.
#[test]
fn map_over_scalar_is_an_error() {
    check_err(
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec: {replicas: 3}
"#,
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec: {replicas: {a: 1}}
"#,
        r#"wrong node kind: expected ScalarNode but got MappingNode"#,
    );
}

/// A scalar where the target has a map fails.
#[test]
fn scalar_over_map_is_an_error() {
    check_err(
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec: {template: {a: 1}}
"#,
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec: {template: 5}
"#,
        r#"wrong node kind: expected MappingNode but got ScalarNode"#,
    );
}

/// A list where the target has a map fails.
#[test]
fn list_over_map_is_an_error() {
    check_pod_err(
        r#"{containers: {a: 1}}"#,
        r#"{containers: [{name: a}]}"#,
        r#"wrong node kind: expected MappingNode but got SequenceNode"#,
    );
}
