//! Mapping keys and merge keys, as kustomize's reader leaves them.
//!
//! kustomize (kyaml `DeAnchor`) expands `<<` merge keys itself before
//! go-yaml v3 decodes the resource into `map[string]interface{}` for JSON:
//!
//! * a mapping may have one merge key (a second is "duplicate merge key");
//!   its value is a mapping, an alias of one, or a sequence of those;
//! * the mapping's own keys win, and among merged mappings the earlier wins;
//! * kyaml then deletes the first key spelled `<<` — so a quoted `"<<"` key
//!   that precedes any merge key silently disappears (kubectl prints `{}`
//!   for `{"<<": {a: 1}}`).
//!
//! Keys must end up as strings for JSON. A document's root mapping is decoded
//! into Go's `map[string]interface{}`, which takes any scalar key's text
//! (`1: x` prints as `"1": x`); nested mappings with a non-string key become
//! `map[interface{}]interface{}`, which Go's JSON encoder rejects, so those
//! are errors here. Duplicate keys are an error, as in go-yaml v3.

use std::borrow::Cow;

use super::resolve::{resolve_scalar, Resolved, TagKind};
use super::PosError;
use crate::{Mapping, Value};

/// A mapping key, already converted to the string kustomize uses.
#[derive(Debug)]
pub(crate) struct Key {
    pub name: String,
    /// A merge key (`<<`, or anything tagged `!!merge`).
    pub merge: bool,
    pub line: usize,
    pub col: usize,
}

/// Where a key sits: the document's root mapping decodes keys leniently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyContext {
    Root,
    Nested,
}

/// Where a key was written (1-based line, 0-based column within its chunk).
#[derive(Debug, Clone, Copy)]
pub(crate) struct At {
    pub line: usize,
    pub col: usize,
}

/// Converts a scalar used as a mapping key into its string, or explains why
/// kustomize cannot use it.
pub(crate) fn scalar_key(
    text: Cow<'_, str>,
    plain: bool,
    tag: TagKind,
    context: KeyContext,
    at: At,
) -> Result<Key, PosError> {
    let error = |message: String| PosError::new(message, at.line, at.col);
    let merge = tag == TagKind::Merge || (tag == TagKind::None && plain && text == "<<");
    let (kind, resolved) = if merge {
        (TagKind::Merge, Resolved::Text)
    } else {
        resolve_scalar(&text, plain, tag).map_err(error)?
    };
    let name = match (kind, resolved) {
        (TagKind::Str | TagKind::Merge, Resolved::Text) => text.into_owned(),
        // kyaml re-encodes an empty null key as `''`, so it comes back a string.
        (TagKind::Null, _) if tag == TagKind::None && text.is_empty() => String::new(),
        (TagKind::Null, _) => {
            return Err(error(format!(
                "mapping key {text:?} is null, which kustomize cannot represent"
            )))
        }
        (_, Resolved::Decoded(decoded)) if context == KeyContext::Root => decoded,
        (_, _) if context == KeyContext::Root => text.into_owned(),
        (kind, _) => {
            return Err(error(format!(
                "mapping key {text:?} is not a string ({}): kustomize cannot convert a map with non-string keys to JSON",
                kind_name(kind)
            )))
        }
    };
    Ok(Key {
        name,
        merge,
        line: at.line,
        col: at.col,
    })
}

fn kind_name(kind: TagKind) -> &'static str {
    match kind {
        TagKind::Bool => "bool",
        TagKind::Int => "int",
        TagKind::Float => "float",
        TagKind::Timestamp => "timestamp",
        TagKind::Binary => "binary",
        _ => "custom tag",
    }
}

/// The error for a sequence or mapping used as a key.
pub(crate) fn collection_key_error(what: &str, line: usize, col: usize) -> PosError {
    PosError::new(
        format!("invalid map key: a {what} cannot be a mapping key in kustomize"),
        line,
        col,
    )
}

/// A mapping's entries as written, plus its merge key's value.
#[derive(Debug, Default)]
pub(crate) struct PendingMap {
    entries: Vec<(Key, Value)>,
    /// The merged value and how many entries preceded the merge key.
    merge: Option<(Value, usize)>,
}

impl PendingMap {
    /// Whether a merge key was already seen (a second one is an error).
    pub(crate) fn has_merge(&self) -> bool {
        self.merge.is_some()
    }

    /// Records one `key: value` pair; a merge key's value must already have
    /// been checked by the caller (see [`check_merge_value`]).
    pub(crate) fn push(&mut self, key: Key, value: Value) {
        if key.merge {
            let position = self.entries.len();
            // `!!merge foo:` merges and also stays a key; only `<<` vanishes.
            if key.name != "<<" {
                self.entries.push((
                    Key {
                        name: key.name.clone(),
                        merge: false,
                        ..key
                    },
                    value.clone(),
                ));
            }
            self.merge = Some((value, position));
        } else {
            self.entries.push((key, value));
        }
    }

