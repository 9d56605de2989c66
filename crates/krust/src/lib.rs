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
pub mod config;
mod decode;
mod discover;
mod error;
pub mod fieldspec;
mod fs;
pub mod generate;
pub mod kustomization;
mod loader;
pub mod patch;
pub mod plugin;
mod resid;
mod resmap;
mod resource;
mod scope;
mod suggest;
pub mod transform;
mod version;

pub use build::{build, resources_from_bytes, BuildOptions, Graph, GraphStats, Reorder};
pub use discover::{discover_roots, discover_roots_in};
pub use error::{Error, Result};
pub use fs::{normalize, DiskFs, FileKind, FileSystem, MemFs};
pub use loader::LoadRestrictor;
pub use resid::{Gvk, IdKey, ResId};
pub use resmap::ResMap;
pub use resource::{Resource, Transformation};
pub use version::{Change, KustomizeVersion, UnknownVersion, CHANGES};
