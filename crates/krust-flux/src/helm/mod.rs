//! Flux HelmReleases rendered through the real helm: for each
//! `helm.toolkit.fluxcd.io` HelmRelease a cluster renders, the chart is
//! found ([`chart`]), the values composed as helm-controller composes them
//! ([`values`]), `helm template` run with the release name and namespace
//! helm-controller would use, and the post-renderers applied with krust's
//! own kustomize: `postRenderers[].kustomize` (patches, images), then
//! `commonMetadata`, then the origin labels
//! `helm.toolkit.fluxcd.io/name` and `/namespace`.
//!
//! A HelmRelease that cannot be rendered (its chart is not cached while
//! offline, helm fails) is recorded with its error and the others render,
//! as Flux Kustomizations are.

pub mod chart;
pub mod release;
pub mod semver;
pub mod values;

use std::path::PathBuf;

use krust::{BuildOptions, HelmTemplate, LoadRestrictor, MemFs};
use krust_yaml::{Mapping, Value};
use rayon::prelude::*;

use crate::cluster::{Cluster, ClusterOptions, Source};
use crate::error::{Error, ErrorKind};
use crate::order::KsId;
use release::{is_helm_release, HelmRelease};

/// The API group helm-controller labels what it installs with.
const GROUP: &str = "helm.toolkit.fluxcd.io";

/// How to render HelmReleases.
#[derive(Debug, Clone)]
pub struct HelmOptions {
    /// The helm to run.
    pub settings: krust::HelmSettings,
    /// Where pulled charts are kept, by repository, name and version.
    pub chart_cache: PathBuf,
    /// Use only cached charts and charts in mapped sources; never pull.
    pub offline: bool,
}

impl HelmOptions {
    /// Running `settings`, charts cached in [`default_chart_cache`].
    pub fn new(settings: krust::HelmSettings) -> HelmOptions {
        HelmOptions {
            settings,
            chart_cache: default_chart_cache(),
            offline: false,
        }
    }
}

/// `$XDG_CACHE_HOME/krust/charts`, else `~/.cache/krust/charts`, else
/// below the temporary directory.
pub fn default_chart_cache() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("krust").join("charts")
}

/// One HelmRelease and what it installs.
#[derive(Debug, Clone)]
pub struct RenderedRelease {
    /// The HelmRelease.
    pub release: HelmRelease,
    /// The Flux Kustomization that applies it.
    pub applied_by: KsId,
    /// Its objects, post-rendered; `None` when not rendered.
    pub objects: Option<Vec<Value>>,
    /// Why it could not be rendered.
    pub error: Option<Error>,
}

impl RenderedRelease {
    /// What the HelmRelease installs, as YAML (empty when not rendered).
    pub fn to_yaml(&self) -> Result<String, Error> {
        crate::cluster::to_yaml(self.objects.iter().flatten())
    }
}

/// Renders every HelmRelease among `cluster`'s objects into
/// `cluster.releases`; suspended ones are skipped with a warning.
pub fn render_releases(
    cluster: &mut Cluster,
    repo: &Source,
    options: &ClusterOptions,
    helm: &HelmOptions,
) {
    let objects: Vec<Value> = cluster
        .kustomizations
        .iter()
        .flat_map(|r| r.objects.iter().flatten().cloned())
        .collect();
    let found: Vec<(KsId, &Value)> = cluster
        .kustomizations
        .iter()
        .flat_map(|r| r.objects.iter().flatten().map(move |obj| (r.ks.id(), obj)))
        .filter(|(_, obj)| is_helm_release(obj))
        .collect();
    let api_versions = custom_api_versions(&objects);
    let resolver = chart::Resolver {
        repo,
        options,
        helm,
        objects: &objects,
        api_versions: &api_versions,
    };
    let rendered: Vec<(Option<RenderedRelease>, Option<String>)> = found
        .par_iter()
        .map(|(by, obj)| render_one(&resolver, by, obj, options.kustomize_version))
        .collect();
    for (release, warning) in rendered {
        cluster.warnings.extend(warning);
        cluster.releases.extend(release);
    }
}

