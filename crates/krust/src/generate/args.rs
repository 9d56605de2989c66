//! Decoding `configMapGenerator:`, `secretGenerator:` and `generatorOptions:`
//! entries as kustomize does.
//!
//! kustomize converts the kustomization's YAML to JSON (which sorts every
//! map's keys) and decodes it with Go's `encoding/json` and unknown fields
//! disallowed. Hence the rules reproduced here: keys are visited in sorted
//! byte order and the first problem met is the one reported; a key matches
//! a field exactly or else case-insensitively, and when two keys match the
//! same field the later one (in sorted order) wins; `null` resets a list, map
//! or `options` and leaves a string or bool untouched; a `null` list element
//! or map value reads as `""`. Messages are Go's, e.g.
//! `json: cannot unmarshal number into Go struct field
//! ConfigMapArgs.configMapGenerator.name of type string`; kustomize prefixes
//! them with `invalid Kustomization: `.

use crate::string_map::StringMap;
use krust_yaml::{Mapping, Value};

/// Which generator an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GeneratorKind {
    /// `configMapGenerator:`.
    #[default]
    ConfigMap,
    /// `secretGenerator:`.
    Secret,
}

impl GeneratorKind {
    /// The kind of object generated: `ConfigMap` or `Secret`.
    pub fn object_kind(self) -> &'static str {
        match self {
            GeneratorKind::ConfigMap => "ConfigMap",
            GeneratorKind::Secret => "Secret",
        }
    }

    /// The built-in plugin kind (`ConfigMapGenerator`, `SecretGenerator`), as
    /// origin annotations and some error messages name it.
    pub fn plugin_kind(self) -> &'static str {
        match self {
            GeneratorKind::ConfigMap => "ConfigMapGenerator",
            GeneratorKind::Secret => "SecretGenerator",
        }
    }

    /// The kustomization field listing such generators.
    pub fn field(self) -> &'static str {
        match self {
            GeneratorKind::ConfigMap => "configMapGenerator",
            GeneratorKind::Secret => "secretGenerator",
        }
    }

    fn go_struct(self) -> &'static str {
        match self {
            GeneratorKind::ConfigMap => "ConfigMapArgs",
            GeneratorKind::Secret => "SecretArgs",
        }
    }
}

/// `generatorOptions:` at the top of a kustomization, or `options:` of one
/// generator.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GeneratorOptions {
    /// Labels to set on the generated object.
    pub labels: StringMap,
    /// Annotations to set on the generated object.
    pub annotations: StringMap,
    /// Do not append a content hash to the name.
    pub disable_name_suffix_hash: bool,
    /// Set `immutable: true`.
    pub immutable: bool,
}

impl GeneratorOptions {
    /// kustomize's `MergeGlobalOptionsIntoLocal`: the generator's own labels
    /// and annotations win over the kustomization-wide ones; either flag set
    /// anywhere is set.
    pub fn merged(local: Option<&GeneratorOptions>, global: Option<&GeneratorOptions>) -> Self {
        let mut out = local.cloned().unwrap_or_default();
        if let Some(global) = global {
            for (k, v) in &global.labels {
                out.labels.get_or_insert_with(k.clone(), || v.clone());
            }
            for (k, v) in &global.annotations {
                out.annotations.get_or_insert_with(k.clone(), || v.clone());
            }
            out.disable_name_suffix_hash |= global.disable_name_suffix_hash;
            out.immutable |= global.immutable;
        }
        out
    }
}

/// One entry of `configMapGenerator:` or `secretGenerator:`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GeneratorArgs {
    /// ConfigMap or Secret.
    pub kind: GeneratorKind,
    /// `name` (required when generating).
    pub name: String,
    /// `namespace`.
    pub namespace: String,
    /// `behavior` as written (`create`, `merge` or `replace`; empty is `create`).
    pub behavior: String,
    /// `literals`: `key=value`.
    pub literals: Vec<String>,
    /// `files`: `path` or `key=path`.
    pub files: Vec<String>,
    /// `envs`, followed by the legacy `env` when set (kustomize's
    /// `FixKustomization` moves it there).
    pub envs: Vec<String>,
    /// `options`.
    pub options: Option<GeneratorOptions>,
    /// `type` (Secrets only; empty means `Opaque`).
    pub secret_type: String,
}