    /// Builds the final mapping: drops kyaml's first `<<` key, rejects
    /// duplicates, then fills in merged keys that are not already present.
    pub(crate) fn finish(mut self) -> Result<Mapping, PosError> {
        self.drop_first_literal_merge_name();
        let mut map = Mapping::with_capacity(self.entries.len());
        let mut lines = Vec::with_capacity(self.entries.len());
        for (key, value) in self.entries {
            let (index, previous) = map.insert_full(key.name, value);
            if previous.is_some() {
                let name = map.get_index(index).map_or("", |(k, _)| k.as_str());
                return Err(PosError::new(
                    format!(
                        "mapping key {name:?} already defined at line {}",
                        lines[index]
                    ),
                    key.line,
                    key.col,
                ));
            }
            lines.push(key.line);
        }
        if let Some((merged, _)) = self.merge {
            merge_into(&mut map, merged);
        }
        Ok(map)
    }

    /// kyaml's `Clear("<<")` removes the first key spelled `<<`; when that is
    /// an ordinary (quoted or `!!str`) key ahead of any merge key, it is lost.
    fn drop_first_literal_merge_name(&mut self) {
        let Some(first) = self.entries.iter().position(|(k, _)| k.name == "<<") else {
            return;
        };
        let merge_came_first = self.merge.as_ref().is_some_and(|&(_, at)| at <= first);
        if !merge_came_first {
            self.entries.remove(first);
        }
    }
}

/// Adds merged entries the mapping does not have; earlier sources win.
fn merge_into(map: &mut Mapping, merged: Value) {
    match merged {
        Value::Map(source) => fill_missing(map, source),
        Value::Seq(sources) => {
            for source in sources {
                if let Value::Map(source) = source {
                    fill_missing(map, source);
                }
            }
        }
        _ => {}
    }
}

fn fill_missing(map: &mut Mapping, source: Mapping) {
    for (k, v) in source {
        map.entry(k).or_insert(v);
    }
}

/// How a value reached its place, for kyaml's merge-value checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Node,
    Alias,
}

/// kyaml's checks on a merge key's value (`findMergeValues`), with its messages.
pub(crate) fn check_merge_value(value: &Value, origin: Origin) -> Result<(), String> {
    match (value, origin) {
        (Value::Map(_), _) | (Value::Seq(_), Origin::Node) => Ok(()),
        (_, Origin::Alias) => Err(ALIAS_NOT_MAP.to_owned()),
        _ => Err(NOT_MAP.to_owned()),
    }
}

/// kyaml's checks on one element of a merge key's sequence value.
pub(crate) fn check_merge_element(value: &Value, origin: Origin) -> Result<(), String> {
    match (value, origin) {
        (Value::Map(_), _) => Ok(()),
        (_, Origin::Alias) => Err(ALIAS_NOT_MAP.to_owned()),
        (Value::Seq(_), Origin::Node) => {
            Err("invalid map merge: received a nested sequence".to_owned())
        }
        _ => Err(NOT_MAP.to_owned()),
    }
}

const NOT_MAP: &str = "map merge requires map or sequence of maps as the value";
const ALIAS_NOT_MAP: &str = "invalid map merge: received alias for a non-map value";

#[cfg(test)]
fn key_of(text: &str, plain: bool, tag: TagKind, context: KeyContext) -> Result<Key, PosError> {
    scalar_key(
        Cow::Borrowed(text),
        plain,
        tag,
        context,
        At { line: 1, col: 0 },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str, tag: TagKind, context: KeyContext) -> Result<String, String> {
        key_of(text, true, tag, context)
            .map(|k| k.name)
            .map_err(|e| e.message)
    }

    #[test]
    fn root_keys_take_the_scalar_text() {
        let root = KeyContext::Root;
        for text in ["1", "1.50", "0x10", "True", "2021-01-01", "apiVersion"] {
            assert_eq!(name(text, TagKind::None, root).as_deref(), Ok(text));
        }
        assert_eq!(
            name("aGVsbG8=", TagKind::Binary, root).as_deref(),
            Ok("hello")
        );
        assert_eq!(name("3", TagKind::Other, root).as_deref(), Ok("3"));
    }

    #[test]
    fn nested_keys_must_be_strings() {
        let nested = KeyContext::Nested;
        assert_eq!(name("a", TagKind::None, nested).as_deref(), Ok("a"));
        assert_eq!(name("1", TagKind::Str, nested).as_deref(), Ok("1"));
        for text in ["1", "true", "1.5", "2021-01-01"] {
            assert!(name(text, TagKind::None, nested).is_err(), "{text}");
        }
        assert!(name("3", TagKind::Other, nested).is_err());
        let quoted = key_of("1", false, TagKind::None, nested).unwrap();
        assert_eq!(quoted.name, "1");
    }

    #[test]
    fn null_keys() {
        for context in [KeyContext::Root, KeyContext::Nested] {
            assert_eq!(name("", TagKind::None, context).as_deref(), Ok(""));
            assert!(name("~", TagKind::None, context).is_err());
            assert!(name("null", TagKind::None, context).is_err());
            assert!(name("", TagKind::Null, context).is_err());
        }
    }

    #[test]
    fn merge_keys() {
        let plain = key_of("<<", true, TagKind::None, KeyContext::Nested).unwrap();
        assert!(plain.merge);
        let quoted = key_of("<<", false, TagKind::None, KeyContext::Nested).unwrap();
        assert!(!quoted.merge);
        let tagged = key_of("<<", true, TagKind::Merge, KeyContext::Nested).unwrap();
        assert!(tagged.merge);
        let as_str = key_of("<<", true, TagKind::Str, KeyContext::Nested).unwrap();
        assert!(!as_str.merge);
    }
}
