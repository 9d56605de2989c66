//! Map keys kyaml writes unquoted.
//!
//! When kyaml creates a field (a label a transformer adds, the annotations
//! `SetAnnotations` rewrites) it writes the key as a plain scalar. kustomize
//! later turns the object into JSON through go-yaml v3, which reads a plain
//! `16`, `true` or `null` as a number, a bool or null, and Go's JSON encoder
//! then refuses the map (`json: unsupported type: map[interface {}]interface
//! {}`). A key read from a file keeps its quotes and is never a problem.

use krust_yaml::{PathSeg, Value};

/// The message kustomize fails with, for the entry at `path`.
pub(crate) fn error(path: &[PathSeg]) -> String {
    let shown: Vec<String> = path
        .iter()
        .map(|seg| match seg {
            PathSeg::Key(k) => k.clone(),
            PathSeg::Index(i) => i.to_string(),
        })
        .collect();
    let key = shown.last().cloned().unwrap_or_default();
    format!(
        "the key '{key}' at {} is written unquoted by kustomize and then reads as a {}: json: unsupported type: map[interface {{}}]interface {{}}",
        shown.join("."),
        kind(&key)
    )
}

/// Whether `key`, written plain, reads as something other than a string.
pub(crate) fn is_troublesome(key: &str) -> bool {
    !krust_yaml::plain_scalar_is_string(key)
}

/// The keys of `obj`'s `metadata.<field>` that are troublesome when plain.
pub(crate) fn in_metadata_map(obj: &Value, field: &str) -> Vec<Vec<PathSeg>> {
    let Some(Value::Map(map)) = obj.get("metadata").and_then(|m| m.get(field)) else {
        return Vec::new();
    };
    map.keys()
        .filter(|k| is_troublesome(k))
        .map(|k| {
            vec![
                PathSeg::Key("metadata".into()),
                PathSeg::Key(field.into()),
                PathSeg::Key(k.clone()),
            ]
        })
        .collect()
}

/// Whether the entry at `path` still exists in `obj`.
pub(crate) fn present(obj: &Value, path: &[PathSeg]) -> bool {
    obj.at(path).is_some()
}

fn kind(key: &str) -> &'static str {
    match krust_yaml::load_documents(&format!("{key}\n"))
        .ok()
        .and_then(|d| d.into_iter().next())
    {
        Some(Value::Bool(_)) => "bool",
        Some(Value::Int(_) | Value::UInt(_)) => "number",
        Some(Value::Float(_)) => "number",
        _ => "null",
    }
}
