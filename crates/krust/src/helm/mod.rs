//! Inflating `helmCharts` through the real helm, as kustomize's
//! `HelmChartInflationGenerator` does: krust never re-implements Go
//! templates, it runs the helm binary the user names, only when the build
//! options carry [`HelmSettings`] (`render --enable-helm`).
//!
//! Per chart: `helm version` (once per program), `helm pull` into the chart
//! home when the chart is not there and a `repo` is set, then `helm
//! template` with a values file made from the chart's values and
//! `valuesInline`. The chart is copied out of the build's filesystem into a
//! private temporary directory first, so that charts in a git revision or a
//! Flux artifact render as they do on disk.

mod command;
mod inflate;
mod scratch;
mod values;

pub(crate) use inflate::Inflation;

use std::path::{Path, PathBuf};
use std::time::Duration;

use scratch::Scratch;

/// How to run helm for `helmCharts`: kustomize's `--enable-helm` and the
/// flags beside it. Builds without these settings refuse charts.
///
/// ```
/// use krust::HelmSettings;
///
/// let helm = HelmSettings::new("/usr/local/bin/helm").with_kube_version("1.31.0");
/// assert_eq!(helm.kube_version.as_deref(), Some("1.31.0"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HelmSettings {
    /// The helm program (`--helm-command`; `helm` is looked up on `PATH`).
    pub command: PathBuf,
    /// How long one helm process may run before it is stopped.
    pub timeout: Duration,
    /// `--helm-kube-version`: the default for charts without `kubeVersion`.
    pub kube_version: Option<String>,
    /// `--helm-api-versions`: the default for charts without `apiVersions`.
    pub api_versions: Vec<String>,
    /// `--helm-debug`: template every chart with `--debug`.
    pub debug: bool,
}

impl Default for HelmSettings {
    fn default() -> Self {
        HelmSettings::new("helm")
    }
}

impl HelmSettings {
    /// Running `command`, five minutes at most per process.
    pub fn new(command: impl Into<PathBuf>) -> HelmSettings {
        HelmSettings {
            command: command.into(),
            timeout: Duration::from_secs(300),
            kube_version: None,
            api_versions: Vec::new(),
            debug: false,
        }
    }

    /// These settings with a different deadline per helm process.
    pub fn with_timeout(mut self, timeout: Duration) -> HelmSettings {
        self.timeout = timeout;
        self
    }

    /// These settings with a default `kubeVersion`.
    pub fn with_kube_version(mut self, version: impl Into<String>) -> HelmSettings {
        self.kube_version = Some(version.into());
        self
    }

    /// These settings with default `apiVersions`.
    pub fn with_api_versions(mut self, versions: Vec<String>) -> HelmSettings {
        self.api_versions = versions;
        self
    }

    /// These settings templating with `--debug`.
    pub fn with_debug(mut self, debug: bool) -> HelmSettings {
        self.debug = debug;
        self
    }

    /// Runs this helm with `args` (never through a shell, stopped after
    /// the timeout), its config, cache and data homes below `config_home`
    /// as kustomize sets them and no plugins: what it printed, or why it
    /// failed (the program, how it exited and what it said). For tools that
    /// render charts themselves, such as Flux HelmReleases.
    pub fn run(&self, args: &[String], config_home: &Path) -> std::result::Result<Vec<u8>, String> {
        let out = command::run_helm(&self.command, args, config_home, self.timeout)
            .map_err(|e| format!("`{}` {e}", self.command.display()))?;
        if out.status.success() {
            return Ok(out.stdout);
        }
        let verb = args.first().map(String::as_str).unwrap_or_default();
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(format!(
            "helm {verb} failed ({}): {}",
            out.status,
            stderr.trim()
        ))
    }

