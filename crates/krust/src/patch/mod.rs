//! Patches: strategic merge (as kustomize v5.5.0 applies it: kyaml's `merge2`
//! with new list elements prepended) with the OpenAPI schema facts it needs,
//! JSON 6902, and the targets that select what patches apply to.
//!
//! ```
//! use krust::patch::{merge, Outcome, Schema};
//!
//! let load = |s: &str| krust_yaml::load_documents(s).unwrap().remove(0);
//! let mut target = load(
//!     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n\
//!      spec: {template: {spec: {containers: [{name: app, image: app:1}]}}}\n",
//! );
//! let patch = load(
//!     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n\
//!      spec: {template: {spec: {containers: [{name: sidecar, image: proxy}]}}}\n",
//! );
//! assert_eq!(merge(&mut target, &patch, Some(Schema::builtin())), Ok(Outcome::Merged));
//! let containers = target.get_path(&["spec", "template", "spec", "containers"]).unwrap();
//! // Containers merge by name; new ones go first.
//! assert_eq!(containers.as_seq().unwrap()[0].str_at(&["name"]), Some("sidecar"));
//! assert_eq!(containers.as_seq().unwrap()[1].str_at(&["name"]), Some("app"));
//! ```

pub mod json6902;
pub(crate) mod merge;
pub mod schema;
pub mod selector;

pub use json6902::JsonPatch;
pub use merge::{merge, Outcome};
pub use schema::{Schema, SchemaNode};
pub use selector::{Matcher, Selector};
