//! The go-yaml v2 emitter as kustomize uses it (sigs.k8s.io/yaml JSONToYAML).

use crate::Value;

/// Why a value cannot be printed (JSON has no NaN or infinity).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EmitError {
    /// A NaN or infinite float, which Go's JSON encoder rejects.
    #[error("unsupported value: {0}")]
    UnsupportedFloat(String),
}

/// Appends one document (no `---` separator) in kustomize's exact format.
pub fn emit_document(value: &Value, out: &mut String) -> Result<(), EmitError> {
    todo!("{value:?} {out}")
}

/// One document as a string in kustomize's exact format.
pub fn to_yaml_string(value: &Value) -> Result<String, EmitError> {
    let mut out = String::new();
    emit_document(value, &mut out)?;
    Ok(out)
}
