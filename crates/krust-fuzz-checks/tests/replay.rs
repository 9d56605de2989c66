//! Runs every committed fuzz input through its target's check: the seed
//! corpus (`fuzz/corpus/<target>/*.yaml`; other files there are what a
//! local `cargo fuzz run` added, which git ignores) and the inputs that
//! once crashed a target (`fuzz/regressions/<target>/`). No fuzz tooling
//! is needed.

use std::path::{Path, PathBuf};

use krust_fuzz_checks::{check, TARGETS};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The files directly in `dir` (none if it does not exist), sorted; in
/// the corpus only the committed `*.yaml` seeds.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let seeds_only = dir.parent().and_then(Path::file_name) == Some("corpus".as_ref());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_file())
        .filter(|p| !seeds_only || p.extension() == Some("yaml".as_ref()))
        .collect();
    files.sort();
    files
}

/// Replays the inputs under `fuzz/<kind>/<target>/`; returns how many ran.
fn replay(kind: &str) -> usize {
    let root = fuzz_dir().join(kind);
    let mut ran = 0;
    for entry in std::fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display())) {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let check = check(&name)
            .unwrap_or_else(|| panic!("{}: no fuzz target is named {name}", dir.display()));
        for file in inputs(&dir) {
            let data = std::fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(outcome.is_ok(), "{} fails its check", file.display());
            ran += 1;
        }
    }
    ran
}

#[test]
fn corpus_inputs_pass_their_checks() {
    let ran = replay("corpus");
    for (name, _) in TARGETS {
        assert!(
            !inputs(&fuzz_dir().join("corpus").join(name)).is_empty(),
            "the fuzz target {name} has no committed corpus"
        );
    }
    assert!(ran > 0);
}

#[test]
fn regression_inputs_pass_their_checks() {
    replay("regressions");
}
