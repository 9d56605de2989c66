//! Lint on real trees on disk: the example monorepo, and a small fixture
//! that also lints identically from an in-memory copy (as a git revision's
//! tree would be read).

use std::path::{Path, PathBuf};

use krust::MemFs;
use krust_repo::lint::{files_on_disk, lint, lint_on_disk, LintOptions, RuleId};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The example repository's genuine findings, as the README describes it:
/// dev keeps the deprecated `commonLabels` on purpose, and the `replicas.yaml`
/// patches are promotable by name but exist only where an environment was
/// scaled (staging and production for `api`, production for `frontend`).
#[test]
fn example_gitops_repository_has_exactly_the_expected_findings() {
    let report = lint_on_disk(
        &manifest_dir().join("../../examples/gitops"),
        &LintOptions::default(),
    )
    .unwrap();
    let got: Vec<(String, Option<usize>, RuleId)> = report
        .findings
        .iter()
        .map(|f| (f.file.display().to_string(), f.line, f.rule))
        .collect();
    let want = [
        (
            "apps/overlays/dev/kustomization.yaml",
            Some(6),
            RuleId::DeprecatedField,
        ),
        (
            "apps/overlays/production/api/replicas.yaml",
            None,
            RuleId::UnpromotedPatch,
        ),
        (
            "apps/overlays/production/frontend/replicas.yaml",
            None,
            RuleId::UnpromotedPatch,
        ),
    ]
    .map(|(file, line, rule)| (file.to_owned(), line, rule));
    assert_eq!(got, want, "{:#?}", report.findings);
    let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(messages[0].starts_with("`commonLabels` is deprecated"));
    assert!(
        messages[1]
            .contains("is in `production`, `staging` but not in `dev`, which also renders `api`"),
        "{}",
        messages[1]
    );
    assert!(
        messages[2].contains(
            "is in `production` but not in `dev`, `staging`, which also render `frontend`"
        ),
        "{}",
        messages[2]
    );
    assert_eq!(report.summary.overlays, 3);
    assert_eq!(report.summary.kustomizations, 9);
    assert_eq!(report.exit_code(), 1);
}

const FIXTURE: &str = "tests/fixtures/lint/disk";

#[test]
fn disk_fixture_reports_the_yml_patch_and_skips_hidden_directories() {
    let dir = manifest_dir().join(FIXTURE);
    let listed = files_on_disk(&dir).unwrap();
    assert!(listed
        .iter()
        .all(|f| !f.to_string_lossy().contains(".github")));
    assert_eq!(listed.len(), 6);
    let report = lint_on_disk(&dir, &LintOptions::default()).unwrap();
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    let finding = &report.findings[0];
    assert_eq!(finding.rule, RuleId::YmlExtension);
    assert_eq!(finding.file, Path::new("apps/overlays/dev/api/version.yml"));
    assert!(
        finding
            .message
            .contains("(apps/overlays/dev/kustomization.yaml:7)"),
        "{}",
        finding.message
    );
}

#[test]
fn in_memory_copy_lints_like_the_checkout() {
    let dir = manifest_dir().join(FIXTURE);
    let mut fs = MemFs::new();
    let mut files = Vec::new();
    for file in files_on_disk(&dir).unwrap() {
        let relative = file.strip_prefix(&dir).unwrap();
        let copy = Path::new("/revision").join(relative);
        fs.add_file(&copy, std::fs::read(&file).unwrap());
        files.push(copy);
    }
    let from_memory = lint(&fs, Path::new("/revision"), &files, &LintOptions::default());
    let from_disk = lint_on_disk(&dir, &LintOptions::default()).unwrap();
    assert!(!from_disk.is_clean());
    assert_eq!(from_memory, from_disk);
}
