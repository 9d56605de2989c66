//! What the binary's test suites share.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the `render` binary in `cwd`.
pub fn render(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_render"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("render runs")
}
