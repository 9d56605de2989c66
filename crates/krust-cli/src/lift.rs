//! `render lift APP/PATCH.yaml --group DIR`: fold a patch every overlay
//! carries into the app's base, delete the copies and their references,
//! and prove no root renders differently; nothing is written unless the
//! proof holds.
//!
//! Exit status: 0 when the lift was made (or, with `--dry-run`, could be);
//! 1 when it is refused (copies differ, the proof fails); 2 for errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use krust::DiskFs;
use krust_repo::lift::lift;

use crate::output::{self, format, OutputArgs};
use crate::paths::display_path;

/// What `render lift` takes.
#[derive(Debug, clap::Args)]
pub struct LiftArgs {
    /// The patch, relative to each overlay (`frontend/history.yaml`).
    pub patch: PathBuf,

    /// The group whose `overlays/` carry the patch (`apps`).
    #[arg(long = "group", value_name = "DIR")]
    pub group: PathBuf,

    /// Plan and prove, write nothing.
    #[arg(long = "dry-run")]
    pub dry_run: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// `render lift`.
pub fn run(args: &LiftArgs) -> ExitCode {
    let Ok(cwd) = std::env::current_dir() else {
        eprintln!("error: cannot read the current directory");
        return ExitCode::from(2);
    };
    let group = krust::normalize(&cwd.join(&args.group));
    let group = std::fs::canonicalize(&group).unwrap_or(group);
    let show_path = |p: &Path| display_path(p, Some(&cwd));
    let show_root = |p: &Path| show_path(p).display().to_string();
    let options = args.output.build_options();
    let planned = match lift(&DiskFs, &group, &args.patch, &show_root, &options) {
        Ok(planned) => planned,
        Err(e) => {
            eprintln!("refused: {e}");
            return ExitCode::from(1);
        }
    };
    if !planned.is_noop() {
        output::print(format(&planned.proof, args.output.format));
        eprintln!("refused: the lift would change what these roots render; nothing written");
        return ExitCode::from(1);
    }
    if !args.dry_run {
        if let Err(e) = planned.write() {
            eprintln!("error: writing the lift: {e}");
            return ExitCode::from(2);
        }
    }
    for change in &planned.changes {
        output::println(change.map_paths(show_path));
    }
    let summary = planned.proof.summary();
    output::println(format_args!(
        "no-op: {} roots, {} resources identical",
        summary.roots, summary.resources_identical
    ));
    if args.dry_run {
        eprintln!("dry run: nothing written");
    }
    ExitCode::SUCCESS
}
