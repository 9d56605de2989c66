//! Golden renders: every fixture under `tests/golden/<case>/` and every
//! kustomization root of `examples/gitops` must render byte-identical to the
//! output `kubectl kustomize` (kustomize v5.5.0, see `tests/golden/REFERENCE`)
//! gave for it. `KRUST_BLESS=1 cargo test --test golden` regenerates the
//! goldens from kubectl.

use std::path::{Path, PathBuf};

use krust_suite::{check_golden, workspace_root};

/// Fixture cases: directories holding a kustomization and `expected.yaml`.
fn fixture_cases() -> Vec<PathBuf> {
    let dir = workspace_root().join("tests/golden");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/golden exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.join("expected.yaml").is_file())
        .collect();
    cases.sort();
    cases
}

/// Every non-component kustomization root below `dir`.
fn kustomization_roots(dir: &Path, out: &mut Vec<PathBuf>) {
    let kust = dir.join("kustomization.yaml");
    if kust.is_file() {
        let text = std::fs::read_to_string(&kust).expect("readable kustomization");
        if !text.contains("kind: Component") {
            out.push(dir.to_path_buf());
        }
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable dir")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    entries.sort();
    for entry in entries {
        kustomization_roots(&entry, out);
    }
}

#[test]
fn fixtures_render_like_kubectl() {
    let cases = fixture_cases();
    assert!(!cases.is_empty(), "no golden fixtures found");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| check_golden(case, &case.join("expected.yaml")).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn examples_render_like_kubectl() {
    let examples = workspace_root().join("examples/gitops");
    let mut roots = Vec::new();
    kustomization_roots(&examples, &mut roots);
    assert!(
        roots.len() >= 6,
        "expected the example overlays and bases, found {roots:?}"
    );
    let goldens = workspace_root().join("tests/golden/examples");
    let failures: Vec<String> = roots
        .iter()
        .filter_map(|root| {
            let rel = root.strip_prefix(&examples).expect("below examples");
            let name = rel.to_string_lossy().replace('/', "-") + ".yaml";
            check_golden(root, &goldens.join(name)).err()
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