    /// `helm template` of a chart outside kustomize (a Flux HelmRelease's):
    /// the chart is copied out of `request.fs` first, so a chart in memory
    /// renders as on disk.
    pub fn template(&self, request: &HelmTemplate) -> std::result::Result<HelmRendered, String> {
        let scratch =
            Scratch::new().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        let name = request.chart.file_name().unwrap_or_default();
        let chart = scratch.path().join("chart").join(name);
        if request.fs.kind(&request.chart.join("Chart.yaml")) != Some(crate::FileKind::File) {
            return Err(format!("{} holds no Chart.yaml", request.chart.display()));
        }
        scratch::copy_tree(request.fs, request.chart, &chart)
            .map_err(|e| format!("cannot copy the chart {}: {e}", request.chart.display()))?;
        if let Some(defaults) = request.chart_values {
            std::fs::write(chart.join("values.yaml"), defaults)
                .map_err(|e| format!("cannot write the chart's values: {e}"))?;
        }
        let values = scratch.path().join("values.yaml");
        std::fs::write(&values, request.values)
            .map_err(|e| format!("cannot write the values: {e}"))?;
        let release = command::positional(request.release, "release name")?;
        let mut args: Vec<String> = vec!["template".into(), release.into()];
        args.push(chart.display().to_string());
        args.extend(["--namespace".into(), request.namespace.into()]);
        args.extend(["-f".into(), values.display().to_string()]);
        let flags = [
            (request.skip_tests, "--skip-tests"),
            (request.no_hooks, "--no-hooks"),
        ];
        args.extend(
            flags
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, f)| f.to_string()),
        );
        if let Some(kube) = &self.kube_version {
            args.extend(["--kube-version".into(), kube.clone()]);
        }
        for api in self.api_versions.iter().chain(request.api_versions) {
            args.extend(["--api-versions".into(), api.clone()]);
        }
        let home = scratch.path().join("helm");
        let manifests = self.run(&args, &home)?;
        let crds = if request.include_crds {
            let show = ["show".into(), "crds".into(), chart.display().to_string()];
            self.run(&show, &home)?
        } else {
            Vec::new()
        };
        Ok(HelmRendered { manifests, crds })
    }

    /// `helm pull --untar` of `chart` from `repo` (an `http(s)://` chart
    /// repository or an `oci://` registry; empty when `chart` is a whole
    /// `oci://` reference) at `version` (any version helm accepts, ranges
    /// too; empty for the newest) into the directory `into`, where the
    /// chart lands as `into/<name>`.
    pub fn pull(
        &self,
        repo: &str,
        chart: &str,
        version: &str,
        into: &Path,
    ) -> std::result::Result<(), String> {
        let args = command::pull_args(into, repo, chart, version)?;
        std::fs::create_dir_all(into).map_err(|e| format!("{}: {e}", into.display()))?;
        let scratch =
            Scratch::new().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        self.run(&args, &scratch.path().join("helm")).map(drop)
    }
}

/// What [`HelmSettings::template`] renders: the templates, and apart from
/// them the chart's `crds/` files (which helm installs before the release
/// and never passes to post-renderers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HelmRendered {
    /// `helm template`'s output, without CRDs.
    pub manifests: Vec<u8>,
    /// `helm show crds` (empty unless asked for).
    pub crds: Vec<u8>,
}

/// A chart to template with [`HelmSettings::template`].
#[non_exhaustive]
pub struct HelmTemplate<'a> {
    /// Where the chart's files are read.
    pub fs: &'a dyn crate::FileSystem,
    /// The chart's directory on `fs`.
    pub chart: &'a Path,
    /// The release name.
    pub release: &'a str,
    /// The release namespace.
    pub namespace: &'a str,
    /// The values file's content (YAML).
    pub values: &'a [u8],
    /// Also read the chart's `crds/` ([`HelmRendered::crds`]).
    pub include_crds: bool,
    /// The chart's own values in place of its `values.yaml` (what Flux's
    /// `valuesFiles` merge into), when set.
    pub chart_values: Option<&'a [u8]>,
    /// API versions `.Capabilities.APIVersions` has besides helm's
    /// built-in ones (`monitoring.coreos.com/v1`, `.../ServiceMonitor`).
    pub api_versions: &'a [String],
    /// Leave out test hooks (`--skip-tests`).
    pub skip_tests: bool,
    /// Leave out every hook (`--no-hooks`).
    pub no_hooks: bool,
}

impl<'a> HelmTemplate<'a> {
    /// The chart at `chart` on `fs`, released as `release` into `namespace`
    /// with `values`, CRDs included.
    pub fn new(
        fs: &'a dyn crate::FileSystem,
        chart: &'a Path,
        release: &'a str,
        namespace: &'a str,
        values: &'a [u8],
    ) -> HelmTemplate<'a> {
        HelmTemplate {
            fs,
            chart,
            release,
            namespace,
            values,
            include_crds: true,
            chart_values: None,
            api_versions: &[],
            skip_tests: false,
            no_hooks: false,
        }
    }

    /// This request leaving out test hooks, or every hook.
    pub fn with_hooks(mut self, tests: bool, others: bool) -> HelmTemplate<'a> {
        self.skip_tests = !tests;
        self.no_hooks = !others;
        self
    }

    /// This request with more API versions available to the chart.
    pub fn with_api_versions(mut self, versions: &'a [String]) -> HelmTemplate<'a> {
        self.api_versions = versions;
        self
    }

    /// This request with the chart's own values replaced by `values`.
    pub fn with_chart_values(mut self, values: Option<&'a [u8]>) -> HelmTemplate<'a> {
        self.chart_values = values;
        self
    }

    /// This request with CRDs included or not.
    pub fn with_crds(mut self, include: bool) -> HelmTemplate<'a> {
        self.include_crds = include;
        self
    }
}
