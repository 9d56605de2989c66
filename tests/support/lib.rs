//! Helpers shared by the workspace-level suites: locating fixtures, the
//! oracle binaries (the real kustomize of every version krust emulates), and
//! goldens those oracles made.

use std::path::PathBuf;

pub mod batch;
pub mod chart_repo;
pub mod golden;
pub mod oracle;
pub mod synthetic;
pub mod tools;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The golden fixtures of the krust library: `crates/krust/tests/golden`,
/// each case's expected output per kustomize version (see its `REFERENCE`).
pub fn golden_dir() -> PathBuf {
    workspace_root().join("crates/krust/tests/golden")
}

/// Renders `dir` with krust as the `render` binary does by default
/// (kustomize [`krust::KustomizeVersion::LATEST`]).
pub fn render(dir: &std::path::Path) -> Result<String, krust::Error> {
    golden::render(dir, krust::KustomizeVersion::LATEST)
}
