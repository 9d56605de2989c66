//! `render`: print what `kubectl kustomize DIR` prints, from krust; render
//! many roots at once into a directory; compare renders.
//!
//! A thin shell over the krust libraries: parse arguments, call them, write
//! the output. Errors go to stderr as one line naming the file; the exit
//! status is 1 when a build failed and 2 for a usage error.

// The argument structs' doc comments are `--help` text, where `<name>`
// placeholders are meant literally, not HTML.
#![allow(rustdoc::invalid_html_tags)]

mod affected;
mod check;
mod diff;
mod flux;
mod generated;
mod lift;
mod lint;
mod output;
mod paths;
mod promote;
mod render;
mod roots;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use krust::KustomizeVersion;

/// Render kustomizations exactly as `kustomize build` does: kustomize 5.5.0 to 5.8.1 (--kustomize-version), byte for byte.
#[derive(Debug, Parser)]
#[command(name = "render", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    render: render::RenderArgs,
}

/// The commands besides rendering.
#[derive(Debug, Subcommand)]
enum Command {
    /// Compare two renders resource by resource: OLD and NEW roots or rendered files, or every root at a git revision (--base) against the working tree or another revision (--head). Exit 0: same; 1: different; 2: error.
    Diff(diff::DiffArgs),
    /// Prove a refactoring changes no rendered output: every root at --base against the working tree. Exit 0 with a one-line summary when nothing changed; 1 with the diffs otherwise.
    VerifyNoop(diff::VerifyArgs),
    /// List the roots a change between --base and --head (or the working tree) can reach, from the files each root's build reads, without rendering: one per line, or --format json.
    Affected(affected::AffectedArgs),
    /// Render what a Flux cluster or profile gets, offline: its directory built as the root Kustomization, then every Flux Kustomization in it, substituted, in dependsOn order; or --graph.
    Flux(flux::FluxArgs),
    /// Fold a patch every overlay of a group carries into the app's base, delete the copies and their references, and prove nothing renders differently (nothing is written otherwise).
    Lift(lift::LiftArgs),
    /// Check a GitOps repository's conventions: cross-overlay references, unreferenced or missing patch files, `.yml` files, promotable patches missing from some overlays, deprecated fields.
    Lint(lint::LintArgs),
    /// Promote apps from one overlay to another: copy FROM/<app>/*.yaml (except `_`-prefixed files) to TO/<app>/, list them in TO's `patches`, and show TO's render diff. Exit 0: promoted (or, with --dry-run, promotable); 2: error.
    Promote(promote::PromoteArgs),
    /// Check that every root below DIR (default: .) still renders, writing nothing: one line per failing root. Exit 0: all render; 1: some failed; 2: DIR unreadable.
    Check(check::CheckArgs),
    /// Print a shell completion script: `render completions bash > /etc/bash_completion.d/render`, or `source <(render completions bash)`.
    Completions(generated::CompletionsArgs),
    /// Print the man page (roff): `render man | man -l -`; `render man diff` for render-diff(1).
    Man(generated::ManArgs),
}

/// What `render --version` prints: krust's version, then each kustomize
/// it emulates and the tools that embed it.
fn version_text() -> String {
    let mut text = format!(
        "{}\nemulates kustomize (--kustomize-version):",
        env!("CARGO_PKG_VERSION")
    );
    for v in KustomizeVersion::ALL {
        let default = if v == KustomizeVersion::LATEST {
            ", the default"
        } else {
            ""
        };
        text.push_str(&format!("\n  {v}  ({}{default})", v.embedded_in()));
    }
    text
}

fn main() -> ExitCode {
    let parsed = Cli::command()
        .version(&*version_text().leak())
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        None => render::run(&cli.render),
        Some(Command::Diff(args)) => diff::run_diff(&args),
        Some(Command::VerifyNoop(args)) => diff::run_verify(&args),
        Some(Command::Affected(args)) => affected::run(&args),
        Some(Command::Lint(args)) => lint::run(&args),
        Some(Command::Lift(args)) => lift::run(&args),
        Some(Command::Flux(args)) => flux::run(&args),
        Some(Command::Promote(args)) => promote::run(&args),
        Some(Command::Check(args)) => check::run(&args),
        // The definition without the long `--version` text: the man page's
        // title line carries the version and must stay one line.
        Some(Command::Completions(args)) => generated::completions(&args, Cli::command()),
        Some(Command::Man(args)) => generated::man(&args, Cli::command()),
    }
}

/// A build allocates and frees millions of small strings and maps from every
/// core; mimalloc does that about a third faster than the system allocator
/// here, in no more memory (transparent huge pages off, or it holds more).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
