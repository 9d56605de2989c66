//! Transformer configuration: which fields each built-in transformer touches.
//!
//! The built-in tables are data files in kustomize's own configuration format
//! (`builtin/*.yaml`), read with the same code that will read a user's
//! `configurations:` files, so one parser serves both.

use std::sync::{Arc, OnceLock};

use krust_yaml::Value;

use crate::fieldspec::{merge_specs, FieldSpec, FieldSpecs};
use crate::kustomization::field_spec;
use crate::resid::Gvk;
use crate::version::{Change, KustomizeVersion};

/// Referrers of one kind of object: where other objects hold its name.
#[derive(Debug, Clone, PartialEq)]
pub struct NameBackRefs {
    /// The referenced kind (the one that gets renamed).
    pub gvk: Gvk,
    /// Fields of referring objects that hold the name.
    pub referrers: Vec<FieldSpec>,
}

/// Every table the built-in transformers are configured with.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TransformerConfig {
    /// `namePrefix` fields.
    pub name_prefix: FieldSpecs,
    /// `nameSuffix` fields.
    pub name_suffix: FieldSpecs,
    /// `namespace` fields (besides the hard-coded ones).
    pub namespace: FieldSpecs,
    /// Labels including selectors (`commonLabels`, `labels` with `includeSelectors`).
    pub common_labels: FieldSpecs,
    /// Labels in templates (`labels` with `includeTemplates`).
    pub template_labels: FieldSpecs,
    /// Fields every `labels:` entry writes, whatever its options (empty
    /// unless a `configurations:` file has a `labels` table).
    pub labels: FieldSpecs,
    /// `commonAnnotations` fields.
    pub common_annotations: FieldSpecs,
    /// Name back-references.
    pub name_reference: Vec<NameBackRefs>,
    /// Image fields.
    pub images: FieldSpecs,
    /// Replica count fields.
    pub replicas: FieldSpecs,
    /// Fields where `$(VAR)` references are expanded.
    pub var_reference: FieldSpecs,
}

/// The built-in tables, one configuration document each.
const BUILTIN_SOURCES: &[(&str, &str)] = &[
    ("namePrefix.yaml", include_str!("builtin/namePrefix.yaml")),
    ("nameSuffix.yaml", include_str!("builtin/nameSuffix.yaml")),
    ("namespace.yaml", include_str!("builtin/namespace.yaml")),
    (
        "commonLabels.yaml",
        include_str!("builtin/commonLabels.yaml"),
    ),
    (
        "templateLabels.yaml",
        include_str!("builtin/templateLabels.yaml"),
    ),
    (
        "commonAnnotations.yaml",
        include_str!("builtin/commonAnnotations.yaml"),
    ),
    (
        "nameReference.yaml",
        include_str!("builtin/nameReference.yaml"),
    ),
    ("images.yaml", include_str!("builtin/images.yaml")),
    ("replicas.yaml", include_str!("builtin/replicas.yaml")),
    (
        "varReference.yaml",
        include_str!("builtin/varReference.yaml"),
    ),
];

