//! The reference binaries: the real `kustomize` CLI of every version krust
//! emulates, installed by `tests/oracles/install` under `target/oracles/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use krust::KustomizeVersion;

use crate::workspace_root;

/// Where `tests/oracles/install` puts kustomize `version`.
pub fn kustomize_path(version: KustomizeVersion) -> PathBuf {
    workspace_root().join(format!("target/oracles/v{version}/kustomize"))
}

/// The installed kustomize `version`, if any. Under `CI` a missing oracle
/// fails the calling test (CI installs them all); elsewhere the test is
/// skipped with the reason printed.
pub fn kustomize(version: KustomizeVersion) -> Option<PathBuf> {
    installed(
        kustomize_path(version),
        &format!("kustomize v{version} oracle"),
        "tests/oracles/install",
    )
}

/// Where `tests/oracles/build-flux-oracle` puts the Flux oracle.
pub fn fluxbuild_path() -> PathBuf {
    workspace_root().join("target/oracles/flux/fluxbuild")
}

/// The Flux oracle (kustomize-controller's build of one Kustomization), if
/// built; missing, as [`kustomize`].
pub fn fluxbuild() -> Option<PathBuf> {
    installed(
        fluxbuild_path(),
        "Flux oracle",
        "tests/oracles/build-flux-oracle; needs Go",
    )
}

/// `path` if it exists; otherwise a failure under `CI` and a printed
/// reason elsewhere (the test then checks nothing and says so).
pub(crate) fn installed(path: PathBuf, what: &str, how: &str) -> Option<PathBuf> {
    if path.is_file() {
        return Some(path);
    }
    crate::tools::unavailable(&format!(
        "{what} not installed at {} (run {how})",
        path.display()
    ));
    None
}

/// What one kustomize run gave: its output, or its error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0 and this standard output.
    Output(String),
    /// A failure and what it printed on standard error.
    Error(String),
}

/// Runs `kustomize build [flags] dir` with the binary at `binary`.
pub fn build(binary: &Path, dir: &Path, flags: &[&str]) -> Result<Outcome, String> {
    let out = Command::new(binary)
        .arg("build")
        .args(flags)
        .arg(dir)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    Ok(if out.status.success() {
        Outcome::Output(text(out.stdout))
    } else {
        Outcome::Error(text(out.stderr))
    })
}

/// The helm releases the tests run charts with, as `tests/oracles/install`
/// builds them: helm 3 (every kustomize) and helm 4 (kustomize 5.8 on).
pub const HELM_VERSIONS: [&str; 2] = ["v3.21.4", "v4.3.2"];

/// Where `tests/oracles/install` puts helm `version` (one of [`HELM_VERSIONS`]).
pub fn helm_path(version: &str) -> PathBuf {
    workspace_root().join(format!("target/tools/helm-{version}/helm"))
}

/// The installed helm `version`, if any; missing, as [`kustomize`].
pub fn helm(version: &str) -> Option<PathBuf> {
    installed(
        helm_path(version),
        &format!("helm {version}"),
        "tests/oracles/install",
    )
}
