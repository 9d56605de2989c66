//! `namespace:`: move every namespaced object into one namespace.
//!
//! Besides its table, kustomize hard-codes three rules, kept here: it sets
//! `metadata.namespace` only on namespaced kinds; it renames a `v1` Namespace
//! object itself (the table's `metadata/name` entry applies only there); and in
//! (Cluster)RoleBindings it sets the namespace only of subjects named `default`
//! (other ServiceAccount subjects are left to name references).

use krust_yaml::Value;

use crate::error::{Error, Result};
use crate::fieldspec::{self, Create, FieldSpec};
use crate::resmap::ResMap;
use crate::version::{Change, KustomizeVersion};

/// Which (Cluster)RoleBinding subjects follow the namespace
/// (`setRoleBindingSubjects` of the NamespaceTransformer plugin).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Subjects {
    /// Subjects named `default` (the default).
    #[default]
    DefaultOnly,
    /// Every ServiceAccount subject.
    AllServiceAccounts,
    /// None.
    None,
}

/// Options of the NamespaceTransformer plugin beyond the namespace itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Only set namespaces that are empty.
    pub unset_only: bool,
    /// Which binding subjects follow.
    pub subjects: Subjects,
}

/// Sets `namespace` on every resource, using `specs` for fields beyond metadata.
#[cfg(test)]
pub fn apply(map: &mut ResMap, namespace: &str, specs: &[FieldSpec]) -> Result<()> {
    apply_with(
        map,
        namespace,
        specs,
        Options::default(),
        KustomizeVersion::LATEST,
    )
}

/// The annotation kustomize 5.8 puts on objects a Helm chart rendered; the
/// namespace transformer leaves those alone (Helm placed them), and the
/// build removes the annotation at the end.
pub(crate) const HELM_GENERATED: &str = "internal.config.kubernetes.io/helm-generated";

/// Whether `obj` is marked as rendered by Helm (the value exactly `"true"`).
fn is_helm_generated(obj: &Value) -> bool {
    obj.get_path(&["metadata", "annotations", HELM_GENERATED])
        .and_then(Value::as_str)
        == Some("true")
}

/// [`apply`] with the plugin's options.
pub fn apply_with(
    map: &mut ResMap,
    namespace: &str,
    specs: &[FieldSpec],
    options: Options,
    version: KustomizeVersion,
) -> Result<()> {
    if namespace.is_empty() {
        return Ok(());
    }
    let meta_namespace = FieldSpec::new("", "", "", "metadata/namespace", true);
    let skip_helm = version.has(Change::NamespaceSkipsHelmGenerated);
    map.transform(|res| {
        if matches!(res.obj(), Value::Null) || res.obj().as_map().is_some_and(|m| m.is_empty()) {
            return Ok(());
        }
        if skip_helm && is_helm_generated(res.obj()) {
            return Ok(());
        }
        res.store_previous_id();
        let gvk = res.id().gvk.clone();
        let api_version = res
            .obj()
            .str_at(&["apiVersion"])
            .unwrap_or_default()
            .to_owned();
        let is_binding = gvk.kind == "RoleBinding" || gvk.kind == "ClusterRoleBinding";
        let set = &mut |node: &mut Value| {
            let empty = match node {
                Value::Null => true,
                Value::String(s) => s.is_empty(),
                _ => false,
            };
            if options.unset_only && !empty {
                return Ok(());
            }
            super::set_scalar(node, namespace.to_owned())
        };
        let id = res.id().to_string();
        let fail =
            |e: String| Error::transform(format!("namespace transformation failed for {id}: {e}"));
        let obj = res.obj_mut();
        if gvk.is_namespaceable() {
            fieldspec::apply(obj, &gvk, &meta_namespace, Create::Scalar, set).map_err(fail)?;
        }
        if is_binding {
            set_subjects(obj, options.subjects, set).map_err(fail)?;
        }
        for spec in specs {
            let hard_coded = spec.path == "metadata/namespace"
                || (spec.path == "metadata/name" && api_version != "v1")
                || (is_binding
                    && spec.path == "subjects/namespace"
                    && (spec.gvk.kind == "RoleBinding" || spec.gvk.kind == "ClusterRoleBinding"));
            if !hard_coded {
                fieldspec::apply(obj, &gvk, spec, Create::Scalar, set).map_err(fail)?;
            }
        }
        Ok(())
    })
}

/// Binding subjects follow the namespace: by default those named `default`
/// (the default service account), or every ServiceAccount.
fn set_subjects(
    obj: &mut Value,
    mode: Subjects,
    set: &mut dyn FnMut(&mut Value) -> Result<(), String>,
) -> Result<(), String> {
    let Some(Value::Seq(subjects)) = obj.get_mut("subjects") else {
        return Ok(());
    };
    for subject in subjects {
        let follows = match mode {
            Subjects::DefaultOnly => subject.str_at(&["name"]) == Some("default"),
            Subjects::AllServiceAccounts => subject.str_at(&["kind"]) == Some("ServiceAccount"),
            Subjects::None => false,
        };
        if let (true, Some(map)) = (follows, subject.as_map_mut()) {
            set(map.get_or_insert("namespace".to_owned(), Value::Null))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TransformerConfig;
    use crate::resource::Resource;

    fn map_of(src: &str) -> ResMap {
        let mut map = ResMap::new();
        for doc in krust_yaml::load_documents(src).unwrap() {
            map.append(Resource::new(doc)).unwrap();
        }
        map
    }

    #[test]
    fn namespaced_kinds_move_cluster_kinds_stay() {
        let mut map = map_of(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: old}\n",
        );
        apply(&mut map, "prod", &TransformerConfig::builtin().namespace).unwrap();
        let rs = map.resources();
        assert_eq!(rs[0].obj().str_at(&["metadata", "namespace"]), Some("prod"));
        assert_eq!(rs[1].obj().str_at(&["metadata", "namespace"]), None);
        assert_eq!(rs[2].obj().str_at(&["metadata", "name"]), Some("prod"));
        assert_eq!(rs[0].original_id().namespace, "default");
    }

    #[test]
    fn only_default_subjects_follow() {
        let mut map = map_of(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\nsubjects:\n- {kind: ServiceAccount, name: default, namespace: x}\n- {kind: ServiceAccount, name: other, namespace: x}\n",
        );
        apply(&mut map, "prod", &TransformerConfig::builtin().namespace).unwrap();
        let subjects = map.resources()[0]
            .obj()
            .get("subjects")
            .unwrap()
            .as_seq()
            .unwrap();
        assert_eq!(subjects[0].str_at(&["namespace"]), Some("prod"));
        assert_eq!(subjects[1].str_at(&["namespace"]), Some("x"));
    }

    #[test]
    fn two_objects_in_one_namespace_conflict() {
        let mut map = map_of(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: y}\n",
        );
        assert!(apply(&mut map, "prod", &TransformerConfig::builtin().namespace).is_err());
    }
}
