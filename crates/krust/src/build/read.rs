//! Turning a resource file's bytes into resources, as kustomize's resource
//! factory does: empty documents dropped, `kind: *List` objects flattened
//! (their items queued after the file's other documents), and objects
//! without a kind or a name refused.

use std::collections::VecDeque;
use std::path::Path;

use krust_yaml::{Document, PathSeg, Value};

use crate::error::{Error, Result};
use crate::resource::Resource;

/// Parses a resource file. `path` is only used in error messages.
pub fn resources_from_bytes(path: &Path, bytes: &[u8]) -> Result<Vec<Resource>> {
    let text = crate::error::utf8_str(path, bytes)?;
    let docs =
        krust_yaml::load_detailed(text, Default::default()).map_err(|e| Error::yaml(path, &e))?;
    resources_from_documents(path, docs)
}

/// Parses a strategic-merge patch file: as a resource file, except that
/// an empty or null `metadata.annotations` stays (merged, it clears the
/// target's annotations).
pub fn patches_from_bytes(path: &Path, bytes: &[u8]) -> Result<Vec<Resource>> {
    let text = crate::error::utf8_str(path, bytes)?;
    let docs =
        krust_yaml::load_detailed(text, Default::default()).map_err(|e| Error::yaml(path, &e))?;
    patches_from_documents(path, docs)
}

/// The resources in documents already parsed from the file at `path` (only
/// used in error messages).
pub fn resources_from_documents(path: &Path, docs: Vec<Document>) -> Result<Vec<Resource>> {
    objects_from_documents(path, docs, Read::Resources)
}

/// The patches in documents already parsed from the file at `path` (see
/// [`patches_from_bytes`]).
pub fn patches_from_documents(path: &Path, docs: Vec<Document>) -> Result<Vec<Resource>> {
    objects_from_documents(path, docs, Read::Patches)
}

/// What a file's objects are for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Read {
    Resources,
    Patches,
}

fn objects_from_documents(path: &Path, docs: Vec<Document>, read: Read) -> Result<Vec<Resource>> {
    let mut queue: VecDeque<Document> = docs.into();
    let mut out = Vec::with_capacity(queue.len());
    while let Some(Document {
        value: doc,
        empty_values,
        scalar_texts,
        styled_strings,
    }) = queue.pop_front()
    {
        if is_nil_or_empty(&doc) {
            continue;
        }
        let Value::Map(map) = &doc else {
            return Err(Error::resource(
                path,
                "missing Resource metadata: a document is not a map",
            ));
        };
        let kind = map.get("kind").and_then(Value::as_str).unwrap_or_default();
        if kind.ends_with("List") {
            if let Some(items) = map.get("items") {
                match items {
                    Value::Seq(items) => {
                        queue.extend(items.iter().enumerate().map(|(i, item)| Document {
                            value: item.clone(),
                            empty_values:
                                empty_values.iter().filter_map(|p| in_item(p, i)).collect(),
                            // kustomize inlines list items through Go maps,
                            // which keeps no scalar's text.
                            scalar_texts: Vec::new(),
                            styled_strings: Vec::new(),
                        }))
                    }
                    Value::Null => {}
                    other => {
                        return Err(Error::resource(
                            path,
                            format!(
                                "expected array in {kind}/items, but found {}",
                                other.type_name()
                            ),
                        ))
                    }
                }
                continue;
            }
        }
        check_resource(path, &doc)?;
        let mut doc = doc;
        if read == Read::Resources {
            drop_empty_annotations(&mut doc);
        }
        let mut res = Resource::new(doc);
        res.set_empty_values(empty_values);
        res.set_scalar_texts(&scalar_texts);
        res.set_styled_strings(styled_strings);
        out.push(res);
    }
    Ok(out)
}

/// A path of a list document, relative to its item `index`, if it is in it.
fn in_item(path: &[PathSeg], index: usize) -> Option<Vec<PathSeg>> {
    match path {
        [PathSeg::Key(items), PathSeg::Index(i), rest @ ..] if items == "items" && *i == index => {
            Some(rest.to_vec())
        }
        _ => None,
    }
}

/// kustomize's reader sets and then removes its own annotations on every
/// object it reads, which leaves no `metadata.annotations` when there were
/// none: an empty or null one disappears.
fn drop_empty_annotations(doc: &mut Value) {
    if let Some(meta) = doc.get_mut("metadata").and_then(Value::as_map_mut) {
        let empty = match meta.get("annotations") {
            Some(Value::Null) => true,
            Some(Value::Map(m)) => m.is_empty(),
            _ => false,
        };
        if empty {
            meta.shift_remove("annotations");
        }
    }
}

pub(super) fn is_nil_or_empty(doc: &Value) -> bool {
    match doc {
        Value::Null => true,
        Value::Map(m) => m.is_empty(),
        Value::Seq(s) => s.is_empty(),
        _ => false,
    }
}

/// kustomize refuses objects it could not give an id.
fn check_resource(path: &Path, doc: &Value) -> Result<()> {
    let non_empty = |p: &[&str]| doc.str_at(p).is_some_and(|s| !s.is_empty());
    if !doc
        .get("metadata")
        .is_some_and(|m| matches!(m, Value::Map(_)))
        && !non_empty(&["kind"])
    {
        return Err(Error::resource(path, "missing Resource metadata"));
    }
    if !non_empty(&["kind"]) {
        return Err(Error::resource(path, "missing kind in object"));
    }
    let kind = doc.str_at(&["kind"]).unwrap_or_default();
    // A list needs no name (one with items was already flattened).
    if !non_empty(&["metadata", "name"]) && !kind.ends_with("List") {
        return Err(Error::resource(
            path,
            format!("missing metadata.name in {kind} object"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(src: &str) -> Result<Vec<Resource>> {
        resources_from_bytes(Path::new("r.yaml"), src.as_bytes())
    }

    #[test]
    fn flattens_lists_after_other_documents() {
        let rs = read(
            "kind: ConfigMapList\nitems:\n- {kind: ConfigMap, metadata: {name: a}}\n---\nkind: Secret\nmetadata: {name: s}\n",
        )
        .unwrap();
        let names: Vec<_> = rs.iter().map(|r| r.id().name.clone()).collect();
        assert_eq!(names, ["s", "a"]);
    }

    #[test]
    fn empty_annotations_disappear_on_read() {
        let rs = read("kind: A\nmetadata: {name: a, annotations: {}, labels: {}}\n---\nkind: A\nmetadata:\n  name: b\n  annotations:\n").unwrap();
        assert!(rs[0].obj().get_path(&["metadata", "annotations"]).is_none());
        assert!(rs[0].obj().get_path(&["metadata", "labels"]).is_some());
        assert!(rs[1].obj().get_path(&["metadata", "annotations"]).is_none());
    }

    #[test]
    fn drops_empty_documents_and_refuses_nameless_ones() {
        assert!(read("{}\n---\n# only a comment\n").unwrap().is_empty());
        assert!(read("kind: ConfigMap\n")
            .unwrap_err()
            .message()
            .contains("metadata.name"));
        assert!(read("metadata: {name: x}\n")
            .unwrap_err()
            .message()
            .contains("kind"));
        assert!(read("- a\n").is_err());
    }
}
