//! JSON held in a string, written back as kustomize 5.8 writes it: the
//! document is printed as YAML, read back by go-yaml into Go values, and
//! marshalled by Go's `encoding/json`, pretty-printed with two spaces when
//! the original had a line break and two spaces in a row.
//!
//! Reading back decides each scalar's type from its tag and style exactly
//! as the YAML round trip would ([`decode`]); marshalling follows
//! `encoding/json`: keys sorted by bytes, `<`, `>`, `&`, U+2028 and U+2029
//! escaped, floats in ES6 style (`1e+21`, `1e-7`), `{}` and `[]` compact.

use krust_yaml::{Mapping, Value};

use super::super::scalar::{resolve, Tag};
use super::doc::{Doc, Kind, Node, NodeId, Style};
use super::emit::{self, writers::plain_allowed};

/// The JSON text for `doc`, or `None` where kustomize's round trip fails
/// (a scalar whose text does not fit its tag, a non-string or repeated
/// key, a number JSON cannot hold).
pub(crate) fn serialize(doc: &Doc, original: &str) -> Option<String> {
    let value = match doc.root {
        Some(root) => decode(doc, root)?,
        None => Value::Null,
    };
    let pretty = original.contains('\n') && original.contains("  ");
    let mut out = String::new();
    write(&value, pretty.then_some(0), &mut out)?;
    Some(out)
}

/// The Go value of a node after printing it inside a flow collection and
/// reading it back.
fn decode(doc: &Doc, id: NodeId) -> Option<Value> {
    let node = doc.node(id);
    match node.kind {
        Kind::Seq => node
            .children
            .iter()
            .map(|&child| decode(doc, child))
            .collect::<Option<Vec<_>>>()
            .map(Value::Seq),
        Kind::Map => {
            let mut map = Mapping::default();
            for pair in node.children.chunks_exact(2) {
                let key = doc.node(pair[0]);
                if key.kind != Kind::Scalar {
                    return None;
                }
                let (Tag::Str, Value::String(name)) = scalar(key)? else {
                    return None;
                };
                if map.contains_key(&name) {
                    return None;
                }
                map.insert(name, decode(doc, pair[1])?);
            }
            Some(Value::from_map(map))
        }
        Kind::Scalar => scalar(node).map(|(_, v)| v),
    }
}

/// A scalar's type and value after the round trip: an explicit tag when
/// the encoder writes one (the text must then fit it), a string when it
/// is quoted, else what the plain text reads as.
fn scalar(node: &Node) -> Option<(Tag, Value)> {
    let (tag, text) = (node.tag, node.value.as_str());
    let emit::Event::Scalar {
        tag: written,
        style,
        ..
    } = emit::scalar_event(tag, node.style, node.tagged, text)
    else {
        return None;
    };
    if written.is_some() {
        return tagged(tag, text);
    }
    if style == Style::Plain && plain_allowed(text, true) {
        return Some(resolve(text));
    }
    Some((Tag::Str, Value::from(text)))
}

/// go-yaml's `resolve` of `text` under an explicit `tag`: it must read as
/// that type, except that an integer is accepted as a float.
fn tagged(tag: Tag, text: &str) -> Option<(Tag, Value)> {
    let (found, value) = resolve(text);
    match (tag, found, value) {
        (want, got, value) if want == got => Some((want, value)),
        (Tag::Float, Tag::Int, Value::Int(i)) => Some((Tag::Float, Value::Float(i as f64))),
        (Tag::Float, Tag::Int, Value::UInt(u)) => Some((Tag::Float, Value::Float(u as f64))),
        _ => None,
    }
}

/// `encoding/json`'s output for `value`; `indent` is the current depth when
/// pretty-printing. `None` for NaN and infinities, which JSON cannot hold.
fn write(value: &Value, indent: Option<usize>, out: &mut String) -> Option<()> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::UInt(u) => out.push_str(&u.to_string()),
        Value::Float(f) => out.push_str(&float(*f)?),
        Value::String(s) => string(s, out),
        Value::Seq(items) => {
            let items: Vec<&Value> = items.iter().collect();
            container(out, indent, '[', ']', &items, |v, indent, out| {
                write(v, indent, out)
            })?;
        }
        Value::Map(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            container(out, indent, '{', '}', &entries, |(k, v), indent, out| {
                string(k, out);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write(v, indent, out)
            })?;
        }
    }
    Some(())
}

/// An array or object: compact, or one item per line (`json.Indent`),
/// empty ones always compact.
fn container<T: Copy>(
    out: &mut String,
    indent: Option<usize>,
    open: char,
    close: char,
    items: &[T],
    mut item: impl FnMut(T, Option<usize>, &mut String) -> Option<()>,
) -> Option<()> {
    out.push(open);
    let inner = indent.map(|d| d + 1);
    for (i, &it) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        newline(out, inner);
        item(it, inner, out)?;
    }
    if !items.is_empty() {
        newline(out, indent);
    }
    out.push(close);
    Some(())
}

fn newline(out: &mut String, depth: Option<usize>) {
    if let Some(depth) = depth {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    }
}

/// `encoding/json`'s string encoding with HTML escaping.
pub(crate) fn string(s: &str, out: &mut String) {
    krust_yaml::write_go_json_string(s, out);
}

/// `encoding/json`'s float64 format: shortest digits, fixed notation
/// unless the magnitude is below 1e-6 or at least 1e21 (`1e-7`, `1e+21`);
/// `None` for NaN and infinities.
pub(crate) fn float(f: f64) -> Option<String> {
    krust_yaml::number::go_json_float(f)
}
