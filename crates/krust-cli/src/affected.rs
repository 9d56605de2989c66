//! `render affected --base REV`: the roots a change can reach, from what
//! each root's build reads, without rendering them.
//!
//! Exit status: 0 (listed, possibly none), 2 when the revisions cannot be read.

use std::path::PathBuf;
use std::process::ExitCode;

use krust_repo::affected::AffectedRoot;
use krust_repo::revisions::RevisionDiff;

use crate::paths::display_path;

/// What `render affected` takes.
#[derive(Debug, clap::Args)]
pub struct AffectedArgs {
    /// The base revision of the change.
    #[arg(long = "base", value_name = "REV")]
    pub base: String,

    /// The head revision (default: the working tree, untracked files included).
    #[arg(long = "head", value_name = "REV")]
    pub head: Option<String>,

    /// Look for roots below this directory (default: the current directory).
    #[arg(long = "all", value_name = "DIR", default_value = ".")]
    pub all: PathBuf,

    /// Also kustomizations that others use as resources.
    #[arg(long = "include-bases")]
    pub include_bases: bool,

    /// Only roots matching one of these shell patterns (`*` crosses `/`), as a CI
    /// matrix shard would: `--include 'apps/*'`; repeatable.
    #[arg(long = "include", value_name = "GLOB")]
    pub include: Vec<String>,

    /// Leave out roots matching one of these patterns; repeatable.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Also the Flux Kustomizations of this cluster or profile directory the change
    /// reaches (through their object, their path, or what they substitute from); the
    /// repository is the current directory.
    #[arg(long = "flux", value_name = "DIR")]
    pub flux: Option<PathBuf>,

    /// `text`: one root per line; `json`: roots with the reason each is listed.
    #[arg(long = "format", value_enum, default_value = "text")]
    pub format: ListFormat,
}

/// How `render affected` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// One root per line.
    Text,
    /// A JSON array of `{"root", "reason", "file"}`.
    Json,
}

/// `render affected`.
pub fn run(args: &AffectedArgs) -> ExitCode {
    match list(args) {
        Ok(text) => {
            crate::output::print(text);
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn list(args: &AffectedArgs) -> Result<String, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("current directory: {e}"))?;
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let request = RevisionDiff::new(&cwd, &args.base)
        .with_head(args.head.as_deref())
        .with_all(
            Some(krust::normalize(&cwd.join(&args.all))),
            args.include_bases,
        );
    let affected = request.affected().map_err(|e| e.to_string())?;
    let show = |p: &std::path::Path| display_path(p, Some(&cwd)).display().to_string();
    let kept = crate::roots::filter(
        affected.iter().map(|a| a.root.clone()).collect(),
        &args.include,
        &args.exclude,
        show,
    );
    let kept: Vec<&AffectedRoot> = affected.iter().filter(|a| kept.contains(&a.root)).collect();
    let flux = match &args.flux {
        Some(cluster) => request.affected_flux(cluster).map_err(|e| e.to_string())?,
        None => Vec::new(),
    };
    Ok(match args.format {
        ListFormat::Text => {
            let roots = kept.iter().map(|a| format!("{}\n", show(&a.root)));
            let kustomizations = flux
                .iter()
                .map(|k| format!("flux {} {} ({})\n", k.cluster, k.id, k.reason));
            roots.chain(kustomizations).collect()
        }
        ListFormat::Json if args.flux.is_some() => {
            krust_repo::affected::to_json_with_flux(&kept, &flux, &show)
        }
        ListFormat::Json => krust_repo::affected::to_json(&kept, &show),
    })
}
