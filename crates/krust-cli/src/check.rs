//! `render check [DIR]`: does every root below DIR still render? Builds
//! them all through one graph, as `render --all` does, and writes nothing:
//! the pre-commit hook and CI's cheap gate.

use std::path::PathBuf;
use std::process::ExitCode;

use krust::{DiskFs, Graph};
use rayon::prelude::*;

use crate::output::{self, BuildArgs};
use crate::paths::display_path;
use crate::render::render;
use crate::roots;

/// What `render check` takes.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub build: BuildArgs,

    /// Also check kustomizations that others use as resources on their own.
    #[arg(long = "include-bases")]
    pub include_bases: bool,

    /// The repository (or part of it) whose roots to check.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// Prints one line per root that fails to render (its error), then a
/// summary on stderr; exit 1 when any failed, 2 when DIR cannot be read.
pub fn run(args: &CheckArgs) -> ExitCode {
    let cwd = std::env::current_dir().ok();
    let roots = match krust::discover_roots(&args.dir, args.include_bases) {
        Ok(roots) => roots,
        Err(e) => {
            eprintln!(
                "error: {}",
                e.map_paths(|p| display_path(p, cwd.as_deref()))
            );
            return ExitCode::from(2);
        }
    };
    let absolute = roots::absolute(&roots, cwd.as_deref());
    let graph = Graph::new(&DiskFs, args.build.build_options());
    graph.prepare(&absolute);
    let failures: Vec<String> = absolute
        .par_iter()
        .filter_map(|dir| render(&graph, dir, cwd.as_deref()).err())
        .collect();
    for failure in &failures {
        output::println(failure);
    }
    if failures.is_empty() {
        eprintln!("{} roots render", roots.len());
        ExitCode::SUCCESS
    } else {
        eprintln!("{} of {} roots failed", failures.len(), roots.len());
        ExitCode::from(1)
    }
}
