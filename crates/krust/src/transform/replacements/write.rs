//! Writing a replacement's value into one target field: kustomize's
//! `copyValueToTarget` and `setFieldValue`, with what kyaml keeps of the
//! node written (its text, whether it has a tag) for later steps.

use krust_yaml::Value;

use crate::resource::Resource;

use super::path::{self, WalkError, Walker};
use super::scalar::{self, Tag};
use super::{structured, FieldOptions, Replacing};
use krust_yaml::strconv::quote as go_quote;

/// The one node `field_path` names in `obj`, as a path, when it names one
/// (no wildcard, no `-`) and it exists.
pub(super) fn concrete_path(obj: &Value, field_path: &str) -> Option<Vec<krust_yaml::PathSeg>> {
    if let Some(keys) = plain_keys(field_path) {
        return Some(keys);
    }
    let parts = path::split(field_path);
    if parts.iter().any(|p| p.contains('*') || p.trim() == "-") {
        return None;
    }
    path::locate(obj, &parts).ok().flatten()
}

/// A field path of map keys only (`metadata.annotations.x`), as a path.
fn plain_keys(field_path: &str) -> Option<Vec<krust_yaml::PathSeg>> {
    path::split(field_path)
        .into_iter()
        .map(|seg| {
            let plain = !seg.is_empty()
                && !seg.contains(['[', ']', '*'])
                && !seg.bytes().all(|b| b.is_ascii_digit());
            plain.then_some(krust_yaml::PathSeg::Key(seg))
        })
        .collect()
}

/// The nulls of `res` written as `key:` with no value (kyaml reads those
/// as empty text, other nulls as `null`), by address in its object. Only
/// meaningful until the object changes.
pub(super) fn written_empty_nulls(res: &Resource) -> Vec<*const Value> {
    fn has_null(v: &Value) -> bool {
        match v {
            Value::Null => true,
            Value::Map(m) => m.values().any(has_null),
            Value::Seq(items) => items.iter().any(has_null),
            _ => false,
        }
    }
    fn gone(before: &Value, after: &Value, out: &mut Vec<*const Value>) {
        match (before, after) {
            (Value::Map(b), Value::Map(a)) => {
                for (k, v) in b.iter() {
                    match a.get(k) {
                        None if v.is_null() => out.push(v),
                        Some(av) => gone(v, av, out),
                        None => {}
                    }
                }
            }
            (Value::Seq(b), Value::Seq(a)) => {
                for (v, av) in b.iter().zip(a) {
                    gone(v, av, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if has_null(res.obj()) {
        let mut dropped = res.clone();
        dropped.drop_empty_values();
        gone(res.obj(), dropped.obj(), &mut out);
    }
    out
}

/// kustomize's `copyValueToTarget` for one field path. `empties` (from
/// kustomize 5.8 on) turns on writing inside JSON or YAML held in a string
/// (see [`structured`]) and lists the nulls written as `key:`.
pub(super) fn write_field(
    obj: &mut Value,
    value: &Replacing,
    field_path: &str,
    options: Option<&FieldOptions>,
    empties: Option<&[*const Value]>,
    tag: Option<Tag>,
) -> Result<Option<Written>, String> {
    let create = options.is_some_and(|o| o.create).then(|| value.kind());
    let not_found = if create.is_some() {
        format!(
            "unable to find or create field {} in replacement target",
            go_quote(field_path)
        )
    } else {
        format!(
            "unable to find field {} in replacement target",
            go_quote(field_path)
        )
    };
    let parts = path::split(field_path);
    let empty = |v: &Value| empties.is_some_and(|e| e.iter().any(|&p| std::ptr::eq(p, v)));
    if empties.is_some() && structured::write(obj, value, &parts, create, &empty)? {
        return Ok(None);
    }
    let delimiter = options.is_some_and(|o| !o.delimiter.is_empty());
    let mut inside = |field: &Value, rest: &[String]| {
        structured::walk_inside(field, empty(field), rest, create, delimiter, field_path)
    };
    let mut written = None;
    let mut set = |node: &mut Value, created: bool| {
        let tag = if created { Some(Tag::Untagged) } else { tag };
        written = set_field(node, created, tag, value, options)?.map(|(text, mistyped)| Written {
            text,
            created,
            mistyped,
        });
        Ok(())
    };
    let mut walker = Walker {
        create,
        set: &mut set,
        inside: empties.map(|_| &mut inside as &mut path::Inside<'_>),
    };
    match walker.walk(obj, &parts, false) {
        Ok(0) => Err(not_found),
        Ok(_) => Ok(written),
        Err(WalkError::Path(e)) => Err(format!("{not_found}: {e}")),
        Err(WalkError::Set(e)) => Err(e),
    }
}

/// What a scalar target's node holds after a write: its text (kyaml
/// keeps it, and prints annotations as it), and whether the walk created
/// it (untagged, so a later write's text decides its type).
pub(super) struct Written {
    pub(super) text: String,
    pub(super) created: bool,
    /// The text does not fit the node's tag: kustomize keeps the node and
    /// fails only when it next turns the object into JSON, with this.
    pub(super) mistyped: Option<String>,
}

/// kustomize's `setFieldValue`; returns the text a scalar target's node
/// now holds. `tag`: the node's tag where the current value does not say it
/// (`Untagged`: kyaml made the node, so the text decides its type).
pub(super) fn set_field(
    target: &mut Value,
    created: bool,
    tag: Option<Tag>,
    value: &Replacing,
    options: Option<&FieldOptions>,
) -> Result<Option<(String, Option<String>)>, String> {
    let is_scalar = !matches!(target, Value::Map(_) | Value::Seq(_));
    let joined;
    let mut text = value.text();
    if let Some(opts) = options.filter(|o| !o.delimiter.is_empty()) {
        if !is_scalar {
            return Err("delimiter option can only be used with scalar nodes".into());
        }
        let current = if created {
            String::new()
        } else {
            path::node_text(target)
        };
        let mut parts: Vec<&str> = current.split(opts.delimiter.as_str()).collect();
        match usize::try_from(opts.index) {
            Err(_) => parts.insert(0, text),
            Ok(i) if i >= parts.len() => parts.push(text),
            Ok(i) => parts[i] = text,
        }
        joined = parts.join(&opts.delimiter);
        text = &joined;
    }
    if is_scalar {
        let tag = tag.unwrap_or_else(|| Tag::of(target));
        match scalar::to_value(tag, text) {
            Ok(v) => {
                *target = v;
                Ok(Some((text.to_owned(), None)))
            }
            Err(e) => {
                *target = Value::from(text);
                Ok(Some((text.to_owned(), Some(e))))
            }
        }
    } else {
        *target = value.node()?;
        Ok(None)
    }
}
