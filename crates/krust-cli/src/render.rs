//! The render command: one root to stdout, as `kubectl kustomize` does, or
//! many roots at once into a directory, through one build graph.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use krust::{DiskFs, Graph};
use rayon::prelude::*;

use crate::output::{self, BuildArgs};
use crate::paths::display_path;
use crate::roots;

/// What `render DIR...` takes: the roots, and how to build and where to write them.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub build: BuildArgs,

    /// Write each root's output to OUT/<root path>.yaml instead of stdout (required for several roots).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// Render every top-level kustomization below this directory (not Components, not bases of others).
    #[arg(long = "all", value_name = "REPO_DIR")]
    pub all: Option<PathBuf>,

    /// With --all, also render kustomizations that others use as resources.
    #[arg(long = "include-bases", requires = "all")]
    pub include_bases: bool,

    /// Only roots whose path matches this pattern (`*` matches any characters, `?` one); repeatable.
    #[arg(long = "include", value_name = "GLOB")]
    pub include: Vec<String>,

    /// Skip roots whose path matches this pattern; repeatable.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Roots rendered at once (default: every core).
    #[arg(long = "jobs", short = 'j', value_name = "N")]
    pub jobs: Option<usize>,

    /// After rendering, print to stderr how much work the build graph shared.
    #[arg(long = "stats")]
    pub stats: bool,

    /// Directories holding kustomizations to build.
    pub dirs: Vec<PathBuf>,
}

/// `render DIR`, `render -o OUT DIR...`, `render --all REPO_DIR -o OUT`.
pub fn run(args: &RenderArgs) -> ExitCode {
    if args.dirs.is_empty() && args.all.is_none() {
        eprintln!("error: no kustomization directory given (usage: render DIR, or render -o OUT DIR... / --all REPO_DIR)");
        return ExitCode::from(2);
    }
    let cwd = std::env::current_dir().ok();
    let show = |p: &Path| display_path(p, cwd.as_deref()).display().to_string();
    let mut roots = args.dirs.clone();
    if let Some(repo) = &args.all {
        match krust::discover_roots(repo, args.include_bases) {
            Ok(found) => roots.extend(found),
            Err(e) => {
                eprintln!(
                    "error: {}",
                    e.map_paths(|p| display_path(p, cwd.as_deref()))
                );
                return ExitCode::from(1);
            }
        }
    }
    let roots = roots::filter(roots, &args.include, &args.exclude, |p| show(p));
    let options = args.build.build_options();
    if let Some(jobs) = args.jobs.filter(|&j| j > 0) {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global();
    }
    let graph = Graph::new(&DiskFs, options);
    let absolute = roots::absolute(&roots, cwd.as_deref());
    let code = match &args.output {
        None if roots.len() == 1 && args.all.is_none() => {
            graph.prepare(&absolute);
            render_to_stdout(&graph, &absolute[0], cwd.as_deref())
        }
        None => {
            eprintln!("error: rendering {} roots needs -o OUT (one file per root); give one directory to print it", roots.len());
            return ExitCode::from(2);
        }
        Some(out) => {
            graph.prepare(&absolute);
            render_many(&graph, &roots, &absolute, out, cwd.as_deref(), &show)
        }
    };
    if args.stats {
        let s = graph.stats();
        eprintln!(
            "kustomizations built: {}, reused: {}; resource files parsed: {}, reused: {}",
            s.kustomizations_built, s.kustomizations_reused, s.files_parsed, s.files_reused
        );
    }
    // What the graph still holds goes with the process (see `render_and_exit`).
    std::mem::forget(graph);
    code
}

/// kubectl's mode: one root, its output on stdout.
fn render_to_stdout(graph: &Graph, root: &Path, cwd: Option<&Path>) -> ExitCode {
    match render_and_exit(graph, root, cwd) {
        Ok(yaml) => {
            output::stdout(|out| write_chunks(out, &yaml));
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}

/// Renders every root in parallel into `out`; a failing root is reported and
/// writes nothing, and does not stop the others.
fn render_many(
    graph: &Graph,
    roots: &[PathBuf],
    absolute: &[PathBuf],
    out: &Path,
    cwd: Option<&Path>,
    show: &(dyn Fn(&Path) -> String + Sync),
) -> ExitCode {
    let done = AtomicUsize::new(0);
    let progress = std::io::stderr().is_terminal() && roots.len() > 8;
    let failures: Vec<String> = roots
        .par_iter()
        .zip(absolute)
        .filter_map(|(root, dir)| {
            let shown = show(root);
            let result = render(graph, dir, cwd).and_then(|yaml| {
                krust_repo::edit::write_whole_pieces(&roots::output_file(out, &shown), &yaml)
                    .map_err(|e| format!("{shown}: writing output: {e}"))
            });
            if progress {
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                eprint!("\rrendered {n}/{}", roots.len());
            }
            // Build errors start with the root's own kustomization file.
            result.err()
        })
        .collect();
    if progress {
        eprint!("\r\x1b[K");
    }
    for failure in &failures {
        eprintln!("error: {failure}");
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("{} of {} roots failed", failures.len(), roots.len());
        ExitCode::from(1)
    }
}

/// One root's output, or its error as one line with paths as the user sees them.
/// The output comes in pieces, written one after the other, so that it is
/// never held twice.
pub fn render(graph: &Graph, dir: &Path, cwd: Option<&Path>) -> Result<Vec<String>, String> {
    graph
        .build(dir)
        .and_then(|map| map.to_yaml_chunks())
        .map_err(|err| err.map_paths(|p| display_path(p, cwd)).to_string())
}

/// [`render`] for a process that exits right after: the resources are not
/// freed one by one (for a large build that takes as long as emitting them),
/// the exit returns their memory at once.
fn render_and_exit(graph: &Graph, dir: &Path, cwd: Option<&Path>) -> Result<Vec<String>, String> {
    let map = graph
        .build(dir)
        .map_err(|err| err.map_paths(|p| display_path(p, cwd)).to_string())?;
    let chunks = map
        .to_yaml_chunks()
        .map_err(|err| err.map_paths(|p| display_path(p, cwd)).to_string());
    std::mem::forget(map);
    chunks
}

/// Writes the pieces of one output in order.
fn write_chunks(out: &mut impl Write, chunks: &[String]) -> std::io::Result<()> {
    chunks
        .iter()
        .try_for_each(|chunk| out.write_all(chunk.as_bytes()))
}
