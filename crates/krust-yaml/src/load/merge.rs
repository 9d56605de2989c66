//! Building a mapping from its entries: `<<` merge keys and duplicate keys,
//! as kustomize leaves them.
//!
//! kustomize (kyaml `DeAnchor`) expands merge keys itself before go-yaml v3
//! decodes the resource for JSON; kubectl shows these rules:
//!
//! * a mapping may have one merge key (a second is "duplicate merge key");
//!   its value is a mapping, an alias of one, or a sequence of those;
//! * the mapping's own keys win, and among merged mappings the earlier wins;
//! * kyaml then deletes the first key spelled `<<`, so a quoted `"<<"` key
//!   ahead of any merge key disappears (`{"<<": {a: 1}}` prints as `{}`);
//! * a key written twice is an error, as in go-yaml v3 ("mapping key "a"
//!   already defined at line N"); merged keys never count as duplicates.

use super::keys::{Key, Role};
use super::PosError;
use crate::{Mapping, Value};

/// A mapping's entries as written, plus its merge key's value.
#[derive(Debug, Default)]
pub(crate) struct PendingMap {
    entries: Vec<(Key, Value)>,
    merge: Option<Merge>,
}

#[derive(Debug)]
struct Merge {
    value: Value,
    /// For a merge key spelled `<<`: how many entries preceded it.
    literal_position: Option<usize>,
}

impl PendingMap {
    /// Whether a merge key was already seen (a second one is an error).
    pub(crate) fn has_merge(&self) -> bool {
        self.merge.is_some()
    }

    /// Records one `key: value` pair; a merge key's value must already have
    /// passed [`check_merge_value`].
    pub(crate) fn push(&mut self, key: Key, value: Value) {
        match key.role {
            Role::Merge => {
                let literal_position = (key.name == "<<").then_some(self.entries.len());
                if literal_position.is_none() {
                    // `!!merge foo: {...}` merges and also stays a key `foo`.
                    let entry = Key {
                        role: Role::Entry,
                        ..key
                    };
                    self.entries.push((entry, value.clone()));
                }
                self.merge = Some(Merge {
                    value,
                    literal_position,
                });
            }
            Role::Dropped => {}
            Role::Entry | Role::MergeName { .. } => self.entries.push((key, value)),
        }
    }

    /// The finished mapping: kyaml's `<<` deletion, then duplicate checks,
    /// then merged keys the mapping does not already have.
    pub(crate) fn finish(mut self, last_wins: bool) -> Result<Mapping, PosError> {
        self.drop_first_merge_name();
        let mut map = Mapping::with_capacity(self.entries.len());
        let mut lines = Vec::with_capacity(self.entries.len());
        for (key, value) in self.entries {
            if let Role::MergeName {
                error: Some(message),
            } = key.role
            {
                return Err(PosError::new(message, key.at.line, key.at.col));
            }
            let (index, previous) = map.insert_full(key.name, value);
            if previous.is_some() && last_wins {
                continue;
            }
            if previous.is_some() {
                let name = map.get_index(index).map_or("", |(k, _)| k.as_str());
                let message = format!(
                    "mapping key {name:?} already defined at line {}",
                    lines[index]
                );
                return Err(PosError::new(message, key.at.line, key.at.col));
            }
            lines.push(key.at.line);
        }
        if let Some(merge) = self.merge {
            merge_into(&mut map, merge.value);
        }
        Ok(map)
    }

    /// kyaml's `Clear("<<")`: the first key spelled `<<` goes; when that is
    /// the merge key itself, ordinary `<<` keys after it survive.
    fn drop_first_merge_name(&mut self) {
        let first = self
            .entries
            .iter()
            .position(|(k, _)| matches!(k.role, Role::MergeName { .. }));
        let Some(first) = first else {
            return;
        };
        let merge_key_first = self
            .merge
            .as_ref()
            .and_then(|m| m.literal_position)
            .is_some_and(|at| at <= first);
        if !merge_key_first {
            self.entries.remove(first);
        }
    }
}

/// A mapping read as go-yaml v2 reads one into `interface{}` (the reading
/// behind sigs.k8s.io/yaml): every entry, merge keys included, is set in
/// order, each overwriting what an earlier one set. A merge key sets the
/// entries of its mapping, or of its sequence's mappings from the last to
/// the first (so the earlier wins), and a mapping may have several. With
/// `last_wins` false (`UnmarshalStrict`) setting a key twice, by merge or
/// not, is an error.
#[derive(Debug, Default)]
pub(crate) struct OrderedMap {
    entries: Vec<(Key, Value)>,
}

impl OrderedMap {
    /// Records one `key: value` pair; a merge key's value must already have
    /// passed [`check_merge_value`].
    pub(crate) fn push(&mut self, key: Key, value: Value) {
        self.entries.push((key, value));
    }

