//! Render speed on synthetic monorepos of stated size (see
//! `tests/support/synthetic.rs`): one overlay (through the build graph, as
//! `render` builds it, and sequentially), every overlay of a repository at
//! once, the emitter alone, and one overlay at growing sizes to show how cost
//! scales. Run with `cargo bench --bench render`; `tests/tools/versus_kubectl.rs`
//! measures the `render` binary against `kubectl kustomize`.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use krust::{build, BuildOptions, DiskFs, Graph};
use krust_suite::synthetic::{write_repo, RepoSpec};

/// The `render` binary's allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn repo(name: &str, spec: RepoSpec) -> Vec<PathBuf> {
    let dir = std::env::temp_dir().join(format!("krust-bench-{name}"));
    write_repo(&dir, spec).expect("write synthetic repository")
}

/// One root through a fresh graph, as the `render` binary does.
fn render(dir: &Path) -> String {
    let graph = Graph::new(&DiskFs, BuildOptions::default());
    let roots = [dir.to_path_buf()];
    graph.prepare(&roots);
    graph
        .build(dir)
        .and_then(|m| m.to_yaml())
        .expect("synthetic repositories render")
}

/// Every root through one graph, as `render -o OUT DIR...` does.
fn render_all(dirs: &[PathBuf]) -> usize {
    let graph = Graph::new(&DiskFs, BuildOptions::default());
    graph
        .build_all(dirs)
        .into_iter()
        .map(|m| m.and_then(|m| m.to_yaml()).expect("renders").len())
        .sum()
}

/// 200 apps × 6 environments × 4 components: 800 resources per overlay.
fn monorepo(c: &mut Criterion) {
    let overlays = repo(
        "monorepo",
        RepoSpec {
            apps: 200,
            envs: 6,
            components: 4,
        },
    );
    let mut group = c.benchmark_group("monorepo_200x6x4");
    group.sample_size(20);
    group.bench_function("one_overlay", |b| b.iter(|| render(&overlays[0])));
    group.bench_function("one_overlay_sequential", |b| {
        b.iter(|| {
            build(&DiskFs, &overlays[0], &BuildOptions::default())
                .and_then(|m| m.to_yaml())
                .expect("renders")
        })
    });
    group.bench_function("all_overlays", |b| b.iter(|| render_all(&overlays)));
    let built = build(&DiskFs, &overlays[0], &BuildOptions::default()).expect("renders");
    group.bench_function("emit_only", |b| b.iter(|| built.to_yaml().expect("emits")));
    group.finish();
}

/// One overlay at 750, 1,500, 3,000 and 6,000 resources.
fn scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("overlay_scaling");
    group.sample_size(10);
    for resources in [750usize, 1500, 3000, 6000] {
        let overlays = repo(
            &format!("scale-{resources}"),
            RepoSpec {
                apps: resources / 4,
                envs: 1,
                components: 2,
            },
        );
        group.throughput(Throughput::Elements(resources as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(resources),
            &overlays[0],
            |b, dir| b.iter(|| render(dir)),
        );
    }
    group.finish();
}

criterion_group!(benches, monorepo, scaling);
criterion_main!(benches);
