//! Scalar resolution: what go-yaml v3 makes of a scalar when kustomize
//! decodes a resource into `map[string]interface{}`.
//!
//! The rules follow go-yaml v3's `resolve.go` and `decoder.scalar`: quoted
//! and block scalars are strings; plain scalars become null, bool, int, float
//! or timestamp by the YAML 1.2 core schema plus Go's number syntax; explicit
//! core tags force (and check) a type; any other tag leaves the text as a
//! string. Each rule was checked against `kubectl kustomize` v5.5.0.
//!
//! [`resolve_scalar_v2`] is go-yaml v2's variant (YAML 1.1 booleans,
//! timestamps kept as text), for what kustomize reads with sigs.k8s.io/yaml.

use std::borrow::Cow;

use saphyr_parser::Tag;

use super::binary::{decode_base64, go_lossy_utf8};
use super::timestamp::Timestamp;
use crate::strconv::{is_yaml_float, parse_decimal_float, parse_int, parse_uint, underscores_ok};
use crate::Value;

/// A node's tag after go-yaml's short-tag normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TagKind {
    /// No tag, or the non-specific `!`: the value decides.
    None,
    Str,
    Bool,
    Int,
    Float,
    Null,
    Timestamp,
    Binary,
    Merge,
    /// `!!seq`, `!!map`, local tags like `!foo`, and any other tag: go-yaml
    /// cannot resolve these, so a scalar keeps its text.
    Other,
    /// The non-specific tag `!`, as go-yaml v2 sees it (see
    /// [`TagKind::of_v2`]): never resolved, so a scalar keeps its text, yet
    /// "implicit" for merge keys. The v3 rules fold it into [`TagKind::None`].
    NonSpecific,
}

const CORE_PREFIX: &str = "tag:yaml.org,2002:";

impl TagKind {
    /// Classifies a saphyr tag (`!!int` arrives as handle `tag:yaml.org,2002:`
    /// and suffix `int`; `!<...>` as an empty handle and the whole URI).
    pub(crate) fn of(tag: Option<&Tag>) -> TagKind {
        let Some(tag) = tag else {
            return TagKind::None;
        };
        let full: Cow<'_, str> = if tag.handle.is_empty() {
            Cow::Borrowed(&tag.suffix)
        } else {
            Cow::Owned(format!("{}{}", tag.handle, tag.suffix))
        };
        if full == "!" {
            return TagKind::None;
        }
        match full.strip_prefix(CORE_PREFIX) {
            Some("str") => TagKind::Str,
            Some("bool") => TagKind::Bool,
            Some("int") => TagKind::Int,
            Some("float") => TagKind::Float,
            Some("null") => TagKind::Null,
            Some("timestamp") => TagKind::Timestamp,
            Some("binary") => TagKind::Binary,
            Some("merge") => TagKind::Merge,
            _ => TagKind::Other,
        }
    }

    /// [`TagKind::of`] for go-yaml v2, which keeps `!` as a tag of its own.
    pub(crate) fn of_v2(tag: Option<&Tag>) -> TagKind {
        let bang = tag.is_some_and(|t| {
            let (handle, suffix) = (t.handle.as_str(), t.suffix.as_str());
            (handle.is_empty() && suffix == "!") || (handle == "!" && suffix.is_empty())
        });
        if bang {
            TagKind::NonSpecific
        } else {
            TagKind::of(tag)
        }
    }

    /// The short tag go-yaml names in its error messages.
    fn short(self) -> &'static str {
        match self {
            TagKind::None | TagKind::Str => "!!str",
            TagKind::Bool => "!!bool",
            TagKind::Int => "!!int",
            TagKind::Float => "!!float",
            TagKind::Null => "!!null",
            TagKind::Timestamp => "!!timestamp",
            TagKind::Binary => "!!binary",
            TagKind::Merge => "!!merge",
            TagKind::Other | TagKind::NonSpecific => "a custom tag",
        }
    }
}

