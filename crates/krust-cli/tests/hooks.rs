//! The pre-commit hooks of `.pre-commit-hooks.yaml`, run as pre-commit runs
//! them: each hook's `entry` (the script, in a checkout laid out as
//! pre-commit keeps this repository, with this build's `render` installed
//! where the script installs it) plus its `args`, in a GitOps repository.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use krust_yaml::Value;

mod common;

use common::{gitops_copy, write, Cleanup};

/// The repository root, where pre-commit reads `.pre-commit-hooks.yaml`.
fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One hook: its id, entry (a path in the hook repository) and args.
struct Hook {
    id: String,
    entry: String,
    args: Vec<String>,
}

/// The hooks, each checked for the fields pre-commit needs here.
fn hooks() -> Vec<Hook> {
    let text = std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml")).unwrap();
    let doc = krust_yaml::load_documents(&text).unwrap().remove(0);
    let hooks = doc.as_seq().expect("a list of hooks");
    hooks
        .iter()
        .map(|hook| {
            let field = |name: &str| hook.get(name).and_then(Value::as_str).map(str::to_owned);
            let id = field("id").expect("id");
            assert!(field("name").is_some(), "{id}: name");
            assert_eq!(field("language").as_deref(), Some("script"), "{id}");
            assert_eq!(
                hook.get("pass_filenames"),
                Some(&Value::Bool(false)),
                "{id}: the hooks read the whole tree, not file names"
            );
            let args = hook
                .get("args")
                .and_then(Value::as_seq)
                .map(|args| {
                    args.iter()
                        .map(|a| a.as_str().expect("string args").to_owned())
                        .collect()
                })
                .unwrap_or_default();
            Hook {
                entry: field("entry").expect("entry"),
                id,
                args,
            }
        })
        .collect()
}

/// The hook repository as pre-commit checks it out, after the entry script's
/// first run: the script, and `render` (this build) where it installs it.
/// One per test (`name`), as the tests run at once.
fn hook_checkout(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("krust-{name}-checkout-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for hook in hooks() {
        let script = dir.join(&hook.entry);
        std::fs::create_dir_all(script.parent().unwrap()).unwrap();
        std::fs::copy(repo_root().join(&hook.entry), &script).unwrap();
    }
    let bin = dir.join("target/pre-commit/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_render"), bin.join("render")).unwrap();
    dir
}

/// Runs hook `id` as pre-commit does: its entry from the checkout, its
/// args, in the repository `repo`.
fn run_hook(id: &str, checkout: &Path, repo: &Path) -> Output {
    let hook = hooks().into_iter().find(|h| h.id == id).expect(id);
    Command::new(checkout.join(&hook.entry))
        .args(&hook.args)
        .current_dir(repo)
        .output()
        .unwrap()
}

/// examples/gitops with its deliberate lint findings resolved: dev's
/// `commonLabels` as `labels`, the production- and staging-only replica
/// patches marked environment-specific (`_replicas.yaml`).
fn clean_gitops(name: &str) -> PathBuf {
    let dir = gitops_copy(name);
    let overlays = dir.join("apps/overlays");
    let dev = overlays.join("dev/kustomization.yaml");
    let text = std::fs::read_to_string(&dev).unwrap().replace(
        "commonLabels:\n  app.kubernetes.io/environment: dev\n",
        "labels:\n  - pairs:\n      app.kubernetes.io/environment: dev\n    includeSelectors: true\n",
    );
    std::fs::write(&dev, text).unwrap();
    for env in ["production", "staging"] {
        let kustomization = overlays.join(env).join("kustomization.yaml");
        let mut text = std::fs::read_to_string(&kustomization).unwrap();
        for app in ["api", "frontend"] {
            let patch = overlays.join(env).join(app).join("replicas.yaml");
            if patch.exists() {
                std::fs::rename(&patch, patch.with_file_name("_replicas.yaml")).unwrap();
                text = text.replace(
                    &format!("{app}/replicas.yaml"),
                    &format!("{app}/_replicas.yaml"),
                );
            }
        }
        std::fs::write(&kustomization, text).unwrap();
    }
    dir
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_hooks_are_lint_and_check() {
    let ids: Vec<String> = hooks().into_iter().map(|h| h.id).collect();
    assert_eq!(ids, ["render-lint", "render-check"]);
    for hook in hooks() {
        let script = repo_root().join(&hook.entry);
        let mode =
            std::os::unix::fs::PermissionsExt::mode(&script.metadata().unwrap().permissions());
        assert!(mode & 0o111 != 0, "{} must be executable", hook.entry);
    }
}

#[test]
fn every_hook_passes_on_a_clean_repository() {
    let checkout = hook_checkout("hooks-clean");
    let repo = clean_gitops("hooks-clean");
    let _cleanup = Cleanup(vec![checkout.clone(), repo.clone()]);
    for hook in hooks() {
        let out = run_hook(&hook.id, &checkout, &repo);
        assert_eq!(out.status.code(), Some(0), "{}: {}", hook.id, stderr(&out));
    }
}

#[test]
fn lint_hook_fails_on_findings() {
    let checkout = hook_checkout("hooks-findings");
    let repo = gitops_copy("hooks-findings");
    let _cleanup = Cleanup(vec![checkout.clone(), repo.clone()]);
    let out = run_hook("render-lint", &checkout, &repo);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("unpromoted-patch"));
}

#[test]
fn check_hook_fails_on_a_broken_kustomization() {
    let checkout = hook_checkout("hooks-broken");
    let repo = clean_gitops("hooks-broken");
    let _cleanup = Cleanup(vec![checkout.clone(), repo.clone()]);
    write(
        &repo,
        "apps/overlays/staging/kustomization.yaml",
        "resources:\n  - namespace.yaml\n  - missing.yaml\n",
    );
    let out = run_hook("render-check", &checkout, &repo);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().count(),
        1,
        "one line per failing root: {stdout}"
    );
    assert!(
        stdout.contains("apps/overlays/staging/kustomization.yaml"),
        "{stdout}"
    );
    assert!(
        stderr(&out).contains("1 of 4 roots failed"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_of_a_missing_directory_is_an_error() {
    let out = common::render(&["check", "no-such-dir"], &std::env::temp_dir());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no-such-dir"), "{}", stderr(&out));
}
