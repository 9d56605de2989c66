//! krust-flux: what each cluster or profile of a GitOps repository gets,
//! rendered offline as Flux's kustomize-controller would render it.
//!
//! Modules, one concept each:
//! - [`envsubst`]: Flux's post-build variable substitution.
//! - [`model`]: Flux `Kustomization` objects as a repository writes them.
//! - [`build`]: one Flux Kustomization built as kustomize-controller builds it.

#![warn(missing_docs)]

pub mod build;
pub mod envsubst;
pub mod model;
