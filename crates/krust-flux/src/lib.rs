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

#![warn(missing_docs)]

pub mod build;
pub mod cluster;
pub mod envsubst;
mod glob;
pub mod model;
pub mod order;
pub mod vars;
