//! The same input gives the same bytes whatever the parallelism: every root
//! of `examples/` and every conformance case renders identically with
//! `--jobs 1` and `--jobs 8` (each run is also a separate process, so hash
//! seeds differ between them too).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file below `dir`, by relative path, with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_path_buf();
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn summary(out: &Output) -> (Option<i32>, String, String) {
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `render --all DIR --include-bases -o OUT` at `--jobs 1` and `--jobs 8`:
/// the two output trees.
fn render_all_twice(dir: &Path, scratch: &Path) -> Vec<BTreeMap<PathBuf, Vec<u8>>> {
    let mut outputs = Vec::new();
    for jobs in ["1", "8"] {
        let out = scratch.join(jobs);
        let run = common::render(
            &[
                "--jobs",
                jobs,
                "--all",
                ".",
                "--include-bases",
                "-o",
                out.to_str().unwrap(),
            ],
            dir,
        );
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        outputs.push(tree(&out));
    }
    outputs
}

#[test]
fn examples_render_identically_with_one_and_eight_threads() {
    let scratch = std::env::temp_dir().join(format!("krust-determinism-{}", std::process::id()));
    let outputs = render_all_twice(&workspace().join("examples"), &scratch);
    std::fs::remove_dir_all(&scratch).ok();
    assert!(
        outputs[0].len() >= 7,
        "expected every examples/ root, got {:?}",
        outputs[0].keys().collect::<Vec<_>>()
    );
    assert!(
        outputs[0] == outputs[1],
        "outputs differ between --jobs 1 and --jobs 8"
    );
}

/// The benchmarks' repository, 200 apps × 6 environments × 4 components:
/// every overlay and base, written with `-o`, the same at either parallelism.
#[test]
fn the_benchmarked_repository_renders_identically_with_one_and_eight_threads() {
    let scratch =
        std::env::temp_dir().join(format!("krust-determinism-repo-{}", std::process::id()));
    let repo = scratch.join("repo");
    krust_suite::synthetic::write_repo(
        &repo,
        krust_suite::synthetic::RepoSpec {
            apps: 200,
            envs: 6,
            components: 4,
        },
    )
    .unwrap();
    let outputs = render_all_twice(&repo, &scratch.join("out"));
    std::fs::remove_dir_all(&scratch).ok();
    assert!(
        outputs[0].len() >= 6 + 200,
        "expected every overlay and base, got {}",
        outputs[0].len()
    );
    assert!(
        outputs[0] == outputs[1],
        "outputs differ between --jobs 1 and --jobs 8"
    );
}

#[test]
fn flux_profiles_render_identically_with_one_and_eight_threads() {
    let gitops = workspace().join("examples/gitops");
    for profile in ["dev", "staging", "production"] {
        let dir = format!("profiles/{profile}");
        let run = |threads: &str| {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_render"))
                .args(["flux", &dir])
                .current_dir(&gitops)
                .env("RAYON_NUM_THREADS", threads)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            summary(&out)
        };
        let one = run("1");
        assert!(one.1.contains("kind: Deployment"), "{profile}: {}", one.1);
        assert!(one == run("8"), "{profile} differs between 1 and 8 threads");
    }
}

/// The conformance corpus: `$KRUST_SHARED/conformance/krusty`, or beside the workspace.
fn conformance_corpus() -> Option<PathBuf> {
    let shared = std::env::var_os("KRUST_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared"));
    let corpus = shared.join("conformance/krusty");
    corpus.is_dir().then_some(corpus)
}

#[test]
fn conformance_cases_render_identically_with_one_and_eight_threads() {
    let Some(corpus) = conformance_corpus() else {
        // CI always has the corpus; a developer's checkout may not.
        krust_suite::tools::unavailable("conformance corpus not found: set KRUST_SHARED");
        return;
    };
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("case.json").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 100, "only {} conformance cases", cases.len());
    let mut differing = Vec::new();
    for case in &cases {
        let meta = std::fs::read_to_string(case.join("case.json")).unwrap();
        let meta = krust_yaml::load_documents(&meta).unwrap().remove(0);
        let build_dir = meta.get("build_dir").and_then(|v| v.as_str()).unwrap();
        let flags: Vec<String> = meta
            .get("flags")
            .and_then(|v| v.as_seq())
            .map(|s| {
                s.iter()
                    .filter_map(|f| f.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let run = |jobs: &str| {
            let mut args = vec!["--jobs", jobs];
            args.extend(flags.iter().map(String::as_str));
            args.push(build_dir);
            summary(&common::render(&args, case))
        };
        if run("1") != run("8") {
            differing.push(case.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    assert!(
        differing.is_empty(),
        "these cases render differently with --jobs 1 and --jobs 8: {differing:?}"
    );
}
