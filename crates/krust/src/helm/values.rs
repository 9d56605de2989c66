//! The values file kustomize hands helm: the chart's values file as is, or
//! merged with `valuesInline` (kyaml's `merge2`), or `valuesInline` alone.
//!
//! Only what helm reads from it matters (its formatting never reaches the
//! output), but the types do: inline values went through Go's
//! `encoding/json`, so their numbers are float64s (`2^53 + 1` loses its last
//! digit, `1e22` stays a float), and kustomization keys were read as YAML
//! 1.1 (`on:` is `"true":`). The chart's file is read as YAML 1.2.

use krust_yaml::{Mapping, Value};

/// `valuesMerge`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ValuesMerge {
    /// Inline values win over the chart's (the default).
    Override,
    /// The chart's values win; inline values only add keys.
    Merge,
    /// Inline values alone; the chart's file is not read.
    Replace,
}

impl ValuesMerge {
    /// Parses the setting; empty is `override`.
    pub(super) fn parse(text: &str) -> Result<ValuesMerge, String> {
        match text {
            "" | "override" => Ok(ValuesMerge::Override),
            "merge" => Ok(ValuesMerge::Merge),
            "replace" => Ok(ValuesMerge::Replace),
            _ => Err("valuesMerge must be one of [merge override replace]".into()),
        }
    }
}

/// The values file's content. `chart_values` reads the chart's (or the
/// configured) values file; it is called only when needed.
pub(super) fn values_file(
    inline: Option<&Value>,
    merge: ValuesMerge,
    chart_values: impl FnOnce() -> Result<Vec<u8>, crate::Error>,
) -> Result<Vec<u8>, ValuesError> {
    let inline = inline.filter(|v| v.as_map().is_some_and(|m| !m.is_empty()));
    let Some(inline) = inline else {
        return chart_values().map_err(ValuesError::Read);
    };
    let inline_text = marshal(&json_numbers(inline))?;
    if merge == ValuesMerge::Replace {
        return Ok(inline_text.into_bytes());
    }
    let file = chart_values().map_err(ValuesError::Read)?;
    let file = std::str::from_utf8(&file).map_err(|_| {
        ValuesError::Invalid("could not parse values file into rnode: not UTF-8".into())
    })?;
    let file = parse(file).map_err(|e| {
        ValuesError::Invalid(format!("could not parse values file into rnode: {e}"))
    })?;
    let inline = parse(&inline_text).map_err(|e| {
        ValuesError::Invalid(format!("could not parse values inline into rnode: {e}"))
    })?;
    let (src, dest) = match merge {
        ValuesMerge::Override => (inline, file),
        _ => (file, inline),
    };
    let merged = merge_values(&src, &dest)
        .map_err(|e| ValuesError::Invalid(format!("could not merge values: {e}")))?
        .unwrap_or_else(|| Value::from_map(Mapping::default()));
    Ok(marshal(&merged)?.into_bytes())
}

/// Why the values file could not be made.
#[derive(Debug)]
pub(super) enum ValuesError {
    /// Reading the chart's values file failed.
    Read(crate::Error),
    /// The values do not parse or merge.
    Invalid(String),
}

/// sigs.k8s.io/yaml's `Marshal`: JSON, then YAML (sorted keys).
fn marshal(value: &Value) -> Result<String, ValuesError> {
    krust_yaml::to_yaml_string(value).map_err(|e| ValuesError::Invalid(e.to_string()))
}

/// One YAML 1.2 document as kyaml reads it; empty text is an empty map.
fn parse(text: &str) -> Result<Value, String> {
    let docs = krust_yaml::load_documents(text).map_err(|e| e.to_string())?;
    Ok(docs
        .into_iter()
        .next()
        .unwrap_or_else(|| Value::from_map(Mapping::default())))
}

