//! `render lint [DIR]`: the repository's conventions, checked.

use std::path::PathBuf;
use std::process::ExitCode;

use krust_repo::lint::{lint_on_disk, LintOptions};

use crate::output;

/// What `render lint` takes.
#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Also treat this directory as an overlay (for layouts such as `clusters/<name>`); repeatable.
    #[arg(long = "root", value_name = "DIR")]
    pub roots: Vec<PathBuf>,

    /// The repository (or part of it) to check.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// Prints every finding as `file:line: rule: message`, then a summary;
/// exit status 1 when there are findings, 2 when the tree cannot be read.
pub fn run(args: &LintArgs) -> ExitCode {
    let options = LintOptions {
        roots: args.roots.clone(),
    };
    match lint_on_disk(&args.dir, &options) {
        Ok(report) => {
            for finding in &report.findings {
                output::println(finding);
            }
            eprintln!("{}", report.summary);
            ExitCode::from(report.exit_code())
        }
        Err(e) => {
            eprintln!("error: {}: {e}", args.dir.display());
            ExitCode::from(2)
        }
    }
}
