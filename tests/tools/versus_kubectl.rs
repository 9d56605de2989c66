//! krust's `render` binary against `kubectl kustomize`, measured in the same
//! run on the same machine, reported as ratios of medians (and of peak memory
//! where GNU time is installed as `/usr/bin/time`). Every krust output is also
//! compared byte for byte with kubectl's.
//!
//! ```text
//! cargo build --release -p krust-cli && cargo run --release --bin versus-kubectl
//! ```
//!
//! A tool, not a benchmark: it times whole commands, kubectl's among them,
//! which criterion's statistics do not fit. Options after `--`: `--runs N` (kubectl runs per case, default 3; krust
//! runs 5× as many), `--big` (also time kubectl on the 6,000-resource
//! overlay, which takes it minutes), `--kubeflow DIR` (also the kubeflow
//! manifests `example` root, rendered with `--load-restrictor
//! LoadRestrictionsNone` by both), `--flux REPO CLUSTER_DIR` (also `render
//! flux` on a Flux repository), `--only NAME` (one case: `one-overlay`,
//! `all-overlays`, `kubeflow`, `flux`, `diff-revisions`, `scaling`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use krust_suite::synthetic::{write_repo, RepoSpec};

/// One command's cost: wall time and, when known, peak resident memory.
#[derive(Debug, Clone, Copy)]
struct Cost {
    wall: Duration,
    peak_kib: Option<u64>,
}

/// Options from the command line.
struct Options {
    runs: usize,
    big: bool,
    kubeflow: Option<PathBuf>,
    /// A Flux repository and a cluster directory in it.
    flux: Option<(PathBuf, String)>,
    only: Option<String>,
}

fn main() {
    let options = parse_options();
    let workspace = krust_suite::workspace_root();
    let render = workspace.join("target/release/render");
    if !render.exists() {
        panic!(
            "{} is missing: run `cargo build --release -p krust-cli` first",
            render.display()
        );
    }
    let scratch = std::env::temp_dir().join("krust-versus-kubectl");
    let mut rows = Vec::new();
    let wanted = |name: &str| options.only.as_deref().is_none_or(|o| o == name);

    let overlays = write_repo(
        &scratch.join("monorepo"),
        RepoSpec {
            apps: 200,
            envs: 6,
            components: 4,
        },
    )
    .expect("write the synthetic repository");
    if wanted("one-overlay") {
        rows.push(compare(
            "one overlay, 200 apps × 6 envs × 4 components (800 resources)",
            &options,
            &[overlays[0].clone()],
            &render,
            &scratch,
            &[],
        ));
    }
    if wanted("all-overlays") {
        rows.push(compare(
            "all 6 overlays of that repository, one `render -o` against 6 kubectl calls",
            &options,
            &overlays,
            &render,
            &scratch,
            &[],
        ));
    }
    if let Some(dir) = options.kubeflow.as_ref().filter(|_| wanted("kubeflow")) {
        rows.push(compare(
            "kubeflow manifests `example` root",
            &options,
            std::slice::from_ref(dir),
            &render,
            &scratch,
            &["--load-restrictor", "LoadRestrictionsNone"],
        ));
    }
    if let Some((repo, cluster)) = options.flux.as_ref().filter(|_| wanted("flux")) {
        rows.push(flux(&options, &render, repo, cluster));
    }
    if wanted("diff-revisions") {
        if let Some(row) = diff_revisions(&options, &render, &scratch) {
            rows.push(row);
        }
    }
    if wanted("scaling") {
        for resources in [750usize, 1500, 3000, 6000] {
            let overlays = write_repo(
                &scratch.join(format!("scale-{resources}")),
                RepoSpec {
                    apps: resources / 4,
                    envs: 1,
                    components: 2,
                },
            )
            .expect("write the synthetic repository");
            let label = format!("one overlay of {resources} resources");
            if options.big || resources <= 1500 {
                rows.push(compare(&label, &options, &overlays, &render, &scratch, &[]));
            } else {
                let krust = median(
                    (0..options.runs * 5)
                        .map(|_| run_render(&render, &overlays, &scratch, &[]).0)
                        .collect(),
                );
                rows.push(Row {
                    label,
                    kubectl: None,
                    krust,
                });
            }
        }
    }
    print_table(&rows);
}

