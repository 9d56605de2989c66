//! A YAML document as go-yaml v3 holds it in a `yaml.Node` tree: each node
//! keeps its tag, its style and its comments, which is what kustomize 5.8's
//! replacements need to write YAML held in a string back the way it was
//! written.
//!
//! Nodes live in an arena ([`Doc::nodes`]) and refer to each other by index,
//! so a path match can hand out indexes and the setter can change the node
//! in place, as kyaml changes `*yaml.Node` values.

use super::super::scalar::Tag;

/// An index into [`Doc::nodes`].
pub(crate) type NodeId = usize;

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A scalar.
    Scalar,
    /// A sequence.
    Seq,
    /// A mapping (children alternate key, value).
    Map,
}

impl Kind {
    /// go-yaml's name for the kind, as kyaml prints it in errors.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Scalar => "ScalarNode",
            Kind::Seq => "SequenceNode",
            Kind::Map => "MappingNode",
        }
    }
}

/// How a scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// No style asked for: plain if the emitter can.
    Plain,
    /// `'...'`.
    Single,
    /// `"..."`.
    Double,
    /// `|`.
    Literal,
    /// `>`.
    Folded,
}

/// One node: go-yaml's `yaml.Node` without anchors and positions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// Scalar, sequence or mapping.
    pub kind: Kind,
    /// A scalar's tag; `Untagged` for nodes kyaml creates (no tag at all).
    pub tag: Tag,
    /// A scalar's style.
    pub style: Style,
    /// The tag was written out (`!!int 5`): go-yaml's `TaggedStyle`, which
    /// makes the encoder write it out again.
    pub tagged: bool,
    /// A collection written in flow style (`[a, b]`, `{k: v}`).
    pub flow: bool,
    /// A scalar's text.
    pub value: String,
    /// Items of a sequence; keys and values, alternating, of a mapping.
    pub children: Vec<NodeId>,
    /// Comment lines above the node.
    pub head: String,
    /// The comment at the end of the node's line.
    pub line: String,
    /// Comment lines below the node.
    pub foot: String,
}

impl Node {
    /// A scalar with a tag and a style, no comments.
    pub(crate) fn scalar(tag: Tag, style: Style, value: impl Into<String>) -> Node {
        Node {
            kind: Kind::Scalar,
            tag,
            style,
            tagged: false,
            flow: false,
            value: value.into(),
            children: Vec::new(),
            head: String::new(),
            line: String::new(),
            foot: String::new(),
        }
    }

    /// An empty block collection of `kind`, untagged, as kyaml creates one.
    pub(crate) fn collection(kind: Kind, flow: bool) -> Node {
        Node {
            kind,
            flow,
            ..Node::scalar(Tag::Untagged, Style::Plain, "")
        }
    }

    /// kyaml's `IsMissingOrNull` for an existing node: tagged `!!null`.
    pub(crate) fn is_null(&self) -> bool {
        self.kind == Kind::Scalar && self.tag == Tag::Null
    }
}

/// A parsed document: go-yaml's `DocumentNode` and its content.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Doc {
    /// Every node; [`Doc::root`] and children index into it.
    pub nodes: Vec<Node>,
    /// The content; `None` for text without a document (empty, blank or
    /// only comments), which go-yaml leaves as a zero node.
    pub root: Option<NodeId>,
    /// Comment lines above the content, set off by an empty line.
    pub head: String,
    /// Comment lines below the content, set off by an empty line.
    pub foot: String,
}

impl Doc {
    /// Adds a node and returns its index.
    pub(crate) fn add(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// The node at `id`.
    pub(crate) fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// The node at `id`, for changing.
    pub(crate) fn node_mut(&mut self, id: NodeId) -> &mut Node {
        &mut self.nodes[id]
    }

    /// The value under `key` in the mapping `map` (kyaml's `Field`: the
    /// first entry of that name).
    pub(crate) fn field(&self, map: NodeId, key: &str) -> Option<NodeId> {
        self.node(map)
            .children
            .chunks_exact(2)
            .find(|pair| self.node(pair[0]).value == key)
            .map(|pair| pair[1])
    }

    /// Whether `id` is part of the document (nodes created below a
    /// `!!null` node are not).
    pub(crate) fn reaches(&self, id: NodeId) -> bool {
        let mut stack: Vec<NodeId> = self.root.into_iter().collect();
        while let Some(next) = stack.pop() {
            if next == id {
                return true;
            }
            stack.extend(&self.node(next).children);
        }
        false
    }
}
