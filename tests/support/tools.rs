//! The programs some tests need (git, kubectl, the oracles), and the one
//! rule for a test that cannot run without them: under `CI` it fails,
//! elsewhere it says why it checked nothing.

use std::path::Path;
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

/// `git` in `dir`, isolated from the machine's configuration (a fixed
/// author, `main` as the first branch); whether it succeeded (false when
/// git is missing).
pub fn git_in(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args([
            "-c",
            "user.name=krust",
            "-c",
            "user.email=krust@example.invalid",
        ])
        .args(["-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .is_ok_and(|o| o.status.success())
}
