//! Emitter output for values built in code, compared byte for byte with what
//! `kubectl kustomize` (kustomize v5.5.0) printed for the same values.
//!
//! The big case is the krust fixture `crates/krust/tests/golden/quoting`: its
//! `expected.yaml` is kubectl's output for `configmap.yaml`, whose values are
//! rebuilt here without the loader.

use krust_yaml::{emit_document, to_yaml_string, EmitError, Mapping, Value};

const QUOTING_EXPECTED: &str = include_str!("../../krust/tests/golden/quoting/expected.yaml");

fn map<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::from_map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<Mapping>(),
    )
}

fn seq<const N: usize>(items: [Value; N]) -> Value {
    Value::Seq(items.into())
}

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

/// The `data` of the fixture's ConfigMap, as its YAML input spells it.
const CONFIGMAP_DATA: &[(&str, &str)] = &[
        ("plain.simple", "hello world"),
        ("plain.colon-inside", "a:b"),
        ("plain.hash-inside", "a#b"),
        ("plain.dash-first", "-a"),
        ("plain.url", "http://example.com/path?x=1&y=2#frag"),
        ("plain.unicode", "été 中文 ж"),
        ("plain.nbsp", "\u{a0}x"),
        ("plain.merge", "<<"),
        ("plain.equals", "="),
        ("plain.not-bool", "yES"),
        ("plain.not-float", ".5e400"),
        ("plain.huge-float", "1e400"),
        ("plain.not-date", "2021-02-30"),
        ("plain.no-zone", "2021-01-01T10:00:00"),
        ("plain.not-base60", "1:60"),
        ("plain.bad-octal", "0o8"),
        ("bool.yes", "yes"),
        ("bool.No", "No"),
        ("bool.on", "on"),
        ("bool.OFF", "OFF"),
        ("bool.y", "y"),
        ("bool.n", "n"),
        ("bool.true", "true"),
        ("bool.False", "False"),
        ("null.word", "null"),
        ("null.tilde", "~"),
        ("null.empty", ""),
        ("int.zero", "0"),
        ("int.negative", "-1"),
        ("int.plus", "+1"),
        ("int.octal", "0644"),
        ("int.hex", "0x1F"),
        ("int.octal-o", "0o17"),
        ("int.binary", "0b101"),
        ("int.binary-signed", "0b-1"),
        ("int.underscore", "1_000"),
        ("int.uint", "9223372036854775808"),
        ("int.overflow", "18446744073709551616"),
        ("float.one", "1.0"),
        ("float.trailing-zero", "1.50"),
        ("float.exponent", "1e3"),
        ("float.dot", ".5"),
        ("float.underscore", ".5_5"),
        ("float.leading-zero", "08"),
        ("float.inf", ".inf"),
        ("float.neg-inf", "-.Inf"),
        ("float.nan", ".NaN"),
        ("date.day", "2021-01-01"),
        ("date.short", "2021-1-1"),
        ("date.lower-t", "2001-12-14t21:59:43.10-05:00"),
        ("date.space", "2001-12-14 21:59:43.10"),
        ("base60.time", "1:20"),
        ("base60.long", "190:20:30.15"),
        ("ind.dash-space", "- item"),
        ("ind.dash", "-"),
        ("ind.question", "? q"),
        ("ind.colon", ": v"),
        ("ind.colon-space", "a: b"),
        ("ind.colon-end", "a:"),
        ("ind.space-hash", "a #b"),
        ("ind.hash", "#comment"),
        ("ind.brackets", "[x]"),
        ("ind.braces", "{x}"),
        ("ind.alias", "*alias"),
        ("ind.anchor", "&anchor"),
        ("ind.tag", "!tag"),
        ("ind.pipe", "|pipe"),
        ("ind.gt", ">gt"),
        ("ind.squote", "'sq'"),
        ("ind.dquote", "\"dq\""),
        ("ind.percent", "%pct"),
        ("ind.at", "@at"),
        ("ind.backtick", "`bt"),
        ("ind.comma", ",comma"),
        ("ind.doc-start", "---"),
        ("ind.doc-end", "..."),
        ("ind.quote-inside", "it's"),
        ("ind.mixed-quotes", "'single' and \"double\""),
        ("space.lead", " lead"),
        ("space.trail", "trail "),
        ("space.both", "  both  "),
        ("space.only", " "),
        ("esc.tab", "a\tb"),
        ("esc.escape", "\u{1b}[0m"),
        ("esc.nul", "nul\u{0}"),
        ("esc.bell", "\u{7}"),
        ("esc.cr", "a\rb"),
        ("esc.bom-first", "\u{feff}bom text"),
        ("esc.bom-middle", "a\u{feff}b"),
        ("esc.emoji", "smile 😀"),
        ("esc.backslash-tab", "back\\slash\t"),
        ("esc.private-use", "\u{e000}"),
        ("esc.line-separator", "x\u{2028}y"),
        ("esc.paragraph-separator-space", "a \u{2029}b"),
        ("esc.next-line", "a\u{85}b"),
        ("esc.next-line-twice", "a\u{85}\u{85}b"),
        ("lit.clip", "line1\nline2\n"),
        ("lit.strip", "line1\nline2"),
        ("lit.keep", "keep\n\n"),
        ("lit.only-newline", "\n"),
        ("lit.leading-space", " indented\nnext\n"),
        ("lit.leading-newline", "\nafter\n"),
        ("lit.blank-lines", "a\n\n\nb"),
        ("lit.indented-lines", "a\n  b\n    c\n"),
        ("lit.line-separator", "x\u{2028}y\nz\n"),
        ("lit.trailing-space", "x\ny "),
        ("lit.space-before-newline", "x \ny"),
        ("lit.tab", "tab\tin\nblock"),
        ("lit.script", "#!/bin/sh\nset -eu\necho \"hello: world\" # a comment\nif [ -n \"${X:-}\" ]; then exit 1; fi\n"),
        ("fold.plain", "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris."),
        ("fold.double-spaces", "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod  tempor  incididunt  ut  labore  et  dolore  magna  aliqua."),
        ("fold.single", "'quoted' Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua."),
        ("fold.double", "\tLorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua."),
        ("fold.double-spaces-escaped", "\tLorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod  tempor  incididunt  ut  labore  et  dolore  magna  aliqua."),
        ("fold.no-spaces", "Loremipsumdolorsitamet,consecteturadipiscingelit,seddoeiusmodtemporincididuntutlaboreetdoloremagnaaliqua."),
        ("fold.json", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\",\"namespace\":\"y\"},\"data\":{\"a\":\"b\"}}"),
        ("fold.key-column", "short then a long tail of words that passes the eightieth column quite early on"),
];

