//! The programs some tests need (git, kubectl, the oracles), and the one
//! rule for a test that cannot run without them: under `CI` it fails,
//! elsewhere it says why it checked nothing.

use std::process::Command;

/// Records that a test cannot run: panics under `CI` (where every tool is
/// installed, so a missing one is a broken setup, not a pass), and
/// elsewhere prints the reason; the caller then returns.
pub fn unavailable(reason: &str) {
    assert!(std::env::var_os("CI").is_none(), "{reason}");
    eprintln!("skipped: {reason}");
}

/// Whether `program --version`-style `args` runs and succeeds; when not,
/// [`unavailable`] with a reason naming it.
pub fn available(program: &str, args: &[&str]) -> bool {
    let found = Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        unavailable(&format!("{program} is not installed"));
    }
    found
}

/// Whether git is installed (see [`available`]).
pub fn git() -> bool {
    available("git", &["--version"])
}

/// Whether kubectl is installed (see [`available`]).
pub fn kubectl() -> bool {
    available("kubectl", &["version", "--client"])
}
