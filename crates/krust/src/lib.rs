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
//!
//! # From disk
//!
//! [`DiskFs`] reads the real filesystem; paths are those of the machine.
//!
//! ```
//! use krust::{build, BuildOptions, DiskFs};
//!
//! # let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/gitops");
//! let staging = repo.join("apps/overlays/staging");
//! let resources = build(&DiskFs, &staging, &BuildOptions::default()).unwrap();
//! assert!(resources.len() > 10);
//! ```
//!
//! # Many roots at once
//!
//! A [`Graph`] builds many roots through one cache, so a base shared by
//! every overlay is read and built once; [`discover_roots`] finds the roots
//! of a repository (see [`Graph`] for an example with a shared base).
//!
//! ```
//! use krust::{discover_roots, BuildOptions, DiskFs, Graph};
//!
//! # let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/gitops");
//! let roots = discover_roots(&repo, false).unwrap();
//! let graph = Graph::new(&DiskFs, BuildOptions::default());
//! for (root, built) in roots.iter().zip(graph.build_all(&roots)) {
//!     let resources = built.unwrap_or_else(|e| panic!("{}: {e}", root.display()));
//!     assert!(!resources.is_empty());
//! }
//! ```
//!
//! # Errors a program can match
//!
//! Every [`Error`] has an [`ErrorKind`], the file at fault, its position
//! where known, and the chain of kustomizations that led there.
//!
//! ```
//! use krust::{build, BuildOptions, ErrorKind, MemFs};
//!
//! let mut fs = MemFs::new();
//! fs.add_file("/overlay/kustomization.yaml", "resources: [../base]\n");
//! fs.add_file("/base/kustomization.yaml", "resources: [deploy.yaml]\n");
//! fs.add_file("/base/deploy.yaml", "kind: Deployment\nmetadata: {name: [web\n");
//! let err = build(&fs, "/overlay".as_ref(), &BuildOptions::default()).unwrap_err();
//! match err.kind() {
//!     ErrorKind::Yaml => {
//!         assert_eq!(err.file(), Some("/base/deploy.yaml".as_ref()));
//!         assert!(err.position().is_some());
//!         assert_eq!(err.chain().len(), 2); // overlay, then base
//!     }
//!     other => panic!("unexpected {other}: {err}"),
//! }
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
mod helm;
mod inputs;
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
pub use discover::{discover_roots, discover_roots_in, discover_roots_with};
pub use error::{Error, ErrorKind, Result};
pub use fs::{normalize, DiskFs, FileKind, FileSystem, Hidden, LayeredFs, MemFs};
pub use generate::{content_hash, sha256_hex, HASH_ALPHABET, HASH_LEN};
pub use helm::{HelmRendered, HelmSettings, HelmTemplate};
pub use inputs::{first_input, inputs, inputs_with, Inputs, InputsCache};
pub use loader::LoadRestrictor;
pub use resid::{Gvk, IdKey, ResId};
pub use resmap::ResMap;
pub use resource::{Resource, Transformation};
pub use version::{Change, KustomizeVersion, UnknownVersion, CHANGES};
