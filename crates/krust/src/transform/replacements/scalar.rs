//! Scalars as kyaml carries them: a tag plus the text, with the type
//! decided when kustomize prints the object.
//!
//! A replacement copies only the *text* of its source into a scalar target
//! and keeps the target's tag, so `"8080"` copied into `replicas: 1` prints as
//! `replicas: 8080`, and `"hello"` copied there fails when printing. A field
//! the replacement creates has no tag: its text is read back as a plain YAML
//! scalar (`"8080"` becomes a number, `""` becomes null).

use krust_yaml::Value;

/// The tag of a scalar node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    /// `!!str`.
    Str,
    /// `!!int`.
    Int,
    /// `!!float`.
    Float,
    /// `!!bool`.
    Bool,
    /// `!!null`.
    Null,
    /// `!!timestamp`: resolved text, or a field written plain as a time.
    Timestamp,
    /// No tag: a node created by the replacement.
    Untagged,
}

impl Tag {
    /// The tag of a value in krust's model.
    pub(crate) fn of(value: &Value) -> Tag {
        match value {
            Value::Null => Tag::Null,
            Value::Bool(_) => Tag::Bool,
            Value::Int(_) | Value::UInt(_) => Tag::Int,
            Value::Float(_) => Tag::Float,
            _ => Tag::Str,
        }
    }

    /// The tag a [`to_value`] error says the node has: a later write keeps
    /// it (kyaml kept the node).
    pub(crate) fn wanted_by(error: &str) -> Option<Tag> {
        let (_, name) = error.rsplit_once(" as a ")?;
        [Tag::Int, Tag::Float, Tag::Bool, Tag::Null, Tag::Timestamp]
            .into_iter()
            .find(|tag| tag.name() == name)
    }

    fn name(self) -> &'static str {
        match self {
            Tag::Str | Tag::Untagged => "!!str",
            Tag::Int => "!!int",
            Tag::Float => "!!float",
            Tag::Bool => "!!bool",
            Tag::Null => "!!null",
            Tag::Timestamp => "!!timestamp",
        }
    }
}

/// What go-yaml v3 reads `text` as, written as a plain scalar: its tag and
/// the value kustomize ends up printing (timestamps as RFC 3339 strings).
pub(crate) fn resolve(text: &str) -> (Tag, Value) {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return (Tag::Null, Value::Null),
        "true" | "True" | "TRUE" => return (Tag::Bool, Value::Bool(true)),
        "false" | "False" | "FALSE" => return (Tag::Bool, Value::Bool(false)),
        _ => {}
    }
    // Only text starting like a number (or .inf/.nan) resolves to anything
    // else; such text is safe to embed in a one-line document.
    let starts_numeric = text.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c));
    let simple = text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+-._: ".contains(&b))
        && !text.ends_with(' ')
        && !text.contains(": ");
    let string = || (Tag::Str, Value::from(text));
    if !starts_numeric || !simple {
        return string();
    }
    let Ok(docs) = krust_yaml::load_documents(&format!("v: {text}\n")) else {
        return string();
    };
    match docs.first().and_then(|d| d.get("v")) {
        Some(Value::String(s)) if s != text => (Tag::Timestamp, Value::String(s.clone())),
        Some(v @ (Value::Int(_) | Value::UInt(_))) => (Tag::Int, v.clone()),
        Some(v @ Value::Float(_)) => (Tag::Float, v.clone()),
        _ => string(),
    }
}

