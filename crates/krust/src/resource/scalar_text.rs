//! The text label and annotation values were written as.
//!
//! kyaml keeps each scalar's text, and kustomize at times rewrites a
//! resource's labels or annotations from those texts as string maps
//! (`GetLabels`/`SetLabels`, `GetAnnotations`/`SetAnnotations`): every
//! annotation at the end of a build, and a targeted patch's labels and
//! annotations before it merges. So `a: 1.50` then prints as `a: "1.50"` and
//! `a: ~` as `a: "~"`. The value model keeps only canonical spellings; these
//! records carry the rest for as long as the entry holds the value it was
//! read as.

use krust_yaml::{PathSeg, Value};

/// The metadata maps kustomize reads as `map[string]string`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MetaMap {
    Labels,
    Annotations,
}

impl MetaMap {
    pub(crate) fn field(self) -> &'static str {
        match self {
            MetaMap::Labels => "labels",
            MetaMap::Annotations => "annotations",
        }
    }

    fn of(field: &str) -> Option<MetaMap> {
        match field {
            "labels" => Some(MetaMap::Labels),
            "annotations" => Some(MetaMap::Annotations),
            _ => None,
        }
    }
}

/// One entry's written text, valid while its value is still `value`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MetaText {
    map: MetaMap,
    key: String,
    value: Value,
    text: String,
}

impl MetaText {
    pub(crate) fn map(&self) -> MetaMap {
        self.map
    }
}

/// The label and annotation texts of an object, from its document's
/// scalar texts.
pub(crate) fn meta_texts(obj: &Value, scalar_texts: &[(Vec<PathSeg>, String)]) -> Vec<MetaText> {
    scalar_texts
        .iter()
        .filter_map(|(path, text)| {
            let [PathSeg::Key(m), PathSeg::Key(field), PathSeg::Key(key)] = path.as_slice() else {
                return None;
            };
            let map = MetaMap::of(field).filter(|_| m == "metadata")?;
            Some(MetaText {
                map,
                key: key.clone(),
                value: entry(obj, map, key)?.clone(),
                text: text.clone(),
            })
        })
        .collect()
}

/// The texts of `obj`'s numeric annotations after a JSON round trip: Go
/// reads every number as a float64 and go-yaml v3 writes it back with
/// `%g`, so `1000000` becomes `1e+06` (which other fields, printed through
/// JSON again, never show).
pub(crate) fn after_json(obj: &Value) -> Vec<MetaText> {
    let Some(Value::Map(entries)) = obj.get("metadata").and_then(|m| m.get("annotations")) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|(key, value)| {
            Some(MetaText {
                map: MetaMap::Annotations,
                key: key.clone(),
                value: value.clone(),
                text: number_after_json(value)?,
            })
        })
        .collect()
}

/// The texts of `obj`'s numbers after a JSON round trip wherever Go's `%g`
/// spells them otherwise than the value model (`1e+06`), by path.
pub(crate) fn numbers_after_json(obj: &Value) -> Vec<(Vec<PathSeg>, Value, String)> {
    fn walk(v: &Value, path: &mut Vec<PathSeg>, out: &mut Vec<(Vec<PathSeg>, Value, String)>) {
        match v {
            Value::Map(entries) => {
                for (key, item) in entries.iter() {
                    path.push(PathSeg::Key(key.clone()));
                    walk(item, path, out);
                    path.pop();
                }
            }
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(PathSeg::Index(i));
                    walk(item, path, out);
                    path.pop();
                }
            }
            _ => {
                let Some(text) = number_after_json(v) else {
                    return;
                };
                if v.scalar_string().as_deref() != Some(text.as_str()) {
                    out.push((path.clone(), v.clone(), text));
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(obj, &mut Vec::new(), &mut out);
    out
}

/// A number's text once Go has read it as a float64 and printed it with
/// `%g`; `None` for anything but a number.
fn number_after_json(v: &Value) -> Option<String> {
    let f = match v {
        Value::Int(i) => *i as f64,
        Value::UInt(u) => *u as f64,
        Value::Float(f) => *f,
        _ => return None,
    };
    Some(krust_yaml::number::go_format_g(f))
}

/// After a strategic merge of a patch into `obj`: each entry that now holds
/// the value the patch gave it takes the patch's text (kyaml copies the
/// patch's node); the others keep theirs while their value stands.
pub(crate) fn merged(obj: &Value, own: Vec<MetaText>, patch: &[MetaText]) -> Vec<MetaText> {
    let mut out: Vec<MetaText> = own
        .into_iter()
        .filter(|t| !patch.iter().any(|p| p.map == t.map && p.key == t.key))
        .collect();
    for p in patch {
        match entry(obj, p.map, &p.key) {
            Some(v) if v == &p.value => out.push(p.clone()),
            // Written over a quoted string, the patch's node keeps the
            // string's style, so the merge made it a string; kyaml's text
            // is still the patch's.
            Some(v @ Value::String(s)) if p.value.scalar_string().as_deref() == Some(s) => out
                .push(MetaText {
                    value: v.clone(),
                    ..p.clone()
                }),
            _ => {}
        }
    }
    out
}

/// Rewrites `metadata.<map>` of `obj` as kyaml's `SetLabels` or
/// `SetAnnotations` does with what `GetLabels` or `GetAnnotations` read:
/// every value the text of its node (a collection's is empty), and no map
/// at all when it has no entry (a null or scalar one reads as empty). Keys
/// come out sorted, as Go writes them.
pub(crate) fn set_string_map(obj: &mut Value, map: MetaMap, texts: &[MetaText]) {
    let Some(meta) = obj.get_mut("metadata").and_then(Value::as_map_mut) else {
        return;
    };
    let Some(Value::Map(entries)) = meta.shift_remove(map.field()) else {
        return;
    };
    let mut pairs: Vec<(String, Value)> = entries
        .into_iter()
        .map(|(key, value)| {
            let text = text_of(texts, map, &key, &value);
            (key, Value::String(text))
        })
        .collect();
    if pairs.is_empty() {
        return;
    }
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    meta.insert(
        map.field().to_owned(),
        Value::from_map(pairs.into_iter().collect()),
    );
}

/// The text of the node holding entry `key` of `map` with `value`.
fn text_of(texts: &[MetaText], map: MetaMap, key: &str, value: &Value) -> String {
    if let Some(t) = texts
        .iter()
        .find(|t| t.map == map && t.key == key && &t.value == value)
    {
        return t.text.clone();
    }
    match value {
        // A null node that came through JSON, or was written `null`.
        Value::Null => "null".to_owned(),
        Value::Map(_) | Value::Seq(_) => String::new(),
        other => other.scalar_string().unwrap_or_default(),
    }
}

fn entry<'v>(obj: &'v Value, map: MetaMap, key: &str) -> Option<&'v Value> {
    obj.get("metadata")?.get(map.field())?.get(key)
}
