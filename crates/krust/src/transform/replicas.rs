//! `replicas:`: set the replica count of workloads named in the kustomization.

use krust_yaml::Value;

use crate::error::{Error, Result};
use crate::fieldspec::{self, Create, FieldSpec};
use crate::resmap::ResMap;

/// One `replicas:` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplicaSpec {
    /// The workload's name (original or current).
    pub name: String,
    /// The count to set.
    pub count: i64,
}

/// Sets `replica.count` in every resource of a replica-bearing kind named
/// `replica.name`; naming nothing is an error, as in kustomize.
pub fn apply(map: &mut ResMap, replica: &ReplicaSpec, specs: &[FieldSpec]) -> Result<()> {
    let mut found = false;
    for spec in specs {
        let named = |r: &crate::Resource| {
            std::iter::once(r.id())
                .chain(r.previous_ids())
                .any(|id| id.name == replica.name && spec.gvk.selects(&id.gvk))
        };
        let hits: Vec<bool> = map.resources().iter().map(named).collect();
        if !hits.iter().any(|&h| h) {
            continue;
        }
        found = true;
        let mut index = 0;
        map.transform(|res| {
            let hit = hits[index];
            index += 1;
            if !hit {
                return Ok(());
            }
            let gvk = res.id().gvk.clone();
            let id = res.id().to_string();
            fieldspec::apply(
                res.obj_mut(),
                &gvk,
                spec,
                Create::Scalar,
                &mut |node| match node {
                    Value::Map(_) | Value::Seq(_) => Err(format!(
                        "wrong node kind: expected a scalar, found {}",
                        node.type_name()
                    )),
                    _ => {
                        *node = Value::Int(replica.count);
                        Ok(())
                    }
                },
            )
            .map_err(|e| Error::transform(format!("{id}: replicas: {e}")))
        })?;
    }
    if found {
        return Ok(());
    }
    let gvks: Vec<String> = specs
        .iter()
        .map(|s| {
            let or = |v: &str, d: &str| {
                if v.is_empty() {
                    d.to_owned()
                } else {
                    v.to_owned()
                }
            };
            format!(
                "{}.{}.{}",
                or(&s.gvk.kind, "[noKind]"),
                or(&s.gvk.version, "[noVer]"),
                or(&s.gvk.group, "[noGrp]")
            )
        })
        .collect();
    Err(Error::transform(format!(
        "resource with name {} does not match a config with the following GVK [{}]",
        replica.name,
        gvks.join(" ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TransformerConfig;
    use crate::resource::Resource;

    #[test]
    fn sets_count_on_named_workloads_only() {
        let mut map = ResMap::new();
        for doc in krust_yaml::load_documents(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n",
        )
        .unwrap()
        {
            map.append(Resource::new(doc)).unwrap();
        }
        let replica = ReplicaSpec {
            name: "web".into(),
            count: 3,
        };
        apply(&mut map, &replica, &TransformerConfig::builtin().replicas).unwrap();
        assert_eq!(
            map.resources()[0].obj().get_path(&["spec", "replicas"]),
            Some(&Value::Int(3))
        );
        assert!(map.resources()[1].obj().get("spec").is_none());
        let missing = ReplicaSpec {
            name: "nope".into(),
            count: 1,
        };
        assert!(apply(&mut map, &missing, &TransformerConfig::builtin().replicas).is_err());
    }
}
