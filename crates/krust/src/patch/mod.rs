//! Patches: strategic merge, JSON 6902, and the targets that select what
//! they apply to.

pub mod json6902;
pub mod selector;

pub use json6902::JsonPatch;
pub use selector::{Matcher, Selector};

use krust_yaml::Value;

/// Strategic-merge `patch` into `target`; `Ok(false)` when the patch deletes
/// the whole object (`$patch: delete`).
pub fn strategic_merge(target: &mut Value, patch: &Value) -> Result<bool, String> {
    let _ = (target, patch);
    Err("strategic merge patches are not implemented yet".into())
}
