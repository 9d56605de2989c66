//! Comparisons with `kubectl kustomize` itself, run only where it is installed.

use std::path::Path;
use std::process::Command;

use super::render;

/// Whether `kubectl` can be run; tests that need it skip (with a message) otherwise.
pub(super) fn available() -> bool {
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("kubectl not found on PATH; skipping the comparison with kustomize");
    }
    found
}

/// What `kubectl kustomize` prints for `target` patched with `patch`:
/// `Ok(output)`, or `Err(message)` when it fails.
pub(super) fn kustomize(dir: &Path, target: &str, patch: &str) -> Result<String, String> {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("target.yaml"), target).unwrap();
    std::fs::write(dir.join("patch.yaml"), patch).unwrap();
    std::fs::write(
        dir.join("kustomization.yaml"),
        "resources: [target.yaml]\npatches: [{path: patch.yaml}]\n",
    )
    .unwrap();
    let out = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(String::from_utf8(out.stdout).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Compares every `<dir>/<case>/{target,patch}.yaml` under `KRUST_SMP_CASES`
/// with kubectl: a tool for checking new rules by hand.
#[test]
#[ignore]
fn case_directories_match_kubectl() {
    let Ok(root) = std::env::var("KRUST_SMP_CASES") else {
        eprintln!("KRUST_SMP_CASES not set; skipping");
        return;
    };
    if !available() {
        return;
    }
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&root).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let dir = entry.path();
        let (Ok(target), Ok(patch)) = (
            std::fs::read_to_string(dir.join("target.yaml")),
            std::fs::read_to_string(dir.join("patch.yaml")),
        ) else {
            continue;
        };
        let want = kustomize(&dir.join("kubectl"), &target, &patch);
        let got = render(&target, &patch);
        match (&want, &got) {
            (Ok(w), Ok(g)) if w == g => {}
            (Err(_), Err(_)) => {}
            _ => failures.push(format!("{}:\nwant {want:?}\ngot  {got:?}", dir.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
