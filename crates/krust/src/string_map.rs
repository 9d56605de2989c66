//! [`StringMap`]: the string-to-string maps of the kustomization model.

use indexmap::IndexMap;

/// Labels, annotations and other string maps of a kustomization, in the
/// order they are written; a key written twice keeps its first position and
/// its last value, as kustomize decodes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StringMap(IndexMap<String, String>);

impl StringMap {
    /// An empty map.
    pub fn new() -> StringMap {
        StringMap::default()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Whether `key` has an entry.
    pub fn contains_key(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entries, in order.
    pub fn iter(
        &self,
    ) -> impl DoubleEndedIterator<Item = (&String, &String)> + ExactSizeIterator + Clone {
        self.0.iter()
    }

    /// The values, in order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator + Clone {
        self.0.values()
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator + Clone {
        self.0.keys()
    }

    /// Sets `key` to `value`, in place if it has an entry.
    pub fn insert(&mut self, key: String, value: String) -> Option<String> {
        self.0.insert(key, value)
    }

    /// Removes `key`, keeping the order of the rest.
    pub fn shift_remove(&mut self, key: &str) -> Option<String> {
        self.0.shift_remove(key)
    }
}

impl StringMap {
    /// The value of `key`, inserting `make()` at the end first if it has none.
    pub(crate) fn get_or_insert_with(
        &mut self,
        key: String,
        make: impl FnOnce() -> String,
    ) -> &mut String {
        self.0.entry(key).or_insert_with(make)
    }

    /// The values, in order, to change.
    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut String> {
        self.0.values_mut()
    }
}

impl std::ops::Index<&str> for StringMap {
    type Output = String;
    fn index(&self, key: &str) -> &String {
        &self.0[key]
    }
}

impl FromIterator<(String, String)> for StringMap {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> StringMap {
        StringMap(iter.into_iter().collect())
    }
}

impl Extend<(String, String)> for StringMap {
    fn extend<I: IntoIterator<Item = (String, String)>>(&mut self, iter: I) {
        self.0.extend(iter)
    }
}

impl<'a> IntoIterator for &'a StringMap {
    type Item = (&'a String, &'a String);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        Iter(self.0.iter())
    }
}

/// Iterator over a [`StringMap`]'s entries, in order.
#[derive(Clone)]
pub struct Iter<'a>(indexmap::map::Iter<'a, String, String>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a String);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}
