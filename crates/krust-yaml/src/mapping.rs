//! [`Mapping`]: the string-keyed map of the value model.

use std::fmt;

use indexmap::IndexMap;

use crate::Value;

/// The map inside: keys hashed with foldhash, several times faster than the
/// standard SipHash on the short keys of Kubernetes objects, and still
/// seeded per process. Iteration follows insertion order, never the hash.
type Inner = IndexMap<String, Value, foldhash::fast::RandomState>;

/// A string-keyed map that remembers insertion order.
///
/// Its own type, not the map crate's, so that the hashing and storage
/// behind it can change without changing the API of the crates above.
#[derive(Clone, Default, PartialEq)]
pub struct Mapping(Inner);

/// Maps up to this size are searched by comparing keys: most maps in
/// Kubernetes objects are this small, and comparing a few short keys costs
/// less than hashing one.
const SCAN_LIMIT: usize = 8;

impl Mapping {
    /// An empty map.
    pub fn new() -> Mapping {
        Mapping::default()
    }

    /// An empty map with room for `n` entries.
    pub fn with_capacity(n: usize) -> Mapping {
        Mapping(Inner::with_capacity_and_hasher(n, Default::default()))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The position of `key`: the one lookup every accessor uses.
    pub fn get_index_of(&self, key: &str) -> Option<usize> {
        if self.0.len() <= SCAN_LIMIT {
            self.0.keys().position(|k| k == key)
        } else {
            self.0.get_index_of(key)
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.get_index_of(key).map(|i| &self.0[i])
    }

    /// The value of `key`, to change.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.get_index_of(key).map(|i| &mut self.0[i])
    }

    /// Whether `key` has an entry.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get_index_of(key).is_some()
    }

    /// The entry at position `index`.
    pub fn get_index(&self, index: usize) -> Option<(&String, &Value)> {
        self.0.get_index(index)
    }

    /// The entry at position `index`, its value to change.
    pub fn get_index_mut(&mut self, index: usize) -> Option<(&String, &mut Value)> {
        self.0.get_index_mut(index)
    }

    /// The first entry.
    pub fn first(&self) -> Option<(&String, &Value)> {
        self.0.first()
    }

    /// The last entry.
    pub fn last(&self) -> Option<(&String, &Value)> {
        self.0.last()
    }

    /// Sets `key` to `value`: in place if it has an entry, else at the end.
    /// Returns the value it replaced.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        if self.0.len() > SCAN_LIMIT {
            return self.0.insert(key, value);
        }
        match self.get_index_of(&key) {
            Some(i) => Some(std::mem::replace(&mut self.0[i], value)),
            None => {
                self.0.insert(key, value);
                None
            }
        }
    }

    /// [`Mapping::insert`], returning the entry's position as well.
    pub fn insert_full(&mut self, key: String, value: Value) -> (usize, Option<Value>) {
        match self.get_index_of(&key) {
            Some(i) => (i, Some(std::mem::replace(&mut self.0[i], value))),
            None => (self.0.insert_full(key, value).0, None),
        }
    }

    /// Sets `key` to `value` at position `index` (moving an existing entry there).
    pub fn shift_insert(&mut self, index: usize, key: String, value: Value) -> Option<Value> {
        self.0.shift_insert(index, key, value)
    }

    /// The value of `key`, inserting `value` at the end first if it has none.
    pub fn get_or_insert(&mut self, key: String, value: Value) -> &mut Value {
        let index = match self.get_index_of(&key) {
            Some(i) => i,
            None => self.0.insert_full(key, value).0,
        };
        &mut self.0[index]
    }

    /// The value of `key`, inserting `make()` at the end first if it has none.
    pub fn get_or_insert_with(&mut self, key: &str, make: impl FnOnce() -> Value) -> &mut Value {
        let index = match self.get_index_of(key) {
            Some(i) => i,
            None => self.0.insert_full(key.to_owned(), make()).0,
        };
        &mut self.0[index]
    }

    /// Removes `key`, keeping the order of the rest.
    pub fn shift_remove(&mut self, key: &str) -> Option<Value> {
        let index = self.get_index_of(key)?;
        self.0.shift_remove_index(index).map(|(_, v)| v)
    }

    /// Removes the entry at `index`, keeping the order of the rest.
    pub fn shift_remove_index(&mut self, index: usize) -> Option<(String, Value)> {
        self.0.shift_remove_index(index)
    }

    /// Keeps the entries for which `keep` holds, in order.
    pub fn retain(&mut self, keep: impl FnMut(&String, &mut Value) -> bool) {
        self.0.retain(keep)
    }

    /// Sorts the entries by `cmp` of their keys and values.
    pub fn sort_by(
        &mut self,
        mut cmp: impl FnMut(&String, &Value, &String, &Value) -> std::cmp::Ordering,
    ) {
        self.0.sort_by(|k1, v1, k2, v2| cmp(k1, v1, k2, v2))
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.0.clear()
    }

    /// The entries, in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.0.iter())
    }

    /// The entries, in order, their values to change.
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        IterMut(self.0.iter_mut())
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator + Clone {
        self.0.keys()
    }

    /// The values, in order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator + Clone {
        self.0.values()
    }

    /// The values, in order, to change.
    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.0.values_mut()
    }

    /// The values, in order, taken out of the map.
    pub fn into_values(self) -> impl DoubleEndedIterator<Item = Value> + ExactSizeIterator {
        self.0.into_values()
    }
}

