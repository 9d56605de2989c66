//! Hostile input: deep nesting and alias bombs must fail with an error
//! (bounded by counting, not by a clock), and wide inputs must load. Speed
//! itself is measured in benchmarks, not here.

use krust_yaml::{load_documents, load_documents_with, LoadOptions, Value};

fn billion_laughs(levels: usize) -> String {
    let mut src = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..levels {
        let prev = format!("*a{}", level - 1);
        let items = [prev.as_str(); 9].join(", ");
        src.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    src
}

#[test]
fn billion_laughs_fails_fast() {
    let err = load_documents(&billion_laughs(10)).unwrap_err();
    assert!(err.message.contains("alias"), "{err}");
    // The failing alias is on the first level whose expansion passes 10^6 nodes.
    assert!(err.line >= 6 && err.line <= 8, "{err}");
}

#[test]
fn billion_laughs_through_merge_keys_fails_fast() {
    let mut src = String::from("m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}\n");
    for level in 1..12 {
        let prev = level - 1;
        src.push_str(&format!(
            "m{level}: &m{level}\n  <<: [*m{prev}, *m{prev}, *m{prev}, *m{prev}]\n  x{level}: [*m{prev}, *m{prev}, *m{prev}, *m{prev}]\n"
        ));
    }
    let err = load_documents(&src).unwrap_err();
    assert!(err.message.contains("alias"), "{err}");
}

#[test]
fn small_alias_budget_counts_expanded_nodes() {
    let opts = |max_alias_nodes| LoadOptions {
        max_alias_nodes,
        ..LoadOptions::default()
    };
    // `[1, 2]` is three nodes; two aliases of it expand six.
    let src = "a: &a [1, 2]\nb: *a\nc: *a\n";
    assert!(load_documents_with(src, opts(6)).is_ok());
    let err = load_documents_with(src, opts(5)).unwrap_err();
    assert_eq!(err.line, 3, "{err}");
    // The budget is for the whole stream, not per document.
    let two_docs = "a: &a [1, 2]\nb: *a\n---\na: &a [1, 2]\nb: *a\n";
    assert!(load_documents_with(two_docs, opts(5)).is_err());
    assert!(load_documents_with(two_docs, opts(6)).is_ok());
}

#[test]
fn deep_flow_nesting_fails_fast() {
    let src = "[".repeat(10_000);
    let err = load_documents(&src).unwrap_err();
    assert_eq!(err.line, 1, "{err}");
    let src = format!("{}{}", "{a: ".repeat(10_000), "}".repeat(10_000));
    assert!(load_documents(&src).is_err());
}

#[test]
fn deep_block_nesting_fails_fast() {
    let src = format!("{}x\n", "- ".repeat(100_000));
    let err = load_documents(&src).unwrap_err();
    assert!(err.message.contains("depth"), "{err}");
    let mut nested = String::new();
    for depth in 0..2_000 {
        nested.push_str(&" ".repeat(depth));
        nested.push_str("k:\n");
    }
    let err = load_documents(&nested).unwrap_err();
    assert!(err.message.contains("depth"), "{err}");
    assert_eq!(err.line, 1001, "{err}");
}

#[test]
fn depth_limit_is_exact() {
    let opts = LoadOptions {
        max_depth: 3,
        ..LoadOptions::default()
    };
    assert!(load_documents_with("a: {b: [1]}\n", opts).is_ok());
    let err = load_documents_with("a: {b: [[1]]}\n", opts).unwrap_err();
    assert_eq!((err.line, err.column), (1, 9), "{err}");
    let scalar_only = LoadOptions {
        max_depth: 0,
        ..LoadOptions::default()
    };
    assert_eq!(
        load_documents_with("hello\n", scalar_only).unwrap(),
        vec![Value::String("hello".into())]
    );
    assert!(load_documents_with("[]\n", scalar_only).is_err());
}

#[test]
fn aliases_cannot_smuggle_depth() {
    let opts = LoadOptions {
        max_depth: 4,
        ..LoadOptions::default()
    };
    // The anchored value is 3 deep inside the root map (depth 4 in all) ...
    let ok = "a: &a [[[1]]]\nb: *a\n";
    assert!(load_documents_with(ok, opts).is_ok());
    // ... and placing it one level deeper would make 5.
    let err = load_documents_with("a: &a [[[1]]]\nb: [*a]\n", opts).unwrap_err();
    assert_eq!(err.line, 2, "{err}");
    assert!(err.message.contains("depth"), "{err}");
}

#[test]
fn large_flat_input_loads() {
    let mut src = String::with_capacity(8 << 20);
    for doc in 0..2_000 {
        src.push_str(&format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{doc}\ndata:\n"
        ));
        for key in 0..100 {
            src.push_str(&format!("  key{key}: \"value {key} of {doc}\"\n"));
        }
        src.push_str("---\n");
    }
    assert!(src.len() > 4 << 20);
    let docs = load_documents(&src).unwrap();
    assert_eq!(docs.len(), 2_000);
    assert_eq!(docs[1999].str_at(&["metadata", "name"]), Some("cm-1999"));
}

#[test]
fn wide_mapping_loads() {
    let mut src = String::new();
    for key in 0..200_000 {
        src.push_str(&format!("k{key}: {key}\n"));
    }
    let docs = load_documents(&src).unwrap();
    assert_eq!(docs[0].as_map().map(|m| m.len()), Some(200_000));
}

#[test]
fn wide_mapping_next_to_a_merge_loads() {
    let mut src = String::from("base: &b {x: 1}\nuse:\n  <<: *b\nwide:\n");
    for key in 0..100_000 {
        src.push_str(&format!("  k{key}: {key}\n"));
    }
    let docs = load_documents(&src).unwrap();
    assert_eq!(docs[0].get_path(&["use", "x"]), Some(&Value::Int(1)));
    assert_eq!(
        docs[0].get("wide").and_then(Value::as_map).map(|m| m.len()),
        Some(100_000)
    );
}
