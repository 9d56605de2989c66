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

    #[command(flatten)]
    pub helm: HelmArgs,
}

impl BuildArgs {
    /// The build options these select.
    pub fn build_options(&self) -> BuildOptions {
        BuildOptions::default()
            .with_load_restrictor(self.load_restrictor)
            .with_kustomize_version(self.version.kustomize_version)
            .with_helm(self.helm.settings())
    }
}

/// kustomize's helm flags: charts are inflated only with `--enable-helm`.
#[derive(Debug, Clone, clap::Args)]
pub struct HelmArgs {
    /// Inflate `helmCharts` by running helm (without it, a kustomization with charts fails).
    #[arg(long = "enable-helm")]
    pub enable_helm: bool,

    #[command(flatten)]
    pub command: HelmCommandArgs,

    /// Kubernetes API versions for helm's Capabilities, for charts that set no apiVersions.
    #[arg(long = "helm-api-versions", value_name = "VERSION")]
    pub helm_api_versions: Vec<String>,

    /// The Kubernetes version for helm's Capabilities, for charts that set no kubeVersion.
    #[arg(long = "helm-kube-version", value_name = "VERSION")]
    pub helm_kube_version: Option<String>,

    /// Run helm template with --debug.
    #[arg(long = "helm-debug")]
    pub helm_debug: bool,
}

/// Which helm to run, and for how long at most.
#[derive(Debug, Clone, clap::Args)]
pub struct HelmCommandArgs {
    /// The helm program to run (looked up on PATH unless a path).
    #[arg(long = "helm-command", value_name = "PATH", default_value = "helm")]
    pub helm_command: std::path::PathBuf,

    /// Stop a helm process that runs longer than this many seconds.
    #[arg(long = "helm-timeout", value_name = "SECONDS", default_value_t = 300)]
    pub helm_timeout: u64,
}

impl HelmCommandArgs {
    /// The helm settings these select.
    pub fn settings(&self) -> krust::HelmSettings {
        krust::HelmSettings::new(&self.helm_command)
            .with_timeout(std::time::Duration::from_secs(self.helm_timeout))
    }
}

/// Flux HelmReleases rendered through helm (`render flux --helm`,
/// `render diff --flux DIR --helm`).
#[derive(Debug, Clone, clap::Args)]
pub struct ReleaseArgs {
    /// Also render every Flux HelmRelease through helm (its chart, its composed values, its post-renderers).
    #[arg(long = "helm")]
    pub helm: bool,

    /// Where pulled charts are kept, by repository, name and version [default: ~/.cache/krust/charts].
    #[arg(long = "chart-cache", value_name = "DIR", requires = "helm")]
    pub chart_cache: Option<std::path::PathBuf>,

    /// Never pull a chart: use the chart cache and charts in the repository only.
    #[arg(long = "offline", requires = "helm")]
    pub offline: bool,
}

impl ReleaseArgs {
    /// The HelmRelease options these select (`None` without `--helm`).
    pub fn options(&self, command: &HelmCommandArgs) -> Option<krust_flux::helm::HelmOptions> {
        if !self.helm {
            return None;
        }
        let mut options = krust_flux::helm::HelmOptions::new(command.settings());
        if let Some(cache) = &self.chart_cache {
            options.chart_cache = cache.clone();
        }
        options.offline = self.offline;
        Some(options)
    }
}

impl HelmArgs {
    /// The helm settings these select; `None` without `--enable-helm`.
    pub fn settings(&self) -> Option<krust::HelmSettings> {
        if !self.enable_helm {
            return None;
        }
        let mut settings = self
            .command
            .settings()
            .with_api_versions(self.helm_api_versions.clone())
            .with_debug(self.helm_debug);
        if let Some(version) = &self.helm_kube_version {
            settings = settings.with_kube_version(version.clone());
        }
        Some(settings)
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
