//! The synthetic repositories the benchmarks render are themselves rendered
//! as every emulated kustomize renders them (checked against the oracles),
//! so the speed figures are about correct output: one overlay alone, and
//! every overlay at once through the build graph, as `render -o` renders
//! them.

use std::path::{Path, PathBuf};

use krust::{BuildOptions, DiskFs, Graph, KustomizeVersion};
use krust_suite::golden;
use krust_suite::oracle::{self, Outcome};
use krust_suite::synthetic::{write_repo, RepoSpec};

/// krust's render of `dir` as each version, against that version's oracle.
fn check_every_version(dir: &Path) {
    for version in KustomizeVersion::ALL {
        let Some(binary) = oracle::kustomize(version) else {
            return;
        };
        let got = golden::render(dir, version).unwrap();
        match oracle::build(&binary, dir, &[]).unwrap() {
            Outcome::Output(want) => assert!(got == want, "{} (v{version})", dir.display()),
            Outcome::Error(e) => panic!("kustomize v{version} fails on {}: {e}", dir.display()),
        }
    }
}

fn repo(name: &str, spec: RepoSpec) -> (PathBuf, Vec<PathBuf>) {
    let dir = std::env::temp_dir().join(format!("krust-synthetic-{name}-{}", std::process::id()));
    let overlays = write_repo(&dir, spec).unwrap();
    (dir, overlays)
}

/// The repository the benchmarks render: 200 apps × 6 environments × 4
/// components, 800 resources per overlay.
const BENCHED: RepoSpec = RepoSpec {
    apps: 200,
    envs: 6,
    components: 4,
};

#[test]
fn synthetic_overlay_renders_like_each_kustomize() {
    let (dir, overlays) = repo(
        "one",
        RepoSpec {
            apps: 12,
            envs: 3,
            components: 2,
        },
    );
    let got = krust_suite::render(&overlays[1]).unwrap();
    assert_eq!(
        got.matches("---\n").count() + 1,
        12 * 4,
        "four resources per app"
    );
    check_every_version(&overlays[1]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_overlay_rendered_at_once_renders_like_each_kustomize() {
    let (dir, overlays) = repo("all", BENCHED);
    let graph = Graph::new(&DiskFs, BuildOptions::default());
    let built = graph.build_all(&overlays);
    assert_eq!(
        graph.stats().kustomizations_built,
        BENCHED.envs + BENCHED.apps,
        "each overlay, and each base once"
    );
    for (overlay, result) in overlays.iter().zip(built) {
        let got = result.and_then(|map| map.to_yaml()).unwrap();
        assert_eq!(
            got,
            krust_suite::render(overlay).unwrap(),
            "{}",
            overlay.display()
        );
    }
    // kustomize takes seconds per overlay of this size: check them side by side.
    std::thread::scope(|scope| {
        for overlay in &overlays {
            scope.spawn(|| check_every_version(overlay));
        }
    });
    std::fs::remove_dir_all(&dir).unwrap();
}