/// A resolved scalar. Strings are not copied here: [`Resolved::Text`] means
/// "the scalar's own text", so the caller can move the parser's buffer into
/// the value. Timestamps stay parsed because a timestamp used as a root key
/// keeps its original text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Timestamp(Timestamp),
    /// The scalar's text, unchanged.
    Text,
    /// Text produced by decoding (`!!binary`).
    Decoded(String),
}

impl Resolved {
    /// The value kustomize ends up with after its JSON round trip; `text` is
    /// the scalar's own text, used for [`Resolved::Text`].
    pub(crate) fn into_value(self, text: Cow<'_, str>) -> Result<Value, String> {
        Ok(match self {
            Resolved::Null => Value::Null,
            Resolved::Bool(b) => Value::Bool(b),
            Resolved::Int(i) => Value::Int(i),
            Resolved::UInt(u) => Value::UInt(u),
            Resolved::Float(f) => Value::Float(f),
            Resolved::Timestamp(t) => Value::String(t.to_json_string()?),
            Resolved::Text => Value::String(text.into_owned()),
            Resolved::Decoded(s) => Value::String(s),
        })
    }
}

/// Resolves a scalar as go-yaml v3's decoder does. `plain` is false for
/// quoted and block scalars. Returns the tag that decided the outcome (a
/// `!!binary` or custom-tagged scalar is a string value but not a `!!str`
/// node, which matters for keys) and the value, or go-yaml's error text.
pub(crate) fn resolve_scalar(
    text: &str,
    plain: bool,
    tag: TagKind,
) -> Result<(TagKind, Resolved), String> {
    let indicated_string = tag == TagKind::Str || (tag == TagKind::None && !plain);
    if indicated_string {
        return Ok((TagKind::Str, Resolved::Text));
    }
    match tag {
        TagKind::Binary => {
            let bytes = decode_base64(text)
                .ok_or_else(|| "!!binary value contains invalid base64 data".to_owned())?;
            Ok((TagKind::Binary, Resolved::Decoded(go_lossy_utf8(&bytes))))
        }
        TagKind::Merge | TagKind::Other => Ok((tag, Resolved::Text)),
        _ => resolve_core(text, tag),
    }
}

/// go-yaml's `resolve` for untagged plain scalars and the resolvable core
/// tags, including its final check that the value fits the explicit tag.
fn resolve_core(text: &str, tag: TagKind) -> Result<(TagKind, Resolved), String> {
    let try_timestamp = matches!(tag, TagKind::None | TagKind::Timestamp);
    let resolved = resolve_plain(text, try_timestamp).unwrap_or(Resolved::Text);
    let kind = kind_of(&resolved);
    check_tag(text, tag, kind, resolved)
}

/// The type go-yaml reports for an implicitly resolved value.
fn kind_of(resolved: &Resolved) -> TagKind {
    match resolved {
        Resolved::Null => TagKind::Null,
        Resolved::Bool(_) => TagKind::Bool,
        Resolved::Int(_) | Resolved::UInt(_) => TagKind::Int,
        Resolved::Float(_) => TagKind::Float,
        Resolved::Timestamp(_) => TagKind::Timestamp,
        Resolved::Text | Resolved::Decoded(_) => TagKind::Str,
    }
}

/// The implicit type of a plain scalar, or `None` for a plain string.
fn resolve_plain(text: &str, try_timestamp: bool) -> Option<Resolved> {
    if let Some(special) = resolve_word(text) {
        return Some(special);
    }
    match text.as_bytes().first() {
        Some(b'.') => resolve_dot_float(text),
        Some(b'0'..=b'9' | b'+' | b'-') => resolve_number(text, try_timestamp),
        _ => None,
    }
}

