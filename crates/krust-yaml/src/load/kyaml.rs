//! kyaml's own merge-key expansion, emulated node by node.
//!
//! kustomize expands `<<` with kyaml's `DeAnchor`, which differs from the
//! textbook rule once a merged mapping has a `<<` of its own:
//!
//! * the document is walked top-down; merging into a mapping copies each
//!   source's entries *as they stand*, so a source's own `<<` entry is copied
//!   along as an ordinary entry (only one survives, by name) and is expanded
//!   later by go-yaml's decoder, below every explicit key;
//! * an anchored mapping is only expanded in place when an alias to it is
//!   walked as a value, so whether a later merge sees its inherited keys as
//!   explicit depends on what came before.
//!
//! kubectl shows the effect: with `m1: &m1 {<<: *m0, ...}` and
//! `data: {<<: [*m1, *m2]}`, keys `m1` inherits from `m0` lose to `m2`'s own.
//! The composer's value is right whenever no merged mapping has its own
//! `<<`; for documents with merge keys this module recomputes the document
//! by re-parsing it into nodes, running kyaml's algorithm, then decoding as
//! go-yaml does. Any failure here keeps the composer's value.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::folded;
use super::keys::{scalar_key, At, KeyContext, Role};
use super::resolve::{resolve_scalar, TagKind};
use super::source::Source;
use crate::{Mapping, Value};

type Id = usize;

#[derive(Debug, Clone)]
enum Node {
    Scalar {
        text: String,
        plain: bool,
        tag: TagKind,
    },
    Seq {
        items: Vec<Id>,
        flow: bool,
    },
    Map {
        entries: Vec<(Id, Id)>,
        flow: bool,
    },
    /// An alias, pointing at the original anchored node.
    Alias(Id),
}

/// Gives up (keeping the composer's value) instead of looping or exploding.
struct Budget(usize);

struct Graph {
    nodes: Vec<Node>,
    budget: Budget,
}

/// Recomputes the first document of `text` the way kustomize builds it, or
/// `None` if the emulation cannot (then the caller keeps its own value).
pub(crate) fn document(text: &str, max_nodes: usize) -> Option<Value> {
    let (mut graph, root) = build(text, max_nodes)?;
    let root = graph.de_anchor(root)?;
    graph.decode(root, KeyContext::Root, false)
}

/// Parses the first document into nodes (anchors become alias targets).
fn build(text: &str, max_nodes: usize) -> Option<(Graph, Id)> {
    let mut graph = Graph {
        nodes: Vec::new(),
        budget: Budget(max_nodes),
    };
    let mut source = Source::new(text);
    let mut anchors: Vec<Option<Id>> = Vec::new();
    let mut open: Vec<Id> = Vec::new();
    let mut root = None;
    for next in Parser::new_from_str(text) {
        let (event, span) = next.ok()?;
        let (id, anchor) = match event {
            Event::Scalar(value, style, anchor, tag) => {
                let mut value = value.into_owned();
                let in_key_position = open.last().is_some_and(|&p| graph.awaits_key(p));
                if style == ScalarStyle::Folded && !in_key_position {
                    value = folded::round_trip(&value).unwrap_or(value);
                }
                let node = Node::Scalar {
                    text: value,
                    plain: style == ScalarStyle::Plain,
                    tag: TagKind::of(tag.as_deref()),
                };
                (graph.add(node)?, anchor)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let written_flow = matches!(source.char_before(span.end.index()), Some('[' | '{'));
                let flow = written_flow || open.last().is_some_and(|&p| graph.is_flow(p));
                let node = if matches!(event, Event::SequenceStart(..)) {
                    Node::Seq {
                        items: Vec::new(),
                        flow,
                    }
                } else {
                    Node::Map {
                        entries: Vec::new(),
                        flow,
                    }
                };
                let id = graph.add(node)?;
                if anchor != 0 {
                    set(&mut anchors, anchor, id);
                }
                open.push(id);
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let id = open.pop()?;
                (id, 0)
            }
            Event::Alias(target) => {
                let original = (*anchors.get(target)?)?;
                (graph.add(Node::Alias(original))?, 0)
            }
            Event::DocumentEnd => break,
            _ => continue,
        };
        if anchor != 0 {
            set(&mut anchors, anchor, id);
        }
        match open.last() {
            Some(&parent) => graph.push_child(parent, id),
            None => root = Some(id),
        }
    }
    let complete = graph.nodes.iter().all(|node| match node {
        Node::Map { entries, .. } => entries.iter().all(|&(_, v)| v != usize::MAX),
        _ => true,
    });
    complete.then_some((graph, root?))
}

