//! A `helm.toolkit.fluxcd.io` HelmRelease (v2, v2beta2) as helm-controller
//! reads it: where its chart comes from, its values, and the release name
//! and namespace it installs into.

use krust_yaml::Value;

use crate::order::KsId;

/// The longest release name helm accepts; longer ones are shortened.
const MAX_RELEASE_NAME: usize = 53;

/// A HelmRelease.
#[derive(Debug, Clone, PartialEq)]
pub struct HelmRelease {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `spec.releaseName`.
    pub release_name: String,
    /// `spec.targetNamespace`.
    pub target_namespace: String,
    /// `spec.storageNamespace`.
    pub storage_namespace: String,
    /// Where the chart comes from.
    pub chart: ChartSource,
    /// `spec.values`.
    pub values: Option<Value>,
    /// `spec.valuesFrom`.
    pub values_from: Vec<ValuesReference>,
    /// Whether CRDs are installed (`spec.install.crds` other than `Skip`).
    pub install_crds: bool,
    /// Whether hooks run (`spec.install.disableHooks` not set).
    pub hooks: bool,
    /// Whether test hooks are part of what runs (`spec.test.enable`).
    pub tests: bool,
    /// `spec.postRenderers[].kustomize`: patches and images, in order.
    pub post_renderers: Vec<Value>,
    /// `spec.commonMetadata`: labels and annotations for every object.
    pub common_metadata: Option<Value>,
    /// `spec.suspend`.
    pub suspend: bool,
}

/// Where a HelmRelease's chart comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartSource {
    /// `spec.chart.spec`: a chart name (or path) and version in a source.
    Spec {
        /// `chart`.
        chart: String,
        /// `version` (a semver range; empty for the newest).
        version: String,
        /// `sourceRef` as `Kind/namespace/name`.
        source: String,
        /// `valuesFiles`, merged over the chart's values in order.
        values_files: Vec<String>,
    },
    /// `spec.chartRef`: an OCIRepository or a HelmChart, `Kind/namespace/name`.
    Ref(String),
}

/// One `spec.valuesFrom` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuesReference {
    /// `ConfigMap` or `Secret`.
    pub kind: String,
    /// The object's name (in the HelmRelease's namespace).
    pub name: String,
    /// `valuesKey` (default `values.yaml`).
    pub values_key: String,
    /// `targetPath`: set this one value instead of merging.
    pub target_path: String,
    /// `optional`: a missing object or key is skipped.
    pub optional: bool,
}

/// Whether `obj` is a HelmRelease.
pub fn is_helm_release(obj: &Value) -> bool {
    obj.str_at(&["kind"]) == Some("HelmRelease")
        && obj
            .str_at(&["apiVersion"])
            .is_some_and(|v| v.starts_with("helm.toolkit.fluxcd.io/"))
}

fn text(obj: &Value, path: &[&str]) -> String {
    obj.str_at(path).unwrap_or_default().to_owned()
}

/// `Kind/namespace/name` of a reference at `path`, its namespace defaulting
/// to `namespace`.
fn reference(obj: &Value, path: &[&str], namespace: &str) -> String {
    let field = |key: &str| {
        let mut full = path.to_vec();
        full.push(key);
        text(obj, &full)
    };
    let ns = Some(field("namespace")).filter(|n| !n.is_empty());
    format!(
        "{}/{}/{}",
        field("kind"),
        ns.as_deref().unwrap_or(namespace),
        field("name")
    )
}

