//! `render ... | head`: a reader that goes away early ends the command
//! quietly (exit 0, as ripgrep does), never with a panic about a broken pipe.

use std::io::Read;
use std::process::{Command, Stdio};

mod common;

/// Runs `render args` in examples/gitops with its stdout a pipe whose reader
/// reads `read` bytes (none: closes it at once), then goes away; asserts the
/// command ended by itself, without a panic, with status 0 or `usual` (what
/// it returns when it finished writing before the reader left).
fn closed_early(args: &[&str], read: usize, usual: i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_render"))
        .args(args)
        .current_dir(common::gitops())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("render runs");
    let mut stdout = child.stdout.take().unwrap();
    let mut head = vec![0; read];
    stdout.read_exact(&mut head).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    assert!(
        code == Some(0) || code == Some(usual),
        "render {args:?}: {:?}, stderr: {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "render {args:?}: {stderr}");
    assert!(!stderr.contains("Broken pipe"), "render {args:?}: {stderr}");
}

/// Each command that prints, its reader gone before the first byte and
/// after a few.
fn check(args: &[&str], usual: i32) {
    closed_early(args, 0, usual);
    closed_early(args, 16, usual);
}

#[test]
fn render_one_root() {
    check(&["apps/overlays/staging"], 0);
}

#[test]
fn flux_profile() {
    check(&["flux", "profiles/staging"], 0);
}

#[test]
fn flux_graph() {
    check(&["flux", "profiles/staging", "--graph"], 0);
}

#[test]
fn lint_findings() {
    // The example carries findings on purpose: exit 1 when all were printed.
    check(&["lint"], 1);
}

#[test]
fn completions_and_man() {
    check(&["completions", "bash"], 0);
    check(&["man"], 0);
}

#[test]
fn diff_of_two_environments() {
    check(&["diff", "apps/overlays/staging", "apps/overlays/dev"], 1);
}
