//! The loader must return `Ok` or `Err` for any input, never panic or hang.

use krust_yaml::{load_documents, load_documents_with, LoadOptions};
use proptest::prelude::*;

/// Fragments that exercise YAML's indicators, tags, anchors and scalars.
const PIECES: &[&str] = &[
    ":\t",
    "-\t",
    "\n\t",
    "\\'",
    "\\/",
    "\"a\n b\"",
    "'a\nb'",
    "[a,\nb]",
    "{\n\ta: 1}",
    "&a.b ",
    "\n: x",
    "a",
    "b",
    "<<",
    "~",
    "1",
    "0x1F",
    "0o7",
    "08",
    "1e3",
    ".inf",
    "2021-01-01",
    "2001-12-14 21:59:43.10",
    "true",
    "yes",
    ":",
    ": ",
    "- ",
    "-",
    "? ",
    "?",
    ",",
    "[",
    "]",
    "{",
    "}",
    "&x ",
    "&y ",
    "*x",
    "*y",
    "!!str ",
    "!!int ",
    "!!binary ",
    "!foo ",
    "! ",
    "!!merge ",
    "'",
    "\"",
    "\\",
    "|",
    ">",
    "|-",
    ">+",
    "|2",
    "#",
    "# c",
    "\n",
    "\n  ",
    "\n- ",
    "\n---\n",
    "\n--- x\n",
    "\n...\n",
    "---",
    "...",
    "%YAML 1.2\n",
    "%TAG ! x:\n",
    "\t",
    " ",
    "  ",
    "\r\n",
    "\u{feff}",
    "é",
    "aGVsbG8=",
    "@",
    "`",
    "%",
];

fn yamlish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(src in any::<String>()) {
        let _ = load_documents(&src);
    }

    #[test]
    fn yaml_like_text_never_panics(src in yamlish()) {
        let _ = load_documents(&src);
    }

    #[test]
    fn tight_limits_never_panic(src in yamlish(), depth in 0usize..4, aliases in 0usize..8) {
        let opts = LoadOptions { max_depth: depth, max_alias_nodes: aliases, ..LoadOptions::default() };
        let _ = load_documents_with(&src, opts);
    }

    #[test]
    fn errors_point_inside_the_input(src in yamlish()) {
        if let Err(e) = load_documents(&src) {
            let lines = src.split('\n').count().max(1);
            prop_assert!(e.line >= 1 && e.line <= lines + 1, "{e} for {src:?}");
            prop_assert!(e.column >= 1);
        }
    }
}
