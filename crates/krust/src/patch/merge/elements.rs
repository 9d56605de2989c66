//! The list primitives kyaml's associative merge is built from, reproduced
//! with their quirks: elements are compared by the *text* of their key
//! fields, `ElementSetter` drops null and empty-map elements as a side
//! effect, and an empty value matches any element that has the key.

use std::borrow::Cow;

use krust_yaml::Value;

use super::{kind_error, NodeKind};

/// The text go-yaml keeps for a node (`yaml.Node.Value`): the scalar as
/// written (here: its canonical spelling), empty for collections.
pub(super) fn raw_text(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s),
        Value::Null => Cow::Borrowed("null"),
        Value::Map(_) | Value::Seq(_) => Cow::Borrowed(""),
        other => Cow::Owned(other.scalar_string().unwrap_or_default()),
    }
}

/// kyaml's `GetValue`: the text, or empty for null.
fn value_text(v: &Value) -> Cow<'_, str> {
    if v.is_null() {
        Cow::Borrowed("")
    } else {
        raw_text(v)
    }
}

/// The text kyaml reads for a field it requires (`GetMeta`,
/// `ElementValuesList`): empty for null, `{}` and `[]`.
pub(super) fn meta_text(v: &Value) -> Cow<'_, str> {
    if is_empty_node(v) {
        Cow::Borrowed("")
    } else {
        raw_text(v)
    }
}

/// kyaml's `IsNilOrEmpty` for a present node: null, `{}` or `[]`.
fn is_empty_node(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Map(m) => m.is_empty(),
        Value::Seq(s) => s.is_empty(),
        _ => false,
    }
}

/// Whether a list element counts as absent: null or `{}` (kyaml's
/// `IsMissingOrNull || IsEmptyMap`).
pub(super) fn is_void(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Map(m) => m.is_empty(),
        _ => false,
    }
}

/// kyaml's `FieldMatcher{Name: key, StringValue: value}` on one element:
/// `Ok(true)` when the element has the field (with that text, unless `value`
/// is empty, which matches any); for `key == ""` the element itself is the
/// scalar compared. Errors when the element is the wrong kind of node.
fn field_matches(elem: &Value, key: &str, value: &str) -> Result<bool, String> {
    if elem.is_null() {
        return Ok(false);
    }
    if key.is_empty() {
        if matches!(elem, Value::Map(_) | Value::Seq(_)) {
            return Err(kind_error(NodeKind::Scalar, elem));
        }
        return Ok(value_text(elem) == value);
    }
    let Value::Map(map) = elem else {
        return Err(kind_error(NodeKind::Map, elem));
    };
    Ok(map
        .get(key)
        .is_some_and(|field| value.is_empty() || raw_text(field) == value))
}

/// kyaml's `Get(key)` on a list element: the field, if the element is a map
/// that has it; an error for a scalar or list element.
pub(super) fn get_field<'v>(elem: &'v Value, key: &str) -> Result<Option<&'v Value>, String> {
    match elem {
        Value::Null => Ok(None),
        Value::Map(map) => Ok(map.get(key)),
        other => Err(kind_error(NodeKind::Map, other)),
    }
}

/// kyaml's `ElementSetter` on a list of handles: removes null and `{}`
/// elements; replaces every element matching `keys`/`values` with
/// `element` (or drops it when `element` is `None`); appends `element` when
/// none matched. Without values nothing matches, and unmatched elements are
/// dropped too (kyaml keeps them only "if values were given").
pub(super) fn set_element<'v, T: Copy>(
    list: &mut Vec<T>,
    element: Option<T>,
    keys: &[&str],
    values: &[&str],
    node: impl Fn(T) -> &'v Value,
) -> Result<(), String> {
    let keys: &[&str] = if keys.is_empty() { &[""] } else { keys };
    let mapping_setter = !keys[0].is_empty() && values.first().is_some_and(|v| !v.is_empty());
    let mut kept = Vec::with_capacity(list.len() + 1);
    let mut matched = false;
    for &item in list.iter() {
        let value = node(item);
        if is_void(value) {
            continue;
        }
        if mapping_setter && !matches!(value, Value::Map(_)) {
            kept.push(item);
            continue;
        }
        if !matches_all(value, keys, values)? {
            if !values.is_empty() {
                kept.push(item);
            }
            continue;
        }
        matched = true;
        if let Some(element) = element {
            kept.push(element);
        }
    }
    *list = kept;
    if let Some(element) = element {
        if !matched && !node(element).is_null() {
            list.push(element);
        }
    }
    Ok(())
}

