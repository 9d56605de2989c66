//! Which built-in kinds are cluster-scoped.
//!
//! kustomize decides namespaceability from the Kubernetes v1.21.2 OpenAPI
//! schema it embeds, keyed by exact `apiVersion` and kind; anything not in the
//! schema (custom resources) counts as namespaced. This table was read off
//! `kubectl kustomize` (v5.5.0) by applying `namespace:` to every built-in
//! apiVersion/kind pair of that release and noting which were left alone.

/// `(apiVersion, kind)` pairs that are cluster-scoped.
const CLUSTER_SCOPED: &[(&str, &str)] = &[
    ("v1", "ComponentStatus"),
    ("v1", "Namespace"),
    ("v1", "Node"),
    ("v1", "PersistentVolume"),
    (
        "admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io/v1",
        "ValidatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "MutatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "ValidatingWebhookConfiguration",
    ),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"),
    ("apiregistration.k8s.io/v1", "APIService"),
    ("apiregistration.k8s.io/v1beta1", "APIService"),
    ("certificates.k8s.io/v1", "CertificateSigningRequest"),
    ("certificates.k8s.io/v1beta1", "CertificateSigningRequest"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"),
    (
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "PriorityLevelConfiguration",
    ),
    ("networking.k8s.io/v1", "IngressClass"),
    ("networking.k8s.io/v1beta1", "IngressClass"),
    ("node.k8s.io/v1", "RuntimeClass"),
    ("node.k8s.io/v1beta1", "RuntimeClass"),
    ("policy/v1beta1", "PodSecurityPolicy"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"),
    ("scheduling.k8s.io/v1", "PriorityClass"),
    ("scheduling.k8s.io/v1beta1", "PriorityClass"),
    ("storage.k8s.io/v1", "CSIDriver"),
    ("storage.k8s.io/v1", "CSINode"),
    ("storage.k8s.io/v1", "StorageClass"),
    ("storage.k8s.io/v1", "VolumeAttachment"),
    ("storage.k8s.io/v1beta1", "CSIDriver"),
    ("storage.k8s.io/v1beta1", "CSINode"),
    ("storage.k8s.io/v1beta1", "StorageClass"),
    ("storage.k8s.io/v1beta1", "VolumeAttachment"),
];

/// Whether the kind at `group`/`version` is cluster-scoped in the built-in schema.
pub fn is_cluster_scoped(group: &str, version: &str, kind: &str) -> bool {
    // Kinds are few and distinct, so test the kind first and only then the apiVersion.
    CLUSTER_SCOPED.iter().any(|(api, k)| {
        *k == kind
            && match api.split_once('/') {
                Some((g, v)) => g == group && v == version,
                None => group.is_empty() && *api == version,
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_and_grouped_kinds() {
        assert!(is_cluster_scoped("", "v1", "Namespace"));
        assert!(is_cluster_scoped(
            "rbac.authorization.k8s.io",
            "v1",
            "ClusterRole"
        ));
        assert!(!is_cluster_scoped("apps", "v1", "Namespace"));
        assert!(!is_cluster_scoped("", "v1", "ConfigMap"));
        assert!(!is_cluster_scoped(
            "rbac.authorization.k8s.io",
            "v1alpha1",
            "ClusterRole"
        ));
    }
}
