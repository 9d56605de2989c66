//! Unit tests of the structured-data rewrite.

use super::*;

/// Parses and prints back unchanged, as kyaml's `String()` + TrimSpace.
fn round_trip(text: &str) -> Result<String, Failure> {
    let parsed = read(text)?;
    Ok(emit::document(&parsed.doc).trim().to_owned())
}

#[test]
fn comments_land_where_go_yaml_puts_them() {
    // Expected texts printed by go-yaml v3.0.3 with kyaml's encoder settings.
    for (text, want) in [
        (
            "# doc head\n\n# key head\na: 1\n",
            "# doc head\n\n# key head\na: 1",
        ),
        (
            "a: 1\n# head of b\nb: 2\n",
            "a: 1\n# head of b\nb: 2",
        ),
        (
            "a: 1\n# foot of a\n\nb: 2\n",
            "a: 1\n# foot of a\n\nb: 2",
        ),
        (
            "a:\n  x: 1\n  # foot of x\nb: 2\n",
            "a:\n  x: 1\n  # foot of x\nb: 2",
        ),
        (
            "a:\n  b:\n    c: 1\n  # foot of b\n\nz: 1\n",
            "a:\n  b:\n    c: 1\n  # foot of b\nz: 1",
        ),
        (
            "a:\n  b:\n    c: 1\n# foot of a\n\nz: 1\n",
            "a:\n  b:\n    c: 1\n# foot of a\n\nz: 1",
        ),
        (
            "l:\n  # head a\n  - a # line a\n  # head b\n  - b\n  # foot b\nz: 1\n",
            "l:\n# head a\n- a # line a\n# head b\n- b\n# foot b\n\nz: 1",
        ),
        (
            "l:\n- x: 1 # lc\n  # head y\n  y: 2\n# head of item\n- x: 3\n",
            "l:\n- x: 1 # lc\n  # head y\n  y: 2\n# head of item\n- x: 3",
        ),
        (
            "a: # key line\n  x: 1\nb: # kl2\n- 1\n",
            "a: # key line\n  x: 1\nb: # kl2\n- 1",
        ),
        (
            "k: v\n\n# document foot\n",
            "k: v\n\n# document foot",
        ),
        (
            "b: 1  # c\n# document foot after a line comment\n\n",
            "b: 1 # c\n\n# document foot after a line comment",
        ),
        (
            "alpha: # c\n  m: x\n\n  port: '.inf' # c\n# back to port\n\n  a: \"-x\"  # note\n",
            "alpha: # c\n  m: x\n  port: '.inf' # c\n  # back to port\n\n  a: \"-x\" # note",
        ),
        (
            "s: |\n  text\n   more\nf: >-\n  folded\n  line\n\n  para\nq: \"tab\\there \\u00e9\"\nlong: kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n",
            "s: |\n  text\n   more\nf: >-\n  folded line\n\n  para\nq: \"tab\\there é\"\nlong: kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
        ),
        (
            "- - a\n  - b\n- {x: [1, 2], y: {}}\n- []\n",
            "- - a\n  - b\n- {x: [1, 2], y: {}}\n- []",
        ),
    ] {
        assert_eq!(round_trip(text).unwrap(), want, "{text:?}");
    }
}

/// The JSON kustomize 5.8 writes for `text` after setting `path` to `to`.
fn json_after(text: &str, path: &str, to: &str) -> Option<String> {
    let mut doc = read(text).unwrap().doc;
    let root = doc.root;
    let parts = super::super::path::split(path);
    let hits = Matcher {
        doc: &mut doc,
        create: Some(Kind::Scalar),
    }
    .filter(root, &parts)
    .unwrap();
    for hit in hits {
        if let Hit::Node(id) = hit {
            set(&mut doc, id, &Replacing::Scalar(Tag::Str, to.to_owned()));
        }
    }
    json::serialize(&doc, text)
}