/// `ElementSetter`'s match: keys beyond the values are not compared, and
/// without any value nothing matches.
fn matches_all(elem: &Value, keys: &[&str], values: &[&str]) -> Result<bool, String> {
    if values.is_empty() {
        return Ok(false);
    }
    for (key, value) in keys.iter().zip(values) {
        if !field_matches(elem, key, value)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// kyaml's `ElementList` (`ElementMatcher`): the position of the first
/// element whose key fields have exactly these texts; with an empty first
/// key, the first element whose own text is `values[0]`.
pub(super) fn find_element<'v>(
    elems: impl IntoIterator<Item = &'v Value>,
    keys: &[&str],
    values: &[&str],
) -> Option<usize> {
    let mut elems = elems.into_iter();
    if keys.first().is_none_or(|k| k.is_empty()) {
        let want = values.first().copied().unwrap_or_default();
        return elems.position(|e| raw_text(e) == want);
    }
    elems.position(|e| {
        let Value::Map(map) = e else { return false };
        keys.iter()
            .zip(values)
            .all(|(key, value)| map.get(key).is_some_and(|f| raw_text(f) == *value))
    })
}

/// kyaml's `ElementValuesList` for one element: the text of each key field,
/// empty where the field is missing, null or empty.
pub(super) fn key_values(elem: &Value, keys: &[&str]) -> Vec<String> {
    keys.iter()
        .map(|key| {
            elem.get(key)
                .map(meta_text)
                .unwrap_or_default()
                .into_owned()
        })
        .collect()
}

/// kyaml's `mergeValues`: key tuples that agree wherever both are filled in
/// (and agree somewhere) are unified, e.g. a port without `protocol` takes
/// the `protocol` of a port with the same number. Each outer step compares
/// the tuple as it was when the step began, as the Go loop does.
pub(super) fn merge_values(lists: &mut [Vec<String>]) {
    for i in 0..lists.len() {
        let first = lists[i].clone();
        for j in 0..lists.len() {
            if let Some(merged) = unify(&first, &lists[j]) {
                lists[i] = merged.clone();
                lists[j] = merged;
            }
        }
    }
}

/// kyaml's `match`: the unified tuple, if the two share a value and differ
/// only where one side is empty.
fn unify(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() != b.len() {
        return None;
    }
    let mut common = false;
    let mut out = Vec::with_capacity(a.len());
    for (x, y) in a.iter().zip(b) {
        if x == y {
            common = true;
            out.push(x.clone());
        } else if !x.is_empty() && !y.is_empty() {
            return None;
        } else if !x.is_empty() {
            out.push(x.clone());
        } else {
            out.push(y.clone());
        }
    }
    common.then_some(out)
}

/// kyaml's `validateKeys`: the positions of the keys that some tuple in
/// `lists` fills in, or of all keys when none is filled in anywhere.
pub(super) fn filled_keys<S: AsRef<str>>(lists: &[&[S]], key_count: usize) -> Vec<usize> {
    let filled: Vec<usize> = (0..key_count)
        .filter(|&i| {
            lists
                .iter()
                .any(|l| l.get(i).is_some_and(|v| !v.as_ref().is_empty()))
        })
        .collect();
    if filled.is_empty() {
        (0..key_count).collect()
    } else {
        filled
    }
}
