//! Whatever the emitter prints, the loader reads back as the value kustomize's
//! JSON step leaves (floats with an integral JSON text become integers).
//!
//! Strings avoid NEL, LS and PS: go-yaml v2 treats them as line breaks (and the
//! JSON step folds NEL), so its output for them does not read back under YAML 1.2.

mod common;

use krust_yaml::{after_json_step, load_documents, to_yaml_string, Value};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn emitted_yaml_loads_back(inner in common::value()) {
        // Documents are objects; a bare null document is empty and skipped.
        let value = Value::from_map([("v".to_string(), inner)].into_iter().collect());
        // Keys whose JSON text is too long for go-yaml v2 are refused, as kustomize does.
        let yaml = to_yaml_string(&value);
        prop_assume!(yaml.is_ok());
        let yaml = yaml.unwrap();
        let docs = load_documents(&yaml).map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?;
        prop_assert_eq!(docs, vec![after_json_step(&value)], "emitted:\n{}", yaml);
    }
}
