//! The synthetic repositories the benchmarks render are themselves rendered
//! like kubectl renders them (checked when kubectl is installed), so the
//! speed figures are about correct output.

use krust_suite::synthetic::{write_repo, RepoSpec};

#[test]
fn synthetic_overlay_renders_like_kubectl() {
    let dir = std::env::temp_dir().join(format!("krust-synthetic-{}", std::process::id()));
    let overlays = write_repo(
        &dir,
        RepoSpec {
            apps: 12,
            envs: 2,
            components: 2,
        },
    )
    .unwrap();
    let got = krust_suite::render(&overlays[1]).unwrap();
    assert_eq!(
        got.matches("---\n").count() + 1,
        12 * 4,
        "four resources per app"
    );
    match std::process::Command::new("kubectl")
        .arg("kustomize")
        .arg(&overlays[1])
        .output()
    {
        Ok(out) if out.status.success() => assert_eq!(got.as_bytes(), out.stdout.as_slice()),
        _ => eprintln!("kubectl not available: compared resource counts only"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
