//! `render diff` and `render verify-noop`: what a change does to the
//! rendered output, compared resource by resource.
//!
//! Exit status as `diff`'s: 0 when nothing differs, 1 when something does
//! (or a root fails to render), 2 when the comparison itself cannot be made.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use krust::{DiskFs, Graph};
use krust_diff::{diff_root, DiffOptions, Pairing, Render, RepoDiff, RootSide};
use krust_repo::revisions::RevisionDiff;

use crate::output::{format, OutputArgs, ReleaseArgs};
use crate::paths::display_path;

/// What `render diff` takes.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// Compare every root as of this git revision with the working tree (or --head).
    #[arg(long = "base", value_name = "REV")]
    pub base: Option<String>,

    /// With --base: the revision to compare with, instead of the working tree.
    #[arg(long = "head", value_name = "REV", requires = "base")]
    pub head: Option<String>,

    /// How resources pair: `name` also across the renaming two environments apply
    /// (namespace, namePrefix, nameSuffix), reported once; `exact` by namespace and name.
    /// Default: `name` for two different roots, `exact` for revisions (--base).
    #[arg(long = "pair", value_enum, value_name = "MODE")]
    pub pair: Option<PairMode>,

    /// With --base: render only the roots the change can reach (see `render affected`).
    #[arg(long = "changed", requires = "base")]
    pub changed: bool,

    /// Print only one line naming the roots that differ (`diff:staging,production`, or
    /// `diff:none`), fit for a pull request's title or label.
    #[arg(long = "summary")]
    pub summary: bool,

    #[command(flatten)]
    pub common: CommonArgs,

    /// Without --base: OLD and NEW, each a kustomization directory or a rendered YAML file.
    /// With --base: the roots to compare (default: every root below the current directory).
    pub paths: Vec<PathBuf>,
}

/// `--pair`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PairMode {
    /// By group, kind, namespace and name.
    Exact,
    /// Also across an environment's consistent renaming.
    Name,
}

impl From<PairMode> for Pairing {
    fn from(mode: PairMode) -> Pairing {
        match mode {
            PairMode::Exact => Pairing::Exact,
            PairMode::Name => Pairing::Name,
        }
    }
}

/// What `render verify-noop` takes.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The revision before the refactoring; the working tree is compared with it.
    #[arg(long = "base", value_name = "REV")]
    pub base: String,

    #[command(flatten)]
    pub common: CommonArgs,

    /// The roots that must render the same (default: every root below the current directory).
    pub roots: Vec<PathBuf>,
}

/// Options both commands share.
#[derive(Debug, clap::Args)]
pub struct CommonArgs {
    /// Every top-level kustomization below this directory, at either revision.
    #[arg(long = "all", value_name = "DIR")]
    pub all: Option<PathBuf>,

    /// With --all, also kustomizations that others use as resources.
    #[arg(long = "include-bases", requires = "all")]
    pub include_bases: bool,

    /// Compare what this Flux cluster or profile directory gets, per Flux Kustomization
    /// (the repository is the current directory), instead of kustomization roots.
    #[arg(long = "flux", value_name = "DIR", conflicts_with = "all")]
    pub flux: Option<PathBuf>,

    #[command(flatten)]
    pub releases: ReleaseArgs,

    /// Fold helm's noise out of changed resources: `helm.sh/chart` labels and `checksum/*` annotations (the default with --format markdown).
    #[arg(long = "ignore-helm-noise", overrides_with = "keep_helm_noise")]
    pub ignore_helm_noise: bool,