impl HelmRelease {
    /// Reads a HelmRelease object; `Err` says what is missing.
    pub fn from_value(obj: &Value) -> Result<HelmRelease, String> {
        let name = text(obj, &["metadata", "name"]);
        let namespace = Some(text(obj, &["metadata", "namespace"]))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "default".into());
        let chart = if obj.get_path(&["spec", "chartRef"]).is_some() {
            ChartSource::Ref(reference(obj, &["spec", "chartRef"], &namespace))
        } else if obj.get_path(&["spec", "chart", "spec"]).is_some() {
            let spec = ["spec", "chart", "spec"];
            let field = |key: &str| text(obj, &[spec[0], spec[1], spec[2], key]);
            let values_files = obj
                .get_path(&["spec", "chart", "spec", "valuesFiles"])
                .and_then(Value::as_seq)
                .map(|s| {
                    s.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            ChartSource::Spec {
                chart: field("chart"),
                version: field("version"),
                source: reference(obj, &["spec", "chart", "spec", "sourceRef"], &namespace),
                values_files,
            }
        } else {
            return Err(format!(
                "HelmRelease {namespace}/{name} has neither spec.chart nor spec.chartRef"
            ));
        };
        let values_from = obj
            .get_path(&["spec", "valuesFrom"])
            .and_then(Value::as_seq)
            .map(|refs| refs.iter().map(values_reference).collect())
            .unwrap_or_default();
        Ok(HelmRelease {
            release_name: text(obj, &["spec", "releaseName"]),
            target_namespace: text(obj, &["spec", "targetNamespace"]),
            storage_namespace: text(obj, &["spec", "storageNamespace"]),
            chart,
            values: obj.get_path(&["spec", "values"]).cloned(),
            values_from,
            install_crds: obj.str_at(&["spec", "install", "crds"]) != Some("Skip"),
            hooks: obj.get_path(&["spec", "install", "disableHooks"]) != Some(&Value::Bool(true)),
            tests: obj.get_path(&["spec", "test", "enable"]) == Some(&Value::Bool(true)),
            post_renderers: obj
                .get_path(&["spec", "postRenderers"])
                .and_then(Value::as_seq)
                .map(|s| {
                    s.iter()
                        .filter_map(|r| r.get("kustomize").cloned())
                        .collect()
                })
                .unwrap_or_default(),
            common_metadata: obj.get_path(&["spec", "commonMetadata"]).cloned(),
            suspend: obj.get_path(&["spec", "suspend"]) == Some(&Value::Bool(true)),
            name,
            namespace,
        })
    }

    /// The HelmRelease as `namespace/name`.
    pub fn id(&self) -> KsId {
        KsId::new(&self.namespace, &self.name)
    }

    /// The release name helm-controller installs: `spec.releaseName`, else
    /// `<targetNamespace>-<name>`, else the name; past 53 characters, the
    /// first 40, `-` and 12 hex digits of its SHA-256.
    pub fn helm_release_name(&self) -> String {
        let name = if !self.release_name.is_empty() {
            self.release_name.clone()
        } else if !self.target_namespace.is_empty() {
            format!("{}-{}", self.target_namespace, self.name)
        } else {
            self.name.clone()
        };
        if name.len() <= MAX_RELEASE_NAME {
            return name;
        }
        let cut = name.char_indices().nth(40).map_or(name.len(), |(i, _)| i);
        format!(
            "{}-{}",
            &name[..cut],
            &krust::sha256_hex(name.as_bytes())[..12]
        )
    }

    /// The namespace the release's objects go to: `targetNamespace`, else
    /// the HelmRelease's own.
    pub fn release_namespace(&self) -> &str {
        if self.target_namespace.is_empty() {
            &self.namespace
        } else {
            &self.target_namespace
        }
    }
}

fn values_reference(obj: &Value) -> ValuesReference {
    ValuesReference {
        kind: text(obj, &["kind"]),
        name: text(obj, &["name"]),
        values_key: Some(text(obj, &["valuesKey"]))
            .filter(|k| !k.is_empty())
            .unwrap_or_else(|| "values.yaml".into()),
        target_path: text(obj, &["targetPath"]),
        optional: obj.get("optional") == Some(&Value::Bool(true)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(text: &str) -> HelmRelease {
        let obj = krust_yaml::load_documents(text).unwrap().remove(0);
        HelmRelease::from_value(&obj).unwrap()
    }

    const HR: &str = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: podinfo, namespace: apps}\nspec:\n  chart:\n    spec: {chart: podinfo, version: '6.x', sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}}\n  valuesFrom: [{kind: ConfigMap, name: vals}]\n";

    #[test]
    fn names_follow_helm_controller() {
        let mut hr = release(HR);
        assert_eq!(hr.helm_release_name(), "podinfo");
        assert_eq!(hr.release_namespace(), "apps");
        hr.target_namespace = "prod".into();
        assert_eq!(hr.helm_release_name(), "prod-podinfo");
        assert_eq!(hr.release_namespace(), "prod");
        hr.target_namespace = "very-long-target-namespace-name-here".into();
        hr.name = "my-super-long-helmrelease-name".into();
        // helm-controller's own example of a shortened name.
        assert_eq!(
            hr.helm_release_name(),
            "very-long-target-namespace-name-here-my--58aa070c1df3"
        );
        hr.release_name = "explicit".into();
        assert_eq!(hr.helm_release_name(), "explicit");
    }

    #[test]
    fn sources_and_values_references_are_read() {
        let hr = release(HR);
        assert_eq!(
            hr.chart,
            ChartSource::Spec {
                chart: "podinfo".into(),
                version: "6.x".into(),
                source: "HelmRepository/flux-system/charts".into(),
                values_files: vec![],
            }
        );
        assert_eq!(hr.values_from[0].values_key, "values.yaml");
        assert!(hr.install_crds && !hr.suspend);
        let by_ref = release("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: x}\nspec:\n  chartRef: {kind: OCIRepository, name: podinfo}\n  install: {crds: Skip}\n");
        assert_eq!(
            by_ref.chart,
            ChartSource::Ref("OCIRepository/default/podinfo".into())
        );
        assert!(!by_ref.install_crds);
    }
}