/// `render flux CLUSTER` against `kubectl kustomize` on the path of every
/// Flux Kustomization of the cluster in turn (the paths come from
/// `render flux --graph`; kubectl neither follows Kustomizations nor
/// substitutes, so it does less than krust here).
fn flux(options: &Options, render: &Path, repo: &Path, cluster: &str) -> Row {
    let graph = Command::new(render)
        .args(["flux", cluster, "--graph"])
        .current_dir(repo)
        .output()
        .expect("run render flux --graph");
    assert!(graph.status.success(), "render flux --graph {cluster}");
    let paths: Vec<String> = String::from_utf8_lossy(&graph.stdout)
        .lines()
        .filter_map(|line| line.split_once(" (./")?.1.split_once(" @ "))
        .map(|(path, _)| format!("./{path}"))
        .collect();
    let label = format!(
        "`render flux {cluster}` ({} Flux Kustomizations), against kubectl on each one's path",
        paths.len()
    );
    eprintln!("{label}: kubectl ×{}", options.runs);
    let kubectl_runs = (0..options.runs)
        .map(|_| {
            let start = Instant::now();
            for path in &paths {
                // Some paths are plain directories kubectl cannot build; they count as tried.
                let _ = Command::new("kubectl")
                    .args([
                        "kustomize",
                        "--load-restrictor",
                        "LoadRestrictionsNone",
                        path,
                    ])
                    .current_dir(repo)
                    .output();
            }
            Cost {
                wall: start.elapsed(),
                peak_kib: None,
            }
        })
        .collect();
    eprintln!("{label}: krust ×{}", options.runs * 5);
    let krust_runs = (0..options.runs * 5)
        .map(|_| {
            let start = Instant::now();
            let out = Command::new(render)
                .args(["flux", cluster])
                .current_dir(repo)
                .output()
                .expect("run render flux");
            assert!(out.status.success(), "render flux {cluster}");
            Cost {
                wall: start.elapsed(),
                peak_kib: None,
            }
        })
        .collect();
    Row {
        label,
        kubectl: Some(median(kubectl_runs)),
        krust: median(krust_runs),
    }
}

/// `git` in `dir`, isolated from the machine's configuration.
fn git(dir: &Path, args: &[&str]) -> bool {
    krust_suite::tools::git_in(dir, args)
}

