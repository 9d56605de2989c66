//! Every expected result here was taken from `kubectl kustomize` (kustomize
//! v5.5.0) on the same input.

use super::*;
use crate::version::KustomizeVersion;

fn yaml(src: &str) -> Value {
    krust_yaml::load_documents(src).unwrap().remove(0)
}

fn resmap(src: &str) -> ResMap {
    let mut map = ResMap::new();
    for doc in krust_yaml::load_documents(src).unwrap() {
        map.append(Resource::new(doc)).unwrap();
    }
    map
}

fn replacements(src: &str) -> Vec<Replacement> {
    match yaml(src) {
        Value::Seq(items) => items
            .iter()
            .map(|v| parse_replacement(v).unwrap())
            .collect(),
        other => panic!("not a list: {other:?}"),
    }
}

/// Runs `repl` over `resources`; the objects afterwards, or the error message
/// (a mistyped scalar fails at the next JSON step, checked here as the
/// build's end does).
fn run(resources: &str, repl: &str) -> Result<Vec<Value>, String> {
    let mut map = resmap(resources);
    apply(&mut map, &replacements(repl), KustomizeVersion::V5_5_0)
        .map_err(|e| e.message().to_owned())?;
    for res in map.resources() {
        res.check_json_step()?;
    }
    Ok(map
        .into_resources()
        .into_iter()
        .map(Resource::into_obj)
        .collect())
}

fn docs(src: &str) -> Vec<Value> {
    krust_yaml::load_documents(src).unwrap()
}

const APP: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.0
        ports:
        - containerPort: 80
        env:
        - name: A
          value: "x"
      - name: myapp-sidecar
        image: busybox
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  port: "8080"
  text: hello
  img: "repo/foo:2.0"
  fl: "1.50"
---
apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - port: 80
    targetPort: 9090
"#;

#[test]
fn scalar_targets_keep_their_type() {
    let out = run(
        APP,
        r#"
- source: {kind: ConfigMap, name: cfg, fieldPath: data.port}
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.[name=app].ports.0.containerPort
    - spec.template.spec.containers.[name=app].env.[name=A].value
    - spec.replicas
- source: {kind: Service, fieldPath: spec.ports.0.targetPort}
  targets:
  - select: {kind: ConfigMap}
    fieldPaths: [data.text]
"#,
    )
    .unwrap();
    let dep = &out[0];
    assert_eq!(dep.get_path(&["spec", "replicas"]), Some(&Value::Int(8080)));
    let app = &dep
        .get_path(&["spec", "template", "spec", "containers"])
        .and_then(Value::as_seq)
        .unwrap()[0];
    // The selector is an unanchored regex: `app` also matches `myapp-sidecar`,
    // which has no ports; only `app` has both paths.
    assert_eq!(
        app,
        &yaml("name: app\nimage: nginx:1.0\nports: [{containerPort: 8080}]\nenv: [{name: A, value: '8080'}]\n")
    );
    assert_eq!(
        out[1].get_path(&["data", "text"]),
        Some(&Value::from("9090"))
    );
}

#[test]
fn list_selectors_are_unanchored_and_wildcards_enter_lists() {
    let out = run(
        APP,
        r#"
- source: {kind: ConfigMap, fieldPath: data.text}
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.[name=app].image
- source: {kind: ConfigMap, fieldPath: data.img, options: {delimiter: ':', index: 1}}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.*.image]
    options: {delimiter: ':', index: 1}
"#,
    )
    .unwrap();
    let containers = out[0]
        .get_path(&["spec", "template", "spec", "containers"])
        .unwrap()
        .as_seq()
        .unwrap();
    // `hello` has no `:`, so index 1 appends; `busybox` too.
    assert_eq!(containers[0].get("image"), Some(&Value::from("hello:2.0")));
    assert_eq!(containers[1].get("image"), Some(&Value::from("hello:2.0")));
}

