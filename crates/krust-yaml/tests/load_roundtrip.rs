//! Changes kustomize makes by writing each resource back out with go-yaml v3
//! and reading it again before JSON; every expectation was printed by
//! `kubectl kustomize` v5.5.0.

use krust_yaml::{load_documents, Value};

fn v(src: &str) -> Value {
    let docs = load_documents(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
    docs[0].get("v").cloned().expect("v")
}

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

#[test]
fn folded_scalar_gains_blank_line_before_more_indented_line() {
    assert_eq!(
        v("v: >\n  para\n   indented\n  back\n"),
        s("para\n\n indented\nback\n")
    );
    assert_eq!(v("v: >\n  a\n   b\n   c\n  d\n"), s("a\n\n b\n c\nd\n"));
    let nested = load_documents("w:\n  v: >\n    a\n     b\n")
        .unwrap()
        .remove(0);
    assert_eq!(nested.get_path(&["w", "v"]), Some(&s("a\n\n b\n")));
}

#[test]
fn keep_chomped_folded_scalar_gains_a_line_break() {
    assert_eq!(v("v: >+\n  a\n\nw: 1\n"), s("a\n\n\n"));
}

#[test]
fn ordinary_folded_and_literal_scalars_are_unchanged() {
    assert_eq!(v("v: >\n  a\n  b\n\n  c\n"), s("a b\nc\n"));
    assert_eq!(v("v: |+\n  a\n\nw: 1\n"), s("a\n\n"));
    assert_eq!(v("v: >\n  a \n   b\n"), s("a \n b\n"));
}

#[test]
fn empty_values_in_flow_collections_become_empty_strings() {
    let doc = |src: &str| load_documents(src).unwrap().remove(0);
    let got = doc("v: {a: , b: 1, c: ~, d: !!null }\n");
    assert_eq!(got.get_path(&["v", "a"]), Some(&s("")));
    assert_eq!(got.get_path(&["v", "b"]), Some(&Value::Int(1)));
    assert_eq!(got.get_path(&["v", "c"]), Some(&Value::Null));
    assert_eq!(got.get_path(&["v", "d"]), Some(&Value::Null));
    assert_eq!(doc("v: {a}\n").get_path(&["v", "a"]), Some(&s("")));
    let pair = doc("x: {a: ''}\n").get("x").cloned().unwrap();
    assert_eq!(v("v: [a: ]\n"), Value::Seq(vec![pair]));
    // Block context keeps null.
    assert_eq!(doc("v:\n  a:\n").get_path(&["v", "a"]), Some(&Value::Null));
}
