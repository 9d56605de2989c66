//! `vars:` — the deprecated `$(NAME)` substitution, as kustomize v5.5.0
//! still performs it.
//!
//! kustomize handles vars in two steps, and krust's API follows them:
//!
//! 1. **Binding** ([`merge_vars`]), at the end of each kustomization's
//!    accumulation (after its transformers): every var of that
//!    kustomization is matched against the resources accumulated so far,
//!    by any of their ids (current or earlier). The objref's group, version
//!    and kind must equal the resource's exactly (an objref without
//!    `apiVersion`/`version` only matches resources with an empty version),
//!    and so must the name; the namespace is compared only when the objref
//!    names one. Two matches are an error; one match marks the resource
//!    with the var's name (the mark follows the resource through later
//!    renames); no match is not an error yet. The var then joins the
//!    accumulation's [`VarSet`], where a name already present is an error.
//! 2. **Resolution** ([`resolve`]), once, at the very end of the top-level
//!    build (after name back-references are fixed): each var's value is read
//!    from the first resource marked with its name, at its field path; then
//!    every string at a `varReference` field has its `$(NAME)`s replaced.
//!    A string that is exactly `$(NAME)` takes the value's type (numbers
//!    and booleans stay numbers and booleans); `$$` writes `$`; unknown
//!    names are left as written; unused vars are only logged by kustomize.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use krust_yaml::{PathSeg, Value};

use super::replacements::path;
use crate::decode::{fields, string};
use crate::error::{Error, Result};
use crate::fieldspec::FieldSpec;
use crate::resid::ResId;
use crate::resid::{gvk_string, resid_string};
use crate::resmap::ResMap;
use crate::resource::Resource;

/// The field path a var reads when it names none.
pub const DEFAULT_FIELD_PATH: &str = "metadata.name";

/// `objref:` of a var.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjRef {
    /// `apiVersion`; when set it provides the group and version.
    pub api_version: String,
    /// `group`.
    pub group: String,
    /// `version`.
    pub version: String,
    /// `kind`.
    pub kind: String,
    /// `name` (the object's name at the time the var is declared).
    pub name: String,
    /// `namespace`; empty matches any namespace.
    pub namespace: String,
}

impl ObjRef {
    /// kustomize's `Target.GVK()`: `apiVersion` split into group and version
    /// when it has one or two parts; otherwise the separate fields.
    fn gvk(&self) -> (String, String, String) {
        let (mut group, mut version) = (self.group.clone(), self.version.clone());
        if !self.api_version.is_empty() {
            let parts: Vec<&str> = self.api_version.split('/').collect();
            match parts[..] {
                [g, v] => (group, version) = (g.to_owned(), v.to_owned()),
                [v] => version = v.to_owned(),
                _ => {}
            }
        }
        (group, version, self.kind.clone())
    }
}

/// One var.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Var {
    /// The name used as `$(NAME)`.
    pub name: String,
    /// The object to read.
    pub objref: ObjRef,
    /// `fieldref.fieldPath`; empty means `metadata.name`.
    pub field_path: String,
}

impl Var {
    /// The var after kustomize's `Defaulting`: group/version from
    /// `apiVersion`, default field path.
    fn defaulted(&self) -> Var {
        let (group, version, _) = self.objref.gvk();
        let mut v = self.clone();
        v.objref.group = group;
        v.objref.version = version;
        if v.field_path.is_empty() {
            v.field_path = DEFAULT_FIELD_PATH.to_owned();
        }
        v
    }
}

impl fmt::Display for Var {
    /// Go's `%v` of kustomize's `Var` struct: `{NAME Kind.version.group {fieldPath}}`
    /// (the objref prints as its group/version/kind only).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.objref;
        write!(
            f,
            "{{{} {} {{{}}}}}",
            self.name,
            gvk_string(&o.group, &o.version, &o.kind),
            self.field_path
        )
    }
}

/// Go's `%v` of a list of vars: `[{…} {…}]`.
fn list_string(vars: &[Var]) -> String {
    let items: Vec<String> = vars.iter().map(Var::to_string).collect();
    format!("[{}]", items.join(" "))
}

/// The vars of an accumulation, by name (kustomize's `VarSet`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VarSet {
    vars: BTreeMap<String, Var>,
}

impl VarSet {
    /// An empty set.
    pub fn new() -> VarSet {
        VarSet::default()
    }

