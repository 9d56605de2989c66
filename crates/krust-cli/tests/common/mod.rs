//! What the binary's test suites share.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `render` binary in `cwd`.
#[allow(dead_code)] // not every suite renders through this helper
pub fn render(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_render"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("render runs")
}

/// Writes `content` at `path` below `dir`, creating directories.
#[allow(dead_code)] // not every suite writes fixtures
pub fn write(dir: &Path, path: &str, content: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

/// `git` in `dir`, isolated from the machine's configuration; whether it
/// succeeded (false when git is missing).
#[allow(dead_code)] // not every suite uses git
pub fn git(dir: &Path, args: &[&str]) -> bool {
    krust_suite::tools::git_in(dir, args)
}

/// The example monorepo, examples/gitops.
#[allow(dead_code)] // not every suite reads the example
pub fn gitops() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/gitops")
}

/// Directories a test made, removed when it ends (passing or not).
#[allow(dead_code)] // not every suite makes directories
pub struct Cleanup(pub Vec<PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for dir in &self.0 {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A fresh copy of examples/gitops for a test that changes it, in the
/// temporary directory under `name`.
#[allow(dead_code)] // not every suite changes the example
pub fn gitops_copy(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("krust-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    krust_suite::copy_dir(&gitops(), &dir, &[]);
    dir
}
