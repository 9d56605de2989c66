//! Helm's noise: fields a chart changes on every render or version bump
//! without changing what runs, folded away on request (`--ignore-helm-noise`)
//! so that a values change shows only its effect: the `helm.sh/chart` label
//! (`demo-0.1.0` → `demo-0.2.0`) and `checksum/*` annotations (hashes of a
//! ConfigMap the same diff already shows), on the object and on the pod
//! templates it holds.

use krust_yaml::Value;

/// The label every chart built with `helm create` stamps with its version.
const CHART_LABEL: &str = "helm.sh/chart";
/// Annotations that hash other objects' content to roll pods.
const CHECKSUM_PREFIX: &str = "checksum/";

/// Where metadata sits in an object: its own, a pod template's, and a
/// CronJob's job template's pod template.
const METADATA_PATHS: [&[&str]; 3] = [
    &["metadata"],
    &["spec", "template", "metadata"],
    &["spec", "jobTemplate", "spec", "template", "metadata"],
];

/// `value` without helm's noise, or `None` when it has none or helm did
/// not render it (a `checksum/*` annotation written by hand is a change).
pub(crate) fn without_noise(value: &Value) -> Option<Value> {
    if !rendered_by_helm(value) {
        return None;
    }
    let mut out = value.clone();
    let mut removed = false;
    for path in METADATA_PATHS {
        let Some(meta) = get_mut(&mut out, path) else {
            continue;
        };
        removed |= strip(meta, "labels", |k| k == CHART_LABEL);
        removed |= strip(meta, "annotations", |k| k.starts_with(CHECKSUM_PREFIX));
    }
    removed.then_some(out)
}

/// Whether helm rendered `value`: it carries the chart label, or says
/// helm manages it.
fn rendered_by_helm(value: &Value) -> bool {
    let labels = value.get_path(&["metadata", "labels"]);
    labels.and_then(|l| l.get(CHART_LABEL)).is_some()
        || labels.and_then(|l| l.str_at(&["app.kubernetes.io/managed-by"])) == Some("Helm")
}

fn get_mut<'v>(value: &'v mut Value, path: &[&str]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |at, key| at.get_mut(key))
}

/// Removes the keys of `meta[field]` that `noise` picks (and the map when
/// nothing is left); whether any were.
fn strip(meta: &mut Value, field: &str, noise: impl Fn(&str) -> bool) -> bool {
    let Some(map) = meta.as_map_mut() else {
        return false;
    };
    let Some(entries) = map.get_mut(field).and_then(Value::as_map_mut) else {
        return false;
    };
    let keys: Vec<String> = entries.keys().filter(|k| noise(k)).cloned().collect();
    for key in &keys {
        entries.shift_remove(key);
    }
    if entries.is_empty() && !keys.is_empty() {
        map.shift_remove(field);
    }
    !keys.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_labels_and_checksums_go_everywhere_else_stays() {
        let text = "kind: Deployment\nmetadata:\n  name: x\n  labels: {helm.sh/chart: demo-0.1.0, app: x}\nspec:\n  template:\n    metadata:\n      labels: {helm.sh/chart: demo-0.1.0}\n      annotations: {checksum/config: abc, keep: 'y'}\n";
        let value = krust_yaml::load_documents(text).unwrap().remove(0);
        let out = without_noise(&value).unwrap();
        let text = krust_yaml::to_yaml_string(&out).unwrap();
        assert_eq!(text, "kind: Deployment\nmetadata:\n  labels:\n    app: x\n  name: x\nspec:\n  template:\n    metadata:\n      annotations:\n        keep: \"y\"\n");
        assert_eq!(without_noise(&out), None);
    }

    #[test]
    fn objects_helm_did_not_render_keep_their_checksums() {
        let text = "kind: Deployment\nmetadata: {name: x, annotations: {checksum/config: abc}}\n";
        let value = krust_yaml::load_documents(text).unwrap().remove(0);
        assert_eq!(without_noise(&value), None);
        let text = "kind: Deployment\nmetadata: {name: x, labels: {app.kubernetes.io/managed-by: Helm}, annotations: {checksum/config: abc}}\n";
        let value = krust_yaml::load_documents(text).unwrap().remove(0);
        assert!(without_noise(&value).is_some());
    }
}
