//! Comparisons with `kubectl kustomize` itself, run only where it is installed.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use super::random::{deployment, patch_pod, target_pod};
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

/// Compares every `<dir>/<case>/{target,patch}.yaml` under `KRUST_SMP_CASE_DIRS`
/// with kubectl: a tool for checking new rules by hand.
#[test]
#[ignore]
fn case_directories_match_kubectl() {
    let Ok(root) = std::env::var("KRUST_SMP_CASE_DIRS") else {
        eprintln!("KRUST_SMP_CASE_DIRS not set; skipping");
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

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Random Deployments patched with random strategic merge patches must come
/// out as kubectl prints them. All cases go through one `kubectl kustomize`
/// run (one patch file per Deployment). `KRUST_SMP_PROP_CASES` (default 64)
/// and `KRUST_SMP_PROP_SEED` (default 1) tune a run.
#[test]
fn random_patches_match_kubectl() {
    if !available() {
        return;
    }
    let cases = env_number("KRUST_SMP_PROP_CASES", 64) as usize;
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&env_number("KRUST_SMP_PROP_SEED", 1).to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
    );
    let strategy = (target_pod(), patch_pod(), proptest::option::of(1i64..4));
    let mut pairs = Vec::with_capacity(cases);
    for i in 0..cases {
        let (target, patch, replicas) = strategy.new_tree(&mut runner).unwrap().current();
        let name = format!("d{i:03}");
        let yaml = |v| krust_yaml::to_yaml_string(&v).unwrap();
        pairs.push((
            name.clone(),
            yaml(deployment(&name, Some(1), target)),
            yaml(deployment(&name, replicas, patch)),
        ));
    }
    let dir = std::env::temp_dir().join(format!("krust-smp-{}", std::process::id()));
    let outputs = kustomize_all(&dir, &pairs);
    let mut failures = Vec::new();
    for (name, target, patch) in &pairs {
        let want = match &outputs {
            Ok(docs) => Ok(docs.get(name).cloned().unwrap_or_default()),
            Err(_) => kustomize(&dir.join(name), target, patch),
        };
        let got = render(target, patch);
        let same = match (&want, &got) {
            (Ok(w), Ok(g)) => w == g,
            (Err(_), Err(_)) => true,
            _ => false,
        };
        if !same {
            failures.push(format!(
                "--- target\n{target}--- patch\n{patch}--- kubectl\n{want:?}\n--- krust\n{got:?}"
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} of {cases} cases differ:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Runs every (name, target, patch) case in one kustomization; the output
/// documents by name, or the error when any patch fails.
fn kustomize_all(
    dir: &Path,
    pairs: &[(String, String, String)],
) -> Result<HashMap<String, String>, String> {
    std::fs::create_dir_all(dir).unwrap();
    let targets: Vec<&str> = pairs.iter().map(|(_, t, _)| t.as_str()).collect();
    std::fs::write(dir.join("targets.yaml"), targets.join("---\n")).unwrap();
    let mut kustomization = String::from("resources: [targets.yaml]\npatches:\n");
    for (name, _, patch) in pairs {
        std::fs::write(dir.join(format!("{name}.yaml")), patch).unwrap();
        kustomization.push_str(&format!("- path: {name}.yaml\n"));
    }
    std::fs::write(dir.join("kustomization.yaml"), kustomization).unwrap();
    let out = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .unwrap();
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8(out.stdout).unwrap();
    let mut docs = HashMap::new();
    for doc in text.split("\n---\n") {
        let doc = if doc.ends_with('\n') {
            doc.to_owned()
        } else {
            format!("{doc}\n")
        };
        let value = krust_yaml::load_documents(&doc).unwrap().remove(0);
        let name = value.str_at(&["metadata", "name"]).unwrap().to_owned();
        docs.insert(name, doc);
    }
    Ok(docs)
}
