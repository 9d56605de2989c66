//! `$patch` directives (kyaml's `determineSmpDirective`): `replace`,
//! `delete` and `merge`, on a map as a key and on a list as an element that
//! holds only that key. Any other directive key (`$retainKeys`,
//! `$setElementOrder/...`, `$deleteFromPrimitiveList/...`) is not one: kyaml
//! merges it as an ordinary field.

use krust_yaml::{Mapping, Value};

use super::elements::raw_text;

/// The directive key.
pub(super) const KEY: &str = "$patch";

/// A recognised directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Directive {
    Replace,
    Delete,
    Merge,
}

impl Directive {
    fn parse(text: &str) -> Result<Directive, String> {
        match text {
            "replace" => Ok(Directive::Replace),
            "delete" => Ok(Directive::Delete),
            "merge" => Ok(Directive::Merge),
            other => Err(format!("unknown patch strategy '{other}'")),
        }
    }

    fn text(self) -> &'static str {
        match self {
            Directive::Replace => "replace",
            Directive::Delete => "delete",
            Directive::Merge => "merge",
        }
    }
}

/// The directive of a patch map, if it has a `$patch` key. The caller
/// removes the key once it is recognised (kyaml elides it from the patch).
pub(super) fn of_map(map: &Mapping) -> Result<Option<Directive>, String> {
    map.get(KEY)
        .map(|value| Directive::parse(&raw_text(value)))
        .transpose()
}

/// The directive of a patch list: the first map element with a `$patch` key
/// decides, and only if that is its sole key.
pub(super) fn of_seq<'v>(
    elements: impl IntoIterator<Item = &'v Value>,
) -> Result<Option<Directive>, String> {
    let holder = elements
        .into_iter()
        .find_map(|e| e.as_map().filter(|m| m.contains_key(KEY)));
    match holder {
        Some(map) if map.len() == 1 => of_map(map),
        _ => Ok(None),
    }
}

/// Whether eliding `directive` from a list removes this element. kyaml
/// elides with an `ElementSetter`, which also drops every null and `{}`
/// element, and every element whose `$patch` has the same text.
pub(super) fn elides(directive: Directive, elem: &Value) -> bool {
    match elem {
        Value::Null => true,
        Value::Map(map) => {
            map.is_empty()
                || map
                    .get(KEY)
                    .is_some_and(|value| raw_text(value) == directive.text())
        }
        _ => false,
    }
}
