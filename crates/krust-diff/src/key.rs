//! The identity of a resource across two renders.
//!
//! kustomize's own id includes the API version, but a diff must see
//! `apps/v1beta1` → `apps/v1` as a change of one resource's `apiVersion`
//! field, not as one resource removed and another added. So the key is
//! (group, kind, namespace, name). The namespace is taken as written: an
//! empty namespace and `default` are different keys, because what the
//! render says is what is compared.

use std::fmt;

use krust_yaml::Value;

/// Group, kind, namespace and name: what pairs a resource of one render with
/// its counterpart in the other.
///
/// Ordering (and so every list of the results) is by group, then kind, then
/// namespace, then name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ResourceKey {
    /// API group; empty for the core group (`v1`).
    pub group: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace` as written; empty when there is none.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
}

impl ResourceKey {
    /// The key of an object, or what it lacks: `kind` and `metadata.name`
    /// must be non-empty strings; `apiVersion` and the namespace may be absent.
    pub fn of(obj: &Value) -> Result<ResourceKey, String> {
        if obj.as_map().is_none() {
            return Err(format!(
                "a resource must be a map, not a {}",
                obj.type_name()
            ));
        }
        let text = |path: &[&str]| -> Result<String, String> {
            match obj.get_path(path) {
                None | Some(Value::Null) => Ok(String::new()),
                Some(Value::String(s)) => Ok(s.clone()),
                Some(other) => Err(format!(
                    "{} must be a string, not a {}",
                    path.join("."),
                    other.type_name()
                )),
            }
        };
        let api_version = text(&["apiVersion"])?;
        let kind = text(&["kind"])?;
        let name = text(&["metadata", "name"])?;
        if kind.is_empty() {
            return Err("the resource has no kind".into());
        }
        if name.is_empty() {
            return Err(format!("the {kind} has no metadata.name"));
        }
        let group = krust::Gvk::from_api_version(&api_version, &kind).group;
        Ok(ResourceKey {
            group,
            kind,
            namespace: text(&["metadata", "namespace"])?,
            name,
        })
    }

    /// The key of a core-group (`v1`) resource, for tests.
    #[cfg(test)]
    pub(crate) fn core(kind: &str, namespace: &str, name: &str) -> ResourceKey {
        ResourceKey {
            group: String::new(),
            kind: kind.into(),
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    /// The same key with another name (the other side of a renamed resource).
    pub fn with_name(&self, name: &str) -> ResourceKey {
        ResourceKey {
            name: name.to_owned(),
            ..self.clone()
        }
    }
}

impl fmt::Display for ResourceKey {
    /// `Kind.group/namespace/name`, leaving out an empty group and an empty
    /// namespace: `Deployment.apps/prod/web`, `ConfigMap/prod/settings`,
    /// `ClusterRole.rbac.authorization.k8s.io/reader`. Names and namespaces
    /// cannot contain `/`, so the form is unambiguous.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.kind)?;
        if !self.group.is_empty() {
            write!(f, ".{}", self.group)?;
        }
        if !self.namespace.is_empty() {
            write!(f, "/{}", self.namespace)?;
        }
        write!(f, "/{}", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(text: &str) -> Value {
        krust_yaml::load_documents(text).unwrap().remove(0)
    }

    #[test]
    fn version_is_not_part_of_the_key() {
        let a = ResourceKey::of(&obj(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}",
        ))
        .unwrap();
        let b = ResourceKey::of(&obj(
            "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: web}",
        ))
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(a.group, "apps");
        assert_eq!(a.to_string(), "Deployment.apps/web");
    }

    #[test]
    fn core_group_and_namespace() {
        let k = ResourceKey::of(&obj(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: prod}",
        ))
        .unwrap();
        assert_eq!(k.group, "");
        assert_eq!(k.to_string(), "ConfigMap/prod/c");
        assert_eq!(k.with_name("d").to_string(), "ConfigMap/prod/d");
    }

    #[test]
    fn what_a_resource_lacks_is_an_error() {
        assert!(ResourceKey::of(&obj("kind: ConfigMap\nmetadata: {}"))
            .unwrap_err()
            .contains("metadata.name"));
        assert!(ResourceKey::of(&obj("metadata: {name: x}"))
            .unwrap_err()
            .contains("no kind"));
        assert!(ResourceKey::of(&obj("- a"))
            .unwrap_err()
            .contains("sequence"));
        assert!(ResourceKey::of(&obj("kind: [x]\nmetadata: {name: x}"))
            .unwrap_err()
            .contains("kind must be a string"));
    }

    #[test]
    fn ordering_is_group_kind_namespace_name() {
        let k = |g: &str, kd: &str, ns: &str, n: &str| ResourceKey {
            group: g.into(),
            kind: kd.into(),
            namespace: ns.into(),
            name: n.into(),
        };
        let mut keys = [
            k("apps", "Deployment", "a", "x"),
            k("", "Service", "b", "a"),
            k("", "ConfigMap", "z", "a"),
            k("", "ConfigMap", "a", "b"),
        ];
        keys.sort();
        let shown: Vec<String> = keys.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "ConfigMap/a/b",
                "ConfigMap/z/a",
                "Service/b/a",
                "Deployment.apps/a/x"
            ]
        );
    }
}
