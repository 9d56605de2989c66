//! Patches of the generated objects: `patches:` (strategic merge, JSON
//! 6902, inline or in files, with or without a target) and the legacy
//! `patchesStrategicMerge:` / `patchesJson6902:` fields. Objects a patch
//! deletes leave the context, so later patches and layers mostly hit.

use std::collections::BTreeMap;

use super::ctx::Ctx;
use super::{directives, Made};
use crate::rng::Rng;
use crate::scalars;

/// The `patches:` field (often absent) and now and then a legacy field.
pub fn fields(rng: &mut Rng, ctx: &mut Ctx, files: &mut BTreeMap<String, String>) -> String {
    let mut out = String::new();
    if !ctx.made.is_empty() && rng.chance(45) {
        out.push_str(&patches(rng, ctx, files));
    }
    if !ctx.made.is_empty() && rng.chance(6) {
        out.push_str(&legacy_strategic(rng, ctx, files));
    }
    if !ctx.made.is_empty() && rng.chance(5) {
        out.push_str(&legacy_json6902(rng, ctx, files));
    }
    out
}

fn patches(rng: &mut Rng, ctx: &mut Ctx, files: &mut BTreeMap<String, String>) -> String {
    let mut out = "patches:\n".to_owned();
    for i in 0..rng.range(1, 3) {
        if ctx.made.is_empty() {
            break;
        }
        let m = rng.pick(&ctx.made).clone();
        let (text, target) = if rng.chance(55) {
            (strategic(rng, ctx, &m), rng.chance(30))
        } else {
            (json6902(rng, &m), true)
        };
        if rng.chance(50) {
            let file = format!("patch{i}.yaml");
            files.insert(format!("{}/{file}", ctx.dir), text);
            out.push_str(&format!("- path: {file}\n"));
        } else {
            out.push_str("- patch: |-\n");
            for line in text.lines() {
                out.push_str(&format!("    {line}\n"));
            }
        }
        if target {
            out.push_str(&format!("  target:\n    kind: {}\n", m.kind));
            if rng.chance(60) {
                out.push_str(&format!("    name: {}\n", m.name));
            }
        }
    }
    out
}

/// `patchesStrategicMerge:`: files, or now and then an inline patch.
fn legacy_strategic(rng: &mut Rng, ctx: &mut Ctx, files: &mut BTreeMap<String, String>) -> String {
    let m = rng.pick(&ctx.made).clone();
    let text = strategic(rng, ctx, &m);
    if rng.chance(25) {
        let inline: String = text.lines().map(|l| format!("    {l}\n")).collect();
        return format!("patchesStrategicMerge:\n- |-\n{inline}");
    }
    files.insert(format!("{}/smp.yaml", ctx.dir), text);
    "patchesStrategicMerge:\n- smp.yaml\n".to_owned()
}

/// `patchesJson6902:` with a group/version/kind/name target.
fn legacy_json6902(rng: &mut Rng, ctx: &mut Ctx, files: &mut BTreeMap<String, String>) -> String {
    let m = rng.pick(&ctx.made).clone();
    files.insert(format!("{}/json6902.yaml", ctx.dir), json6902(rng, &m));
    let (group, version) = match m.api_version.split_once('/') {
        Some((g, v)) => (format!("    group: {g}\n"), v),
        None => (String::new(), m.api_version),
    };
    format!(
        "patchesJson6902:\n- target:\n{group}    version: {version}\n    kind: {}\n    name: {}\n  path: json6902.yaml\n",
        m.kind, m.name
    )
}

/// A strategic-merge patch of `m`: labels, annotations, a field, a list
/// item, a directive, or its deletion.
fn strategic(rng: &mut Rng, ctx: &mut Ctx, m: &Made) -> String {
    let mut out = format!(
        "apiVersion: {}\nkind: {}\nmetadata:\n  name: {}\n",
        m.api_version, m.kind, m.name
    );
    match rng.below(9) {
        0 => {
            out.push_str("  labels:\n");
            out.push_str(&scalars::entries(rng, 4, 1, &[]));
        }
        1 => {
            out.push_str("  annotations:\n");
            let v = rng.pick(&["null", "~", "", "\"x\"", "keep"]);
            out.push_str(&format!("    {}: {v}\n", scalars::key(rng)));
        }
        2 if m.workload => out.push_str(&format!(
            "spec:\n  template:\n    spec:\n      containers:\n      - name: {}\n        image: patched:1\n",
            rng.pick(&["main", "sidecar"])
        )),
        3 if m.kind == "Deployment" => {
            out.push_str(&format!("spec:\n  replicas: {}\n", rng.below(6)));
        }
        4 if ctx.deletable(m) && rng.chance(50) => {
            out.push_str("$patch: delete\n");
            ctx.made.retain(|x| x.name != m.name);
        }
        5..=7 => out.push_str(&directives::body(rng, m)),
        _ if m.kind == "ConfigMap" => {
            out.push_str("data:\n");
            out.push_str(&scalars::entry(rng, 2, "patched", true));
        }
        _ => {
            out.push_str("  annotations:\n");
            out.push_str(&scalars::entry(rng, 4, "patched", true));
        }
    }
    out
}

