//! The generated git repository `render affected` and `render diff
//! --changed` are tested (`crates/krust-cli/tests/affected.rs`) and
//! benchmarked (`benches/changed.rs`) on: apps × environments overlay roots,
//! each app's base of some Deployments, components shared by apps, a
//! generated ConfigMap from a file in every overlay, and a Flux cluster root
//! whose substitution variables are a ConfigMap file (`apps × envs + 1`
//! roots). The change the issue names touches one base, one component, one
//! generator file and the substitution variables.

use std::collections::BTreeSet;
use std::path::Path;

use crate::tools::git_in;

/// The repository's shape.
#[derive(Debug, Clone, Copy)]
pub struct AffectedRepo {
    /// Apps, each with a base and an overlay per environment.
    pub apps: usize,
    /// Environments.
    pub envs: usize,
    /// Components; app `n` uses component `n % components`.
    pub components: usize,
    /// Deployments in each app's base.
    pub deployments: usize,
}

/// The app whose base changes.
pub const CHANGED_BASE: usize = 7;
/// The component that changes.
pub const CHANGED_COMPONENT: usize = 1;
/// The overlay (app, environment) whose generator file changes.
pub const CHANGED_GENERATOR: (usize, usize) = (30, 2);
/// The Flux cluster root.
pub const CLUSTER: &str = "clusters/demo";

/// Which of the changes to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Only app [`CHANGED_BASE`]'s base.
    Base,
    /// The component, the generator file and the substitution variables.
    Rest,
}

impl AffectedRepo {
    /// Writes the repository into `dir` (removed first) and commits it.
    /// False when git is missing or fails.
    pub fn create(&self, dir: &Path) -> bool {
        let (app, env) = CHANGED_GENERATOR;
        assert!(
            self.apps > CHANGED_BASE.max(app)
                && self.envs > env
                && self.components > CHANGED_COMPONENT,
            "the change needs app {app}, environment {env} and component {CHANGED_COMPONENT}"
        );
        let _ = std::fs::remove_dir_all(dir);
        for c in 0..self.components {
            write(
                dir,
                &format!("components/c{c}/kustomization.yaml"),
                "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n- path: patch.yaml\n  target: {kind: Deployment}\n",
            );
            write(
                dir,
                &format!("components/c{c}/patch.yaml"),
                &component_patch(c, 1),
            );
        }
        for app in 0..self.apps {
            write(
                dir,
                &format!("base/app{app}/kustomization.yaml"),
                "resources: [deploy.yaml]\n",
            );
            write(
                dir,
                &format!("base/app{app}/deploy.yaml"),
                &self.base(app, 1),
            );
            for env in 0..self.envs {
                write(
                    dir,
                    &format!("overlays/e{env}/app{app}/kustomization.yaml"),
                    &self.overlay(app, env, "config.txt"),
                );
                write(
                    dir,
                    &format!("overlays/e{env}/app{app}/config.txt"),
                    &format!("ENV=e{env}\n"),
                );
            }
        }
        write(
            dir,
            &format!("{CLUSTER}/kustomization.yaml"),
            "resources: [apps.yaml, vars.yaml]\n",
        );
        write(
            dir,
            &format!("{CLUSTER}/apps.yaml"),
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec:\n  path: ./overlays/e0/app0\n  sourceRef: {kind: GitRepository, name: flux-system}\n  postBuild:\n    substituteFrom: [{kind: ConfigMap, name: vars}]\n",
        );
        write(dir, &format!("{CLUSTER}/vars.yaml"), &variables("eu"));
        git_in(dir, &["init", "-q", "."])
            && git_in(dir, &["add", "-A"])
            && git_in(dir, &["commit", "-qm", "base"])
    }

    /// Makes `change` in the working tree (commit it with [`commit`]).
    pub fn change(&self, dir: &Path, change: Change) {
        match change {
            Change::Base => write(
                dir,
                &format!("base/app{CHANGED_BASE}/deploy.yaml"),
                &self.base(CHANGED_BASE, 2),
            ),
            Change::Rest => {
                let c = CHANGED_COMPONENT;
                let (app, env) = CHANGED_GENERATOR;
                write(
                    dir,
                    &format!("components/c{c}/patch.yaml"),
                    &component_patch(c, 2),
                );
                write(
                    dir,
                    &format!("overlays/e{env}/app{app}/config.txt"),
                    &format!("ENV=e{env}\nEXTRA=1\n"),
                );
                write(dir, &format!("{CLUSTER}/vars.yaml"), &variables("us"));
            }
        }
    }

    /// The roots `changes` reach, relative to the repository.
    pub fn reached(&self, changes: &[Change]) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for app in 0..self.apps {
            for env in 0..self.envs {
                let hit = changes.iter().any(|change| match change {
                    Change::Base => app == CHANGED_BASE,
                    Change::Rest => {
                        app % self.components == CHANGED_COMPONENT
                            || (app, env) == CHANGED_GENERATOR
                    }
                });
                if hit {
                    out.insert(format!("overlays/e{env}/app{app}"));
                }
            }
        }
        if changes.contains(&Change::Rest) {
            out.insert(CLUSTER.to_owned());
        }
        out
    }

    /// The overlay of `app` in environment `env`, its ConfigMap generated
    /// from `file`.
    pub fn overlay(&self, app: usize, env: usize, file: &str) -> String {
        let component = app % self.components;
        format!("namespace: e{env}\nresources: [../../../base/app{app}]\ncomponents: [../../../components/c{component}]\nconfigMapGenerator:\n- name: app{app}-config\n  files: [{file}]\n")
    }

    /// App `app`'s base, its images at `tag`.
    fn base(&self, app: usize, tag: usize) -> String {
        (0..self.deployments)
            .map(|k| format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app{app}-{k}, labels: {{app: x}}}}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers: [{{name: app, image: app{app}:{tag}, ports: [{{containerPort: 80}}]}}]\n---\n"))
            .collect()
    }
}

/// Commits every change in `dir`'s working tree; false when git fails.
pub fn commit(dir: &Path, message: &str) -> bool {
    git_in(dir, &["commit", "-qam", message])
}

fn component_patch(c: usize, version: usize) -> String {
    format!("- op: add\n  path: /metadata/annotations\n  value: {{feature: c{c}-v{version}}}\n")
}

/// The Flux substitution variables.
fn variables(region: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: vars, namespace: flux-system}}\ndata: {{region: {region}}}\n")
}

fn write(root: &Path, path: &str, text: &str) {
    let file = root.join(path);
    std::fs::create_dir_all(file.parent().expect("a parent")).expect("mkdir");
    std::fs::write(file, text).expect("write");
}
