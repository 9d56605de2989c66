//! The properties krust's fuzz targets check, one function per target.
//!
//! The libFuzzer harnesses in `fuzz/fuzz_targets/` are one-line wrappers
//! around these functions, and `tests/replay.rs` runs every input committed
//! under `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/` through
//! them under plain `cargo test`, so a crash the fuzzer once found stays
//! fixed without any fuzz tooling. Each check panics when the property
//! fails; an `Err` from the code under test is a fine outcome.
//!
//! Inputs are bytes; they are read as UTF-8 with invalid sequences replaced,
//! so that every input reaches the parser. Targets that need more than one
//! text cut the input at separator lines (see [`parts`]), which keeps the
//! corpus files readable.

#![warn(missing_docs)]

use std::borrow::Cow;
use std::path::Path;

use krust::patches::{merge, JsonPatch, Schema};
use krust::{BuildOptions, MemFs};
use krust_yaml::{load_detailed, load_documents, to_yaml_string, LoadOptions, Value};

/// A check: panics when the property does not hold for the input.
pub type Check = fn(&[u8]);

/// Every fuzz target by name, with its check.
pub const TARGETS: &[(&str, Check)] = &[
    ("yaml_load", yaml_load),
    ("emit_roundtrip", emit_roundtrip),
    ("strategic_merge", strategic_merge),
    ("json6902", json6902),
    ("build_kustomization", build_kustomization),
];

/// The check of the fuzz target `name`.
pub fn check(name: &str) -> Option<Check> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

fn text(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Cuts `text` at lines that are exactly `separator` into at most `max`
/// parts (the last part keeps any further separators).
pub fn parts<'t>(text: &'t str, separator: &str, max: usize) -> Vec<&'t str> {
    let mut out = Vec::new();
    let mut rest = text;
    while out.len() + 1 < max {
        let found = if let Some(after) = rest
            .strip_prefix(separator)
            .and_then(|r| r.strip_prefix('\n'))
        {
            // A separator on the first line: an empty part before it.
            Some((0, rest.len() - after.len()))
        } else {
            let needle = format!("\n{separator}\n");
            rest.find(&needle).map(|i| (i + 1, i + needle.len()))
        };
        let Some((end, next)) = found else { break };
        out.push(&rest[..end]);
        rest = &rest[next..];
    }
    out.push(rest);
    out
}

/// The loader returns `Ok` or `Err` for any input, never panics, and its
/// errors point inside the input.
///
/// Both ways kustomize reads YAML are tried: resources (go-yaml v3,
/// duplicate keys refused) and kustomization files (duplicate keys replace).
pub fn yaml_load(data: &[u8]) {
    let src = text(data);
    // Lines as the loader counts them: `\r\n` is one break, a lone `\r`
    // may be one too.
    let lines = src.matches('\n').count() + src.matches('\r').count() + 1;
    for last_wins in [false, true] {
        let opts = LoadOptions {
            duplicate_keys_last_wins: last_wins,
            ..LoadOptions::default()
        };
        if let Err(e) = load_detailed(&src, opts) {
            assert!(
                e.line >= 1 && e.line <= lines + 1 && e.column >= 1,
                "error position outside the input ({lines} lines): {e}"
            );
        }
    }
}

/// What the emitter prints reads back as the value it printed, and printing
/// that again gives the same bytes.
///
/// Every document the loader reads is printed, unless kustomize could not
/// print it either (the emitter's `Err`: non-finite floats, some control
/// characters, over-long keys). "The value it printed" is the value after
/// kustomize's JSON step, which [`krust_yaml::after_json_step`] models: floats are printed
/// as Go's JSON encoder and go-yaml v2 leave them, so `1.0` reads back as
/// the integer `1`.
///
/// Two cases are left out, because kustomize's own output does not read
/// back either (see [`reads_back_differently`]).
pub fn emit_roundtrip(data: &[u8]) {
    let src = text(data);
    let Ok(docs) = load_documents(&src) else {
        return;
    };
    for doc in &docs {
        roundtrip(doc);
    }
}

/// The round trip of one value (see [`emit_roundtrip`]).
pub fn roundtrip(value: &Value) {
    if reads_back_differently(value) {
        return;
    }
    let Ok(yaml) = to_yaml_string(value) else {
        return;
    };
    let back =
        load_documents(&yaml).unwrap_or_else(|e| panic!("emitted YAML does not load: {e}\n{yaml}"));
    let expected = krust_yaml::after_json_step(value);
    let expected: Vec<Value> = if expected.is_null() {
        Vec::new()
    } else {
        vec![expected]
    };
    assert_eq!(
        back, expected,
        "emitted YAML reads back differently:\n{yaml}"
    );
    for doc in &back {
        let again = to_yaml_string(doc).expect("a value read back prints");
        assert_eq!(again, yaml, "printing the value read back changes the text");
    }
}

