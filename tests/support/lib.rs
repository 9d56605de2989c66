//! Helpers shared by the workspace-level suites: locating fixtures, the
//! oracle binaries (the real kustomize of every version krust emulates), and
//! goldens those oracles made.

use std::path::PathBuf;

pub mod affected_repo;
pub mod batch;
pub mod chart_repo;
pub mod golden;
pub mod oracle;
pub mod synthetic;
pub mod tools;

/// Copies the tree `from` to `to`, leaving out the entries of `from`
/// itself named in `skip`.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path, skip: &[&str]) {
    std::fs::create_dir_all(to).expect("a directory to copy into");
    for entry in std::fs::read_dir(from).expect("a directory to copy") {
        let entry = entry.expect("a directory entry");
        if skip.iter().any(|s| entry.file_name() == *s) {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target, &[]);
        } else {
            std::fs::copy(entry.path(), target).expect("a copied file");
        }
    }
}

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
