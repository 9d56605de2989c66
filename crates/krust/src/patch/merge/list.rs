//! Lists whose schema strategy includes `merge` (kyaml's
//! `walkAssociativeSequence` with `ListIncreaseDirection: Prepend`).
//!
//! The key tuples of the patch's elements, then of the target's, in order
//! and without repeats, drive the merge: for each tuple the first matching
//! element on either side is walked, and the result is set into a new list
//! (replacing an element with the same keys, else appended). The target's
//! remaining elements are then set into that list the same way. So patch
//! elements come first in patch order — including ones that already existed —
//! followed by the target's other elements; target elements replace merged
//! results they are identical to, which is why a `$patch: replace` on an
//! existing element has no effect, and why repeated keys collapse to the last
//! element. An element without its merge key matches *every* element that
//! has the key, and deletes them.

use std::mem;

use krust_yaml::Value;

use super::directive::{self, Directive};
use super::elements::{
    filled_keys, find_element, get_field, is_void, key_values, merge_values, raw_text, set_element,
};
use super::{kind_error, NodeKind, Origin, Step, Walker};
use crate::patch::schema::SchemaNode;

/// The patch side of a merged list.
enum Elements<'p> {
    Missing,
    /// The patch's elements, after directive elision.
    Node(Vec<&'p Value>),
    /// The target's list is merged with itself.
    Dest,
}

/// An element of the list being built: one of the target's (by index, so
/// that the same node can be recognised when it comes back), or one adopted
/// from the patch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Item {
    Dest(usize),
    New(usize),
}

impl<'s> Walker<'s, '_> {
    /// Walks a place where the schema says the list merges.
    pub(super) fn walk_merged_list(
        &self,
        dest: Option<&mut Value>,
        origin: Origin<'_>,
        schema: SchemaNode<'s>,
    ) -> Result<Step, String> {
        let Some(Value::Seq(dest)) = dest else {
            // The target has none: the patch's list is taken as it is (no
            // directive is looked at) and merged with itself.
            let Origin::Node(Value::Seq(patch)) = origin else {
                return Ok(Step::Clear);
            };
            return self.adopt_list(patch.clone(), schema);
        };
        let elements = match origin {
            Origin::Missing => Elements::Missing,
            Origin::Node(Value::Seq(patch)) => match directive::of_seq(patch)? {
                Some(Directive::Delete) => return Ok(Step::Clear),
                Some(Directive::Replace) => {
                    let kept = patch
                        .iter()
                        .filter(|e| !directive::elides(Directive::Replace, e));
                    return self.adopt_list(kept.cloned().collect(), schema);
                }
                Some(found) => Elements::Node(
                    patch
                        .iter()
                        .filter(|e| !directive::elides(found, e))
                        .collect(),
                ),
                None => Elements::Node(patch.iter().collect()),
            },
            // A patch null clears the list; the kind check lets nothing else through.
            Origin::Node(_) => return Ok(Step::Clear),
            Origin::Dest => match directive::of_seq(dest.iter())? {
                Some(Directive::Delete) => return Ok(Step::Clear),
                Some(found) => {
                    dest.retain(|e| !directive::elides(found, e));
                    Elements::Dest
                }
                None => Elements::Dest,
            },
        };
        self.merge_elements(dest, elements, schema)?;
        Ok(Step::Keep)
    }

    /// Takes a list from the patch and merges it with itself.
    fn adopt_list(&self, mut list: Vec<Value>, schema: SchemaNode<'s>) -> Result<Step, String> {
        self.merge_elements(&mut list, Elements::Dest, schema)?;
        Ok(Step::Adopt(Value::Seq(list)))
    }

    /// Merges the patch's elements into `dest` by the schema's merge keys, or
    /// by value for lists of scalars.
    fn merge_elements(
        &self,
        dest: &mut Vec<Value>,
        origin: Elements<'_>,
        schema: SchemaNode<'s>,
    ) -> Result<(), String> {
        let mut keys: Vec<&str> = schema.merge_keys().iter().map(|k| &**k).collect();
        let merge = ListMerge {
            walker: self,
            schema: schema.elements(),
            live: (0..dest.len()).collect(),
            arena: mem::take(dest),
            adopted: Vec::new(),
            items: Vec::new(),
            origin,
        };
        let values = if keys.is_empty() {
            keys.push("");
            merge.scalar_values()
        } else {
            merge.key_values(&keys)
        };
        *dest = merge.run(values, &keys)?;
        Ok(())
    }
}

