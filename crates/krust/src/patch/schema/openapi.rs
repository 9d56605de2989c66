//! Building a [`Schema`] from a swagger 2 document, as kyaml's `parse` and
//! `AddDefinitions` do: definitions by name, kinds from
//! `x-kubernetes-group-version-kind`, scope from the API paths.

use krust_yaml::Value;

use super::{Schema, Shape, Ty};

const GVK_EXTENSION: &str = "x-kubernetes-group-version-kind";
const REF_PREFIX: &str = "#/definitions/";

/// Adds the definitions and path facts of `doc` to `schema`.
pub(super) fn add_document(schema: &mut Schema, doc: &Value) -> Result<(), String> {
    let Value::Map(root) = doc else {
        return Err(format!(
            "OpenAPI document must be a map, not a {}",
            doc.type_name()
        ));
    };
    if let Some(defs) = root.get("definitions") {
        let Value::Map(defs) = defs else {
            return Err("OpenAPI `definitions` must be a map".into());
        };
        for (name, def) in defs.iter() {
            add_definition(schema, name, def);
        }
    }
    if let Some(Value::Map(paths)) = root.get("paths") {
        for (path, item) in paths.iter() {
            add_path_scope(schema, path, item);
        }
    }
    Ok(())
}

/// Stores one definition and indexes the kinds it declares.
fn add_definition(schema: &mut Schema, name: &str, def: &Value) {
    let id = schema.def_id(name);
    schema.defs[id as usize].body = shape_of(schema, def);
    let Some(Value::Seq(gvks)) = def.get(GVK_EXTENSION) else {
        return;
    };
    for gvk in gvks {
        if let Some((api_version, kind)) = type_meta(gvk) {
            schema.set_kind(&api_version, kind, id);
        }
    }
}

/// kyaml's `toTypeMeta`: `group/version` (or `version` for the core group) and kind.
fn type_meta(gvk: &Value) -> Option<(String, &str)> {
    let version = gvk.get("version")?.as_str()?;
    let kind = gvk.get("kind")?.as_str()?;
    let api_version = match gvk.get("group").and_then(Value::as_str) {
        Some(group) if !group.is_empty() => format!("{group}/{version}"),
        _ => version.to_owned(),
    };
    Some((api_version, kind))
}

/// kyaml's `findNamespaceability`: a kind whose GET path has a
/// `namespaces/{namespace}` segment is namespaced, otherwise cluster-scoped.
fn add_path_scope(schema: &mut Schema, path: &str, item: &Value) {
    let Some(gvk) = item.get("get").and_then(|get| get.get(GVK_EXTENSION)) else {
        return;
    };
    if let Some((api_version, kind)) = type_meta(gvk) {
        schema.set_scope(&api_version, kind, path.contains("namespaces/{namespace}"));
    }
}

/// Reduces one schema object to the node strategic merge reads, or `None`
/// for a scalar leaf (see the module docs of [`super`] for why leaves go).
fn shape_of(schema: &mut Schema, node: &Value) -> Option<Ty> {
    let Value::Map(map) = node else {
        return None;
    };
    if let Some(reference) = map.get("$ref") {
        // kyaml replaces a schema that has a `$ref` by its target, siblings and all.
        let name = reference.as_str()?.strip_prefix(REF_PREFIX)?;
        return Some(Ty::Def(schema.def_id(name)));
    }
    let types = type_list(map.get("type"));
    let is_array = types.len() == 1 && types[0] == "array";
    let mut shape = Shape {
        properties: properties(schema, map.get("properties")),
        additional: map.get("additionalProperties").and_then(|ap| match ap {
            Value::Map(_) => shape_of(schema, ap),
            _ => None,
        }),
        items: match map.get("items") {
            Some(items @ Value::Map(_)) if is_array => shape_of(schema, items),
            _ => None,
        },
        strategy: map
            .get("x-kubernetes-patch-strategy")
            .and_then(Value::as_str)
            .map(Into::into),
        keys: Vec::new(),
    };
    shape.keys = merge_keys(map);
    if shape.strategy.is_none() && shape.items.is_some() {
        // Without a strategy a list is replaced whole: its elements are never walked.
        shape.items = None;
    }
    if shape.is_opaque() && is_scalar_type(&types) {
        return None;
    }
    Some(schema.add_shape(shape))
}

/// The non-scalar properties of a schema, sorted by name.
fn properties(schema: &mut Schema, props: Option<&Value>) -> Vec<(Box<str>, Ty)> {
    let Some(Value::Map(props)) = props else {
        return Vec::new();
    };
    let mut out: Vec<(Box<str>, Ty)> = props
        .iter()
        .filter_map(|(name, prop)| Some((name.as_str().into(), shape_of(schema, prop)?)))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// kyaml's `PatchStrategyAndKeyList`: the list-map keys if given, else the merge key.
fn merge_keys(map: &krust_yaml::Mapping) -> Vec<Box<str>> {
    if let Some(Value::Seq(keys)) = map.get("x-kubernetes-list-map-keys") {
        return keys
            .iter()
            .filter_map(Value::as_str)
            .map(Into::into)
            .collect();
    }
    map.get("x-kubernetes-patch-merge-key")
        .and_then(Value::as_str)
        .map(|key| vec![key.into()])
        .unwrap_or_default()
}

/// `type` as a list: JSON schema allows a string or an array of strings.
fn type_list(ty: Option<&Value>) -> Vec<&str> {
    match ty {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Seq(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_scalar_type(types: &[&str]) -> bool {
    matches!(types, ["string" | "integer" | "number" | "boolean"])
}