const ARGS_FIELDS: &[&str] = &[
    "namespace",
    "name",
    "behavior",
    "literals",
    "files",
    "envs",
    "env",
    "options",
];
const SECRET_FIELDS: &[&str] = &[
    "namespace",
    "name",
    "behavior",
    "literals",
    "files",
    "envs",
    "env",
    "options",
    "type",
];
const OPTION_FIELDS: &[&str] = &[
    "labels",
    "annotations",
    "disableNameSuffixHash",
    "immutable",
];

/// Decodes one `configMapGenerator:` entry.
pub fn configmap_args(v: &Value) -> Result<GeneratorArgs, String> {
    args(v, GeneratorKind::ConfigMap)
}

/// Decodes one `secretGenerator:` entry.
pub fn secret_args(v: &Value) -> Result<GeneratorArgs, String> {
    args(v, GeneratorKind::Secret)
}

/// Decodes the whole `configMapGenerator:` list (`null` is an empty list).
pub fn configmap_generators(v: &Value) -> Result<Vec<GeneratorArgs>, String> {
    generator_list(v, GeneratorKind::ConfigMap)
}

/// Decodes the whole `secretGenerator:` list (`null` is an empty list).
pub fn secret_generators(v: &Value) -> Result<Vec<GeneratorArgs>, String> {
    generator_list(v, GeneratorKind::Secret)
}

/// Decodes the kustomization-level `generatorOptions:` (`null` gives the
/// defaults, which behave exactly as no options).
pub fn generator_options(v: &Value) -> Result<GeneratorOptions, String> {
    if v.is_null() {
        return Ok(GeneratorOptions::default());
    }
    if !matches!(v, Value::Map(_)) {
        return Err(type_error(
            v,
            "Kustomization",
            "generatorOptions",
            "types.GeneratorOptions",
        ));
    }
    options(v, "generatorOptions")
}

fn generator_list(v: &Value, kind: GeneratorKind) -> Result<Vec<GeneratorArgs>, String> {
    let element_type = format!("types.{}", kind.go_struct());
    match v {
        Value::Null => Ok(Vec::new()),
        Value::Seq(items) => items
            .iter()
            .map(|item| match item {
                Value::Null | Value::Map(_) => args(item, kind),
                other => Err(type_error(
                    other,
                    "Kustomization",
                    kind.field(),
                    &element_type,
                )),
            })
            .collect(),
        other => Err(type_error(
            other,
            "Kustomization",
            kind.field(),
            &format!("[]{element_type}"),
        )),
    }
}

fn args(v: &Value, kind: GeneratorKind) -> Result<GeneratorArgs, String> {
    let mut out = GeneratorArgs {
        kind,
        ..GeneratorArgs::default()
    };
    let map = match v {
        Value::Null => return Ok(out),
        Value::Map(m) => m,
        other => {
            return Err(type_error(
                other,
                "Kustomization",
                kind.field(),
                &format!("types.{}", kind.go_struct()),
            ))
        }
    };
    let known = match kind {
        GeneratorKind::ConfigMap => ARGS_FIELDS,
        GeneratorKind::Secret => SECRET_FIELDS,
    };
    let st = kind.go_struct();
    let mut env = String::new();
    for (key, value) in sorted(map) {
        let field = match_field(key, known).ok_or_else(|| unknown_field(key))?;
        let path = format!("{}.{field}", kind.field());
        match field {
            "namespace" => set_string(&mut out.namespace, value, st, &path)?,
            "name" => set_string(&mut out.name, value, st, &path)?,
            "behavior" => set_string(&mut out.behavior, value, st, &path)?,
            "type" => set_string(&mut out.secret_type, value, st, &path)?,
            "env" => set_string(&mut env, value, st, &path)?,
            "literals" => out.literals = string_list(value, st, &path)?,
            "files" => out.files = string_list(value, st, &path)?,
            "envs" => out.envs = string_list(value, st, &path)?,
            _ => {
                out.options = match value {
                    Value::Null => None,
                    Value::Map(_) => Some(options(value, &path)?),
                    other => {
                        return Err(type_error(other, st, &path, "types.GeneratorOptions"));
                    }
                }
            }
        }
    }
    if !env.is_empty() {
        out.envs.push(env);
    }
    Ok(out)
}

