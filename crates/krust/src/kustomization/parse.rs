//! Strict decoding of a kustomization document, as Go's JSON decoder with
//! `DisallowUnknownFields` does it: unknown fields and wrongly typed values
//! are errors; `null` leaves a field unset; field names match exactly or,
//! failing that, ignoring ASCII case.

use krust_yaml::{Mapping, Value};

use super::helm;
use super::{
    Kustomization, LabelSet, LegacySortOptions, PatchSpec, SortOptions, COMPONENT_KIND,
    COMPONENT_VERSION, KUSTOMIZATION_KIND, KUSTOMIZATION_VERSION,
};
pub(crate) use crate::decode::{
    boolean, fields, map_of, seq_of, string, string_list, string_map, type_error, DecodeResult,
};
use crate::fieldspec::FieldSpec;
use crate::generate;
use crate::patch::Selector;
use crate::transform::images::ImageSpec;
use crate::transform::replicas::ReplicaSpec;
use crate::transform::{replacements, vars};

/// Every top-level field kustomize v5.5.0 knows, in its declaration order.
const KNOWN_FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "sortOptions",
    "resources",
    "components",
    "crds",
    "bases",
    "configMapGenerator",
    "secretGenerator",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "generatorOptions",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "buildMetadata",
];

/// Why a kustomization does not decode, and the top-level field at fault
/// (so that a message can point at its line).
#[derive(Debug, Clone, PartialEq)]
pub struct KustomizationError {
    /// The key as written, when one field is at fault.
    pub field: Option<String>,
    /// What is wrong, in kustomize's words.
    pub message: String,
}

impl std::fmt::Display for KustomizationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<KustomizationError> for String {
    fn from(e: KustomizationError) -> String {
        e.message
    }
}

/// Decodes a kustomization from its (only) YAML document. `None` is an empty file.
pub fn parse_kustomization(doc: Option<&Value>) -> Result<Kustomization, KustomizationError> {
    let mut field = None;
    decode(doc, &mut field).map_err(|message| KustomizationError { field, message })
}

/// [`parse_kustomization`], noting in `current` the key being decoded.
fn decode(doc: Option<&Value>, current: &mut Option<String>) -> Result<Kustomization, String> {
    let map = match doc {
        None | Some(Value::Null) => &Mapping::default(),
        Some(Value::Map(m)) => m,
        Some(other) => {
            return Err(format!(
                "invalid Kustomization: cannot unmarshal {} into a kustomization",
                other.type_name()
            ))
        }
    };
    let mut k = Kustomization::default();
    let mut bases = Vec::new();
    let mut image_tags = Vec::new();
    let mut legacy_helm = None;
    let mut empty = true;
    for (key, value) in map {
        *current = Some(key.clone());
        let field = canonical_field(key)
            .ok_or_else(|| format!("invalid Kustomization: json: unknown field \"{key}\""))?;
        if value.is_null() {
            continue;
        }
        if field != "apiVersion" && field != "kind" {
            empty = false;
        }
        let at = |e: String| format!("invalid Kustomization: field {field}: {e}");
        match field {
            "apiVersion" => k.api_version = string(value).map_err(at)?,
            "kind" => k.kind = string(value).map_err(at)?,
            "metadata" => {
                map_of(value).map_err(at)?;
            }
            "namePrefix" => k.name_prefix = Some(string(value).map_err(at)?),
            "nameSuffix" => k.name_suffix = Some(string(value).map_err(at)?),
            "namespace" => k.namespace = Some(string(value).map_err(at)?),
            "commonLabels" => k.common_labels = string_map(value).map_err(at)?,
            "commonAnnotations" => k.common_annotations = string_map(value).map_err(at)?,
            "labels" => k.labels = seq_of(value, label_set).map_err(at)?,
            "resources" => k.resources = string_list(value).map_err(at)?,
            "bases" => bases = string_list(value).map_err(at)?,
            "components" => k.components = string_list(value).map_err(at)?,
            "sortOptions" => k.sort_options = Some(sort_options(value).map_err(at)?),
            "buildMetadata" => k.build_metadata = string_list(value).map_err(at)?,
            "patches" => k.patches = seq_of(value, patch_spec).map_err(at)?,
            "patchesJson6902" => k.patches_json6902 = seq_of(value, patch_spec).map_err(at)?,
            "configurations" => k.configurations = string_list(value).map_err(at)?,
            "crds" => k.crds = string_list(value).map_err(at)?,
            "openapi" => k.openapi = string_map(value).map_err(at)?,
            "images" => k.images = seq_of(value, image_spec).map_err(at)?,
            "imageTags" => image_tags = seq_of(value, image_spec).map_err(at)?,
            "replicas" => k.replicas = seq_of(value, replica_spec).map_err(at)?,
            "transformers" => k.transformers = string_list(value).map_err(at)?,
            "generators" => k.generators = string_list(value).map_err(at)?,
            "replacements" => {
                k.replacements = seq_of(value, replacements::parse_replacement_entry).map_err(at)?
            }
            "vars" => k.vars = seq_of(value, vars::parse_var).map_err(at)?,
            "configMapGenerator" => {
                k.configmap_generators = generate::configmap_generators(value)
                    .map_err(|e| format!("invalid Kustomization: {e}"))?
            }
            "secretGenerator" => {
                k.secret_generators = generate::secret_generators(value)
                    .map_err(|e| format!("invalid Kustomization: {e}"))?
            }
            "generatorOptions" => {
                k.generator_options = Some(
                    generate::generator_options(value)
                        .map_err(|e| format!("invalid Kustomization: {e}"))?,
                )
            }
            "validators" => k.validators = string_list(value).map_err(at)?,
            "helmGlobals" => k.helm_globals = Some(helm::helm_globals(value).map_err(at)?),
            "helmCharts" => k.helm_charts = helm::helm_charts(value).map_err(at)?,
            "helmChartInflationGenerator" => {
                legacy_helm = Some(helm::legacy_charts(value).map_err(at)?)
            }
            "patchesStrategicMerge" => {
                k.patches_strategic_merge = string_list(value).map_err(at)?
            }
            other => k.unsupported.push((other.to_owned(), value.clone())),
        }
    }
    *current = None;
    if empty {
        return Err("kustomization.yaml is empty".into());
    }
    k.resources.extend(bases);
    k.images.extend(image_tags);
    if let Some((charts, globals)) = legacy_helm {
        k.helm_charts.extend(charts);
        let implied = !globals.chart_home.is_empty() || !globals.config_home.is_empty();
        if k.helm_globals.is_none() && implied {
            k.helm_globals = Some(globals);
        }
    }
    enforce_kind_and_version(&mut k)?;
    Ok(k)
}

