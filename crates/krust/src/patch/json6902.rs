//! RFC 6902 JSON patches, applied to an object as kustomize applies them
//! (evanphx/json-patch v4 semantics, including its error cases).
//!
//! Operations work on the object's JSON form, which the value model already is.

use krust_yaml::Value;

use crate::version::{Change, KustomizeVersion};

/// One decoded operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    op: String,
    path: String,
    from: Option<String>,
    value: Option<Value>,
}

/// A decoded patch: a list of operations.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JsonPatch {
    ops: Vec<Operation>,
}

impl JsonPatch {
    /// Decodes a patch from its text as kustomize does. Text that starts
    /// with `[` is JSON for the patch library (read here as the YAML it also
    /// is). Any other text is YAML that kustomize first converts with
    /// sigs.k8s.io/yaml's `YAMLToJSON`: go-yaml v2 rules (`value: yes` is
    /// `true`, `value: 2021-01-01` keeps its text), the first document only,
    /// and no operations when that document is null or missing (blank text,
    /// comments). Empty text is an error.
    pub fn parse(text: &str) -> Result<JsonPatch, String> {
        if text.is_empty() {
            return Err("empty json patch operations".into());
        }
        if text.starts_with('[') && !krust_yaml::is_json(text) {
            return Err(
                "the patch starts with `[` but is not JSON (kustomize reads such a patch as JSON only)"
                    .into(),
            );
        }
        // Valid JSON reads as go-yaml v2 reads it (a repeated key wins, as
        // in Go's JSON decoder).
        let options = krust_yaml::LoadOptions::sigs_k8s_yaml();
        let docs = krust_yaml::load_documents_with(text, options).map_err(|e| e.to_string())?;
        match docs.first() {
            None => Ok(JsonPatch::default()),
            Some(doc) => {
                check_json_encodable(doc)?;
                JsonPatch::from_value(doc)
            }
        }
    }