fn configmap() -> Value {
    let data = CONFIGMAP_DATA
        .iter()
        .map(|&(k, v)| (k.to_owned(), s(v)))
        .collect::<Mapping>();
    map([
        ("apiVersion", s("v1")),
        ("kind", s("ConfigMap")),
        ("metadata", map([("name", s("quoting"))])),
        ("data", Value::from_map(data)),
    ])
}

/// The fixture's `Example` resource as the loader resolves it (YAML 1.2 numbers,
/// `0644` as octal, an unquoted date as an RFC 3339 string).
fn example() -> Value {
    let numbers = map([
        ("int", Value::Int(42)),
        ("negative", Value::Int(-7)),
        ("float-one", Value::Float(1.0)),
        ("float-trailing-zero", Value::Float(1.5)),
        ("exponent", Value::Float(1e3)),
        ("hex", Value::Int(16)),
        ("octal", Value::Int(0o644)),
        ("octal-o", Value::Int(0o17)),
        ("big-exponent", Value::Float(1e21)),
        ("e20", Value::Float(1e20)),
        ("small", Value::Float(1e-7)),
        ("small-5", Value::Float(0.00001)),
        ("ten-thousandth", Value::Float(0.0001)),
        ("g-switch", Value::Float(1234567.5)),
        ("below-switch", Value::Float(123456.5)),
        ("negative-zero", Value::Float(-0.0)),
        ("max-int", Value::Int(i64::MAX)),
        ("uint", Value::UInt(u64::MAX)),
        ("too-big", Value::Float(2f64.powi(64))),
        ("two-pow-63", Value::Float(2f64.powi(63))),
        ("third", Value::Float(1.0 / 3.0)),
        ("sum", Value::Float(0.1 + 0.2)),
        ("tiny", Value::Float(5e-324)),
    ]);
    let scalars = map([
        ("null", Value::Null),
        ("tilde", Value::Null),
        ("empty", Value::Null),
        ("true", Value::Bool(true)),
        ("false", Value::Bool(false)),
        ("yes", s("yes")),
        ("date", s("2021-01-01T00:00:00Z")),
        ("quoted-date", s("2021-01-01")),
    ]);
    let empty_map = || map([]);
    let collections = map([
        ("empty-map", empty_map()),
        ("empty-seq", seq([])),
        (
            "nested-empty",
            seq([
                seq([]),
                empty_map(),
                seq([seq([])]),
                map([("a", empty_map())]),
            ]),
        ),
        (
            "seq-of-seqs",
            seq([
                seq([Value::Int(1), Value::Int(2)]),
                seq([Value::Int(3), seq([Value::Int(4), Value::Int(5)])]),
            ]),
        ),
        (
            "seq-of-maps",
            seq([
                map([("name", s("a")), ("value", Value::Int(1))]),
                map([
                    ("name", s("b")),
                    ("items", seq([s("x"), s("y")])),
                    ("nested", map([("k", s("v"))])),
                ]),
            ]),
        ),
        ("map-of-seqs", map([("list", seq([s("one"), s("two")]))])),
    ]);
    let keys = map([
        ("a10", Value::Int(1)),
        ("a2", Value::Int(2)),
        ("a02", Value::Int(3)),
        ("a1", Value::Int(4)),
        ("B", Value::Int(5)),
        ("b", Value::Int(6)),
        ("_x", Value::Int(7)),
        ("-x", Value::Int(8)),
        ("1", Value::Int(9)),
        ("10", Value::Int(10)),
        ("9", Value::Int(11)),
        ("1.5", Value::Int(12)),
        ("y", Value::Int(13)),
        ("n", Value::Int(14)),
        ("on", Value::Int(15)),
        ("null", Value::Int(16)),
        ("é", Value::Int(17)),
        ("a: b", Value::Int(18)),
        (" space", Value::Int(19)),
        ("tab\tkey", Value::Int(20)),
        ("multi\nline key", Value::Int(21)),
        (
            "long key: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            s("long"),
        ),
        (
            "long key with spaces that is longer than one hundred and twenty-eight bytes, so that it is written as an explicit key and folded at column eighty",
            seq([s("item"), s("item2")]),
        ),
        (
            "long key with a map value, again longer than one hundred and twenty-eight bytes, so that libyaml writes it as an explicit key with a map",
            map([("k", s("v")), ("k2", s("v2"))]),
        ),
    ]);
    map([
        ("apiVersion", s("example.com/v1")),
        ("kind", s("Example")),
        ("metadata", map([("name", s("values"))])),
        (
            "spec",
            map([
                ("numbers", numbers),
                ("scalars", scalars),
                ("collections", collections),
                ("keys", keys),
            ]),
        ),
    ])
}

