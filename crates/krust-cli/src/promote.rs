//! `render promote FROM TO [APP...]`: copy the apps' promotable patches
//! from one overlay to another, list them in the target's `patches`, and
//! show what that does to the target's render.
//!
//! Exit status: 0 when the promotion was made (or, with `--dry-run`,
//! could be), whether or not the render changed; 2 when it cannot be made.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use krust::DiskFs;
use krust_diff::DiffOptions;
use krust_repo::promote::promote;

use crate::output::{self, format, OutputArgs};
use crate::paths::display_path;

/// What `render promote` takes.
#[derive(Debug, clap::Args)]
pub struct PromoteArgs {
    /// The overlay promoted from (`apps/overlays/staging`).
    pub from: PathBuf,

    /// The overlay promoted to (`apps/overlays/production`).
    pub to: PathBuf,

    /// The apps to promote (subdirectories of FROM); all that TO renders when none.
    pub apps: Vec<String>,

    /// Show the changes and the render diff, write nothing.
    #[arg(long = "dry-run")]
    pub dry_run: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// `render promote`.
pub fn run(args: &PromoteArgs) -> ExitCode {
    match promote_and_report(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn promote_and_report(args: &PromoteArgs) -> Result<(), String> {
    let cwd = std::env::current_dir().map_err(|e| format!("current directory: {e}"))?;
    let show_path = |p: &Path| display_path(p, Some(&cwd));
    let show_root = |p: &Path| show_path(p).display().to_string();
    let promotion = promote(
        &DiskFs,
        &args.from,
        &args.to,
        &args.apps,
        &show_root,
        &args.output.build_options(),
        &DiffOptions::default(),
    )
    .map_err(|e| e.to_string())?;
    if !args.dry_run {
        promotion.write().map_err(|e| e.to_string())?;
    }
    if promotion.plan.changes.is_empty() {
        output::println(format_args!(
            "nothing to promote: {} is up to date",
            args.to.display()
        ));
    }
    for change in &promotion.plan.changes {
        output::println(change.map_paths(show_path));
    }
    if args.dry_run && !promotion.plan.changes.is_empty() {
        eprintln!("dry run: nothing written");
    }
    output::print(format(&promotion.diff, args.output.format));
    Ok(())
}
