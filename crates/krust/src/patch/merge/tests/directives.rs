//! `$patch` directives, and the `$` keys that are not directives.

use super::{check, check_err, check_pod, check_pod_err};

/// `$patch: replace` swaps a map for the patch's, `delete` removes it, `merge` merges; the
/// directive key itself goes.
#[test]
fn map_directives() {
    check(
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: d, labels: {a: '1', b: '2'}}
spec:
  selector: {matchLabels: {a: '1'}}
  template: {metadata: {labels: {a: '1'}, annotations: {x: y}}}
"#,
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: d, labels: {$patch: replace, c: '3'}}
spec:
  selector: {$patch: delete}
  template: {metadata: {annotations: {$patch: merge, z: w}}}
"#,
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    c: "3"
  name: d
spec:
  template:
    metadata:
      annotations:
        x: "y"
        z: w
      labels:
        a: "1"
"#,
    );
}

/// A list element holding only `$patch` applies to the list: `replace` takes the patch's elements,
/// `delete` removes the list, `merge` merges.
#[test]
fn list_directives() {
    check_pod(
        r#"{containers: [{name: a}], initContainers: [{name: i}], volumes: [{name: v1, emptyDir: {}}, {name: v2, emptyDir: {}}]}"#,
        r#"{containers: [{$patch: merge}, {name: b}], initContainers: [{$patch: delete}], volumes: [{$patch: replace}, {name: v3, emptyDir: {}}]}"#,
        r#"containers:
- name: b
- name: a
volumes:
- emptyDir: {}
  name: v3
"#,
    );
}

/// `$patch: delete` in an element removes the target element with its key; for a key the target
/// lacks it does nothing.
#[test]
fn element_delete_removes_by_key() {
    check_pod(
        r#"{containers: [{name: a, image: a}, {name: b, image: b}]}"#,
        r#"{containers: [{name: b, $patch: delete}, {name: q, $patch: delete}]}"#,
        r#"containers:
- image: a
  name: a
"#,
    );
}

/// `$patch: replace` in an element is undone for an existing element (the target's own element is
/// set back), and adds a new one without the directive.
#[test]
fn element_replace_has_no_effect_on_existing_elements() {
    check_pod(
        r#"{containers: [{name: a, image: a, args: [x]}, {name: b, image: b}]}"#,
        r#"{containers: [{name: a, image: a2, $patch: replace}, {name: n, image: n, $patch: replace}]}"#,
        r#"containers:
- args:
  - x
  image: a
  name: a
- image: "n"
  name: "n"
- image: b
  name: b
"#,
    );
}

/// Where the target has no list, the patch's list is taken whole and merged with itself: a
/// directive element lacks the merge key and clears the keyed elements.
#[test]
fn directives_in_a_new_list_are_not_list_directives() {
    check_pod(
        r#"{containers: [{name: a}]}"#,
        r#"{volumes: [{$patch: replace}, {name: v3, emptyDir: {}}]}"#,
        r#"containers:
- name: a
volumes:
- $patch: replace
"#,
    );
}

/// `$patch: delete` at the top deletes the resource.
#[test]
fn whole_document_delete() {
    check(
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec: {replicas: 1}
"#,
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
$patch: delete
"#,
        r#""#,
    );
}

/// `$patch: replace` at the top leaves the resource as it was: kustomize keeps the node kyaml
/// merged into.
#[test]
fn whole_document_replace_changes_nothing() {
    check(
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: d, labels: {a: b}}
spec: {replicas: 1, template: {spec: {containers: [{name: a, image: a}]}}}
"#,
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
$patch: replace
spec: {template: {spec: {containers: [{name: b, image: b}]}}}
"#,
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    a: b
  name: d
spec:
  replicas: 1
  template:
    spec:
      containers:
      - image: a
        name: a
"#,
    );
}

/// An unknown directive on a map the target has is an error.
#[test]
fn unknown_directive_on_an_existing_map_fails() {
    check_err(
        r#"apiVersion: example.com/v1
kind: Foo
metadata: {name: f}
spec: {a: 1}
"#,
        r#"apiVersion: example.com/v1
kind: Foo
metadata: {name: f}
spec: {$patch: foo, b: 2}
"#,
        r#"unknown patch strategy 'foo'"#,
    );
}

/// On a map the target lacks, an unknown directive stays as a field, while directives nested in it
/// apply.
#[test]
fn unknown_directive_on_a_new_map_is_kept() {
    check(
        r#"apiVersion: example.com/v1
kind: Foo
metadata: {name: f}
spec: {a: 1}
"#,
        r#"apiVersion: example.com/v1
kind: Foo
metadata: {name: f}
spec:
  n: {$patch: foo, b: 2, c: {$patch: delete}, d: {$patch: replace, e: 1}, f: null, g: [{$patch: delete, x: 1}]}
"#,
        r#"apiVersion: example.com/v1
kind: Foo
metadata:
  name: f
spec:
  a: 1
  "n":
    $patch: foo
    b: 2
    d:
      e: 1
    g:
    - $patch: delete
      x: 1
"#,
    );
}

/// `$setElementOrder/...`, `$retainKeys` and `$deleteFromPrimitiveList/...` are not interpreted:
/// they are merged as fields.
#[test]
fn other_dollar_keys_are_ordinary_fields() {
    check(
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: d, finalizers: [a, b]}
spec: {template: {spec: {containers: [{name: a, image: a}, {name: b, image: b}]}}}
"#,
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: d, $deleteFromPrimitiveList/finalizers: [a]}
spec:
  $retainKeys: [template]
  template: {spec: {$setElementOrder/containers: [{name: b}, {name: a}], containers: [{name: a, image: a2}]}}
"#,
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  $deleteFromPrimitiveList/finalizers:
  - a
  finalizers:
  - a
  - b
  name: d
spec:
  $retainKeys:
  - template
  template:
    spec:
      $setElementOrder/containers:
      - name: b
      - name: a
      containers:
      - image: a2
        name: a
      - image: b
        name: b
"#,
    );
}

/// A `$patch: replace` element in a list of scalars replaces the list, whose repeats then
/// collapse.
#[test]
fn scalar_list_replace_directive() {
    check(
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c, finalizers: [a, b, a]}
"#,
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c, finalizers: [{$patch: replace}, c, c]}
"#,
        r#"apiVersion: v1
kind: ConfigMap
metadata:
  finalizers:
  - c
  name: c
"#,
    );
}

/// An unknown directive element in a merged list is an error.
#[test]
fn unknown_list_directive_fails() {
    check_pod_err(
        r#"{containers: [{name: a}]}"#,
        r#"{containers: [{$patch: nope}]}"#,
        r#"unknown patch strategy 'nope'"#,
    );
}
