//! `render flux` on the example repository's profiles, and the acceptance
//! test: every Flux Kustomization of the profiles and of krust-flux's
//! fixture repositories renders byte for byte as the Flux oracle
//! (`tests/oracles/fluxbuild`, kustomize-controller v1.8's own code) builds
//! it.

use std::path::{Path, PathBuf};
use std::process::Command;
mod common;
#[path = "../../krust-flux/tests/oracle/mod.rs"]
mod oracle;

use common::{git, render};
use oracle::{ClusterSpec, Outcome};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/gitops")
}

/// A copy of the example repository, committed as a git repository of its
/// own; `None` when git is not installed.
fn committed_example(name: &str, message: &str) -> Option<PathBuf> {
    let dir = std::env::temp_dir().join(format!("krust-flux-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(Command::new("cp")
        .arg("-r")
        .arg(example())
        .arg(&dir)
        .status()
        .unwrap()
        .success());
    if !krust_suite::tools::git() {
        return None;
    }
    assert!(git(&dir, &["init", "-q", "."]) && git(&dir, &["add", "-A"]));
    assert!(git(&dir, &["commit", "-qm", message]));
    Some(dir)
}

const INFRA: &str = "--source=GitRepository/flux-system/infrastructure=.";

#[test]
fn a_profile_renders_every_kustomization_with_its_variables() {
    let out = render(&["flux", "profiles/staging", INFRA], &example());
    let yaml = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        yaml.contains("PODINFO_UI_MESSAGE: 'Welcome to the shop: demo-staging'"),
        "{yaml}"
    );
    assert!(
        yaml.contains("replicaCount: 2\n"),
        "substituted numbers are numbers: {yaml}"
    );
    assert!(!yaml.contains("${"), "{yaml}");
}

#[test]
fn the_graph_names_paths_sources_and_dependencies() {
    let out = render(&["flux", "profiles/dev", INFRA, "--graph"], &example());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "flux-system/flux-system (./profiles/dev @ GitRepository/flux-system/flux-system)\n\
         flux-system/infrastructure (./infrastructure @ GitRepository/flux-system/infrastructure)\n\
         flux-system/apps (./apps/overlays/dev @ GitRepository/flux-system/flux-system)\n  depends on flux-system/infrastructure\n"
    );
}

