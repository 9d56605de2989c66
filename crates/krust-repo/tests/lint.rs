//! Each lint rule on small in-memory repositories: a tree that triggers it,
//! and the nearest tree that must not.

use std::path::{Path, PathBuf};

use krust::MemFs;
use krust_repo::lint::{lint, Finding, LintOptions, Report, RuleId};

/// An in-memory repository at `/repo` with the listing `lint` needs.
#[derive(Clone)]
struct Repo {
    fs: MemFs,
    files: Vec<PathBuf>,
}

impl Repo {
    fn empty() -> Repo {
        Repo {
            fs: MemFs::new(),
            files: Vec::new(),
        }
    }

    /// A clean group `apps`: bases `api` and `web`, overlays `staging` and
    /// `production` rendering both, each with a listed `api/version.yaml`.
    fn clean() -> Repo {
        let overlay = "resources:\n  - ../../base/api\n  - ../../base/web\npatches:\n  - path: api/version.yaml\n";
        Repo::empty()
            .with(
                "apps/base/api/kustomization.yaml",
                "resources:\n  - deployment.yaml\n",
            )
            .with("apps/base/api/deployment.yaml", DEPLOYMENT)
            .with(
                "apps/base/web/kustomization.yaml",
                "resources:\n  - deployment.yaml\n",
            )
            .with("apps/base/web/deployment.yaml", DEPLOYMENT)
            .with("apps/overlays/staging/kustomization.yaml", overlay)
            .with("apps/overlays/staging/api/version.yaml", DEPLOYMENT)
            .with("apps/overlays/production/kustomization.yaml", overlay)
            .with("apps/overlays/production/api/version.yaml", DEPLOYMENT)
    }

    fn with(self, path: &str, text: &str) -> Repo {
        self.with_bytes(path, text.as_bytes())
    }

    fn with_bytes(mut self, path: &str, bytes: &[u8]) -> Repo {
        self.fs.add_file(Path::new("/repo").join(path), bytes);
        self.files.retain(|f| f != Path::new(path));
        self.files.push(PathBuf::from(path));
        self
    }

    fn lint(&self) -> Report {
        self.lint_with(&LintOptions::default())
    }

    fn lint_with(&self, options: &LintOptions) -> Report {
        lint(&self.fs, Path::new("/repo"), &self.files, options)
    }
}

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n";

/// The findings of `rule`, as `file:line` strings.
fn places(report: &Report, rule: RuleId) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| match f.line {
            Some(line) => format!("{}:{line}", f.file.display()),
            None => f.file.display().to_string(),
        })
        .collect()
}

fn only(report: &Report, rule: RuleId) -> &Finding {
    let found: Vec<&Finding> = report.findings.iter().filter(|f| f.rule == rule).collect();
    assert_eq!(found.len(), 1, "{:#?}", report.findings);
    found[0]
}

fn assert_clean(report: &Report) {
    assert!(report.is_clean(), "{:#?}", report.findings);
    // Guard against passing because nothing was read.
    assert!(report.summary.kustomizations > 0);
}

#[test]
fn clean_repository_has_no_findings_and_exit_status_zero() {
    let report = Repo::clean().lint();
    assert_clean(&report);
    assert_eq!(report.exit_code(), 0);
    assert_eq!(report.summary.kustomizations, 4);
    assert_eq!(report.summary.overlays, 2);
    assert_eq!(report.summary.files, 8);
    assert_eq!(
        report.summary.to_string(),
        "no findings; 4 kustomizations, 2 overlays, 8 files"
    );
}

#[test]
fn overlay_patching_with_a_sibling_overlays_file_is_a_cross_reference() {
    let report = Repo::clean()
        .with(
            "apps/overlays/staging/kustomization.yaml",
            "resources:\n  - ../../base/api\n  - ../../base/web\npatches:\n  - path: api/version.yaml\n  - path: ../production/api/version.yaml\n",
        )
        .lint();
    let finding = only(&report, RuleId::CrossOverlayReference);
    assert_eq!(
        finding.file,
        Path::new("apps/overlays/staging/kustomization.yaml")
    );
    assert_eq!(finding.line, Some(6));
    assert!(finding.message.contains("`../production/api/version.yaml`"));
    assert!(finding
        .message
        .contains("overlay `apps/overlays/production`"));
    assert!(finding
        .message
        .contains("copy the file into `apps/overlays/staging`"));
    assert_eq!(report.exit_code(), 1);
}

