//! `helmCharts` through the real helm: every case under
//! `crates/krust/tests/helm/cases/` renders, with helm 3 and helm 4, as
//! `kustomize build --enable-helm` of 5.5.0 and 5.8.1 did with the same
//! helm (goldens in each case's `expected/`, `<version>-<helm>.yaml` or,
//! where kustomize failed, `.err`), and as every installed kustomize does
//! when run live. A chart repository served on 127.0.0.1 is pulled from as
//! kustomize pulls.
//!
//! A case is a kustomization directory; the chart in `tests/helm/chart/demo`
//! is placed in its `charts/` (or the directory its `chart-home` file names,
//! or nowhere when that says `none`), with the files of `chart-changes/`
//! over it and the paths `chart-changes-remove` lists removed.
//! `KRUST_BLESS=1 cargo test -p krust --test helm` rewrites the goldens from
//! the oracles.

use std::path::{Path, PathBuf};

use krust::{BuildOptions, HelmSettings, KustomizeVersion};
use krust_suite::chart_repo::ChartRepo;
use krust_suite::copy_dir;
use krust_suite::oracle::{self, Outcome, HELM_VERSIONS};

/// The kustomize versions whose outputs are kept as goldens.
const GOLDEN_VERSIONS: [KustomizeVersion; 2] = [KustomizeVersion::V5_5_0, KustomizeVersion::V5_8_1];

/// Files of a case that describe it and are not part of the tree.
const CASE_FILES: [&str; 4] = [
    "chart-home",
    "chart-changes",
    "chart-changes-remove",
    "expected",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/helm")
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures().join("cases"))
        .expect("the helm cases exist")
        .map(|e| e.expect("an entry").path())
        .collect();
    cases.sort();
    cases
}

/// A fresh copy of `case`'s tree with its chart in place, in a temporary
/// directory removed on drop.
struct Tree {
    dir: PathBuf,
}

