//! How the comparing commands print and build: shared options and the
//! output formats.

use std::io::IsTerminal;

use krust::{BuildOptions, LoadRestrictor};
use krust_diff::format::{json, markdown, text, MarkdownOptions, TextOptions};
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
}

/// The options every command that renders and reports shares.
#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// How to print the results.
    #[arg(long = "format", value_enum, default_value = "text")]
    pub format: Format,

    /// Which files a kustomization may read.
    #[arg(
        long = "load-restrictor",
        value_name = "RESTRICTOR",
        default_value = "LoadRestrictionsRootOnly"
    )]
    pub load_restrictor: LoadRestrictor,
}

impl OutputArgs {
    /// The build options these select.
    pub fn build_options(&self) -> BuildOptions {
        BuildOptions {
            load_restrictor: self.load_restrictor,
        }
    }
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
    }
}