/// Compares line by line first, so that a failure names the first wrong line.
fn assert_same_output(actual: &str, expected: &str) {
    for (i, (a, e)) in actual.split('\n').zip(expected.split('\n')).enumerate() {
        assert_eq!(a, e, "line {} differs", i + 1);
    }
    assert_eq!(actual, expected);
}

#[test]
fn quoting_fixture_matches_kubectl() {
    let mut out = String::new();
    emit_document(&configmap(), &mut out).unwrap();
    out.push_str("---\n");
    emit_document(&example(), &mut out).unwrap();
    assert_same_output(&out, QUOTING_EXPECTED);
}

#[test]
fn emit_document_appends_to_the_callers_string() {
    let mut out = String::from("---\n");
    emit_document(&map([("a", Value::Int(1))]), &mut out).unwrap();
    assert_eq!(out, "---\na: 1\n");
}

#[test]
fn root_values_of_any_kind() {
    assert_eq!(to_yaml_string(&map([])).unwrap(), "{}\n");
    assert_eq!(to_yaml_string(&seq([])).unwrap(), "[]\n");
    assert_eq!(to_yaml_string(&Value::Null).unwrap(), "null\n");
    assert_eq!(to_yaml_string(&s("yes")).unwrap(), "\"yes\"\n");
    assert_eq!(
        to_yaml_string(&seq([s("a"), map([("b", s("c"))])])).unwrap(),
        "- a\n- b: c\n"
    );
    assert_eq!(to_yaml_string(&s("a\nb")).unwrap(), "|-\n  a\n  b\n");
}

/// kubectl kustomize fails on these values ("json: unsupported value: NaN",
/// "yaml: control characters are not allowed", "did not find expected ',' or '}'").
#[test]
fn values_kustomize_cannot_print() {
    let mut out = String::from("kept");
    let nan = map([("a", Value::Float(f64::NAN))]);
    assert_eq!(
        emit_document(&nan, &mut out),
        Err(EmitError::UnsupportedFloat("NaN".into()))
    );
    assert_eq!(out, "kept", "nothing is appended on error");
    assert_eq!(
        to_yaml_string(&Value::Float(f64::NEG_INFINITY)),
        Err(EmitError::UnsupportedFloat("-Inf".into()))
    );
    for c in ['\u{7f}', '\u{80}', '\u{fffe}'] {
        let value = map([("a", s(&format!("x{c}y")))]);
        assert_eq!(to_yaml_string(&value), Err(EmitError::ControlCharacter(c)));
    }
    let long_key = "k".repeat(1023);
    assert_eq!(
        to_yaml_string(&map([(long_key.as_str(), Value::Null)])),
        Err(EmitError::UnreadableKey(long_key.clone()))
    );
    assert!(to_yaml_string(&map([(&long_key[1..], Value::Null)])).is_ok());
    assert!(matches!(
        to_yaml_string(&map([("a\u{85}b", Value::Null)])),
        Err(EmitError::UnreadableKey(_))
    ));
}