/// [`render_releases`] when helm runs at all; when it does not (not
/// installed, say), one warning says so and nothing else changes.
pub fn render_available(
    cluster: &mut Cluster,
    repo: &Source,
    options: &ClusterOptions,
    helm: &HelmOptions,
) {
    let probe = helm.settings.run(
        &["version".into(), "--short".into()],
        &std::env::temp_dir().join("krust-helm-probe"),
    );
    match probe {
        Ok(_) => render_releases(cluster, repo, options, helm),
        Err(why) => {
            let count = cluster
                .kustomizations
                .iter()
                .flat_map(|r| r.objects.iter().flatten())
                .filter(|obj| is_helm_release(obj))
                .count();
            cluster
                .warnings
                .push(format!("{count} HelmReleases not rendered: {why}"));
        }
    }
}

fn render_one(
    resolver: &chart::Resolver,
    by: &KsId,
    obj: &Value,
    version: krust::KustomizeVersion,
) -> (Option<RenderedRelease>, Option<String>) {
    let release = match HelmRelease::from_value(obj) {
        Ok(release) => release,
        Err(e) => return (None, Some(format!("Kustomization {by}: {e}"))),
    };
    if release.suspend {
        let warning = format!("HelmRelease {} is suspended: not rendered", release.id());
        return (None, Some(warning));
    }
    let (objects, error) = match render_release(resolver, &release, version) {
        Ok(objects) => (Some(objects), None),
        Err(message) => {
            let error = Error::new(ErrorKind::Helm, message)
                .context(format!("HelmRelease {}", release.id()));
            (None, Some(error.in_kustomization(by)))
        }
    };
    let rendered = RenderedRelease {
        release,
        applied_by: by.clone(),
        objects,
        error,
    };
    (Some(rendered), None)
}