impl TransformerConfig {
    /// kustomize's default tables, parsed once per process.
    #[cfg(test)]
    pub fn builtin() -> &'static TransformerConfig {
        TransformerConfig::shared_builtin()
    }

    /// The default tables behind a shared pointer, so that kustomizations
    /// without their own configurations share them instead of copying.
    pub fn shared_builtin() -> &'static Arc<TransformerConfig> {
        static BUILTIN: OnceLock<Arc<TransformerConfig>> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let mut config = TransformerConfig::default();
            for (name, src) in BUILTIN_SOURCES {
                let parsed = TransformerConfig::parse(src)
                    .unwrap_or_else(|e| panic!("built-in table {name} is invalid: {e}"));
                config
                    .merge(&parsed)
                    .unwrap_or_else(|e| panic!("built-in table {name} conflicts: {e}"));
            }
            Arc::new(config)
        })
    }

    /// The field specs an `images:` entry applies as kustomize `version`:
    /// the tables in force, plus (from 5.7) the image-volume references.
    pub fn image_specs(&self, version: KustomizeVersion) -> Result<FieldSpecs, String> {
        if !version.has(Change::ImageVolumeReferences) {
            return Ok(self.images.clone());
        }
        static VOLUMES: OnceLock<TransformerConfig> = OnceLock::new();
        let volumes = VOLUMES.get_or_init(|| {
            TransformerConfig::parse(include_str!("builtin/images-volumes.yaml"))
                .unwrap_or_else(|e| panic!("built-in table images-volumes.yaml is invalid: {e}"))
        });
        let mut specs = Vec::clone(&self.images);
        merge_specs(&mut specs, &volumes.images)?;
        Ok(Arc::new(specs))
    }

    /// Parses a configuration document (kustomize's `configurations:`
    /// format), read as kustomize reads one: sigs.k8s.io/yaml's
    /// `UnmarshalStrict` (go-yaml v2 scalars, repeated keys an error).
    pub fn parse(src: &str) -> Result<TransformerConfig, String> {
        let options = krust_yaml::LoadOptions::sigs_k8s_yaml_strict();
        let docs = krust_yaml::load_documents_with(src, options).map_err(|e| e.to_string())?;
        TransformerConfig::from_documents(&docs)
    }

    /// [`TransformerConfig::parse`] of a file already read as YAML (with
    /// [`krust_yaml::LoadOptions::sigs_k8s_yaml_strict`], so that YAML
    /// errors keep their position).
    pub fn from_documents(docs: &[Value]) -> Result<TransformerConfig, String> {
        let mut config = TransformerConfig::default();
        let Some(doc) = docs.first() else {
            return Ok(config);
        };
        let map = doc
            .as_map()
            .ok_or("a transformer configuration must be a map")?;
        for (key, value) in map {
            let specs = || specs(value).map_err(|e| format!("{key}: {e}"));
            match key.as_str() {
                "namePrefix" => config.name_prefix = specs()?.into(),
                "nameSuffix" => config.name_suffix = specs()?.into(),
                "namespace" => config.namespace = specs()?.into(),
                "commonLabels" => config.common_labels = specs()?.into(),
                "templateLabels" => config.template_labels = specs()?.into(),
                "labels" => config.labels = specs()?.into(),
                "commonAnnotations" => config.common_annotations = specs()?.into(),
                "images" => config.images = specs()?.into(),
                "replicas" => config.replicas = specs()?.into(),
                "varReference" => config.var_reference = specs()?.into(),
                "nameReference" => {
                    config.name_reference =
                        back_refs(value).map_err(|e| format!("nameReference: {e}"))?
                }
                other => return Err(format!("json: unknown field \"{other}\"")),
            }
        }
        config.sort();
        Ok(config)
    }

    /// Merges another configuration into this one, as kustomize's `Merge`
    /// does: each incoming spec is added unless an existing spec with the same
    /// path already selects its kind; then every table is sorted by kind.
    ///
    /// The order matters: merging a sorted table into an empty one lets a
    /// kind-specific spec swallow a general one with the same path, which is
    /// how a user's `namePrefix: [{path: metadata/name, kind: Foo}]` stops
    /// every other kind from being prefixed.
    pub fn merge(&mut self, other: &TransformerConfig) -> Result<(), String> {
        merge_specs(Arc::make_mut(&mut self.name_prefix), &other.name_prefix)?;
        merge_specs(Arc::make_mut(&mut self.name_suffix), &other.name_suffix)?;
        merge_specs(Arc::make_mut(&mut self.namespace), &other.namespace)?;
        merge_specs(Arc::make_mut(&mut self.common_labels), &other.common_labels)?;
        merge_specs(
            Arc::make_mut(&mut self.template_labels),
            &other.template_labels,
        )?;
        merge_specs(Arc::make_mut(&mut self.labels), &other.labels)?;
        merge_specs(
            Arc::make_mut(&mut self.common_annotations),
            &other.common_annotations,
        )?;
        merge_specs(Arc::make_mut(&mut self.images), &other.images)?;
        merge_specs(Arc::make_mut(&mut self.replicas), &other.replicas)?;
        merge_specs(Arc::make_mut(&mut self.var_reference), &other.var_reference)?;
        for incoming in &other.name_reference {
            match self
                .name_reference
                .iter_mut()
                .find(|r| r.gvk == incoming.gvk)
            {
                Some(existing) => merge_specs(&mut existing.referrers, &incoming.referrers)?,
                None => self.name_reference.push(incoming.clone()),
            }
        }
        self.sort();
        Ok(())
    }

    /// kustomize's `sortFields`: every table ordered by kind rank, then by
    /// `group_version_kind`.
    fn sort(&mut self) {
        for specs in [
            &mut self.name_prefix,
            &mut self.name_suffix,
            &mut self.namespace,
            &mut self.common_labels,
            &mut self.template_labels,
            &mut self.labels,
            &mut self.common_annotations,
            &mut self.images,
            &mut self.replicas,
            &mut self.var_reference,
        ] {
            Arc::make_mut(specs).sort_by_cached_key(|s| gvk_order(&s.gvk));
        }
        self.name_reference
            .sort_by_cached_key(|r| gvk_order(&r.gvk));
    }
}

