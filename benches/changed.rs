//! `render diff --base REV --changed` against `--all` on generated git
//! repositories of 201 roots (50 apps × 4 environments, each app's base 30
//! or 100 Deployments, so 6,000 or 20,000 resources a side; 25 components,
//! each used by 2 apps; a generated ConfigMap from a file per root; and a
//! Flux cluster root whose substitution variables are a ConfigMap file),
//! after two changes: to one app's base (`one_base`: the changed-only
//! comparison renders the 4 roots that include it), and to that base, one
//! component, one generator file and the substitution variables
//! (`base_component_generator_substitution`: 14 roots). Its cost has a
//! floor (about 10 ms here): one git process listing and reading both
//! revisions, and parsing every kustomization once to find the roots and
//! what each reads. The ratio grows with the renders.
//! Needs git. Run with `cargo bench --bench changed`.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use krust_repo::revisions::RevisionDiff;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const APPS: usize = 50;
const ENVS: usize = 4;
const COMPONENTS: usize = 25;
/// Deployments per app's base, one repository each.
const SIZES: [usize; 2] = [30, 100];

fn write(root: &Path, path: &str, text: &str) {
    let file = root.join(path);
    std::fs::create_dir_all(file.parent().expect("a parent")).expect("mkdir");
    std::fs::write(file, text).expect("write");
}

fn git(dir: &Path, args: &[&str]) {
    let ok = krust_suite::tools::git_in(dir, args);
    assert!(ok, "git {args:?} (the benchmark needs git)");
}

fn base(app: usize, tag: usize, deployments: usize) -> String {
    (0..deployments)
        .map(|k| format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app{app}-{k}, labels: {{app: x}}}}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers: [{{name: app, image: app{app}:{tag}, ports: [{{containerPort: 80}}]}}]\n---\n"))
        .collect()
}

/// The repository, committed three times: the second commit changes app
/// 7's base, the third component 1 (apps 1 and 26), one generator file and
/// the substitution variables.
fn repository(deployments: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("krust-bench-changed-{deployments}"));
    let _ = std::fs::remove_dir_all(&dir);
    for c in 0..COMPONENTS {
        write(
            &dir,
            &format!("components/c{c}/kustomization.yaml"),
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n- path: patch.yaml\n  target: {kind: Deployment}\n",
        );
        write(
            &dir,
            &format!("components/c{c}/patch.yaml"),
            &component_patch(c, 1),
        );
    }
    for app in 0..APPS {
        write(
            &dir,
            &format!("base/app{app}/kustomization.yaml"),
            "resources: [deploy.yaml]\n",
        );
        write(
            &dir,
            &format!("base/app{app}/deploy.yaml"),
            &base(app, 1, deployments),
        );
        for env in 0..ENVS {
            write(
                &dir,
                &format!("overlays/e{env}/app{app}/kustomization.yaml"),
                &format!("namespace: e{env}\nresources: [../../../base/app{app}]\ncomponents: [../../../components/c{}]\nconfigMapGenerator:\n- name: cfg\n  files: [config.txt]\n", app % COMPONENTS),
            );
            write(
                &dir,
                &format!("overlays/e{env}/app{app}/config.txt"),
                &format!("ENV=e{env}\n"),
            );
        }
    }
    write(
        &dir,
        "clusters/demo/kustomization.yaml",
        "resources: [apps.yaml, vars.yaml]\n",
    );
    write(
        &dir,
        "clusters/demo/apps.yaml",
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec:\n  path: ./overlays/e0/app0\n  sourceRef: {kind: GitRepository, name: flux-system}\n  postBuild:\n    substituteFrom: [{kind: ConfigMap, name: vars}]\n",
    );
    write(&dir, "clusters/demo/vars.yaml", &variables("eu"));
    git(&dir, &["init", "-q", "."]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "base"]);
    write(&dir, "base/app7/deploy.yaml", &base(7, 2, deployments));
    git(&dir, &["commit", "-qam", "change"]);
    write(&dir, "components/c1/patch.yaml", &component_patch(1, 2));
    write(&dir, "overlays/e2/app30/config.txt", "ENV=e2\nEXTRA=1\n");
    write(&dir, "clusters/demo/vars.yaml", &variables("us"));
    git(&dir, &["commit", "-qam", "more"]);
    // Packed, as a CI checkout's objects are (a fetch brings a pack).
    git(&dir, &["gc", "-q"]);
    dir
}

/// The Flux substitution variables.
fn variables(region: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: vars, namespace: flux-system}}\ndata: {{region: {region}}}\n")
}

fn component_patch(c: usize, version: usize) -> String {
    format!("- op: add\n  path: /metadata/annotations\n  value: {{feature: c{c}-v{version}}}\n")
}

fn changed(c: &mut Criterion) {
    for deployments in SIZES {
        compare(c, deployments);
    }
}

fn compare(c: &mut Criterion, deployments: usize) {
    let dir = repository(deployments);
    let resources = deployments * APPS * ENVS;
    // (name, head, roots the change reaches)
    for (change, head, reached) in [
        ("one_base", "HEAD~1", 4),
        ("base_component_generator_substitution", "HEAD", 14),
    ] {
        let diff = |changed_only: bool| {
            let request = RevisionDiff::new(&dir, "HEAD~2")
                .with_head(Some(head))
                .with_all(Some(dir.clone()), false)
                .changed_only(changed_only);
            let (diff, _) = request.run(&|p| p.display().to_string()).expect("compares");
            assert_eq!(diff.summary().roots_changed, reached);
            diff.roots.len()
        };
        let group_name = format!("revisions_200_roots_{resources}_resources_{change}");
        let mut group = c.benchmark_group(group_name);
        group.sample_size(10);
        group.bench_function("diff_all", |b| b.iter(|| diff(false)));
        group.bench_function("diff_changed", |b| b.iter(|| diff(true)));
        group.finish();
    }
}

criterion_group!(benches, changed);
criterion_main!(benches);
