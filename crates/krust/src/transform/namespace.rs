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

/// Sets `namespace` on every resource, using `specs` for fields beyond metadata.
pub fn apply(map: &mut ResMap, namespace: &str, specs: &[FieldSpec]) -> Result<()> {
    if namespace.is_empty() {
        return Ok(());
    }
    let meta_namespace = FieldSpec::new("", "", "", "metadata/namespace", true);
    map.transform(|res| {
        if matches!(res.obj(), Value::Null) || res.obj().as_map().is_some_and(|m| m.is_empty()) {
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
        let set = &mut |node: &mut Value| super::set_scalar(node, namespace.to_owned());
        let id = res.id().to_string();
        let fail = |e: String| Error::msg(format!("namespace transformation failed for {id}: {e}"));
        let obj = res.obj_mut();
        if gvk.is_namespaceable() {
            fieldspec::apply(obj, &gvk, &meta_namespace, Create::Scalar, set).map_err(fail)?;
        }
        if is_binding {
            set_default_subjects(obj, namespace).map_err(fail)?;
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

/// Binding subjects named `default` (the default service account) follow the namespace.
fn set_default_subjects(obj: &mut Value, namespace: &str) -> Result<(), String> {
    let Some(Value::Seq(subjects)) = obj.get_mut("subjects") else {
        return Ok(());
    };
    for subject in subjects {
        if subject.str_at(&["name"]) == Some("default") {
            if let Some(map) = subject.as_map_mut() {
                map.insert("namespace".into(), Value::from(namespace));
            }
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
