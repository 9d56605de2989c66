//! krust: a kustomize-compatible renderer.
//!
//! [`build`] renders a kustomization directory to exactly what `kustomize
//! build` prints, for the kustomize release [`BuildOptions`] names
//! ([`KustomizeVersion`]: 5.5.0 to 5.8.1, the newest by default), reading
//! through a [`FileSystem`] so that trees on disk, in memory or in a git
//! revision render alike. The
//! library never prints and never exits; every failure is an [`Error`] that
//! names the file at fault.
//!
//! ```
//! use krust::{build, BuildOptions, MemFs};
//!
//! let mut fs = MemFs::new();
//! fs.add_file("/app/kustomization.yaml", "namePrefix: dev-\nresources: [cm.yaml]\n");
//! fs.add_file("/app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n");
//! let resources = build(&fs, "/app".as_ref(), &BuildOptions::default()).unwrap();
//! assert_eq!(resources.resources()[0].id().name, "dev-settings");
//! assert_eq!(
//!     resources.to_yaml().unwrap(),
//!     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dev-settings\n"
//! );
//! ```

#![warn(missing_docs)]

mod build;
mod config;
mod decode;
mod discover;
mod error;
mod fieldspec;
mod fs;
mod generate;
pub mod kustomization;
mod loader;
mod patch;
mod plugin;
mod resid;
mod resmap;
mod resource;
mod scope;
mod string_map;
mod suggest;
mod transform;
mod version;

/// Patches applied to one object outside a build, as kustomize applies
/// them: strategic merge (with the schema facts it needs) and JSON 6902.
///
/// ```
/// use krust::patches::{merge, Outcome, Schema};
///
/// let load = |s: &str| krust_yaml::load_documents(s).unwrap().remove(0);
/// let mut target = load(
///     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n\
///      spec: {template: {spec: {containers: [{name: app, image: app:1}]}}}\n",
/// );
/// let patch = load(
///     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n\
///      spec: {template: {spec: {containers: [{name: sidecar, image: proxy}]}}}\n",
/// );
/// assert_eq!(merge(&mut target, &patch, Some(Schema::builtin())), Ok(Outcome::Merged));
/// let containers = target.get_path(&["spec", "template", "spec", "containers"]).unwrap();
/// // Containers merge by name; new ones go first.
/// assert_eq!(containers.as_seq().unwrap()[0].str_at(&["name"]), Some("sidecar"));
/// ```
pub mod patches {
    pub use crate::patch::{merge, JsonPatch, Outcome, Schema, SchemaNode};
}

pub use build::{build, resources_from_bytes, BuildOptions, Graph, GraphStats, Reorder};
pub use discover::{discover_roots, discover_roots_in};
pub use error::{Error, ErrorKind, Result};
pub use fs::{normalize, DiskFs, FileKind, FileSystem, Hidden, LayeredFs, MemFs};
pub use generate::{content_hash, HASH_ALPHABET, HASH_LEN};
pub use loader::LoadRestrictor;
pub use resid::{Gvk, IdKey, ResId};
pub use resmap::ResMap;
pub use resource::{Resource, Transformation};
pub use version::{Change, KustomizeVersion, UnknownVersion, CHANGES};
