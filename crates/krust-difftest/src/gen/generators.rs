//! ConfigMap and Secret generators: literals, env files, files (renamed with
//! `key=path`), per-generator options, kustomization-wide
//! `generatorOptions`, and in overlays `behavior: merge|replace` against
//! what a base generated (create only for names new to the tree).

use std::collections::BTreeMap;

use super::ctx::Ctx;
use crate::rng::Rng;

/// Literal values as users write them after `key=`: plain, numbers, URLs,
/// `=` inside, empty.
const LITERALS: &[&str] = &[
    "debug",
    "8080",
    "true",
    "a b c",
    "postgres://db:5432/app",
    "x=y",
    "",
    "0644",
    "yes",
    "1.50",
    "'single quoted'",
    "\"double quoted\"",
    "é",
];

/// (kind field, kind, name, a key every generator of it has).
const GENERATORS: &[(&str, &str, &str, &str)] = &[
    ("configMapGenerator", "ConfigMap", "settings", "key0"),
    ("configMapGenerator", "ConfigMap", "app-config", "key0"),
    ("secretGenerator", "Secret", "credentials", "password"),
];

/// The generator fields of a kustomization; records what it generates.
pub fn fields(rng: &mut Rng, ctx: &mut Ctx, files: &mut BTreeMap<String, String>) -> String {
    let mut by_field: BTreeMap<&str, String> = BTreeMap::new();
    for &(field, kind, name, key) in GENERATORS {
        let below = ctx.has_generated(kind, name);
        let behavior = if below && rng.chance(25) {
            Some(if rng.chance(70) { "merge" } else { "replace" })
        } else if !below && rng.chance(if kind == "Secret" { 10 } else { 22 }) {
            (ctx.overlay && rng.chance(20)).then_some("create")
        } else {
            continue;
        };
        let text = generator(rng, ctx, files, kind, name, behavior);
        by_field.entry(field).or_default().push_str(&text);
        if !below {
            ctx.generated.push((kind, name, key));
        }
    }
    let mut out = String::new();
    for (field, list) in by_field {
        out.push_str(&format!("{field}:\n{list}"));
    }
    if rng.chance(8) {
        out.push_str(&generator_options(rng));
    }
    out
}

fn generator(
    rng: &mut Rng,
    ctx: &Ctx,
    files: &mut BTreeMap<String, String>,
    kind: &str,
    name: &str,
    behavior: Option<&str>,
) -> String {
    let mut out = format!("- name: {name}\n");
    if let Some(b) = behavior {
        out.push_str(&format!("  behavior: {b}\n"));
    }
    let secret = kind == "Secret";
    if secret && behavior.is_none() && rng.chance(40) {
        out.push_str(&format!(
            "  type: {}\n",
            rng.pick(&["Opaque", "kubernetes.io/basic-auth"])
        ));
    }
    out.push_str("  literals:\n");
    if secret {
        out.push_str("  - password=s3cr3t\n");
    } else {
        out.push_str(&literal(rng, "key0"));
    }
    for i in 1..rng.range(1, 3) {
        out.push_str(&literal(rng, &format!("key{i}")));
    }
    let dir = &ctx.dir;
    if rng.chance(25) {
        files.insert(format!("{dir}/{name}.env"), ENV.into());
        out.push_str(&format!("  envs:\n  - {name}.env\n"));
    }
    if rng.chance(25) {
        files.insert(
            format!("{dir}/app.properties"),
            "a=1\nb = two\n# comment\n".into(),
        );
        files.insert(format!("{dir}/config.json"), "{\"debug\": true}\n".into());
        out.push_str("  files:\n");
        match rng.below(3) {
            0 => out.push_str("  - app.properties\n"),
            1 => out.push_str("  - settings.json=config.json\n"),
            _ => out.push_str("  - app.properties\n  - renamed.json=config.json\n"),
        }
    }
    if rng.chance(15) {
        out.push_str(&options(rng, "  "));
    }
    out
}

/// `- key=value`, quoted when YAML would read it as something else.
fn literal(rng: &mut Rng, key: &str) -> String {
    let v = rng.pick(LITERALS);
    if rng.chance(20) || v.starts_with('\'') || v.starts_with('"') {
        let escaped = v.replace('\\', "\\\\").replace('"', "\\\"");
        format!("  - \"{key}={escaped}\"\n")
    } else {
        format!("  - {key}={v}\n")
    }
}

/// A generator's `options:` (or the body of `generatorOptions:`).
fn options(rng: &mut Rng, pad: &str) -> String {
    let mut out = format!("{pad}options:\n");
    let mut any = false;
    if rng.chance(50) {
        out.push_str(&format!("{pad}  disableNameSuffixHash: true\n"));
        any = true;
    }
    if rng.chance(40) {
        out.push_str(&format!("{pad}  labels:\n{pad}    generated: \"yes\"\n"));
        any = true;
    }
    if rng.chance(30) {
        out.push_str(&format!(
            "{pad}  annotations:\n{pad}    note: from generator\n"
        ));
        any = true;
    }
    if rng.chance(20) || !any {
        out.push_str(&format!("{pad}  immutable: true\n"));
    }
    out
}

fn generator_options(rng: &mut Rng) -> String {
    options(rng, "").replacen("options:", "generatorOptions:", 1)
}

const ENV: &str = "MODE=debug\nEMPTY=\nQUOTED=\"x y\"\n# comment\nexport_NOT=1\n";
