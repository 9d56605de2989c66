//! Mapping keys: the string kustomize ends up with for each key.
//!
//! Keys must be strings for JSON. A document's root mapping is decoded by
//! go-yaml v3 into Go's `map[string]interface{}`, which takes any scalar
//! key's text (`1: x` prints as `"1": x`, `!!binary aGk=: x` as `hi: x`);
//! a nested mapping with a non-string key becomes
//! `map[interface{}]interface{}`, which Go's JSON encoder rejects, so those
//! are errors here. Null keys are kustomize oddities, all checked with
//! kubectl: an implicit empty key (`? ` or `"": x`) becomes `""`, a root key
//! explicitly tagged `!!null ''` is silently dropped, any other null key fails.

use crate::number::go_format_float32;
use std::borrow::Cow;

use super::resolve::{resolve_scalar, resolve_scalar_v2, Resolved, TagKind};
use super::PosError;

/// Where a key was written (stream line, 1-based; column, 0-based).
#[derive(Debug, Clone, Copy)]
pub(crate) struct At {
    pub line: usize,
    pub col: usize,
}

/// A mapping key, converted to the string kustomize uses.
#[derive(Debug)]
pub(crate) struct Key {
    pub name: String,
    pub role: Role,
    pub at: At,
}

/// What a key does besides naming an entry.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Role {
    /// An ordinary key.
    Entry,
    /// A merge key: plain `<<` (or `! <<`), or any key tagged `!!merge`.
    Merge,
    /// A non-merge key spelled `<<`. kyaml deletes the first key spelled
    /// `<<` before go-yaml resolves anything, so whatever is wrong with such
    /// a key (`!!int <<`) only matters if it survives.
    MergeName { error: Option<String> },
    /// Left out of the mapping (a root key tagged `!!null` with empty text).
    Dropped,
}

/// Where a key sits: the document's root mapping decodes keys leniently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyContext {
    Root,
    Nested,
}

/// Converts a scalar used as a mapping key, or explains why kustomize
/// cannot use it.
pub(crate) fn scalar_key(
    text: Cow<'_, str>,
    plain: bool,
    tag: TagKind,
    context: KeyContext,
    at: At,
) -> Result<Key, PosError> {
    let merge = tag == TagKind::Merge || (tag == TagKind::None && plain && text == "<<");
    if merge {
        let name = text.into_owned();
        let role = Role::Merge;
        return Ok(Key { name, role, at });
    }
    if text == "<<" {
        let error = key_name(text, plain, tag, context).err();
        let role = Role::MergeName { error };
        return Ok(Key {
            name: "<<".to_owned(),
            role,
            at,
        });
    }
    if context == KeyContext::Root && tag == TagKind::Null && text.is_empty() {
        let role = Role::Dropped;
        return Ok(Key {
            name: String::new(),
            role,
            at,
        });
    }
    let name =
        key_name(text, plain, tag, context).map_err(|m| PosError::new(m, at.line, at.col))?;
    Ok(Key {
        name,
        role: Role::Entry,
        at,
    })
}

/// The string for a non-merge key, or the reason there is none.
fn key_name(
    text: Cow<'_, str>,
    plain: bool,
    tag: TagKind,
    context: KeyContext,
) -> Result<String, String> {
    let (kind, resolved) = resolve_scalar(&text, plain, tag)?;
    match (kind, resolved) {
        (TagKind::Str, Resolved::Text) => Ok(text.into_owned()),
        // kyaml re-encodes an empty null key as `''`, so it comes back a string.
        (TagKind::Null, _) if tag == TagKind::None && text.is_empty() => Ok(String::new()),
        (TagKind::Null, _) => Err(format!(
            "mapping key {text:?} is null, which kustomize cannot represent"
        )),
        (_, Resolved::Decoded(decoded)) if context == KeyContext::Root => Ok(decoded),
        (_, _) if context == KeyContext::Root => Ok(text.into_owned()),
        (kind, _) => Err(format!(
            "mapping key {text:?} is not a string ({}): kustomize cannot convert a map with non-string keys to JSON",
            kind_name(kind)
        )),
    }
}