#[test]
fn overlay_building_on_another_overlay_is_a_cross_reference() {
    let report = Repo::clean()
        .with(
            "apps/overlays/staging/kustomization.yaml",
            "resources:\n  - ../production\n",
        )
        .lint();
    let finding = only(&report, RuleId::CrossOverlayReference);
    assert_eq!(finding.line, Some(2));
    assert!(finding
        .message
        .contains("builds on overlay `apps/overlays/production`"));
}

#[test]
fn nested_kustomization_using_its_own_overlays_files_is_not_a_cross_reference() {
    // The overlay delegates `api` to a kustomization inside itself, which
    // reaches back up into the same overlay and out to a base: both fine.
    let report = Repo::clean()
        .with(
            "apps/overlays/staging/kustomization.yaml",
            "resources:\n  - api\n  - ../../base/web\n",
        )
        .with(
            "apps/overlays/staging/api/kustomization.yaml",
            "resources:\n  - ../../../base/api\npatches:\n  - path: version.yaml\n  - path: ../shared/labels.yaml\n",
        )
        .with("apps/overlays/staging/shared/labels.yaml", DEPLOYMENT)
        .lint();
    assert_clean(&report);
}

#[test]
fn cross_reference_into_an_overlay_outside_the_linted_directory_is_found() {
    // Linting one overlay alone still knows its sibling is an overlay.
    let repo = Repo::clean().with(
        "apps/overlays/staging/kustomization.yaml",
        "resources:\n  - ../../base/api\npatches:\n  - path: ../production/api/version.yaml\n",
    );
    let files: Vec<PathBuf> = repo
        .files
        .iter()
        .filter_map(|f| f.strip_prefix("apps/overlays/staging").ok())
        .map(Path::to_path_buf)
        .collect();
    let report = lint(
        &repo.fs,
        Path::new("/repo/apps/overlays/staging"),
        &files,
        &LintOptions::default(),
    );
    let finding = only(&report, RuleId::CrossOverlayReference);
    assert_eq!(finding.file, Path::new("kustomization.yaml"));
    assert_eq!(finding.line, Some(4));
}

#[test]
fn listed_roots_are_overlays_whatever_their_parent_is_named() {
    let repo = Repo::clean()
        .with(
            "clusters/prod/kustomization.yaml",
            "resources:\n  - ../../apps/overlays/production\n  - ../staging/extra.yaml\n",
        )
        .with(
            "clusters/staging/kustomization.yaml",
            "resources:\n  - ../../apps/overlays/staging\n  - extra.yaml\n",
        )
        .with("clusters/staging/extra.yaml", DEPLOYMENT);
    // Without roots, `clusters/*` are not overlays: nothing to report.
    assert_clean(&repo.lint());
    let options = LintOptions {
        roots: vec!["clusters/prod".into(), "clusters/staging".into()],
    };
    let report = repo.lint_with(&options);
    assert_eq!(report.summary.overlays, 4);
    // The cluster root naming the apps overlay counts too: it builds on it.
    assert_eq!(
        places(&report, RuleId::CrossOverlayReference),
        [
            "clusters/prod/kustomization.yaml:2",
            "clusters/prod/kustomization.yaml:3",
            "clusters/staging/kustomization.yaml:2",
        ]
    );
}

#[test]
fn patch_copied_without_its_entry_is_unreferenced() {
    let report = Repo::clean()
        .with("apps/overlays/production/api/replicas.yaml", DEPLOYMENT)
        .with("apps/overlays/staging/api/replicas.yaml", DEPLOYMENT)
        .with(
            "apps/overlays/staging/kustomization.yaml",
            "resources:\n  - ../../base/api\n  - ../../base/web\npatches:\n  - path: api/version.yaml\n  - path: api/replicas.yaml\n",
        )
        .lint();
    let finding = only(&report, RuleId::UnreferencedPatch);
    assert_eq!(
        finding.file,
        Path::new("apps/overlays/production/api/replicas.yaml")
    );
    assert_eq!(finding.line, None);
    assert!(finding
        .message
        .contains("list it in `apps/overlays/production/kustomization.yaml` under `patches` (`- path: api/replicas.yaml`)"));
}