/// Defaults `kind`/`apiVersion` and rejects values kustomize rejects.
fn enforce_kind_and_version(k: &mut Kustomization) -> Result<(), String> {
    let mut errs = Vec::new();
    if !k.kind.is_empty() && k.kind != KUSTOMIZATION_KIND && k.kind != COMPONENT_KIND {
        errs.push(format!(
            "kind should be {KUSTOMIZATION_KIND} or {COMPONENT_KIND}"
        ));
    }
    if k.kind.is_empty() {
        k.kind = KUSTOMIZATION_KIND.into();
    }
    let required = if k.is_component() {
        COMPONENT_VERSION
    } else {
        KUSTOMIZATION_VERSION
    };
    if k.api_version.is_empty() {
        k.api_version = required.into();
    } else if k.api_version != required {
        errs.push(format!("apiVersion for {} should be {required}", k.kind));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(format!("failed to read kustomization: {}", errs.join("; ")))
    }
}

/// The declared field `key` names, matched as Go's JSON decoder matches.
fn canonical_field(key: &str) -> Option<&'static str> {
    KNOWN_FIELDS
        .iter()
        .find(|f| **f == key)
        .or_else(|| KNOWN_FIELDS.iter().find(|f| f.eq_ignore_ascii_case(key)))
        .copied()
}

fn label_set(v: &Value) -> DecodeResult<LabelSet> {
    let mut l = LabelSet::default();
    for (field, value) in fields(
        v,
        &["pairs", "includeSelectors", "includeTemplates", "fields"],
    )? {
        match field {
            "pairs" => l.pairs = string_map(value)?,
            "includeSelectors" => l.include_selectors = boolean(value)?,
            "includeTemplates" => l.include_templates = boolean(value)?,
            _ => l.fields = seq_of(value, field_spec)?,
        }
    }
    Ok(l)
}

/// Decodes one field spec (`group`, `version`, `kind`, `path`, `create`).
pub fn field_spec(v: &Value) -> DecodeResult<FieldSpec> {
    let (mut group, mut version, mut kind, mut path, mut create) = (
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        false,
    );
    for (field, value) in fields(v, &["group", "version", "kind", "path", "create"])? {
        match field {
            "group" => group = string(value)?,
            "version" => version = string(value)?,
            "kind" => kind = string(value)?,
            "path" => path = string(value)?,
            _ => create = boolean(value)?,
        }
    }
    Ok(FieldSpec::new(&group, &version, &kind, &path, create))
}

