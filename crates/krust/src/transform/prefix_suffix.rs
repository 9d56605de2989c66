//! `namePrefix` / `nameSuffix`: rename objects (and any extra fields the
//! table names), remembering the old id so references can follow.

use crate::error::{Error, Result};
use crate::fieldspec::{self, Create, FieldSpec};
use crate::resid::Gvk;
use crate::resmap::ResMap;

/// Kinds kustomize never renames: their names are fixed by the API.
fn never_renamed(gvk: &Gvk) -> bool {
    gvk.kind == "CustomResourceDefinition"
        || gvk.kind == "Namespace"
        || (gvk.kind == "APIService" && gvk.group == "apiregistration.k8s.io")
}

/// Adds `prefix` and `suffix` around the names at `specs` in every resource.
pub fn apply(map: &mut ResMap, prefix: &str, suffix: &str, specs: &[FieldSpec]) -> Result<()> {
    map.transform(|res| {
        let original = res.original_id().gvk.clone();
        if never_renamed(&original) {
            return Ok(());
        }
        for spec in specs {
            if !spec.applies_to(&original) {
                continue;
            }
            if spec.path == "metadata/name" {
                res.add_prefix(prefix);
                res.add_suffix(suffix);
                if !prefix.is_empty() || !suffix.is_empty() {
                    res.store_previous_id();
                }
            }
            let gvk = res.id().gvk.clone();
            let id = res.id().to_string();
            fieldspec::apply(res.obj_mut(), &gvk, spec, Create::Scalar, &mut |node| {
                let current = node.scalar_string().unwrap_or_default();
                super::set_scalar(node, format!("{prefix}{current}{suffix}"))
            })
            .map_err(|e| Error::transform(format!("{id}: {e}")))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TransformerConfig;
    use crate::resource::Resource;

    #[test]
    fn renames_and_remembers_except_namespaces() {
        let mut map = ResMap::new();
        for doc in krust_yaml::load_documents(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n",
        )
        .unwrap()
        {
            map.append(Resource::new(doc)).unwrap();
        }
        apply(
            &mut map,
            "p-",
            "-s",
            &TransformerConfig::builtin().name_prefix,
        )
        .unwrap();
        let rs = map.resources();
        assert_eq!(rs[0].id().name, "p-a-s");
        assert_eq!(rs[0].original_id().name, "a");
        assert_eq!(rs[0].prefixes(), ["p-"]);
        assert_eq!(rs[1].id().name, "n");
    }
}