fn set(anchors: &mut Vec<Option<Id>>, anchor: usize, id: Id) {
    if anchors.len() <= anchor {
        anchors.resize(anchor + 1, None);
    }
    anchors[anchor] = Some(id);
}

impl Graph {
    fn add(&mut self, node: Node) -> Option<Id> {
        self.budget.0 = self.budget.0.checked_sub(1)?;
        self.nodes.push(node);
        Some(self.nodes.len() - 1)
    }

    fn is_flow(&self, id: Id) -> bool {
        matches!(
            self.nodes[id],
            Node::Seq { flow: true, .. } | Node::Map { flow: true, .. }
        )
    }

    /// A mapping whose entries so far are complete pairs (next child is a key).
    fn awaits_key(&self, id: Id) -> bool {
        matches!(&self.nodes[id], Node::Map { entries, .. } if entries.last().is_none_or(|&(_, v)| v != usize::MAX))
    }

    fn push_child(&mut self, parent: Id, child: Id) {
        match &mut self.nodes[parent] {
            Node::Seq { items, .. } => items.push(child),
            Node::Map { entries, .. } => match entries.last_mut() {
                Some((_, value)) if *value == usize::MAX => *value = child,
                _ => entries.push((child, usize::MAX)),
            },
            _ => {}
        }
    }

    /// kyaml `CopyYNode`: a deep copy in which aliases still point at their
    /// originals.
    fn copy(&mut self, id: Id) -> Option<Id> {
        let node = match self.nodes[id].clone() {
            Node::Seq { items, flow } => {
                let items = items
                    .into_iter()
                    .map(|i| self.copy(i))
                    .collect::<Option<_>>()?;
                Node::Seq { items, flow }
            }
            Node::Map { entries, flow } => {
                let entries = entries
                    .into_iter()
                    .map(|(k, v)| Some((self.copy(k)?, self.copy(v)?)))
                    .collect::<Option<_>>()?;
                Node::Map { entries, flow }
            }
            leaf => leaf,
        };
        self.add(node)
    }

    /// kyaml `deAnchor`.
    fn de_anchor(&mut self, id: Id) -> Option<Id> {
        match self.nodes[id].clone() {
            Node::Scalar { .. } => Some(id),
            Node::Alias(original) => {
                let resolved = self.de_anchor(original)?;
                self.copy(resolved)
            }
            Node::Map { .. } => {
                let sources = self.remove_merge_tags(id)?;
                self.merge_all(id, &sources)?;
                let Node::Map { entries, flow } = self.nodes[id].clone() else {
                    return None;
                };
                let entries = entries
                    .into_iter()
                    .map(|(k, v)| Some((self.de_anchor(k)?, self.de_anchor(v)?)))
                    .collect::<Option<_>>()?;
                self.nodes[id] = Node::Map { entries, flow };
                Some(id)
            }
            Node::Seq { items, flow } => {
                let items = items
                    .into_iter()
                    .map(|i| self.de_anchor(i))
                    .collect::<Option<_>>()?;
                self.nodes[id] = Node::Seq { items, flow };
                Some(id)
            }
        }
    }

    /// kyaml `isMerge`: a key tagged `!!merge` (a plain `<<` is).
    fn is_merge_key(&self, id: Id) -> bool {
        match &self.nodes[id] {
            Node::Scalar { text, plain, tag } => {
                *tag == TagKind::Merge || (*tag == TagKind::None && *plain && text == "<<")
            }
            _ => false,
        }
    }

    /// kyaml `removeMergeTags`: the merge sources, then `Clear("<<")`.
    fn remove_merge_tags(&mut self, id: Id) -> Option<Vec<Id>> {
        let Node::Map { entries, flow } = self.nodes[id].clone() else {
            return Some(Vec::new());
        };
        let mut merges = entries.iter().filter(|&&(k, _)| self.is_merge_key(k));
        let value = merges.next().map(|&(_, v)| v);
        if merges.next().is_some() {
            return None;
        }
        let sources = match value {
            Some(v) => self.merge_sources(v)?,
            None => Vec::new(),
        };
        let mut entries = entries;
        if let Some(first) = entries.iter().position(|&(k, _)| self.key_text(k) == "<<") {
            entries.remove(first);
        }
        self.nodes[id] = Node::Map { entries, flow };
        Some(sources)
    }

