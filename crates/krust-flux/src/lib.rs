//! krust-flux: what each cluster or profile of a GitOps repository gets,
//! rendered offline as Flux's kustomize-controller would render it.
//!
//! Modules, one concept each:
//! - [`envsubst`]: Flux's post-build variable substitution;
//! - [`order`]: `dependsOn` as a graph: the apply order, and drawings of it;
//! - [`vars`]: the variables a substitution sees (`substituteFrom`, `substitute`).

#![warn(missing_docs)]

pub mod envsubst;
pub mod order;
pub mod vars;
