//! krust-diff: what a change does to the rendered output of a GitOps
//! repository.
//!
//! Renders are compared as sets of resources keyed by id, field by field,
//! so that key order and list reorderings that Kubernetes ignores never show
//! as changes. Where the two sides come from (git revisions, the working
//! tree, a change laid over it in memory) is the business of `krust-repo`.
//!
//! ```
//! use krust_diff::{diff_renders, DiffOptions, Render};
//!
//! let old = Render::from_yaml("old", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 1}\n")?;
//! let new = Render::from_yaml("new", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n")?;
//! let diff = diff_renders(&old, &new, &DiffOptions::default());
//! assert_eq!(diff.changed[0].key.to_string(), "Deployment.apps/web");
//! assert_eq!(diff.changed[0].fields[0].path.to_string(), "spec.replicas");
//! # Ok::<(), krust_diff::DiffError>(())
//! ```
//!
//! Modules, one concept each:
//! - [`render`]: the resources of a render, from YAML text or a `ResMap`;
//! - [`key`]: the resource key (group, kind, namespace, name);
//! - [`path`]: field paths, their notation, and field changes;
//! - `fields` and `lists`: the field-by-field comparison, with lists
//!   matched by the strategic-merge keys of krust's schema;
//! - [`suffix`]: pairing generated ConfigMaps and Secrets across hash renames;
//! - `unified`: unified diffs of the printed YAML;
//! - [`compare`]: renders, roots and repositories compared;
//! - [`model`]: the results;
//! - [`format`](mod@format): text, Markdown and JSON output;
//! - [`sides`]: the same roots rendered on two filesystems and compared.

#![warn(missing_docs)]

pub mod compare;
mod environments;
mod error;
mod fields;
pub mod format;
mod helm_noise;
pub mod key;
mod lists;
pub mod model;
pub mod path;
mod quote;
pub mod render;
pub mod sides;
pub mod suffix;
mod unified;

pub use compare::{diff_renders, diff_repo, diff_root, DiffOptions, RootInput, RootSide};
pub use environments::{AffixRename, NamespaceRename, Pairing, Renaming};
pub use error::{DiffError, DiffErrorKind};
pub use key::ResourceKey;
pub use model::{RenderDiff, RepoDiff, ResourceDiff, RootDiff, RootOutcome, Summary};
pub use path::{ChangeKind, FieldChange, FieldPath, Segment};
pub use render::{Render, RenderedResource};
pub use unified::DEFAULT_CONTEXT;