    /// The finished mapping.
    pub(crate) fn finish(self, last_wins: bool) -> Result<Mapping, PosError> {
        let mut map = Mapping::with_capacity(self.entries.len());
        for (key, value) in self.entries {
            let at = (key.at.line, key.at.col);
            let mut set = |name: String, value: Value| {
                if !last_wins && map.contains_key(&name) {
                    let message = format!("key {name:?} already set in map");
                    return Err(PosError::new(message, at.0, at.1));
                }
                map.insert(name, value);
                Ok(())
            };
            match (key.role, value) {
                (Role::Merge, Value::Map(source)) => {
                    for (k, v) in *source {
                        set(k, v)?;
                    }
                }
                (Role::Merge, Value::Seq(sources)) => {
                    for source in sources.into_iter().rev() {
                        if let Value::Map(source) = source {
                            for (k, v) in *source {
                                set(k, v)?;
                            }
                        }
                    }
                }
                (Role::Merge, _) => {}
                (_, value) => set(key.name, value)?,
            }
        }
        Ok(map)
    }
}

/// Adds merged entries the mapping does not have; earlier sources win.
fn merge_into(map: &mut Mapping, merged: Value) {
    match merged {
        Value::Map(source) => fill_missing(map, *source),
        Value::Seq(sources) => {
            for source in sources {
                if let Value::Map(source) = source {
                    fill_missing(map, *source);
                }
            }
        }
        _ => {}
    }
}

fn fill_missing(map: &mut Mapping, source: Mapping) {
    for (k, v) in source {
        map.get_or_insert(k, v);
    }
}

/// How a value reached its place, for kyaml's merge-value checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Node,
    Alias,
}

const NOT_MAP: &str = "map merge requires map or sequence of maps as the value";
const ALIAS_NOT_MAP: &str = "invalid map merge: received alias for a non-map value";

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::keys::At;

    fn key(name: &str, role: Role, line: usize) -> Key {
        let at = At { line, col: 0 };
        Key {
            name: name.to_owned(),
            role,
            at,
        }
    }

    fn int(i: i64) -> Value {
        Value::Int(i)
    }

    fn keys(map: &Mapping) -> Vec<&str> {
        map.keys().map(String::as_str).collect()
    }

    #[test]
    fn own_keys_beat_merged_and_earlier_merged_beat_later() {
        let mut pending = PendingMap::default();
        pending.push(key("a", Role::Entry, 1), int(1));
        let first: Mapping = [("a".to_owned(), int(2)), ("b".to_owned(), int(2))]
            .into_iter()
            .collect();
        let second: Mapping = [("b".to_owned(), int(3)), ("c".to_owned(), int(3))]
            .into_iter()
            .collect();
        let sources = Value::Seq(vec![Value::from_map(first), Value::from_map(second)]);
        pending.push(key("<<", Role::Merge, 2), sources);
        let map = pending.finish(false).unwrap();
        assert_eq!(keys(&map), ["a", "b", "c"]);
        assert_eq!(map["a"], int(1));
        assert_eq!(map["b"], int(2));
        assert_eq!(map["c"], int(3));
    }

    #[test]
    fn duplicate_reports_first_line() {
        let mut pending = PendingMap::default();
        pending.push(key("a", Role::Entry, 3), int(1));
        pending.push(key("a", Role::Entry, 7), int(2));
        let err = pending.finish(false).unwrap_err();
        assert_eq!(err.message, "mapping key \"a\" already defined at line 3");
        assert_eq!(err.line, 7);
    }

    #[test]
    fn first_merge_name_is_deleted_with_its_error() {
        let mut pending = PendingMap::default();
        let bad = Role::MergeName {
            error: Some("bad".to_owned()),
        };
        pending.push(key("<<", bad, 1), int(1));
        pending.push(key("b", Role::Entry, 2), int(2));
        assert_eq!(keys(&pending.finish(false).unwrap()), ["b"]);
    }

    #[test]
    fn merge_name_after_the_merge_key_survives() {
        let mut pending = PendingMap::default();
        pending.push(
            key("<<", Role::Merge, 1),
            Value::from_map(Mapping::default()),
        );
        pending.push(key("<<", Role::MergeName { error: None }, 2), int(2));
        assert_eq!(keys(&pending.finish(false).unwrap()), ["<<"]);
        let mut pending = PendingMap::default();
        pending.push(
            key("<<", Role::Merge, 1),
            Value::from_map(Mapping::default()),
        );
        let bad = Role::MergeName {
            error: Some("bad".to_owned()),
        };
        pending.push(key("<<", bad, 2), int(2));
        assert_eq!(pending.finish(false).unwrap_err().message, "bad");
    }

    #[test]
    fn merge_value_checks() {
        let map = Value::from_map(Mapping::default());
        let seq = Value::Seq(vec![]);
        let null = Value::Null;
        assert!(check_merge_value(&map, Origin::Alias).is_ok());
        assert!(check_merge_value(&seq, Origin::Node).is_ok());
        assert_eq!(
            check_merge_value(&seq, Origin::Alias),
            Err(ALIAS_NOT_MAP.into())
        );
        assert_eq!(check_merge_value(&null, Origin::Node), Err(NOT_MAP.into()));
        assert!(check_merge_element(&map, Origin::Node).is_ok());
        assert!(check_merge_element(&seq, Origin::Node).is_err());
        assert_eq!(
            check_merge_element(&null, Origin::Alias),
            Err(ALIAS_NOT_MAP.into())
        );
    }
}