#[test]
fn json_floats_print_like_encoding_json() {
    for (f, want) in [
        (1.0, "1"),
        (1e3, "1000"),
        (1.5, "1.5"),
        (-2.25, "-2.25"),
        (0.000001, "0.000001"),
        (0.0000001, "1e-7"),
        (1.5e-10, "1.5e-10"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (123456789012345678901234567890.0, "1.2345678901234568e+29"),
        (-0.0, "-0"),
        (0.1 + 0.2, "0.30000000000000004"),
    ] {
        assert_eq!(json::float(f).as_deref(), Some(want), "{f}");
    }
    assert_eq!(json::float(f64::NAN), None);
    assert_eq!(json::float(f64::INFINITY), None);
}

#[test]
fn json_strings_escape_like_encoding_json() {
    let mut out = String::new();
    json::string(
        "<a&b> \"q\" \\ \t\n\r\u{8}\u{c}\u{1}\u{1f} é ☃ \u{2028}\u{2029} /",
        &mut out,
    );
    assert_eq!(
        out,
        r#""\u003ca\u0026b\u003e \"q\" \\ \t\n\r\b\f\u0001\u001f é ☃ \u2028\u2029 /""#
    );
}

#[test]
fn json_numbers_keep_go_yaml_types() {
    let text = r#"{"k":"old","big":12345678901234567890,"huge":123456789012345678901234567890,"e21":1e21,"small":0.0000001,"neg":-0,"f":1.0,"e":1e3,"hex":"0x1F","n":null}"#;
    assert_eq!(
        json_after(text, "k", "t").unwrap(),
        r#"{"big":12345678901234567890,"e":1000,"e21":1e+21,"f":1,"hex":"0x1F","huge":1.2345678901234568e+29,"k":"t","n":null,"neg":0,"small":1e-7}"#
    );
}

#[test]
fn json_leaf_types_come_from_the_original_tag() {
    let text = r#"{"port":8080,"flag":"false","b":false}"#;
    assert_eq!(
        json_after(text, "port", "9090").unwrap(),
        r#"{"b":false,"flag":"false","port":9090}"#
    );
    assert_eq!(
        json_after(text, "flag", "abc").unwrap(),
        r#"{"b":false,"flag":"abc","port":8080}"#
    );
    assert_eq!(
        json_after(text, "b", "true").unwrap(),
        r#"{"b":true,"flag":"false","port":8080}"#
    );
    // A number that is given text it cannot hold fails the round trip.
    assert_eq!(json_after(text, "port", "abc"), None);
    // A created key is untagged: its text reads as plain YAML.
    assert_eq!(
        json_after(text, "new", "9090").unwrap(),
        r#"{"b":false,"flag":"false","new":9090,"port":8080}"#
    );
    assert_eq!(
        json_after(text, "new", "t").unwrap(),
        r#"{"b":false,"flag":"false","new":"t","port":8080}"#
    );
}

#[test]
fn json_is_pretty_printed_only_after_a_line_break_and_two_spaces() {
    let pretty = "{\n    \"z\": 1,\n    \"a\": {\"host\": \"old\", \"e\": {}, \"l\": []}\n}\n";
    assert_eq!(
        json_after(pretty, "a.host", "new").unwrap(),
        "{\n  \"a\": {\n    \"e\": {},\n    \"host\": \"new\",\n    \"l\": []\n  },\n  \"z\": 1\n}"
    );
    // Tabs, not two spaces: compact.
    let tabs = "{\n\t\"z\": 1,\n\t\"a\": {\"host\": \"old\"}\n}";
    assert_eq!(
        json_after(tabs, "a.host", "new").unwrap(),
        r#"{"a":{"host":"new"},"z":1}"#
    );
    // Two spaces anywhere (even inside a string) count, with a line break.
    let spaced = "{\"s\": \"two  spaces\", \"i\": 1}\n";
    assert_eq!(
        json_after(spaced, "s", "x").unwrap(),
        "{\n  \"i\": 1,\n  \"s\": \"x\"\n}"
    );
    // Two spaces without a line break: compact.
    assert_eq!(json_after("{\"a\":  1}", "a", "2").unwrap(), r#"{"a":2}"#);
    // Flow YAML starting with `{` is JSON too.
    assert_eq!(
        json_after("{a: x, b: [x, y]}", "a", "abc").unwrap(),
        r#"{"a":"abc","b":["x","y"]}"#
    );
}

#[test]
fn yaml_keeps_comments_order_and_quoting() {
    let text = "# leading comment\nserver:\n  host: old   # trailing comment\n  port: 8080\n  names:\n    - a\n    - b\n  quoted: 'single'\nzeta: 1\nalpha: \"two\"\n";
    assert_eq!(
        round_trip(text).unwrap(),
        "# leading comment\nserver:\n  host: old # trailing comment\n  port: 8080\n  names:\n  - a\n  - b\n  quoted: 'single'\nzeta: 1\nalpha: \"two\""
    );
    // A plain string given text that reads as another type is quoted; a
    // number given text that is not one keeps its tag.
    let mut doc = read("s: foo\ni: 1\n").unwrap().doc;
    let root = doc.root.unwrap();
    let (s, i) = (doc.field(root, "s").unwrap(), doc.field(root, "i").unwrap());
    doc.node_mut(s).value = "123".into();
    doc.node_mut(i).value = "abc".into();
    assert_eq!(emit::document(&doc).trim(), "s: \"123\"\ni: !!int abc");
}

#[test]
fn text_that_is_not_yaml_or_not_reproduced_is_told_apart() {
    assert!(matches!(read("{\"a\": "), Err(Failure::Path(e)) if e.starts_with("yaml: ")));
    assert!(matches!(read("a: \u{1}"), Err(Failure::Path(e)) if e.contains("control characters")));
    assert!(matches!(
        read("a: &x 1\nb: *x\n"),
        Err(Failure::Unsupported(_))
    ));
    assert!(matches!(read("? a\n: b\n"), Err(Failure::Unsupported(_))));
    // A plain scalar over several lines is folded.
    assert_eq!(
        round_trip("a: b\n  c\n\n  d\n").unwrap(),
        "a: |-\n  b c\n  d"
    );
    // Empty, blank and comment-only text has no document.
    for text in ["", " ", "# just a comment"] {
        assert_eq!(read(text).unwrap().doc.root, None, "{text:?}");
    }
    // Only the first document is read.
    assert_eq!(round_trip("a: x\n---\nb: 2\n").unwrap(), "a: x");
}

/// Text built from pieces that stress the parser: indicators, quotes,
/// comments, indentation, flow brackets, tags, unusual characters.
fn yamlish() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let piece = proptest::sample::select(
        &[
            "a", "b: ", ": ", "- ", "-", "\n", "\n  ", "\n    ", " ", "#", " # c", "'", "\"", "''",
            "\\", "[", "]", "{", "}", ",", "|", ">-", "|+2", "!!int ", "!!str ", "&x ", "*x", "? ",
            "---", "...", "\t", "é", "\u{2028}", "1", "1.5", "~", "null", "true", "\\u00e9", "%",
            "@", "<<: ",
        ][..],
    );
    proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest::proptest! {
    #[test]
    fn reading_and_writing_back_never_panic(text in yamlish(), path in 0usize..4) {
        if let Ok(parsed) = read(&text) {
            let mut doc = parsed.doc;
            let _ = emit::document(&doc);
            let _ = json::serialize(&doc, &text);
            let parts: Vec<String> = ["a", "*", "0", "[b=x]"][..path].iter().map(|s| s.to_string()).collect();
            let root = doc.root;
            let _ = Matcher { doc: &mut doc, create: Some(Kind::Scalar) }.filter(root, &parts);
        }
    }
}