/// A repository of 245 overlays (5 apps each) at two commits, the second
/// changing one base: `render diff --base HEAD~1 --all .` against what CI
/// scripts do today, `kubectl kustomize` on every root in a worktree of each
/// revision and `diff -r` of the outputs. `None` without git.
fn diff_revisions(options: &Options, render: &Path, scratch: &Path) -> Option<Row> {
    const ROOTS: usize = 245;
    let repo = scratch.join("diff-revisions");
    write_repo(
        &repo,
        RepoSpec {
            apps: 5,
            envs: ROOTS,
            components: 1,
        },
    )
    .expect("write the synthetic repository");
    if !(git(&repo, &["init", "-q", "."]) && git(&repo, &["add", "-A"])) {
        eprintln!("git is not available: the revision diff is not measured");
        return None;
    }
    assert!(git(&repo, &["commit", "-qm", "base"]));
    let deployment = repo.join("apps/base/app3/deployment.yaml");
    let text = std::fs::read_to_string(&deployment).expect("read the base");
    std::fs::write(&deployment, text.replace("replicas: 2", "replicas: 3")).expect("change it");
    assert!(git(&repo, &["commit", "-qam", "head"]));
    let label = format!("`render diff --base HEAD~1 --all .` on {ROOTS} roots, against kubectl on every root at both revisions and `diff -r`");
    eprintln!("{label}: kubectl ×{}", options.runs);
    let kubectl_runs = (0..options.runs)
        .map(|_| {
            let start = Instant::now();
            let base = scratch.join("diff-revisions-base");
            let _ = git(
                &repo,
                &["worktree", "remove", "--force", &base.display().to_string()],
            );
            assert!(git(
                &repo,
                &[
                    "worktree",
                    "add",
                    "-q",
                    &base.display().to_string(),
                    "HEAD~1"
                ]
            ));
            let mut peak = Some(0);
            for (side, tree) in [("base", &base), ("head", &repo)] {
                let out = scratch.join(format!("diff-revisions-out-{side}"));
                let _ = std::fs::remove_dir_all(&out);
                std::fs::create_dir_all(&out).expect("output directory");
                for e in 0..ROOTS {
                    let root = tree.join(format!("apps/overlays/env{e}"));
                    let (cost, yaml) = timed(Command::new("kubectl").arg("kustomize").arg(root));
                    peak = peak.zip(cost.peak_kib).map(|(a, b)| a.max(b));
                    std::fs::write(out.join(format!("env{e}.yaml")), yaml).expect("write");
                }
            }
            let _ = Command::new("diff")
                .arg("-r")
                .arg(scratch.join("diff-revisions-out-base"))
                .arg(scratch.join("diff-revisions-out-head"))
                .stdout(Stdio::null())
                .status();
            Cost {
                wall: start.elapsed(),
                peak_kib: peak,
            }
        })
        .collect();
    eprintln!("{label}: krust ×{}", options.runs * 5);
    let krust_runs = (0..options.runs * 5)
        .map(|_| {
            let start = Instant::now();
            let out = Command::new(render)
                .args(["diff", "--base", "HEAD~1", "--all", "."])
                .current_dir(&repo)
                .output()
                .expect("run render diff");
            assert_eq!(out.status.code(), Some(1), "the head changes every root");
            Cost {
                wall: start.elapsed(),
                peak_kib: None,
            }
        })
        .collect();
    Some(Row {
        label,
        kubectl: Some(median(kubectl_runs)),
        krust: median(krust_runs),
    })
}

fn parse_options() -> Options {
    let mut options = Options {
        runs: 3,
        big: false,
        kubeflow: None,
        flux: None,
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                options.runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .expect("--runs takes a positive number")
            }
            "--big" => options.big = true,
            "--kubeflow" => options.kubeflow = Some(args.next().expect("--kubeflow DIR").into()),
            "--only" => options.only = Some(args.next().expect("--only NAME")),
            "--flux" => {
                let repo = args.next().expect("--flux REPO CLUSTER_DIR");
                let cluster = args.next().expect("--flux REPO CLUSTER_DIR");
                options.flux = Some((repo.into(), cluster));
            }
            other => panic!("unknown option {other}"),
        }
    }
    options
}

/// One line of the report.
struct Row {
    label: String,
    kubectl: Option<Cost>,
    krust: Cost,
}

/// Times `kubectl kustomize` on each root in turn against one `render` call
/// for all of them, and checks that the outputs agree.
fn compare(
    label: &str,
    options: &Options,
    roots: &[PathBuf],
    render: &Path,
    scratch: &Path,
    extra: &[&str],
) -> Row {
    eprintln!("{label}: kubectl ×{}", options.runs);
    let mut kubectl_costs = Vec::new();
    let mut expected = Vec::new();
    for _ in 0..options.runs {
        let mut total = Cost {
            wall: Duration::ZERO,
            peak_kib: Some(0),
        };
        expected.clear();
        for root in roots {
            let (cost, out) = timed(
                Command::new("kubectl")
                    .arg("kustomize")
                    .args(extra)
                    .arg(root),
            );
            total.wall += cost.wall;
            total.peak_kib = total.peak_kib.zip(cost.peak_kib).map(|(a, b)| a.max(b));
            expected.push(out);
        }
        kubectl_costs.push(total);
    }
    eprintln!("{label}: krust ×{}", options.runs * 5);
    let mut krust_costs = Vec::new();
    for _ in 0..options.runs * 5 {
        let (cost, outputs) = run_render(render, roots, scratch, extra);
        for ((root, got), want) in roots.iter().zip(&outputs).zip(&expected) {
            assert!(
                got == want,
                "{}: krust's output differs from kubectl's",
                root.display()
            );
        }
        krust_costs.push(cost);
    }
    Row {
        label: label.to_string(),
        kubectl: Some(median(kubectl_costs)),
        krust: median(krust_costs),
    }
}

