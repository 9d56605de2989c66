//! `commonLabels` and `labels`: set label pairs at every field the chosen
//! field specs name (metadata, and optionally selectors and pod templates).

use crate::config::TransformerConfig;
use crate::error::{Error, Result};
use crate::string_map::StringMap;
use std::sync::OnceLock;

use crate::fieldspec::{self, merge_specs, Create, FieldSpec, FieldSpecs};
use crate::kustomization::LabelSet;
use crate::resmap::ResMap;
use crate::resource::{Resource, Style};
use krust_yaml::{PathSeg, Value};

/// The field specs one `labels:` entry applies to, as kustomize composes them:
/// its own `fields`, then either the selector-including table or just
/// `metadata/labels` (plus the template table when asked).
pub fn specs_for(set: &LabelSet, config: &TransformerConfig) -> Result<FieldSpecs, String> {
    let builtin = TransformerConfig::shared_builtin();
    if set.fields.is_empty() && std::ptr::eq(config, &**builtin) {
        // Nearly every entry: the same three compositions of the same tables.
        static COMPOSED: [OnceLock<FieldSpecs>; 3] = [const { OnceLock::new() }; 3];
        let which = match (set.include_selectors, set.include_templates) {
            (true, _) => 0,
            (false, false) => 1,
            (false, true) => 2,
        };
        if let Some(specs) = COMPOSED[which].get() {
            return Ok(FieldSpecs::clone(specs));
        }
        let specs = compose(set, config)?;
        return Ok(FieldSpecs::clone(COMPOSED[which].get_or_init(|| specs)));
    }
    compose(set, config)
}

fn compose(set: &LabelSet, config: &TransformerConfig) -> Result<FieldSpecs, String> {
    let mut specs = set.fields.clone();
    merge_specs(&mut specs, &config.labels)?;
    if set.include_selectors {
        merge_specs(&mut specs, &config.common_labels)?;
    } else {
        merge_specs(
            &mut specs,
            &[FieldSpec::new("", "", "", "metadata/labels", true)],
        )?;
        if set.include_templates {
            merge_specs(&mut specs, &config.template_labels)?;
        }
    }
    Ok(FieldSpecs::new(specs))
}

/// Sets `labels` at `specs` in every resource.
pub fn apply(map: &mut ResMap, labels: &StringMap, specs: &[FieldSpec]) -> Result<()> {
    set_pairs(map, labels, specs)
}

/// Shared by labels and annotations: both set string pairs into maps.
///
/// As kustomize's `SetEntry`, one value per key and object goes to every
/// place the key is created, so those places share it from then on; where
/// the key was already set, its old value is written over in place, and
/// whatever shared that value changes with it.
pub(crate) fn set_pairs(map: &mut ResMap, pairs: &StringMap, specs: &[FieldSpec]) -> Result<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    // The style kyaml gives each new value, where the value model's guess
    // is wrong.
    let styles: Vec<Option<Style>> = pairs
        .values()
        .map(|v| Style::of_created(v, crate::patch::merge::could_be_plain(v)))
        .collect();
    map.transform(|res| {
        let gvk = res.id().gvk.clone();
        let mut created: Vec<Vec<Vec<PathSeg>>> = vec![Vec::new(); pairs.len()];
        let mut overwritten: Vec<Vec<PathSeg>> = Vec::new();
        let stand_in = annotations_stand_in(res);
        for spec in specs {
            fieldspec::apply_at_paths(res.obj_mut(), &gvk, spec, Create::Map, &mut |node, at| {
                for (i, (k, v)) in pairs.iter().enumerate() {
                    let existed = node.get(k).is_some();
                    super::set_entry(node, k, v)?;
                    let mut path = at.to_vec();
                    path.push(PathSeg::Key(k.clone()));
                    if existed {
                        overwritten.push(path);
                    } else {
                        created[i].push(path);
                    }
                }
                Ok(())
            })
            .map_err(|e| Error::transform(format!("{}: {e}", res.id())))?;
        }
        if stand_in {
            drop_empty_annotations(res.obj_mut());
        }
        for path in &overwritten {
            res.scalar_written(path);
        }
        for (paths, style) in created.into_iter().zip(&styles) {
            for path in &paths {
                res.created_plain_key(path.clone());
                if let Some(style) = style {
                    res.mark_style(path, *style);
                }
            }
            res.share_scalars(paths);
        }
        Ok(())
    })
}

/// Where kustomize holds build annotations on an object that has none of
/// its own, a field spec into `metadata/annotations` finds a map even when
/// it creates nothing: an empty one stands in for it while the pairs are
/// set. Returns whether it put one there.
fn annotations_stand_in(res: &mut Resource) -> bool {
    if res.annotations().is_some() || !res.has_annotations_in_kustomize() {
        return false;
    }
    let Some(meta) = res
        .obj_mut()
        .get_mut("metadata")
        .and_then(Value::as_map_mut)
    else {
        return false;
    };
    if meta.get("annotations").is_some_and(|a| !a.is_null()) {
        return false;
    }
    meta.insert("annotations".to_owned(), Value::Map(Default::default()));
    true
}

/// Removes the stand-in of [`annotations_stand_in`] when nothing was set in it.
fn drop_empty_annotations(obj: &mut Value) {
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_map_mut) {
        if meta
            .get("annotations")
            .and_then(Value::as_map)
            .is_some_and(|m| m.is_empty())
        {
            meta.shift_remove("annotations");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Resource;

    fn deployment() -> ResMap {
        let obj = krust_yaml::load_documents(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata: {}\n",
        )
        .unwrap()
        .remove(0);
        let mut map = ResMap::new();
        map.append(Resource::new(obj)).unwrap();
        map
    }

    fn pairs() -> StringMap {
        [("env".to_string(), "prod".to_string())]
            .into_iter()
            .collect()
    }

    #[test]
    fn common_labels_reach_selectors_and_templates() {
        let mut map = deployment();
        apply(
            &mut map,
            &pairs(),
            &TransformerConfig::builtin().common_labels,
        )
        .unwrap();
        let obj = map.resources()[0].obj();
        assert_eq!(obj.str_at(&["metadata", "labels", "env"]), Some("prod"));
        assert_eq!(
            obj.str_at(&["spec", "selector", "matchLabels", "env"]),
            Some("prod")
        );
        assert_eq!(
            obj.str_at(&["spec", "template", "metadata", "labels", "env"]),
            Some("prod")
        );
    }

    #[test]
    fn plain_labels_touch_metadata_only() {
        let mut map = deployment();
        let set = LabelSet {
            pairs: pairs(),
            ..LabelSet::default()
        };
        let specs = specs_for(&set, TransformerConfig::builtin()).unwrap();
        apply(&mut map, &set.pairs, &specs).unwrap();
        let obj = map.resources()[0].obj();
        assert_eq!(obj.str_at(&["metadata", "labels", "env"]), Some("prod"));
        assert!(obj.get_path(&["spec", "selector"]).is_none());
        assert!(obj
            .get_path(&["spec", "template", "metadata", "labels"])
            .is_none());
    }
}