    /// kyaml `findMergeValues`: later sequence items come first.
    fn merge_sources(&self, id: Id) -> Option<Vec<Id>> {
        match &self.nodes[id] {
            Node::Map { .. } => Some(vec![id]),
            Node::Alias(original) => {
                matches!(self.nodes[*original], Node::Map { .. }).then(|| vec![*original])
            }
            Node::Seq { items, .. } => {
                let mut sources = Vec::new();
                for &item in items {
                    if matches!(self.nodes[item], Node::Seq { .. }) {
                        return None;
                    }
                    let mut found = self.merge_sources(item)?;
                    found.append(&mut sources);
                    sources = found;
                }
                Some(sources)
            }
            Node::Scalar { .. } => None,
        }
    }

    /// A key's text as kyaml compares keys (`Value`; an alias's is its name,
    /// which never equals a written key here, so it matches nothing).
    fn key_text(&self, id: Id) -> &str {
        match &self.nodes[id] {
            Node::Scalar { text, .. } => text,
            _ => "\u{0}alias",
        }
    }

    /// The name `MapEntrySetter` looks up for a key (`GetValue`: a null key
    /// looks up the empty name).
    fn setter_name(&self, id: Id) -> String {
        match &self.nodes[id] {
            Node::Scalar { text, plain, tag } => {
                let null = match resolve_scalar(text, *plain, *tag) {
                    Ok((kind, _)) => kind == TagKind::Null,
                    Err(_) => false,
                };
                if null {
                    String::new()
                } else {
                    text.clone()
                }
            }
            _ => "\u{0}alias".to_owned(),
        }
    }

    /// kyaml `mergeAll`: start from a copy of the mapping, then set every
    /// entry of each source and finally of the mapping itself, by key name
    /// (the first entry of that name is replaced, else one is appended).
    /// Without sources that leaves a plain copy, which is made directly.
    fn merge_all(&mut self, id: Id, sources: &[Id]) -> Option<()> {
        let merged = self.copy(id)?;
        let Node::Map { entries, flow } = self.nodes[merged].clone() else {
            return None;
        };
        if sources.is_empty() {
            self.nodes[id] = Node::Map { entries, flow };
            return Some(());
        }
        let mut target = entries;
        let mut first_by_name: HashMap<String, usize> = HashMap::new();
        for (at, &(key, _)) in target.iter().enumerate() {
            first_by_name
                .entry(self.key_text(key).to_owned())
                .or_insert(at);
        }
        for &source in sources.iter().chain(std::iter::once(&id)) {
            let copy = self.copy(source)?;
            let Node::Map { entries, .. } = self.nodes[copy].clone() else {
                return None;
            };
            for (key, value) in entries {
                let name = self.setter_name(key);
                match first_by_name.get(&name) {
                    Some(&at) => {
                        // The replaced key may have had another name.
                        target[at] = (key, value);
                        let new_name = self.key_text(key).to_owned();
                        first_by_name.entry(new_name).or_insert(at);
                    }
                    None => {
                        first_by_name
                            .entry(self.key_text(key).to_owned())
                            .or_insert(target.len());
                        target.push((key, value));
                    }
                }
            }
        }
        self.nodes[id] = Node::Map {
            entries: target,
            flow,
        };
        Some(())
    }

    /// go-yaml v3 decoding into `interface{}` (`map[string]interface{}` at
    /// the root), including its own merge handling.
    fn decode(&self, id: Id, context: KeyContext, in_flow: bool) -> Option<Value> {
        match &self.nodes[id] {
            Node::Scalar { text, plain, tag } => {
                if *plain && *tag == TagKind::None && text.is_empty() && in_flow {
                    return Some(Value::String(String::new()));
                }
                let (_, resolved) = resolve_scalar(text, *plain, *tag).ok()?;
                resolved.into_value(Cow::Borrowed(text)).ok()
            }
            Node::Seq { items, flow } => items
                .iter()
                .map(|&i| self.decode(i, KeyContext::Nested, *flow))
                .collect::<Option<Vec<_>>>()
                .map(Value::Seq),
            Node::Map { .. } => {
                let mut map = Mapping::default();
                self.decode_into(id, context, &mut map, false)?;
                Some(Value::from_map(map))
            }
            Node::Alias(_) => None,
        }
    }

