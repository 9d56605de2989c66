//! Random values for the emitter's property and differential tests.
//!
//! Strings are drawn to hit the emitter's decisions: indicator characters, quotes,
//! whitespace at the edges, line breaks, tabs and other escapes, non-ASCII and
//! non-BMP characters, texts that resolve to other YAML types, and long texts
//! with spaces that fold at column 80.

#![allow(dead_code)] // Each test binary uses part of this module.

use krust_yaml::{Mapping, Value};
use proptest::prelude::*;
use proptest::sample::select;

/// Characters that matter to quoting, escaping and folding, plus ordinary ones.
const TRICKY: &[char] = &[
    'a', 'b', 'x', 'y', 'n', 'N', 'T', 'o', 'e', 'E', 'k', 'Z', '0', '1', '9', '_', '.', '-', '+',
    ':', '#', '?', '*', '&', '!', '|', '>', '%', '@', '`', '\'', '"', '\\', ',', '[', ']', '{',
    '}', '~', '<', '=', '/', ' ', ' ', ' ', ' ', '\t', '\n', '\n', '\r', 'é', 'ж', '中', '😀',
    '\u{A0}', '\u{FEFF}', '\u{1B}', '\0', '\u{7}', '\u{FFFD}', '\u{E000}',
];

/// Mostly plain text, so that plain and single-quoted folding gets exercised.
const PLAINISH: &[char] = &[
    'a', 'b', 'c', 'd', 'e', 'k', 'o', 'r', 's', 't', 'x', 'A', 'Z', '0', '1', '7', ' ', ' ', ' ',
    ' ', ' ', ':', '#', '-', '\'', '.', ',', '"', '?', '/', 'é', '中',
];

/// Line-break characters of YAML 1.1 that go-yaml v2 treats specially and a
/// YAML 1.2 loader reads differently (NEL is folded by kustomize's JSON step).
const V2_BREAKS: &[char] = &['\u{85}', '\u{2028}', '\u{2029}'];

/// Whole texts that other YAML types or indicators claim.
const SPECIAL_WORDS: &[&str] = &[
    "",
    "~",
    "null",
    "Null",
    "NULL",
    "y",
    "Y",
    "yes",
    "n",
    "N",
    "no",
    "NO",
    "on",
    "Off",
    "true",
    "False",
    "0",
    "-0",
    "+1",
    "012",
    "0644",
    "08",
    "0x1F",
    "0o17",
    "0b101",
    "0b-1",
    "1_000",
    "1.5",
    "1.",
    ".5",
    "-.5",
    ".5_5",
    "1e3",
    "1E+3",
    ".inf",
    "-.Inf",
    ".NaN",
    "1e400",
    ".5e400",
    "2021-01-01",
    "2021-02-30",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10",
    "2021-01-01T10:00:00",
    "1:20",
    "-1:20:30.5",
    "190:20:30.15",
    "<<",
    "---",
    "...",
    "- a",
    "-",
    "? x",
    ":",
    "a: b",
    "a #b",
    "#",
    "@x",
    "`x",
    "%x",
    "!x",
    "&x",
    "*x",
    "|",
    ">",
    "[]",
    "{}",
    "'q'",
    "\"q\"",
    " ",
    "  ",
    "\n",
    "\n\n",
    " x\ny",
    "x\n",
    "x\n\n",
    "x \ny",
    "x\n y",
    "x\ny ",
    "\tx",
    "x\t",
    "\u{FEFF}bom x",
    "nul\0l",
    "yes ",
    " no",
    "9223372036854775808",
    "18446744073709551616",
    "-9223372036854775809",
    "0x1FFFFFFFFFFFFFFFFF",
];

fn text_from(chars: Vec<char>) -> String {
    chars.into_iter().collect()
}

/// A short text mixing `alphabet` characters.
fn short_text(alphabet: &'static [char]) -> impl Strategy<Value = String> {
    prop::collection::vec(select(alphabet), 0..14).prop_map(text_from)
}

/// A long text of words and (sometimes doubled) spaces, which folds.
fn long_text(alphabet: &'static [char]) -> impl Strategy<Value = String> {
    let word = prop::collection::vec(select(alphabet), 1..12).prop_map(text_from);
    let gap = select(&[" ", " ", " ", "  ", "   "][..]);
    (
        select(&["", "", " ", "- ", "x: "][..]),
        prop::collection::vec((word, gap), 5..40),
    )
        .prop_map(|(lead, parts)| {
            let mut s = lead.to_owned();
            for (i, (word, gap)) in parts.iter().enumerate() {
                if i > 0 {
                    s.push_str(gap);
                }
                s.push_str(word);
            }
            s
        })
}