    /// Whether there are no vars.
    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    /// The vars, sorted by name, defaulted.
    pub fn iter(&self) -> impl Iterator<Item = &Var> {
        self.vars.values()
    }

    /// Adds one var; a name already present is kustomize's error.
    pub fn merge(&mut self, var: &Var) -> Result<(), String> {
        if self.vars.contains_key(&var.name) {
            return Err(format!("var '{}' already encountered", var.name));
        }
        self.vars.insert(var.name.clone(), var.defaulted());
        Ok(())
    }

    /// Absorbs a child accumulation's vars (kustomize's `MergeSet`): any name
    /// already present is an error. kustomize wraps it as
    /// `recursed merging from path '<child dir>': var 'X' already encountered`.
    pub fn merge_set(&mut self, other: VarSet) -> Result<(), String> {
        for var in other.vars.into_values() {
            self.merge(&var)?;
        }
        Ok(())
    }
}

/// Decodes one entry of `vars:` strictly (unknown fields are errors).
pub fn parse_var(v: &Value) -> Result<Var, String> {
    let mut var = Var::default();
    for (field, value) in fields(v, &["name", "objref", "fieldref"])? {
        let at = |e: String| format!("{field}: {e}");
        match field {
            "name" => var.name = string(value).map_err(at)?,
            "objref" => var.objref = objref(value).map_err(at)?,
            _ => {
                for (_, path) in fields(value, &["fieldPath"]).map_err(at)? {
                    var.field_path = string(path).map_err(at)?;
                }
            }
        }
    }
    Ok(var)
}

fn objref(v: &Value) -> Result<ObjRef, String> {
    let mut o = ObjRef::default();
    let known = &[
        "apiVersion",
        "group",
        "version",
        "kind",
        "name",
        "namespace",
    ];
    for (field, value) in fields(v, known)? {
        let text = string(value).map_err(|e| format!("{field}: {e}"))?;
        match field {
            "apiVersion" => o.api_version = text,
            "group" => o.group = text,
            "version" => o.version = text,
            "kind" => o.kind = text,
            "name" => o.name = text,
            _ => o.namespace = text,
        }
    }
    Ok(o)
}

/// kustomize's `MergeVars`: binds this kustomization's `incoming` vars to
/// the accumulated resources (calling `mark(resource, var name)` on the one
/// each var matches; the caller must keep that mark on the resource through
/// the rest of the build), then adds them to `set`.
pub fn merge_vars(
    map: &mut ResMap,
    set: &mut VarSet,
    incoming: &[Var],
    mark: &mut dyn FnMut(&mut Resource, &str),
) -> Result<()> {
    let wrap = |e: String| Error::transform(format!("merging vars {}: {e}", list_string(incoming)));
    for var in incoming {
        let (group, version, kind) = var.objref.gvk();
        let matches = |id: &ResId| {
            id.gvk.group == group
                && id.gvk.version == version
                && id.gvk.kind == kind
                && id.name == var.objref.name
                && (var.objref.namespace.is_empty()
                    || objref_namespace(&var.objref.namespace) == id.effective_namespace())
        };
        let selected = |res: &Resource| {
            std::iter::once(res.id())
                .chain(res.previous_ids())
                .any(matches)
        };
        let found = map.resources().iter().filter(|r| selected(r)).count();
        if found > 1 {
            let mut shown = var.clone();
            (shown.objref.group, shown.objref.version, _) = var.objref.gvk();
            return Err(wrap(format!(
                "found {found} resId matches for var {shown} (unable to disambiguate)"
            )));
        }
        if found == 1 {
            map.transform(|res| {
                if selected(res) {
                    mark(res, &var.name);
                }
                Ok(())
            })?;
        }
    }
    incoming.iter().try_for_each(|v| set.merge(v)).map_err(wrap)
}

/// The namespace an objref compares with: kustomize builds its id without
/// knowing the kind's scope, so only `""` and `default` are the same.
fn objref_namespace(ns: &str) -> &str {
    if ns.is_empty() {
        "default"
    } else {
        ns
    }
}

/// A var's value, as kustomize's `GetFieldValue` returns it.
#[derive(Debug, Clone, PartialEq)]
enum VarValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A list or map: kustomize cannot substitute it and leaves `$(NAME)`.
    Other,
}

