//! One `helmCharts` entry inflated as kustomize's
//! `HelmChartInflationGenerator` does it: configuration checks, helm's
//! version, the chart found or pulled into the chart home, the values file,
//! and `helm template` with kustomize's arguments in kustomize's order.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::command;
use super::scratch::{self, Scratch};
use super::values::{self, ValuesError, ValuesMerge};
use super::HelmSettings;
use crate::error::{Error, ErrorKind, Result};
use crate::fs::FileKind;
use crate::kustomization::{HelmChart, HelmGlobals};
use crate::loader::Loader;
use crate::version::Change;

/// One chart to inflate, and where it was asked for.
pub(crate) struct Inflation<'a> {
    /// The loader of the kustomization listing the chart.
    pub(crate) loader: &'a Loader<'a>,
    /// That kustomization's file, for messages.
    pub(crate) file: &'a Path,
    pub(crate) chart: &'a HelmChart,
    pub(crate) globals: Option<&'a HelmGlobals>,
    /// The namespace a chart without one is templated into (kustomize
    /// 5.8: the kustomization's, or the nearest including one's).
    pub(crate) namespace: Option<&'a str>,
}

impl Inflation<'_> {
    /// Runs helm and returns what `helm template` printed.
    pub(crate) fn run(&self, settings: &HelmSettings) -> Result<Vec<u8>> {
        let chart = self.chart;
        if chart.name.is_empty() {
            return Err(self.invalid("chart name cannot be empty"));
        }
        let merge = ValuesMerge::parse(&chart.values_merge).map_err(|e| self.invalid(e))?;
        let additional = self.additional_values()?;
        let scratch = Scratch::new()
            .map_err(|e| self.helm_error(format!("cannot create a temporary directory: {e}")))?;
        let config_home = match self.globals.map(|g| g.config_home.as_str()) {
            Some(home) if !home.is_empty() => PathBuf::from(home),
            _ => scratch.path().join("helm"),
        };
        self.check_version(settings, &config_home)?;
        let chart_dir = self.chart_dir(settings, &config_home, &scratch)?;
        let values = values::values_file(chart.values_inline.as_ref(), merge, || {
            self.chart_values(&chart_dir)
        })
        .map_err(|e| match e {
            ValuesError::Read(e) => e,
            ValuesError::Invalid(message) => self.invalid(message),
        })?;
        let values_path = scratch
            .path()
            .join(format!("{}-kustomize-values.yaml", chart.name));
        let mut files = vec![(values_path, values)];
        for (i, content) in additional.into_iter().enumerate() {
            files.push((scratch.path().join(format!("additional-{i}.yaml")), content));
        }
        for (path, content) in &files {
            std::fs::write(path, content).map_err(|e| {
                self.helm_error(format!(
                    "failed to write values file {}: {e}",
                    path.display()
                ))
            })?;
        }
        let paths: Vec<&Path> = files.iter().map(|(p, _)| p.as_path()).collect();
        let args = self.template_args(settings, &chart_dir.template_path, &paths)?;
        self.helm(settings, &args, &config_home)
    }

    /// `additionalValuesFiles`, read under the load restrictions.
    fn additional_values(&self) -> Result<Vec<Vec<u8>>> {
        self.chart
            .additional_values_files
            .iter()
            .map(|file| {
                self.loader.load(file).map(|(_, bytes)| bytes).map_err(|e| {
                    e.in_file(self.file)
                        .reworded(|m| format!("could not load additionalValuesFile: {m}"))
                })
            })
            .collect()
    }

    /// Asks helm its version (once per program) and refuses majors this
    /// kustomize refuses.
    fn check_version(&self, settings: &HelmSettings, config_home: &Path) -> Result<()> {
        let four = self.loader.version().has(Change::HelmFour);
        let args: Vec<String> = if four {
            vec!["version".into(), "--short".into()]
        } else {
            vec!["version".into(), "-c".into(), "--short".into()]
        };
        let out = command::version_output(&settings.command, &args, config_home, settings.timeout)
            .map_err(|e| {
                let hint = if four {
                    ""
                } else {
                    " (kustomize before 5.8 asks `helm version -c`, which helm 4 refuses: helm 4 needs kustomize 5.8)"
                };
                self.helm_error(format!("cannot ask helm its version: {e}{hint}"))
            })?;
        let Some(version) = command::version_in(&out) else {
            return Err(self.helm_error(format!(
                "cannot find a version in `helm version`'s output: {}",
                out.trim()
            )));
        };
        let major = version.split('.').next().unwrap_or_default();
        let accepted = if four {
            ["3", "4"].as_slice()
        } else {
            ["3"].as_slice()
        };
        if !accepted.contains(&major) {
            let wanted = if four {
                "helm 3 or 4"
            } else {
                "helm 3 (helm 4 needs kustomize 5.8)"
            };
            return Err(self.helm_error(format!(
                "kustomize {} runs {wanted}, but `{}` is v{version}",
                self.loader.version(),
                settings.command.display()
            )));
        }
        Ok(())
    }

    /// kustomize's chart home: `helmGlobals.chartHome` (default `charts`)
    /// below the kustomization, then `<name>-<version>` when the chart is
    /// pulled at a version.
    fn chart_home(&self) -> PathBuf {
        let mut home = HelmGlobals::chart_home(self.globals, self.loader.root());
        let chart = self.chart;
        if !chart.version.is_empty() && !chart.repo.is_empty() {
            home.push(format!("{}-{}", chart.name, chart.version));
        }
        home
    }

    /// Where helm templates the chart from: a copy of the chart in the
    /// build's filesystem, or the chart on disk (pulled now or before).
    fn chart_dir(
        &self,
        settings: &HelmSettings,
        config_home: &Path,
        scratch: &Scratch,
    ) -> Result<ChartDir> {
        let home = self.chart_home();
        let dir = home.join(&self.chart.name);
        let fs = self.loader.fs();
        if fs.kind(&dir) == Some(FileKind::Dir) {
            // helm needs a Chart.yaml; without one nothing is copied (a
            // name like `../..` would otherwise copy a whole tree).
            if fs.kind(&dir.join("Chart.yaml")) != Some(FileKind::File) {
                return Err(self.helm_error(format!("{} holds no Chart.yaml", dir.display())));
            }
            let copy = scratch.path().join("chart").join(&self.chart.name);
            scratch::copy_tree(fs, &dir, &copy).map_err(|e| {
                self.helm_error(format!(
                    "cannot copy the chart {} for helm: {e}",
                    dir.display()
                ))
            })?;
            return Ok(ChartDir {
                template_path: copy,
                in_fs: Some(dir),
            });
        }
        // One pull at a time: builds in parallel may want the same chart,
        // and the first one's pull serves the others.
        static PULLING: Mutex<()> = Mutex::new(());
        let _pulling = PULLING.lock().unwrap_or_else(|e| e.into_inner());
        if !dir.is_dir() {
            self.pull(settings, config_home, &home, &dir)?;
        }
        Ok(ChartDir {
            template_path: dir,
            in_fs: None,
        })
    }

    /// `helm pull --untar` into the chart home, as kustomize does.
    fn pull(
        &self,
        settings: &HelmSettings,
        config_home: &Path,
        home: &Path,
        dir: &Path,
    ) -> Result<()> {
        let chart = self.chart;
        if chart.repo.is_empty() {
            return Err(Error::not_found(
                self.file,
                format!(
                    "helmCharts: chart '{}' is not at {} and has no repo to pull it from",
                    chart.name,
                    dir.display()
                ),
            ));
        }
        // Pulled aside, then moved into place whole: another process (or a
        // build reading the chart home) never sees half a chart.
        let staging = home.join(format!(".krust-pull-{}", std::process::id()));
        let mut args = command::pull_args(&staging, &chart.repo, &chart.name, &chart.version)
            .map_err(|e| self.invalid(e))?;
        if chart.devel && self.loader.version().has(Change::HelmDevel) {
            args.push("--devel".into());
        }
        std::fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        let pulled = self.helm(settings, &args, config_home).and_then(|_| {
            match std::fs::rename(staging.join(&chart.name), dir) {
                Err(_) if dir.is_dir() => Ok(()),
                moved => moved.map_err(|e| Error::io(dir, e)),
            }
        });
        let _ = std::fs::remove_dir_all(&staging);
        pulled
    }

    /// The values file under the inline values: `valuesFile` or the chart's
    /// own `values.yaml`.
    fn chart_values(&self, chart: &ChartDir) -> Result<Vec<u8>> {
        if !self.chart.values_file.is_empty() {
            return self
                .loader
                .load(&self.chart.values_file)
                .map(|(_, b)| b)
                .map_err(|e| e.in_file(self.file));
        }
        match &chart.in_fs {
            Some(dir) => {
                let path = dir.join("values.yaml");
                self.loader
                    .load(&path.display().to_string())
                    .map(|(_, b)| b)
                    .map_err(|e| e.in_file(self.file))
            }
            None => {
                // Pulled now: the same restriction as a read of it later.
                let path = chart.template_path.join("values.yaml");
                self.loader
                    .check_outside_fs(&path)
                    .map_err(|e| e.in_file(self.file))?;
                std::fs::read(&path).map_err(|e| Error::io(&path, e).in_file(self.file))
            }
        }
    }

    /// kustomize's `AsHelmArgs`, in its order.
    fn template_args(
        &self,
        settings: &HelmSettings,
        chart_path: &Path,
        values: &[&Path],
    ) -> Result<Vec<String>> {
        let c = self.chart;
        let mut args = vec!["template".to_string()];
        if c.release_name.is_empty() {
            args.push("--generate-name".into());
        } else {
            let name =
                command::positional(&c.release_name, "releaseName").map_err(|e| self.invalid(e))?;
            args.push(name.into());
        }
        args.push(chart_path.display().to_string());
        let namespace = Some(c.namespace.as_str()).filter(|n| !n.is_empty()).or(self
            .namespace
            .filter(|_| self.loader.version().has(Change::HelmRootNamespace)));
        if let Some(namespace) = namespace.filter(|n| !n.is_empty()) {
            args.extend(["--namespace".into(), namespace.to_string()]);
        }
        if !c.name_template.is_empty() {
            args.extend(["--name-template".into(), c.name_template.clone()]);
        }
        for path in values {
            args.extend(["-f".into(), path.display().to_string()]);
        }
        let api_versions = if c.api_versions.is_empty() {
            &settings.api_versions
        } else {
            &c.api_versions
        };
        for api in api_versions {
            args.extend(["--api-versions".into(), api.clone()]);
        }
        let kube = Some(c.kube_version.as_str())
            .filter(|k| !k.is_empty())
            .or(settings.kube_version.as_deref());
        if let Some(kube) = kube {
            args.extend(["--kube-version".into(), kube.to_string()]);
        }
        let flags = [
            (c.include_crds, "--include-crds"),
            (c.skip_tests, "--skip-tests"),
            (c.skip_hooks, "--no-hooks"),
            (c.debug || settings.debug, "--debug"),
            (
                c.devel && self.loader.version().has(Change::HelmDevel),
                "--devel",
            ),
        ];
        args.extend(
            flags
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, flag)| flag.to_string()),
        );
        Ok(args)
    }

    /// Runs helm; its stdout, or an error naming the chart with helm's.
    fn helm(
        &self,
        settings: &HelmSettings,
        args: &[String],
        config_home: &Path,
    ) -> Result<Vec<u8>> {
        settings
            .run(args, config_home)
            .map_err(|e| self.helm_error(e))
    }

    fn invalid(&self, message: impl std::fmt::Display) -> Error {
        Error::invalid(
            self.file,
            format!("helmCharts: chart '{}': {message}", self.chart.name),
        )
    }

    fn helm_error(&self, message: impl std::fmt::Display) -> Error {
        Error::invalid(
            self.file,
            format!("helmCharts: chart '{}': {message}", self.chart.name),
        )
        .with_kind(ErrorKind::Helm)
    }
}

/// The chart helm templates.
struct ChartDir {
    /// The directory passed to `helm template`.
    template_path: PathBuf,
    /// The chart's directory in the build's filesystem, when it is there.
    in_fs: Option<PathBuf>,
}