impl fmt::Debug for Mapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.iter()).finish()
    }
}

impl FromIterator<(String, Value)> for Mapping {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Mapping {
        let mut map = Mapping::new();
        map.extend(iter);
        map
    }
}

impl Extend<(String, Value)> for Mapping {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<const N: usize> From<[(String, Value); N]> for Mapping {
    fn from(entries: [(String, Value); N]) -> Mapping {
        entries.into_iter().collect()
    }
}

impl std::ops::Index<&str> for Mapping {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        self.get(key).expect("Mapping: no entry for key")
    }
}

impl std::ops::IndexMut<&str> for Mapping {
    fn index_mut(&mut self, key: &str) -> &mut Value {
        self.get_mut(key).expect("Mapping: no entry for key")
    }
}

/// Iterator over a [`Mapping`]'s entries, in order.
#[derive(Clone)]
pub struct Iter<'a>(indexmap::map::Iter<'a, String, Value>);

/// Iterator over a [`Mapping`]'s entries, in order, values to change.
pub struct IterMut<'a>(indexmap::map::IterMut<'a, String, Value>);

/// Iterator over a [`Mapping`]'s entries, in order, taken out of it.
pub struct IntoIter(indexmap::map::IntoIter<String, Value>);

macro_rules! delegate_iterator {
    ($name:ty, $item:ty) => {
        impl<'a> Iterator for $name {
            type Item = $item;
            fn next(&mut self) -> Option<$item> {
                self.0.next()
            }
            fn size_hint(&self) -> (usize, Option<usize>) {
                self.0.size_hint()
            }
        }
        impl<'a> DoubleEndedIterator for $name {
            fn next_back(&mut self) -> Option<$item> {
                self.0.next_back()
            }
        }
        impl<'a> ExactSizeIterator for $name {}
    };
}
delegate_iterator!(Iter<'a>, (&'a String, &'a Value));
delegate_iterator!(IterMut<'a>, (&'a String, &'a mut Value));
delegate_iterator!(IntoIter, (String, Value));

impl<'a> IntoIterator for &'a Mapping {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Mapping {
    type Item = (&'a String, &'a mut Value);
    type IntoIter = IterMut<'a>;
    fn into_iter(self) -> IterMut<'a> {
        self.iter_mut()
    }
}

impl IntoIterator for Mapping {
    type Item = (String, Value);
    type IntoIter = IntoIter;
    fn into_iter(self) -> IntoIter {
        IntoIter(self.0.into_iter())
    }
}