#[test]
fn static_patches_are_unreferenced_too_and_suggest_the_nearest_kustomization() {
    let report = Repo::clean()
        .with("apps/overlays/staging/api/_debug.yaml", DEPLOYMENT)
        .with(
            "apps/overlays/staging/web/kustomization.yaml",
            "resources:\n  - ../../../base/web\n",
        )
        .with("apps/overlays/staging/web/deep/tweak.yml", DEPLOYMENT)
        .lint();
    assert_eq!(
        places(&report, RuleId::UnreferencedPatch),
        [
            "apps/overlays/staging/api/_debug.yaml",
            "apps/overlays/staging/web/deep/tweak.yml",
        ]
    );
    let deep = &report
        .findings
        .iter()
        .find(|f| f.file.ends_with("tweak.yml"))
        .unwrap()
        .message;
    assert!(
        deep.contains("`apps/overlays/staging/web/kustomization.yaml`"),
        "{deep}"
    );
    assert!(deep.contains("`- path: deep/tweak.yml`"), "{deep}");
}

#[test]
fn referenced_files_and_overlay_level_files_are_not_unreferenced() {
    let report = Repo::clean()
        // Overlay-level files are not patches; non-YAML files are not manifests.
        .with("apps/overlays/staging/namespace.yaml", "kind: Namespace\n")
        .with("apps/overlays/staging/api/notes.txt", "not a manifest\n")
        // Named by a generator, a strategic-merge list, and a component.
        .with("apps/overlays/staging/api/flags.yaml", "a: b\n")
        .with("apps/overlays/staging/web/old.yaml", DEPLOYMENT)
        .with("apps/overlays/staging/web/comp/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: p.yaml\n")
        .with("apps/overlays/staging/web/comp/p.yaml", DEPLOYMENT)
        .with(
            "apps/overlays/staging/kustomization.yaml",
            "resources:\n  - ../../base/api\n  - ../../base/web\ncomponents:\n  - web/comp\npatches:\n  - path: api/version.yaml\npatchesStrategicMerge:\n  - web/old.yaml\nconfigMapGenerator:\n  - name: flags\n    files:\n      - flags=api/flags.yaml\n",
        )
        .lint();
    assert!(
        places(&report, RuleId::UnreferencedPatch).is_empty(),
        "{:#?}",
        report.findings
    );
    // The tree was linted: the deprecated field is still reported.
    assert_eq!(places(&report, RuleId::DeprecatedField).len(), 1);
}

#[test]
fn files_of_an_overlay_with_a_broken_kustomization_are_not_called_unreferenced() {
    let report = Repo::clean()
        .with("apps/overlays/staging/kustomization.yaml", "resources: [\n")
        .lint();
    assert!(places(&report, RuleId::UnreferencedPatch).is_empty());
    assert_eq!(
        only(&report, RuleId::InvalidKustomization).file,
        Path::new("apps/overlays/staging/kustomization.yaml")
    );
}

#[test]
fn missing_patch_and_resource_files_are_found_on_their_lines() {
    let report = Repo::clean()
        .with(
            "apps/overlays/staging/kustomization.yaml",
            "resources:\n  - ../../base/api\n  - ../../base/web\n  - ../../base/gone\n  - namespace.yaml\npatches:\n  - path: api/version.yaml\n  - path: api/replicas.yaml\n",
        )
        .lint();
    assert_eq!(
        places(&report, RuleId::MissingFile),
        [
            "apps/overlays/staging/kustomization.yaml:4",
            "apps/overlays/staging/kustomization.yaml:5",
            "apps/overlays/staging/kustomization.yaml:8",
        ]
    );
    let replicas = report.findings.iter().find(|f| f.line == Some(8)).unwrap();
    assert!(replicas.message.contains(
        "`patches` entry `api/replicas.yaml` names `apps/overlays/staging/api/replicas.yaml`, which does not exist"
    ));
}

