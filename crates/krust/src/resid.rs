//! Resource identity: group, version, kind, namespace and name.
//!
//! kustomize compares ids with two relaxations: an empty namespace equals
//! `default`, and the namespace of a cluster-scoped kind is ignored. [`ResId::key`]
//! folds both into a hashable key, so lookups are hash probes, not scans.

use std::fmt;

use krust_yaml::Value;

use crate::scope;

/// Group, version and kind of an object.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Gvk {
    /// API group; empty for the core group.
    pub group: String,
    /// API version.
    pub version: String,
    /// Kind.
    pub kind: String,
}

impl Gvk {
    /// Splits an `apiVersion` (`apps/v1`, `v1`) and pairs it with a kind.
    pub fn from_api_version(api_version: &str, kind: &str) -> Gvk {
        let (group, version) = split_api_version(api_version);
        Gvk {
            group: group.to_owned(),
            version: version.to_owned(),
            kind: kind.to_owned(),
        }
    }

    /// The `apiVersion` spelling: `group/version`, or `version` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Whether objects of this kind live in a namespace (unknown kinds do).
    pub fn is_namespaceable(&self) -> bool {
        !scope::is_cluster_scoped(&self.group, &self.version, &self.kind)
    }

    /// kustomize's `Gvk.String()`: `group_version_kind`, with `~G`, `~V`, `~K` for empty parts.
    /// The legacy sort order breaks ties on it.
    pub fn sort_string(&self) -> String {
        format!(
            "{}_{}_{}",
            or_placeholder(&self.group, "~G"),
            or_placeholder(&self.version, "~V"),
            or_placeholder(&self.kind, "~K")
        )
    }

    /// Whether this selector matches `other`: empty parts match anything.
    pub fn selects(&self, other: &Gvk) -> bool {
        (self.group.is_empty() || self.group == other.group)
            && (self.version.is_empty() || self.version == other.version)
            && (self.kind.is_empty() || self.kind == other.kind)
    }
}

/// kustomize's `Gvk.String()`: `Kind.version.group`, with placeholders for empty parts.
pub(crate) fn gvk_string(group: &str, version: &str, kind: &str) -> String {
    format!(
        "{}.{}.{}",
        or_placeholder(kind, "[noKind]"),
        or_placeholder(version, "[noVer]"),
        or_placeholder(group, "[noGrp]")
    )
}

/// kustomize's `ResId.String()`: `Kind.version.group/name.namespace`.
pub(crate) fn resid_string(
    group: &str,
    version: &str,
    kind: &str,
    name: &str,
    namespace: &str,
) -> String {
    format!(
        "{}/{}.{}",
        gvk_string(group, version, kind),
        or_placeholder(name, "[noName]"),
        or_placeholder(namespace, "[noNs]")
    )
}

/// `s`, or kustomize's `placeholder` for it when empty.
fn or_placeholder<'a>(s: &'a str, placeholder: &'a str) -> &'a str {
    if s.is_empty() {
        placeholder
    } else {
        s
    }
}

/// Splits `group/version`; a value without `/` is a core-group version.
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.rfind('/') {
        Some(i) => (&api_version[..i], &api_version[i + 1..]),
        None => ("", api_version),
    }
}

/// The identity of one resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ResId {
    /// Group, version, kind.
    pub gvk: Gvk,
    /// Namespace as written (may be empty).
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
}

/// The comparison key of a [`ResId`]: equal keys mean kustomize treats the ids as equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdKey {
    gvk: Gvk,
    namespace: String,
    name: String,
}

impl ResId {
    /// Reads the id from an object's `apiVersion`, `kind` and `metadata`.
    pub fn of(obj: &Value) -> ResId {
        let s = |path: &[&str]| obj.str_at(path).unwrap_or_default();
        ResId {
            gvk: Gvk::from_api_version(s(&["apiVersion"]), s(&["kind"])),
            namespace: s(&["metadata", "namespace"]).to_owned(),
            name: s(&["metadata", "name"]).to_owned(),
        }
    }

    /// The namespace kustomize uses for comparisons: `default` for an empty
    /// one, and none at all for cluster-scoped kinds.
    pub fn effective_namespace(&self) -> &str {
        if !self.gvk.is_namespaceable() {
            "_non_namespaceable_"
        } else if self.namespace.is_empty() {
            "default"
        } else {
            &self.namespace
        }
    }

    /// The hashable comparison key.
    pub fn key(&self) -> IdKey {
        IdKey {
            gvk: self.gvk.clone(),
            namespace: self.effective_namespace().to_owned(),
            name: self.name.clone(),
        }
    }

    /// Whether kustomize's `ResId.Equals` holds.
    pub fn equals(&self, other: &ResId) -> bool {
        // Names differ most often, so they are compared first.
        self.name == other.name
            && self.gvk == other.gvk
            && self.effective_namespace() == other.effective_namespace()
    }
}

impl fmt::Display for ResId {
    /// kustomize's `ResId.String()`: `Kind.version.group/name.namespace`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = if self.namespace.is_empty() {
            "[noNs]"
        } else {
            &self.namespace
        };
        let mut gvk = self.gvk.kind.clone();
        if !self.gvk.version.is_empty() {
            gvk.push('.');
            gvk.push_str(&self.gvk.version);
        }
        if !self.gvk.group.is_empty() {
            gvk.push('.');
            gvk.push_str(&self.gvk.group);
        }
        if gvk.is_empty() {
            gvk = "[noKind]".into();
        }
        write!(f, "{gvk}/{}.{ns}", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_ids_like_kustomize() {
        assert_eq!(
            resid_string("", "", "Secret", "", ""),
            "Secret.[noVer].[noGrp]/[noName].[noNs]"
        );
        assert_eq!(gvk_string("", "v1", "ConfigMap"), "ConfigMap.v1.[noGrp]");
    }

    fn id(api: &str, kind: &str, ns: &str, name: &str) -> ResId {
        ResId {
            gvk: Gvk::from_api_version(api, kind),
            namespace: ns.into(),
            name: name.into(),
        }
    }

    #[test]
    fn empty_namespace_equals_default() {
        assert!(id("v1", "ConfigMap", "", "a").equals(&id("v1", "ConfigMap", "default", "a")));
        assert!(!id("v1", "ConfigMap", "x", "a").equals(&id("v1", "ConfigMap", "", "a")));
        assert_eq!(
            id("v1", "ConfigMap", "", "a").key(),
            id("v1", "ConfigMap", "default", "a").key()
        );
    }

    #[test]
    fn cluster_scoped_ignores_namespace() {
        assert!(id("v1", "Namespace", "x", "a").equals(&id("v1", "Namespace", "y", "a")));
    }

    #[test]
    fn display_matches_kustomize() {
        assert_eq!(
            id("rbac.authorization.k8s.io/v1", "RoleBinding", "", "test").to_string(),
            "RoleBinding.v1.rbac.authorization.k8s.io/test.[noNs]"
        );
    }

    #[test]
    fn sort_string_marks_empty_parts() {
        assert_eq!(
            Gvk::from_api_version("v1", "Service").sort_string(),
            "~G_v1_Service"
        );
    }
}
