//! Golden renders: every fixture under `crates/krust/tests/golden/<case>/` and every
//! kustomization root of `examples/gitops` must render, as each kustomize
//! version krust emulates, byte-identical to what that version's real binary
//! printed for it (or fail where it failed); see `crates/krust/tests/golden/REFERENCE`
//! and `krust_suite::golden` for the file layout.
//! `KRUST_BLESS=1 cargo test --test golden` regenerates the goldens from the
//! oracles that `tests/oracles/install` installs.

use std::path::{Path, PathBuf};

use krust::KustomizeVersion;
use krust_suite::batch::Batch;
use krust_suite::golden::Golden;
use krust_suite::oracle::{self, Outcome};
use krust_suite::{golden_dir, workspace_root};

/// Fixture cases: directories holding a kustomization (or a `ROOT` file
/// whose first line names the kustomization's directory inside the case, as
/// the minimal trees of `krust-difftest` do) and its goldens
/// (`expected.yaml`, `expected.vX.Y.Z.*`).
fn fixture_cases() -> Vec<PathBuf> {
    let dir = golden_dir();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the golden fixtures exist")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.join("kustomization.yaml").is_file() || p.join("ROOT").is_file())
        .collect();
    cases.sort();
    cases
}

/// The directory a fixture case builds.
fn case_root(case: &Path) -> PathBuf {
    match std::fs::read_to_string(case.join("ROOT")) {
        Ok(text) => case.join(text.lines().next().unwrap_or(".").trim()),
        Err(_) => case.to_path_buf(),
    }
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
fn fixtures_render_like_each_kustomize() {
    let cases = fixture_cases();
    assert!(!cases.is_empty(), "no golden fixtures found");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            Golden::new(case.join("expected"))
                .check(&case_root(case))
                .err()
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn examples_render_like_each_kustomize() {
    let examples = workspace_root().join("examples/gitops");
    let mut roots = Vec::new();
    kustomization_roots(&examples, &mut roots);
    assert!(
        roots.len() >= 6,
        "expected the example overlays and bases, found {roots:?}"
    );
    let goldens = golden_dir().join("examples");
    let failures: Vec<String> = roots
        .iter()
        .filter_map(|root| {
            let rel = root.strip_prefix(&examples).expect("below examples");
            let name = rel.to_string_lossy().replace('/', "-");
            Golden::new(goldens.join(name)).check(root).err()
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every root with goldens: the fixtures, then the example roots, each with its stem.
fn all_goldens() -> Vec<(PathBuf, Golden)> {
    let mut out: Vec<(PathBuf, Golden)> = fixture_cases()
        .into_iter()
        .map(|case| {
            let golden = Golden::new(case.join("expected"));
            (case_root(&case), golden)
        })
        .collect();
    let examples = workspace_root().join("examples/gitops");
    let mut roots = Vec::new();
    kustomization_roots(&examples, &mut roots);
    for root in roots {
        let rel = root.strip_prefix(&examples).expect("below examples");
        let stem = golden_dir()
            .join("examples")
            .join(rel.to_string_lossy().replace('/', "-"));
        out.push((root, Golden::new(stem)));
    }
    out
}

/// kbatch, the difftest's oracle, prints what each kustomize binary
/// printed for every golden (or fails where it failed), many roots per
/// process, in the order a run would give them.
#[test]
fn kbatch_prints_what_each_kustomize_prints() {
    let failures = differing_goldens(|version| {
        let batch = Batch::installed(version)?;
        Some(Box::new(move |root: &Path| {
            batch.build(&tree_of(root), root)
        }))
    });
    assert!(
        failures.is_empty(),
        "kbatch differs from the recorded kustomize output:\n{}",
        failures.join("\n")
    );
}

/// The tree holding every file `root` builds from: its fixture case, or
/// the example repository.
fn tree_of(root: &Path) -> PathBuf {
    let golden = golden_dir();
    match root.strip_prefix(&golden) {
        Ok(rel) => golden.join(rel.components().next().expect("a case")),
        Err(_) => workspace_root().join("examples/gitops"),
    }
}

/// The committed goldens are what the oracles print today: a golden edited
/// by hand, or left stale by a fixture change, fails here.
#[test]
fn goldens_are_what_each_kustomize_prints() {
    let failures = differing_goldens(|version| {
        let binary = oracle::kustomize(version)?;
        Some(Box::new(move |root: &Path| {
            oracle::build(&binary, root, &[])
        }))
    });
    assert!(
        failures.is_empty(),
        "goldens out of date (KRUST_BLESS=1 cargo test --test golden): {}",
        failures.join(", ")
    );
}

/// A build of one root by some kustomize.
type Build = Box<dyn Fn(&Path) -> Result<Outcome, String>>;

/// The roots (with the version) where the build `reference` gives for a
/// version differs from the recorded golden: other output, or success
/// where kustomize failed or the reverse. Stops at the first version whose
/// reference is missing (skipped, or failed under `CI`).
fn differing_goldens(reference: impl Fn(KustomizeVersion) -> Option<Build>) -> Vec<String> {
    let mut failures = Vec::new();
    for version in KustomizeVersion::ALL {
        let Some(build) = reference(version) else {
            return failures;
        };
        for (root, golden) in all_goldens() {
            let now = build(&root).unwrap();
            let recorded = golden.expected(version).unwrap();
            let same = match (&now, &recorded) {
                (Outcome::Output(a), Outcome::Output(b)) => a == b,
                (Outcome::Error(_), Outcome::Error(_)) => true,
                _ => false,
            };
            if !same {
                failures.push(format!("{} (v{version})", root.display()));
            }
        }
    }
    failures
}

/// kubectl 1.32 embeds kustomize 5.5.0: its output is the v5.5.0 golden.
#[test]
fn kubectl_prints_the_5_5_0_goldens() {
    let version = std::process::Command::new("kubectl")
        .args(["version", "--client"])
        .output();
    let Ok(version) = version.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()) else {
        assert!(std::env::var_os("CI").is_none(), "kubectl is not installed");
        eprintln!("skipped: kubectl is not installed");
        return;
    };
    if !version.contains("Kustomize Version: v5.5.0") {
        let reason = format!("this kubectl does not embed kustomize v5.5.0:\n{version}");
        assert!(std::env::var_os("CI").is_none(), "{reason}");
        eprintln!("skipped: {reason}");
        return;
    }
    let mut failures = Vec::new();
    for (root, golden) in all_goldens() {
        let out = std::process::Command::new("kubectl")
            .arg("kustomize")
            .arg(&root)
            .output()
            .unwrap();
        let same = match golden.expected(KustomizeVersion::V5_5_0).unwrap() {
            Outcome::Output(want) => out.status.success() && out.stdout == want.as_bytes(),
            Outcome::Error(_) => !out.status.success(),
        };
        if !same {
            failures.push(root.display().to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "kubectl kustomize differs from the v5.5.0 goldens: {failures:?}"
    );
}