/// A JSON 6902 patch of `m`: every operation, list indices and `-`,
/// escaped paths; rarely one kustomize rejects (a failed test, a missing
/// path).
fn json6902(rng: &mut Rng, m: &Made) -> String {
    let mut ops = Vec::new();
    for _ in 0..rng.range(1, 3) {
        let op = match rng.below(12) {
            0 => format!(
                "- op: add\n  path: /metadata/annotations\n  value:\n    {}: {}\n",
                rng.pick(&["note", "example.com/owner"]),
                scalars::string_value(rng)
            ),
            1 => format!("- op: add\n  path: /metadata/labels/{}\n  value: {}\n", rng.pick(&["extra", "example.com~1team", "a~0b"]), scalars::string_value(rng)),
            2 => format!("- op: replace\n  path: /metadata/labels/app\n  value: {}\n", scalars::string_value(rng)),
            3 => "- op: add\n  path: /metadata/labels/tmp\n  value: moved\n- op: move\n  from: /metadata/labels/tmp\n  path: /metadata/labels/moved\n".to_owned(),
            4 => "- op: copy\n  from: /metadata/name\n  path: /metadata/labels/copied\n".to_owned(),
            5 => format!("- op: test\n  path: /kind\n  value: {}\n", m.kind),
            6 => format!("- op: test\n  path: /apiVersion\n  value: {}\n", m.api_version),
            7 if rng.chance(15) => rare_failure(rng),
            8 if m.has("\nspec:") => format!("- op: add\n  path: /spec/extra\n  value: {}\n", scalars::string_value(rng)),
            _ => list_op(rng, m),
        };
        ops.push(op);
    }
    ops.concat()
}

/// Operations kustomize refuses: a test that does not match, a remove of
/// a missing path, an add below a missing parent.
fn rare_failure(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => "- op: test\n  path: /apiVersion\n  value: v0\n".to_owned(),
        1 => "- op: remove\n  path: /metadata/missing\n".to_owned(),
        _ => "- op: add\n  path: /missing/parent/child\n  value: x\n".to_owned(),
    }
}

/// An operation on a list of `m`: by index, at `-`, or inserting.
fn list_op(rng: &mut Rng, m: &Made) -> String {
    let c = "/spec/template/spec/containers";
    match m.kind {
        _ if m.workload => match rng.below(5) {
            0 => format!(
                "- op: replace\n  path: {c}/0/image\n  value: {}\n",
                rng.pick(&["nginx:1.27", "busybox"])
            ),
            1 => {
                format!("- op: add\n  path: {c}/-\n  value:\n    name: added\n    image: busybox\n")
            }
            2 if m.has("- name: sidecar") => format!("- op: remove\n  path: {c}/1\n"),
            3 if m.has("  env:\n") => format!(
                "- op: add\n  path: {c}/0/env/0\n  value:\n    name: FIRST\n    value: \"1\"\n"
            ),
            _ => format!("- op: add\n  path: {c}/0/args\n  value: [--flag, \"$(APP_MODE)\"]\n"),
        },
        "Service" => match rng.below(2) {
            0 => "- op: replace\n  path: /spec/ports/0/port\n  value: 8081\n".to_owned(),
            _ => "- op: add\n  path: /spec/ports/-\n  value:\n    name: extra\n    port: 9000\n"
                .to_owned(),
        },
        "Widget" => match rng.below(2) {
            0 => "- op: add\n  path: /spec/items/1\n  value:\n    name: inserted\n".to_owned(),
            _ => "- op: remove\n  path: /spec/items/0\n".to_owned(),
        },
        "ConfigMap" => format!(
            "- op: add\n  path: /data/{}\n  value: {}\n",
            rng.pick(&["a~1b", "a~0b", "plain"]),
            scalars::string_value(rng)
        ),
        _ => "- op: add\n  path: /metadata/labels/example.com~1listed\n  value: \"0\"\n".to_owned(),
    }
}