/// Whether the text kustomize prints for `value` reads back as another
/// value, which happens in two ways:
///
/// * a string or key holds U+0085 (NEL), U+2028 or U+2029: go-yaml v2,
///   which prints kustomize's output, treats those as line breaks (YAML
///   1.1) and prints them raw inside scalars, while a YAML 1.2 reader
///   (go-yaml v3, and this loader) reads them as ordinary characters;
/// * a map has the key `<<` (it survives reading, for instance when two
///   keys are written `!t <<`): go-yaml v2 never asks its resolver about
///   `<<`, so it prints the key plain, and reading that back makes it a
///   merge key. `kubectl kustomize` prints such a resource that way too.
pub fn reads_back_differently(value: &Value) -> bool {
    let breaks = |s: &str| s.contains(['\u{85}', '\u{2028}', '\u{2029}']);
    match value {
        Value::String(s) => breaks(s),
        Value::Seq(items) => items.iter().any(reads_back_differently),
        Value::Map(map) => map
            .iter()
            .any(|(k, v)| k == "<<" || breaks(k) || reads_back_differently(v)),
        _ => false,
    }
}

/// Strategic merge never panics, and what it leaves prints (or fails to
/// print) without panicking.
///
/// The input is a target document, a line `---`, then the patch: each
/// document of it is merged in turn, with the built-in Kubernetes schema and
/// with none.
pub fn strategic_merge(data: &[u8]) {
    let src = text(data);
    let [target, patch] = parts(&src, "---", 2)[..] else {
        return;
    };
    let Some(target) = first_document(target) else {
        return;
    };
    let Ok(patches) = load_documents(patch) else {
        return;
    };
    for schema in [Some(Schema::builtin()), None] {
        let mut merged = target.clone();
        for patch in &patches {
            if merge(&mut merged, patch, schema).is_err() {
                break;
            }
        }
        let _ = to_yaml_string(&merged);
    }
}

/// JSON 6902 patches decode and apply without panicking.
///
/// The input is a target document, a line `---`, then the patch text (a
/// JSON or YAML list of operations).
pub fn json6902(data: &[u8]) {
    let src = text(data);
    let [target, patch] = parts(&src, "---", 2)[..] else {
        return;
    };
    let Some(mut target) = first_document(target) else {
        return;
    };
    let Ok(patch) = JsonPatch::parse(patch) else {
        return;
    };
    if patch
        .apply(&mut target, krust::KustomizeVersion::LATEST)
        .is_ok()
    {
        let _ = to_yaml_string(&target);
    }
}

/// Files of the `build_kustomization` target, in the order the input gives them.
pub const BUILD_FILES: &[&str] = &[
    "/app/kustomization.yaml",
    "/app/resource.yaml",
    "/app/patch.yaml",
    "/app/base/kustomization.yaml",
    "/app/base/resource.yaml",
];

/// A whole build of a kustomization in memory never panics.
///
/// The input is up to five files separated by lines `===`, named in turn
/// by [`BUILD_FILES`]; `/app` is built and its output printed.
pub fn build_kustomization(data: &[u8]) {
    let src = text(data);
    let mut fs = MemFs::new();
    for (name, content) in BUILD_FILES
        .iter()
        .zip(parts(&src, "===", BUILD_FILES.len()))
    {
        fs.add_file(name, content);
    }
    if let Ok(resources) = krust::build(&fs, Path::new("/app"), &BuildOptions::default()) {
        let _ = resources.to_yaml();
    }
}

fn first_document(src: &str) -> Option<Value> {
    load_documents(src).ok()?.into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::parts;

    #[test]
    fn parts_cut_at_whole_separator_lines() {
        assert_eq!(parts("a\n---\nb\n", "---", 2), ["a\n", "b\n"]);
        assert_eq!(parts("---\nb", "---", 2), ["", "b"]);
        assert_eq!(parts("a\n--- x\nb", "---", 2), ["a\n--- x\nb"]);
        assert_eq!(parts("a\n---\nb\n---\nc", "---", 2), ["a\n", "b\n---\nc"]);
        assert_eq!(parts("a\n===\n===\nc", "===", 5), ["a\n", "", "c"]);
        assert_eq!(parts("", "===", 3), [""]);
    }
}
