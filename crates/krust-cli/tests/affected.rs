//! `render affected` and `render diff --changed` on a generated repository
//! of 200 roots: a change to one base, one component, one generator file
//! and one Flux substitution source lists exactly the roots that include
//! them (precise), every root whose render changed among them (sound), and
//! `diff --changed` renders only those.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

mod common;

use common::{git, render, write};
use krust_suite::affected_repo::{self, AffectedRepo, Change};

/// 50 apps, each with a base and an overlay root in each of 4
/// environments (200 roots); 4 components, app `n` using component `n % 4`;
/// a generated ConfigMap from a file in every overlay; and a Flux cluster
/// root whose substitution variables live in a ConfigMap file.
const REPO: AffectedRepo = AffectedRepo {
    apps: 50,
    envs: 4,
    components: 4,
    deployments: 1,
};

/// The repository, with the change (one base, one component, one generator
/// file, one substitution source) committed on top.
fn repository(name: &str) -> Option<PathBuf> {
    if !krust_suite::tools::git() {
        return None;
    }
    let dir = std::env::temp_dir().join(format!("krust-affected-{name}-{}", std::process::id()));
    assert!(REPO.create(&dir));
    REPO.change(&dir, Change::Base);
    REPO.change(&dir, Change::Rest);
    assert!(affected_repo::commit(&dir, "change"));
    Some(dir)
}

/// The roots the change must reach, as `render` shows them.
fn expected() -> BTreeSet<String> {
    let reached = REPO.reached(&[Change::Base, Change::Rest]);
    assert_eq!(reached.len(), 58);
    reached
}

fn lines(out: &std::process::Output) -> BTreeSet<String> {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn affected_is_sound_and_precise_on_two_hundred_roots() {
    let Some(dir) = repository("sound") else {
        return;
    };
    let listed = lines(&render(
        &["affected", "--base", "HEAD~1", "--head", "HEAD"],
        &dir,
    ));
    assert_eq!(listed, expected());
    // Sound: every root whose render changed is listed.
    let report = render(
        &["diff", "--base", "HEAD~1", "--head", "HEAD", "--all", "."],
        &dir,
    );
    let text = String::from_utf8_lossy(&report.stdout);
    // `ROOT: changed (…)` heads each root that differs.
    let changed: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.split_once(": changed (").map(|(root, _)| root.to_owned()))
        .collect();
    assert!(!changed.is_empty(), "{text}");
    assert!(
        changed.is_subset(&listed),
        "{changed:?} not all in {listed:?}"
    );
    // The working tree against the base: the same change, uncommitted.
    assert!(git(&dir, &["reset", "-q", "--soft", "HEAD~1"]));
    let listed = lines(&render(&["affected", "--base", "HEAD"], &dir));
    assert_eq!(listed, expected());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn deleted_and_renamed_files_count_and_json_says_why() {
    let Some(dir) = repository("renamed") else {
        return;
    };
    // Rename a generator file (and fix its reference): the old and the new
    // name both reach the root; delete a root outright.
    std::fs::rename(
        dir.join("overlays/e1/app5/config.txt"),
        dir.join("overlays/e1/app5/settings.txt"),
    )
    .unwrap();
    write(
        &dir,
        "overlays/e1/app5/kustomization.yaml",
        &REPO.overlay(5, 1, "settings.txt"),
    );
    std::fs::remove_dir_all(dir.join("overlays/e3/app9")).unwrap();
    let out = render(
        &[
            "affected",
            "--base",
            "HEAD",
            "--format",
            "json",
            "--include",
            "overlays/e1/*",
            "--include",
            "overlays/e3/*",
        ],
        &dir,
    );
    let json = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{json}");
    assert!(
        json.contains("{\"root\": \"overlays/e1/app5\", \"reason\": \"input\", \"file\": \"overlays/e1/app5/config.txt\"}"),
        "{json}"
    );
    assert!(
        json.contains("{\"root\": \"overlays/e3/app9\", \"reason\": \"removed\", \"file\": null}"),
        "{json}"
    );
    // Only the shard's roots.
    assert!(!json.contains("overlays/e0/"), "{json}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn diff_changed_renders_only_the_affected_roots() {
    let Some(dir) = repository("changed") else {
        return;
    };
    let out = render(
        &[
            "diff",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
            "--changed",
            "--format",
            "json",
        ],
        &dir,
    );
    let json = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{json}");
    let roots = json.matches("\"root\": ").count();
    assert_eq!(roots, expected().len(), "{json}");
    assert!(Path::new(&dir).exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn flux_kustomizations_are_reached_through_what_they_substitute_from() {
    let Some(dir) = repository("flux") else {
        return;
    };
    let out = render(
        &[
            "affected",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
            "--flux",
            "clusters/demo",
        ],
        &dir,
    );
    let listed = lines(&out);
    let flux: Vec<&String> = listed.iter().filter(|l| l.starts_with("flux ")).collect();
    assert_eq!(
        flux,
        [
            "flux clusters/demo flux-system/apps (substitution)",
            "flux clusters/demo flux-system/flux-system (path)",
        ],
        "{listed:?}"
    );
    // The roots are listed as without --flux.
    let roots: BTreeSet<String> = listed
        .into_iter()
        .filter(|l| !l.starts_with("flux "))
        .collect();
    assert_eq!(roots, expected());
    std::fs::remove_dir_all(&dir).unwrap();
}