/// kustomize's `crds:` support: walks OpenAPI definitions (a map of type name
/// to `{Schema, Dependencies}`) and turns the `x-kubernetes-*` annotations on
/// properties of Kubernetes-like types into field specs.
pub fn from_crd_definitions(doc: &Value) -> Result<TransformerConfig, String> {
    let defs = doc
        .as_map()
        .ok_or("an OpenAPI definition file must be a map of type names")?;
    let mut config = TransformerConfig::default();
    for (name, def) in defs {
        let props = schema_properties(def);
        let k8s_like = props.is_some_and(|p| {
            ["kind", "apiVersion", "metadata"]
                .iter()
                .all(|k| p.contains_key(k))
        });
        if !k8s_like {
            continue;
        }
        let kind = name.rsplit('.').next().unwrap_or(name);
        let gvk = Gvk {
            kind: kind.to_owned(),
            ..Gvk::default()
        };
        let mut own = TransformerConfig::default();
        crd_properties(&mut own, &gvk, defs, name, &mut Vec::new(), 0)?;
        config.merge(&own)?;
    }
    Ok(config)
}

/// The `properties` of a definition (`Schema` matched as Go's JSON decoder
/// matches field names, ignoring case).
fn schema_properties(def: &Value) -> Option<&krust_yaml::Mapping> {
    let schema = def
        .as_map()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("schema"))?
        .1;
    schema.get("properties")?.as_map()
}

fn crd_properties(
    config: &mut TransformerConfig,
    gvk: &Gvk,
    defs: &krust_yaml::Mapping,
    type_name: &str,
    path: &mut Vec<String>,
    depth: usize,
) -> Result<(), String> {
    // Definitions may refer to each other in cycles; kustomize would recurse forever.
    if depth > 64 {
        return Err(format!(
            "OpenAPI definitions nest too deeply at '{type_name}'"
        ));
    }
    let Some(props) = defs.get(type_name).and_then(schema_properties) else {
        return Ok(());
    };
    for (prop, schema) in props {
        path.push(prop.clone());
        let spec = |extra: Option<&str>| {
            let mut p = path.join("/");
            if let Some(extra) = extra {
                p = format!("{p}/{extra}");
            }
            FieldSpec::new(&gvk.group, &gvk.version, &gvk.kind, &p, false)
        };
        let ext = |key: &str| schema.get(key).and_then(Value::as_str);
        if ext("x-kubernetes-annotation").is_some() {
            merge_specs(Arc::make_mut(&mut config.common_annotations), &[spec(None)])?;
        }
        if ext("x-kubernetes-label-selector").is_some() {
            merge_specs(Arc::make_mut(&mut config.common_labels), &[spec(None)])?;
        }
        if ext("x-kubernetes-identity").is_some() {
            merge_specs(Arc::make_mut(&mut config.name_prefix), &[spec(None)])?;
        }
        if let (Some(version), Some(kind)) = (
            ext("x-kubernetes-object-ref-api-version"),
            ext("x-kubernetes-object-ref-kind"),
        ) {
            let name_key = ext("x-kubernetes-object-ref-name-key").unwrap_or("name");
            let refs = NameBackRefs {
                gvk: Gvk {
                    group: String::new(),
                    version: version.to_owned(),
                    kind: kind.to_owned(),
                },
                referrers: vec![spec(Some(name_key))],
            };
            config.merge(&TransformerConfig {
                name_reference: vec![refs],
                ..TransformerConfig::default()
            })?;
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            crd_properties(config, gvk, defs, reference, path, depth + 1)?;
        }
        path.pop();
    }
    Ok(())
}

/// The sort key kustomize gives a field spec's selector (`Gvk.IsLessThan`).
fn gvk_order(gvk: &Gvk) -> (i64, String) {
    use crate::transform::sort::{DEFAULT_ORDER_FIRST, DEFAULT_ORDER_LAST};
    let first = DEFAULT_ORDER_FIRST.iter().position(|k| *k == gvk.kind);
    let last = DEFAULT_ORDER_LAST.iter().position(|k| *k == gvk.kind);
    let rank = match (first, last) {
        (Some(i), _) => i as i64 - DEFAULT_ORDER_FIRST.len() as i64,
        (None, Some(i)) => i as i64 + 1,
        (None, None) => 0,
    };
    (rank, gvk.sort_string())
}