    /// Decodes mapping `id` into `map`; merged mappings (`only_new`) never
    /// overwrite a key already present.
    fn decode_into(
        &self,
        id: Id,
        context: KeyContext,
        map: &mut Mapping,
        only_new: bool,
    ) -> Option<()> {
        let Node::Map { entries, flow } = &self.nodes[id] else {
            return None;
        };
        let mut merge = None;
        for &(key, value) in entries {
            if self.is_decoder_merge(key) {
                merge = Some(value);
                continue;
            }
            let Node::Scalar { text, plain, tag } = &self.nodes[key] else {
                return None;
            };
            let at = At { line: 0, col: 0 };
            let key = scalar_key(Cow::Borrowed(text), *plain, *tag, context, at).ok()?;
            if key.role == Role::Dropped || (only_new && map.contains_key(&key.name)) {
                continue;
            }
            if !only_new && map.contains_key(&key.name) {
                return None;
            }
            let value = self.decode(value, KeyContext::Nested, *flow)?;
            map.insert(key.name, value);
        }
        let Some(merge) = merge else {
            return Some(());
        };
        match &self.nodes[merge] {
            Node::Map { .. } => self.decode_into(merge, context, map, true),
            Node::Seq { items, .. } => items
                .iter()
                .try_for_each(|&item| self.decode_into(item, context, map, true)),
            _ => None,
        }
    }

    /// go-yaml's decoder `isMerge`: a `<<` key, plain or tagged `!!merge`.
    fn is_decoder_merge(&self, id: Id) -> bool {
        matches!(&self.nodes[id], Node::Scalar { text, tag, .. }
            if text == "<<" && matches!(tag, TagKind::None | TagKind::Merge)
                && self.is_merge_key(id))
    }
}

#[cfg(test)]
mod tests {
    use super::document;
    use crate::{Mapping, Value};

    fn data(src: &str) -> Mapping {
        let doc = document(src, 1 << 20).expect("emulated");
        doc.get("data")
            .and_then(Value::as_map)
            .cloned()
            .expect("data")
    }

    fn ints(map: &Mapping) -> Vec<(String, i64)> {
        let mut pairs: Vec<_> = map
            .iter()
            .filter_map(|(k, v)| match v {
                Value::Int(i) => Some((k.clone(), *i)),
                _ => None,
            })
            .collect();
        pairs.sort();
        pairs
    }

    fn pairs(list: &[(&str, i64)]) -> Vec<(String, i64)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    }

    /// Each expectation was printed by `kubectl kustomize` v5.5.0.
    #[test]
    fn inherited_keys_rank_below_every_explicit_key() {
        let src = "defs:\n  m0: &m0 {d: 7, c: 8, e: 0}\n  m1: &m1 {<<: *m0, b: 0, a: 7, e: 9}\n  m2: &m2 {c: 1, d: 3}\ndata:\n  y: 0\n  <<: [*m1, *m2]\n";
        let want = [("a", 7), ("b", 0), ("c", 1), ("d", 3), ("e", 9), ("y", 0)];
        assert_eq!(ints(&data(src)), pairs(&want));
    }

    #[test]
    fn only_the_earliest_inner_merge_survives() {
        let src = "defs:\n  m0: &m0 {c: 3, a: 4}\n  m1: &m1 {c: 8, a: 3}\n  m2: &m2 {<<: *m0, a: 0, b: 5}\n  m3: &m3 {<<: *m1, e: 4, a: 8, b: 2}\ndata:\n  <<: [*m2, *m1, *m3]\n";
        let want = [("a", 0), ("b", 5), ("c", 8), ("e", 4)];
        assert_eq!(ints(&data(src)), pairs(&want));
    }

    #[test]
    fn plain_merges_match_the_textbook_rule() {
        let src = "a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\ndata:\n  <<: [*a, *b]\n  w: 0\n";
        let want = [("w", 0), ("x", 1), ("y", 1), ("z", 2)];
        assert_eq!(ints(&data(src)), pairs(&want));
        let chain = "a: &a {x: 1, y: 1}\nb: &b {<<: *a, x: 2}\ndata:\n  <<: *b\n  k: 3\n";
        let want = [("k", 3), ("x", 2), ("y", 1)];
        assert_eq!(ints(&data(chain)), pairs(&want));
    }

    #[test]
    fn quoted_merge_name_is_cleared() {
        let src = "data:\n  \"<<\": {a: 1}\n  b: 2\n";
        assert_eq!(ints(&data(src)), pairs(&[("b", 2)]));
    }
}