#[test]
fn directories_that_kustomize_cannot_build_from_are_missing_files() {
    let report = Repo::clean()
        .with("apps/base/plain/deployment.yaml", DEPLOYMENT)
        .with(
            "apps/overlays/staging/kustomization.yaml",
            "resources:\n  - ../../base/api\n  - ../../base/web\n  - ../../base/plain\ncomponents:\n  - ../../base/api/deployment.yaml\npatches:\n  - path: api\n  - path: api/version.yaml\n",
        )
        .lint();
    let messages: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::MissingFile)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(messages[0].contains("has no kustomization file"));
    assert!(messages[1].contains("a component is a directory"));
    assert!(messages[2].contains("where a file is expected"));
}

#[test]
fn existing_remote_and_inline_entries_are_not_missing() {
    let report = Repo::clean()
        .with(
            "apps/overlays/staging/kustomization.yaml",
            "resources:\n  - ../../base/api\n  - ../../base/web\n  - https://github.com/example/repo//deploy?ref=v1.0.0\n  - github.com/example/repo/deploy?ref=v1\npatches:\n  - path: api/version.yaml\n  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata: {name: api}\ntransformers:\n  - |-\n    apiVersion: builtin\n    kind: LabelTransformer\n    metadata: {name: x}\n    labels: {a: b}\n    fieldSpecs: [{path: metadata/labels, create: true}]\n",
        )
        .lint();
    assert_clean(&report);
}

#[test]
fn yml_files_are_found_with_the_entries_to_update() {
    let report = Repo::clean()
        .with("apps/base/web/service.yml", "kind: Service\n")
        .with(
            "apps/base/web/kustomization.yaml",
            "resources:\n  - deployment.yaml\n  - service.yml\n",
        )
        .with("apps/base/db/kustomization.yml", "resources: []\n")
        .lint();
    assert_eq!(
        places(&report, RuleId::YmlExtension),
        [
            "apps/base/db/kustomization.yml",
            "apps/base/web/service.yml",
        ]
    );
    let service = &report
        .findings
        .iter()
        .find(|f| f.file.ends_with("service.yml"))
        .unwrap()
        .message;
    assert!(service.contains("rename it to `service.yaml`"), "{service}");
    assert!(
        service.contains("(apps/base/web/kustomization.yaml:3)"),
        "{service}"
    );
}

#[test]
fn yaml_files_and_hidden_directories_are_not_yml_findings() {
    let report = Repo::clean()
        .with(".github/workflows/ci.yml", "on: push\n")
        .with("apps/base/web/service.yaml", "kind: Service\n")
        .lint();
    assert_clean(&report);
    assert_eq!(report.summary.files, 9, "the hidden file is not counted");
}

#[test]
fn promotable_patch_missing_from_an_overlay_that_renders_the_app_is_named() {
    let report = Repo::clean()
        .with("apps/overlays/dev/kustomization.yaml", "resources:\n  - ../../base/api\n")
        .with("apps/overlays/staging/web/version.yaml", DEPLOYMENT)
        .with(
            "apps/overlays/staging/kustomization.yaml",
            "resources:\n  - ../../base/api\n  - ../../base/web\npatches:\n  - path: api/version.yaml\n  - path: web/version.yaml\n",
        )
        .lint();
    // api/version.yaml: dev renders api and lacks it. web/version.yaml:
    // production renders web and lacks it; dev does not render web.
    assert_eq!(
        places(&report, RuleId::UnpromotedPatch),
        [
            "apps/overlays/production/api/version.yaml",
            "apps/overlays/staging/web/version.yaml",
        ]
    );
    let api = &report.findings[0].message;
    assert!(
        api.contains("is in `production`, `staging` but not in `dev`, which also renders `api`"),
        "{api}"
    );
    assert!(
        api.contains("copying it to `apps/overlays/dev/api/version.yaml`"),
        "{api}"
    );
    assert!(api.contains("rename it `_version.yaml`"), "{api}");
    let web = &report.findings[1].message;
    assert!(web.contains("not in `production`,"), "{web}");
    assert!(!web.contains("`dev`"), "{web}");
}