/// The state of one list merge (kyaml's `setAssociativeSequenceElements`).
struct ListMerge<'w, 's, 'p> {
    walker: &'w Walker<'s, 'w>,
    /// The elements' schema.
    schema: Option<SchemaNode<'s>>,
    /// The target's elements, by original index; changed in place by walks.
    arena: Vec<Value>,
    /// Indices of the target's elements still in its list, in order.
    live: Vec<usize>,
    /// Elements adopted from the patch.
    adopted: Vec<Value>,
    /// The list being built.
    items: Vec<Item>,
    origin: Elements<'p>,
}

/// The value behind an item.
fn node<'a>(arena: &'a [Value], adopted: &'a [Value], item: Item) -> &'a Value {
    match item {
        Item::Dest(i) => &arena[i],
        Item::New(i) => &adopted[i],
    }
}

impl ListMerge<'_, '_, '_> {
    /// The patch's elements, then the target's, as kyaml lists them when
    /// prepending.
    fn all_elements(&self) -> impl Iterator<Item = &Value> + '_ {
        let patch: Box<dyn Iterator<Item = &Value> + '_> = match &self.origin {
            Elements::Missing => Box::new(std::iter::empty()),
            Elements::Node(view) => Box::new(view.iter().copied()),
            Elements::Dest => Box::new(self.live.iter().map(|&i| &self.arena[i])),
        };
        patch.chain(self.live.iter().map(|&i| &self.arena[i]))
    }

    /// kyaml's `elementValues`: distinct key tuples, patch first.
    fn key_values(&self, keys: &[&str]) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        for elem in self.all_elements() {
            let values = key_values(elem, keys);
            if !out.contains(&values) {
                out.push(values);
            }
        }
        out
    }

    /// kyaml's `elementPrimitiveValues`: distinct element texts, patch first.
    fn scalar_values(&self) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        for elem in self.all_elements() {
            let text = raw_text(elem);
            if !out.iter().any(|v| v[0] == text) {
                out.push(vec![text.into_owned()]);
            }
        }
        out
    }

    /// Merges every key tuple, then sets the target's remaining elements
    /// after them; returns the new list.
    fn run(mut self, mut tuples: Vec<Vec<String>>, keys: &[&str]) -> Result<Vec<Value>, String> {
        if tuples.is_empty() {
            return Ok(self.arena);
        }
        if keys.len() > 1 {
            merge_values(&mut tuples);
        }
        let lists: Vec<&[String]> = tuples.iter().map(Vec::as_slice).collect();
        let valid = filled_keys(&lists, keys.len());
        let valid_keys: Vec<&str> = valid.iter().map(|&i| keys[i]).collect();
        for tuple in &tuples {
            let valid_values: Vec<&str> = valid.iter().map(|&i| tuple[i].as_str()).collect();
            self.merge_tuple(&valid_keys, &valid_values)?;
        }
        self.append_target(&valid_keys)?;
        Ok(self.finish())
    }

    /// One key tuple: walks the first matching element of each side and sets
    /// the result into the new list, or deletes the key from the target.
    fn merge_tuple(&mut self, keys: &[&str], values: &[&str]) -> Result<(), String> {
        let lookup = filled_keys(&[values], keys.len());
        let lookup_keys: Vec<&str> = lookup.iter().map(|&i| keys[i]).collect();
        let lookup_values: Vec<&str> = lookup.iter().map(|&i| values[i]).collect();
        let target = find_element(
            self.live.iter().map(|&i| &self.arena[i]),
            &lookup_keys,
            &lookup_values,
        )
        .map(|pos| self.live[pos]);
        let origin = match &self.origin {
            Elements::Missing => Origin::Missing,
            Elements::Dest if target.is_some() => Origin::Dest,
            Elements::Dest => Origin::Missing,
            Elements::Node(view) => {
                find_element(view.iter().copied(), &lookup_keys, &lookup_values)
                    .map_or(Origin::Missing, |pos| Origin::Node(view[pos]))
            }
        };
        let walked = self
            .walker
            .walk(target.map(|i| &mut self.arena[i]), origin, self.schema)?;
        let item = match walked {
            Step::Keep => target.map(Item::Dest),
            Step::Adopt(value) if !is_void(&value) => {
                self.adopted.push(value);
                Some(Item::New(self.adopted.len() - 1))
            }
            Step::Adopt(_) | Step::KeepNull | Step::Clear => None,
        };
        match item.filter(|&it| !is_void(node(&self.arena, &self.adopted, it))) {
            None => {
                let arena = &self.arena;
                set_element(&mut self.live, None, keys, values, |i| &arena[i])
            }
            Some(item) => {
                self.fill_keys(item, keys, values)?;
                let (arena, adopted) = (&self.arena, &self.adopted);
                set_element(&mut self.items, Some(item), keys, values, |it| {
                    node(arena, adopted, it)
                })
            }
        }
    }

    /// Puts back a merge key the result lacks (kyaml sets it from the tuple).
    fn fill_keys(&mut self, item: Item, keys: &[&str], values: &[&str]) -> Result<(), String> {
        for (key, value) in keys.iter().zip(values) {
            if key.is_empty() || value.is_empty() {
                continue;
            }
            let typed = self.typed_key(key, value);
            let elem = match item {
                Item::Dest(i) => &mut self.arena[i],
                Item::New(i) => &mut self.adopted[i],
            };
            match elem {
                Value::Map(map) => {
                    if !map.contains_key(key) {
                        map.insert((*key).to_owned(), typed);
                    }
                }
                other => return Err(kind_error(NodeKind::Map, other)),
            }
        }
        Ok(())
    }

    /// The value a key had where its text came from, so that `80` stays a number.
    fn typed_key(&self, key: &str, text: &str) -> Value {
        self.all_elements()
            .find_map(|e| e.get(key).filter(|v| raw_text(v) == text))
            .cloned()
            .unwrap_or_else(|| Value::String(text.to_owned()))
    }

    /// kyaml's `appendListNode(items, target, keys)`: sets each remaining
    /// target element into the new list by its own key texts.
    fn append_target(&mut self, keys: &[&str]) -> Result<(), String> {
        let (arena, adopted) = (&self.arena, &self.adopted);
        let get = |it: Item| node(arena, adopted, it);
        for &id in &self.live {
            let elem = &arena[id];
            let item = Item::Dest(id);
            if keys[0].is_empty() {
                let text = raw_text(elem);
                set_element(&mut self.items, Some(item), &[""], &[text.as_ref()], get)?;
                continue;
            }
            let mut texts = Vec::with_capacity(keys.len());
            for key in keys {
                match get_field(elem, key)? {
                    Some(field) => texts.push(raw_text(field)),
                    // kyaml appends an element lacking a key, then goes on
                    // with fewer values than keys.
                    None => self.items.push(item),
                }
            }
            let texts: Vec<&str> = texts.iter().map(|t| &**t).collect();
            if keys.len() > 1 {
                set_element(&mut self.items, None, keys, &texts, get)?;
            }
            set_element(&mut self.items, Some(item), keys, &texts, get)?;
        }
        Ok(())
    }

    /// The new list's values; an element set more than once is copied.
    fn finish(self) -> Vec<Value> {
        let mut dest = Slots::new(self.arena);
        let mut adopted = Slots::new(self.adopted);
        for item in &self.items {
            match *item {
                Item::Dest(i) => dest.uses[i] += 1,
                Item::New(i) => adopted.uses[i] += 1,
            }
        }
        self.items
            .iter()
            .map(|item| match *item {
                Item::Dest(i) => dest.take(i),
                Item::New(i) => adopted.take(i),
            })
            .collect()
    }
}

/// Values handed out by use count: cloned until their last use, then moved.
struct Slots {
    values: Vec<Option<Value>>,
    uses: Vec<usize>,
}

impl Slots {
    fn new(values: Vec<Value>) -> Slots {
        Slots {
            uses: vec![0; values.len()],
            values: values.into_iter().map(Some).collect(),
        }
    }

    fn take(&mut self, i: usize) -> Value {
        self.uses[i] -= 1;
        if self.uses[i] == 0 {
            self.values[i].take().unwrap_or_default()
        } else {
            self.values[i].clone().unwrap_or_default()
        }
    }
}
