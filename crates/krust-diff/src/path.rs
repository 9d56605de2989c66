//! Field paths and the changes found at them.
//!
//! # Notation
//!
//! A path is written from the resource's root, one segment after another:
//!
//! | segment | written | example |
//! |---|---|---|
//! | map key, plain | `.key` (no dot first) | `spec.replicas` |
//! | map key, other | `["key"]`, JSON-quoted | `metadata.labels["app.kubernetes.io/name"]` |
//! | list element by position | `[index]` | `spec.template.spec.containers[name=app].args[0]` |
//! | list element by merge key | `[key=value]`, keys joined by `,` | `ports[containerPort=80,protocol=TCP]` |
//! | element of a set of scalars | `[=value]` | `metadata.finalizers[=kubernetes]` |
//!
//! A key is plain when it starts with an ASCII letter or `_` and holds only
//! ASCII letters, digits, `_` and `-`; any other key (dots, slashes, spaces,
//! an empty key, a leading digit) is quoted, so a path never reads two ways.
//! A merge-key value is bare when it is non-empty and holds only ASCII
//! letters, digits and `-_./:`; otherwise it is JSON-quoted. Positions are
//! 0-based. The path of the resource itself is `.`.

use std::fmt;

use crate::quote::write_json_string;

/// One step of a [`FieldPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// A map key.
    Field(String),
    /// A list element by 0-based position (lists compared in order).
    Index(usize),
    /// A list element by the values of its merge keys, in the schema's key
    /// order: `(key, value as text)`. Keys the element lacks are left out.
    Keyed(Vec<(String, String)>),
    /// An element of a list of scalars that the schema merges as a set,
    /// identified by its value as text.
    Item(String),
}

/// Where in a resource a change is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FieldPath {
    /// Segments from the root.
    pub segments: Vec<Segment>,
}

impl FieldPath {
    /// The root.
    pub fn root() -> FieldPath {
        FieldPath::default()
    }

    /// A path of map keys only (`["spec", "replicas"]` is `spec.replicas`).
    pub fn of_fields(keys: &[&str]) -> FieldPath {
        FieldPath {
            segments: keys
                .iter()
                .map(|k| Segment::Field((*k).to_owned()))
                .collect(),
        }
    }

    /// This path with one more segment.
    pub fn child(&self, segment: Segment) -> FieldPath {
        let mut segments = self.segments.clone();
        segments.push(segment);
        FieldPath { segments }
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segments.is_empty() {
            return f.write_str(".");
        }
        let mut out = String::new();
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Field(key) if is_plain_key(key) => {
                    if i > 0 {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Segment::Field(key) => {
                    out.push('[');
                    write_json_string(key, &mut out);
                    out.push(']');
                }
                Segment::Index(index) => out.push_str(&format!("[{index}]")),
                Segment::Keyed(pairs) => {
                    out.push('[');
                    for (n, (key, value)) in pairs.iter().enumerate() {
                        if n > 0 {
                            out.push(',');
                        }
                        out.push_str(key);
                        out.push('=');
                        write_key_value(value, &mut out);
                    }
                    out.push(']');
                }
                Segment::Item(value) => {
                    out.push_str("[=");
                    write_key_value(value, &mut out);
                    out.push(']');
                }
            }
        }
        f.write_str(&out)
    }
}

/// Whether a map key may be written after a dot.
fn is_plain_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A merge-key value, bare when it cannot be misread.
fn write_key_value(value: &str, out: &mut String) {
    let bare = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':'));
    if bare {
        out.push_str(value);
    } else {
        write_json_string(value, out);
    }
}

/// What happened at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeKind {
    /// The field or element exists only in the new render.
    Added,
    /// The field or element exists only in the old render.
    Removed,
    /// The value differs (a scalar, or a value of another type).
    Modified,
    /// An element of a list matched by merge key (or a set of scalars) is at
    /// another place relative to the elements present on both sides. Changes
    /// inside it, if any, are listed under the same path.
    Moved {
        /// 0-based position in the old list.
        from: usize,
        /// 0-based position in the new list.
        to: usize,
    },
}