impl Tree {
    fn of(case: &Path, tag: &str) -> Tree {
        let name = case.file_name().unwrap().to_string_lossy();
        let dir = std::env::temp_dir().join(format!(
            "krust-helm-test-{}-{name}-{tag}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(case, &dir, &CASE_FILES);
        let home =
            std::fs::read_to_string(case.join("chart-home")).unwrap_or_else(|_| "charts".into());
        let home = home.trim();
        if home != "none" {
            let chart = dir.join(home).join("demo");
            copy_dir(&fixtures().join("chart/demo"), &chart, &[]);
            if case.join("chart-changes").is_dir() {
                copy_dir(&case.join("chart-changes"), &chart, &[]);
            }
            let removed =
                std::fs::read_to_string(case.join("chart-changes-remove")).unwrap_or_default();
            for path in removed.lines().filter(|l| !l.trim().is_empty()) {
                std::fs::remove_file(chart.join(path.trim())).unwrap();
            }
        }
        Tree { dir }
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// krust's render of `dir` as `version`, with `helm`.
fn krust_render(dir: &Path, version: KustomizeVersion, helm: &Path) -> Outcome {
    let options = BuildOptions::default()
        .with_kustomize_version(version)
        .with_helm(Some(HelmSettings::new(helm)));
    match krust::build(&krust::DiskFs, dir, &options).and_then(|map| map.to_yaml()) {
        Ok(text) => Outcome::Output(text),
        Err(e) => Outcome::Error(e.to_string()),
    }
}

fn oracle_render(dir: &Path, version: KustomizeVersion, helm: &Path) -> Option<Outcome> {
    let kustomize = oracle::kustomize(version)?;
    let command = format!("--helm-command={}", helm.display());
    Some(oracle::build(&kustomize, dir, &["--enable-helm", &command]).expect("the oracle runs"))
}

fn golden_path(case: &Path, version: KustomizeVersion, helm: &str, ok: bool) -> PathBuf {
    let ext = if ok { "yaml" } else { "err" };
    case.join("expected")
        .join(format!("v{version}-helm-{helm}.{ext}"))
}

/// Both helms, or `None` (after saying why) when either is missing.
fn helms() -> Option<Vec<(&'static str, PathBuf)>> {
    HELM_VERSIONS
        .iter()
        .map(|v| oracle::helm(v).map(|p| (*v, p)))
        .collect()
}

/// Whether two outcomes agree: the same output, or both failures.
fn agree(ours: &Outcome, theirs: &Outcome) -> bool {
    match (ours, theirs) {
        (Outcome::Output(a), Outcome::Output(b)) => a == b,
        (Outcome::Error(_), Outcome::Error(_)) => true,
        _ => false,
    }
}

#[test]
fn charts_render_as_the_goldens_say() {
    let Some(helms) = helms() else { return };
    let bless = std::env::var_os("KRUST_BLESS").is_some();
    let mut failures = Vec::new();
    for case in cases() {
        for version in GOLDEN_VERSIONS {
            for (helm, binary) in &helms {
                let tree = Tree::of(&case, &format!("{version}-{helm}"));
                if bless {
                    let outcome = oracle_render(&tree.dir, version, binary)
                        .expect("blessing needs the oracles");
                    let _ = std::fs::create_dir_all(case.join("expected"));
                    for ok in [true, false] {
                        let _ = std::fs::remove_file(golden_path(&case, version, helm, ok));
                    }
                    let (path, text) = match &outcome {
                        Outcome::Output(text) => {
                            (golden_path(&case, version, helm, true), text.clone())
                        }
                        // The message holds temporary paths: only the failure is kept.
                        Outcome::Error(text) => {
                            (golden_path(&case, version, helm, false), first_line(text))
                        }
                    };
                    std::fs::write(path, text).unwrap();
                    continue;
                }
                let expected =
                    match std::fs::read_to_string(golden_path(&case, version, helm, true)) {
                        Ok(text) => Outcome::Output(text),
                        Err(_) => Outcome::Error(String::new()),
                    };
                let ours = krust_render(&tree.dir, version, binary);
                if !agree(&ours, &expected) {
                    failures.push(format!(
                        "{} v{version} helm {helm}: {ours:?}",
                        case.display()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The first line of kustomize's message, without its temporary paths
/// and Go pointers (which change on every run).
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let line = &line[..line.find("/tmp/").unwrap_or(line.len())];
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find("0x") {
        out.push_str(&rest[..at + 2]);
        rest = rest[at + 2..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
        out.push('…');
    }
    format!("{out}{rest}\n")
}

#[test]
fn charts_render_as_every_installed_kustomize() {
    let Some(helms) = helms() else { return };
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in cases() {
        for version in KustomizeVersion::ALL {
            for (helm, binary) in &helms {
                let tree = Tree::of(&case, &format!("live-{version}-{helm}"));
                // Versions not installed are skipped (under CI, a failure).
                let Some(theirs) = oracle_render(&tree.dir, version, binary) else {
                    continue;
                };
                let ours = krust_render(&tree.dir, version, binary);
                compared += 1;
                if !agree(&ours, &theirs) {
                    failures.push(format!(
                        "{} v{version} helm {helm}:\nours: {ours:?}\nkustomize: {theirs:?}",
                        case.display()
                    ));
                }
            }
        }
    }
    assert!(compared > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn without_enable_helm_the_error_says_how() {
    let tree = Tree::of(&cases()[1], "disabled");
    let err = krust::build(&krust::DiskFs, &tree.dir, &BuildOptions::default()).unwrap_err();
    assert_eq!(err.kind(), krust::ErrorKind::Helm);
    assert!(err.to_string().contains("--enable-helm"), "{err}");
    assert!(err.to_string().contains("kustomization.yaml"), "{err}");
}

#[test]
fn a_missing_helm_is_named() {
    let tree = Tree::of(&cases()[1], "missing");
    let options =
        BuildOptions::default().with_helm(Some(HelmSettings::new("/nonexistent/krust-helm")));
    let err = krust::build(&krust::DiskFs, &tree.dir, &options).unwrap_err();
    assert_eq!(err.kind(), krust::ErrorKind::Helm);
    let message = err.to_string();
    assert!(
        message.contains("/nonexistent/krust-helm") && message.contains("--helm-command"),
        "{message}"
    );
}

#[test]
fn helm_4_needs_kustomize_5_8() {
    let Some(helm4) = oracle::helm(HELM_VERSIONS[1]) else {
        return;
    };
    let tree = Tree::of(&cases()[1], "helm4");
    let options = BuildOptions::default()
        .with_kustomize_version(KustomizeVersion::V5_7_1)
        .with_helm(Some(HelmSettings::new(helm4)));
    let err = krust::build(&krust::DiskFs, &tree.dir, &options).unwrap_err();
    assert!(err.to_string().contains("needs kustomize 5.8"), "{err}");
}

#[test]
fn charts_are_pulled_from_a_repository_once() {
    let Some(helms) = helms() else { return };
    let chart = fixtures().join("chart/demo");
    let Some(server) = ChartRepo::serve(&helms[0].1, &chart, "pull") else {
        return;
    };
    let kustomization = format!(
        "helmCharts:\n- name: demo\n  repo: http://127.0.0.1:{}\n  version: 0.1.0\n  releaseName: pulled\n  valuesInline: {{replicaCount: 3}}\n",
        server.port
    );
    for version in GOLDEN_VERSIONS {
        for (helm, binary) in &helms {
            let make = |tag: &str| {
                let dir = std::env::temp_dir().join(format!(
                    "krust-helm-pull-{}-{version}-{helm}-{tag}",
                    std::process::id()
                ));
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(dir.join("kustomization.yaml"), &kustomization).unwrap();
                dir
            };
            let (ours_dir, their_dir) = (make("krust"), make("kustomize"));
            let ours = krust_render(&ours_dir, version, binary);
            let Some(theirs) = oracle_render(&their_dir, version, binary) else {
                return;
            };
            assert!(
                agree(&ours, &theirs),
                "v{version} helm {helm}:\nours: {ours:?}\nkustomize: {theirs:?}"
            );
            if matches!(theirs, Outcome::Output(_)) {
                // Pulled where kustomize pulls, and not again.
                assert!(ours_dir.join("charts/demo-0.1.0/demo/Chart.yaml").is_file());
                assert!(their_dir
                    .join("charts/demo-0.1.0/demo/Chart.yaml")
                    .is_file());
            }
            // Not pulled again: with the repository gone, the chart home serves.
            let again = krust_render_with_hidden_repo(&ours_dir, version, binary);
            assert!(agree(&again, &ours), "second render: {again:?}");
            let _ = std::fs::remove_dir_all(&ours_dir);
            let _ = std::fs::remove_dir_all(&their_dir);
        }
    }
    drop(server);
}

/// Renders `dir` after pointing its `repo` at a port nothing listens on.
fn krust_render_with_hidden_repo(dir: &Path, version: KustomizeVersion, helm: &Path) -> Outcome {
    let file = dir.join("kustomization.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let start = text.find("http://127.0.0.1:").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    let moved = format!("{}http://127.0.0.1:9{}", &text[..start], &text[end..]);
    std::fs::write(&file, moved).unwrap();
    krust_render(dir, version, helm)
}
