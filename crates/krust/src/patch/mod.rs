//! Strategic merge patch, as kustomize v5.5.0 applies it (kyaml's `merge2`
//! with new list elements prepended), and the OpenAPI schema facts it needs.

mod merge;
pub mod schema;

pub use merge::{merge, Outcome};
pub use schema::{Schema, SchemaNode};
