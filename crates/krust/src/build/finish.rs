//! The end of a build: what `buildMetadata` asks to write, and the cleanup
//! kustomize's removal of its internal annotations leaves visible.

use krust_yaml::Value;

use crate::error::{Error, Result};
use crate::kustomization::Kustomization;
use crate::resmap::ResMap;
use crate::transform;
use crate::version::{Change, KustomizeVersion};

use crate::resource::{ORIGIN_ANNOTATION as ORIGIN, TRANSFORMATIONS_ANNOTATION as TRANSFORMATIONS};

/// Writes or strips what `buildMetadata` controls, then the cleanup that
/// removing kustomize's internal annotations leaves visible.
pub(super) fn finish(
    map: &mut ResMap,
    kust: &Kustomization,
    version: KustomizeVersion,
) -> Result<()> {
    let keep_origin = kust.has_build_metadata("originAnnotations");
    let keep_transformations = kust.has_build_metadata("transformerAnnotations");
    let managed_by = kust
        .has_build_metadata("managedByLabel")
        .then(|| version.managed_by());
    map.transform(|res| {
        if keep_origin {
            if let Some(origin) = res.origin().map(|o| o.annotation()) {
                let meta = ensure_map(res.obj_mut(), "metadata");
                transform::set_entry(ensure_entry(meta, "annotations"), ORIGIN, &origin)
                    .map_err(Error::transform)?;
            }
        }
        if keep_transformations && !res.transformations().is_empty() {
            let text = crate::resource::transformations_annotation(res.transformations());
            let meta = ensure_map(res.obj_mut(), "metadata");
            transform::set_entry(ensure_entry(meta, "annotations"), TRANSFORMATIONS, &text)
                .map_err(Error::transform)?;
        }
        if let Some(managed_by) = &managed_by {
            let meta = ensure_map(res.obj_mut(), "metadata");
            transform::set_entry(
                ensure_entry(meta, "labels"),
                "app.kubernetes.io/managed-by",
                managed_by,
            )
            .map_err(Error::transform)?;
        }
        if version.has(Change::NamespaceSkipsHelmGenerated) {
            remove_annotation(res.obj_mut(), transform::namespace::HELM_GENERATED);
        }
        res.finish_build_annotations();
        res.check_json_step()
            .map_err(|e| Error::transform(format!("{}: {e}", res.id())))?;
        Ok(())
    })
}

/// Removes one of kustomize's internal annotations, and `annotations` with
/// it when nothing else is left.
fn remove_annotation(obj: &mut Value, key: &str) {
    let Some(meta) = obj.get_mut("metadata").and_then(Value::as_map_mut) else {
        return;
    };
    let Some(annotations) = meta.get_mut("annotations").and_then(Value::as_map_mut) else {
        return;
    };
    if annotations.shift_remove(key).is_some() && annotations.is_empty() {
        meta.shift_remove("annotations");
    }
}

fn ensure_map<'v>(obj: &'v mut Value, key: &str) -> &'v mut Value {
    let map = match obj {
        Value::Map(m) => m,
        other => {
            *other = Value::Map(Default::default());
            other.as_map_mut().expect("just made a map")
        }
    };
    map.get_or_insert_with(key, || Value::Map(Default::default()))
}

fn ensure_entry<'v>(meta: &'v mut Value, key: &str) -> &'v mut Value {
    if !matches!(meta, Value::Map(_)) {
        *meta = Value::Map(Default::default());
    }
    let Value::Map(m) = meta else { unreachable!() };
    let entry = m.get_or_insert(key.to_owned(), Value::Null);
    // kyaml's `LookupCreate(MappingNode, …)`: a null field becomes a map.
    if entry.is_null() {
        *entry = Value::Map(Default::default());
    }
    entry
}
