//! Writer-level cases; every expected text is what `kubectl kustomize` printed.

use crate::{to_yaml_string, Mapping, Value};

fn map(entries: &[(&str, Value)]) -> Value {
    Value::from_map(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<Mapping>(),
    )
}

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

/// Emits `{spec: value}` and returns the text after `spec:`.
fn under_spec(value: Value) -> String {
    let out = to_yaml_string(&map(&[("spec", value)])).unwrap();
    out.strip_prefix("spec:").unwrap().to_owned()
}

#[test]
fn plain_scalars_fold_at_the_first_single_space_past_column_80() {
    let x76 = "x".repeat(76);
    assert_eq!(
        under_spec(map(&[("edge", s(&format!("{x76} a b")))])),
        format!("\n  edge: {x76}\n    a b\n")
    );
    let a93 = "a".repeat(93);
    assert_eq!(
        under_spec(map(&[("word", s(&format!("{a93} bbb ccc")))])),
        format!("\n  word: {a93}\n    bbb ccc\n")
    );
}

#[test]
fn folded_lines_continue_one_level_deeper() {
    let nested = Value::Seq(vec![
        Value::Seq(vec![s(
            "plain text inside a nested sequence that is long enough to fold past the eightieth column for sure",
        )]),
        map(&[(
            "key",
            s("plain text inside a map inside a sequence that is long enough to fold past column eighty"),
        )]),
    ]);
    assert_eq!(
        under_spec(map(&[("nested", nested)])),
        "\n  nested:\n  - - plain text inside a nested sequence that is long enough to fold past the eightieth\n      column for sure\n  - key: plain text inside a map inside a sequence that is long enough to fold past\n      column eighty\n"
    );
}

#[test]
fn double_quoted_folding_escapes_a_following_space() {
    let dq = "\tThe quick brown fox jumps over the lazy dog and keeps running past col  eighty  and beyond  the  end";
    assert_eq!(
        under_spec(map(&[("dq", s(dq))])),
        "\n  dq: \"\\tThe quick brown fox jumps over the lazy dog and keeps running past col  eighty\n    \\ and beyond  the  end\"\n"
    );
    let x83 = "x".repeat(83);
    assert_eq!(
        under_spec(map(&[("dqend", s(&format!("\t{x83} x")))])),
        format!("\n  dqend: \"\\t{x83}\n    x\"\n")
    );
    // A space that is the last character never folds.
    let x84 = "x".repeat(84);
    assert_eq!(
        under_spec(map(&[("dqlast", s(&format!("\t{x84} ")))])),
        format!("\n  dqlast: \"\\t{x84} \"\n")
    );
}

#[test]
fn single_quoted_folding_skips_double_spaces() {
    let sq = "'The quick brown fox jumps over the lazy dog and keeps running past  eighty  columns  ok  yes";
    assert_eq!(
        under_spec(map(&[("sq", s(sq))])),
        "\n  sq: '''The quick brown fox jumps over the lazy dog and keeps running past  eighty  columns  ok  yes'\n"
    );
}

#[test]
fn literal_blocks_carry_indentation_and_chomping_hints() {
    let cases = [
        ("a\nb", "|-\n    a\n    b\n"),
        ("a\n", "|\n    a\n"),
        ("a\n\n", "|+\n    a\n\n"),
        ("\n", "|2+\n\n"),
        (" a\nb\n", "|2\n     a\n    b\n"),
        ("\na\n", "|2\n\n    a\n"),
    ];
    for (text, expected) in cases {
        assert_eq!(
            under_spec(map(&[("k", s(text))])),
            format!("\n  k: {expected}"),
            "{text:?}"
        );
    }
}

#[test]
fn sequences_sit_at_their_keys_indentation() {
    let value = map(&[
        (
            "list",
            Value::Seq(vec![
                Value::Int(1),
                Value::Seq(vec![Value::Int(2), Value::Int(3)]),
            ]),
        ),
        (
            "maps",
            Value::Seq(vec![map(&[
                ("a", Value::Int(1)),
                ("b", Value::Seq(vec![s("x")])),
            ])]),
        ),
    ]);
    assert_eq!(
        under_spec(value),
        "\n  list:\n  - 1\n  - - 2\n    - 3\n  maps:\n  - a: 1\n    b:\n    - x\n"
    );
}

#[test]
fn explicit_keys_for_long_and_multiline_keys() {
    let long = "long key with spaces that is longer than one hundred and twenty-eight bytes, so that it is written as an explicit key and folded at column eighty";
    let value = map(&[
        (long, Value::Seq(vec![s("item")])),
        ("multi\nline key", Value::Int(21)),
        ("k".repeat(129).as_str(), map(&[("a", Value::Int(1))])),
    ]);
    let k129 = "k".repeat(129);
    assert_eq!(
        under_spec(value),
        format!(
            "\n  ? {k129}\n  : a: 1\n  ? long key with spaces that is longer than one hundred and twenty-eight bytes, so\n    that it is written as an explicit key and folded at column eighty\n  : - item\n  ? |-\n    multi\n    line key\n  : 21\n"
        )
    );
}

#[test]
fn line_separators_break_lines_without_a_newline() {
    // libyaml treats U+2028 as a line break: it writes it raw and indents after it.
    assert_eq!(
        under_spec(map(&[("f", s("x\u{2028}y"))])),
        "\n  f: 'x\u{2028}    y'\n"
    );
}