impl ChangeKind {
    /// `added`, `removed`, `modified` or `moved`.
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Modified => "modified",
            ChangeKind::Moved { .. } => "moved",
        }
    }
}

/// One difference between the old and new versions of a resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldChange {
    /// Where.
    pub path: FieldPath,
    /// What.
    pub kind: ChangeKind,
}

impl fmt::Display for FieldChange {
    /// `spec.replicas modified`, `…containers[name=b] moved 1 -> 0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.path, self.kind.name())?;
        if let ChangeKind::Moved { from, to } = self.kind {
            write!(f, " {from} -> {to}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(k: &str) -> Segment {
        Segment::Field(k.into())
    }

    #[test]
    fn plain_keys_join_with_dots() {
        assert_eq!(
            FieldPath::of_fields(&["spec", "replicas"]).to_string(),
            "spec.replicas"
        );
        assert_eq!(
            FieldPath::of_fields(&["x_y", "a-b", "_c"]).to_string(),
            "x_y.a-b._c"
        );
        assert_eq!(FieldPath::root().to_string(), ".");
    }

    #[test]
    fn other_keys_are_quoted() {
        let path = FieldPath::of_fields(&["metadata", "labels", "app.kubernetes.io/name"]);
        assert_eq!(
            path.to_string(),
            r#"metadata.labels["app.kubernetes.io/name"]"#
        );
        for (key, shown) in [
            ("", r#"[""]"#),
            ("8080", r#"["8080"]"#),
            ("a b", r#"["a b"]"#),
            ("q\"", r#"["q\""]"#),
            ("$patch", r#"["$patch"]"#),
        ] {
            assert_eq!(FieldPath::of_fields(&[key]).to_string(), shown);
        }
        let path = FieldPath::of_fields(&["data"]).child(field("config.yaml"));
        assert_eq!(path.to_string(), r#"data["config.yaml"]"#);
    }

    #[test]
    fn list_elements() {
        let containers = FieldPath::of_fields(&["spec", "template", "spec", "containers"]);
        let app = containers.child(Segment::Keyed(vec![("name".into(), "app".into())]));
        assert_eq!(
            app.child(field("image")).to_string(),
            "spec.template.spec.containers[name=app].image"
        );
        assert_eq!(
            app.child(field("args"))
                .child(Segment::Index(2))
                .to_string(),
            "spec.template.spec.containers[name=app].args[2]"
        );
        let port = FieldPath::of_fields(&["ports"]).child(Segment::Keyed(vec![
            ("containerPort".into(), "80".into()),
            ("protocol".into(), "TCP".into()),
        ]));
        assert_eq!(port.to_string(), "ports[containerPort=80,protocol=TCP]");
        let odd = FieldPath::of_fields(&["env"])
            .child(Segment::Keyed(vec![("name".into(), "a=b]".into())]));
        assert_eq!(odd.to_string(), r#"env[name="a=b]"]"#);
        let empty = FieldPath::of_fields(&["env"])
            .child(Segment::Keyed(vec![("name".into(), String::new())]));
        assert_eq!(empty.to_string(), r#"env[name=""]"#);
        let item = FieldPath::of_fields(&["metadata", "finalizers"])
            .child(Segment::Item("example.com/x".into()));
        assert_eq!(item.to_string(), "metadata.finalizers[=example.com/x]");
    }

    #[test]
    fn changes_display_their_kind() {
        let path =
            FieldPath::of_fields(&["c"]).child(Segment::Keyed(vec![("name".into(), "b".into())]));
        let moved = FieldChange {
            path: path.clone(),
            kind: ChangeKind::Moved { from: 1, to: 0 },
        };
        assert_eq!(moved.to_string(), "c[name=b] moved 1 -> 0");
        let added = FieldChange {
            path,
            kind: ChangeKind::Added,
        };
        assert_eq!(added.to_string(), "c[name=b] added");
    }
}