/// Decodes a `GeneratorOptions` map found at `path`.
fn options(v: &Value, path: &str) -> Result<GeneratorOptions, String> {
    let mut out = GeneratorOptions::default();
    let Value::Map(map) = v else {
        return Ok(out);
    };
    const ST: &str = "GeneratorOptions";
    for (key, value) in sorted(map) {
        let field = match_field(key, OPTION_FIELDS).ok_or_else(|| unknown_field(key))?;
        let path = format!("{path}.{field}");
        match field {
            "labels" => out.labels = string_map(value, ST, &path)?,
            "annotations" => out.annotations = string_map(value, ST, &path)?,
            "disableNameSuffixHash" => {
                set_bool(&mut out.disable_name_suffix_hash, value, ST, &path)?
            }
            _ => set_bool(&mut out.immutable, value, ST, &path)?,
        }
    }
    Ok(out)
}

/// A map's entries in the order Go's decoder sees them after kustomize's
/// YAML → JSON conversion: sorted by key bytes.
fn sorted(map: &Mapping) -> Vec<(&String, &Value)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

/// The field `key` names: an exact match, else one equal under Go's case folding.
fn match_field(key: &str, known: &[&'static str]) -> Option<&'static str> {
    known
        .iter()
        .find(|f| **f == key)
        .or_else(|| known.iter().find(|f| fold(f) == fold(key)))
        .copied()
}

/// Go's `foldName` restricted to what can equal an ASCII field name: ASCII
/// letters uppercased, and the two non-ASCII runes that fold onto ASCII ones
/// (U+017F long s, U+212A Kelvin sign).
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{17f}' => 'S',
            '\u{212a}' => 'K',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

fn unknown_field(key: &str) -> String {
    format!("json: unknown field \"{key}\"")
}

/// Go's name for a JSON value's type in `UnmarshalTypeError`.
fn go_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::UInt(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::Seq(_) => "array",
        Value::Map(_) => "object",
    }
}

fn type_error(got: &Value, st: &str, path: &str, ty: &str) -> String {
    format!(
        "json: cannot unmarshal {} into Go struct field {st}.{path} of type {ty}",
        go_kind(got)
    )
}

fn set_string(slot: &mut String, v: &Value, st: &str, path: &str) -> Result<(), String> {
    match v {
        Value::Null => Ok(()),
        Value::String(s) => {
            *slot = s.clone();
            Ok(())
        }
        other => Err(type_error(other, st, path, "string")),
    }
}

fn set_bool(slot: &mut bool, v: &Value, st: &str, path: &str) -> Result<(), String> {
    match v {
        Value::Null => Ok(()),
        Value::Bool(b) => {
            *slot = *b;
            Ok(())
        }
        other => Err(type_error(other, st, path, "bool")),
    }
}

fn string_list(v: &Value, st: &str, path: &str) -> Result<Vec<String>, String> {
    match v {
        Value::Null => Ok(Vec::new()),
        Value::Seq(items) => items
            .iter()
            .map(|item| {
                let mut s = String::new();
                set_string(&mut s, item, st, path)?;
                Ok(s)
            })
            .collect(),
        other => Err(type_error(other, st, path, "[]string")),
    }
}

fn string_map(v: &Value, st: &str, path: &str) -> Result<StringMap, String> {
    match v {
        Value::Null => Ok(StringMap::new()),
        Value::Map(m) => sorted(m)
            .into_iter()
            .map(|(k, item)| {
                let mut s = String::new();
                set_string(&mut s, item, st, path)?;
                Ok((k.clone(), s))
            })
            .collect(),
        other => Err(type_error(other, st, path, "map[string]string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(src: &str) -> Value {
        krust_yaml::load_documents(src).unwrap().remove(0)
    }

    fn cm(src: &str) -> Result<GeneratorArgs, String> {
        configmap_args(&yaml(src))
    }

    #[test]
    fn decodes_every_field() {
        let a = cm("name: n\nnamespace: ns\nbehavior: merge\nliterals: [a=b]\nfiles: [f, k=g]\nenvs: [e1]\nenv: e0\noptions: {labels: {l: v}, annotations: {x: y2}, disableNameSuffixHash: true, immutable: true}\n").unwrap();
        assert_eq!(a.name, "n");
        assert_eq!(a.namespace, "ns");
        assert_eq!(a.behavior, "merge");
        assert_eq!(a.literals, ["a=b"]);
        assert_eq!(a.files, ["f", "k=g"]);
        // legacy `env` goes after `envs`
        assert_eq!(a.envs, ["e1", "e0"]);
        let o = a.options.unwrap();
        assert_eq!(o.labels["l"], "v");
        assert_eq!(o.annotations["x"], "y2");
        assert!(o.disable_name_suffix_hash && o.immutable);
        let s = secret_args(&yaml("name: s\ntype: kubernetes.io/tls\n")).unwrap();
        assert_eq!(s.secret_type, "kubernetes.io/tls");
        assert_eq!(s.kind, GeneratorKind::Secret);
    }

    /// Messages as `kubectl kustomize` prints them (after `invalid Kustomization: `).
    #[test]
    fn errors_use_go_wording() {
        let cases = [
            ("literals: a=1", "json: cannot unmarshal string into Go struct field ConfigMapArgs.configMapGenerator.literals of type []string"),
            ("literals: [1]", "json: cannot unmarshal number into Go struct field ConfigMapArgs.configMapGenerator.literals of type string"),
            ("literals: [[1]]", "json: cannot unmarshal array into Go struct field ConfigMapArgs.configMapGenerator.literals of type string"),
            ("name: [a]", "json: cannot unmarshal array into Go struct field ConfigMapArgs.configMapGenerator.name of type string"),
            ("behavior: true", "json: cannot unmarshal bool into Go struct field ConfigMapArgs.configMapGenerator.behavior of type string"),
            ("options: {labels: {a: 1}}", "json: cannot unmarshal number into Go struct field GeneratorOptions.configMapGenerator.options.labels of type string"),
            ("options: {labels: []}", "json: cannot unmarshal array into Go struct field GeneratorOptions.configMapGenerator.options.labels of type map[string]string"),
            ("options: {disableNameSuffixHash: \"true\"}", "json: cannot unmarshal string into Go struct field GeneratorOptions.configMapGenerator.options.disableNameSuffixHash of type bool"),
            ("options: {immutable: 1}", "json: cannot unmarshal number into Go struct field GeneratorOptions.configMapGenerator.options.immutable of type bool"),
            ("options: []", "json: cannot unmarshal array into Go struct field ConfigMapArgs.configMapGenerator.options of type types.GeneratorOptions"),
            ("env: [a]", "json: cannot unmarshal array into Go struct field ConfigMapArgs.configMapGenerator.env of type string"),
            ("namespace: {}", "json: cannot unmarshal object into Go struct field ConfigMapArgs.configMapGenerator.namespace of type string"),
            ("type: x", "json: unknown field \"type\""),
            ("bogus: 1\nliterals: [a=1]", "json: unknown field \"bogus\""),
            // the first problem in sorted key order wins
            ("literals: [a=1]\noptions: {labels: {a: 1}, bogus: 2}", "json: unknown field \"bogus\""),
            ("options: {labels: {a: 1}}\nbogus: 2", "json: unknown field \"bogus\""),
        ];
        for (src, want) in cases {
            assert_eq!(cm(src).unwrap_err(), want, "{src}");
        }
        assert_eq!(
            secret_args(&yaml("name: s\ntype: 1\n")).unwrap_err(),
            "json: cannot unmarshal number into Go struct field SecretArgs.secretGenerator.type of type string"
        );
        assert_eq!(
            secret_args(&yaml("options: {labels: {a: 1}}\n")).unwrap_err(),
            "json: cannot unmarshal number into Go struct field GeneratorOptions.secretGenerator.options.labels of type string"
        );
        assert_eq!(
            generator_options(&yaml("labels: {a: 1}\n")).unwrap_err(),
            "json: cannot unmarshal number into Go struct field GeneratorOptions.generatorOptions.labels of type string"
        );
        assert_eq!(
            generator_options(&yaml("bogus: 1\n")).unwrap_err(),
            "json: unknown field \"bogus\""
        );
        assert_eq!(
            generator_options(&yaml("[]\n")).unwrap_err(),
            "json: cannot unmarshal array into Go struct field Kustomization.generatorOptions of type types.GeneratorOptions"
        );
        assert_eq!(
            configmap_generators(&yaml("{}\n")).unwrap_err(),
            "json: cannot unmarshal object into Go struct field Kustomization.configMapGenerator of type []types.ConfigMapArgs"
        );
        assert_eq!(
            configmap_generators(&yaml("[1]\n")).unwrap_err(),
            "json: cannot unmarshal number into Go struct field Kustomization.configMapGenerator of type types.ConfigMapArgs"
        );
    }

    #[test]
    fn nulls_and_case_folding() {
        // `[null]` is an entry with no fields; a null element reads as "".
        let list = configmap_generators(&yaml("[null]\n")).unwrap();
        assert_eq!(list, [GeneratorArgs::default()]);
        assert_eq!(cm("literals: [null, x=y]").unwrap().literals, ["", "x=y"]);
        assert_eq!(
            cm("options: {labels: {a: null}}")
                .unwrap()
                .options
                .unwrap()
                .labels["a"],
            ""
        );
        let a = cm("name: a\noptions: null\nnamespace: null\nbehavior: null\n").unwrap();
        assert_eq!((a.name.as_str(), a.options), ("a", None));
        // `Literals` sorts before `literals`, so the latter wins (as kubectl shows).
        assert_eq!(
            cm("literals: [a=1]\nLiterals: [b=2]").unwrap().literals,
            ["a=1"]
        );
        assert_eq!(cm("NAME: x").unwrap().name, "x");
        assert_eq!(cm("nameſpace: x").unwrap().namespace, "x");
        assert!(secret_args(&yaml("TYPE: t\n")).is_ok());
    }

    #[test]
    fn options_merge_local_over_global() {
        let local = GeneratorOptions {
            labels: [("a".to_owned(), "local".to_owned())].into_iter().collect(),
            ..Default::default()
        };
        let global = GeneratorOptions {
            labels: [("a", "global"), ("b", "global")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            annotations: [("c".to_owned(), "g".to_owned())].into_iter().collect(),
            disable_name_suffix_hash: true,
            immutable: false,
        };
        let m = GeneratorOptions::merged(Some(&local), Some(&global));
        assert_eq!(m.labels["a"], "local");
        assert_eq!(m.labels["b"], "global");
        assert_eq!(m.annotations["c"], "g");
        assert!(m.disable_name_suffix_hash);
        assert!(!m.immutable);
        assert_eq!(
            GeneratorOptions::merged(None, None),
            GeneratorOptions::default()
        );
    }
}
