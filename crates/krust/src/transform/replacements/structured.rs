//! Replacement targets inside JSON or YAML held in a string field, as
//! kustomize 5.8 writes them (`setValueInStructuredData`).
//!
//! For a target path such as `data.[config.json].server.port`, kustomize
//! first looks for a scalar field part-way along the path whose text reads
//! as YAML (step A). If there is one, it parses the text, walks the rest of
//! the path inside it, sets the value and writes the text back: as
//! `encoding/json` output when the text starts with `{` or `[`, else as
//! kyaml prints YAML (comments, key order and quoting kept). Only when that
//! fails does the ordinary walk run (step B), which in kyaml 0.21 also
//! parses such a scalar, but in a throw-away copy: its matches change
//! nothing, its errors are the ones reported.
//!
//! krust reproduces the YAML rewrite for the shapes its [`parse`] module
//! reads; for anything else the replacement fails with an error naming the
//! field, never with different bytes.

mod doc;
mod emit;
mod json;
mod matcher;
mod parse;
mod read;
#[cfg(test)]
mod tests;

use krust_yaml::{PathSeg, Value};

use super::path::{self, Kind as PathKind, WalkError};
use super::scalar::Tag;
use super::Replacing;
use doc::{Doc, Kind, Node, NodeId, Style};
use krust_yaml::strconv::quote;
use matcher::{Hit, Matcher};
use read::{check_valid, read};

/// Why walking inside a string's YAML stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// kyaml's error (invalid YAML, a node of the wrong kind, ...), which
    /// kustomize reports after `unable to find field ...: `.
    Path(String),
    /// A shape krust does not reproduce: the build must fail.
    Unsupported(String),
}

/// What kyaml holds as a resource scalar's text (a null written as
/// `key:` is empty; krust knows no other spelling of null).
fn scalar_text(node: &Value, written_empty: bool) -> String {
    match node {
        Value::Null if written_empty => String::new(),
        other => path::node_text(other),
    }
}

/// Step A for one target path; `Ok(false)` leaves it to the ordinary walk.
/// `empty` says whether a null resource field was written with no value.
pub(crate) fn write(
    obj: &mut Value,
    value: &Replacing,
    parts: &[String],
    create: Option<PathKind>,
    empty: &dyn Fn(&Value) -> bool,
) -> Result<bool, String> {
    let Some((segs, split)) = container(obj, parts, empty) else {
        return Ok(false);
    };
    let holder = path::at_mut(obj, &segs);
    let original = scalar_text(holder, empty(holder));
    let parsed = read(&original).map_err(|e| loud(&segs, &e))?;
    let mut doc = parsed.doc;
    let root = doc.root;
    let hits = match (Matcher {
        doc: &mut doc,
        create: create.map(kind),
    })
    .filter(root, &parts[split..])
    {
        Ok(hits) if !hits.is_empty() => hits,
        Ok(_) | Err(Failure::Path(_)) => return Ok(false),
        Err(e @ Failure::Unsupported(_)) => return Err(loud(&segs, &e)),
    };
    let mut foreign = Vec::new();
    for hit in hits {
        if let Hit::Node(id) = hit {
            if set(&mut doc, id, value) {
                foreign.push(id);
            }
        }
    }
    let text = if original.trim().starts_with(['{', '[']) {
        match json::serialize(&doc, &original) {
            Some(text) => text,
            None => return Ok(false),
        }
    } else {
        let why = if parsed.flow_comments {
            Some("comments inside a flow collection")
        } else if foreign.iter().any(|&id| doc.reaches(id)) {
            Some("a value copied from a resource, whose YAML styles krust does not keep")
        } else {
            None
        };
        if let Some(why) = why {
            return Err(loud(&segs, &Failure::Unsupported(why.into())));
        }
        emit::document(&doc).trim().to_owned()
    };
    store(holder, text).map_err(|e| loud(&segs, &e))?;
    Ok(true)
}

/// The first scalar part-way along `parts` whose text reads as YAML: its
/// location and how many parts lead to it.
fn container(
    obj: &Value,
    parts: &[String],
    empty: &dyn Fn(&Value) -> bool,
) -> Option<(Vec<PathSeg>, usize)> {
    (1..parts.len()).find_map(|i| {
        let segs = path::locate(obj, &parts[..i]).ok()??;
        let node = path::at(obj, &segs);
        if matches!(node, Value::Map(_) | Value::Seq(_)) {
            return None;
        }
        check_valid(&scalar_text(node, empty(node))).ok()?;
        Some((segs, i))
    })
}

