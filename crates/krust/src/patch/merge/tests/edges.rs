//! Corner cases: voids, mixed types, nulls and wrong node kinds.

use super::{check, check_err, check_pod, check_pod_err};

/// Null and empty elements of a merged target list are dropped along the way.
#[test]
fn null_and_empty_target_elements_are_dropped() {
    check_pod(
        r#"{containers: [{name: a}, null, {name: b}], volumes: [null, {}]}"#,
        r#"{containers: [{name: a, image: x}]}"#,
        r#"containers:
- image: x
  name: a
volumes: []
"#,
    );
}

/// A patch key `1` or `true` matches the target's string "1" or "true".
#[test]
fn keys_compare_as_text_across_types() {
    check_pod(
        r#"{containers: [{name: '1', image: a}, {name: 'true', image: b}]}"#,
        r#"{containers: [{name: 1, image: x}, {name: true, image: y}]}"#,
        r#"containers:
- image: x
  name: "1"
- image: "y"
  name: "true"
"#,
    );
}

/// Where the target has null, the patch's list is taken and merged with itself: repeated keys
/// collapse, and a lone directive element stays.
#[test]
fn lists_the_target_has_as_null_take_the_patch_list_merged_with_itself() {
    check_pod(
        r#"{containers: null, volumes: null, nodeSelector: null}"#,
        r#"{containers: [{name: a}, {name: a, image: x}], volumes: [{$patch: delete}], nodeSelector: {$patch: delete}}"#,
        r#"containers:
- image: x
  name: a
volumes:
- $patch: delete
"#,
    );
}

/// A patch null removes a merged list of scalars.
#[test]
fn null_clears_a_scalar_list() {
    check(
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c, finalizers: [a, b]}
"#,
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c, finalizers: null}
"#,
        r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: c
"#,
    );
}

/// A scalar element in a list merged by key is an error.
#[test]
fn scalar_in_a_keyed_list_is_an_error() {
    check_pod_err(
        r#"{containers: [a, {name: b}]}"#,
        r#"{containers: [{name: c}]}"#,
        r#"wrong node kind: expected MappingNode but got ScalarNode"#,
    );
}

/// A map element in a merged list of scalars is an error.
#[test]
fn map_in_a_scalar_list_is_an_error() {
    check_err(
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c, finalizers: [a, b]}
"#,
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c, finalizers: [{x: 1}, c]}
"#,
        r#"wrong node kind: expected ScalarNode but got MappingNode"#,
    );
}

/// A scalar where the target has a list is an error.
#[test]
fn scalar_over_list_is_an_error() {
    check_pod_err(
        r#"{containers: [{name: a, args: [x]}]}"#,
        r#"{containers: [{name: a, args: y}]}"#,
        r#"wrong node kind: expected SequenceNode but got ScalarNode"#,
    );
}