/// Several lines, with or without trailing newlines, which become literal blocks.
fn multiline_text(alphabet: &'static [char]) -> impl Strategy<Value = String> {
    (
        prop::collection::vec(short_text(alphabet), 1..6),
        select(&["", "\n", "\n\n"][..]),
    )
        .prop_map(|(lines, end)| lines.join("\n") + end)
}

/// Any string from the tricky alphabet.
pub fn tricky_string() -> impl Strategy<Value = String> {
    string_over(TRICKY)
}

/// Strings that may also hold NEL, LS and PS.
pub fn tricky_string_with_v2_breaks() -> impl Strategy<Value = String> {
    static WITH_BREAKS: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
    let alphabet = WITH_BREAKS.get_or_init(|| [TRICKY, V2_BREAKS, V2_BREAKS].concat());
    string_over(alphabet)
}

fn string_over(alphabet: &'static [char]) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(SPECIAL_WORDS).prop_map(str::to_owned),
        4 => short_text(alphabet),
        1 => short_text(PLAINISH),
        2 => long_text(alphabet),
        3 => long_text(PLAINISH),
        2 => multiline_text(alphabet),
        2 => multiline_text(PLAINISH),
    ]
}

/// Map keys: like values, sometimes long enough (> 128 bytes) to be explicit keys.
fn key(string: BoxedStrategy<String>) -> impl Strategy<Value = String> {
    prop_oneof![
        6 => string,
        1 => select(&["apiVersion", "kind", "a10", "a2", "a02", "b", "B", "_x", "1"][..])
            .prop_map(str::to_owned),
    ]
    .prop_filter("<< is a merge key for YAML loaders", |k| k != "<<")
}

/// Finite floats: special values, small decimals and arbitrary bit patterns.
pub fn finite_float() -> impl Strategy<Value = f64> {
    prop_oneof![
        select(
            &[
                0.0,
                -0.0,
                1.0,
                1.5,
                0.1,
                1e3,
                1e20,
                1e21,
                1e-7,
                1e-5,
                1e-4,
                1234567.5,
                123456.5,
                9_223_372_036_854_775_808.0,
                -9_223_372_036_854_775_808.0,
                1.8446744073709552e19,
                1.5e19,
                -1e19,
                5e-324,
                f64::MAX,
                f64::MIN_POSITIVE
            ][..]
        ),
        (-1_000_000i64..1_000_000, 0u32..8).prop_map(|(m, e)| m as f64 / 10f64.powi(e as i32)),
        any::<u64>()
            .prop_map(f64::from_bits)
            .prop_filter("finite", |f| f.is_finite()),
    ]
}

fn scalar(string: BoxedStrategy<String>) -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        2 => any::<i64>().prop_map(Value::Int),
        1 => (i64::MAX as u64 + 1..=u64::MAX).prop_map(Value::UInt),
        2 => finite_float().prop_map(Value::Float),
        8 => string.prop_map(Value::String),
    ]
}

/// Nested values whose strings come from `string`.
pub fn value_with(string: BoxedStrategy<String>) -> impl Strategy<Value = Value> {
    let keys = key(string.clone()).boxed();
    scalar(string).prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Seq),
            prop::collection::vec((keys.clone(), inner), 0..6)
                .prop_map(|entries| Value::from_map(entries.into_iter().collect::<Mapping>())),
        ]
    })
}

/// Nested values over the tricky alphabet (no NEL, LS or PS).
pub fn value() -> impl Strategy<Value = Value> {
    value_with(tricky_string().boxed())
}

/// Writes `value` as YAML flow text that any YAML loader reads back exactly:
/// every string double-quoted with escapes, every key explicit (`? key : value`,
/// which has no length limit), floats in exponent form.
pub fn write_exact_yaml(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::UInt(u) => out.push_str(&u.to_string()),
        Value::Float(f) => out.push_str(&format!("{f:e}")),
        Value::String(s) => write_quoted(s, out),
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_exact_yaml(item, out);
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str("? ");
                write_quoted(k, out);
                out.push_str(" : ");
                write_exact_yaml(v, out);
            }
            out.push('}');
        }
    }
}

fn write_quoted(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            _ => out.push_str(&format!("\\U{:08X}", u32::from(c))),
        }
    }
    out.push('"');
}