/// go-yaml's `.`-hint branch: Go's `ParseFloat` on the text as written,
/// which allows `_` between digits (`.5121_00` is 0.5121, as kubectl prints).
fn resolve_dot_float(text: &str) -> Option<Resolved> {
    if !underscores_ok(text) {
        return None;
    }
    let digits = without_underscores(text);
    is_yaml_float(&digits)
        .then(|| parse_decimal_float(&digits))
        .flatten()
        .map(Resolved::Float)
}

/// go-yaml's lookup table of fixed spellings (YAML 1.2 core schema: `yes`,
/// `on` and `y` are not booleans).
fn resolve_word(text: &str) -> Option<Resolved> {
    Some(match text {
        "true" | "True" | "TRUE" => Resolved::Bool(true),
        "false" | "False" | "FALSE" => Resolved::Bool(false),
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// Timestamp, then int, uint and float, for text starting with a digit or sign.
fn resolve_number(text: &str, try_timestamp: bool) -> Option<Resolved> {
    if try_timestamp {
        if let Some(t) = Timestamp::parse(text) {
            return Some(Resolved::Timestamp(t));
        }
    }
    let plain = without_underscores(text);
    if let Some(i) = parse_int(&plain, 0) {
        return Some(Resolved::Int(i));
    }
    if let Some(u) = parse_uint(&plain, 0) {
        return Some(Resolved::UInt(u));
    }
    if is_yaml_float(&plain) {
        if let Some(f) = parse_decimal_float(&plain) {
            return Some(Resolved::Float(f));
        }
    }
    resolve_prefixed_fallback(&plain)
}

fn without_underscores(text: &str) -> Cow<'_, str> {
    if text.contains('_') {
        Cow::Owned(text.replace('_', ""))
    } else {
        Cow::Borrowed(text)
    }
}

/// go-yaml's second chance for `0b`/`0o` text that Go's base-0 parsing
/// rejected: it re-parses the digits with an explicit base, which happens to
/// accept a sign after the prefix (`0b-101` is -5, as kubectl prints).
fn resolve_prefixed_fallback(plain: &str) -> Option<Resolved> {
    for (prefix, base) in [("0b", 2), ("0o", 8)] {
        if let Some(digits) = plain.strip_prefix(prefix) {
            if let Some(i) = parse_int(digits, base) {
                return Some(Resolved::Int(i));
            }
            return parse_uint(digits, base).map(Resolved::UInt);
        }
        if let Some(digits) = plain.strip_prefix('-').and_then(|p| p.strip_prefix(prefix)) {
            return parse_int(&format!("-{digits}"), base).map(Resolved::Int);
        }
    }
    None
}

/// Resolves a scalar as go-yaml v2 decodes it into `interface{}`, the first
/// step of sigs.k8s.io/yaml's `YAMLToJSON` and `Unmarshal` (go-yaml v2's
/// `resolve.go` and `decoder.scalar`). It differs from [`resolve_scalar`]:
///
/// * the YAML 1.1 booleans `y`, `yes`, `on`, `n`, `no`, `off` (lower case,
///   capitalised or upper case) are booleans;
/// * a timestamp keeps its text (v2 hands `interface{}` the string), though
///   it still counts as a `!!timestamp` for explicit tags;
/// * `0o` text that Go's base-0 parsing refuses is a string (only `0b` gets
///   a second chance);
/// * the non-specific tag `!` makes any scalar a string.
pub(crate) fn resolve_scalar_v2(
    text: &str,
    plain: bool,
    tag: TagKind,
) -> Result<(TagKind, Resolved), String> {
    match tag {
        TagKind::None if !plain => Ok((TagKind::Str, Resolved::Text)),
        TagKind::Str => Ok((TagKind::Str, Resolved::Text)),
        TagKind::Binary => {
            let bytes = decode_base64(text)
                .ok_or_else(|| "!!binary value contains invalid base64 data".to_owned())?;
            Ok((TagKind::Binary, Resolved::Decoded(go_lossy_utf8(&bytes))))
        }
        TagKind::Merge | TagKind::Other | TagKind::NonSpecific => Ok((tag, Resolved::Text)),
        _ => {
            let try_timestamp = matches!(tag, TagKind::None | TagKind::Timestamp);
            let (kind, resolved) =
                resolve_plain_v2(text, try_timestamp).unwrap_or((TagKind::Str, Resolved::Text));
            check_tag(text, tag, kind, resolved)
        }
    }
}

/// go-yaml's final check that an implicitly resolved value fits an explicit tag.
fn check_tag(
    text: &str,
    tag: TagKind,
    kind: TagKind,
    resolved: Resolved,
) -> Result<(TagKind, Resolved), String> {
    if tag == TagKind::None || tag == kind {
        return Ok((kind, resolved));
    }
    // `!!float` accepts an integer that fits in int64 (but not a uint64).
    if let (TagKind::Float, Resolved::Int(i)) = (tag, &resolved) {
        return Ok((TagKind::Float, Resolved::Float(*i as f64)));
    }
    Err(format!(
        "cannot decode {} `{}` as a {}",
        kind.short(),
        text,
        tag.short()
    ))
}

/// go-yaml v2's implicit type of a plain scalar, or `None` for a string.
pub(crate) fn resolve_plain_v2(text: &str, try_timestamp: bool) -> Option<(TagKind, Resolved)> {
    if let Some(word) = resolve_word(text).or_else(|| resolve_word_v1_1(text)) {
        return Some((kind_of(&word), word));
    }
    let resolved = match text.as_bytes().first() {
        Some(b'.') => resolve_dot_float(text)?,
        Some(b'0'..=b'9' | b'+' | b'-') => {
            if try_timestamp && Timestamp::parse(text).is_some() {
                return Some((TagKind::Timestamp, Resolved::Text));
            }
            resolve_number_v2(&without_underscores(text))?
        }
        _ => return None,
    };
    Some((kind_of(&resolved), resolved))
}

/// The YAML 1.1 booleans go-yaml v2's table adds to [`resolve_word`]'s.
fn resolve_word_v1_1(text: &str) -> Option<Resolved> {
    Some(match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Resolved::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Resolved::Bool(false),
        _ => return None,
    })
}

/// Int, uint, float, then the `0b` second chance (v2 has no `0o` one), for
/// text without underscores.
fn resolve_number_v2(plain: &str) -> Option<Resolved> {
    if let Some(i) = parse_int(plain, 0) {
        return Some(Resolved::Int(i));
    }
    if let Some(u) = parse_uint(plain, 0) {
        return Some(Resolved::UInt(u));
    }
    if is_yaml_float(plain) {
        if let Some(f) = parse_decimal_float(plain) {
            return Some(Resolved::Float(f));
        }
    }
    if plain.starts_with("0b") || plain.starts_with("-0b") {
        return resolve_prefixed_fallback(plain);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Value {
        tagged(text, TagKind::None).unwrap()
    }

    fn tagged(text: &str, tag: TagKind) -> Result<Value, String> {
        resolve_scalar(text, true, tag)?
            .1
            .into_value(Cow::Borrowed(text))
    }

    fn s(text: &str) -> Value {
        Value::String(text.to_owned())
    }

    #[test]
    fn nulls_and_bools_follow_yaml_1_2() {
        for n in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(plain(n), Value::Null, "{n}");
        }
        for t in ["true", "True", "TRUE"] {
            assert_eq!(plain(t), Value::Bool(true));
        }
        for f in ["false", "False", "FALSE"] {
            assert_eq!(plain(f), Value::Bool(false));
        }
        for word in ["yes", "no", "on", "off", "y", "n", "tRUE", "nULL", "Yes"] {
            assert_eq!(plain(word), s(word), "{word}");
        }
    }

    /// Expectations from `kubectl kustomize` output.
    #[test]
    fn integers_use_go_syntax() {
        let cases = [
            ("0644", 420),
            ("0x1F", 31),
            ("0o17", 15),
            ("0b101", 5),
            ("1_000", 1000),
            ("+12", 12),
            ("-0x10", -16),
            ("0_1", 1),
            ("1__0", 10),
            ("0B11", 3),
            ("0X1f", 31),
            ("0O7", 7),
            ("0x_1F", 31),
            ("00", 0),
            ("-0", 0),
            ("1_", 1),
            ("0b-101", -5),
            ("0o-17", -15),
            ("0777777777777777777777", i64::MAX),
            ("-9223372036854775808", i64::MIN),
        ];
        for (text, want) in cases {
            assert_eq!(plain(text), Value::Int(want), "{text}");
        }
    }

    #[test]
    fn large_integers_become_uint_or_float() {
        assert_eq!(plain("9223372036854775808"), Value::UInt(1 << 63));
        assert_eq!(plain("18446744073709551615"), Value::UInt(u64::MAX));
        assert_eq!(plain("0xFFFFFFFFFFFFFFFF"), Value::UInt(u64::MAX));
        assert_eq!(
            plain("18446744073709551616"),
            Value::Float(18446744073709551616.0)
        );
        assert_eq!(
            plain("-9223372036854775809"),
            Value::Float(-9223372036854775809.0)
        );
    }

    #[test]
    fn floats_follow_the_v3_pattern() {
        let cases = [
            ("08", 8.0),
            ("1e3", 1000.0),
            ("1E3", 1000.0),
            ("0.1", 0.1),
            (".5", 0.5),
            ("5.", 5.0),
            ("+.5e-3", 0.0005),
            ("1_0.5", 10.5),
            ("-08.5", -8.5),
            ("018", 18.0),
            ("1_0.5_", 10.5),
            (".5121_00", 0.5121),
            (".5e1_0", 0.5e10),
            ("1e-400", 0.0),
        ];
        for (text, want) in cases {
            assert_eq!(plain(text), Value::Float(want), "{text}");
        }
        assert_eq!(plain(".inf"), Value::Float(f64::INFINITY));
        assert_eq!(plain("+.INF"), Value::Float(f64::INFINITY));
        assert_eq!(plain("-.Inf"), Value::Float(f64::NEG_INFINITY));
        assert!(matches!(plain(".NaN"), Value::Float(f) if f.is_nan()));
    }

    #[test]
    fn number_lookalikes_stay_strings() {
        for text in [
            "1e400", ".5e999", "0.1e", "_1", "0x-1", "-0b-1", "-.nan", "0x", "1.2.3", "+", "-",
            ".", "._5", ".5_", ".5_e3", "12:30", "1,000", "inf", "-inf", "NaN", "0x1p3", "<<",
        ] {
            assert_eq!(plain(text), s(text), "{text}");
        }
    }

    #[test]
    fn timestamps_render_as_kustomize_prints_them() {
        assert_eq!(plain("2021-01-01"), s("2021-01-01T00:00:00Z"));
        assert_eq!(plain("2001-12-14 21:59:43.10"), s("2001-12-14T21:59:43.1Z"));
        assert_eq!(plain("2001-12-14T21:59:43"), s("2001-12-14T21:59:43"));
        assert!(tagged("2001-12-14T21:59:43+24:00", TagKind::None).is_err());
    }

    #[test]
    fn quoted_and_block_scalars_are_strings() {
        for text in ["12", "true", "~", "", "2021-01-01", "0x10"] {
            let resolved = resolve_scalar(text, false, TagKind::None).unwrap();
            assert_eq!(resolved, (TagKind::Str, Resolved::Text));
        }
    }

    /// Expectations from `kubectl kustomize` output.
    #[test]
    fn explicit_core_tags() {
        assert_eq!(tagged("12", TagKind::Str), Ok(s("12")));
        assert_eq!(tagged("", TagKind::Str), Ok(s("")));
        assert_eq!(tagged("~", TagKind::Str), Ok(s("~")));
        assert_eq!(tagged("12", TagKind::Int), Ok(Value::Int(12)));
        assert_eq!(tagged("0x10", TagKind::Int), Ok(Value::Int(16)));
        assert_eq!(tagged("12", TagKind::Float), Ok(Value::Float(12.0)));
        assert_eq!(tagged("0x10", TagKind::Float), Ok(Value::Float(16.0)));
        assert_eq!(tagged("1_000", TagKind::Float), Ok(Value::Float(1000.0)));
        assert_eq!(tagged("true", TagKind::Bool), Ok(Value::Bool(true)));
        assert_eq!(tagged("", TagKind::Null), Ok(Value::Null));
        assert_eq!(tagged("~", TagKind::Null), Ok(Value::Null));
        assert_eq!(
            tagged("2001-12-14 21:59:43.10", TagKind::Timestamp),
            Ok(s("2001-12-14T21:59:43.1Z"))
        );
        assert_eq!(tagged("aGVsbG8=", TagKind::Binary), Ok(s("hello")));
        assert_eq!(
            tagged("//79", TagKind::Binary),
            Ok(s("\u{fffd}\u{fffd}\u{fffd}"))
        );
    }

    /// Error texts as kubectl reports them (after its `yaml: ` prefix).
    #[test]
    fn explicit_tag_mismatches_fail() {
        let cases = [
            (
                "1.5e0",
                TagKind::Int,
                "cannot decode !!float `1.5e0` as a !!int",
            ),
            (
                "9223372036854775808",
                TagKind::Float,
                "cannot decode !!int `9223372036854775808` as a !!float",
            ),
            (
                "foo",
                TagKind::Null,
                "cannot decode !!str `foo` as a !!null",
            ),
            ("", TagKind::Int, "cannot decode !!null `` as a !!int"),
            (
                "yes",
                TagKind::Bool,
                "cannot decode !!str `yes` as a !!bool",
            ),
            (
                "12",
                TagKind::Timestamp,
                "cannot decode !!int `12` as a !!timestamp",
            ),
            (
                "aGVsbG8",
                TagKind::Binary,
                "!!binary value contains invalid base64 data",
            ),
        ];
        for (text, tag, message) in cases {
            assert_eq!(tagged(text, tag), Err(message.to_owned()), "{text}");
        }
    }

    #[test]
    fn unknown_tags_keep_the_text() {
        for text in ["12", "true", "2021-01-01", "~", "", ".inf"] {
            assert_eq!(tagged(text, TagKind::Other), Ok(s(text)), "{text}");
        }
        assert_eq!(tagged("<<", TagKind::Merge), Ok(s("<<")));
    }

    #[test]
    fn tag_classification() {
        let tag = |handle: &str, suffix: &str| {
            TagKind::of(Some(&Tag {
                handle: handle.to_owned(),
                suffix: suffix.to_owned(),
            }))
        };
        assert_eq!(tag("tag:yaml.org,2002:", "int"), TagKind::Int);
        assert_eq!(tag("", "tag:yaml.org,2002:str"), TagKind::Str);
        assert_eq!(tag("", "!"), TagKind::None);
        assert_eq!(tag("!", "foo"), TagKind::Other);
        assert_eq!(tag("tag:yaml.org,2002:", "map"), TagKind::Other);
        assert_eq!(TagKind::of(None), TagKind::None);
    }

    fn v2(text: &str) -> Value {
        v2_tagged(text, TagKind::None).unwrap()
    }

    fn v2_tagged(text: &str, tag: TagKind) -> Result<Value, String> {
        resolve_scalar_v2(text, true, tag)?
            .1
            .into_value(Cow::Borrowed(text))
    }

    /// Expectations from `kustomize build` (a JSON patch written in YAML,
    /// which kustomize reads with sigs.k8s.io/yaml).
    #[test]
    fn v2_booleans_follow_yaml_1_1() {
        for t in [
            "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE",
        ] {
            assert_eq!(v2(t), Value::Bool(true), "{t}");
        }
        for f in [
            "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE",
        ] {
            assert_eq!(v2(f), Value::Bool(false), "{f}");
        }
        for word in [
            "yES", "oN", "nO", "tRUE", "nULL", "yes!", "onn", "<<", "NaN", "inf",
        ] {
            assert_eq!(v2(word), s(word), "{word}");
        }
        for n in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(v2(n), Value::Null, "{n}");
        }
    }

    #[test]
    fn v2_numbers() {
        let ints = [
            ("0644", 420),
            ("0o17", 15),
            ("0x1F", 31),
            ("1_000", 1000),
            ("0b101", 5),
            ("0b-101", -5),
            ("-0b101", -5),
            ("+12", 12),
            ("-0x10", -16),
        ];
        for (text, want) in ints {
            assert_eq!(v2(text), Value::Int(want), "{text}");
        }
        assert_eq!(
            v2("12345678901234567890"),
            Value::UInt(12345678901234567890)
        );
        let floats = [
            (".5", 0.5),
            ("1e3", 1000.0),
            ("1.0", 1.0),
            ("1_0.5", 10.5),
            ("08", 8.0),
            (".5121_00", 0.5121),
        ];
        for (text, want) in floats {
            assert_eq!(v2(text), Value::Float(want), "{text}");
        }
        assert_eq!(v2(".inf"), Value::Float(f64::INFINITY));
        assert_eq!(v2("-.INF"), Value::Float(f64::NEG_INFINITY));
        assert!(matches!(v2(".NaN"), Value::Float(f) if f.is_nan()));
        // v3 gives `0o` text a second chance; v2 does not.
        assert_eq!(v2("0o-17"), s("0o-17"));
        assert_eq!(plain("0o-17"), Value::Int(-15));
        for text in ["+.inf_", "1e400", "0x", "1.2.3", "12:30", "-0b-1", "_1"] {
            assert_eq!(v2(text), s(text), "{text}");
        }
    }

    #[test]
    fn v2_timestamps_keep_their_text() {
        for text in [
            "2021-01-01",
            "2001-12-14 21:59:43.10",
            "2001-12-14T21:59:43+24:00",
        ] {
            assert_eq!(v2(text), s(text), "{text}");
            assert_eq!(v2_tagged(text, TagKind::Timestamp), Ok(s(text)), "{text}");
        }
        assert_eq!(
            v2_tagged("12", TagKind::Timestamp),
            Err("cannot decode !!int `12` as a !!timestamp".to_owned())
        );
        // Not a date after all: a number or a string.
        assert_eq!(v2("2021-13-01"), s("2021-13-01"));
    }

    #[test]
    fn v2_tags() {
        assert_eq!(v2_tagged("12", TagKind::NonSpecific), Ok(s("12")));
        assert_eq!(v2_tagged("", TagKind::NonSpecific), Ok(s("")));
        assert_eq!(v2_tagged("1", TagKind::Str), Ok(s("1")));
        assert_eq!(v2_tagged("1", TagKind::Float), Ok(Value::Float(1.0)));
        assert_eq!(v2_tagged("yes", TagKind::Bool), Ok(Value::Bool(true)));
        assert_eq!(v2_tagged("aGk=", TagKind::Binary), Ok(s("hi")));
        assert_eq!(v2_tagged("12", TagKind::Other), Ok(s("12")));
        assert_eq!(
            v2_tagged("yes", TagKind::Int),
            Err("cannot decode !!bool `yes` as a !!int".to_owned())
        );
        let quoted = resolve_scalar_v2("yes", false, TagKind::None).unwrap();
        assert_eq!(quoted, (TagKind::Str, Resolved::Text));
        let bang = Tag {
            handle: String::new(),
            suffix: "!".to_owned(),
        };
        assert_eq!(TagKind::of_v2(Some(&bang)), TagKind::NonSpecific);
        assert_eq!(TagKind::of(Some(&bang)), TagKind::None);
    }
}