fn kind_name(kind: TagKind) -> &'static str {
    match kind {
        TagKind::Bool => "bool",
        TagKind::Int => "int",
        TagKind::Float => "float",
        TagKind::Timestamp => "timestamp",
        TagKind::Binary => "binary",
        _ => "custom tag",
    }
}

/// A mapping key as sigs.k8s.io/yaml turns it into a JSON key: go-yaml v2
/// decodes it into `interface{}`, then `convertToJSONableObject` writes
/// strings as they are, ints in decimal, floats with
/// `strconv.FormatFloat(f, 'g', -1, 32)` (`.inf`, `-.inf`, `.nan` for the
/// special values) and booleans as `true`/`false`; a null or uint64 key is
/// an error. The same holds at every depth. A merge key is `<<` written
/// plain, with the non-specific tag `!`, or tagged `!!merge`.
pub(crate) fn scalar_key_v2(
    text: Cow<'_, str>,
    plain: bool,
    tag: TagKind,
    at: At,
) -> Result<Key, PosError> {
    let implicit = (plain && tag == TagKind::None) || tag == TagKind::NonSpecific;
    if text == "<<" && (implicit || tag == TagKind::Merge) {
        let name = text.into_owned();
        return Ok(Key {
            name,
            role: Role::Merge,
            at,
        });
    }
    let error = |m: String| PosError::new(m, at.line, at.col);
    let (_, resolved) = resolve_scalar_v2(&text, plain, tag).map_err(error)?;
    let name = match resolved {
        // (v2 resolves timestamps to their text.)
        Resolved::Text | Resolved::Timestamp(_) => text.into_owned(),
        Resolved::Decoded(s) => s,
        Resolved::Bool(b) => b.to_string(),
        Resolved::Int(i) => i.to_string(),
        Resolved::Float(f) => match go_format_float32(f).as_str() {
            "+Inf" => ".inf".to_owned(),
            "-Inf" => "-.inf".to_owned(),
            "NaN" => ".nan".to_owned(),
            other => other.to_owned(),
        },
        Resolved::UInt(_) | Resolved::Null => {
            let what = if resolved == Resolved::Null {
                "null"
            } else {
                "uint64"
            };
            return Err(error(format!(
                "mapping key {text:?} is a {what}, which kustomize cannot convert to a JSON key (unsupported map key of type: {what})"
            )));
        }
    };
    Ok(Key {
        name,
        role: Role::Entry,
        at,
    })
}

