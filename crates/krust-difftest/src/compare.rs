//! One tree, one version: krust's render against the real kustomize's.

use std::path::{Path, PathBuf};

use krust::KustomizeVersion;
use krust_suite::batch::Batch;
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

/// The kustomize a tree is checked against.
pub enum Reference {
    /// The `kustomize` binary, one process per tree.
    Cli(PathBuf),
    /// The same version's build in `kbatch` processes, many trees each.
    Batch(Batch),
}

impl Reference {
    /// The batch oracle of `version` when installed, else the binary
    /// (`None` when neither is).
    pub fn of(version: KustomizeVersion) -> Option<Reference> {
        match Batch::of(version) {
            Some(batch) => Some(Reference::Batch(batch)),
            None => oracle::kustomize(version).map(Reference::Cli),
        }
    }

    /// What it is, for reports.
    pub fn describe(&self) -> &'static str {
        match self {
            Reference::Cli(_) => "kustomize binary, a process per tree",
            Reference::Batch(_) => "kbatch, many trees per process",
        }
    }

    fn build(&self, tree: &Path, dir: &Path) -> Result<Outcome, String> {
        match self {
            Reference::Cli(binary) => oracle::build(binary, dir, &[]),
            Reference::Batch(batch) => batch.build(tree, dir),
        }
    }
}

/// Renders `tree` (written to `scratch`) with krust and with `reference`,
/// the kustomize of `version`.
pub fn compare(
    tree: &Tree,
    scratch: &Path,
    reference: &Reference,
    version: KustomizeVersion,
) -> Verdict {
    if let Err(e) = tree.write(scratch) {
        panic!("cannot write {}: {e}", scratch.display());
    }
    let dir: PathBuf = scratch.join(&tree.root);
    let reference = match reference.build(scratch, &dir) {
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
