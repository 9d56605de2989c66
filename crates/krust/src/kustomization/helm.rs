//! `helmCharts`, `helmGlobals` and the legacy `helmChartInflationGenerator`
//! fields: which charts a kustomization inflates through helm, decoded as
//! kustomize's `HelmChart` and `HelmGlobals` structs are.

use krust_yaml::Value;

use crate::decode::{boolean, fields, seq_of, string, string_list, DecodeResult};

/// `helmGlobals:`, settings shared by a kustomization's charts.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct HelmGlobals {
    /// `chartHome`: where charts are found or pulled to, relative to the
    /// kustomization (default `charts`).
    pub chart_home: String,
    /// `configHome`: helm's `HELM_CONFIG_HOME` (default: a fresh temporary
    /// directory per chart).
    pub config_home: String,
}

/// One `helmCharts:` entry.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct HelmChart {
    /// `name`: the chart, a directory under the chart home.
    pub name: String,
    /// `version`: the chart version to pull.
    pub version: String,
    /// `repo`: a chart repository URL or `oci://` reference to pull from.
    pub repo: String,
    /// `releaseName` (helm's `release-name` when empty).
    pub release_name: String,
    /// `namespace`: `helm template --namespace`.
    pub namespace: String,
    /// `additionalValuesFiles`, relative to the kustomization.
    pub additional_values_files: Vec<String>,
    /// `valuesFile` (default the chart's own `values.yaml`).
    pub values_file: String,
    /// `valuesInline`, as decoded from the kustomization.
    pub values_inline: Option<Value>,
    /// `valuesMerge`: `override` (default), `merge` or `replace`.
    pub values_merge: String,
    /// `includeCRDs`.
    pub include_crds: bool,
    /// `skipHooks`.
    pub skip_hooks: bool,
    /// `apiVersions`, each a `--api-versions`.
    pub api_versions: Vec<String>,
    /// `kubeVersion`.
    pub kube_version: String,
    /// `nameTemplate`.
    pub name_template: String,
    /// `skipTests`.
    pub skip_tests: bool,
    /// `debug`.
    pub debug: bool,
    /// `devel`: also consider development versions (kustomize 5.7 on).
    pub devel: bool,
    /// Whether `devel` was written at all: kustomize before 5.7 rejects it.
    pub devel_written: bool,
}

impl HelmGlobals {
    /// The chart home of a kustomization in `root` with these globals:
    /// `chartHome` (default `charts`) below it, or as given when absolute.
    pub fn chart_home(globals: Option<&HelmGlobals>, root: &std::path::Path) -> std::path::PathBuf {
        let home = globals
            .map(|g| g.chart_home.as_str())
            .filter(|h| !h.is_empty())
            .unwrap_or("charts");
        crate::fs::normalize(&root.join(home))
    }
}

const CHART_FIELDS: &[&str] = &[
    "name",
    "version",
    "repo",
    "releaseName",
    "namespace",
    "additionalValuesFiles",
    "valuesFile",
    "valuesInline",
    "valuesMerge",
    "includeCRDs",
    "skipHooks",
    "apiVersions",
    "kubeVersion",
    "nameTemplate",
    "skipTests",
    "debug",
    "devel",
];

/// Decodes `helmGlobals`.
pub(crate) fn helm_globals(v: &Value) -> DecodeResult<HelmGlobals> {
    let mut globals = HelmGlobals::default();
    for (field, value) in fields(v, &["chartHome", "configHome"])? {
        match field {
            "chartHome" => globals.chart_home = string(value)?,
            _ => globals.config_home = string(value)?,
        }
    }
    Ok(globals)
}

/// Decodes the `helmCharts` list.
pub(crate) fn helm_charts(v: &Value) -> DecodeResult<Vec<HelmChart>> {
    seq_of(v, helm_chart)
}

/// Decodes one chart entry (also a `HelmChartInflationGenerator` plugin
/// configuration's chart fields, with `strict` off).
pub(crate) fn helm_chart_with(v: &Value, strict: bool) -> DecodeResult<HelmChart> {
    let mut c = HelmChart::default();
    for (field, value) in crate::decode::fields_with(v, CHART_FIELDS, strict)? {
        match field {
            "name" => c.name = string(value)?,
            "version" => c.version = string(value)?,
            "repo" => c.repo = string(value)?,
            "releaseName" => c.release_name = string(value)?,
            "namespace" => c.namespace = string(value)?,
            "additionalValuesFiles" => c.additional_values_files = string_list(value)?,
            "valuesFile" => c.values_file = string(value)?,
            "valuesInline" => {
                crate::decode::map_of(value)?;
                c.values_inline = Some(value.clone());
            }
            "valuesMerge" => c.values_merge = string(value)?,
            "includeCRDs" => c.include_crds = boolean(value)?,
            "skipHooks" => c.skip_hooks = boolean(value)?,
            "apiVersions" => c.api_versions = string_list(value)?,
            "kubeVersion" => c.kube_version = string(value)?,
            "nameTemplate" => c.name_template = string(value)?,
            "skipTests" => c.skip_tests = boolean(value)?,
            "debug" => c.debug = boolean(value)?,
            _ => {
                c.devel = boolean(value)?;
                c.devel_written = true;
            }
        }
    }
    Ok(c)
}

fn helm_chart(v: &Value) -> DecodeResult<HelmChart> {
    helm_chart_with(v, true)
}

/// The legacy `helmChartInflationGenerator` entries as charts (kustomize's
/// `FixKustomization`), and the globals they imply: `chartName` is `name`,
/// `chartVersion` `version`, `chartRepoUrl` `repo`, `values` `valuesFile`,
/// `valuesLocal` `valuesInline`; `releaseNamespace`, `extraArgs`,
/// `chartRepoName` and `helmBin` are dropped.
pub(crate) fn legacy_charts(v: &Value) -> DecodeResult<(Vec<HelmChart>, HelmGlobals)> {
    const LEGACY: &[&str] = &[
        "chartName",
        "chartVersion",
        "chartRepoUrl",
        "chartHome",
        "chartRepoName",
        "helmBin",
        "helmHome",
        "values",
        "valuesLocal",
        "valuesMerge",
        "releaseName",
        "releaseNamespace",
        "extraArgs",
    ];
    let globals = std::cell::RefCell::new(HelmGlobals::default());
    let charts = seq_of(v, |entry| {
        let mut c = HelmChart::default();
        for (field, value) in fields(entry, LEGACY)? {
            match field {
                "chartName" => c.name = string(value)?,
                "chartVersion" => c.version = string(value)?,
                "chartRepoUrl" => c.repo = string(value)?,
                "values" => c.values_file = string(value)?,
                "valuesLocal" => {
                    crate::decode::map_of(value)?;
                    c.values_inline = Some(value.clone());
                }
                "valuesMerge" => c.values_merge = string(value)?,
                "releaseName" => c.release_name = string(value)?,
                "chartHome" => keep_non_empty(&mut globals.borrow_mut().chart_home, string(value)?),
                "helmHome" => keep_non_empty(&mut globals.borrow_mut().config_home, string(value)?),
                "extraArgs" => {
                    string_list(value)?;
                }
                _ => {
                    string(value)?;
                }
            }
        }
        Ok(c)
    })?;
    Ok((charts, globals.into_inner()))
}

fn keep_non_empty(slot: &mut String, value: String) {
    if !value.is_empty() {
        *slot = value;
    }
}