#[test]
fn static_patches_and_apps_an_overlay_does_not_render_are_not_unpromoted() {
    let report = Repo::clean()
        // Static: never promoted.
        .with("apps/overlays/staging/api/_replicas.yaml", DEPLOYMENT)
        // Production does not render worker.
        .with("apps/base/worker/kustomization.yaml", "resources: []\n")
        .with("apps/overlays/staging/worker/version.yaml", DEPLOYMENT)
        .with(
            "apps/overlays/staging/kustomization.yaml",
            "resources:\n  - ../../base/api\n  - ../../base/web\n  - ../../base/worker\npatches:\n  - path: api/version.yaml\n  - path: api/_replicas.yaml\n  - path: worker/version.yaml\n",
        )
        // Another group's overlays are not compared with these.
        .with("infra/overlays/staging/kustomization.yaml", "resources:\n  - ../../../apps/base/api\npatches:\n  - path: api/tuning.yaml\n")
        .with("infra/overlays/staging/api/tuning.yaml", DEPLOYMENT)
        .lint();
    assert_clean(&report);
    assert_eq!(report.summary.overlays, 3);
}

#[test]
fn each_deprecated_field_is_found_on_its_line_with_the_modern_form() {
    let text = "\
# bases: a comment at column 0 is not the field
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namePrefix: p-
bases:
  - ../../base/api
resources:
  - ../../base/web
commonLabels:
  team: shop
patchesStrategicMerge:
  - api/version.yaml
patchesJson6902:
  - path: api/_ops.yaml
    target: {kind: Deployment, name: api}
vars:
  - name: SVC
    objref: {kind: Deployment, name: api, apiVersion: apps/v1}
imageTags:
  - name: api
    newTag: v2
";
    let report = Repo::clean()
        .with("apps/overlays/staging/kustomization.yaml", text)
        .with("apps/overlays/staging/api/_ops.yaml", "[]\n")
        .lint();
    let deprecated: Vec<(Option<usize>, &str)> = report
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::DeprecatedField)
        .map(|f| (f.line, f.message.as_str()))
        .collect();
    let expected = [
        (
            5,
            "`bases` is deprecated: move its entries to the end of `resources`",
        ),
        (9, "`commonLabels` is deprecated: use `labels:`"),
        (
            11,
            "`patchesStrategicMerge` is deprecated: move its entries to the start of `patches`",
        ),
        (
            13,
            "`patchesJson6902` is deprecated: move each entry to the end of `patches`",
        ),
        (16, "`vars` is deprecated: use `replacements:`"),
        (19, "`imageTags` is deprecated: rename it `images`"),
    ];
    assert_eq!(deprecated.len(), expected.len(), "{deprecated:#?}");
    for ((line, message), (want_line, want)) in deprecated.iter().zip(expected) {
        assert_eq!(*line, Some(want_line), "{message}");
        assert!(message.starts_with(want), "{message}");
    }
    assert!(deprecated[1].1.contains("includeSelectors: true"));
    // namePrefix is set, so the JSON 6902 advice warns about the order.
    assert!(deprecated[3].1.contains("render before and after"));
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.rule == RuleId::DeprecatedField),
        "{:#?}",
        report.findings
    );
}

#[test]
fn modern_fields_are_not_deprecated_and_odd_spellings_are() {
    let modern = Repo::clean()
        .with(
            "apps/overlays/staging/kustomization.yaml",
            "resources:\n  - ../../base/api\n  - ../../base/web\nlabels:\n  - pairs: {team: shop}\n    includeSelectors: true\npatches:\n  - path: api/version.yaml\nimages:\n  - name: api\n    newTag: v2\nreplacements: []\n",
        )
        .lint();
    assert_clean(&modern);
    // kustomize matches field names ignoring case; so does the rule.
    let odd = Repo::clean()
        .with(
            "apps/overlays/staging/kustomization.yaml",
            "Bases:\n  - ../../base/api\nresources:\n  - ../../base/web\npatches:\n  - path: api/version.yaml\n",
        )
        .lint();
    let finding = only(&odd, RuleId::DeprecatedField);
    assert_eq!(finding.line, Some(1));
    assert!(finding.message.starts_with("`Bases` is deprecated"));
}

