//! krust-repo: a GitOps repository as krust sees it.
//!
//! Git revisions are read straight from the repository, without a checkout,
//! so that base and head render side by side in one process; the workflows
//! that change a repository (promoting an app from one overlay to the next,
//! lifting a patch every overlay carries into the base) lay their change
//! over the tree in memory, render it, and write only once the render proves
//! what they claim; `lint` checks the conventions the seeds' repositories
//! follow.
//!
//! Modules, one concept each:
//! - [`git`]: a revision's tree read into memory, without a checkout;
//! - [`lint`]: the repository conventions `render lint` checks;
//! - [`promote`]: patches carried from one overlay to another, the target
//!   rendered before and after;
//! - [`lift`]: a patch every overlay carries folded into the base, proven a
//!   no-op before anything is written;
//! - [`affected`]: the roots a change between two revisions can reach,
//!   found from what each root's build reads, without rendering;
//! - [`revisions`]: every root at two revisions compared (`render diff
//!   --base`), and [`flux`]: what a Flux cluster gets, compared per Flux
//!   Kustomization;
//! - [`edit`]: what the workflows share (kustomization text edits,
//!   whole-file writes).

#![warn(missing_docs)]

pub mod affected;
pub mod edit;
mod error;
pub mod flux;
pub mod git;
mod kustomizations;
pub mod lift;
pub mod lint;
pub mod promote;
pub mod revisions;

pub use error::{Error, ErrorKind};