/// Every number as the float64 Go's JSON decoding made of it.
fn json_numbers(value: &Value) -> Value {
    match value {
        Value::Int(i) => Value::Float(*i as f64),
        Value::UInt(u) => Value::Float(*u as f64),
        Value::Seq(items) => Value::Seq(items.iter().map(json_numbers).collect()),
        Value::Map(map) => Value::from_map(
            map.iter()
                .map(|(k, v)| (k.clone(), json_numbers(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// kyaml's `merge2.Merge(src, dest)` without a schema: maps merge key by
/// key, a `null` in `src` deletes the key, anything else in `src` (lists
/// included, whole) replaces what `dest` has; a map meeting a non-map is an
/// error. `None` is a deleted value.
fn merge_values(src: &Value, dest: &Value) -> Result<Option<Value>, String> {
    match (src, dest) {
        (Value::Null, _) => Ok(None),
        (Value::Map(s), Value::Map(d)) => {
            let mut out = (**d).clone();
            for (key, value) in s.iter() {
                let merged = match out.get(key) {
                    Some(existing) if !existing.is_null() => merge_values(value, existing)?,
                    _ => without_nulls(value),
                };
                match merged {
                    Some(v) => {
                        out.insert(key.clone(), v);
                    }
                    None => {
                        out.shift_remove(key);
                    }
                }
            }
            Ok(Some(Value::from_map(out)))
        }
        (Value::Map(_), Value::Null) => Ok(without_nulls(src)),
        (Value::Map(_), _) | (_, Value::Map(_)) => Err(kind_mismatch(src, dest)),
        _ => Ok(Some(src.clone())),
    }
}

/// A value added where `dest` had none: its map fields set to `null` are
/// left out, as the merge clears them.
fn without_nulls(value: &Value) -> Option<Value> {
    match value {
        Value::Null => None,
        Value::Map(map) => Some(Value::from_map(
            map.iter()
                .filter_map(|(k, v)| without_nulls(v).map(|v| (k.clone(), v)))
                .collect(),
        )),
        other => Some(other.clone()),
    }
}

fn node_kind(value: &Value) -> &'static str {
    match value {
        Value::Map(_) => "MappingNode",
        Value::Seq(_) => "SequenceNode",
        _ => "ScalarNode",
    }
}

fn kind_mismatch(src: &Value, dest: &Value) -> String {
    let text = krust_yaml::to_yaml_string(src).unwrap_or_default();
    format!(
        "wrong node kind: expected {} but got {}: node contents:\n{text}",
        node_kind(dest),
        node_kind(src)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kust_values(text: &str) -> Value {
        let options = krust_yaml::LoadOptions::sigs_k8s_yaml();
        krust_yaml::load_documents_with(text, options)
            .unwrap()
            .remove(0)
    }

    fn made(inline: &str, merge: ValuesMerge, chart: &str) -> String {
        let inline = kust_values(inline);
        let chart = chart.as_bytes().to_vec();
        let out = values_file(Some(&inline), merge, || Ok(chart)).unwrap();
        String::from_utf8(out).unwrap()
    }

    const CHART: &str = "# defaults\nimage: {repo: nginx, tag: \"1.25\"}\nlist: [a, b]\nextra: false\nannotations: {}\n";

    #[test]
    fn override_lets_inline_values_win_and_delete() {
        let out = made(
            "image: {tag: \"2\"}\nlist: [c]\nextra: ~\nannotations: {}\nnew: {x: 1, gone: null}\n",
            ValuesMerge::Override,
            CHART,
        );
        assert_eq!(
            out,
            "annotations: {}\nimage:\n  repo: nginx\n  tag: \"2\"\nlist:\n- c\nnew:\n  x: 1\n"
        );
    }

    #[test]
    fn merge_lets_the_chart_win() {
        let out = made(
            "image: {tag: \"2\", pull: Always}\nlist: [c]\n",
            ValuesMerge::Merge,
            CHART,
        );
        assert_eq!(
            out,
            "annotations: {}\nextra: false\nimage:\n  pull: Always\n  repo: nginx\n  tag: \"1.25\"\nlist:\n- a\n- b\n"
        );
    }

    #[test]
    fn inline_values_are_json_numbers_and_yaml_1_1_keys() {
        let out = made(
            "big: 9007199254740993\nhuge: 12345678901234567890123\nf: 1.50\non: 1\nn: 2\n",
            ValuesMerge::Replace,
            "",
        );
        assert_eq!(
            out,
            "big: 9007199254740992\nf: 1.5\n\"false\": 2\nhuge: 1.2345678901234568e+22\n\"true\": 1\n"
        );
    }

    #[test]
    fn without_inline_values_the_file_is_copied() {
        let out = values_file(None, ValuesMerge::Override, || {
            Ok(CHART.as_bytes().to_vec())
        });
        assert_eq!(out.unwrap(), CHART.as_bytes());
    }

    #[test]
    fn a_map_over_a_scalar_is_an_error() {
        let inline = kust_values("image: str\n");
        let chart = CHART.as_bytes().to_vec();
        let err = values_file(Some(&inline), ValuesMerge::Override, || Ok(chart)).unwrap_err();
        let ValuesError::Invalid(message) = err else {
            panic!("not a merge error")
        };
        assert!(message.contains("wrong node kind"), "{message}");
        assert!(ValuesMerge::parse("bogus").is_err());
    }
}
