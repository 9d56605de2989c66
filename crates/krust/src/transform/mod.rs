//! The built-in transformers a kustomization's fields configure, one module
//! each, all driven by field specs from [`crate::config::TransformerConfig`].

pub mod annotations;
pub mod images;
pub mod labels;
pub mod nameref;
pub mod namespace;
pub mod patch;
pub mod prefix_suffix;
pub mod replacements;
pub mod replicas;
pub mod sort;
pub mod vars;

use krust_yaml::Value;

/// Sets `key: value` in the map at `node` (a null node becomes a map), as
/// kustomize's `SetEntry` does for labels and annotations.
pub(crate) fn set_entry(node: &mut Value, key: &str, value: &str) -> Result<(), String> {
    // kyaml reads an empty key as the map itself, and then refuses to set
    // a scalar there: kustomize fails on every object the pair would reach.
    if key.is_empty() {
        return Err(
            "an empty key cannot be set (wrong node kind: expected ScalarNode but got MappingNode)"
                .into(),
        );
    }
    match node {
        // A null field the spec does not create: kyaml appends the entry to
        // the null scalar's content, where nothing ever reads it.
        Value::Null => Ok(()),
        Value::Map(m) => {
            m.insert(key.to_owned(), Value::from(value));
            Ok(())
        }
        other => Err(format!(
            "wrong node kind: expected a map to set '{key}', found {}",
            other.type_name()
        )),
    }
}

/// Replaces the scalar at `node` with a string, as kustomize's `SetScalar` does.
pub(crate) fn set_scalar(node: &mut Value, value: String) -> Result<(), String> {
    match node {
        Value::Map(_) | Value::Seq(_) => Err(format!(
            "wrong node kind: expected a scalar, found {}",
            node.type_name()
        )),
        _ => {
            *node = Value::String(value);
            Ok(())
        }
    }
}
