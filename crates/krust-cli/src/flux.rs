//! `render flux DIR`: everything a cluster or profile gets, rendered
//! offline as Flux would reconcile it; or its Kustomization graph.
//!
//! Exit status: 0 rendered (warnings on stderr), 1 when the cluster cannot
//! be rendered, 2 for usage errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use krust::{DiskFs, MemFs};
use krust_flux::cluster::{render_cluster, Cluster, ClusterOptions, Source};
use krust_flux::order::GraphFormat;

use crate::output::{self, HelmCommandArgs, ReleaseArgs, VersionArgs};

/// How `--graph` draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DrawFormat {
    /// One line per Kustomization, dependencies below.
    Text,
    /// A Mermaid flowchart.
    Mermaid,
    /// Graphviz dot.
    Dot,
}

/// What `render flux` takes.
#[derive(Debug, clap::Args)]
pub struct FluxArgs {
    /// The cluster or profile directory (`clusters/demo`, `profiles/staging`).
    pub dir: PathBuf,

    /// The repository the `flux-system` GitRepository syncs (paths in Kustomizations start there).
    #[arg(long = "repo", value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,

    /// Write each Flux Kustomization's objects to OUT/<namespace>/<name>.yaml (and with --helm each HelmRelease's to OUT/helm/<namespace>/<name>.yaml) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// Print the Kustomization graph (paths, sources, dependencies) instead of the objects.
    #[arg(long = "graph")]
    pub graph: bool,

    /// How --graph draws it.
    #[arg(
        long = "format",
        value_enum,
        default_value = "text",
        requires = "graph"
    )]
    pub format: DrawFormat,

    /// Fail on an unset variable referenced bare (`${var}`), as Flux does with
    /// its StrictPostBuildSubstitutions feature gate on (off in Flux 2.8).
    #[arg(long = "strict", overrides_with = "no_strict")]
    pub strict: bool,

    /// The default, as in Flux 2.8: an unset variable becomes the empty string (undoes --strict).
    #[arg(long = "no-strict", overrides_with = "strict")]
    pub no_strict: bool,

    /// Map a source to a directory or to a revision of this repository:
    /// `GitRepository/flux-system/infrastructure=PATH` or `...=git:v0.4.0`; repeatable.
    #[arg(long = "source", value_name = "KIND/NAMESPACE/NAME=PATH|git:REF")]
    pub sources: Vec<String>,

    /// Fail on a Kustomization whose source is not mapped, instead of skipping it.
    #[arg(long = "strict-sources")]
    pub strict_sources: bool,

    #[command(flatten)]
    pub version: VersionArgs,

    #[command(flatten)]
    pub releases: ReleaseArgs,

    #[command(flatten)]
    pub helm: HelmCommandArgs,
}