/// Runs `render` once: on stdout for one root, with `-o` for several.
fn run_render(
    render: &Path,
    roots: &[PathBuf],
    scratch: &Path,
    extra: &[&str],
) -> (Cost, Vec<Vec<u8>>) {
    if let [root] = roots {
        let (cost, out) = timed(Command::new(render).args(extra).arg(root));
        return (cost, vec![out]);
    }
    let out = scratch.join("out");
    let _ = std::fs::remove_dir_all(&out);
    let (cost, _) = timed(
        Command::new(render)
            .args(extra)
            .arg("-o")
            .arg(&out)
            .args(roots)
            .current_dir("/"),
    );
    let outputs = roots
        .iter()
        .map(|root| {
            let rel = root.strip_prefix("/").expect("absolute roots");
            std::fs::read(out.join(rel).with_extension("yaml")).expect("render wrote every root")
        })
        .collect();
    (cost, outputs)
}

/// Runs a command to completion, under GNU time when it is installed, and
/// returns its cost and standard output; panics if it fails.
fn timed(command: &mut Command) -> (Cost, Vec<u8>) {
    let gnu_time = Path::new("/usr/bin/time");
    let report = std::env::temp_dir().join(format!("krust-versus-{}.time", std::process::id()));
    let mut wrapped;
    let command = if gnu_time.exists() {
        wrapped = Command::new(gnu_time);
        wrapped
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&report)
            .arg(command.get_program())
            .args(command.get_args());
        if let Some(dir) = command.get_current_dir() {
            wrapped.current_dir(dir);
        }
        &mut wrapped
    } else {
        command
    };
    let start = Instant::now();
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .expect("start the command");
    let wall = start.elapsed();
    assert!(output.status.success(), "{command:?} failed");
    let peak_kib = std::fs::read_to_string(&report)
        .ok()
        .and_then(|s| s.lines().last()?.trim().parse().ok());
    (Cost { wall, peak_kib }, output.stdout)
}

/// The median wall time, and the median peak memory.
fn median(mut costs: Vec<Cost>) -> Cost {
    costs.sort_by_key(|c| c.wall);
    let wall = costs[costs.len() / 2].wall;
    let mut peaks: Vec<u64> = costs.iter().filter_map(|c| c.peak_kib).collect();
    peaks.sort_unstable();
    Cost {
        wall,
        peak_kib: peaks.get(peaks.len() / 2).copied(),
    }
}

fn print_table(rows: &[Row]) {
    println!("| case | kubectl kustomize | krust | faster | peak memory (kubectl / krust) |");
    println!("|---|---:|---:|---:|---:|");
    for row in rows {
        let krust = row.krust.wall.as_secs_f64();
        let (kubectl, ratio, memory) = match row.kubectl {
            Some(k) => {
                let memory = match (k.peak_kib, row.krust.peak_kib) {
                    (Some(a), Some(b)) if b > 0 => format!(
                        "{} / {} MiB ({:.1}×)",
                        a / 1024,
                        b / 1024,
                        a as f64 / b as f64
                    ),
                    _ => "–".to_string(),
                };
                (
                    format!("{:.3} s", k.wall.as_secs_f64()),
                    format!("{:.0}×", k.wall.as_secs_f64() / krust),
                    memory,
                )
            }
            None => ("not run".to_string(), "–".to_string(), "–".to_string()),
        };
        println!(
            "| {} | {kubectl} | {krust:.3} s | {ratio} | {memory} |",
            row.label
        );
    }
}
