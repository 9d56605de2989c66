//! Streams, documents and scalar resolution through the public loader.
//! Expected values mirror what `kubectl kustomize` (v5.5.0) printed for the
//! same input inside a resource.

use krust_yaml::{load_documents, Mapping, Value};

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

fn map(entries: &[(&str, Value)]) -> Value {
    Value::from_map(
        entries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect::<Mapping>(),
    )
}

fn one(src: &str) -> Value {
    let mut docs = load_documents(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
    assert_eq!(docs.len(), 1, "{src:?}: {docs:?}");
    docs.remove(0)
}

/// The value under `v` in a one-document `v: ...` stream.
fn value_of(yaml_value: &str) -> Value {
    let doc = one(&format!("v: {yaml_value}\n"));
    doc.get("v").cloned().expect("v")
}

#[test]
fn multi_document_stream() {
    let docs = load_documents("a: 1\n---\nb: 2\n--- # comment\nc: 3\n").unwrap();
    assert_eq!(
        docs,
        vec![
            map(&[("a", Value::Int(1))]),
            map(&[("b", Value::Int(2))]),
            map(&[("c", Value::Int(3))]),
        ]
    );
}

#[test]
fn empty_and_null_documents_are_skipped() {
    let src = "---\n---\n# only a comment\n---\n~\n---\nnull\n---\n!!null\n---\n\n---\na: 1\n---\n";
    assert_eq!(
        load_documents(src).unwrap(),
        vec![map(&[("a", Value::Int(1))])]
    );
    assert_eq!(load_documents("").unwrap(), Vec::<Value>::new());
    assert_eq!(load_documents("# nothing\n").unwrap(), Vec::<Value>::new());
    assert_eq!(
        load_documents("!!null {a: 1}\n").unwrap(),
        Vec::<Value>::new()
    );
}

#[test]
fn scalar_and_sequence_roots_are_returned() {
    assert_eq!(load_documents("hello\n").unwrap(), vec![s("hello")]);
    assert_eq!(
        load_documents("- 1\n- two\n").unwrap(),
        vec![Value::Seq(vec![Value::Int(1), s("two")])]
    );
}

#[test]
fn crlf_line_endings() {
    let doc = one("a: |\r\n  x\r\n  y\r\nb: 2\r\n");
    assert_eq!(doc, map(&[("a", s("x\ny\n")), ("b", Value::Int(2))]));
}

#[test]
fn content_after_separator_is_rejected_like_kustomize() {
    let err = load_documents("a: 1\n--- !!map\nb: 2\n").unwrap_err();
    assert_eq!(err.message, "invalid document separator: --- !!map");
    assert_eq!((err.line, err.column), (2, 1));
    // On the very first line kustomize does not split, so YAML rules apply.
    assert_eq!(one("--- {a: 1}\n"), map(&[("a", Value::Int(1))]));
}

#[test]
fn text_after_document_end_marker_is_ignored_like_kustomize() {
    let docs = load_documents("a: 1\n...\n}{ not yaml\n---\nb: 2\n").unwrap();
    assert_eq!(
        docs,
        vec![map(&[("a", Value::Int(1))]), map(&[("b", Value::Int(2))])]
    );
}

#[test]
fn literal_block_at_end_of_document_keeps_its_newline() {
    let docs = load_documents("a: |\n  x\n---\nb: |\n  y\n").unwrap();
    assert_eq!(docs, vec![map(&[("a", s("x\n"))]), map(&[("b", s("y\n"))])]);
}

#[test]
fn block_scalars() {
    assert_eq!(value_of("|\n  a\n  b\n"), s("a\nb\n"));
    assert_eq!(value_of("|-\n  a\n  b\n"), s("a\nb"));
    assert_eq!(one("v: |+\n  a\n\n").get("v"), Some(&s("a\n\n")));
    assert_eq!(value_of(">\n  a\n  b\n\n  c\n"), s("a b\nc\n"));
    assert_eq!(value_of("|2\n   a\n  b\n"), s(" a\nb\n"));
    assert_eq!(value_of("|\n  123\n"), s("123\n"));
}

#[test]
fn quoted_scalars_are_strings() {
    assert_eq!(value_of("'123'"), s("123"));
    assert_eq!(value_of("\"true\""), s("true"));
    assert_eq!(value_of("\"a\\tb\\u00e9\""), s("a\tb\u{e9}"));
    assert_eq!(value_of("'it''s'"), s("it's"));
    assert_eq!(value_of("\"\""), s(""));
}

#[test]
fn plain_scalar_resolution() {
    assert_eq!(value_of("yes"), s("yes"));
    assert_eq!(value_of("True"), Value::Bool(true));
    assert_eq!(value_of("~"), Value::Null);
    assert_eq!(value_of(""), Value::Null);
    assert_eq!(value_of("0644"), Value::Int(420));
    assert_eq!(value_of("08"), Value::Float(8.0));
    assert_eq!(value_of("1e3"), Value::Float(1000.0));
    assert_eq!(value_of("9223372036854775808"), Value::UInt(1 << 63));
    assert_eq!(value_of("1e400"), s("1e400"));
    assert_eq!(value_of("a b  c"), s("a b  c"));
    assert_eq!(value_of("multi\n  line"), s("multi line"));
}

#[test]
fn timestamps_become_rfc3339_strings() {
    assert_eq!(value_of("2021-01-01"), s("2021-01-01T00:00:00Z"));
    assert_eq!(
        value_of("2001-12-14t21:59:43.10-05:00"),
        s("2001-12-14T21:59:43.1-05:00")
    );
    assert_eq!(
        value_of("2001-12-14 21:59:43.10"),
        s("2001-12-14T21:59:43.1Z")
    );
    assert_eq!(value_of("2002-12-14"), s("2002-12-14T00:00:00Z"));
    assert_eq!(value_of("\"2021-01-01\""), s("2021-01-01"));
    assert_eq!(value_of("!!str 2021-01-01"), s("2021-01-01"));
    assert_eq!(value_of("!foo 2021-01-01"), s("2021-01-01"));
    assert_eq!(value_of("! 2021-01-01"), s("2021-01-01T00:00:00Z"));
    assert_eq!(
        value_of("!!timestamp \"2021-01-01\""),
        s("2021-01-01T00:00:00Z")
    );
    let err = load_documents("v: 2001-12-14T21:59:43+24:00\n").unwrap_err();
    assert!(err.message.contains("timezone hour"), "{err}");
}

#[test]
fn tags() {
    assert_eq!(value_of("!!str 12"), s("12"));
    assert_eq!(value_of("!!int \"12\""), Value::Int(12));
    assert_eq!(value_of("!!float 12"), Value::Float(12.0));
    assert_eq!(value_of("!!bool \"true\""), Value::Bool(true));
    assert_eq!(value_of("!!null \"\""), Value::Null);
    assert_eq!(value_of("!foo 12"), s("12"));
    assert_eq!(value_of("!foo true"), s("true"));
    assert_eq!(value_of("!foo ~"), s("~"));
    assert_eq!(value_of("!foo"), s(""));
    assert_eq!(value_of("! 12"), Value::Int(12));
    assert_eq!(value_of("!<tag:yaml.org,2002:int> \"7\""), Value::Int(7));
    assert_eq!(value_of("!!binary aGVsbG8="), s("hello"));
    assert_eq!(value_of("!foo {a: 1}"), map(&[("a", Value::Int(1))]));
    assert_eq!(value_of("!!str {a: 1}"), map(&[("a", Value::Int(1))]));
    assert_eq!(value_of("!!map foo"), s("foo"));
    assert_eq!(value_of("<<"), s("<<"));
}

#[test]
fn tag_mismatch_is_an_error_with_position() {
    let err = load_documents("a: 1\nv: !!int 1.5e0\n").unwrap_err();
    assert_eq!(err.message, "cannot decode !!float `1.5e0` as a !!int");
    assert_eq!((err.line, err.column), (2, 4));
    let err = load_documents("v: !!binary aGVsbG8\n").unwrap_err();
    assert_eq!(err.message, "!!binary value contains invalid base64 data");
}

#[test]
fn syntax_errors_carry_stream_positions() {
    let err = load_documents("a: 1\n---\nb: c: d\n").unwrap_err();
    assert_eq!(err.line, 3, "{err}");
    assert!(err.column >= 1);
    let err = load_documents("a: \"unterminated\n").unwrap_err();
    assert_eq!(err.line, 1, "{err}");
    let err = load_documents("a: [1, 2\n").unwrap_err();
    assert!(err.line >= 1, "{err}");
}

#[test]
fn root_mapping_keys_are_their_text() {
    let doc = one("1.50: a\n0x10: b\nTrue: c\n2021-01-01: d\n!!binary aGVsbG8=: e\n");
    assert_eq!(
        doc,
        map(&[
            ("1.50", s("a")),
            ("0x10", s("b")),
            ("True", s("c")),
            ("2021-01-01", s("d")),
            ("hello", s("e")),
        ])
    );
}

#[test]
fn nested_non_string_keys_are_errors() {
    for src in [
        "data:\n  1: a\n",
        "data:\n  true: a\n",
        "data:\n  1.5: a\n",
        "data:\n  2021-01-01: a\n",
        "data:\n  !foo 3: a\n",
        "data:\n- 1: a\n",
        "data:\n  ~: a\n",
        "null: a\n",
    ] {
        let err = load_documents(src).unwrap_err();
        assert_eq!(
            err.line,
            2 - usize::from(src.starts_with("null")),
            "{src:?}: {err}"
        );
    }
    // Quoted or `!!str` keys are strings everywhere.
    assert_eq!(
        one("data:\n  '1': a\n  !!str 2: b\n"),
        map(&[("data", map(&[("1", s("a")), ("2", s("b"))]))])
    );
}

#[test]
fn empty_key_becomes_empty_string() {
    assert_eq!(
        one("data:\n  ? \n  : d\n"),
        map(&[("data", map(&[("", s("d"))]))])
    );
}

#[test]
fn collection_keys_are_errors() {
    for src in ["{a: 1}: x\n", "[a]: x\n", "data:\n  ? [a]\n  : x\n"] {
        assert!(load_documents(src).is_err(), "{src:?}");
    }
}

#[test]
fn duplicate_keys_can_be_last_wins_for_kustomization_files() {
    let src = "a: 1\nb: 2\na: 3\n";
    assert!(krust_yaml::load_documents(src).is_err());
    let options = krust_yaml::LoadOptions {
        duplicate_keys_last_wins: true,
        ..Default::default()
    };
    let docs = krust_yaml::load_documents_with(src, options).unwrap();
    assert_eq!(docs[0].get("a"), Some(&krust_yaml::Value::Int(3)));
    assert_eq!(docs[0].as_map().map(|m| m.len()), Some(2));
}

#[test]
fn block_scalar_on_an_unterminated_last_line_has_no_final_break() {
    let load = |s: &str| krust_yaml::load_documents(s).unwrap().remove(0);
    assert_eq!(load("a: |\n  x\n  y").str_at(&["a"]), Some("x\ny"));
    assert_eq!(load("a: |\n  x\n  y\n").str_at(&["a"]), Some("x\ny\n"));
    assert_eq!(load("a: |+\n  x\n  y").str_at(&["a"]), Some("x\ny"));
    assert_eq!(load("a: |\n  x\nb: 1").str_at(&["a"]), Some("x\n"));
}

#[test]
fn empty_values_are_reported_apart_from_explicit_nulls() {
    use krust_yaml::PathSeg::{Index, Key};
    let docs = krust_yaml::load_detailed(
        "a:\nb: null\nc:\n  d:\n  e: ~\nf:\n- g:\n- \n",
        krust_yaml::LoadOptions::default(),
    )
    .unwrap();
    let doc = &docs[0];
    assert!(doc.value.get("a").unwrap().is_null());
    assert_eq!(
        doc.empty_values,
        vec![
            vec![Key("a".into())],
            vec![Key("c".into()), Key("d".into())],
            vec![Key("f".into()), Index(0), Key("g".into())],
        ]
    );
}
