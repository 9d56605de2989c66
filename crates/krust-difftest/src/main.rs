//! `krust-difftest`: render generated trees with krust and with each real
//! kustomize, count divergences, shrink each to a minimal fixture.
//!
//! ```sh
//! cargo run --release -p krust-difftest -- --cases 2000 --seed 7 --version 5.8.1
//! cargo run --release -p krust-difftest -- --cases 300 --max-divergences 25 --fixtures crates/krust/tests/golden
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use clap::Parser;
use krust::KustomizeVersion;
use krust_difftest::compare::{compare, Reference, Verdict};
use krust_difftest::{gen, shrink, tree_seed};
use krust_suite::golden::Golden;
use krust_suite::oracle::{self, Outcome};
use rayon::prelude::*;

/// Differential testing of krust against the real kustomize binaries.
#[derive(Debug, Parser)]
struct Args {
    /// Trees per version.
    #[arg(long, default_value_t = 300)]
    cases: u64,
    /// The run's seed (each tree's own seed derives from it and its index).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Versions to check (repeatable; default: every version krust emulates).
    #[arg(long = "version")]
    versions: Vec<KustomizeVersion>,
    /// Shrink each divergence and write it as a golden fixture below this
    /// directory (`difftest-<seed>/`, the oracles' goldens beside it).
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// At most this many divergences are shrunk per version.
    #[arg(long, default_value_t = 5)]
    shrink: usize,
    /// Exit 1 when a version has more divergences than this.
    #[arg(long)]
    max_divergences: Option<usize>,
    /// Check only these trees (their own seeds, as printed by `--verbose`),
    /// instead of `--cases` trees of `--seed`.
    #[arg(long = "tree")]
    trees: Vec<u64>,
    /// Check against the `kustomize` binary, a process per tree, even
    /// where kbatch is built (to check kbatch itself, or without Go).
    #[arg(long)]
    cli: bool,
    /// Print each divergence's seed and both sides' first lines.
    #[arg(long)]
    verbose: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let versions = if args.versions.is_empty() {
        KustomizeVersion::ALL.to_vec()
    } else {
        args.versions.clone()
    };
    let scratch = std::env::temp_dir().join(format!("krust-difftest-{}", std::process::id()));
    let mut failed = false;
    for version in versions {
        let reference = if args.cli {
            oracle::kustomize(version).map(Reference::Cli)
        } else {
            Reference::of(version)
        };
        let Some(reference) = reference else {
            eprintln!("error: kustomize v{version} is not installed (run tests/oracles/install)");
            return ExitCode::from(2);
        };
        if args.verbose {
            println!("kustomize v{version}: {}", reference.describe());
        }
        let start = Instant::now();
        let panics = AtomicUsize::new(0);
        let seeds: Vec<u64> = if args.trees.is_empty() {
            (0..args.cases).map(|i| tree_seed(args.seed, i)).collect()
        } else {
            args.trees.clone()
        };
        let cases = seeds.len();
        let mut diverging: Vec<(u64, Outcome, Outcome)> = seeds
            .par_iter()
            .enumerate()
            .filter_map(|(i, &seed)| {
                let dir = scratch.join(format!("{version}-{i}"));
                let verdict = compare(&gen::tree(seed), &dir, &reference, version);
                let _ = std::fs::remove_dir_all(&dir);
                match verdict {
                    Verdict::Agree => None,
                    Verdict::ReferencePanicked => {
                        panics.fetch_add(1, Ordering::Relaxed);
                        None
                    }
                    Verdict::Diverge { kustomize, krust } => Some((seed, kustomize, krust)),
                }
            })
            .collect();
        diverging.sort_by_key(|d| d.0);
        let secs = start.elapsed().as_secs_f64();
        let checked = cases - panics.load(Ordering::Relaxed);
        println!(
            "difftest v{version}: {} trees ({} where kustomize panicked, left out), {} divergences ({:.0} per 10,000), {:.0} trees/s",
            cases,
            panics.load(Ordering::Relaxed),
            diverging.len(),
            diverging.len() as f64 * 10_000.0 / checked.max(1) as f64,
            cases as f64 / secs
        );
        if args.verbose {
            for (seed, kustomize, krust) in &diverging {
                println!(
                    "  seed {seed}: kustomize {} / krust {}",
                    first_line(kustomize),
                    first_line(krust)
                );
                if let Some((line, k, r)) = first_difference(kustomize, krust) {
                    println!(
                        "    line {line}: kustomize {k:?}\n    {:>width$}  krust     {r:?}",
                        "",
                        width = 4 + line.to_string().len()
                    );
                }
            }
        }
        if let Some(out) = &args.fixtures {
            for (seed, _, _) in diverging.iter().take(args.shrink) {
                let path = write_fixture(out, *seed, &scratch, &reference, version);
                println!("  minimal case of seed {seed}: {}", path.display());
            }
        }
        if args
            .max_divergences
            .is_some_and(|max| diverging.len() > max)
        {
            failed = true;
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn first_line(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Output(text) => format!("{} lines", text.lines().count()),
        Outcome::Error(e) => format!("error {:?}", e.lines().next().unwrap_or_default()),
    }
}

/// What identifies a divergence while its tree shrinks, so that the
/// shrinker keeps the one it started from rather than drifting to another:
/// which side fails, or the texts of the first lines that differ.
fn signature(verdict: &Verdict) -> Option<String> {
    let Verdict::Diverge { kustomize, krust } = verdict else {
        return None;
    };
    Some(match (kustomize, krust) {
        (Outcome::Error(_), _) => "kustomize fails".to_owned(),
        (_, Outcome::Error(_)) => "krust fails".to_owned(),
        _ => {
            let (_, k, r) = first_difference(kustomize, krust)?;
            format!("{} | {}", k.trim(), r.trim())
        }
    })
}

/// The first line where two outputs differ, with each side's text there.
fn first_difference(a: &Outcome, b: &Outcome) -> Option<(usize, String, String)> {
    let (Outcome::Output(a), Outcome::Output(b)) = (a, b) else {
        return None;
    };
    let (mut a, mut b) = (a.lines(), b.lines());
    for line in 1.. {
        match (a.next(), b.next()) {
            (None, None) => return None,
            (x, y) if x == y => continue,
            (x, y) => {
                return Some((
                    line,
                    x.unwrap_or("<end>").to_owned(),
                    y.unwrap_or("<end>").to_owned(),
                ))
            }
        }
    }
    None
}

/// Shrinks the tree of `seed` while it still diverges on `version`, and
/// writes it to `out/difftest-<seed>/` with a `ROOT` file and the goldens of
/// every oracle.
fn write_fixture(
    out: &std::path::Path,
    seed: u64,
    scratch: &std::path::Path,
    reference: &Reference,
    version: KustomizeVersion,
) -> PathBuf {
    let dir = scratch.join(format!("shrink-{seed}"));
    let tree = gen::tree(seed);
    let wanted = signature(&compare(&tree, &dir, reference, version));
    let small = shrink::shrink(&tree, &mut |t| {
        let verdict = compare(t, &dir, reference, version);
        wanted.is_some() && signature(&verdict) == wanted
    });
    let case = out.join(format!("difftest-{seed}"));
    small.write(&case).expect("fixture written");
    std::fs::write(
        case.join("ROOT"),
        format!(
            "{}\n# difftest seed {seed}, found on kustomize v{version}\n",
            small.root
        ),
    )
    .expect("ROOT written");
    if let Err(e) = Golden::new(case.join("expected")).bless(&case.join(&small.root)) {
        eprintln!("warning: {e}");
    }
    case
}
