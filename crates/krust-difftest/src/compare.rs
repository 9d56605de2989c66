//! One tree, one version: krust's render against the real kustomize's.

use std::path::{Path, PathBuf};

use krust::KustomizeVersion;
use krust_suite::golden;
use krust_suite::oracle::{self, Outcome};

use crate::gen::Tree;

/// How krust and kustomize disagreed on a tree, if they did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Same bytes, or both failed.
    Agree,
    /// kustomize itself crashed (a Go panic): not krust's to match.
    ReferencePanicked,
    /// Different output, or only one side failed.
    Diverge {
        /// What kustomize did.
        kustomize: Outcome,
        /// What krust did.
        krust: Outcome,
    },
}

/// Renders `tree` (written to `scratch`) with krust and with `binary`, the
/// kustomize of `version`.
pub fn compare(tree: &Tree, scratch: &Path, binary: &Path, version: KustomizeVersion) -> Verdict {
    if let Err(e) = tree.write(scratch) {
        panic!("cannot write {}: {e}", scratch.display());
    }
    let dir: PathBuf = scratch.join(&tree.root);
    let reference = match oracle::build(binary, &dir, &[]) {
        Ok(outcome) => outcome,
        Err(e) => panic!("{e}"),
    };
    if matches!(&reference, Outcome::Error(e) if e.contains("panic:") || e.contains("goroutine ")) {
        return Verdict::ReferencePanicked;
    }
    let ours = match golden::render(&dir, version) {
        Ok(text) => Outcome::Output(text),
        Err(e) => Outcome::Error(e.to_string()),
    };
    match (&reference, &ours) {
        (Outcome::Output(a), Outcome::Output(b)) if a == b => Verdict::Agree,
        (Outcome::Error(_), Outcome::Error(_)) => Verdict::Agree,
        _ => Verdict::Diverge {
            kustomize: reference,
            krust: ours,
        },
    }
}