#[test]
fn delimiter_prefix_replace_and_append() {
    let res =
        "kind: ConfigMap\nmetadata: {name: c}\ndata: {src: v, a: x.y.z, b: x.y.z, c: x.y.z}\n";
    let out = run(
        res,
        r#"
- source: {name: c, fieldPath: data.src}
  targets:
  - select: {name: c}
    fieldPaths: [data.a]
    options: {delimiter: '.', index: -1}
  - select: {name: c}
    fieldPaths: [data.b]
    options: {delimiter: '.', index: 1}
  - select: {name: c}
    fieldPaths: [data.c]
    options: {delimiter: '.', index: 7}
"#,
    )
    .unwrap();
    assert_eq!(
        out[0].get("data"),
        Some(&yaml("{src: v, a: v.x.y.z, b: x.v.z, c: x.y.z.v}"))
    );
}

#[test]
fn text_that_does_not_fit_the_target_type_fails() {
    let repl = |field: &str| {
        format!(
            "- source: {{kind: ConfigMap, fieldPath: data.{field}}}\n  targets: [{{select: {{kind: Deployment}}, fieldPaths: [spec.replicas]}}]\n"
        )
    };
    assert_eq!(
        run(APP, &repl("text")).unwrap_err(),
        "map[string]interface {}(nil): yaml: cannot decode !!str `hello` as a !!int"
    );
    assert_eq!(
        run(APP, &repl("fl")).unwrap_err(),
        "map[string]interface {}(nil): yaml: cannot decode !!float `1.50` as a !!int"
    );
}

const CREATE_SRC: &str = r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: src
data:
  a: "8080"
  b: hello
  c: "2001-12-14"
  d: "true"
  e: ""
  f: "1.50"
  g: "a: b"
  h: "~"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: dst
data:
  x: null
"#;

#[test]
fn created_fields_read_the_text_as_yaml() {
    let repl: String = "abcdefgh"
        .chars()
        .map(|k| {
            format!(
                "- source: {{name: src, fieldPath: data.{k}}}\n  targets:\n  - select: {{name: dst}}\n    fieldPaths: [data.new{k}, metadata.labels.l{k}]\n    options: {{create: true}}\n"
            )
        })
        .collect();
    let out = run(CREATE_SRC, &repl).unwrap();
    assert_eq!(
        out[1].get("data"),
        Some(&yaml(
            r#"
x: null
newa: 8080
newb: hello
newc: "2001-12-14T00:00:00Z"
newd: true
newe: null
newf: 1.5
newg: 'a: b'
newh: null
"#
        ))
    );
    assert_eq!(
        out[1].get_path(&["metadata", "labels", "la"]),
        Some(&Value::Int(8080))
    );
}

#[test]
fn null_targets_only_take_null_text() {
    let repl = |field: &str| {
        format!("- source: {{name: src, fieldPath: data.{field}}}\n  targets: [{{select: {{name: dst}}, fieldPaths: [data.x]}}]\n")
    };
    assert_eq!(
        run(CREATE_SRC, &repl("b")).unwrap_err(),
        "map[string]interface {}(nil): yaml: cannot decode !!str `hello` as a !!null"
    );
    assert_eq!(
        run(CREATE_SRC, &repl("a")).unwrap_err(),
        "map[string]interface {}(nil): yaml: cannot decode !!int `8080` as a !!null"
    );
    let out = run(CREATE_SRC, &repl("e")).unwrap();
    assert_eq!(out[1].get_path(&["data", "x"]), Some(&Value::Null));
}

#[test]
fn collections_replace_and_are_replaced_whole() {
    let out = run(
        APP,
        r#"
- source: {kind: ConfigMap, fieldPath: data}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.0.image, spec.template.spec.containers.1]
"#,
    )
    .unwrap();
    let containers = out[0]
        .get_path(&["spec", "template", "spec", "containers"])
        .and_then(Value::as_seq)
        .unwrap();
    assert_eq!(containers[0].get("image"), Some(&Value::from("")));
    assert_eq!(&containers[1], out[1].get("data").unwrap());
    // A map's text is empty: an int target cannot take it.
    assert_eq!(
        run(
            APP,
            "- source: {kind: ConfigMap, fieldPath: data}\n  targets: [{select: {kind: Deployment}, fieldPaths: [spec.replicas]}]\n"
        )
        .unwrap_err(),
        "map[string]interface {}(nil): yaml: cannot decode !!null `` as a !!int"
    );
}