impl VarValue {
    /// Go's `%v`.
    fn go_string(&self) -> String {
        match self {
            VarValue::Str(s) => s.clone(),
            VarValue::Int(i) => i.to_string(),
            VarValue::Float(f) => krust_yaml::number::go_format_g(*f),
            VarValue::Bool(b) => b.to_string(),
            VarValue::Other => String::new(),
        }
    }

    /// The node a whole-string `$(NAME)` becomes.
    fn into_value(self) -> Value {
        match self {
            VarValue::Str(s) => Value::String(s),
            VarValue::Int(i) => Value::Int(i),
            VarValue::Float(f) => Value::Float(f),
            VarValue::Bool(b) => Value::Bool(b),
            VarValue::Other => Value::Null,
        }
    }
}

/// kyaml's `RNode.GetFieldValue`: `ports[0]` means `ports.0`; `None` when
/// the field is missing or cannot be read. A number or bool is read from
/// the text it was written as (`text` gives it where the value model spells
/// it otherwise) with Go's `strconv`: `0x1F` fails `Atoi`, `012` is 12.
fn field_value(
    obj: &Value,
    field_path: &str,
    text: &dyn Fn(&[PathSeg]) -> Option<String>,
) -> Option<VarValue> {
    let mut parts = Vec::new();
    for part in path::split(field_path) {
        match slice_index(&part) {
            Some((name, index)) => {
                if !name.is_empty() {
                    parts.push(name.to_owned());
                }
                parts.push(index.to_owned());
            }
            None => parts.push(part),
        }
    }
    let segs = path::locate(obj, &parts).ok()??;
    let node = obj.at(&segs)?;
    let written = || text(&segs);
    Some(match node {
        Value::Map(_) | Value::Seq(_) => VarValue::Other,
        Value::String(s) => VarValue::Str(s.clone()),
        Value::Int(i) => match written() {
            Some(text) => VarValue::Int(go_atoi(&text)?),
            None => VarValue::Int(*i),
        },
        // Go's strconv.Atoi fails above i64.
        Value::UInt(_) => return None,
        Value::Float(f) => match written() {
            // Go's ParseFloat reads what Rust's does, but YAML's `.inf`.
            Some(text) => VarValue::Float(text.parse().ok()?),
            // `.inf` and `.nan`, canonical as YAML spells them.
            None if !f.is_finite() => return None,
            None => VarValue::Float(*f),
        },
        Value::Bool(b) => match written() {
            Some(text) => VarValue::Bool(go_parse_bool(&text)?),
            None => VarValue::Bool(*b),
        },
        Value::Null => VarValue::Str("null".into()),
    })
}

/// Go's `strconv.Atoi`: decimal digits with an optional sign, in range.
fn go_atoi(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Go's `strconv.ParseBool`.
fn go_parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// `name[123]` split into `name` and `123` (kyaml's `convertSliceIndex`).
fn slice_index(part: &str) -> Option<(&str, &str)> {
    let body = part.strip_suffix(']')?;
    let open = body.rfind('[')?;
    let digits = &body[open + 1..];
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| (&body[..open], digits))
}

/// kustomize's `ResolveVars`: reads every var of `set` from the resource
/// `is_bound(resource, name)` says carries it (the first in order), then
/// replaces `$(NAME)` in the `var_reference` fields of every resource.
/// Returns the names of vars that were never substituted, sorted (kustomize
/// logs them as `well-defined vars that were never replaced: A,B`).
pub fn resolve(
    map: &mut ResMap,
    set: &VarSet,
    var_reference: &[FieldSpec],
    is_bound: &dyn Fn(&Resource, &str) -> bool,
) -> Result<Vec<String>> {
    if set.is_empty() {
        return Ok(Vec::new());
    }
    let mut values = BTreeMap::new();
    for var in set.iter() {
        let res = map
            .resources()
            .iter()
            .find(|r| is_bound(r, &var.name))
            .ok_or_else(|| {
                let (group, version, kind) = var.objref.gvk();
                let wanted = ResId {
                    gvk: crate::resid::Gvk {
                        group,
                        version,
                        kind,
                    },
                    namespace: var.objref.namespace.clone(),
                    name: var.objref.name.clone(),
                };
                let near =
                    crate::suggest::closest_note(&wanted, map.resources().iter().map(Resource::id));
                Error::transform(format!(
                    "var '{var}' cannot be mapped to a field in the set of known resources{near}"
                ))
            })?;
        let text = |segs: &[PathSeg]| res.scalar_text(segs).map(str::to_owned);
        let value = field_value(res.obj(), &var.field_path, &text).ok_or_else(|| {
            Error::transform(format!(
                "field specified in var '{var}' not found in corresponding resource"
            ))
        })?;
        values.insert(var.name.clone(), value);
    }
    let mut used = BTreeSet::new();
    map.transform(|res| {
        for spec in var_reference {
            if !spec.applies_to(&res.id().gvk) {
                continue;
            }
            let id = kustomize_id(res.id());
            let mut set = |node: &mut Value| substitute(node, &values, &mut used);
            visit(res.obj_mut(), &spec.segments, &mut set).map_err(|e| {
                Error::transform(format!(
                    "considering field '{}' of object {id}: {e}",
                    spec.path
                ))
            })?;
        }
        Ok(())
    })?;
    Ok(set
        .iter()
        .map(|v| v.name.clone())
        .filter(|n| !used.contains(n))
        .collect())
}