/// The error for a sequence or mapping used as a key.
pub(crate) fn collection_key_error(what: &str, at: At) -> PosError {
    PosError::new(
        format!("invalid map key: a {what} cannot be a mapping key in kustomize"),
        at.line,
        at.col,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str, plain: bool, tag: TagKind, context: KeyContext) -> Result<Key, PosError> {
        scalar_key(
            Cow::Borrowed(text),
            plain,
            tag,
            context,
            At { line: 1, col: 0 },
        )
    }

    fn name(text: &str, tag: TagKind, context: KeyContext) -> Result<String, String> {
        key(text, true, tag, context)
            .map(|k| k.name)
            .map_err(|e| e.message)
    }

    #[test]
    fn root_keys_take_the_scalar_text() {
        let root = KeyContext::Root;
        for text in ["1", "1.50", "0x10", "True", "2021-01-01", "apiVersion"] {
            assert_eq!(name(text, TagKind::None, root).as_deref(), Ok(text));
        }
        assert_eq!(
            name("aGVsbG8=", TagKind::Binary, root).as_deref(),
            Ok("hello")
        );
        assert_eq!(name("3", TagKind::Other, root).as_deref(), Ok("3"));
    }

    #[test]
    fn nested_keys_must_be_strings() {
        let nested = KeyContext::Nested;
        assert_eq!(name("a", TagKind::None, nested).as_deref(), Ok("a"));
        assert_eq!(name("1", TagKind::Str, nested).as_deref(), Ok("1"));
        for text in ["1", "true", "1.5", "2021-01-01"] {
            assert!(name(text, TagKind::None, nested).is_err(), "{text}");
        }
        assert!(name("3", TagKind::Other, nested).is_err());
        let quoted = key("1", false, TagKind::None, nested).unwrap();
        assert_eq!(quoted.name, "1");
    }

    #[test]
    fn null_keys() {
        for context in [KeyContext::Root, KeyContext::Nested] {
            assert_eq!(name("", TagKind::None, context).as_deref(), Ok(""));
            assert!(name("~", TagKind::None, context).is_err());
            assert!(name("null", TagKind::None, context).is_err());
        }
        assert!(name("", TagKind::Null, KeyContext::Nested).is_err());
        let dropped = key("", true, TagKind::Null, KeyContext::Root).unwrap();
        assert_eq!(dropped.role, Role::Dropped);
    }

    #[test]
    fn merge_keys_and_merge_names() {
        let role = |text, plain, tag| key(text, plain, tag, KeyContext::Nested).unwrap().role;
        assert_eq!(role("<<", true, TagKind::None), Role::Merge);
        assert_eq!(role("<<", true, TagKind::Merge), Role::Merge);
        assert_eq!(role("foo", true, TagKind::Merge), Role::Merge);
        assert_eq!(
            role("<<", false, TagKind::None),
            Role::MergeName { error: None }
        );
        assert_eq!(
            role("<<", true, TagKind::Str),
            Role::MergeName { error: None }
        );
        assert!(matches!(
            role("<<", true, TagKind::Int),
            Role::MergeName { error: Some(_) }
        ));
    }

    fn v2_name(text: &str, plain: bool, tag: TagKind) -> Result<String, String> {
        let at = At { line: 1, col: 0 };
        scalar_key_v2(Cow::Borrowed(text), plain, tag, at)
            .map(|k| k.name)
            .map_err(|e| e.message)
    }

    /// Keys as `kustomize build` printed them from a JSON patch value.
    #[test]
    fn v2_keys_become_json_keys() {
        let cases = [
            ("yes", "true"),
            ("off", "false"),
            ("n", "false"),
            ("0x10", "16"),
            ("1_000", "1000"),
            ("1.5", "1.5"),
            ("1e3", "1000"),
            ("2021-01-01", "2021-01-01"),
            ("0.3333333333333333", "0.33333334"),
            ("123456789.0", "1.2345679e+08"),
            (".inf", ".inf"),
            ("-.inf", "-.inf"),
            (".nan", ".nan"),
            ("a", "a"),
        ];
        for (text, want) in cases {
            assert_eq!(
                v2_name(text, true, TagKind::None).as_deref(),
                Ok(want),
                "{text}"
            );
        }
        assert_eq!(v2_name("yes", false, TagKind::None).as_deref(), Ok("yes"));
        assert_eq!(v2_name("aGk=", true, TagKind::Binary).as_deref(), Ok("hi"));
        assert_eq!(v2_name("1", true, TagKind::NonSpecific).as_deref(), Ok("1"));
        for bad in ["~", "", "null", "18446744073709551615"] {
            assert!(v2_name(bad, true, TagKind::None).is_err(), "{bad}");
        }
        assert_eq!(v2_name("", false, TagKind::None).as_deref(), Ok(""));
    }

    #[test]
    fn v2_merge_keys() {
        let role = |text: &str, plain, tag| {
            scalar_key_v2(Cow::Borrowed(text), plain, tag, At { line: 1, col: 0 })
                .unwrap()
                .role
        };
        assert_eq!(role("<<", true, TagKind::None), Role::Merge);
        assert_eq!(role("<<", true, TagKind::NonSpecific), Role::Merge);
        assert_eq!(role("<<", false, TagKind::NonSpecific), Role::Merge);
        assert_eq!(role("<<", false, TagKind::Merge), Role::Merge);
        assert_eq!(role("<<", false, TagKind::None), Role::Entry);
        assert_eq!(role("<<", true, TagKind::Str), Role::Entry);
        assert_eq!(role("foo", true, TagKind::Merge), Role::Entry);
    }

    #[test]
    fn go_float32_formatting() {
        let cases = [
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (1000.0, "1000"),
            (123456.0, "123456"),
            (1e6, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.1, "0.1"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (1e300, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (f64::NAN, "NaN"),
            (16777217.0, "1.6777216e+07"),
            (3.4e38, "3.4e+38"),
            (1e-45, "1e-45"),
        ];
        for (f, want) in cases {
            assert_eq!(go_format_float32(f), want, "{f}");
        }
    }
}
