//! Helpers shared by the workspace-level suites: locating fixtures and
//! comparing krust's render of a kustomization root with a golden file
//! produced by `kubectl kustomize` (kustomize v5.5.0).

use std::path::{Path, PathBuf};

pub mod synthetic;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Renders `dir` with krust, as the `render` binary does.
pub fn render(dir: &Path) -> Result<String, krust::Error> {
    krust::build(&krust::DiskFs, dir, &krust::BuildOptions::default())?.to_yaml()
}

/// Compares krust's render of `dir` with the golden file `expected`.
/// With `KRUST_BLESS=1`, rewrites the golden from `kubectl kustomize` instead.
/// Returns a description of the mismatch, if any.
pub fn check_golden(dir: &Path, expected: &Path) -> Result<(), String> {
    if std::env::var_os("KRUST_BLESS").is_some() {
        bless(dir, expected)?;
    }
    let want = std::fs::read_to_string(expected)
        .map_err(|e| format!("{}: cannot read golden: {e}", expected.display()))?;
    let got = render(dir).map_err(|e| format!("{}: render failed: {e}", dir.display()))?;
    if got == want {
        return Ok(());
    }
    let line = got
        .lines()
        .zip(want.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
    Err(format!(
        "{}: render differs from {} at line {}:\n  krust:   {:?}\n  kubectl: {:?}",
        dir.display(),
        expected.display(),
        line + 1,
        got.lines().nth(line).unwrap_or("<end>"),
        want.lines().nth(line).unwrap_or("<end>"),
    ))
}

/// Rewrites a golden file from `kubectl kustomize`.
fn bless(dir: &Path, expected: &Path) -> Result<(), String> {
    let out = std::process::Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .map_err(|e| format!("cannot run kubectl: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "kubectl kustomize {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    std::fs::write(expected, out.stdout).map_err(|e| e.to_string())
}
