use super::*;

fn doc(text: &str) -> krust_yaml::Value {
    krust_yaml::load_documents(text).unwrap().remove(0)
}

/// Follows a path of field names (`[]` for list elements) from a kind's schema.
fn lookup<'s>(schema: &'s Schema, api_version: &str, kind: &str, path: &str) -> SchemaNode<'s> {
    let mut node = schema
        .for_kind(api_version, kind)
        .unwrap_or_else(|| panic!("no schema for {api_version} {kind}"));
    for part in path.split('.') {
        node = match part {
            "[]" => node.elements(),
            name => node.field(name),
        }
        .unwrap_or_else(|| panic!("{kind}: no schema at {part} of {path}"));
    }
    node
}

fn keys(node: SchemaNode<'_>) -> Vec<&str> {
    node.merge_keys().iter().map(|k| &**k).collect()
}

#[test]
fn workload_lists_merge_by_their_keys() {
    let s = Schema::builtin();
    let pod = "spec.template.spec";
    let cases: &[(&str, &[&str])] = &[
        ("containers", &["name"]),
        ("initContainers", &["name"]),
        ("containers.[].env", &["name"]),
        ("containers.[].ports", &["containerPort", "protocol"]),
        ("containers.[].volumeMounts", &["mountPath"]),
        ("imagePullSecrets", &["name"]),
        ("volumes", &["name"]),
        (
            "topologySpreadConstraints",
            &["topologyKey", "whenUnsatisfiable"],
        ),
    ];
    for (path, want) in cases {
        let node = lookup(s, "apps/v1", "Deployment", &format!("{pod}.{path}"));
        assert!(node.merges_lists(), "{path}");
        assert_eq!(keys(node), *want, "{path}");
    }
    let volumes = lookup(s, "apps/v1", "Deployment", &format!("{pod}.volumes"));
    assert_eq!(volumes.patch_strategy(), Some("merge,retainKeys"));
}

#[test]
fn lists_without_strategy_are_replaced() {
    let s = Schema::builtin();
    for (api, kind, path) in [
        ("apps/v1", "Deployment", "spec.template.spec.tolerations"),
        (
            "apps/v1",
            "Deployment",
            "spec.template.spec.containers.[].args",
        ),
        ("apps/v1", "StatefulSet", "spec.volumeClaimTemplates"),
        ("networking.k8s.io/v1", "Ingress", "spec.rules"),
        ("rbac.authorization.k8s.io/v1", "ClusterRole", "rules"),
    ] {
        assert!(!lookup(s, api, kind, path).merges_lists(), "{kind} {path}");
    }
}

#[test]
fn primitive_and_service_lists() {
    let s = Schema::builtin();
    let finalizers = lookup(s, "v1", "ConfigMap", "metadata.finalizers");
    assert!(finalizers.merges_lists());
    assert!(keys(finalizers).is_empty());
    let ports = lookup(s, "v1", "Service", "spec.ports");
    assert_eq!(keys(ports), ["port", "protocol"]);
    // Scalar fields are pruned: no schema, same merge behaviour.
    assert!(lookup(s, "v1", "ConfigMap", "metadata")
        .field("name")
        .is_none());
    assert!(lookup(s, "v1", "ConfigMap", "data").field("x").is_none());
}

#[test]
fn kinds_and_scopes() {
    let s = Schema::builtin();
    assert!(s.for_kind("apps/v1", "Deployment").is_some());
    assert!(s.for_kind("apps/v2", "Deployment").is_none());
    assert!(s.for_kind("example.com/v1", "Foo").is_none());
    assert!(s
        .for_kind("kustomize.config.k8s.io/v1beta1", "Kustomization")
        .is_some());
    assert_eq!(s.is_namespaced("apps/v1", "Deployment"), Some(true));
    assert_eq!(s.is_namespaced("v1", "Namespace"), Some(false));
    assert_eq!(
        s.is_namespaced("rbac.authorization.k8s.io/v1", "ClusterRole"),
        Some(false)
    );
    assert_eq!(s.is_namespaced("example.com/v1", "Foo"), None);
}

