//! The variables a Kustomization's post-build substitution sees: its
//! `substituteFrom` ConfigMaps and Secrets, then its inline `substitute`
//! map, which wins (kustomize-controller merges them in that order).
//!
//! kustomize-controller reads those objects from the cluster; offline they
//! are looked up among the objects the cluster's rendering has produced so
//! far. A Secret encrypted with SOPS cannot be read offline: its values are
//! reported unavailable, never guessed.

use std::collections::BTreeMap;

use krust_yaml::Value;

use crate::error::{Error, ErrorKind};
use crate::model::is_object;

/// One `substituteFrom` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarsFrom {
    /// `ConfigMap` or `Secret`.
    pub kind: String,
    /// The object's name (in the Kustomization's namespace).
    pub name: String,
    /// Whether a missing object is fine.
    pub optional: bool,
}

/// The variables, and what could not be read (to warn about).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars {
    /// Name to value.
    pub values: BTreeMap<String, String>,
    /// Objects named in `substituteFrom` whose values are unavailable offline.
    pub unavailable: Vec<String>,
}

/// Collects the variables for a Kustomization in `namespace` from `from`
/// (looked up in `objects`) and `inline`. A missing object that is not
/// optional is reported in `unavailable`. A Secret value that is not
/// base64 text, or a kind other than ConfigMap and Secret, is an
/// [`ErrorKind::Substitution`] error.
pub fn collect(
    namespace: &str,
    from: &[VarsFrom],
    inline: &BTreeMap<String, String>,
    objects: &[Value],
) -> Result<Vars, Error> {
    let mut vars = Vars::default();
    for source in from {
        let found = objects
            .iter()
            .find(|obj| is_object(obj, &source.kind, namespace, &source.name));
        let label = format!("{} {namespace}/{}", source.kind, source.name);
        let Some(obj) = found else {
            // Often created in the cluster (by an ExternalSecret, say), which
            // an offline render cannot see: its variables are unavailable.
            if !source.optional {
                vars.unavailable.push(format!(
                    "substituteFrom {label} is not among the objects this cluster renders: its variables are unavailable offline"
                ));
            }
            continue;
        };
        if is_sops_encrypted(obj) {
            vars.unavailable.push(format!(
                "{label} is SOPS-encrypted: its values are not available offline"
            ));
            continue;
        }
        match source.kind.as_str() {
            "ConfigMap" => vars.values.extend(string_map(obj.get("data"))),
            "Secret" => {
                for (key, value) in string_map(obj.get("data")) {
                    match decode_base64(&value) {
                        Some(decoded) => {
                            vars.values.insert(key, decoded);
                        }
                        None => {
                            return Err(Error::new(
                                ErrorKind::Substitution,
                                format!(
                                    "substituteFrom {label}: data.{key} is not valid base64 text"
                                ),
                            )
                            .on_variable(key))
                        }
                    }
                }
                vars.values.extend(string_map(obj.get("stringData")));
            }
            other => {
                return Err(Error::new(
                    ErrorKind::Substitution,
                    format!("substituteFrom kind {other} is not supported (ConfigMap or Secret)"),
                ))
            }
        }
    }
    vars.values
        .extend(inline.iter().map(|(k, v)| (k.clone(), v.clone())));
    Ok(vars)
}

/// A SOPS-encrypted object carries a top-level `sops` block (and `ENC[...]`
/// values).
fn is_sops_encrypted(obj: &Value) -> bool {
    obj.get("sops").is_some()
}

/// A map's scalar entries as strings.
fn string_map(value: Option<&Value>) -> Vec<(String, String)> {
    value
        .and_then(Value::as_map)
        .map(|map| {
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.scalar_string()?)))
                .collect()
        })
        .unwrap_or_default()
}

/// A Secret's `data` value as text: Go's `base64.StdEncoding`, as the API
/// server's JSON decoding reads `[]byte` (padding required, only `\r` and
/// `\n` skipped), then UTF-8.
fn decode_base64(text: &str) -> Option<String> {
    String::from_utf8(krust_yaml::decode_base64(text)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects() -> Vec<Value> {
        krust_yaml::load_documents(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cluster-settings, namespace: flux-system}\ndata: {cluster_name: demo, region: eu}\n---\n\
             apiVersion: v1\nkind: Secret\nmetadata: {name: cluster-secrets, namespace: flux-system}\ndata: {token: czNjcjN0}\nstringData: {plain: yes-plain}\n---\n\
             apiVersion: v1\nkind: Secret\nmetadata: {name: sealed, namespace: flux-system}\ndata: {token: \"ENC[AES256_GCM,data:abc]\"}\nsops: {version: 3.8.1}\n",
        )
        .unwrap()
    }

    fn from(kind: &str, name: &str, optional: bool) -> VarsFrom {
        VarsFrom {
            kind: kind.into(),
            name: name.into(),
            optional,
        }
    }

    #[test]
    fn config_maps_then_secrets_then_inline_values() {
        let inline = BTreeMap::from([("region".to_owned(), "us".to_owned())]);
        let vars = collect(
            "flux-system",
            &[
                from("ConfigMap", "cluster-settings", false),
                from("Secret", "cluster-secrets", false),
            ],
            &inline,
            &objects(),
        )
        .unwrap();
        assert_eq!(vars.values["cluster_name"], "demo");
        assert_eq!(vars.values["region"], "us", "inline values win");
        assert_eq!(vars.values["token"], "s3cr3t");
        assert_eq!(vars.values["plain"], "yes-plain");
        assert!(vars.unavailable.is_empty());
    }

    #[test]
    fn missing_objects_are_reported_unless_optional() {
        let none = BTreeMap::new();
        let lookup = |namespace: &str, name: &str, optional: bool| {
            collect(
                namespace,
                &[from("ConfigMap", name, optional)],
                &none,
                &objects(),
            )
            .unwrap()
        };
        let vars = lookup("flux-system", "nope", false);
        assert!(
            vars.unavailable[0].contains("ConfigMap flux-system/nope"),
            "{:?}",
            vars.unavailable
        );
        let vars = lookup("flux-system", "nope", true);
        assert!(vars.values.is_empty() && vars.unavailable.is_empty());
        // Another namespace is another object.
        assert_eq!(
            lookup("apps", "cluster-settings", false).unavailable.len(),
            1
        );
        assert!(lookup("flux-system", "cluster-settings", false)
            .unavailable
            .is_empty());
    }

    #[test]
    fn sops_secrets_are_unavailable_not_guessed() {
        let vars = collect(
            "flux-system",
            &[from("Secret", "sealed", false)],
            &BTreeMap::new(),
            &objects(),
        )
        .unwrap();
        assert!(vars.values.is_empty());
        assert_eq!(vars.unavailable.len(), 1);
        assert!(
            vars.unavailable[0].contains("SOPS"),
            "{:?}",
            vars.unavailable
        );
    }

    #[test]
    fn base64_decodes_with_and_without_padding() {
        assert_eq!(decode_base64("czNjcjN0").as_deref(), Some("s3cr3t"));
        assert_eq!(decode_base64("YQ==").as_deref(), Some("a"));
        assert_eq!(decode_base64("YWI=").as_deref(), Some("ab"));
        assert_eq!(decode_base64("YW\nJj").as_deref(), Some("abc"));
        assert_eq!(decode_base64("*"), None);
        // Go's StdEncoding (checked with `base64.StdEncoding.DecodeString`)
        // requires padding and rejects spaces and text after it.
        assert_eq!(decode_base64("YQ"), None);
        assert_eq!(decode_base64("YW Jj"), None);
        assert_eq!(decode_base64("YQ==YQ=="), None);
    }
}