#[test]
fn create_paths_selectors_and_appends() {
    let res = r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: src
  annotations: {a.b/c: dotted}
---
apiVersion: v1
kind: Pod
metadata:
  name: pod
  annotations: {x.y/z: old}
spec:
  volumes: ~
  containers:
  - name: app
    image: img
    args: ["--foo", "--bar=1", "x"]
    ports: [{containerPort: 80}]
  - name: "123"
    image: num
"#;
    let out = run(
        res,
        r#"
- source:
    name: src
    fieldPath: metadata.annotations.[a.b/c]
  targets:
  - select: {kind: Pod}
    options: {create: true}
    fieldPaths:
    - metadata.annotations.x\.y/z
    - spec.containers.[name=new].image
    - spec.containers.0.ports.1.containerPort
    - spec.containers.0.args.[=--bar]
    - spec.containers.[name=12].image
    - spec.volumes.0.name
"#,
    )
    .unwrap();
    assert_eq!(
        out[1],
        yaml(
            r#"
apiVersion: v1
kind: Pod
metadata:
  name: pod
  annotations: {x.y/z: dotted}
spec:
  volumes: ~
  containers:
  - name: app
    image: img
    args: ["--foo", "dotted", "x"]
    ports: [{containerPort: 80}, {containerPort: dotted}]
  - name: "123"
    image: dotted
  - name: new
    image: dotted
"#
        )
    );
}

const SELECT: &str = r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: src
  namespace: team
data:
  v: new
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  labels: {tier: x}
data:
  v: old
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  namespace: other
  annotations: {skip: "yes"}
data:
  v: old
---
apiVersion: v1
kind: Secret
metadata:
  name: a
data:
  v: b2xk
---
apiVersion: v1
kind: Namespace
metadata:
  name: nsx
  labels: {v: old}
"#;

/// The resources of [`SELECT`] after `namePrefix: p-` (which records the old ids).
fn prefixed() -> ResMap {
    let mut map = resmap(SELECT);
    map.transform(|res| {
        let name = format!("p-{}", res.id().name);
        res.store_previous_id();
        *res.obj_mut().get_path_mut(&["metadata", "name"]).unwrap() = Value::from(name);
        Ok(())
    })
    .unwrap();
    map
}

/// The `data.v` (or `metadata.labels.v`) of each resource after `repl`.
fn select_run(repl: &str) -> Result<Vec<String>, String> {
    let mut map = prefixed();
    apply(&mut map, &replacements(repl), KustomizeVersion::V5_5_0)
        .map_err(|e| e.message().to_owned())?;
    Ok(map
        .resources()
        .iter()
        .map(|r| {
            let obj = r.obj();
            obj.str_at(&["data", "v"])
                .or_else(|| obj.str_at(&["metadata", "labels", "v"]))
                .unwrap_or_default()
                .to_owned()
        })
        .collect())
}

#[test]
fn selects_by_current_or_earlier_names_exactly() {
    assert_eq!(
        select_run("- source: {name: src, fieldPath: data.v}\n  targets: [{select: {name: a}, fieldPaths: [data.v]}]\n").unwrap(),
        ["new", "new", "old", "new", "old"]
    );
    // Names are not regexes.
    assert_eq!(
        select_run("- source: {name: src, fieldPath: data.v}\n  targets: [{select: {name: 'p-.*'}, fieldPaths: [data.v]}]\n").unwrap(),
        ["new", "old", "old", "b2xk", "old"]
    );
    assert_eq!(
        select_run("- source: {name: src, namespace: default, fieldPath: data.v}\n  targets: [{select: {kind: ConfigMap}, fieldPaths: [data.v]}]\n").unwrap_err(),
        // kubectl's message, then the ids that come closest.
        "nothing selected by [noKind].[noVer].[noGrp]/src.default:data.v (closest: ConfigMap.v1/p-src.team)"
    );
}

