//! The composite GitHub Action (`action.yml`) and its step,
//! `scripts/action-diff.sh`, run as the runner runs it: in a fixture git
//! repository, with GITHUB_STEP_SUMMARY and GITHUB_OUTPUT files, `render`
//! (this build) and, for the comment, a stand-in `gh` on PATH.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use krust_yaml::Value;

mod common;

use common::{git, gitops_copy};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A stand-in for `gh`: logs each call and the body file it is given to
/// `$GH_LOG`; answers the comment listing with `$GH_EXISTING`.
const FAKE_GH: &str = r#"#!/bin/sh
echo "gh $*" >>"$GH_LOG"
for arg in "$@"; do
  case $arg in body=@*) cat "${arg#body=@}" >>"$GH_LOG" ;; esac
done
case "$*" in *--paginate*) [ -n "$GH_EXISTING" ] && echo "$GH_EXISTING" ;; esac
exit 0
"#;

/// A test's scratch: examples/gitops committed, then a change to staging's
/// api replica patch committed on top; and a bin directory holding `render`
/// and the stand-in `gh`. `None` when git or bash is missing.
struct Fixture {
    repo: PathBuf,
    scratch: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Option<Fixture> {
        if !krust_suite::tools::git() || !krust_suite::tools::available("bash", &["--version"]) {
            return None;
        }
        let repo = gitops_copy(&format!("action-{name}"));
        assert!(git(&repo, &["init", "-q", "."]));
        assert!(git(&repo, &["add", "-A"]));
        assert!(git(&repo, &["commit", "-qm", "shop"]));
        let patch = repo.join("apps/overlays/staging/api/replicas.yaml");
        let text = std::fs::read_to_string(&patch).unwrap();
        std::fs::write(&patch, text.replace("replicas: 2", "replicas: 7")).unwrap();
        assert!(git(&repo, &["commit", "-qam", "scale the staging api"]));
        let scratch = repo.with_extension("runner");
        let _ = std::fs::remove_dir_all(&scratch);
        let bin = scratch.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_render"), bin.join("render")).unwrap();
        std::fs::write(bin.join("gh"), FAKE_GH).unwrap();
        let mode = std::os::unix::fs::PermissionsExt::from_mode(0o755);
        std::fs::set_permissions(bin.join("gh"), mode).unwrap();
        for file in ["summary.md", "output", "gh.log"] {
            std::fs::write(scratch.join(file), "").unwrap();
        }
        Some(Fixture { repo, scratch })
    }

