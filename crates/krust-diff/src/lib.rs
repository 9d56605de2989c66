//! krust-diff: what a change does to the rendered output of a GitOps
//! repository.
//!
//! Renders are compared as sets of resources keyed by id, field by field,
//! so that key order and list reorderings that Kubernetes ignores never show
//! as changes; git revisions are read straight from the repository, without
//! a checkout, so that base and head render side by side in one process.

#![warn(missing_docs)]

mod error;
pub mod git;
pub mod key;
pub mod path;
mod quote;
pub mod render;

pub use error::DiffError;
pub use key::ResourceKey;
pub use path::{ChangeKind, FieldChange, FieldPath, Segment};
pub use render::{Render, RenderedResource};