/// `render flux`.
pub fn run(args: &FluxArgs) -> ExitCode {
    match render(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

fn render(args: &FluxArgs) -> Result<ExitCode, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("current directory: {e}"))?;
    let canonical =
        |p: &Path| std::fs::canonicalize(cwd.join(p)).map_err(|e| format!("{}: {e}", p.display()));
    let repo_root = canonical(&args.repo)?;
    let dir = canonical(&args.dir)?;
    let rel = dir.strip_prefix(&repo_root).map_err(|_| {
        format!(
            "{} is not inside the repository {} (give --repo)",
            args.dir.display(),
            args.repo.display()
        )
    })?;
    let rel = format!("./{}", rel.display());
    // Revisions named by `--source ...=git:REF`, read once each.
    let mut revisions: BTreeMap<String, MemFs> = BTreeMap::new();
    let mut mapped: Vec<(String, SourceSpec)> = Vec::new();
    for spec in &args.sources {
        let (key, target) = spec
            .split_once('=')
            .filter(|(k, _)| k.split('/').count() == 3)
            .ok_or_else(|| {
                format!("--source {spec}: expected KIND/NAMESPACE/NAME=PATH or =git:REF")
            })?;
        match target.strip_prefix("git:") {
            Some(rev) => {
                if !revisions.contains_key(rev) {
                    let top =
                        krust_repo::git::repository_top(&repo_root).map_err(|e| e.to_string())?;
                    let fs =
                        krust_repo::git::revision_fs(&top, rev, &top).map_err(|e| e.to_string())?;
                    revisions.insert(rev.to_owned(), fs);
                }
                mapped.push((key.to_owned(), SourceSpec::Revision(rev.to_owned())));
            }
            None => mapped.push((
                key.to_owned(),
                SourceSpec::Dir(canonical(Path::new(target))?),
            )),
        }
    }
    let mut options = ClusterOptions {
        strict: args.strict && !args.no_strict,
        strict_sources: args.strict_sources,
        kustomize_version: args.version.kustomize_version,
        ..Default::default()
    };
    for (key, spec) in mapped {
        let source = match spec {
            SourceSpec::Dir(root) => Source { fs: &DiskFs, root },
            SourceSpec::Revision(rev) => Source {
                fs: &revisions[&rev],
                root: repo_root.clone(),
            },
        };
        options.sources.insert(key, source);
    }
    let repo = Source {
        fs: &DiskFs,
        root: repo_root.clone(),
    };
    let mut cluster = render_cluster(&repo, &rel, &options).map_err(|e| e.to_string())?;
    if let Some(helm) = args.releases.options(&args.helm) {
        krust_flux::helm::render_available(&mut cluster, &repo, &options, &helm);
    }
    for warning in &cluster.warnings {
        eprintln!("warning: {warning}");
    }
    if args.graph {
        output::print(graph(&cluster, args.format));
    } else if let Some(out) = &args.output {
        write_per_kustomization(&cluster, &cwd.join(out))?;
    } else {
        output::print(cluster.to_yaml().map_err(|e| e.to_string())?);
    }
    let mut failed = 0;
    for error in cluster.errors() {
        eprintln!("error: {error}");
        failed += 1;
    }
    if failed > 0 {
        let total = cluster.kustomizations.len() + cluster.releases.len();
        eprintln!("{failed} of {total} Kustomizations and HelmReleases failed");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Where a mapped source's files come from.
enum SourceSpec {
    Dir(PathBuf),
    Revision(String),
}

/// `OUT/<namespace>/<name>.yaml` for each rendered Kustomization, and
/// `OUT/helm/<namespace>/<name>.yaml` for each rendered HelmRelease.
fn write_per_kustomization(cluster: &Cluster, out: &Path) -> Result<(), String> {
    for rendered in &cluster.releases {
        if rendered.objects.is_none() {
            continue;
        }
        let text = rendered.to_yaml().map_err(|e| e.to_string())?;
        let release = &rendered.release;
        one_name(&release.namespace)?;
        one_name(&release.name)?;
        let file = out
            .join("helm")
            .join(&release.namespace)
            .join(format!("{}.yaml", release.name));
        krust_repo::edit::write_whole(&file, text.as_bytes())
            .map_err(|e| format!("{}: {e}", file.display()))?;
    }
    for rendered in &cluster.kustomizations {
        if rendered.objects.is_none() {
            continue;
        }
        let text = rendered.to_yaml().map_err(|e| e.to_string())?;
        let file = out
            .join(one_name(&rendered.ks.namespace)?)
            .join(format!("{}.yaml", one_name(&rendered.ks.name)?));
        krust_repo::edit::write_whole(&file, text.as_bytes())
            .map_err(|e| format!("{}: {e}", file.display()))?;
    }
    Ok(())
}

/// `name` if it is one path component: a namespace or name from the
/// repository may not make `-o` write outside OUT.
fn one_name(name: &str) -> Result<&str, String> {
    let single = !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\']);
    if single {
        Ok(name)
    } else {
        Err(format!(
            "cannot write an object named {name:?} below the output directory"
        ))
    }
}

/// The Kustomization graph, drawn.
fn graph(cluster: &Cluster, format: DrawFormat) -> String {
    cluster.graph(match format {
        DrawFormat::Text => GraphFormat::Text,
        DrawFormat::Mermaid => GraphFormat::Mermaid,
        DrawFormat::Dot => GraphFormat::Dot,
    })
}