    /// Runs the action's step with `env` (BASE and the like) as the runner
    /// would, in the fixture repository.
    fn run(&self, env: &[(&str, &str)]) -> Output {
        let path = format!(
            "{}:{}",
            self.scratch.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut command = Command::new("bash");
        command
            .arg(repo_root().join("scripts/action-diff.sh"))
            .current_dir(&self.repo)
            .env("PATH", path)
            .env("GITHUB_STEP_SUMMARY", self.scratch.join("summary.md"))
            .env("GITHUB_OUTPUT", self.scratch.join("output"))
            .env("GITHUB_REPOSITORY", "shop/gitops")
            .env("GH_LOG", self.scratch.join("gh.log"));
        for var in [
            "DIR",
            "FORMAT",
            "KUSTOMIZE_VERSION",
            "KRUST_KUSTOMIZE_VERSION",
            "COMMENT",
            "GH_TOKEN",
            "PR_NUMBER",
            "GH_EXISTING",
        ] {
            command.env_remove(var);
        }
        command.envs(env.iter().copied()).output().unwrap()
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.scratch.join(file)).unwrap()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.repo);
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_change_lands_in_the_summary_and_sets_changed() {
    let Some(fx) = Fixture::new("changed") else {
        return;
    };
    let out = fx.run(&[("BASE", "HEAD~1")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let summary = fx.read("summary.md");
    assert!(
        summary.starts_with("**krust diff:** 1 of 4 roots differ"),
        "{summary}"
    );
    assert!(
        summary.contains("## `apps/overlays/staging` changed"),
        "{summary}"
    );
    assert!(
        summary.contains("-  replicas: 2\n+  replicas: 7"),
        "{summary}"
    );
    assert_eq!(fx.read("output"), "changed=true\n");
    // Without COMMENT, gh is left alone.
    assert_eq!(fx.read("gh.log"), "");
}

#[test]
fn no_change_sets_changed_false() {
    let Some(fx) = Fixture::new("same") else {
        return;
    };
    let out = fx.run(&[("BASE", "HEAD"), ("KUSTOMIZE_VERSION", "5.7.1")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(fx.read("summary.md").contains("no changes in 4 roots"));
    assert_eq!(fx.read("output"), "changed=false\n");
}

#[test]
fn a_comparison_that_cannot_be_made_fails_the_step() {
    let Some(fx) = Fixture::new("error") else {
        return;
    };
    let out = fx.run(&[("BASE", "no-such-revision")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no-such-revision"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fx.read("output"), "");
    let out = fx.run(&[("BASE", "")]);
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("BASE is empty"), "{}", stderr(&out));
}

#[test]
fn comment_is_posted_then_updated() {
    let Some(fx) = Fixture::new("comment") else {
        return;
    };
    let comment = [
        ("BASE", "HEAD~1"),
        ("COMMENT", "true"),
        ("GH_TOKEN", "token"),
        ("PR_NUMBER", "7"),
    ];
    let out = fx.run(&comment);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log = fx.read("gh.log");
    assert!(
        log.contains("gh api --method POST repos/shop/gitops/issues/7/comments"),
        "{log}"
    );
    assert!(
        log.contains("<!-- krust render diff -->\n**krust diff:**"),
        "{log}"
    );

    std::fs::write(fx.scratch.join("gh.log"), "").unwrap();
    let out = fx.run(&[comment.as_slice(), &[("GH_EXISTING", "42")]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log = fx.read("gh.log");
    assert!(
        log.contains("gh api --method PATCH repos/shop/gitops/issues/comments/42"),
        "{log}"
    );
    assert!(!log.contains("POST"), "{log}");
}

#[test]
fn comment_without_a_token_is_a_warning() {
    let Some(fx) = Fixture::new("no-token") else {
        return;
    };
    let out = fx.run(&[("BASE", "HEAD~1"), ("COMMENT", "true"), ("PR_NUMBER", "7")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("::warning::"));
    assert_eq!(fx.read("gh.log"), "");
    assert_eq!(fx.read("output"), "changed=true\n");
}

/// `action.yml` names the inputs the step reads, installs by default from
/// the action's own checkout, and runs the script this suite tests.
#[test]
fn action_yml_wires_inputs_to_the_script() {
    let text = std::fs::read_to_string(repo_root().join("action.yml")).unwrap();
    let action = krust_yaml::load_documents(&text).unwrap().remove(0);
    let str_at = |path: &[&str]| {
        action
            .get_path(path)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    assert_eq!(str_at(&["runs", "using"]).as_deref(), Some("composite"));
    let inputs = action.get("inputs").and_then(Value::as_map).unwrap();
    let defaults: BTreeMap<&str, String> = inputs
        .iter()
        .map(|(name, input)| {
            let default = input.get("default").and_then(Value::as_str).unwrap_or("");
            (name.as_str(), default.to_owned())
        })
        .collect();
    assert_eq!(
        defaults["base"],
        "${{ github.event.pull_request.base.sha }}"
    );
    assert_eq!(defaults["dir"], ".");
    assert_eq!(defaults["format"], "markdown");
    assert_eq!(defaults["comment"], "false");
    assert_eq!(defaults["kustomize-version"], "");
    assert!(defaults["install"].contains("cargo install --locked --path"));
    assert!(defaults["install"].contains("crates/krust-cli"));

    let steps = action
        .get_path(&["runs", "steps"])
        .and_then(Value::as_seq)
        .unwrap();
    let step = steps
        .iter()
        .find(|s| s.get("id").and_then(Value::as_str) == Some("diff"))
        .expect("a step with id diff");
    let run = step.get("run").and_then(Value::as_str).unwrap();
    assert!(
        run.contains("$GITHUB_ACTION_PATH/scripts/action-diff.sh"),
        "{run}"
    );
    let script = repo_root().join("scripts/action-diff.sh");
    assert!(Path::new(&script).is_file());
    let env = step.get("env").and_then(Value::as_map).unwrap();
    for (var, input) in [
        ("BASE", "base"),
        ("DIR", "dir"),
        ("FORMAT", "format"),
        ("KUSTOMIZE_VERSION", "kustomize-version"),
        ("COMMENT", "comment"),
        ("GH_TOKEN", "token"),
    ] {
        let value = env.iter().find(|(k, _)| k.as_str() == var).map(|(_, v)| v);
        assert_eq!(
            value.and_then(Value::as_str),
            Some(format!("${{{{ inputs.{input} }}}}").as_str()),
            "{var}"
        );
        assert!(defaults.contains_key(input), "input {input}");
    }
    assert_eq!(
        str_at(&["outputs", "changed", "value"]).as_deref(),
        Some("${{ steps.diff.outputs.changed }}")
    );
}
