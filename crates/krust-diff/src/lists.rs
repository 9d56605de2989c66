//! Matching the elements of two lists that Kubernetes merges by key.
//!
//! For a list whose strategic-merge schema names merge keys (containers by
//! `name`, container ports by `containerPort,protocol`, volume mounts by
//! `mountPath`, ...), an element's identity is the values of those keys; for
//! a list of scalars the schema merges as a set (`finalizers`), it is the
//! value itself. Elements are paired by identity, so reordering the list is
//! not a rewrite of every element: the elements that keep their relative
//! order are the longest increasing run of old positions taken in new order,
//! and every other paired element is reported as moved.
//!
//! A list where some element has no identity (not a map, no key at all, a
//! key holding a map or list) or where two elements share one is ambiguous;
//! it is compared by position instead, like any list without merge keys.

use std::collections::{HashMap, HashSet};

use krust_yaml::Value;

use crate::path::Segment;

/// The identity of every element, or `None` when the list cannot be matched
/// by key. Empty `keys` means a set of scalars.
pub(crate) fn identities(list: &[Value], keys: &[Box<str>]) -> Option<Vec<Segment>> {
    let ids: Option<Vec<Segment>> = list
        .iter()
        .map(|element| {
            if keys.is_empty() {
                scalar_text(element).map(Segment::Item)
            } else {
                key_values(element, keys).map(Segment::Keyed)
            }
        })
        .collect();
    let ids = ids?;
    let mut seen = HashSet::with_capacity(ids.len());
    ids.iter().all(|id| seen.insert(id)).then_some(ids)
}

/// The text of a non-null scalar.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::Seq(_) | Value::Map(_) | Value::Null => None,
        scalar => scalar.scalar_string(),
    }
}

/// `(key, value)` for each merge key the element has; `None` if it has none,
/// is not a map, or holds a collection under a key.
fn key_values(element: &Value, keys: &[Box<str>]) -> Option<Vec<(String, String)>> {
    let map = element.as_map()?;
    let mut pairs = Vec::with_capacity(keys.len());
    for key in keys {
        match map.get(key) {
            None | Some(Value::Null) => {}
            Some(v) => pairs.push((key.to_string(), scalar_text(v)?)),
        }
    }
    (!pairs.is_empty()).then_some(pairs)
}

/// How the elements of two lists correspond.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Matching {
    /// Old positions with no counterpart, ascending.
    pub removed: Vec<usize>,
    /// For each new position: the old position it pairs with and whether it
    /// moved, or `None` for an added element.
    pub new: Vec<Option<(usize, bool)>>,
}

/// Pairs elements with equal identities.
pub(crate) fn match_elements(old: &[Segment], new: &[Segment]) -> Matching {
    let old_at: HashMap<&Segment, usize> = old.iter().enumerate().map(|(i, s)| (s, i)).collect();
    let mut paired = vec![false; old.len()];
    let mut new_side: Vec<Option<(usize, bool)>> = new
        .iter()
        .map(|id| {
            old_at.get(id).map(|&i| {
                paired[i] = true;
                (i, true)
            })
        })
        .collect();
    let order: Vec<usize> = new_side.iter().flatten().map(|&(i, _)| i).collect();
    let mut stays = longest_increasing(&order).into_iter().peekable();
    for (n, slot) in new_side.iter_mut().flatten().enumerate() {
        if stays.peek() == Some(&n) {
            stays.next();
            slot.1 = false;
        }
    }
    let removed = (0..old.len()).filter(|&i| !paired[i]).collect();
    Matching {
        removed,
        new: new_side,
    }
}

/// Indices (ascending) of one longest strictly increasing subsequence of
/// `seq`, by patience sorting in O(n log n). Among equally long ones it keeps
/// the one ending in the smallest values, so in a swap of two elements the
/// one that came first in the old list stays and the other one moved.
fn longest_increasing(seq: &[usize]) -> Vec<usize> {
    // tails[k]: index in `seq` of the smallest tail of an increasing run of length k + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; seq.len()];
    for (i, &v) in seq.iter().enumerate() {
        let k = tails.partition_point(|&t| seq[t] < v);
        previous[i] = k.checked_sub(1).map(|p| tails[p]);
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut run = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(i) = at {
        run.push(i);
        at = previous[i];
    }
    run.reverse();
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(s: &str) -> Segment {
        Segment::Item(s.into())
    }

    fn load(text: &str) -> Vec<Value> {
        krust_yaml::load_documents(text)
            .unwrap()
            .remove(0)
            .as_seq()
            .unwrap()
            .clone()
    }

    #[test]
    fn identities_by_key_and_by_value() {
        let keys: Vec<Box<str>> = vec!["containerPort".into(), "protocol".into()];
        let ids = identities(
            &load("[{containerPort: 80}, {containerPort: 80, protocol: UDP}]"),
            &keys,
        )
        .unwrap();
        assert_eq!(
            ids[0],
            Segment::Keyed(vec![("containerPort".into(), "80".into())])
        );
        assert_eq!(
            ids[1],
            Segment::Keyed(vec![
                ("containerPort".into(), "80".into()),
                ("protocol".into(), "UDP".into())
            ])
        );
        assert_eq!(
            identities(&load("[a, 1, true]"), &[]).unwrap(),
            [item("a"), item("1"), item("true")]
        );
    }

    #[test]
    fn ambiguous_lists_have_no_identities() {
        let name: Vec<Box<str>> = vec!["name".into()];
        assert_eq!(identities(&load("[{name: a}, {name: a}]"), &name), None);
        assert_eq!(identities(&load("[{name: a}, {image: b}]"), &name), None);
        assert_eq!(identities(&load("[{name: a}, x]"), &name), None);
        assert_eq!(identities(&load("[{name: [a]}]"), &name), None);
        assert_eq!(identities(&load("[a, a]"), &[]), None);
        assert_eq!(identities(&load("[a, null]"), &[]), None);
        assert_eq!(identities(&load("[]"), &name), Some(vec![]));
    }

    #[test]
    fn swap_moves_the_later_element() {
        let m = match_elements(&[item("a"), item("b")], &[item("b"), item("a")]);
        assert_eq!(m.new, [Some((1, true)), Some((0, false))]);
        assert!(m.removed.is_empty());
    }

    #[test]
    fn insertions_and_removals_move_nothing() {
        let m = match_elements(
            &[item("a"), item("b"), item("c")],
            &[item("x"), item("a"), item("c")],
        );
        assert_eq!(m.removed, [1]);
        assert_eq!(m.new, [None, Some((0, false)), Some((2, false))]);
    }

    #[test]
    fn one_element_to_the_front() {
        let old = [item("a"), item("b"), item("c"), item("d")];
        let m = match_elements(&old, &[item("d"), item("a"), item("b"), item("c")]);
        assert_eq!(
            m.new,
            [
                Some((3, true)),
                Some((0, false)),
                Some((1, false)),
                Some((2, false))
            ]
        );
    }

    #[test]
    fn longest_increasing_run() {
        assert_eq!(longest_increasing(&[]), Vec::<usize>::new());
        assert_eq!(longest_increasing(&[3, 1, 2, 0, 4]), [1, 2, 4]);
        assert_eq!(longest_increasing(&[5, 4, 3]), [2]);
        assert_eq!(longest_increasing(&[0, 1, 2]), [0, 1, 2]);
    }
}
