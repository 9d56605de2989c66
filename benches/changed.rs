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
//! what each reads. The ratio grows with the renders. The repository is
//! the one `render affected`'s tests use (`krust_suite::affected_repo`),
//! with more components and Deployments. Needs git. Run with
//! `cargo bench --bench changed`.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use krust_repo::revisions::RevisionDiff;
use krust_suite::affected_repo::{commit, AffectedRepo, Change};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Deployments per app's base, one repository each.
const SIZES: [usize; 2] = [30, 100];

fn shape(deployments: usize) -> AffectedRepo {
    AffectedRepo {
        apps: 50,
        envs: 4,
        components: 25,
        deployments,
    }
}

/// The repository, committed three times: the second commit changes one
/// app's base, the third one component (2 apps), one generator file and the
/// substitution variables.
fn repository(repo: &AffectedRepo) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("krust-bench-changed-{}", repo.deployments));
    assert!(repo.create(&dir), "the benchmark needs git");
    repo.change(&dir, Change::Base);
    assert!(commit(&dir, "change"));
    repo.change(&dir, Change::Rest);
    assert!(commit(&dir, "more"));
    // Packed, as a CI checkout's objects are (a fetch brings a pack).
    assert!(krust_suite::tools::git_in(&dir, &["gc", "-q"]));
    dir
}

fn changed(c: &mut Criterion) {
    for deployments in SIZES {
        compare(c, deployments);
    }
}

fn compare(c: &mut Criterion, deployments: usize) {
    let repo = shape(deployments);
    let dir = repository(&repo);
    let resources = deployments * repo.apps * repo.envs;
    // (name, head, roots the change reaches)
    for (change, head, reached) in [
        ("one_base", "HEAD~1", repo.reached(&[Change::Base]).len()),
        (
            "base_component_generator_substitution",
            "HEAD",
            repo.reached(&[Change::Base, Change::Rest]).len(),
        ),
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