pub(crate) fn patch_spec(v: &Value) -> DecodeResult<PatchSpec> {
    let mut p = PatchSpec::default();
    for (field, value) in fields(v, &["path", "patch", "target", "options"])? {
        match field {
            "path" => p.path = Some(string(value)?).filter(|s| !s.is_empty()),
            "patch" => p.patch = Some(string(value)?).filter(|s| !s.is_empty()),
            "target" => p.target = Some(selector(value)?),
            _ => {
                for (name, flag) in map_of(value)? {
                    match name.as_str() {
                        "allowNameChange" => p.allow_name_change = boolean(flag)?,
                        "allowKindChange" => p.allow_kind_change = boolean(flag)?,
                        other => p.other_options.push((other.to_owned(), boolean(flag)?)),
                    }
                }
            }
        }
    }
    Ok(p)
}

/// Decodes a `target:` selector.
pub fn selector(v: &Value) -> DecodeResult<Selector> {
    let mut s = Selector::default();
    for (field, value) in fields(v, &Selector::FIELDS)? {
        s.set(field, string(value)?);
    }
    Ok(s)
}

pub(crate) fn image_spec(v: &Value) -> DecodeResult<ImageSpec> {
    let mut image = ImageSpec::default();
    for (field, value) in fields(v, &["name", "newName", "newTag", "digest", "tagSuffix"])? {
        let text = string(value)?;
        match field {
            "name" => image.name = text,
            "newName" => image.new_name = text,
            "newTag" => image.new_tag = text,
            "digest" => image.digest = text,
            _ => image.tag_suffix = text,
        }
    }
    Ok(image)
}

pub(crate) fn replica_spec(v: &Value) -> DecodeResult<ReplicaSpec> {
    let mut replica = ReplicaSpec::default();
    for (field, value) in fields(v, &["name", "count"])? {
        match field {
            "name" => replica.name = string(value)?,
            _ => {
                replica.count = match value {
                    Value::Int(i) => *i,
                    Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => *f as i64,
                    other => return Err(type_error("int64", other)),
                }
            }
        }
    }
    Ok(replica)
}

fn sort_options(v: &Value) -> DecodeResult<SortOptions> {
    let mut s = SortOptions::default();
    for (field, value) in fields(v, &["order", "legacySortOptions"])? {
        match field {
            "order" => s.order = string(value)?,
            _ => {
                let mut l = LegacySortOptions::default();
                for (f, val) in fields(value, &["orderFirst", "orderLast"])? {
                    match f {
                        "orderFirst" => l.order_first = string_list(val)?,
                        _ => l.order_last = string_list(val)?,
                    }
                }
                s.legacy = Some(l);
            }
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Kustomization, String> {
        let docs = krust_yaml::load_documents(src).unwrap();
        parse_kustomization(docs.first()).map_err(String::from)
    }

    #[test]
    fn errors_name_the_field_at_fault_and_its_line() {
        let src = "# overlay\nnamespace: shop\n'images':\n  name: nginx\n";
        let docs = krust_yaml::load_documents(src).unwrap();
        let err = parse_kustomization(docs.first()).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("images"));
        assert_eq!(super::super::top_level_key_line(src, "images"), Some(3));
        assert_eq!(super::super::top_level_key_line(src, "name"), None);
        let docs = krust_yaml::load_documents("kind: Deployment\n").unwrap();
        assert_eq!(parse_kustomization(docs.first()).unwrap_err().field, None);
    }

    #[test]
    fn defaults_kind_and_version_and_appends_bases() {
        let k = parse("resources: [a.yaml]\nbases: [../base]\n").unwrap();
        assert_eq!(k.kind, "Kustomization");
        assert_eq!(k.api_version, KUSTOMIZATION_VERSION);
        assert_eq!(k.resources, ["a.yaml", "../base"]);
    }

    #[test]
    fn rejects_unknown_fields_and_bad_types() {
        assert!(parse("resourcez: []\n")
            .unwrap_err()
            .contains("unknown field \"resourcez\""));
        assert!(parse("namePrefix: 3\n").is_err());
        assert!(parse("commonLabels: {a: 1}\n").is_err());
        assert!(parse("labels: [{pairs: {a: b}, bogus: true}]\n").is_err());
    }

    #[test]
    fn matches_field_names_ignoring_case() {
        assert_eq!(
            parse("NamePrefix: p-\n").unwrap().name_prefix.as_deref(),
            Some("p-")
        );
    }

    #[test]
    fn empty_and_wrong_kind() {
        assert!(parse("").unwrap_err().contains("empty"));
        assert!(parse(
            "kind: Component\napiVersion: kustomize.config.k8s.io/v1beta1\nresources: []\n"
        )
        .is_err());
        assert!(parse("kind: Other\nresources: []\n").is_err());
    }
}
