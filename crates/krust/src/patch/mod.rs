//! Patches: strategic merge (as kustomize v5.5.0 applies it: kyaml's `merge2`
//! with new list elements prepended) with the OpenAPI schema facts it needs,
//! JSON 6902, and the targets that select what patches apply to.
//!
//! The public face of this module is [`crate::patches`].

pub mod json6902;
pub(crate) mod merge;
pub mod schema;
pub mod selector;

pub use json6902::JsonPatch;
pub use merge::{merge, Outcome};
pub use schema::{Schema, SchemaNode};
pub use selector::{Matcher, Selector};
