//! Flux envsubst semantics, cases derived from the behaviour of
//! fluxcd/pkg `envsubst` (eval/funcs/parse) and `kustomize_varsub.go`.

use std::collections::BTreeMap;

use krust_flux::envsubst::{
    substitute, substitute_resource, ParseError, SubstError, SubstituteOptions,
};
use krust_yaml::Value;
use proptest::prelude::*;

fn run(input: &str, vars: &[(&str, &str)], strict: bool) -> Result<String, SubstError> {
    let map: BTreeMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    substitute(input, &|n: &str| map.get(n).cloned(), strict)
}

fn ok(input: &str, vars: &[(&str, &str)]) -> String {
    run(input, vars, false).unwrap()
}

#[test]
fn operators() {
    let v = [("v", "abcdEFGH28ij")];
    assert_eq!(ok("${v}", &v), "abcdEFGH28ij");
    assert_eq!(ok("${#v}", &v), "12");
    assert_eq!(ok("${v^}", &v), "AbcdEFGH28ij");
    assert_eq!(ok("${v^^}", &v), "ABCDEFGH28IJ");
    assert_eq!(ok("${v,}", &[("v", "ABC")]), "aBC");
    assert_eq!(ok("${v,,}", &[("v", "ABC")]), "abc");
    assert_eq!(ok("${v,^}", &v), "abcdEFGH28ij");
    let p = [("p", "/home/bozo/ideas/thoughts.for.today")];
    assert_eq!(ok("${p:11}", &p), "ideas/thoughts.for.today");
    assert_eq!(ok("${p:11:5}", &p), "ideas");
    let z = [("z", "abcABC123ABCabc")];
    assert_eq!(ok("${z/%abc/XYZ}", &z), "abcABC123ABCXYZ");
    assert_eq!(ok("${z/#abc/XYZ}", &z), "XYZABC123ABCabc");
    assert_eq!(ok("${z//abc/xyz}", &z), "xyzABC123ABCxyz");
    assert_eq!(ok("${z/abc/xyz}", &z), "xyzABC123ABCabc");
    assert_eq!(ok("${z/abc/}", &z), "ABC123ABCabc");
    // prefix/suffix replacement needs both arguments
    assert_eq!(ok("${z/#abc/}", &z), "abcABC123ABCabc");
    assert_eq!(ok("${s/./}", &[("s", "foo.bar")]), "foobar");
    assert_eq!(ok(r"${s/\//-}", &[("s", "foo/bar")]), "foo-bar");
    assert_eq!(ok(r"${s//\//-}", &[("s", "foo/bar/baz")]), "foo-bar-baz");
}

#[test]
fn trims() {
    let f = [("f", "bash.string.txt")];
    assert_eq!(ok("${f#*.}", &f), "string.txt");
    assert_eq!(ok("${f##*.}", &f), "txt");
    assert_eq!(ok("${f%.*}", &f), "bash.string");
    assert_eq!(ok("${f%%.*}", &f), "bash");
    assert_eq!(ok("${f#*/}", &[("f", "/path/to/file")]), "path/to/file");
    assert_eq!(ok("${f##*/}", &[("f", "/path/to/file")]), "file");
    assert_eq!(ok("${f#[a-c]}", &f), "ash.string.txt");
    // a malformed pattern leaves the value alone
    assert_eq!(ok("${f#[}", &f), "bash.string.txt");
}

#[test]
fn substrings() {
    let s = [("s", "123456789123456789")];
    assert_eq!(ok("${s:0:8}", &s), "12345678");
    assert_eq!(ok("${s:9}", &s), "123456789");
    assert_eq!(ok("${s:9:50}", &s), "123456789");
    assert_eq!(ok("${s:40}", &s), "");
    assert_eq!(ok("${s:x}", &s), "123456789123456789");
    // `:-` is the default operator, not a negative offset
    assert_eq!(ok("${s:-3}", &s), "123456789123456789");
    assert_eq!(ok("${e:-3}", &[]), "3");
    assert!(matches!(
        run("${s:5:-3}", &s, false),
        Err(SubstError::SubstringOutOfRange { .. })
    ));
}

#[test]
fn defaults() {
    assert_eq!(ok("${v=xyz}", &[("v", "abc")]), "abc");
    assert_eq!(ok("${v=xyz}", &[]), "xyz");
    assert_eq!(ok("${v:=xyz}", &[]), "xyz");
    assert_eq!(ok("${v:-xyz}", &[("v", "")]), "xyz");
    // `:+` and `:?` parse but act like `:-`
    assert_eq!(ok("${v:+alt}", &[("v", "set")]), "set");
    assert_eq!(ok("${v:+alt}", &[]), "alt");
    assert_eq!(ok("${v:?msg}", &[]), "msg");
    assert_eq!(ok("${v:=}", &[]), "");
}

