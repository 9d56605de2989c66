//! kyaml 0.21's `PathMatcher` on a parsed [`Doc`]: the walk kustomize 5.8
//! runs inside YAML held in a string.
//!
//! It mirrors [`super::super::path::Walker`] (which walks resources) on
//! go-yaml nodes, where it matters that list selectors match the *printed*
//! node (`"b"` for a JSON string), that a `!!null` node accepts any path
//! (what is created below it is never printed), and that a scalar with
//! path left is parsed and walked in a throw-away copy (kyaml 0.21's
//! `handleStructuredDataInScalar`), whose matches count but change nothing.

use regex::Regex;

use super::super::scalar::Tag;
use super::doc::{Doc, Kind, Node, NodeId, Style};
use super::emit;
use super::Failure;

/// A node the path reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hit {
    /// A node of the document (possibly one no longer reachable from the
    /// root, as when created below a `!!null` node).
    Node(NodeId),
    /// A node of a throw-away copy: counted, never changed.
    Ghost,
}

/// The walk: which kind a created leaf gets (`None`: create nothing).
pub(crate) struct Matcher<'d> {
    pub doc: &'d mut Doc,
    pub create: Option<Kind>,
}

/// kyaml's `ErrorIfInvalid` message for a node of the wrong kind.
pub(crate) fn wrong_kind(doc: &Doc, node: Option<NodeId>, expected: Kind) -> Failure {
    let got = node.map_or("", |id| doc.node(id).kind.name());
    Failure::Path(format!(
        "wrong node kind: expected {} but got {got}: node contents:\n{}",
        expected.name(),
        emit::node(doc, node)
    ))
}