/// The objects `release` installs.
fn render_release(
    resolver: &chart::Resolver,
    release: &HelmRelease,
    version: krust::KustomizeVersion,
) -> Result<Vec<Value>, String> {
    let values = values::compose(release, resolver.objects)?;
    let chart = resolver.chart(release)?;
    let values = krust_yaml::to_yaml_string(&values).map_err(|e| e.to_string())?;
    let name = release.helm_release_name();
    let defaults = chart_defaults(&chart)?;
    let request = HelmTemplate::new(
        chart.fs,
        &chart.dir,
        &name,
        release.release_namespace(),
        values.as_bytes(),
    )
    .with_crds(release.install_crds)
    .with_hooks(release.tests, release.hooks)
    .with_chart_values(defaults.as_deref().map(str::as_bytes))
    .with_api_versions(resolver.api_versions);
    let rendered = resolver
        .helm
        .settings
        .template(&request)
        .map_err(|e| format!("chart {}: {e}", chart.from))?;
    let origin = [
        (format!("{GROUP}/name"), Value::String(release.name.clone())),
        (
            format!("{GROUP}/namespace"),
            Value::String(release.namespace.clone()),
        ),
    ];
    // CRDs first, as helm-controller applies them before the release: the
    // CustomResourceDefinitions of crds/ only, with the origin labels only.
    let input = PathBuf::from("/helm-crds.yaml");
    let mut objects: Vec<Value> = krust::resources_from_bytes(&input, &rendered.crds)
        .map_err(|e| format!("the chart's crds/: {e}"))?
        .into_iter()
        .map(|r| r.obj().clone())
        .filter(|obj| obj.str_at(&["kind"]) == Some("CustomResourceDefinition"))
        .collect();
    for obj in &mut objects {
        set_metadata(obj, "labels", origin.clone());
    }
    let mut templates = post_render(&rendered.manifests, release, version)?;
    for obj in &mut templates {
        if let Some(common) = &release.common_metadata {
            for field in ["labels", "annotations"] {
                if let Some(map) = common.get(field).and_then(Value::as_map) {
                    set_metadata(obj, field, map.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
        }
        set_metadata(obj, "labels", origin.clone());
    }
    objects.extend(templates);
    Ok(objects)
}

/// The API versions the cluster's CustomResourceDefinitions serve, as a
/// live cluster would report them to helm (`group/version` and
/// `group/version/Kind`): charts that render a ServiceMonitor only where
/// `monitoring.coreos.com/v1` exists render it here as they would there.
fn custom_api_versions(objects: &[Value]) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    for crd in objects
        .iter()
        .filter(|o| o.str_at(&["kind"]) == Some("CustomResourceDefinition"))
    {
        let (Some(group), Some(kind)) = (
            crd.str_at(&["spec", "group"]),
            crd.str_at(&["spec", "names", "kind"]),
        ) else {
            continue;
        };
        let versions = crd.get_path(&["spec", "versions"]).and_then(Value::as_seq);
        for version in versions.into_iter().flatten() {
            let served = version.get("served") != Some(&Value::Bool(false));
            if let (Some(name), true) = (version.str_at(&["name"]), served) {
                out.insert(format!("{group}/{name}"));
                out.insert(format!("{group}/{name}/{kind}"));
            }
        }
    }
    out.into_iter().collect()
}

/// The chart's values when `valuesFiles` lists files to use instead of its
/// `values.yaml`: merged in order, the last winning, as source-controller
/// packages the chart. The files are paths in the source (from its root
/// for a GitRepository, from the chart for a chart repository).
fn chart_defaults(chart: &chart::Chart) -> Result<Option<String>, String> {
    if chart.values_files.is_empty() {
        return Ok(None);
    }
    let mut merged = Value::from_map(Mapping::default());
    for file in &chart.values_files {
        let path = krust::normalize(&chart.values_root.join(file));
        let bytes = chart
            .fs
            .read(&path)
            .map_err(|e| format!("values file {file} of {}: {e}", chart.from))?;
        let text =
            String::from_utf8(bytes).map_err(|_| format!("values file {file} is not UTF-8"))?;
        let parsed = values::parse(&text).map_err(|e| format!("values file {file}: {e}"))?;
        values::merge_maps(&mut merged, parsed);
    }
    krust_yaml::to_yaml_string(&merged)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// helm's output, through `postRenderers[].kustomize` when there are any
/// (a kustomization of `helm-output.yaml` with their patches and images,
/// one after the other, as helm-controller builds them).
fn post_render(
    manifests: &[u8],
    release: &HelmRelease,
    version: krust::KustomizeVersion,
) -> Result<Vec<Value>, String> {
    let dir = PathBuf::from("/helm-post-render");
    let input = dir.join("helm-output.yaml");
    let mut text = manifests.to_vec();
    for renderer in &release.post_renderers {
        let mut kustomization = Mapping::default();
        kustomization.insert(
            "resources".into(),
            Value::Seq(vec![Value::String("helm-output.yaml".into())]),
        );
        for field in ["patches", "images"] {
            if let Some(list) = renderer.get(field).filter(|v| !v.is_null()) {
                kustomization.insert(field.into(), list.clone());
            }
        }
        let kustomization = krust_yaml::to_yaml_string(&Value::from_map(kustomization))
            .map_err(|e| e.to_string())?;
        let mut fs = MemFs::new();
        fs.add_file(&input, text.clone());
        fs.add_file(dir.join("kustomization.yaml"), kustomization);
        let options = BuildOptions::default()
            .with_kustomize_version(version)
            .with_load_restrictor(LoadRestrictor::None)
            // helm-controller's kustomizer leaves the order unset.
            .with_reorder(krust::Reorder::None);
        let map = krust::build(&fs, &dir, &options).map_err(|e| format!("post-renderer: {e}"))?;
        text = map
            .to_yaml()
            .map_err(|e| format!("post-renderer: {e}"))?
            .into_bytes();
    }
    let resources = krust::resources_from_bytes(&input, &text)
        .map_err(|e| format!("helm template printed what is not Kubernetes YAML: {e}"))?;
    Ok(resources.into_iter().map(|r| r.obj().clone()).collect())
}

/// Sets `metadata.<field>[k] = v` for each entry.
fn set_metadata(obj: &mut Value, field: &str, entries: impl IntoIterator<Item = (String, Value)>) {
    let Some(meta) = obj.get_mut("metadata").and_then(Value::as_map_mut) else {
        return;
    };
    let slot = meta.get_or_insert_with(field, || Value::from_map(Mapping::default()));
    if !matches!(slot, Value::Map(_)) {
        *slot = Value::from_map(Mapping::default());
    }
    if let Some(map) = slot.as_map_mut() {
        for (k, v) in entries {
            map.insert(k, v);
        }
    }
}
