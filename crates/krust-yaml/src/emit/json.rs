//! What the JSON step between kustomize's value and go-yaml v2 does to strings.
//!
//! Go's `json.Marshal` escapes control characters, `"`, `\`, `<`, `>`, `&`, U+2028
//! and U+2029, and writes every other character raw. go-yaml v2 then reads that
//! JSON as YAML, and three things follow from characters left raw:
//! - DEL, C1 controls other than U+0085, U+FFFE and U+FFFF are refused by v2's
//!   reader ("control characters are not allowed"), so kustomize fails;
//! - U+0085 (NEL) is a line break in YAML 1.1, so inside the double-quoted JSON
//!   string it is folded like a line break together with the spaces around it;
//! - a map key becomes a flow-context implicit key, which v2 abandons when its
//!   JSON text spans more than one line (a NEL) or more than 1024 characters
//!   from the opening quote to the `:`, and the document then fails to parse.

use std::borrow::Cow;

use super::EmitError;
use crate::number::format_float;
use crate::Value;

/// `value` as kustomize's JSON step leaves it, which is what the emitter's
/// output reads back as: a float whose printed form is an integer becomes
/// that integer.
pub fn after_json_step(value: &Value) -> Value {
    match value {
        Value::Float(f) => {
            let text = format_float(*f);
            if let Ok(i) = text.parse::<i64>() {
                Value::Int(i)
            } else if let Ok(u) = text.parse::<u64>() {
                Value::UInt(u)
            } else {
                text.parse().map_or(Value::Float(*f), Value::Float)
            }
        }
        Value::Seq(items) => Value::Seq(items.iter().map(after_json_step).collect()),
        Value::Map(map) => Value::from_map(
            map.iter()
                .map(|(k, v)| (k.clone(), after_json_step(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The longest JSON-escaped key text (without quotes) go-yaml v2 still reads as a key.
const MAX_KEY_JSON_CHARS: usize = 1022;

/// The string go-yaml v2 reads back from the JSON encoding of `s`, or why it can't.
pub(super) fn round_trip_string(s: &str) -> Result<Cow<'_, str>, EmitError> {
    if !needs_char_checks(s) {
        return Ok(Cow::Borrowed(s));
    }
    check_readable(s)?;
    Ok(fold_next_lines(s))
}

/// Like [`round_trip_string`] for a map key, which must also survive as a flow key.
pub(super) fn round_trip_key(key: &str) -> Result<&str, EmitError> {
    let next_line = needs_char_checks(key) && {
        check_readable(key)?;
        key.contains('\u{85}')
    };
    if next_line || !fits_key_limit(key) {
        return Err(EmitError::UnreadableKey(key.to_owned()));
    }
    Ok(key)
}

/// Whether `s` may hold a refused character or NEL: all of them encode with a
/// byte 0x7F, 0xC2 or 0xEF, and most strings have none of those.
fn needs_char_checks(s: &str) -> bool {
    s.bytes().any(|b| matches!(b, 0x7F | 0xC2 | 0xEF))
}

/// Rejects the characters v2's reader refuses when they appear raw in its input.
fn check_readable(s: &str) -> Result<(), EmitError> {
    match s.chars().find(|&c| is_refused(c)) {
        Some(c) => Err(EmitError::ControlCharacter(c)),
        None => Ok(()),
    }
}

fn is_refused(c: char) -> bool {
    matches!(c, '\u{7F}'..='\u{84}' | '\u{86}'..='\u{9F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Whether a key's JSON text, counted in characters as v2's scanner counts them,
/// is short enough.
fn fits_key_limit(key: &str) -> bool {
    // An escape is at most six characters, so short keys need no counting.
    if key.len() * 6 <= MAX_KEY_JSON_CHARS {
        return true;
    }
    let json_chars: usize = key.chars().map(json_escaped_len).sum();
    json_chars <= MAX_KEY_JSON_CHARS
}

/// Writes `s` as a JSON string the way Go's `encoding/json` does (HTML
/// escaping on, its default): `<`, `>`, `&`, U+2028 and U+2029 as `\u00XX`
/// escapes, control characters as `\b \f \n \r \t` or `\u00XX`. Used
/// wherever kustomize's output depends on Go's JSON text (content hashes,
/// replacements into JSON strings).
pub fn write_go_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Characters Go's JSON encoder writes for `c`.
fn json_escaped_len(c: char) -> usize {
    match c {
        '"' | '\\' | '\u{8}' | '\u{C}' | '\n' | '\r' | '\t' => 2,
        '\0'..='\u{1F}' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => 6,
        _ => 1,
    }
}

/// Folds each run of spaces and NELs that holds a NEL the way a YAML 1.1
/// double-quoted scalar folds line breaks: one NEL becomes a space, `n` NELs
/// become `n - 1` newlines, and the spaces around them disappear.
fn fold_next_lines(s: &str) -> Cow<'_, str> {
    if !s.contains('\u{85}') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find([' ', '\u{85}']) {
        out.push_str(&rest[..start]);
        let run_len = rest[start..]
            .find(|c| c != ' ' && c != '\u{85}')
            .unwrap_or(rest.len() - start);
        let run = &rest[start..start + run_len];
        match run.matches('\u{85}').count() {
            0 => out.push_str(run),
            1 => out.push(' '),
            n => (1..n).for_each(|_| out.push('\n')),
        }
        rest = &rest[start + run_len..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_line_folding() {
        assert_eq!(fold_next_lines("a b"), "a b");
        assert_eq!(fold_next_lines("a\u{85}\u{85}b"), "a\nb");
        assert_eq!(fold_next_lines("a \u{85} \u{85}  b"), "a\nb");
        assert_eq!(fold_next_lines("\u{85}x"), " x");
        assert_eq!(fold_next_lines("x \u{85}"), "x ");
        assert_eq!(fold_next_lines("a\u{85} \u{85}\u{85}b"), "a\n\nb");
        assert_eq!(fold_next_lines(" \u{85} "), " ");
        assert_eq!(fold_next_lines("a  b\u{85}c  d"), "a  b c  d");
        assert_eq!(fold_next_lines("é\u{85}\tx"), "é \tx");
    }

    #[test]
    fn refused_characters() {
        for c in [
            '\u{7F}', '\u{80}', '\u{84}', '\u{86}', '\u{9F}', '\u{FFFE}', '\u{FFFF}',
        ] {
            let s = format!("a{c}b");
            assert_eq!(round_trip_string(&s), Err(EmitError::ControlCharacter(c)));
        }
        for s in [
            "\t\u{1b}\0",
            "\u{85}",
            "\u{A0}\u{FEFF}\u{FFFD}😀",
            "\u{2028}",
        ] {
            assert!(round_trip_string(s).is_ok(), "{s:?}");
        }
    }

    #[test]
    fn key_length_limit_counts_json_characters() {
        let ok = |k: String| round_trip_key(&k).is_ok();
        assert!(ok("k".repeat(1022)));
        assert!(!ok("k".repeat(1023)));
        assert!(ok("k".repeat(1016) + "<"));
        assert!(!ok("k".repeat(1017) + "<"));
        assert!(ok("é".repeat(1022)));
        assert!(!ok("é".repeat(1023)));
        assert!(!ok("😀".repeat(1023)));
        assert!(ok("\n".repeat(511)));
        assert!(!ok("\n".repeat(512)));
        assert!(!ok("a\u{85}b".to_owned()));
    }
}