impl Matcher<'_> {
    /// Every node `path` reaches from `node` (`None`: a zero node).
    pub(crate) fn filter(
        &mut self,
        node: Option<NodeId>,
        path: &[String],
    ) -> Result<Vec<Hit>, Failure> {
        let Some((part, rest)) = path.split_first() else {
            return Ok(node.map(Hit::Node).into_iter().collect());
        };
        if part.parse::<i64>().is_ok_and(|i| i >= 0) {
            self.index(node, part, rest)
        } else if part.starts_with('[') && part.ends_with(']') {
            self.select(node, part, rest)
        } else if part == "*" {
            let mut hits = Vec::new();
            for item in self.elements(node)? {
                hits.extend(self.filter(Some(item), rest)?);
            }
            Ok(hits)
        } else {
            self.field(node, part, rest)
        }
    }

    /// The kind a missing part is created with, given the part after it.
    fn kind_for(&self, rest: &[String]) -> Kind {
        match rest.first() {
            None => self.create.unwrap_or(Kind::Scalar),
            Some(next) if next.starts_with('[') && next.ends_with(']') => Kind::Seq,
            Some(next) if next.parse::<i64>().is_ok_and(|i| i >= 0) => Kind::Seq,
            Some(_) => Kind::Map,
        }
    }

    /// kyaml's `Elements`: a sequence's items (none for `!!null`).
    fn elements(&self, node: Option<NodeId>) -> Result<Vec<NodeId>, Failure> {
        match node.map(|id| self.doc.node(id)) {
            Some(n) if n.kind == Kind::Seq => Ok(n.children.clone()),
            Some(n) if n.is_null() => Ok(Vec::new()),
            _ => Err(wrong_kind(self.doc, node, Kind::Seq)),
        }
    }

    /// Appends `item` to a sequence; below `!!null` it goes nowhere.
    fn append(&mut self, seq: NodeId, item: Node) -> NodeId {
        let id = self.doc.add(item);
        if self.doc.node(seq).kind == Kind::Seq {
            self.doc.node_mut(seq).children.push(id);
        }
        id
    }

    fn field(
        &mut self,
        node: Option<NodeId>,
        name: &str,
        rest: &[String],
    ) -> Result<Vec<Hit>, Failure> {
        let Some(id) = node else {
            return Err(wrong_kind(self.doc, node, Kind::Map));
        };
        let n = self.doc.node(id);
        let found = if n.is_null() {
            None
        } else if n.kind != Kind::Map {
            return Err(wrong_kind(self.doc, node, Kind::Map));
        } else {
            self.doc.field(id, name)
        };
        let field = match found {
            Some(field) => field,
            None if self.create.is_none() => return Ok(Vec::new()),
            None => {
                let value = self.doc.add(Node::collection(self.kind_for(rest), false));
                if self.doc.node(id).kind == Kind::Map {
                    let key = self
                        .doc
                        .add(Node::scalar(Tag::Untagged, Style::Plain, name));
                    self.doc.node_mut(id).children.extend([key, value]);
                }
                value
            }
        };
        if self.doc.node(field).kind == Kind::Scalar && !rest.is_empty() {
            return self.in_scalar(field, rest);
        }
        self.filter(Some(field), rest)
    }

    /// A scalar with path left: parsed and walked as a throw-away copy.
    fn in_scalar(&mut self, field: NodeId, rest: &[String]) -> Result<Vec<Hit>, Failure> {
        let text = self.doc.node(field).value.clone();
        let mut copy = super::read(&text)?.doc;
        let root = copy.root;
        let hits = Matcher {
            doc: &mut copy,
            create: self.create,
        }
        .filter(root, rest)?;
        Ok(vec![Hit::Ghost; hits.len()])
    }

    fn index(
        &mut self,
        node: Option<NodeId>,
        part: &str,
        rest: &[String],
    ) -> Result<Vec<Hit>, Failure> {
        let index: usize = part
            .parse()
            .map_err(|_| Failure::Path(format!("invalid index {part}")))?;
        let mut items = self.elements(node)?;
        if items.len() == index && self.create.is_some() {
            let seq = node.expect("elements() accepted the node");
            let kind = self.kind_for(rest);
            items.push(self.append(seq, Node::collection(kind, false)));
        }
        match items.get(index) {
            Some(&item) => self.filter(Some(item), rest),
            None => Err(Failure::Path(format!(
                "index {index} specified but only {} elements found",
                items.len()
            ))),
        }
    }

    fn select(
        &mut self,
        node: Option<NodeId>,
        part: &str,
        rest: &[String],
    ) -> Result<Vec<Hit>, Failure> {
        let inner = &part[1..part.len() - 1];
        let Some((key, pattern)) = inner.split_once('=') else {
            return Err(Failure::Path(
                "list path element must contain fieldName=fieldValue for element to match".into(),
            ));
        };
        let hits = self.select_in(node, key, pattern, rest)?;
        if !hits.is_empty() || self.create.is_none() {
            return Ok(hits);
        }
        let seq = node.expect("select_in() accepted the node");
        let value = Node::scalar(Tag::Untagged, Style::Plain, pattern);
        let item = if key.is_empty() {
            value
        } else {
            let mut map = Node::collection(Kind::Map, false);
            map.children = vec![
                self.doc.add(Node::scalar(Tag::Untagged, Style::Plain, key)),
                self.doc.add(value),
            ];
            map
        };
        self.append(seq, item);
        match self.select_in(node, key, pattern, rest)? {
            // kyaml would append elements forever; stop instead.
            hits if hits.is_empty() => Err(Failure::Path(format!(
                "failed to create element for {}: it does not match itself",
                krust_yaml::strconv::quote(part)
            ))),
            hits => Ok(hits),
        }
    }

    fn select_in(
        &mut self,
        node: Option<NodeId>,
        key: &str,
        pattern: &str,
        rest: &[String],
    ) -> Result<Vec<Hit>, Failure> {
        let mut hits = Vec::new();
        for item in self.elements(node)? {
            let re = Regex::new(pattern)
                .map_err(|e| Failure::Path(format!("error parsing regexp: {e}")))?;
            if key.is_empty() {
                // A primitive element is itself the match; the rest of the path is ignored.
                if re.is_match(emit::node(self.doc, Some(item)).trim()) {
                    hits.push(Hit::Node(item));
                }
                continue;
            }
            let field = match self.doc.node(item).kind {
                Kind::Map => self.doc.field(item, key),
                _ => None,
            };
            let Some(field) = field else { continue };
            if re.is_match(emit::node(self.doc, Some(field)).trim()) {
                hits.extend(self.filter(Some(item), rest)?);
            }
        }
        Ok(hits)
    }
}