/// The value a scalar node with `tag` and `text` prints as; a mismatch is
/// the error kustomize reports when printing it.
pub(crate) fn to_value(tag: Tag, text: &str) -> Result<Value, String> {
    if tag == Tag::Str {
        return Ok(Value::from(text));
    }
    let (resolved, value) = resolve(text);
    match (tag, resolved, value) {
        // Go prints the time; `resolve` gives text already so printed as
        // a string.
        (Tag::Timestamp, _, value) if krust_yaml::plain_scalar_is_timestamp(text) => Ok(value),
        (Tag::Untagged, _, value) => Ok(value),
        (Tag::Float, Tag::Int, Value::Int(i)) => Ok(Value::Float(i as f64)),
        (Tag::Float, Tag::Int, Value::UInt(u)) => Ok(Value::Float(u as f64)),
        (want, got, value) if want == got => Ok(value),
        (want, got, _) => Err(format!(
            "map[string]interface {{}}(nil): yaml: cannot decode {} `{text}` as a {}",
            got.name(),
            want.name()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_plain_text_like_go_yaml_v3() {
        assert_eq!(resolve("8080"), (Tag::Int, Value::Int(8080)));
        assert_eq!(resolve("0x1F"), (Tag::Int, Value::Int(31)));
        assert_eq!(resolve("012"), (Tag::Int, Value::Int(10)));
        assert_eq!(resolve("+5"), (Tag::Int, Value::Int(5)));
        assert_eq!(resolve("1.50"), (Tag::Float, Value::Float(1.5)));
        assert_eq!(resolve("1e3").0, Tag::Float);
        assert_eq!(resolve("true"), (Tag::Bool, Value::Bool(true)));
        assert_eq!(resolve("yes"), (Tag::Str, Value::from("yes")));
        assert_eq!(resolve("~"), (Tag::Null, Value::Null));
        assert_eq!(resolve(""), (Tag::Null, Value::Null));
        assert_eq!(resolve(" 5"), (Tag::Str, Value::from(" 5")));
        assert_eq!(resolve("1.2.3"), (Tag::Str, Value::from("1.2.3")));
        assert_eq!(resolve("- 5"), (Tag::Str, Value::from("- 5")));
        assert_eq!(
            resolve("2001-12-14"),
            (Tag::Timestamp, Value::from("2001-12-14T00:00:00Z"))
        );
    }

    #[test]
    fn tagged_text_converts_or_fails_like_kubectl() {
        // Expected values and messages from `kubectl kustomize` (v5.5.0).
        assert_eq!(to_value(Tag::Int, "8080"), Ok(Value::Int(8080)));
        assert_eq!(to_value(Tag::Str, "8080"), Ok(Value::from("8080")));
        assert_eq!(to_value(Tag::Untagged, "8080"), Ok(Value::Int(8080)));
        assert_eq!(to_value(Tag::Untagged, ""), Ok(Value::Null));
        assert_eq!(to_value(Tag::Untagged, "a: b"), Ok(Value::from("a: b")));
        assert_eq!(to_value(Tag::Float, "5"), Ok(Value::Float(5.0)));
        // A field written plain as a time prints the time the new text is.
        assert_eq!(
            to_value(Tag::Timestamp, "2002-01-01t10:00:00.50Z"),
            Ok(Value::from("2002-01-01T10:00:00.5Z"))
        );
        assert_eq!(
            to_value(Tag::Timestamp, "2001-12-14T21:59:43.1-05:00"),
            Ok(Value::from("2001-12-14T21:59:43.1-05:00"))
        );
        assert_eq!(
            to_value(Tag::Timestamp, "hello"),
            Err(
                "map[string]interface {}(nil): yaml: cannot decode !!str `hello` as a !!timestamp"
                    .into()
            )
        );
        assert!(to_value(Tag::Timestamp, "5")
            .unwrap_err()
            .contains("!!int `5`"));
        // A mistyped node keeps its tag for the next write.
        let error = to_value(Tag::Int, "abc").unwrap_err();
        assert_eq!(Tag::wanted_by(&error), Some(Tag::Int));
        let error = to_value(Tag::Timestamp, "abc").unwrap_err();
        assert_eq!(Tag::wanted_by(&error), Some(Tag::Timestamp));
        assert_eq!(Tag::wanted_by("something else"), None);
        assert_eq!(
            to_value(Tag::Int, "hello"),
            Err(
                "map[string]interface {}(nil): yaml: cannot decode !!str `hello` as a !!int".into()
            )
        );
        assert_eq!(
            to_value(Tag::Int, "1.50"),
            Err(
                "map[string]interface {}(nil): yaml: cannot decode !!float `1.50` as a !!int"
                    .into()
            )
        );
        assert_eq!(
            to_value(Tag::Null, "8080"),
            Err(
                "map[string]interface {}(nil): yaml: cannot decode !!int `8080` as a !!null".into()
            )
        );
        assert_eq!(to_value(Tag::Null, "~"), Ok(Value::Null));
        assert_eq!(to_value(Tag::Bool, "true"), Ok(Value::Bool(true)));
        assert_eq!(
            to_value(Tag::Bool, "yes"),
            Err("map[string]interface {}(nil): yaml: cannot decode !!str `yes` as a !!bool".into())
        );
    }
}