/// The error for a string whose YAML krust does not rewrite.
fn loud(segs: &[PathSeg], failure: &Failure) -> String {
    let field = segs
        .iter()
        .map(|s| match s {
            PathSeg::Key(k) => k.clone(),
            PathSeg::Index(i) => i.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".");
    let why = match failure {
        Failure::Path(e) | Failure::Unsupported(e) => e,
    };
    format!(
        "replacement target inside the string at {}: kustomize 5.8 rewrites the JSON or YAML it holds, which krust does not reproduce for this text ({why})",
        quote(&field)
    )
}

fn kind(kind: PathKind) -> Kind {
    match kind {
        PathKind::Scalar => Kind::Scalar,
        PathKind::Seq => Kind::Seq,
        PathKind::Map => Kind::Map,
    }
}

/// kustomize's setter inside the document: a scalar takes the text (its
/// tag, style and comments stay), anything else becomes the value node.
/// Returns whether the node now holds a copy of a resource value, whose
/// YAML styles (quoting, flow or block) krust does not know.
fn set(doc: &mut Doc, id: NodeId, value: &Replacing) -> bool {
    if doc.node(id).kind == Kind::Scalar {
        doc.node_mut(id).value = value.text().to_owned();
        return false;
    }
    match value {
        Replacing::Scalar(tag, text) => {
            doc.nodes[id] = Node::scalar(*tag, Style::Plain, text.clone());
            // Only `sourceValue` is untagged: a plain scalar, as kyaml makes it.
            *tag != Tag::Untagged
        }
        Replacing::Node(v) => {
            let copy = from_value(doc, v);
            doc.nodes[id] = doc.nodes[copy].clone();
            true
        }
    }
}

/// A resource value as nodes (tags from its types, styles left plain).
fn from_value(doc: &mut Doc, value: &Value) -> NodeId {
    let node = match value {
        Value::Seq(items) => {
            let mut node = Node::collection(Kind::Seq, false);
            node.children = items.iter().map(|v| from_value(doc, v)).collect();
            node
        }
        Value::Map(map) => {
            let mut node = Node::collection(Kind::Map, false);
            for (k, v) in map.iter() {
                let key = doc.add(Node::scalar(Tag::Str, Style::Plain, k.clone()));
                let value = from_value(doc, v);
                node.children.extend([key, value]);
            }
            node
        }
        scalar => Node::scalar(Tag::of(scalar), Style::Plain, path::node_text(scalar)),
    };
    doc.add(node)
}

/// Writes the new text into the resource scalar. A null stays null: only
/// a null's own text (`~`) comes back for it.
fn store(holder: &mut Value, text: String) -> Result<(), Failure> {
    match holder {
        Value::String(s) => *s = text,
        Value::Null if super::scalar::resolve(&text).0 == Tag::Null => {}
        other if path::node_text(other) == text => {}
        _ => {
            return Err(Failure::Unsupported(
                "a non-string field would change type".into(),
            ))
        }
    }
    Ok(())
}

/// Step B's walk through a resource scalar with path left (kyaml 0.21):
/// the text is parsed and the rest of the path walked in a throw-away
/// copy. Returns how many nodes matched; their setter would change only
/// the copy, but still refuses a delimiter on a collection.
pub(crate) fn walk_inside(
    field: &Value,
    written_empty: bool,
    rest: &[String],
    create: Option<PathKind>,
    delimiter: bool,
    field_path: &str,
) -> Result<usize, WalkError> {
    let loud = |why: String| {
        WalkError::Set(format!(
            "replacement target {}: kustomize 5.8 reads the JSON or YAML held in a string on the way, which krust does not reproduce for this text ({why})",
            quote(field_path)
        ))
    };
    let fail = |e: Failure| match e {
        Failure::Path(e) => WalkError::Path(e),
        Failure::Unsupported(why) => loud(why),
    };
    let mut doc = read(&scalar_text(field, written_empty)).map_err(fail)?.doc;
    let root = doc.root;
    let hits = Matcher {
        doc: &mut doc,
        create: create.map(kind),
    }
    .filter(root, rest)
    .map_err(fail)?;
    let collection = hits
        .iter()
        .any(|hit| matches!(hit, Hit::Node(id) if doc.node(*id).kind != Kind::Scalar));
    if delimiter && collection {
        return Err(WalkError::Set(
            "delimiter option can only be used with scalar nodes".into(),
        ));
    }
    Ok(hits.len())
}