#[test]
fn rejects_by_id_or_by_labels() {
    assert_eq!(
        select_run("- source: {name: p-src, namespace: team, fieldPath: data.v}\n  targets: [{select: {kind: ConfigMap}, reject: [{name: src}, {namespace: other}], fieldPaths: [data.v]}]\n").unwrap(),
        ["new", "new", "old", "b2xk", "old"]
    );
    assert_eq!(
        select_run("- source: {name: src, fieldPath: data.v}\n  targets: [{select: {kind: ConfigMap}, reject: [{annotationSelector: skip}, {labelSelector: 'tier=x'}, {name: src}], fieldPaths: [data.v]}]\n").unwrap(),
        ["new", "old", "old", "b2xk", "old"]
    );
    assert_eq!(
        select_run("- source: {name: src, fieldPath: data.v}\n  targets: [{select: {labelSelector: tier}, fieldPaths: [data.v]}]\n").unwrap(),
        ["new", "new", "old", "b2xk", "old"]
    );
}

#[test]
fn cluster_scoped_objects_count_as_default_namespace() {
    assert_eq!(
        select_run("- source: {name: src, fieldPath: data.v}\n  targets: [{select: {kind: Namespace, namespace: default}, fieldPaths: [metadata.labels.v]}]\n").unwrap(),
        ["new", "old", "old", "b2xk", "new"]
    );
    assert_eq!(
        select_run("- source: {name: src, fieldPath: data.v}\n  targets: [{select: {namespace: default}, fieldPaths: [data.v]}]\n").unwrap_err(),
        "unable to find field \"data.v\" in replacement target"
    );
}

#[test]
fn errors_match_kubectl() {
    let err = |repl: &str| run(APP, repl).unwrap_err();
    assert_eq!(
        err("- source: {kind: Secret}\n  targets: [{select: {kind: Deployment}}]\n"),
        "nothing selected by Secret.[noVer].[noGrp]/[noName].[noNs]"
    );
    assert_eq!(
        err("- source: {version: v1}\n  targets: [{select: {kind: Deployment}}]\n"),
        "multiple matches for selector [noKind].v1.[noGrp]/[noName].[noNs]"
    );
    assert_eq!(
        err("- source: {kind: ConfigMap, fieldPath: data.nope}\n  targets: [{select: {kind: Deployment}}]\n"),
        "fieldPath `data.nope` is missing for replacement source ConfigMap.[noVer].[noGrp]/[noName].[noNs]"
    );
    assert_eq!(
        err("- source: {kind: ConfigMap, fieldPath: data.port}\n  targets: [{select: {kind: Deployment}, fieldPaths: [spec.nope.x]}]\n"),
        "unable to find field \"spec.nope.x\" in replacement target"
    );
    assert_eq!(
        err("- source: {kind: ConfigMap, fieldPath: data.port, options: {delimiter: '/', index: 3}}\n  targets: [{select: {kind: Deployment}}]\n"),
        "options.index 3 is out of bounds for value 8080"
    );
    for repl in [
        "- source: {kind: ConfigMap}\n",
        "- source: {kind: ConfigMap}\n  targets: []\n",
        "- targets: [{select: {kind: Deployment}}]\n",
    ] {
        assert_eq!(
            err(repl),
            "replacements must specify a source and at least one target"
        );
    }
    assert_eq!(
        err("- source: {kind: ConfigMap, fieldPath: data}\n  targets: [{fieldPaths: [x]}]\n"),
        "target must specify resources to select"
    );
    assert_eq!(
        err("- source: {kind: ConfigMap, fieldPath: data, options: {delimiter: x}}\n  targets: [{select: {kind: Deployment}, fieldPaths: [spec.replicas]}]\n"),
        "delimiter option can only be used with scalar nodes"
    );
    assert_eq!(
        err("- source: {kind: ConfigMap, fieldPath: data.port}\n  targets: [{select: {kind: Deployment}, fieldPaths: [spec.template], options: {delimiter: x}}]\n"),
        "delimiter option can only be used with scalar nodes"
    );
    assert_eq!(
        err("- source: {kind: Deployment, fieldPath: spec.template.spec.containers.*.image}\n  targets: [{select: {kind: Deployment}, fieldPaths: [spec.template]}]\n"),
        "error looking up replacement source: wildcard is not supported in PathGetter"
    );
    assert_eq!(
        err("- source: {kind: ConfigMap, fieldPath: data.port}\n  targets: [{select: {kind: Deployment}, fieldPaths: [spec.template.spec.containers.5.image]}]\n"),
        "unable to find field \"spec.template.spec.containers.5.image\" in replacement target: index 5 specified but only 2 elements found"
    );
    assert!(err("- source: {kind: ConfigMap, fieldPath: data.port.x}\n  targets: [{select: {kind: Deployment}}]\n")
        .starts_with("error looking up replacement source: wrong node kind: expected MappingNode but got ScalarNode: node contents:\n"));
    assert!(err("- source: {kind: ConfigMap, fieldPath: data.port}\n  targets: [{select: {kind: Deployment}, fieldPaths: ['spec.[name=x]']}]\n")
        .starts_with("unable to find field \"spec.[name=x]\" in replacement target: wrong node kind: expected SequenceNode but got MappingNode"));
}

