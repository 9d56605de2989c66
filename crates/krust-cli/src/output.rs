//! How the commands print and build: shared options, the output formats,
//! and the one way to standard output.

use std::io::{IsTerminal, StdoutLock, Write};

use krust::{BuildOptions, KustomizeVersion, LoadRestrictor};
use krust_diff::format::{github_annotations, json, markdown, text, MarkdownOptions, TextOptions};
use krust_diff::RepoDiff;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For terminals (coloured when standard output is one).
    Text,
    /// For CI job summaries and pull-request comments.
    Markdown,
    /// For tools.
    Json,
    /// GitHub Actions: an annotation on each root that differs, then the text report.
    Github,
}

/// The options every command that renders and reports shares.
#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// How to print the results.
    #[arg(long = "format", value_enum, default_value = "text")]
    pub format: Format,

    #[command(flatten)]
    pub build: BuildArgs,
}

impl OutputArgs {
    /// The build options these select.
    pub fn build_options(&self) -> BuildOptions {
        self.build.build_options()
    }
}

/// How the commands that build kustomizations build them.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Which files a kustomization may read: LoadRestrictionsRootOnly (default) or LoadRestrictionsNone.
    #[arg(
        long = "load-restrictor",
        value_name = "RESTRICTOR",
        default_value = "LoadRestrictionsRootOnly"
    )]
    pub load_restrictor: LoadRestrictor,

    #[command(flatten)]
    pub version: VersionArgs,
}

impl BuildArgs {
    /// The build options these select.
    pub fn build_options(&self) -> BuildOptions {
        BuildOptions::default()
            .with_load_restrictor(self.load_restrictor)
            .with_kustomize_version(self.version.kustomize_version)
    }
}

/// Which kustomize every command that builds reproduces.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct VersionArgs {
    /// The kustomize whose output to reproduce byte for byte: 5.5.0 (kubectl 1.32), 5.6.0 (kubectl 1.33), 5.7.1 (kubectl 1.34/1.35) or 5.8.1 (kubectl 1.36/1.37, Flux 2.8, Argo CD 3.3); `5.8` and `v5.8.1` also work.
    #[arg(
        long = "kustomize-version",
        value_name = "VERSION",
        env = "KRUST_KUSTOMIZE_VERSION",
        default_value_t = KustomizeVersion::LATEST
    )]
    pub kustomize_version: KustomizeVersion,
}

/// A repository diff in the chosen format.
pub fn format(diff: &RepoDiff, format: Format) -> String {
    match format {
        Format::Text => text(
            diff,
            &TextOptions {
                color: std::io::stdout().is_terminal(),
                diffs: true,
            },
        ),
        Format::Markdown => markdown(diff, &MarkdownOptions::default()),
        Format::Json => json(diff),
        Format::Github => {
            let report = text(
                diff,
                &TextOptions {
                    color: false,
                    diffs: true,
                },
            );
            github_annotations(diff) + &report
        }
    }
}

/// Writes to standard output through `write`, then flushes. Every command
/// prints through here (or [`print()`], [`println()`]) instead of `print!`, which
/// panics when the reader has gone: a closed pipe (`render ... | head`) ends
/// the process quietly with status 0, as ripgrep does (a Unix tool dies of
/// SIGPIPE there; Rust ignores the signal and gets the error instead). Any
/// other write error is reported on stderr and exits 1.
pub fn stdout(write: impl FnOnce(&mut StdoutLock<'static>) -> std::io::Result<()>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = write(&mut out).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing output: {e}");
        std::process::exit(1);
    }
}

/// `text` on standard output (see [`stdout`]).
pub fn print(text: impl std::fmt::Display) {
    stdout(|out| write!(out, "{text}"));
}

/// `text` and a newline on standard output (see [`stdout`]).
pub fn println(text: impl std::fmt::Display) {
    stdout(|out| writeln!(out, "{text}"));
}
