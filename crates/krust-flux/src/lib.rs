//! krust-flux: what each cluster or profile of a GitOps repository gets,
//! rendered offline as Flux's kustomize-controller would render it.
//!
//! Modules, one concept each:
//! - [`model`]: Flux `Kustomization` objects as a repository writes them;
//! - [`build`]: one Flux Kustomization built as kustomize-controller builds it;
//! - [`envsubst`]: Flux's post-build variable substitution;
//! - [`vars`]: the variables a substitution sees (`substituteFrom`, `substitute`);
//! - [`order`]: `dependsOn` as a graph: the apply order, and drawings of it;
//! - [`cluster`]: a whole cluster or profile, every Kustomization in turn.
//!
//! Failures are [`Error`]s: [`Error::kind`] says what sort ([`ErrorKind`]),
//! [`Error::object`] which Flux Kustomization is at fault.
//!
//! ```
//! use std::path::PathBuf;
//!
//! use krust::MemFs;
//! use krust_flux::cluster::{render_cluster, ClusterOptions, Source};
//!
//! let mut fs = MemFs::new();
//! // The cluster directory holds a Flux Kustomization building `./apps`...
//! fs.add_file(
//!     "/repo/clusters/demo/apps.yaml",
//!     "apiVersion: kustomize.toolkit.fluxcd.io/v1\n\
//!      kind: Kustomization\n\
//!      metadata: {name: apps, namespace: flux-system}\n\
//!      spec:\n  \
//!        path: ./apps\n  \
//!        sourceRef: {kind: GitRepository, name: flux-system}\n  \
//!        postBuild: {substitute: {env: prod}}\n",
//! );
//! // ...which has no kustomization file: Flux generates one.
//! fs.add_file(
//!     "/repo/apps/cm.yaml",
//!     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata:\n  env: ${env}\n",
//! );
//! let repo = Source { fs: &fs, root: PathBuf::from("/repo") };
//! let cluster = render_cluster(&repo, "./clusters/demo", &ClusterOptions::default())?;
//! let names: Vec<String> = cluster.kustomizations.iter().map(|r| r.ks.id().to_string()).collect();
//! // In dependency order, ties by namespace and name.
//! assert_eq!(names, ["flux-system/apps", "flux-system/flux-system"]);
//! assert_eq!(cluster.errors().count(), 0);
//! assert!(cluster.kustomizations[0].to_yaml()?.contains("env: prod"));
//! # Ok::<(), krust_flux::Error>(())
//! ```

#![warn(missing_docs)]

pub mod build;
pub mod cluster;
pub mod envsubst;
mod error;
mod glob;
pub mod helm;
pub mod model;
pub mod order;
pub mod vars;

pub use error::{Error, ErrorKind, Result};