#[test]
fn targets_may_include_the_source() {
    let out = run(
        "kind: ConfigMap\nmetadata: {name: c}\ndata: {a: '1', b: '2'}\n",
        "- source: {name: c, fieldPath: data.a}\n  targets: [{select: {name: c}, fieldPaths: [data.b, data.a]}]\n",
    )
    .unwrap();
    assert_eq!(
        out,
        docs("kind: ConfigMap\nmetadata: {name: c}\ndata: {a: '1', b: '1'}\n")
    );
}

#[test]
fn later_replacements_see_earlier_ones() {
    let out = run(
        "kind: ConfigMap\nmetadata: {name: c}\ndata: {a: '1', b: '2', c: '3'}\n",
        "- source: {name: c, fieldPath: data.a}\n  targets: [{select: {name: c}, fieldPaths: [data.b]}]\n- source: {name: c, fieldPath: data.b}\n  targets: [{select: {name: c}, fieldPaths: [data.c]}]\n",
    )
    .unwrap();
    assert_eq!(out[0].get("data"), Some(&yaml("{a: '1', b: '1', c: '1'}")));
}

#[test]
fn decodes_strictly_inline_and_leniently_from_files() {
    assert_eq!(
        parse_replacement(&yaml("source: {name: a, bogus: 1}\n")).unwrap_err(),
        "source: json: unknown field \"bogus\""
    );
    assert!(parse_replacement(&yaml("source: {options: {index: x}}\n")).is_err());
    assert!(parse_replacement(&yaml("source: {options: {index: 1.5}}\n")).is_err());
    assert!(parse_replacement(&yaml("targets: [{fieldPaths: a.b}]\n")).is_err());
    let r = parse_replacement(&yaml(
        "source: {kind: K, fieldPath: a.b, options: {delimiter: ':', index: 2, create: true}}\ntargets: [{select: {name: n, labelSelector: 'a=b'}, reject: [{kind: X}], fieldPaths: [c]}]\n",
    ))
    .unwrap();
    let source = r.source.as_ref().unwrap();
    assert_eq!(source.id.kind, "K");
    assert_eq!(
        source.to_string(),
        "K.[noVer].[noGrp]/[noName].[noNs]:a.b::(2), create=true"
    );
    assert_eq!(r.targets[0].reject[0].id.kind, "X");
    assert_eq!(r.targets[0].select.as_ref().unwrap().label_selector, "a=b");

    assert_eq!(
        parse_replacement_entry(&yaml("path: r.yaml\n")).unwrap(),
        ReplacementEntry::Path("r.yaml".into())
    );
    assert_eq!(
        parse_replacement_entry(&yaml("path: r.yaml\nsource: {name: src}\n")).unwrap_err(),
        "cannot specify both path and inline replacement"
    );
    assert!(matches!(
        parse_replacement_entry(&yaml("source: {name: src}\n")).unwrap(),
        ReplacementEntry::Inline(_)
    ));

    let file = parse_replacement_file(
        "source: {name: src, bogus: 1}\ntargets: [{select: {kind: Pod, zz: 1}}]\n",
    )
    .unwrap();
    assert_eq!(file.len(), 1);
    assert_eq!(file[0].targets[0].select.as_ref().unwrap().id.kind, "Pod");
    assert_eq!(
        parse_replacement_file("- source: {name: a}\n- source: {name: b}\n")
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        parse_replacement_file("hello\n").unwrap_err(),
        "unsupported replacement type encountered within replacement path: string"
    );
    assert_eq!(
        parse_replacement_file("").unwrap_err(),
        "unsupported replacement type encountered within replacement path: invalid"
    );
    assert!(parse_replacement_file("source: {fieldPath: [x]}\n").is_err());
}

