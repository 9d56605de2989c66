//! A HelmRelease's values as helm-controller composes them
//! (`fluxcd/pkg/chartutil`): each `valuesFrom` ConfigMap or Secret in
//! order, merged in or set at its `targetPath`, then `spec.values` over all.

use krust_yaml::{Mapping, Value};

use super::release::{HelmRelease, ValuesReference};
use crate::model::is_object;

/// The merged values, or why they cannot be composed. `objects` are what
/// the cluster renders: where `valuesFrom` objects are looked up.
pub fn compose(release: &HelmRelease, objects: &[Value]) -> Result<Value, String> {
    let mut result = Value::from_map(Mapping::default());
    for reference in &release.values_from {
        let Some(data) = lookup(reference, &release.namespace, objects)? else {
            continue;
        };
        if reference.target_path.is_empty() {
            let parsed = parse(&data).map_err(|e| describe(reference, &release.namespace, &e))?;
            merge_maps(&mut result, parsed);
        } else {
            if let Some(values) = &release.values {
                merge_maps(&mut result, values.clone());
            }
            set_path(&mut result, &reference.target_path, &data)
                .map_err(|e| describe(reference, &release.namespace, &e))?;
        }
    }
    if let Some(values) = &release.values {
        merge_maps(&mut result, values.clone());
    }
    Ok(result)
}

fn describe(reference: &ValuesReference, namespace: &str, problem: &str) -> String {
    format!(
        "could not resolve {} chart values reference '{namespace}/{}' with key '{}': {problem}",
        reference.kind, reference.name, reference.values_key
    )
}

/// The text under the reference's key, `None` when it is optional and
/// missing.
fn lookup(
    reference: &ValuesReference,
    namespace: &str,
    objects: &[Value],
) -> Result<Option<String>, String> {
    if !matches!(reference.kind.as_str(), "ConfigMap" | "Secret") {
        return Err(format!(
            "unsupported values reference kind '{}'",
            reference.kind
        ));
    }
    let found = objects
        .iter()
        .rev()
        .find(|obj| is_object(obj, &reference.kind, namespace, &reference.name));
    let data = found.and_then(|obj| key_text(obj, &reference.kind, &reference.values_key));
    match (found, data) {
        (_, Some(data)) => Ok(Some(data)),
        _ if reference.optional => Ok(None),
        (None, _) => Err(describe(
            reference,
            namespace,
            "not found in what the cluster renders",
        )),
        (Some(_), None) => Err(describe(reference, namespace, "the key is missing")),
    }
}

/// A ConfigMap's `data[key]`, or a Secret's `data[key]` decoded (or its
/// `stringData[key]`, which the API server folds into `data`).
fn key_text(obj: &Value, kind: &str, key: &str) -> Option<String> {
    if kind == "ConfigMap" {
        return obj.str_at(&["data", key]).map(str::to_owned);
    }
    if let Some(text) = obj.str_at(&["stringData", key]) {
        return Some(text.to_owned());
    }
    let encoded = obj.str_at(&["data", key])?;
    let bytes = krust_yaml::decode_base64(encoded)?;
    String::from_utf8(bytes).ok()
}

/// Values text as helm reads it (YAML turned JSON: numbers are floats
/// there, which only matters for printing; helm's own parse follows).
pub(super) fn parse(text: &str) -> Result<Value, String> {
    let options = krust_yaml::LoadOptions::sigs_k8s_yaml();
    let docs = krust_yaml::load_documents_with(text, options).map_err(|e| e.to_string())?;
    match docs.into_iter().next() {
        None => Ok(Value::from_map(Mapping::default())),
        Some(map @ Value::Map(_)) => Ok(map),
        Some(other) => Err(format!("the values are a {}, not a map", other.type_name())),
    }
}

/// helm's `MergeMaps`: maps merge key by key, anything else replaces.
pub(super) fn merge_maps(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Map(a), Value::Map(b)) => {
            for (key, value) in b.into_iter() {
                match a.get_mut(&key) {
                    Some(existing @ Value::Map(_)) if matches!(value, Value::Map(_)) => {
                        merge_maps(existing, value)
                    }
                    _ => {
                        a.insert(key, value);
                    }
                }
            }
        }
        (slot, from) => *slot = from,
    }
}