    /// Show helm's noise even in markdown (undoes --ignore-helm-noise).
    #[arg(long = "keep-helm-noise", overrides_with = "ignore_helm_noise")]
    pub keep_helm_noise: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

impl CommonArgs {
    /// Whether helm's noise is folded: asked for, or markdown unless kept.
    fn ignore_helm_noise(&self) -> bool {
        self.ignore_helm_noise
            || (self.output.format == crate::output::Format::Markdown && !self.keep_helm_noise)
    }
}

/// `render diff`.
pub fn run_diff(args: &DiffArgs) -> ExitCode {
    let result = match &args.base {
        None => diff_two(args),
        Some(base) => diff_revisions(
            base,
            args.head.as_deref(),
            &args.paths,
            &args.common,
            args.pair.map_or(Pairing::Exact, Pairing::from),
            args.changed,
        ),
    };
    match result {
        Ok(diff) if args.summary => {
            crate::output::println(krust_diff::format::summary_label(&diff));
            exit_for(&diff)
        }
        Ok(diff) => {
            crate::output::print(format(&diff, args.common.output.format));
            exit_for(&diff)
        }
        Err(message) => usage_error(&message),
    }
}

/// `render verify-noop`: the proof a refactoring needs.
pub fn run_verify(args: &VerifyArgs) -> ExitCode {
    match diff_revisions(
        &args.base,
        None,
        &args.roots,
        &args.common,
        Pairing::Exact,
        false,
    ) {
        Ok(diff) if diff.is_empty() => {
            let summary = diff.summary();
            crate::output::println(format_args!(
                "no-op: {} roots, {} resources identical",
                summary.roots, summary.resources_identical
            ));
            ExitCode::SUCCESS
        }
        Ok(diff) => {
            crate::output::print(format(&diff, args.common.output.format));
            let summary = diff.summary();
            eprintln!(
                "not a no-op: {} of {} roots render differently",
                summary.roots - summary.roots_same,
                summary.roots
            );
            ExitCode::from(1)
        }
        Err(message) => usage_error(&message),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn exit_for(diff: &RepoDiff) -> ExitCode {
    if diff.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `render diff OLD NEW`: two roots or rendered files, compared.
fn diff_two(args: &DiffArgs) -> Result<RepoDiff, String> {
    let [old, new] = args.paths.as_slice() else {
        return Err(format!(
            "render diff takes OLD and NEW (kustomization directories or rendered YAML files), or --base REV; got {} paths",
            args.paths.len()
        ));
    };
    let cwd = std::env::current_dir().map_err(|e| format!("current directory: {e}"))?;
    let graph = Graph::new(&DiskFs, args.common.output.build_options());
    let side = |path: &Path| -> RootSide {
        let shown = display_path(&cwd.join(path), Some(&cwd))
            .display()
            .to_string();
        let full = cwd.join(path);
        Some(if full.is_dir() {
            graph
                .build(&full)
                .map_err(|e| e.map_paths(|p| display_path(p, Some(&cwd))).to_string())
                .and_then(|map| Render::from_resmap(shown, &map).map_err(|e| e.to_string()))
        } else {
            std::fs::read_to_string(&full)
                .map_err(|e| format!("{shown}: {e}"))
                .and_then(|text| Render::from_yaml(shown, &text).map_err(|e| e.to_string()))
        })
    };
    let (old_side, new_side) = rayon::join(|| side(old), || side(new));
    let label = format!("{} → {}", old.display(), new.display());
    // Two different roots are two environments, unless told otherwise.
    let pairing = args.pair.map_or(
        if cwd.join(old) == cwd.join(new) {
            Pairing::Exact
        } else {
            Pairing::Name
        },
        Pairing::from,
    );
    let options = DiffOptions {
        pairing,
        ignore_helm_noise: args.common.ignore_helm_noise(),
        ..DiffOptions::default()
    };
    let root = diff_root(label, old_side, new_side, &options);
    Ok(RepoDiff::new(vec![root]))
}

/// Every root at `base` against `head` (or the working tree).
fn diff_revisions(
    base: &str,
    head: Option<&str>,
    paths: &[PathBuf],
    common: &CommonArgs,
    pairing: Pairing,
    changed_only: bool,
) -> Result<RepoDiff, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("current directory: {e}"))?;
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    // Neither roots nor --all: every root below the current directory.
    let all = match (&common.all, paths.is_empty()) {
        (None, true) => Some(PathBuf::from(".")),
        (all, _) => all.clone(),
    };
    let request = RevisionDiff::new(&cwd, base)
        .with_head(head)
        .with_roots(
            paths
                .iter()
                .map(|p| krust::normalize(&cwd.join(p)))
                .collect(),
        )
        .with_all(
            all.map(|d| krust::normalize(&cwd.join(d))),
            common.include_bases,
        )
        .with_flux(common.flux.clone())
        .with_helm_releases(common.releases.options(&common.output.build.helm.command))
        .with_helm_noise_ignored(common.ignore_helm_noise())
        .with_options(common.output.build_options())
        .with_pairing(pairing)
        .changed_only(changed_only);
    let show = |p: &Path| display_path(p, Some(&cwd)).display().to_string();
    let (diff, warnings) = request.run(&show).map_err(|e| e.to_string())?;
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    Ok(diff)
}
