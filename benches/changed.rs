//! `render diff --base REV --changed` against `--all` on generated git
//! repositories of 200 roots (50 apps × 4 environments, each app's base 30
//! or 100 Deployments, so 6,000 or 20,000 resources a side), after a change
//! to one app's base: the changed-only comparison renders the 4 roots that
//! include it. Its cost has a floor, the git processes that list and read
//! both revisions (about 25 ms here), so the ratio grows with the renders.
//! Needs git. Run with `cargo bench --bench changed`.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use krust_repo::revisions::RevisionDiff;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const APPS: usize = 50;
const ENVS: usize = 4;
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

/// The repository, committed twice: the second commit changes app 7's base.
fn repository(deployments: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("krust-bench-changed-{deployments}"));
    let _ = std::fs::remove_dir_all(&dir);
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
                &format!("namespace: e{env}\nresources: [../../../base/app{app}]\nconfigMapGenerator:\n- name: cfg\n  literals: [ENV=e{env}]\n"),
            );
        }
    }
    git(&dir, &["init", "-q", "."]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "base"]);
    write(&dir, "base/app7/deploy.yaml", &base(7, 2, deployments));
    git(&dir, &["commit", "-qam", "change"]);
    dir
}

fn changed(c: &mut Criterion) {
    for deployments in SIZES {
        compare(c, deployments);
    }
}

fn compare(c: &mut Criterion, deployments: usize) {
    let dir = repository(deployments);
    let diff = |changed_only: bool| {
        let request = RevisionDiff::new(&dir, "HEAD~1")
            .with_head(Some("HEAD"))
            .with_all(Some(dir.clone()), false)
            .changed_only(changed_only);
        let (diff, _) = request.run(&|p| p.display().to_string()).expect("compares");
        assert_eq!(diff.summary().roots_changed, 4);
        diff.roots.len()
    };
    let resources = deployments * APPS * ENVS;
    let mut group = c.benchmark_group(format!("revisions_200_roots_{resources}_resources"));
    group.sample_size(10);
    group.bench_function("diff_all", |b| b.iter(|| diff(false)));
    group.bench_function("diff_changed", |b| b.iter(|| diff(true)));
    group.finish();
}

criterion_group!(benches, changed);
criterion_main!(benches);