#[test]
fn an_unset_variable_names_the_variable_the_resource_and_the_kustomization() {
    let dir = std::env::temp_dir().join(format!("krust-flux-strict-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let copy = Command::new("cp")
        .arg("-r")
        .arg(example())
        .arg(&dir)
        .status()
        .unwrap();
    assert!(copy.success());
    let configmap = dir.join("apps/base/frontend/configmap.yaml");
    let text = std::fs::read_to_string(&configmap).unwrap();
    std::fs::write(
        &configmap,
        text.replace("${cluster_name:=demo}", "${shop_title}"),
    )
    .unwrap();
    // Flux 2.8's default: an unset variable becomes empty.
    for extra in [
        &[][..],
        &["--no-strict"],
        &["--no-strict", "--strict", "--no-strict"],
    ] {
        let out = render(
            &[&["flux", "profiles/staging", INFRA][..], extra].concat(),
            &dir,
        );
        assert_eq!(out.status.code(), Some(0), "{extra:?}");
        let yaml = String::from_utf8_lossy(&out.stdout);
        assert!(
            yaml.contains("PODINFO_UI_MESSAGE: 'Welcome to the shop: '"),
            "{extra:?}: {yaml}"
        );
    }
    // With the StrictPostBuildSubstitutions feature gate, it fails.
    let out = render(&["flux", "profiles/staging", INFRA, "--strict"], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("shop_title"), "{stderr}");
    assert!(
        stderr.contains("ConfigMap shop-staging/frontend-config"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Kustomization flux-system/apps"),
        "{stderr}"
    );
    let out = render(
        &["flux", "profiles/staging", INFRA, "--no-strict", "--strict"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(1), "the last of the two wins");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn what_a_profile_gets_is_compared_per_flux_kustomization_between_revisions() {
    let Some(dir) = committed_example("diff", "base") else {
        return;
    };
    let out = render(
        &[
            "verify-noop",
            "--base",
            "HEAD",
            "--flux",
            "profiles/staging",
        ],
        &dir,
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "no-op: 2 roots, 17 resources identical\n"
    );
    let apps = dir.join("profiles/staging/apps.yaml");
    let text = std::fs::read_to_string(&apps).unwrap();
    std::fs::write(&apps, text.replace("demo-staging", "demo-stage")).unwrap();
    let out = render(
        &["diff", "--base", "HEAD", "--flux", "profiles/staging"],
        &dir,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("profiles/staging flux-system/apps: changed"),
        "{stdout}"
    );
    assert!(stdout.contains("data.PODINFO_UI_MESSAGE"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_source_pinned_to_a_tag_of_the_repository_renders_that_tag() {
    let Some(dir) = committed_example("tag", "v0.4.0") else {
        return;
    };
    assert!(git(&dir, &["tag", "v0.4.0"]));
    // After the tag, the working tree's ingress moves on; the pinned
    // infrastructure must not see it.
    let ingress = dir.join("infrastructure/ingress-nginx.yaml");
    let text = std::fs::read_to_string(&ingress).unwrap();
    std::fs::write(&ingress, text.replace("replicaCount:", "replicaCountNext:")).unwrap();
    let pinned = "--source=GitRepository/flux-system/infrastructure=git:v0.4.0";
    let out = render(&["flux", "profiles/staging", pinned], &dir);
    let yaml = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(yaml.contains("replicaCount: 2\n"), "{yaml}");
    assert!(!yaml.contains("replicaCountNext"), "{yaml}");
    let out = render(&["flux", "profiles/staging", INFRA], &dir);
    assert!(String::from_utf8_lossy(&out.stdout).contains("replicaCountNext: 2\n"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn each_kustomization_is_written_to_its_own_file() {
    let out_dir = std::env::temp_dir().join(format!("krust-flux-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    let out_arg = out_dir.display().to_string();
    let out = render(
        &["flux", "profiles/production", INFRA, "-o", &out_arg],
        &example(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    for name in ["flux-system", "infrastructure", "apps"] {
        let file = out_dir.join(format!("flux-system/{name}.yaml"));
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.starts_with("apiVersion: "), "{}", file.display());
    }
    let all = render(&["flux", "profiles/production", INFRA], &example()).stdout;
    let apps = std::fs::read(out_dir.join("flux-system/apps.yaml")).unwrap();
    assert!(
        all.windows(apps.len()).any(|w| w == apps.as_slice()),
        "the per-Kustomization file is part of the whole render"
    );
    std::fs::remove_dir_all(&out_dir).unwrap();
}

/// `render flux DIR -o OUT` against the Flux oracle (kustomize-controller
/// v1.8's own code) walking the same cluster: every Flux Kustomization
/// renders, or fails, as the controller builds it, byte for byte.
fn assert_renders_as_the_oracle(binary: &Path, repo: &Path, spec: &ClusterSpec, extra: &[&str]) {
    let label = format!(
        "{} {}{}",
        repo.display(),
        spec.dir,
        if spec.strict { " --strict" } else { "" }
    );
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let out_dir = std::env::temp_dir().join(format!(
        "krust-flux-oracle-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&out_dir);
    let out_arg = out_dir.display().to_string();
    let mut args = vec!["flux", spec.dir, "-o", &out_arg];
    if spec.strict {
        args.push("--strict");
    }
    args.extend(extra);
    let out = render(&args, repo);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let want = oracle::sorted(oracle::render_cluster(binary, spec));
    assert!(want.len() > 1, "{label}: the oracle found no Kustomization");
    let failed = want
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Error(_)))
        .count();
    assert_eq!(
        out.status.code(),
        Some(if failed > 0 { 1 } else { 0 }),
        "{label}: {stderr}"
    );
    for (id, outcome) in &want {
        let file = out_dir.join(format!("{id}.yaml"));
        match outcome {
            Outcome::Output(text) => {
                let got = std::fs::read_to_string(&file)
                    .unwrap_or_else(|e| panic!("{label}: {id}: {e}; {stderr}"));
                assert!(
                    got == *text,
                    "{label}: {id} differs from the oracle: {}",
                    first_difference(&got, text)
                );
            }
            Outcome::Error(message) => {
                assert!(
                    !file.exists(),
                    "{label}: {id} renders; the oracle: {message}"
                );
                assert!(
                    stderr.contains(&format!("Kustomization {id}")),
                    "{label}: {id} fails in the oracle ({message}), render flux says: {stderr}"
                );
            }
        }
    }
    // Nothing rendered that Flux would not render.
    let mut written = Vec::new();
    for ns in std::fs::read_dir(&out_dir).into_iter().flatten() {
        let ns = ns.unwrap();
        for file in std::fs::read_dir(ns.path()).unwrap() {
            let name = file.unwrap().file_name().to_string_lossy().into_owned();
            written.push(format!(
                "{}/{}",
                ns.file_name().to_string_lossy(),
                name.trim_end_matches(".yaml")
            ));
        }
    }
    written.sort();
    let rendered: Vec<&String> = want
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Output(_)))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(written.iter().collect::<Vec<_>>(), rendered, "{label}");
    std::fs::remove_dir_all(&out_dir).unwrap();
}

/// Where `got` and `want` part, with a little context.
fn first_difference(got: &str, want: &str) -> String {
    let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
    let at = g.iter().zip(&w).take_while(|(a, b)| a == b).count();
    let context =
        |lines: &[&str]| lines[at.saturating_sub(3)..(at + 3).min(lines.len())].join("\n");
    format!(
        "line {}\n--- render flux\n{}\n--- oracle\n{}",
        at + 1,
        context(&g),
        context(&w)
    )
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../krust-flux/tests/fixtures")
        .join(name)
}

#[test]
fn every_profile_renders_as_the_flux_oracle() {
    let Some(binary) = oracle::fluxbuild() else {
        return;
    };
    let repo = std::fs::canonicalize(example()).unwrap();
    for profile in ["dev", "staging", "production"] {
        let dir = format!("./profiles/{profile}");
        for strict in [false, true] {
            let spec = ClusterSpec {
                repo: &repo,
                dir: &dir,
                sources: vec![("GitRepository/flux-system/infrastructure", repo.clone())],
                strict,
            };
            assert_renders_as_the_oracle(&binary, &repo, &spec, &[INFRA]);
        }
    }
}

#[test]
fn the_fixture_repositories_render_as_the_flux_oracle() {
    let Some(binary) = oracle::fluxbuild() else {
        return;
    };
    for (name, dir) in [
        ("repo", "./profiles/dev"),
        ("substitution", "./clusters/demo"),
        ("ignore", "./clusters/demo"),
    ] {
        let repo = std::fs::canonicalize(fixture(name)).unwrap();
        for strict in [false, true] {
            let spec = ClusterSpec {
                repo: &repo,
                dir,
                sources: Vec::new(),
                strict,
            };
            assert_renders_as_the_oracle(&binary, &repo, &spec, &[]);
        }
    }
}
