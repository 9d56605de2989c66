//! Anchors, aliases, merge keys and duplicate keys. Expectations mirror
//! `kubectl kustomize` v5.5.0 (kyaml `DeAnchor`, then go-yaml v3 decoding).

use krust_yaml::{load_documents, LoadError, Mapping, Value};

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

fn i(n: i64) -> Value {
    Value::Int(n)
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
    assert_eq!(docs.len(), 1, "{src:?}");
    docs.remove(0)
}

fn data(src: &str) -> Value {
    one(src).get("data").cloned().expect("data")
}

fn err(src: &str) -> LoadError {
    load_documents(src).expect_err(src)
}

/// Maps compare by content; key order is not part of the contract.
fn same_map(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_map(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn aliases_copy_the_anchored_value() {
    let doc = one("a: &x {k: [1, 2]}\nb: *x\nc: &s text\nd: *s\n");
    assert_eq!(doc.get("b"), doc.get("a"));
    assert_eq!(doc.get("d"), Some(&s("text")));
}

#[test]
fn alias_scalars_resolve_like_the_original() {
    let doc = one("a: &n 12\nb: *n\nc: &q '12'\nd: *q\ne: &t !!str 7\nf: *t\n");
    assert_eq!(doc.get("b"), Some(&i(12)));
    assert_eq!(doc.get("d"), Some(&s("12")));
    assert_eq!(doc.get("f"), Some(&s("7")));
}

#[test]
fn alias_as_key() {
    assert_eq!(
        data("data:\n  k: &k kk\n  *k : v\n"),
        map(&[("k", s("kk")), ("kk", s("v"))])
    );
}

#[test]
fn redefined_anchor_uses_latest_definition() {
    let doc = one("a: &x 1\nb: *x\nc: &x 2\nd: *x\n");
    assert_eq!(doc.get("b"), Some(&i(1)));
    assert_eq!(doc.get("d"), Some(&i(2)));
}

#[test]
fn unknown_alias_is_an_error() {
    let e = err("a: 1\nb: *nope\n");
    assert_eq!(e.line, 2, "{e}");
}

#[test]
fn self_referencing_anchor_is_an_error() {
    let e = err("a: &x [1, *x]\n");
    assert_eq!(e.message, "anchor 'x' value contains itself");
    assert_eq!((e.line, e.column), (1, 11));
    assert!(load_documents("a: &x {b: *x}\n").is_err());
}

#[test]
fn anchors_do_not_cross_documents() {
    let e = err("a: &x 1\n---\nb: *x\n");
    assert_eq!(e.line, 3, "{e}");
}

#[test]
fn merge_single_map() {
    assert_eq!(
        data("base: &b {x: 1, y: 1}\ndata:\n  <<: *b\n  y: 2\n"),
        map(&[("y", i(2)), ("x", i(1))])
    );
}

#[test]
fn explicit_keys_win_wherever_they_appear() {
    let got = data("data:\n  a: 1\n  <<: {a: 2, b: 2}\n  c: 3\n");
    assert!(
        same_map(&got, &map(&[("a", i(1)), ("b", i(2)), ("c", i(3))])),
        "{got:?}"
    );
}

#[test]
fn earlier_merged_maps_win() {
    let got = data("a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\ndata:\n  <<: [*a, *b]\n  w: 0\n");
    let want = map(&[("w", i(0)), ("x", i(1)), ("y", i(1)), ("z", i(2))]);
    assert!(same_map(&got, &want), "{got:?}");
}

#[test]
fn merges_chain_through_anchors() {
    let got = data("a: &a {x: 1, y: 1}\nb: &b {<<: *a, x: 2}\ndata:\n  <<: *b\n  k: 3\n");
    let want = map(&[("k", i(3)), ("x", i(2)), ("y", i(1))]);
    assert!(same_map(&got, &want), "{got:?}");
    let got = data("data:\n  <<: {a: 1, <<: {b: 2, a: 3}}\n");
    assert!(same_map(&got, &map(&[("a", i(1)), ("b", i(2))])), "{got:?}");
}

#[test]
fn merge_key_spellings() {
    let want = map(&[("a", i(1)), ("b", i(2))]);
    for key in ["<<", "!!merge <<", "! <<"] {
        let got = data(&format!("data:\n  {key}: {{a: 1}}\n  b: 2\n"));
        assert!(same_map(&got, &want), "{key}: {got:?}");
    }
}

#[test]
fn quoted_merge_name_is_dropped_like_kyaml() {
    // kyaml removes the first key spelled `<<`, even a quoted one.
    assert_eq!(data("data:\n  \"<<\": {a: 1}\n"), map(&[]));
    // After a real merge key, a quoted `<<` survives as a plain key.
    let got = data("data:\n  <<: {a: 1}\n  '<<': x\n");
    assert!(
        same_map(&got, &map(&[("a", i(1)), ("<<", s("x"))])),
        "{got:?}"
    );
}

#[test]
fn invalid_merge_values() {
    let cases = [
        (
            "data:\n  <<:\n  a: 1\n",
            "map merge requires map or sequence of maps as the value",
        ),
        (
            "data:\n  <<: [1]\n",
            "map merge requires map or sequence of maps as the value",
        ),
        (
            "s: &s [{a: 1}]\ndata:\n  <<: *s\n",
            "invalid map merge: received alias for a non-map value",
        ),
        (
            "s: &s {a: 1}\ndata:\n  <<: [[*s]]\n",
            "invalid map merge: received a nested sequence",
        ),
        (
            "s: &s x\ndata:\n  <<: [*s]\n",
            "invalid map merge: received alias for a non-map value",
        ),
    ];
    for (src, message) in cases {
        assert_eq!(err(src).message, message, "{src:?}");
    }
}

#[test]
fn duplicate_merge_key() {
    let e = err("base: &b {x: 1}\ndata:\n  <<: *b\n  <<: *b\n");
    assert_eq!(e.message, "duplicate merge key");
    assert_eq!((e.line, e.column), (4, 3));
}

#[test]
fn duplicate_keys_report_both_lines() {
    let e = err("data:\n  a: 1\n  a: 2\n");
    assert_eq!(e.message, "mapping key \"a\" already defined at line 2");
    assert_eq!((e.line, e.column), (3, 3));
    let e = err("data:\n  \"1\": 1\n  !!str 1: 2\n");
    assert_eq!(e.message, "mapping key \"1\" already defined at line 2");
    let e = err("a: 1\nb: 2\na: 3\n");
    assert_eq!((e.line, e.column), (3, 1));
    let e = err("x: {a: 1, a: 2}\n");
    assert_eq!((e.line, e.column), (1, 11));
}

#[test]
fn duplicate_key_positions_are_relative_to_the_stream() {
    let e = err("a: 1\n---\nb: 1\nb: 2\n");
    assert_eq!(e.message, "mapping key \"b\" already defined at line 3");
    assert_eq!((e.line, e.column), (4, 1));
}

#[test]
fn merged_keys_never_count_as_duplicates() {
    let got = data("a: &a {x: 1}\ndata:\n  <<: [*a, {x: 2}]\n  x: 3\n");
    assert_eq!(got, map(&[("x", i(3))]));
}

#[test]
fn quoted_merge_name_before_a_merge_key_is_dropped() {
    let got = data("data:\n  '<<': x\n  <<: {a: 1}\n  b: 2\n");
    assert!(same_map(&got, &map(&[("a", i(1)), ("b", i(2))])), "{got:?}");
}

#[test]
fn merge_tag_on_another_key_merges_and_keeps_the_key() {
    let got = data("data:\n  !!merge foo: {a: 1}\n  b: 2\n");
    let want = map(&[("a", i(1)), ("b", i(2)), ("foo", map(&[("a", i(1))]))]);
    assert!(same_map(&got, &want), "{got:?}");
}

#[test]
fn alias_key_duplicating_an_explicit_key() {
    let e = err("data:\n  k: &k kk\n  kk: 1\n  *k : v\n");
    assert_eq!(e.message, "mapping key \"kk\" already defined at line 3");
    assert_eq!(e.line, 4);
}

#[test]
fn chained_merges_follow_kyaml() {
    // A merged mapping's own `<<` is expanded last, below every explicit key
    // (kubectl prints c: 1 and d: 3 here, from m2, not m0's 8 and 7).
    let src = "defs:\n  m0: &m0 {d: 7, c: 8, e: 0}\n  m1: &m1 {<<: *m0, b: 0, a: 7, e: 9}\n  m2: &m2 {c: 1, d: 3}\ndata:\n  y: own\n  <<: [*m1, *m2]\n";
    let want = map(&[
        ("y", s("own")),
        ("a", i(7)),
        ("b", i(0)),
        ("c", i(1)),
        ("d", i(3)),
        ("e", i(9)),
    ]);
    let got = data(src);
    assert!(same_map(&got, &want), "{got:?}");
    // Once an alias has expanded m1 as a value, its inherited keys count as
    // its own in later merges.
    let used = src.replace("data:\n", "use: *m1\ndata:\n");
    let got = data(&used);
    let want = map(&[
        ("y", s("own")),
        ("a", i(7)),
        ("b", i(0)),
        ("c", i(8)),
        ("d", i(7)),
        ("e", i(9)),
    ]);
    assert!(same_map(&got, &want), "{got:?}");
}
