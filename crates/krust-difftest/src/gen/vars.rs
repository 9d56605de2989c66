//! Legacy `vars:`: `$(NAME)` references in the fields kustomize's default
//! varReference table covers (container command, args, env values, ingress
//! hosts), and declarations whose objref names a generated object and whose
//! fieldref reads its name or a field of its data or spec.

use super::ctx::Ctx;
use super::Made;
use crate::rng::Rng;

/// The var names resources refer to and kustomizations declare.
pub const NAMES: &[&str] = &["SERVICE_HOST", "APP_MODE", "DB_NAME", "APP_IMAGE"];

/// A `$(NAME)` reference; now and then one that no kustomization declares,
/// which kustomize leaves as written.
pub fn reference(rng: &mut Rng) -> String {
    if rng.chance(8) {
        "$(UNDECLARED)".to_owned()
    } else {
        format!("$({})", rng.pick(NAMES))
    }
}

/// A container's `command:` and `args:` (at the container's field indent),
/// some with references, most of the time none at all.
pub fn command_and_args(rng: &mut Rng, indent: usize) -> String {
    let p = " ".repeat(indent);
    let mut out = String::new();
    if rng.chance(12) {
        out.push_str(&format!(
            "{p}command:\n{p}- /bin/app\n{p}- --db=$(DB_NAME)\n"
        ));
    }
    if rng.chance(20) {
        out.push_str(&format!("{p}args:\n{p}- --verbose\n"));
        for _ in 0..rng.range(0, 2) {
            let arg = match rng.below(4) {
                0 => format!("--host={}", reference(rng)),
                1 => reference(rng),
                2 => "--port=8080".to_owned(),
                _ => format!("{}:{}", reference(rng), reference(rng)),
            };
            out.push_str(&format!("{p}- {arg}\n"));
        }
        if rng.chance(20) {
            out.push_str(&format!("{p}- $$(ESCAPED)\n"));
        }
    }
    out
}

/// An env item (at the container's field indent) whose value refers to a var.
pub fn env_entry(rng: &mut Rng, indent: usize) -> String {
    let p = " ".repeat(indent);
    let value = match rng.below(3) {
        0 => reference(rng),
        1 => format!("\"http://{}:8080/\"", reference(rng)),
        _ => format!("\"{}-{}\"", reference(rng), reference(rng)),
    };
    format!("{p}- name: FROM_VAR\n{p}  value: {value}\n")
}

/// A `vars:` field of one or two declarations of names not yet declared,
/// each on a live object or a generated ConfigMap; empty when none fits.
pub fn declarations(rng: &mut Rng, ctx: &mut Ctx) -> String {
    let mut out = String::new();
    for _ in 0..rng.range(1, 2) {
        let free: Vec<&'static str> = NAMES
            .iter()
            .copied()
            .filter(|n| !ctx.vars.contains(n))
            .collect();
        if free.is_empty() {
            break;
        }
        let name = *rng.pick(&free);
        let Some(decl) = declaration(rng, ctx, name) else {
            break;
        };
        ctx.vars.push(name);
        out.push_str(&decl);
    }
    if out.is_empty() {
        out
    } else {
        format!("vars:\n{out}")
    }
}

fn declaration(rng: &mut Rng, ctx: &mut Ctx, name: &str) -> Option<String> {
    let generated = ctx
        .generated
        .iter()
        .find(|g| g.0 == "ConfigMap")
        .copied()
        .filter(|_| rng.chance(30));
    let (api, kind, object, fieldpath) = if let Some((kind, object, key)) = generated {
        ("v1", kind, object.to_owned(), Some(format!("data.{key}")))
    } else {
        if ctx.made.is_empty() {
            return None;
        }
        let m = rng.pick(&ctx.made).clone();
        let path = fieldpath(rng, &m);
        ctx.pinned.push(m.name.clone());
        (m.api_version, m.kind, m.name, path)
    };
    let mut out = format!("- name: {name}\n  objref:\n    kind: {kind}\n    name: {object}\n");
    // Without apiVersion kustomize matches nothing: users learn to write it.
    if rng.chance(97) {
        out.push_str(&format!("    apiVersion: {api}\n"));
    }
    if let Some(path) = fieldpath {
        out.push_str(&format!("  fieldref:\n    fieldpath: {path}\n"));
    }
    Some(out)
}

/// Where the var's text is read: the name (by default, or spelled out),
/// or a string field the object's kind always has.
fn fieldpath(rng: &mut Rng, m: &Made) -> Option<String> {
    if rng.chance(50) {
        return rng.chance(50).then(|| "metadata.name".to_owned());
    }
    let path = match m.kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "Job" => {
            "spec.template.spec.containers[0].image"
        }
        "Service" => "spec.ports[0].name",
        "ConfigMap" => "data.mode",
        "Ingress" => "spec.rules[0].host",
        "Widget" => "spec.items[0].name",
        _ => "metadata.name",
    };
    Some(path.to_owned())
}
