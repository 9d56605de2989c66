//! Replacements: a source field (a name, an image, a data value, a port)
//! copied into one or more targets, with `options` (delimiter, index,
//! create), `reject:`, inline or from a file listed as `- path:`.

use std::collections::BTreeMap;

use super::ctx::Ctx;
use super::Made;
use crate::rng::Rng;

/// A `replacements:` field of one or two replacements, or nothing when the
/// tree has no objects.
pub fn field(rng: &mut Rng, ctx: &mut Ctx, files: &mut BTreeMap<String, String>) -> String {
    if ctx.made.is_empty() {
        return String::new();
    }
    let mut body = String::new();
    for _ in 0..rng.range(1, 2) {
        body.push_str(&replacement(rng, ctx));
    }
    if rng.chance(30) {
        files.insert(format!("{}/replacements.yaml", ctx.dir), body);
        return "replacements:\n- path: replacements.yaml\n".to_owned();
    }
    format!("replacements:\n{body}")
}

fn replacement(rng: &mut Rng, ctx: &mut Ctx) -> String {
    let source = rng.pick(&ctx.made).clone();
    ctx.pinned.push(source.name.clone());
    let (path, delimited) = source_path(rng, &source);
    let mut out = format!(
        "- source:\n    kind: {}\n    name: {}\n    fieldPath: {path}\n",
        source.kind, source.name
    );
    if delimited && rng.chance(50) {
        out.push_str("    options:\n      delimiter: ':'\n      index: 0\n");
    }
    out.push_str("  targets:\n");
    for _ in 0..rng.range(1, 2) {
        let target = rng.pick(&ctx.made).clone();
        out.push_str(&target_entry(rng, ctx, &target));
    }
    out
}

/// A field the source's kind always has; `true` when it holds `:`.
fn source_path(rng: &mut Rng, m: &Made) -> (&'static str, bool) {
    if rng.chance(45) {
        return ("metadata.name", false);
    }
    match m.kind {
        _ if m.workload => ("spec.template.spec.containers.[name=main].image", true),
        "Service" => ("spec.ports.0.port", false),
        "ConfigMap" => ("data.mode", false),
        "Ingress" => ("spec.rules.0.host", false),
        "Widget" => ("spec.items.[name=first].name", false),
        _ => ("metadata.labels.app", false),
    }
}

/// One target: selected by kind (and often name), with paths it has or
/// `create: true`, sometimes rejecting one object.
fn target_entry(rng: &mut Rng, ctx: &Ctx, m: &Made) -> String {
    let by_name = rng.chance(60);
    let mut out = format!("  - select:\n      kind: {}\n", m.kind);
    let mut reject = String::new();
    if by_name {
        out.push_str(&format!("      name: {}\n", m.name));
    } else if rng.chance(30) {
        if let Some(other) = ctx.of_kind(m.kind).iter().find(|o| o.name != m.name) {
            reject.push_str(&format!("    - name: {}\n", other.name));
        }
    }
    if rng.chance(15) {
        reject.push_str("    - kind: Namespace\n");
    }
    if !reject.is_empty() {
        out.push_str(&format!("    reject:\n{reject}"));
    }
    out.push_str("    fieldPaths:\n");
    let (path, options) = if by_name {
        target_path(rng, m)
    } else {
        // Every object of the kind: generated ones lack the templates' fields.
        (
            "metadata.annotations.copied",
            Some("    options:\n      create: true\n".to_owned()),
        )
    };
    out.push_str(&format!("    - {path}\n"));
    if rng.chance(20) {
        out.push_str("    - metadata.annotations.also\n");
        return out + "    options:\n      create: true\n";
    }
    if let Some(options) = options {
        out.push_str(&options);
    }
    out
}

/// A path of the target's kind and its options.
fn target_path(rng: &mut Rng, m: &Made) -> (&'static str, Option<String>) {
    match rng.below(5) {
        0 => ("metadata.labels.app", None),
        1 => (
            "metadata.annotations.copied",
            Some("    options:\n      create: true\n".to_owned()),
        ),
        _ => match m.kind {
            _ if m.workload => (
                "spec.template.spec.containers.[name=main].image",
                Some(format!(
                    "    options:\n      delimiter: ':'\n      index: {}\n",
                    rng.pick(&["0", "1", "2"])
                )),
            ),
            "Service" => ("spec.selector.app", None),
            "Ingress" => (
                "spec.rules.0.host",
                Some("    options:\n      delimiter: '.'\n      index: 0\n".to_owned()),
            ),
            "ConfigMap" => (
                "data.mode",
                Some("    options:\n      create: true\n".to_owned()),
            ),
            "Widget" => ("spec.items.[name=second].value", None),
            _ => ("metadata.labels.app", None),
        },
    }
}