fn specs(value: &Value) -> Result<Vec<FieldSpec>, String> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Seq(items) => items
            .iter()
            .map(|item| field_spec(with_path_coerced(item)?.as_ref()))
            .collect(),
        other => Err(format!("expected a list, found {}", other.type_name())),
    }
}

/// A field spec with a number or boolean `path` turned into text, as
/// sigs.k8s.io/yaml's `Unmarshal` does before decoding (`path: 0.5` is the
/// field `0.5`); `group`, `version` and `kind` come from an embedded struct,
/// which that conversion skips, so they must be strings already.
fn with_path_coerced(item: &Value) -> Result<std::borrow::Cow<'_, Value>, String> {
    use std::borrow::Cow;
    let Value::Map(map) = item else {
        return Ok(Cow::Borrowed(item));
    };
    let is_path = |k: &str, v: &Value| {
        k.eq_ignore_ascii_case("path")
            && matches!(
                v,
                Value::Int(_) | Value::UInt(_) | Value::Float(_) | Value::Bool(_)
            )
    };
    if !map.iter().any(|(k, v)| is_path(k, v)) {
        return Ok(Cow::Borrowed(item));
    }
    let mut map = map.clone();
    for (k, v) in map.iter_mut() {
        if is_path(k, v) {
            *v = Value::String(crate::decode::coerced_string(v)?);
        }
    }
    Ok(Cow::Owned(Value::Map(map)))
}

fn back_refs(value: &Value) -> Result<Vec<NameBackRefs>, String> {
    if value.is_null() {
        return Ok(Vec::new());
    }
    let Some(items) = value.as_seq() else {
        return Err(format!("expected a list, found {}", value.type_name()));
    };
    items
        .iter()
        .map(|item| {
            let map = item.as_map().ok_or("expected a map")?;
            let mut refs = NameBackRefs {
                gvk: Gvk::default(),
                referrers: Vec::new(),
            };
            for (key, v) in map {
                let s = || {
                    v.as_str()
                        .map(str::to_owned)
                        .ok_or(format!("{key}: expected a string"))
                };
                match key.as_str() {
                    "group" => refs.gvk.group = s()?,
                    "version" => refs.gvk.version = s()?,
                    "kind" => refs.gvk.kind = s()?,
                    "fieldSpecs" => refs.referrers = specs(v)?,
                    other => return Err(format!("json: unknown field \"{other}\"")),
                }
            }
            Ok(refs)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_tables_load() {
        let c = TransformerConfig::builtin();
        assert!(c
            .common_labels
            .iter()
            .any(|s| s.path == "spec/selector" && s.gvk.kind == "Service"));
        assert!(c.name_prefix.iter().any(|s| s.path == "metadata/name"));
        let cm = c
            .name_reference
            .iter()
            .find(|r| r.gvk.kind == "ConfigMap")
            .unwrap();
        assert!(cm.referrers.len() > 10);
    }

    #[test]
    fn crd_annotations_become_field_specs() {
        let doc = krust_yaml::load_documents(
            r#"{"example.com/v1.Bee": {"Schema": {"properties": {
                 "apiVersion": {}, "kind": {}, "metadata": {},
                 "spec": {"$ref": "example.com/v1.BeeSpec"}}}},
               "example.com/v1.BeeSpec": {"Schema": {"properties": {
                 "secretRef": {"x-kubernetes-object-ref-api-version": "v1", "x-kubernetes-object-ref-kind": "Secret"},
                 "selector": {"x-kubernetes-label-selector": ""}}}}}"#,
        )
        .unwrap();
        let config = from_crd_definitions(&doc[0]).unwrap();
        assert_eq!(config.common_labels[0].path, "spec/selector");
        assert_eq!(config.common_labels[0].gvk.kind, "Bee");
        let secret = &config.name_reference[0];
        assert_eq!(secret.gvk.kind, "Secret");
        assert_eq!(secret.referrers[0].path, "spec/secretRef/name");
    }

    #[test]
    fn rejects_unknown_tables() {
        assert!(TransformerConfig::parse("bogus: []\n").is_err());
    }
}