    /// Decodes a patch from an already parsed list of operations.
    pub fn from_value(doc: &Value) -> Result<JsonPatch, String> {
        let Value::Seq(items) = doc else {
            return Err(format!(
                "a JSON patch must be a list of operations, not a {}",
                doc.type_name()
            ));
        };
        let ops = items
            .iter()
            .map(|item| {
                let map = item
                    .as_map()
                    .ok_or("each JSON patch operation must be a map")?;
                let text = |key: &str| map.get(key).and_then(Value::scalar_string);
                Ok(Operation {
                    op: text("op").unwrap_or_default(),
                    path: text("path").unwrap_or_default(),
                    from: text("from"),
                    value: map.get("value").cloned(),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(JsonPatch { ops })
    }

    /// Whether the patch has no operations.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Applies every operation in order, as the JSON patch library of
    /// kustomize `version` does. On error the object may be partly patched;
    /// the build fails then, so nobody sees it.
    pub fn apply(&self, doc: &mut Value, version: KustomizeVersion) -> Result<(), String> {
        // kustomize marshals the object to JSON first, which refuses an
        // infinity or NaN anywhere in it.
        check_json_encodable(doc)?;
        self.ops
            .iter()
            .try_for_each(|op| apply_op(doc, op, version))?;
        numbers_through_float64(doc);
        Ok(())
    }
}

/// kustomize reads the patched object's JSON back with Go's `json.Unmarshal`
/// into `map[string]interface{}` (kyaml's `RNode.UnmarshalJSON`), which
/// makes every number a float64: integers beyond 2^53, patched or not, keep
/// only float64's digits (`12345678901234567890` prints as
/// `12345678901234567000`). Smaller integers survive unchanged.
fn numbers_through_float64(v: &mut Value) {
    const EXACT: u64 = 1 << 53;
    match v {
        Value::Int(i) if i.unsigned_abs() > EXACT => *v = Value::Float(*i as f64),
        Value::UInt(u) if *u > EXACT => *v = Value::Float(*u as f64),
        Value::Seq(items) => items.iter_mut().for_each(numbers_through_float64),
        Value::Map(map) => map.values_mut().for_each(numbers_through_float64),
        _ => {}
    }
}

/// Go's `json.Marshal` refuses infinities and NaN, so neither a patch nor
/// an object holding one (`value: .inf`) reaches the patch library.
fn check_json_encodable(v: &Value) -> Result<(), String> {
    match v {
        Value::Float(f) => krust_yaml::number::json_unsupported(*f).map_or(Ok(()), Err),
        Value::Seq(items) => items.iter().try_for_each(check_json_encodable),
        Value::Map(map) => map.values().try_for_each(check_json_encodable),
        _ => Ok(()),
    }
}

fn apply_op(doc: &mut Value, op: &Operation, version: KustomizeVersion) -> Result<(), String> {
    let path = &op.path;
    match op.op.as_str() {
        "add" => add(doc, path, op.value.clone().unwrap_or(Value::Null)).map_err(|e| {
            format!("add operation does not apply: doc is missing path: \"{path}\": {e}")
        }),
        "remove" => remove(doc, path).map(drop).map_err(|e| {
            format!("remove operation does not apply: doc is missing path: \"{path}\": {e}")
        }),
        "replace" => replace(doc, path, op.value.as_ref(), version).map_err(|e| {
            format!("replace operation does not apply: doc is missing path: \"{path}\": {e}")
        }),
        "move" => {
            let from = op.from.as_deref().ok_or("move operation requires 'from'")?;
            let value = remove(doc, from).map_err(|e| {
                format!("move operation does not apply: doc is missing from path: \"{from}\": {e}")
            })?;
            add(doc, path, value)
                .map_err(|e| format!("move operation does not apply: doc is missing destination path: \"{path}\": {e}"))
        }
        "copy" => {
            let from = op.from.as_deref().ok_or("copy operation requires 'from'")?;
            let value = get(doc, from)
                .filter(|_| !from.is_empty())
                .cloned()
                .ok_or_else(|| {
                    format!("copy operation does not apply: doc is missing from path: \"{from}\"")
                })?;
            add(doc, path, value)
                .map_err(|e| format!("copy operation does not apply: doc is missing destination path: \"{path}\": {e}"))
        }
        "test" => {
            let have = get(doc, path);
            // A test with no value passes on a missing or null path in
            // json-patch v4.13; v4.12 crashed there (so krust fails).
            let absent = have.is_none_or(Value::is_null);
            if op.value.is_none() && absent && version.has(Change::JsonPatchTestWithoutValue) {
                return Ok(());
            }
            let want = op.value.clone().unwrap_or(Value::Null);
            match have {
                Some(have) if json_equal(have, &want) => Ok(()),
                _ => Err(format!("testing value {path} failed: test failed")),
            }
        }
        other => Err(format!("Unexpected kind: {other}")),
    }
}

/// Splits a JSON pointer into unescaped tokens; `""` is the whole document.
///
/// As evanphx/json-patch v4 does, the text before the first `/` is dropped
/// whatever it is, so `spec/replicas` means `/replicas`; a pointer with no
/// `/` at all names nothing.
fn tokens(path: &str) -> Result<Vec<String>, String> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let (_, rest) = path.split_once('/').ok_or("missing value")?;
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn get<'v>(doc: &'v Value, path: &str) -> Option<&'v Value> {
    let mut node = doc;
    for token in tokens(path).ok()? {
        node = match node {
            Value::Map(m) => m.get(&token)?,
            Value::Seq(items) => items.get(index(&token, items.len()).ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// The container holding the last token of `path`, and that token.
fn parent<'v>(doc: &'v mut Value, path: &str) -> Result<(&'v mut Value, String), String> {
    let mut toks = tokens(path)?;
    let last = toks.pop().ok_or("cannot operate on the whole document")?;
    let mut node = doc;
    for token in toks {
        node = match node {
            Value::Map(m) => m.get_mut(&token).ok_or("missing value")?,
            Value::Seq(items) => {
                let i = index(&token, items.len())?;
                items.get_mut(i).ok_or("missing value")?
            }
            _ => return Err("missing value".into()),
        };
    }
    Ok((node, last))
}

/// An array index token: decimal digits, no sign, no leading zeros.
fn index(token: &str, len: usize) -> Result<usize, String> {
    let valid = !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_digit())
        && (token == "0" || !token.starts_with('0'));
    let i: usize = if valid {
        token.parse().map_err(|_| "invalid index")?
    } else {
        usize::MAX
    };
    if i == usize::MAX || i >= len.saturating_add(1) {
        return Err(format!("Unable to access invalid index: {token}"));
    }
    Ok(i)
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), String> {
    // evanphx/json-patch v4 finds no parent for the whole document, so
    // add (and the add in move and copy) cannot target it.
    let (container, key) = parent(doc, path)?;
    match container {
        Value::Map(m) => {
            m.insert(key, value);
            Ok(())
        }
        Value::Seq(items) => {
            let i = if key == "-" {
                items.len()
            } else {
                index(&key, items.len())?
            };
            items.insert(i, value);
            Ok(())
        }
        _ => Err("missing value".into()),
    }
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (container, key) = parent(doc, path)?;
    match container {
        Value::Map(m) => m
            .shift_remove(&key)
            .ok_or_else(|| format!("Unable to remove nonexistent key: {key}: missing value")),
        Value::Seq(items) => {
            let i = index(&key, items.len())?;
            if i >= items.len() {
                return Err(format!("Unable to access invalid index: {key}"));
            }
            Ok(items.remove(i))
        }
        _ => Err("missing value".into()),
    }
}

fn replace(
    doc: &mut Value,
    path: &str,
    value: Option<&Value>,
    version: KustomizeVersion,
) -> Result<(), String> {
    if path.is_empty() {
        // evanphx/json-patch v4 swaps in an object or array (`null` decodes
        // as an empty object); anything else was silently ignored until
        // v4.13, which reports it.
        match value {
            Some(v @ (Value::Map(_) | Value::Seq(_))) => *doc = v.clone(),
            Some(Value::Null) => *doc = Value::Map(Default::default()),
            _ if version.has(Change::JsonPatchRootReplaceChecked) => {
                return Err("replace operation value must be object or array".into())
            }
            _ => {}
        }
        return Ok(());
    }
    let value = value.cloned().unwrap_or(Value::Null);
    let (container, key) = parent(doc, path)?;
    match container {
        // evanphx/json-patch v4, which kustomize uses, replaces a missing
        // map key as if it were there.
        Value::Map(m) => {
            m.insert(key, value);
            Ok(())
        }
        Value::Seq(items) => {
            let i = index(&key, items.len())?;
            let slot = items
                .get_mut(i)
                .ok_or_else(|| format!("Unable to access invalid index: {key}"))?;
            *slot = value;
            Ok(())
        }
        _ => Err("missing value".into()),
    }
}

/// JSON equality: numbers compare by value whatever their representation.
fn json_equal(a: &Value, b: &Value) -> bool {
    let num = |v: &Value| match v {
        Value::Int(i) => Some(*i as f64),
        Value::UInt(u) => Some(*u as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    };
    match (a, b) {
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => match (num(a), num(b)) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(s: &str) -> Value {
        krust_yaml::load_documents(s).unwrap().remove(0)
    }

    fn patched(doc: &str, patch: &str) -> Result<Value, String> {
        let mut doc = yaml(doc);
        JsonPatch::parse(patch)?.apply(&mut doc, KustomizeVersion::V5_5_0)?;
        Ok(doc)
    }

    #[test]
    fn add_replace_remove() {
        let got = patched(
            "spec: {replicas: 1, list: [a, b]}\n",
            r#"[{"op": "replace", "path": "/spec/replicas", "value": 3},
                {"op": "add", "path": "/spec/list/1", "value": "x"},
                {"op": "add", "path": "/spec/list/-", "value": "z"},
                {"op": "remove", "path": "/spec/list/0"},
                {"op": "add", "path": "/metadata", "value": {"name": "n"}}]"#,
        )
        .unwrap();
        assert_eq!(
            got,
            yaml("spec: {replicas: 3, list: [x, b, z]}\nmetadata: {name: n}\n")
        );
    }

    #[test]
    fn yaml_form_move_copy_test_and_escapes() {
        let got = patched(
            "metadata: {annotations: {a/b: v}}\nx: 1\n",
            "- op: copy\n  from: /metadata/annotations/a~1b\n  path: /y\n- op: move\n  from: /x\n  path: /z\n- op: test\n  path: /z\n  value: 1\n",
        )
        .unwrap();
        assert_eq!(got, yaml("metadata: {annotations: {a/b: v}}\ny: v\nz: 1\n"));
    }

    #[test]
    fn errors_as_kustomize() {
        assert!(patched("a: 1\n", r#"[{"op": "remove", "path": "/b"}]"#)
            .unwrap_err()
            .contains("nonexistent"));
        assert_eq!(
            patched("a: 1\n", r#"[{"op": "replace", "path": "/b", "value": 1}]"#).unwrap(),
            yaml("a: 1\nb: 1\n")
        );
        assert!(patched(
            "a: [1]\n",
            r#"[{"op": "replace", "path": "/a/3", "value": 1}]"#
        )
        .is_err());
        assert!(
            patched("a: 1\n", r#"[{"op": "add", "path": "/b/c", "value": 1}]"#)
                .unwrap_err()
                .contains("missing path")
        );
        assert!(
            patched("a: 1\n", r#"[{"op": "test", "path": "/a", "value": 2}]"#)
                .unwrap_err()
                .contains("test")
        );
        assert!(patched("a: [1]\n", r#"[{"op": "add", "path": "/a/5", "value": 2}]"#).is_err());
        assert!(patched("a: 1\n", r#"[{"op": "bogus", "path": "/a"}]"#).is_err());
        assert!(JsonPatch::parse("").is_err());
        // Text before the first `/` is ignored; no `/` at all names nothing.
        assert_eq!(
            patched(
                "a: {b: 1}\n",
                r#"[{"op": "replace", "path": "a/b", "value": 2}]"#
            )
            .unwrap(),
            yaml("a: {b: 1}\nb: 2\n")
        );
        assert!(patched("a: 1\n", r#"[{"op": "replace", "path": "a", "value": 2}]"#).is_err());
        assert!(patched("a: 1\n", r#"[{"op": "copy", "from": "", "path": "/b"}]"#).is_err());
        assert!(JsonPatch::parse("a: b\n").is_err());
    }

    /// kustomize reads text starting with `[` as JSON only, other text as
    /// YAML through sigs.k8s.io/yaml (go-yaml v2, the first document).
    #[test]
    fn text_is_json_or_go_yaml_v2() {
        let value = |text: &str| {
            let patch = JsonPatch::parse(text).unwrap();
            patch.ops[0].value.clone().unwrap()
        };
        assert_eq!(
            value("- {op: add, path: /a, value: yes}\n"),
            Value::Bool(true)
        );
        assert_eq!(
            value("- {op: add, path: /a, value: 2021-01-01}\n---\n- bad\n"),
            Value::String("2021-01-01".into())
        );
        assert_eq!(
            value(r#"[{"op": "add", "path": "/a", "value": {"k": 1, "k": 2}}]"#),
            yaml("k: 2\n")
        );
        assert!(JsonPatch::parse("[{op: add, path: /a, value: 1}]").is_err());
        assert!(JsonPatch::parse("[{\"op\": \"add\"}]\n---\n").is_err());
        assert!(JsonPatch::parse("- {op: add, path: /a, value: .inf}\n").is_err());
        assert!(JsonPatch::parse("# nothing\n").unwrap().is_empty());
        assert!(JsonPatch::parse("").is_err());
    }
}