/// `ResId.String()` as kustomize prints it in field errors.
fn kustomize_id(id: &ResId) -> String {
    resid_string(
        &id.gvk.group,
        &id.gvk.version,
        &id.gvk.kind,
        &id.name,
        &id.namespace,
    )
}

/// kustomize's field-spec walk without creation: lists are entered element
/// by element, missing fields and nulls end the walk quietly.
fn visit(
    node: &mut Value,
    path: &[String],
    set: &mut dyn FnMut(&mut Value) -> Result<(), String>,
) -> Result<(), String> {
    let Some((first, rest)) = path.split_first() else {
        return set(node);
    };
    match node {
        Value::Null => Ok(()),
        Value::Seq(items) => items
            .iter_mut()
            .try_for_each(|item| visit(item, path, set))
            .map_err(|e| format!("visit traversal on path: [{}]: {e}", path.join(" "))),
        Value::Map(map) => {
            let (name, is_seq) = match first.strip_suffix("[]") {
                Some(name) => (name, true),
                None => (first.as_str(), false),
            };
            if name.is_empty() {
                return Err("cannot set or create an empty field name".into());
            }
            let Some(field) = map.get_mut(name) else {
                return Ok(());
            };
            if is_seq && field.is_null() {
                *field = Value::Seq(Vec::new());
            }
            visit(field, rest, set)
        }
        _ => Err("expected sequence or mapping node".into()),
    }
}

/// kustomize's `refvar` setter: strings (alone, as map values, or as list
/// items, which must all be strings) get their `$(NAME)`s replaced.
fn substitute(
    node: &mut Value,
    values: &BTreeMap<String, VarValue>,
    used: &mut BTreeSet<String>,
) -> Result<(), String> {
    let mut one = |s: &mut Value| {
        if let Value::String(text) = s {
            *s = expand(text, values, used);
        }
    };
    match node {
        Value::String(_) => one(node),
        Value::Map(map) => map.values_mut().for_each(one),
        Value::Seq(items) => {
            for item in items {
                if !matches!(item, Value::String(_)) {
                    return Err("invalid value type expect a string".into());
                }
                one(item);
            }
        }
        _ => {}
    }
    Ok(())
}