/// [`run`] as kustomize `version`.
fn run_as(version: KustomizeVersion, resources: &str, repl: &str) -> Result<Vec<Value>, String> {
    let mut map = resmap(resources);
    let list: Vec<Replacement> = replacements(repl)
        .iter()
        .map(|r| r.for_version(version))
        .collect::<Result<_, _>>()?;
    apply(&mut map, &list, version).map_err(|e| e.message().to_owned())?;
    Ok(map
        .into_resources()
        .into_iter()
        .map(Resource::into_obj)
        .collect())
}

const SOURCE_VALUE_TARGET: &str = r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: t
data:
  answer: "1"
  part: a-b
  map: {k: v}
"#;

#[test]
fn source_value_is_an_untagged_plain_scalar() {
    let out = run_as(
        KustomizeVersion::V5_7_1,
        SOURCE_VALUE_TARGET,
        r#"
- sourceValue: "42"
  targets:
  - select: {name: t}
    fieldPaths: [data.answer, data.new, data.map]
    options: {create: true}
- sourceValue: prefix-suffix
  targets:
  - select: {name: t}
    fieldPaths: [data.part]
    options: {delimiter: "-", index: 1}
"#,
    )
    .unwrap();
    // The existing string keeps its type; created and replaced-whole
    // fields read the text as plain YAML.
    assert_eq!(
        out[0].get("data"),
        Some(&yaml(
            "{answer: '42', part: a-prefix-suffix, map: 42, new: 42}"
        ))
    );
}

#[test]
fn source_value_errors_and_versions() {
    let both = "- sourceValue: x\n  source: {name: t}\n  targets: [{select: {name: t}}]\n";
    assert_eq!(
        run_as(KustomizeVersion::V5_8_1, SOURCE_VALUE_TARGET, both).unwrap_err(),
        "value and resource selectors are mutually exclusive"
    );
    let null = "- sourceValue: null\n  targets: [{select: {name: t}}]\n";
    assert_eq!(
        run_as(KustomizeVersion::V5_8_1, SOURCE_VALUE_TARGET, null).unwrap_err(),
        "replacements must specify a source and at least one target"
    );
    // Before 5.7 the field is unknown: an error in a kustomization (even
    // as null), ignored where unknown fields are.
    for text in [both, null] {
        assert_eq!(
            run_as(KustomizeVersion::V5_6_0, SOURCE_VALUE_TARGET, text).unwrap_err(),
            "json: unknown field \"sourceValue\""
        );
    }
    let lenient = parse_replacement_file("sourceValue: 42\ntargets: [{select: {name: t}}]\n")
        .unwrap()
        .remove(0);
    assert_eq!(
        lenient
            .for_version(KustomizeVersion::V5_5_0)
            .unwrap()
            .source_value,
        None
    );
    assert_eq!(
        lenient.for_version(KustomizeVersion::V5_7_1).unwrap_err(),
        "sourceValue: json: cannot unmarshal number into a string"
    );
    assert_eq!(
        parse_replacement(&yaml("sourceValue: 42\n")).unwrap_err(),
        "sourceValue: json: cannot unmarshal number into a string"
    );
}

#[test]
fn targets_inside_json_and_yaml_strings_from_5_8() {
    let resources = r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: t
data:
  j: '{"a":{"port":8080}}'
  y: |
    a:
      port: 8080 # the port
"#;
    let repl = "- sourceValue: \"9090\"\n  targets: [{select: {name: t}, fieldPaths: [data.j.a.port, data.y.a.port]}]\n";
    let out = run_as(KustomizeVersion::V5_8_1, resources, repl).unwrap();
    assert_eq!(
        out[0].get("data"),
        Some(&yaml(
            "{j: '{\"a\":{\"port\":9090}}', y: \"a:\\n  port: 9090 # the port\"}"
        ))
    );
    let err = run_as(KustomizeVersion::V5_7_1, resources, repl).unwrap_err();
    assert!(
        err.starts_with(
            "unable to find field \"data.j.a.port\" in replacement target: wrong node kind"
        ),
        "{err}"
    );
}
