//! The synthetic repositories the benchmarks render are themselves rendered
//! like kubectl renders them (checked when kubectl is installed), so the
//! speed figures are about correct output: one overlay alone, and every
//! overlay at once through the build graph, as `render -o` renders them.

use std::path::PathBuf;

use krust::{BuildOptions, DiskFs, Graph};
use krust_suite::synthetic::{write_repo, RepoSpec};

fn kubectl(dir: &std::path::Path) -> Option<Vec<u8>> {
    match std::process::Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
    {
        Ok(out) if out.status.success() => Some(out.stdout),
        _ => None,
    }
}

fn repo(name: &str) -> (PathBuf, Vec<PathBuf>) {
    let dir = std::env::temp_dir().join(format!("krust-synthetic-{name}-{}", std::process::id()));
    let overlays = write_repo(
        &dir,
        RepoSpec {
            apps: 12,
            envs: 3,
            components: 2,
        },
    )
    .unwrap();
    (dir, overlays)
}

#[test]
fn synthetic_overlay_renders_like_kubectl() {
    let (dir, overlays) = repo("one");
    let got = krust_suite::render(&overlays[1]).unwrap();
    assert_eq!(
        got.matches("---\n").count() + 1,
        12 * 4,
        "four resources per app"
    );
    match kubectl(&overlays[1]) {
        Some(want) => assert_eq!(got.as_bytes(), want.as_slice()),
        None => eprintln!("kubectl not available: compared resource counts only"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_overlay_rendered_at_once_renders_like_kubectl() {
    let (dir, overlays) = repo("all");
    let graph = Graph::new(&DiskFs, BuildOptions::default());
    let built = graph.build_all(&overlays);
    assert_eq!(
        graph.stats().kustomizations_built,
        3 + 12,
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
        match kubectl(overlay) {
            Some(want) => assert_eq!(got.as_bytes(), want.as_slice(), "{}", overlay.display()),
            None => eprintln!("kubectl not available: compared with single renders only"),
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