/// kustomize's `DoReplacements` with its primitive mapping: `$(NAME)`
/// becomes the var's value (keeping its type when it is the whole string),
/// `$$` becomes `$`, anything else is kept.
fn expand(input: &str, values: &BTreeMap<String, VarValue>, used: &mut BTreeSet<String>) -> Value {
    let bytes = input.as_bytes();
    let mut lookup = |name: &[u8]| -> Option<VarValue> {
        let name = std::str::from_utf8(name).ok()?;
        match values.get(name) {
            Some(VarValue::Other) | None => None,
            Some(v) => {
                used.insert(name.to_owned());
                Some(v.clone())
            }
        }
    };
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let (mut checkpoint, mut cursor) = (0, 0);
    while cursor < bytes.len() {
        if bytes[cursor] == b'$' && cursor + 1 < bytes.len() {
            out.extend_from_slice(&bytes[checkpoint..cursor]);
            let rest = &bytes[cursor + 1..];
            let mut advance = 1;
            match rest[0] {
                b'$' => out.push(b'$'),
                b'(' => match rest.iter().position(|&b| b == b')') {
                    Some(close) => {
                        let name = &rest[1..close];
                        let mapped = lookup(name);
                        if close + 2 == bytes.len() && cursor == 0 {
                            // The whole string is one reference: keep the value's type.
                            return match mapped {
                                Some(v) => v.into_value(),
                                None => Value::from(input),
                            };
                        }
                        match mapped {
                            Some(v) => out.extend_from_slice(v.go_string().as_bytes()),
                            None => {
                                out.extend_from_slice(b"$(");
                                out.extend_from_slice(name);
                                out.push(b')');
                            }
                        }
                        advance = close + 1;
                    }
                    None => out.extend_from_slice(b"$("),
                },
                // Go appends `string(byte)`: the byte read as a code point.
                other => {
                    out.push(b'$');
                    let mut buf = [0; 4];
                    out.extend_from_slice(char::from(other).encode_utf8(&mut buf).as_bytes());
                }
            }
            cursor += advance;
            checkpoint = cursor + 1;
        }
        cursor += 1;
    }
    out.extend_from_slice(&bytes[checkpoint.min(bytes.len())..]);
    Value::String(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TransformerConfig;
    use crate::resid::IdKey;
    use std::cell::RefCell;
    use std::collections::HashMap;

    fn yaml(s: &str) -> Value {
        krust_yaml::load_documents(s).unwrap().remove(0)
    }

    fn resmap(src: &str) -> ResMap {
        let mut map = ResMap::new();
        for doc in krust_yaml::load_documents(src).unwrap() {
            map.append(Resource::new(doc)).unwrap();
        }
        map
    }

    fn vars(src: &str) -> Vec<Var> {
        yaml(src)
            .as_seq()
            .unwrap()
            .iter()
            .map(|v| parse_var(v).unwrap())
            .collect()
    }

    /// Marks kept beside the resources, keyed by id (the tests rename nothing
    /// between binding and resolving).
    #[derive(Default)]
    struct Marks(RefCell<HashMap<IdKey, Vec<String>>>);

    impl Marks {
        fn merge(&self, map: &mut ResMap, set: &mut VarSet, incoming: &[Var]) -> Result<()> {
            merge_vars(map, set, incoming, &mut |res, name| {
                self.0
                    .borrow_mut()
                    .entry(res.id().key())
                    .or_default()
                    .push(name.to_owned())
            })
        }

        fn resolve(&self, map: &mut ResMap, set: &VarSet) -> Result<Vec<String>> {
            let is_bound = |res: &Resource, name: &str| {
                self.0
                    .borrow()
                    .get(&res.id().key())
                    .is_some_and(|names| names.iter().any(|n| n == name))
            };
            resolve(
                map,
                set,
                &TransformerConfig::builtin().var_reference,
                &is_bound,
            )
        }
    }

    /// Binds and resolves `vars` over `resources`; the objects, and unused var names.
    fn run(resources: &str, var_list: &str) -> Result<(Vec<Value>, Vec<String>), String> {
        let marks = Marks::default();
        let mut map = resmap(resources);
        let mut set = VarSet::new();
        marks
            .merge(&mut map, &mut set, &vars(var_list))
            .map_err(|e| e.message().to_owned())?;
        let unused = marks
            .resolve(&mut map, &set)
            .map_err(|e| e.message().to_owned())?;
        let objs = map
            .into_resources()
            .into_iter()
            .map(Resource::into_obj)
            .collect();
        Ok((objs, unused))
    }

    const RES: &str = r#"
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  ports:
  - port: 5432
    name: pg
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  b: true
  f: 1000000.0
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  annotations:
    a: "$(DB_HOST)"
spec:
  template:
    metadata:
      annotations:
        x: "$(DB_PORT)"
    spec:
      containers:
      - name: c
        image: busybox
        command: ["sh", "-c", "echo $(DB_HOST):$(DB_PORT) $$(DB_HOST) $(UNKNOWN) $$ $x $(DB"]
        args: ["$(DB_PORT)", "$(B)", "$(F)", "p=$(F)", "$(CM)"]
        env:
        - name: PORT
          value: "$(DB_PORT)"
        - name: B
          value: $(B)
"#;

    const VARS: &str = r#"
- name: DB_HOST
  objref: {kind: Service, name: db, apiVersion: v1}
- name: DB_PORT
  objref: {kind: Service, name: db, apiVersion: v1}
  fieldref:
    fieldPath: spec.ports[0].port
- name: B
  objref: {kind: ConfigMap, name: cfg, apiVersion: v1}
  fieldref: {fieldPath: data.b}
- name: F
  objref: {kind: ConfigMap, name: cfg, apiVersion: v1}
  fieldref: {fieldPath: data.f}
- name: CM
  objref: {kind: ConfigMap, name: cfg, apiVersion: v1}
  fieldref: {fieldPath: data}
- name: UNUSED
  objref: {kind: ConfigMap, name: cfg, apiVersion: v1}
"#;

    #[test]
    fn substitutes_like_kubectl() {
        let (objs, unused) = run(RES, VARS).unwrap();
        assert_eq!(unused, ["CM", "UNUSED"]);
        let dep = &objs[2];
        assert_eq!(
            dep.get_path(&["metadata", "annotations", "a"]),
            Some(&Value::from("db"))
        );
        assert_eq!(
            dep.get_path(&["spec", "template", "metadata", "annotations", "x"]),
            Some(&Value::Int(5432))
        );
        let c = &dep
            .get_path(&["spec", "template", "spec", "containers"])
            .and_then(Value::as_seq)
            .unwrap()[0];
        assert_eq!(
            c.get("command"),
            Some(&yaml(
                "[sh, -c, 'echo db:5432 $(DB_HOST) $(UNKNOWN) $ $x $(DB']"
            ))
        );
        assert_eq!(
            c.get("args"),
            Some(&yaml("[5432, true, 1000000.0, p=1e+06, $(CM)]"))
        );
        assert_eq!(
            c.get("env"),
            Some(&yaml("[{name: PORT, value: 5432}, {name: B, value: true}]"))
        );
    }

    #[test]
    fn without_vars_nothing_is_touched() {
        let (objs, _) = run(RES, "[]").unwrap();
        assert_eq!(objs, krust_yaml::load_documents(RES).unwrap());
    }

    #[test]
    fn binding_errors_match_kubectl() {
        let two = "apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: b}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: nsx}\n";
        assert_eq!(
            run(two, "- name: X\n  objref: {kind: Service, name: db, apiVersion: v1}\n").unwrap_err(),
            "merging vars [{X Service.[noVer].[noGrp] {}}]: found 2 resId matches for var {X Service.v1.[noGrp] {}} (unable to disambiguate)"
        );
        // A namespace disambiguates; a Namespace object never matches one.
        assert_eq!(
            run(two, "- name: X\n  objref: {kind: Service, name: db, apiVersion: v1, namespace: b}\n- name: NSV\n  objref: {kind: Namespace, name: nsx, apiVersion: v1, namespace: default}\n").unwrap_err(),
            "var '{NSV Namespace.v1.[noGrp] {metadata.name}}' cannot be mapped to a field in the set of known resources (closest: Namespace.v1/nsx.[noNs])"
        );
        // Without apiVersion the version is empty and matches nothing.
        assert_eq!(
            run(RES, "- name: D\n  objref: {kind: Service, name: db}\n").unwrap_err(),
            "var '{D Service.[noVer].[noGrp] {metadata.name}}' cannot be mapped to a field in the set of known resources (closest: Service.v1/db.[noNs])"
        );
        assert_eq!(
            run(RES, "- name: D\n  objref: {kind: ConfigMap, name: cfg, apiVersion: v1}\n  fieldref: {fieldPath: metadata.namespace}\n").unwrap_err(),
            "field specified in var '{D ConfigMap.v1.[noGrp] {metadata.namespace}}' not found in corresponding resource"
        );
        assert_eq!(
            run(RES, "- name: X\n  objref: {kind: Service, name: db, apiVersion: v1}\n- name: X\n  objref: {kind: Service, name: db, apiVersion: v1}\n").unwrap_err(),
            "merging vars [{X Service.[noVer].[noGrp] {}} {X Service.[noVer].[noGrp] {}}]: var 'X' already encountered"
        );
    }

    #[test]
    fn var_sets_refuse_duplicates_across_kustomizations() {
        let mut a = VarSet::new();
        a.merge(&vars("- name: DB\n  objref: {kind: Service, name: db}\n")[0])
            .unwrap();
        let mut b = VarSet::new();
        b.merge(&vars("- name: DB\n  objref: {kind: Service, name: db}\n")[0])
            .unwrap();
        assert_eq!(a.merge_set(b).unwrap_err(), "var 'DB' already encountered");
    }

    #[test]
    fn list_items_must_be_strings() {
        let res = "apiVersion: v1\nkind: Service\nmetadata: {name: db}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: pod, namespace: a}\nspec:\n  containers:\n  - name: c\n    command: [1, \"$(X)\"]\n    env: ~\n";
        assert_eq!(
            run(res, "- name: X\n  objref: {kind: Service, name: db, apiVersion: v1}\n").unwrap_err(),
            "considering field 'spec/containers/command' of object Pod.v1.[noGrp]/pod.a: visit traversal on path: [command]: invalid value type expect a string"
        );
    }

    #[test]
    fn nulls_on_the_way_are_skipped() {
        let res = "apiVersion: v1\nkind: Service\nmetadata: {name: db}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: pod}\nspec:\n  initContainers: ~\n  containers:\n  - name: c\n    env:\n    volumeMounts: ~\n    args: [\"$(X)\"]\n";
        let (objs, _) = run(
            res,
            "- name: X\n  objref: {kind: Service, name: db, apiVersion: v1}\n",
        )
        .unwrap();
        assert_eq!(
            objs[1].get_path(&["spec", "containers"]),
            Some(&yaml(
                "[{name: c, env: null, volumeMounts: null, args: [db]}]"
            ))
        );
    }

    #[test]
    fn expands_escapes_and_partial_references() {
        let values = BTreeMap::from([
            ("A".to_owned(), VarValue::Str("x".into())),
            ("N".to_owned(), VarValue::Int(3)),
            ("M".to_owned(), VarValue::Other),
        ]);
        let mut used = BTreeSet::new();
        let mut e = |s: &str| expand(s, &values, &mut used);
        assert_eq!(e("$(A)"), Value::from("x"));
        assert_eq!(e("$(N)"), Value::Int(3));
        assert_eq!(e("$(M)"), Value::from("$(M)"));
        assert_eq!(e("a$(N)b"), Value::from("a3b"));
        assert_eq!(e("$$(A)"), Value::from("$(A)"));
        assert_eq!(e("$$$(A)"), Value::from("$x"));
        assert_eq!(e("$(A"), Value::from("$(A"));
        assert_eq!(e("$"), Value::from("$"));
        assert_eq!(e("a$"), Value::from("a$"));
        assert_eq!(e("$x$(Z)"), Value::from("$x$(Z)"));
        assert_eq!(e("$()"), Value::from("$()"));
        assert_eq!(e("é$é"), Value::String("é$Ã\u{FFFD}".into()));
    }

    #[test]
    fn parses_vars_strictly() {
        let v = parse_var(&yaml(
            "name: X\nobjref: {apiVersion: apps/v1, kind: Deployment, name: d, namespace: n}\nfieldref: {fieldPath: spec.replicas}\n",
        ))
        .unwrap();
        assert_eq!(
            v.objref.gvk(),
            ("apps".into(), "v1".into(), "Deployment".into())
        );
        assert_eq!(v.field_path, "spec.replicas");
        assert_eq!(
            parse_var(&yaml("name: X\nobjref: {kind: K, bogus: 1}\n")).unwrap_err(),
            "objref: json: unknown field \"bogus\""
        );
        assert!(parse_var(&yaml("name: true\n")).is_err());
    }

    #[test]
    fn reads_slice_indexes() {
        let obj = yaml("spec: {ports: [{port: 1}, {port: 2, name: b}]}");
        let none = |_: &[PathSeg]| None;
        assert_eq!(
            field_value(&obj, "spec.ports[1].port", &none),
            Some(VarValue::Int(2))
        );
        assert_eq!(
            field_value(&obj, "spec.ports.[name=b].port", &none),
            Some(VarValue::Int(2))
        );
        assert_eq!(field_value(&obj, "spec.ports[5].port", &none), None);
        // Numbers and bools are read from their text as Go's strconv reads it.
        let written = |text: &'static str| move |_: &[PathSeg]| Some(text.to_owned());
        let port = "spec.ports[0].port";
        assert_eq!(field_value(&obj, port, &written("0x1F")), None);
        assert_eq!(
            field_value(&obj, port, &written("012")),
            Some(VarValue::Int(12))
        );
        assert_eq!(
            field_value(&obj, port, &written("+1")),
            Some(VarValue::Int(1))
        );
        assert_eq!(go_parse_bool("yes"), None);
        assert_eq!(go_parse_bool("T"), Some(true));
        assert_eq!(slice_index("[3]"), Some(("", "3")));
    }
}
