//! Expected outputs here were produced by `kubectl kustomize` (kustomize
//! v5.5.0) on a kustomization with `resources: [target.yaml]` and
//! `patches: [{path: patch.yaml}]`.

mod kubectl;

use krust_yaml::Value;

use super::{merge, Outcome};
use crate::patch::Schema;

fn load(text: &str) -> Value {
    krust_yaml::load_documents(text).unwrap().remove(0)
}

/// Merges with the built-in schema and prints the result as kustomize would.
fn render(target: &str, patch: &str) -> Result<String, String> {
    let mut target = load(target);
    match merge(&mut target, &load(patch), Some(Schema::builtin()))? {
        Outcome::Deleted => Ok(String::new()),
        Outcome::Merged => Ok(krust_yaml::to_yaml_string(&target).unwrap()),
    }
}