#[test]
fn nested_defaults() {
    let d = [("d", "foo1")];
    assert_eq!(ok("something ${v=${d}}", &d), "something foo1");
    assert_eq!(ok("foo: ${v=${d}-suffix}", &d), "foo: foo1-suffix");
    assert_eq!(
        ok("foo: ${v=prefix${d}-suffix}", &d),
        "foo: prefixfoo1-suffix"
    );
    assert_eq!(ok("${v=${w^^}}", &[("w", "ab")]), "AB");
}

#[test]
fn escapes_and_dollars() {
    let v = [("v", "abc")];
    assert_eq!(ok("$${v}", &v), "${v}");
    assert_eq!(
        ok("some text ${v}$${v$${v}$v${v}", &v),
        "some text abc${v${v}$vabc"
    );
    assert_eq!(ok("x $${v=${v}}", &v), "x ${v=abc}");
    assert_eq!(ok("$v $ a$ $$ $", &v), "$v $ a$ $ $");
    assert_eq!(ok(r"\\x ${v}", &v), r"\\x abc");
}

#[test]
fn parse_errors() {
    let e = |s: &str| run(s, &[("v", "x")], false).unwrap_err();
    assert_eq!(e("${v"), SubstError::Parse(ParseError::MissingClosingBrace));
    assert_eq!(
        e("${v-d}"),
        SubstError::Parse(ParseError::MissingClosingBrace)
    );
    assert_eq!(
        e("${v+d}"),
        SubstError::Parse(ParseError::MissingClosingBrace)
    );
    assert_eq!(e("${}"), SubstError::Parse(ParseError::VariableName));
    assert_eq!(e("${ v}"), SubstError::Parse(ParseError::VariableName));
    assert_eq!(e("${v:}"), SubstError::Parse(ParseError::FuncSubstitution));
    assert_eq!(e("${#}"), SubstError::Parse(ParseError::BadSubstitution));
    assert_eq!(e("${v^^^}"), SubstError::Parse(ParseError::BadSubstitution));
    assert_eq!(e("${v#}"), SubstError::Parse(ParseError::FuncSubstitution));
    assert_eq!(e("${v:é}"), SubstError::Parse(ParseError::BadSubstitution));
    assert_eq!(
        e("${v").flux_message(),
        "envsubst error: variable substitution failed: missing closing brace"
    );
}

#[test]
fn strict_mode() {
    assert_eq!(run("${foo}", &[("foo", "")], true).unwrap(), "");
    let err = run("a ${missing} b", &[], true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "variable not set (strict mode): \"missing\""
    );
    assert_eq!(err.variable(), Some("missing"));
    // envsubst v1.5 (Flux 2.8) checks only a bare `${v}`: with an operator,
    // an unset variable is the empty string even in strict mode (v1.7, Flux
    // 2.9, fails on these too).
    for (t, want) in [
        ("${#m}", "0"),
        ("${m^}", ""),
        ("${m^^}", ""),
        ("${m,}", ""),
        ("${m,,}", ""),
        ("${m,^}", ""),
        ("${m:0}", ""),
        ("${m:0:10}", ""),
        ("${m/p/r}", ""),
        ("${m//p/r}", ""),
        ("${m/#p/r}", ""),
        ("${m/%p/r}", ""),
        ("${m#p}", ""),
        ("${m##p}", ""),
        ("${m%p}", ""),
        ("${m%%p}", ""),
        ("${m:+alt}", "alt"),
        ("${m:?msg}", "msg"),
    ] {
        assert_eq!(run(t, &[], true).as_deref(), Ok(want), "{t}");
        assert_eq!(run(t, &[], false).as_deref(), Ok(want), "{t}");
    }
    assert_eq!(run("${m:-f}", &[], true).unwrap(), "f");
    assert_eq!(run("${m:=f}", &[], true).unwrap(), "f");
    assert_eq!(run("${m=f}", &[], true).unwrap(), "f");
    // arguments are evaluated first, even when not needed
    assert_eq!(
        run("${a:=${b}}", &[("a", "x")], true),
        Err(SubstError::VarNotSet { name: "b".into() })
    );
    assert_eq!(run("${missing}", &[], false).unwrap(), "");
}

#[test]
fn unicode_values() {
    let v = [("v", "héllo wörld ✓")];
    assert_eq!(ok("${v}", &v), "héllo wörld ✓");
    assert_eq!(ok("${v^^}", &v), "HÉLLO WÖRLD ✓");
    assert_eq!(ok("${#v}", &v), "17"); // bytes, as Go's len
    assert_eq!(ok("${v^}", &[("v", "élan")]), "Élan");
    assert_eq!(ok("ünï ${v} ✓", &[("v", "x")]), "ünï x ✓");
}

fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn doc(src: &str) -> Value {
    krust_yaml::load_documents(src).unwrap().remove(0)
}

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: ${n}
  template:
    metadata:
      labels:
        quoted: \"${n}\"
";

#[test]
fn resource_retyping() {
    let out = substitute_resource(
        &doc(DEPLOY),
        &vars(&[("n", "3")]),
        SubstituteOptions::default(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(out.get_path(&["spec", "replicas"]), Some(&Value::Int(3)));
    // Flux substitutes in the re-emitted YAML, where `"${n}"` from the source
    // is written plain (`${n}` needs no quotes), so it becomes a number too.
    assert_eq!(
        out.get_path(&["spec", "template", "metadata", "labels", "quoted"]),
        Some(&Value::Int(3))
    );
    // A string that the emitter must quote stays quoted, so stays a string.
    let obj = doc("kind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"${n}: x\"\n  b: v${n}\n");
    let out = substitute_resource(&obj, &vars(&[("n", "3")]), SubstituteOptions::default())
        .unwrap()
        .unwrap();
    assert_eq!(
        out.get_path(&["data", "a"]),
        Some(&Value::String("3: x".into()))
    );
    assert_eq!(
        out.get_path(&["data", "b"]),
        Some(&Value::String("v3".into()))
    );
}

#[test]
fn resource_newlines_stripped_from_values() {
    let obj = doc("kind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: ${v}\n");
    let out = substitute_resource(
        &obj,
        &vars(&[("v", "a\nb\n")]),
        SubstituteOptions::default(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        out.get_path(&["data", "k"]),
        Some(&Value::String("ab".into()))
    );
}

#[test]
fn resource_disabled() {
    for field in ["labels", "annotations"] {
        let src = format!(
            "kind: ConfigMap\nmetadata:\n  name: c\n  {field}:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\ndata:\n  k: ${{v}}\n"
        );
        let r = substitute_resource(
            &doc(&src),
            &vars(&[("v", "x")]),
            SubstituteOptions::default(),
        );
        assert_eq!(r, Ok(None), "{field}");
    }
}

#[test]
fn resource_no_vars_untouched_unless_always() {
    let obj = doc("kind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: ${v:=d}\n  m: ${missing}\n");
    let strict = SubstituteOptions {
        strict: true,
        always: false,
    };
    assert_eq!(
        substitute_resource(&obj, &BTreeMap::new(), strict),
        Ok(None)
    );
    let always = SubstituteOptions {
        strict: false,
        always: true,
    };
    let out = substitute_resource(&obj, &BTreeMap::new(), always)
        .unwrap()
        .unwrap();
    assert_eq!(
        out.get_path(&["data", "k"]),
        Some(&Value::String("d".into()))
    );
    let both = SubstituteOptions {
        strict: true,
        always: true,
    };
    assert_eq!(
        substitute_resource(&obj, &BTreeMap::new(), both),
        Err(SubstError::VarNotSet {
            name: "missing".into()
        })
    );
}

#[test]
fn resource_invalid_var_names() {
    let obj = doc("kind: ConfigMap\nmetadata:\n  name: c\n");
    for bad in ["1abc", "a-b", "a.b", "", "é"] {
        let err = substitute_resource(&obj, &vars(&[(bad, "x")]), SubstituteOptions::default())
            .unwrap_err();
        assert_eq!(err, SubstError::InvalidVarName { name: bad.into() });
        assert_eq!(
            err.flux_message(),
            format!(
                "envsubst error: '{bad}' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'"
            )
        );
    }
    for good in ["_", "a1", "A_b_9", "_9"] {
        assert!(
            substitute_resource(&obj, &vars(&[(good, "x")]), SubstituteOptions::default()).is_ok()
        );
    }
}

proptest! {
    #[test]
    fn text_without_dollar_is_unchanged(s in "[^$\\x00]*") {
        prop_assert_eq!(run(&s, &[], true).unwrap(), s);
    }

    #[test]
    fn never_panics(s in "(\\$|\\{|\\}|[a-z]|:|-|=|#|%|/|\\\\|\\^|,|\\[|\\]|\\*|\\?|é| |[0-9])*") {
        let _ = run(&s, &[("a", "héllo"), ("b", ""), ("z", "x/y.z")], true);
        let _ = run(&s, &[("a", "héllo")], false);
    }

    #[test]
    fn never_panics_any_string(s in any::<String>()) {
        let _ = run(&s, &[("a", "v")], false);
    }
}
