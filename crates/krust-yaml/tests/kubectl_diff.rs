//! Differential test against the reference: random resources are written to a
//! kustomization, `kubectl kustomize` renders them, and the emitter must produce
//! the same bytes.
//!
//! Needs `kubectl` (with kustomize v5.5.0) on PATH, so it is ignored by default:
//! `cargo test -p krust-yaml --test kubectl_diff -- --ignored`.
//! `KRUST_DIFF_CASES` (default 400) and `KRUST_DIFF_SEED` (default 1) tune a run;
//! `KRUST_DIFF_KEEP=1` keeps the generated kustomization.

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use krust_yaml::{to_yaml_string, Mapping, Value};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Wraps `spec` into a resource kustomize accepts, named so that kustomize's
/// output order (by name) is the generation order.
fn resource(index: usize, spec: Value) -> Value {
    let mut metadata = Mapping::default();
    metadata.insert("name".into(), format!("t{index:05}").into());
    let mut map = Mapping::default();
    map.insert("apiVersion".into(), "example.com/v1".into());
    map.insert("kind".into(), "Thing".into());
    map.insert("metadata".into(), metadata.into());
    map.insert("spec".into(), spec);
    map.into()
}

fn kubectl_kustomize(dir: &Path) -> String {
    let output = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .expect("kubectl must be on PATH for this test");
    assert!(
        output.status.success(),
        "kubectl kustomize failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("kubectl prints UTF-8")
}

/// Whether kubectl is installed; without it the differential tests fail
/// under `CI` and elsewhere say they checked nothing.
fn kubectl_available() -> bool {
    krust_suite::tools::kubectl()
}

#[test]
fn random_resources_match_kubectl() {
    if !kubectl_available() {
        return;
    }
    let cases = env_number("KRUST_DIFF_CASES", 400) as usize;
    let seed = env_number("KRUST_DIFF_SEED", 1);
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let strategy = common::value_with(common::tricky_string_with_v2_breaks().boxed());

    let mut input = String::new();
    let mut expected = Vec::new();
    while expected.len() < cases {
        let spec = strategy.new_tree(&mut runner).unwrap().current();
        let res = resource(expected.len(), spec);
        // Values kustomize cannot print either are covered by unit tests.
        let Ok(yaml) = to_yaml_string(&res) else {
            continue;
        };
        if !expected.is_empty() {
            input.push_str("---\n");
        }
        common::write_exact_yaml(&res, &mut input);
        input.push('\n');
        expected.push(yaml);
    }

    let dir =
        std::env::temp_dir().join(format!("krust-kubectl-diff-{}-{seed}", std::process::id()));
    compare_with_kubectl(&dir, &input, &expected);
}

/// Renders `input` (documents of `Thing` resources) with kubectl in `dir` and
/// compares each document with the emitter's output in `expected`.
///
/// go-yaml v2's key order is not transitive for some key sets (digit runs that
/// overflow `int64`), and Go sorts map keys from a random iteration order, so
/// kubectl itself varies there. A mismatching document whose kubectl output
/// changes between runs is reported but not failed.
fn compare_with_kubectl(dir: &Path, input: &str, expected: &[String]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("kustomization.yaml"),
        "resources:\n- resources.yaml\n",
    )
    .unwrap();
    std::fs::write(dir.join("resources.yaml"), input).unwrap();
    let actual = kubectl_kustomize(dir);

    // kustomize joins documents with "---\n". A document may end without a
    // newline (a literal block ending in U+2028), so split before each header.
    let separator = "---\napiVersion: example.com/v1\n";
    let actual_docs: Vec<&str> = actual.split(separator).collect();
    assert_eq!(
        actual_docs.len(),
        expected.len(),
        "document count differs; input in {}",
        dir.display()
    );
    let mut failures = String::new();
    for (i, (got, want)) in actual_docs.iter().zip(expected).enumerate() {
        let got = if i == 0 {
            (*got).to_owned()
        } else {
            format!("apiVersion: example.com/v1\n{got}")
        };
        if got != *want {
            let doc = input
                .split("\n---\n")
                .nth(i)
                .expect("one input document per resource");
            if kubectl_is_nondeterministic(&dir.join(format!("t{i:05}")), doc) {
                eprintln!("resource t{i:05}: kubectl output varies between runs; skipped");
                continue;
            }
            let _ = writeln!(
                failures,
                "resource t{i:05}:\n--- kubectl\n{got}--- krust\n{want}"
            );
        }
    }
    assert!(
        failures.is_empty(),
        "input in {}\n{failures}",
        dir.display()
    );
    if std::env::var_os("KRUST_DIFF_KEEP").is_none() {
        std::fs::remove_dir_all(dir).ok();
    }
}

/// Whether rendering the single document `doc` several times gives different results.
fn kubectl_is_nondeterministic(dir: &Path, doc: &str) -> bool {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("kustomization.yaml"),
        "resources:\n- resources.yaml\n",
    )
    .unwrap();
    std::fs::write(dir.join("resources.yaml"), doc).unwrap();
    let first = kubectl_kustomize(dir);
    (0..15).any(|_| kubectl_kustomize(dir) != first)
}

#[test]
fn random_floats_match_kubectl() {
    if !kubectl_available() {
        return;
    }
    let seed = env_number("KRUST_DIFF_SEED", 1);
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed as u8; 32]),
    );
    // Mantissas scaled by powers of two hit exact decimal ties in the shortest
    // representation; the rest covers every magnitude and the int/uint borders.
    let scaled = (1u64 << 52..1u64 << 53, 0i32..64, proptest::bool::ANY)
        .prop_map(|(m, k, neg)| (m as f64) * 2f64.powi(-k) * if neg { -1.0 } else { 1.0 });
    let borders = (
        -4i64..=4,
        proptest::sample::select(&[63, 64][..]),
        proptest::bool::ANY,
    )
        .prop_map(|(ulps, exp, neg)| {
            let base = 2f64.powi(exp) * if neg { -1.0 } else { 1.0 };
            f64::from_bits((base.to_bits() as i64 + ulps) as u64)
        });
    let strategy = proptest::prop_oneof![scaled, borders, common::finite_float()];

    let mut input = String::new();
    let mut expected = Vec::new();
    for doc in 0..4 {
        let floats: Vec<Value> = (0..5000)
            .map(|_| Value::Float(strategy.new_tree(&mut runner).unwrap().current()))
            .collect();
        let res = resource(doc, Value::Seq(floats));
        if doc > 0 {
            input.push_str("---\n");
        }
        common::write_exact_yaml(&res, &mut input);
        input.push('\n');
        expected.push(to_yaml_string(&res).unwrap());
    }
    let dir = std::env::temp_dir().join(format!(
        "krust-kubectl-floats-{}-{seed}",
        std::process::id()
    ));
    compare_with_kubectl(&dir, &input, &expected);
}