#[test]
fn broken_kustomizations_are_findings_naming_the_file_not_panics() {
    let cases: [(&str, &[u8], Option<usize>, &str); 6] = [
        ("yaml", b"resources:\n  - a.yaml\n bad: [\n", Some(3), ""),
        (
            "unknown",
            b"resources: []\nresourcez: []\n",
            Some(2),
            "unknown field \"resourcez\"",
        ),
        ("list", b"- a\n- b\n", None, "cannot unmarshal"),
        ("empty", b"", None, "empty"),
        ("binary", b"\xff\xfe\x00bases", None, "not valid UTF-8"),
        ("typed", b"resources: 3\n", Some(1), "resources"),
    ];
    let mut repo = Repo::clean();
    for (name, bytes, _, _) in &cases {
        repo = repo.with_bytes(&format!("apps/base/{name}/kustomization.yaml"), bytes);
    }
    let report = repo.lint();
    for (name, _, line, needle) in &cases {
        let file = PathBuf::from(format!("apps/base/{name}/kustomization.yaml"));
        let finding = report
            .findings
            .iter()
            .find(|f| f.file == file)
            .unwrap_or_else(|| panic!("no finding for {name}: {:#?}", report.findings));
        assert_eq!(finding.rule, RuleId::InvalidKustomization, "{name}");
        assert_eq!(finding.line, *line, "{name}: {}", finding.message);
        assert!(
            finding.message.contains(needle),
            "{name}: {}",
            finding.message
        );
    }
    assert_eq!(report.findings.len(), cases.len(), "{:#?}", report.findings);
    assert_eq!(report.summary.kustomizations, 4 + cases.len());
}

#[test]
fn two_kustomization_files_in_one_directory_are_a_finding() {
    let report = Repo::clean()
        .with("apps/base/web/Kustomization", "resources: []\n")
        .lint();
    let finding = only(&report, RuleId::InvalidKustomization);
    assert_eq!(finding.file, Path::new("apps/base/web"));
    assert!(finding.message.contains("multiple kustomization files"));
}

#[test]
fn findings_are_sorted_deduplicated_and_printed_as_file_line_rule_message() {
    let repo = Repo::clean()
        .with("apps/overlays/staging/z.yml", "a: b\n")
        .with(
            "apps/overlays/staging/kustomization.yaml",
            "bases:\n  - ../../base/api\n  - ../../base/web\npatches:\n  - path: api/version.yaml\n  - path: gone.yaml\n  - path: gone.yaml\n",
        );
    let report = repo.lint();
    assert_eq!(report, repo.lint(), "two runs agree");
    let printed: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
    assert_eq!(printed.len(), 3, "{printed:#?}");
    assert!(printed[0]
        .starts_with("apps/overlays/staging/kustomization.yaml:1: deprecated-field: `bases`"));
    assert!(printed[1].starts_with(
        "apps/overlays/staging/kustomization.yaml:6: missing-file: `patches` entry `gone.yaml`"
    ));
    assert!(printed[2].starts_with("apps/overlays/staging/z.yml: yml-extension: "));
    assert_eq!(
        report.summary.to_string(),
        "3 findings in 2 files (1 missing-file, 1 yml-extension, 1 deprecated-field); 4 kustomizations, 2 overlays, 9 files"
    );
    assert_eq!(report.exit_code(), 1);
}

#[test]
fn rule_ids_round_trip() {
    for rule in RuleId::ALL {
        assert_eq!(RuleId::from_id(rule.as_str()), Some(rule));
        assert_eq!(rule.to_string(), rule.as_str());
    }
    assert_eq!(RuleId::from_id("no-such-rule"), None);
}