#[test]
fn builtin_table_round_trips() {
    let parsed = Schema::parse_table(K8S_TABLE).unwrap();
    let body: String = K8S_TABLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| [l, "\n"])
        .collect();
    assert_eq!(parsed.to_table(), body);
}

const CRD_OPENAPI: &str = r##"{
  "definitions": {
    "com.example.v1.Foo": {
      "type": "object",
      "x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "Foo"}],
      "properties": {
        "name": {"type": "string"},
        "spec": {"$ref": "#/definitions/com.example.v1.FooSpec"}
      }
    },
    "com.example.v1.FooSpec": {
      "type": "object",
      "properties": {
        "items": {
          "type": "array",
          "items": {"type": "object", "properties": {"sub": {"type": "object"}}},
          "x-kubernetes-patch-strategy": "merge",
          "x-kubernetes-patch-merge-key": "id"
        },
        "tags": {"type": "array", "items": {"type": "string"}},
        "byName": {"type": "object", "additionalProperties": {"$ref": "#/definitions/com.example.v1.FooSpec"}}
      }
    }
  },
  "paths": {
    "/apis/example.com/v1/namespaces/{namespace}/foos": {
      "get": {"x-kubernetes-group-version-kind": {"group": "example.com", "version": "v1", "kind": "Foo"}}
    }
  }
}"##;

#[test]
fn reads_an_openapi_document() {
    let s = Schema::from_openapi(&doc(CRD_OPENAPI)).unwrap();
    let items = lookup(&s, "example.com/v1", "Foo", "spec.items");
    assert!(items.merges_lists());
    assert_eq!(keys(items), ["id"]);
    assert!(lookup(&s, "example.com/v1", "Foo", "spec.items.[].sub")
        .field("x")
        .is_none());
    assert!(!lookup(&s, "example.com/v1", "Foo", "spec.tags").merges_lists());
    assert!(lookup(&s, "example.com/v1", "Foo", "spec.byName.anything.items").merges_lists());
    assert_eq!(s.is_namespaced("example.com/v1", "Foo"), Some(true));
    assert!(Schema::from_openapi(&doc("[]")).is_err());
}

#[test]
fn later_definitions_replace_earlier_ones_for_every_reference() {
    let mut s = Schema::from_openapi(&doc(CRD_OPENAPI)).unwrap();
    s.add_openapi(&doc(
        r#"{"definitions": {"com.example.v1.FooSpec": {"type": "object", "properties": {"other": {"type": "array", "x-kubernetes-patch-strategy": "merge"}}}}}"#,
    ))
    .unwrap();
    let spec = lookup(&s, "example.com/v1", "Foo", "spec");
    assert!(spec.field("items").is_none());
    assert!(spec.field("other").unwrap().merges_lists());
}

#[test]
fn custom_schema_keeps_kustomization_definitions() {
    let s = Schema::from_custom_openapi(&doc(CRD_OPENAPI)).unwrap();
    assert!(s.for_kind("apps/v1", "Deployment").is_none());
    let generators = lookup(
        &s,
        "kustomize.config.k8s.io/v1beta1",
        "Kustomization",
        "configMapGenerator",
    );
    assert_eq!(keys(generators), ["name"]);
}

#[test]
fn merged_schemas_render_like_their_sources() {
    let mut s = Schema::empty();
    s.merge_from(Schema::builtin());
    assert_eq!(s.to_table(), Schema::builtin().to_table());
}

/// Checks the embedded table against the schema it was derived from: set
/// `KRUST_K8S_OPENAPI` to kustomize's v1.21.2 swagger as JSON (definitions and
/// the GET paths' `x-kubernetes-group-version-kind`).
#[test]
#[ignore]
fn builtin_table_matches_the_openapi_document() {
    let Ok(path) = std::env::var("KRUST_K8S_OPENAPI") else {
        eprintln!("KRUST_K8S_OPENAPI not set; skipping");
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let from_json = Schema::from_openapi(&doc(&text)).unwrap();
    let from_table = Schema::parse_table(K8S_TABLE).unwrap();
    assert_eq!(from_json.to_table(), from_table.to_table());
}
