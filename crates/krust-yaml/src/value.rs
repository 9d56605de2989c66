//! The value model: what a Kubernetes object is once its YAML has been resolved.
//!
//! kustomize round-trips every resource through JSON before printing it, so the
//! model is JSON's: null, booleans, numbers, strings, sequences and string-keyed
//! maps. Map keys keep insertion order (patches and transformers care about
//! position only for lists); the emitter sorts keys the way go-yaml v2 does.

pub use crate::mapping::Mapping;

/// The position of `key` in `map` (see [`Mapping::get_index_of`]).
pub fn key_index(map: &Mapping, key: &str) -> Option<usize> {
    map.get_index_of(key)
}

/// One step of a path into a value: a map key or a sequence index.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSeg {
    /// A map key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// One resolved YAML node.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    /// `null`, `~`, or an empty value.
    #[default]
    Null,
    /// `true` / `false` (YAML 1.2 core schema spellings only).
    Bool(bool),
    /// An integer that fits in `i64`.
    Int(i64),
    /// An integer above `i64::MAX` that still fits in `u64` (go-yaml keeps these as `uint64`).
    UInt(u64),
    /// A floating point number (may be non-finite; the emitter rejects those as JSON does).
    Float(f64),
    /// Any string, including timestamps already rendered as RFC 3339.
    String(String),
    /// A sequence.
    Seq(Vec<Value>),
    /// A mapping with string keys.
    Map(Box<Mapping>),
}

impl Value {
    /// A map value (maps are boxed, keeping every value small).
    pub fn from_map(map: Mapping) -> Value {
        Value::Map(Box::new(map))
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The map, if this is a map.
    pub fn as_map(&self) -> Option<&Mapping> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The map, mutably, if this is a map.
    pub fn as_map_mut(&mut self) -> Option<&mut Mapping> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The sequence, if this is a sequence.
    pub fn as_seq(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The sequence, mutably, if this is a sequence.
    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value under `key`, if this is a map that has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        let map = self.as_map()?;
        map.get_index(key_index(map, key)?).map(|(_, v)| v)
    }

    /// The value under `key`, mutably, if this is a map that has it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let map = self.as_map_mut()?;
        let index = key_index(map, key)?;
        map.get_index_mut(index).map(|(_, v)| v)
    }

    /// Follows a path of map keys.
    pub fn get_path(&self, path: &[&str]) -> Option<&Value> {
        path.iter().try_fold(self, |v, k| v.get(k))
    }

    /// Follows a path of map keys, mutably.
    pub fn get_path_mut(&mut self, path: &[&str]) -> Option<&mut Value> {
        path.iter().try_fold(self, |v, k| v.get_mut(k))
    }

    /// Follows a path of map keys and list indices.
    pub fn at(&self, path: &[PathSeg]) -> Option<&Value> {
        path.iter().try_fold(self, |node, seg| match (seg, node) {
            (PathSeg::Key(k), Value::Map(m)) => m.get(k),
            (PathSeg::Index(i), Value::Seq(items)) => items.get(*i),
            _ => None,
        })
    }

    /// Follows a path of map keys and list indices, mutably.
    pub fn at_mut(&mut self, path: &[PathSeg]) -> Option<&mut Value> {
        path.iter().try_fold(self, |node, seg| match (seg, node) {
            (PathSeg::Key(k), Value::Map(m)) => m.get_mut(k),
            (PathSeg::Index(i), Value::Seq(items)) => items.get_mut(*i),
            _ => None,
        })
    }

    /// The string under a path of map keys.
    pub fn str_at(&self, path: &[&str]) -> Option<&str> {
        self.get_path(path).and_then(Value::as_str)
    }

    /// A short name for the value's type, for error messages ("map", "string", ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::UInt(_) => "int",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::Seq(_) => "sequence",
            Value::Map(_) => "map",
        }
    }

    /// The scalar as kustomize reads it as a string (numbers and bools in their
    /// canonical spelling); `None` for null and collections.
    pub fn scalar_string(&self) -> Option<String> {
        match self {
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::UInt(u) => Some(u.to_string()),
            Value::Float(f) => Some(crate::number::format_float(*f)),
            Value::String(s) => Some(s.clone()),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<Mapping> for Value {
    fn from(m: Mapping) -> Self {
        Value::from_map(m)
    }
}

impl From<Vec<Value>> for Value {
    fn from(s: Vec<Value>) -> Self {
        Value::Seq(s)
    }
}