/// helm's `--set path=value` for one value: dotted keys (`\.` keeps a dot),
/// `name[i]` list items; the value typed as `--set` types it (`true`,
/// `false`, `null`, integers), or a string when quoted.
fn set_path(values: &mut Value, path: &str, data: &str) -> Result<(), String> {
    let trimmed = data.trim();
    let quoted = trimmed.len() >= 2
        && ((trimmed.starts_with('"') && trimmed.ends_with('"'))
            || (trimmed.starts_with('\'') && trimmed.ends_with('\'')));
    let value = if quoted {
        Value::String(trimmed[1..trimmed.len() - 1].to_owned())
    } else {
        typed(data)
    };
    let mut at = values;
    let segments = split_path(path);
    for (i, (key, index)) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if !matches!(at, Value::Map(_)) {
            *at = Value::from_map(Mapping::default());
        }
        let map = at.as_map_mut().ok_or("not a map")?;
        let slot = map.get_or_insert_with(key, || Value::Null);
        at = match index {
            None if last => {
                *slot = value;
                return Ok(());
            }
            None => slot,
            Some(i) if *i > MAX_INDEX => {
                return Err(format!(
                    "targetPath '{path}': index {i} is past helm's limit of {MAX_INDEX}"
                ));
            }
            Some(i) => {
                if !matches!(slot, Value::Seq(_)) {
                    *slot = Value::Seq(Vec::new());
                }
                let Value::Seq(items) = slot else {
                    unreachable!()
                };
                while items.len() <= *i {
                    items.push(Value::Null);
                }
                if last {
                    items[*i] = value;
                    return Ok(());
                }
                &mut items[*i]
            }
        };
    }
    Err(format!("targetPath '{path}' is empty"))
}

/// The largest list index `--set` accepts (helm's `MaxIndex`).
const MAX_INDEX: usize = 65536;

/// `a.b\.c[2]` as `[("a", None), ("b.c", Some(2))]`.
fn split_path(path: &str) -> Vec<(String, Option<usize>)> {
    let mut out: Vec<String> = Vec::new();
    let mut key = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => key.push(chars.next().unwrap_or('.')),
            '.' => out.push(std::mem::take(&mut key)),
            _ => key.push(c),
        }
    }
    out.push(key);
    out.into_iter()
        .filter(|k| !k.is_empty())
        .map(
            |k| match k.strip_suffix(']').and_then(|k| k.rsplit_once('[')) {
                Some((name, index)) => match index.parse() {
                    Ok(i) => (name.to_owned(), Some(i)),
                    Err(_) => (k, None),
                },
                None => (k, None),
            },
        )
        .collect()
}

/// How `--set` types a value.
fn typed(text: &str) -> Value {
    match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        _ => match text.parse::<i64>() {
            Ok(i) if !text.starts_with('0') || text == "0" => Value::Int(i),
            _ => Value::String(text.to_owned()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Value {
        krust_yaml::load_documents(text).unwrap().remove(0)
    }

    fn release(spec: &str) -> HelmRelease {
        let text = format!("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {{name: app, namespace: apps}}\nspec:\n  chart: {{spec: {{chart: c, sourceRef: {{kind: GitRepository, name: r}}}}}}\n{spec}");
        HelmRelease::from_value(&load(&text)).unwrap()
    }

    const OBJECTS: &str = "- {apiVersion: v1, kind: ConfigMap, metadata: {name: base, namespace: apps}, data: {values.yaml: \"image: {tag: '1'}\\nreplicas: 1\\nlist: [a]\\n\"}}\n- {apiVersion: v1, kind: Secret, metadata: {name: secret, namespace: apps}, data: {token: czNjcjN0}}\n";

    fn objects() -> Vec<Value> {
        load(OBJECTS).as_seq().unwrap().to_vec()
    }

    #[test]
    fn values_merge_in_order_then_spec_values() {
        let hr = release("  valuesFrom:\n  - {kind: ConfigMap, name: base}\n  - {kind: Secret, name: secret, valuesKey: token, targetPath: auth.token}\n  values: {replicas: 3, list: [b], image: {pull: Always}}\n");
        let values = compose(&hr, &objects()).unwrap();
        let text = krust_yaml::to_yaml_string(&values).unwrap();
        assert_eq!(text, "auth:\n  token: s3cr3t\nimage:\n  pull: Always\n  tag: \"1\"\nlist:\n- b\nreplicas: 3\n");
    }

    #[test]
    fn missing_references_fail_unless_optional() {
        let hr = release("  valuesFrom: [{kind: ConfigMap, name: nope}]\n");
        let err = compose(&hr, &objects()).unwrap_err();
        assert!(err.contains("'apps/nope'"), "{err}");
        let hr = release("  valuesFrom: [{kind: ConfigMap, name: nope, optional: true}, {kind: ConfigMap, name: base, valuesKey: other, optional: true}]\n");
        assert_eq!(
            compose(&hr, &objects()).unwrap(),
            Value::from_map(Mapping::default())
        );
    }

    #[test]
    fn target_paths_type_values_as_set_does() {
        let mut v = Value::from_map(Mapping::default());
        set_path(&mut v, "a.b\\.c", "42").unwrap();
        set_path(&mut v, "list[1].name", "x").unwrap();
        set_path(&mut v, "flag", "true").unwrap();
        set_path(&mut v, "quoted", "\"42\"").unwrap();
        let text = krust_yaml::to_yaml_string(&v).unwrap();
        assert_eq!(
            text,
            "a:\n  b.c: 42\nflag: true\nlist:\n- null\n- name: x\nquoted: \"42\"\n"
        );
    }
}
