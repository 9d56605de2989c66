//! Kustomization files: each field with the probability real repositories
//! give it, filled with names of the generated objects so that patches,
//! replicas, images, vars and replacements mostly hit something. The
//! fields with files or state of their own live in sibling modules.

use std::collections::BTreeMap;

use super::ctx::Ctx;
use super::{crds, generators, patches, replacements, transformers, vars};
use crate::rng::Rng;
use crate::scalars;

/// A kustomization for `ctx.dir` over `resources` (entries starting
/// `components:` go to `components`), adding the files it names to
/// `files` and what it generates, deletes and declares to `ctx`.
pub fn kustomization(
    rng: &mut Rng,
    ctx: &mut Ctx,
    resources: &[String],
    files: &mut BTreeMap<String, String>,
) -> String {
    let mut out = String::new();
    if rng.chance(40) {
        out.push_str("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
    }
    let (components, plain): (Vec<&String>, Vec<&String>) =
        resources.iter().partition(|r| r.starts_with("components:"));
    out.push_str("resources:\n");
    for r in plain {
        out.push_str(&format!("- {r}\n"));
    }
    if !components.is_empty() {
        out.push_str("components:\n");
        for c in components {
            out.push_str(&format!("- {}\n", c.trim_start_matches("components:")));
        }
    }
    out.push_str(&crds::fields(rng, ctx, files));
    if rng.chance(30) {
        out.push_str(&format!(
            "namespace: {}\n",
            rng.pick(&["shop", "prod", "team-a", "default"])
        ));
    }
    out.push_str(&names(rng, ctx));
    out.push_str(&label_fields(rng));
    if rng.chance(25) {
        out.push_str(&images(rng));
    }
    out.push_str(&generators::fields(rng, ctx, files));
    // Patches before replicas: a patch may delete the object.
    out.push_str(&patches::fields(rng, ctx, files));
    out.push_str(&replicas(rng, ctx));
    if rng.chance(8) {
        out.push_str(&vars::declarations(rng, ctx));
    }
    if rng.chance(12) {
        out.push_str(&replacements::field(rng, ctx, files));
    }
    if rng.chance(6) {
        out.push_str(&transformers::field(rng, ctx, files));
    }
    if ctx.root {
        out.push_str(&sort_options(rng));
    }
    if rng.chance(4) {
        out.push_str(&format!(
            "buildMetadata: [{}]\n",
            rng.pick(&[
                "originAnnotations",
                "managedByLabel",
                "transformerAnnotations"
            ])
        ));
    }
    out
}

/// A component: labels, annotations, patches or images (never empty:
/// kustomize refuses an empty kustomization file).
pub fn component(rng: &mut Rng, ctx: &mut Ctx, files: &mut BTreeMap<String, String>) -> String {
    let mut out = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n".to_owned();
    let mut body = label_fields(rng);
    body.push_str(&patches::fields(rng, ctx, files));
    if rng.chance(30) {
        body.push_str(&images(rng));
    }
    if body.is_empty() {
        body = "commonAnnotations:\n  feature: enabled\n".to_owned();
    }
    out.push_str(&body);
    out
}

/// `namePrefix` and `nameSuffix`, quoted when YAML would read a number.
fn names(rng: &mut Rng, ctx: &mut Ctx) -> String {
    let mut out = String::new();
    if rng.chance(20) {
        let p = rng.pick(&["prod-", "x-", "a.", "\"0-\""]);
        out.push_str(&format!("namePrefix: {p}\n"));
        ctx.renamed = true;
    }
    if rng.chance(15) {
        let s = rng.pick(&["-v2", "-eu", "\"-1\""]);
        out.push_str(&format!("nameSuffix: {s}\n"));
        ctx.renamed = true;
    }
    out
}

fn map_field(rng: &mut Rng, name: &str) -> String {
    let n = rng.range(1, 2);
    format!("{name}:\n{}", scalars::strict_entries(rng, 2, n))
}

fn label_fields(rng: &mut Rng) -> String {
    let mut out = String::new();
    if rng.chance(20) {
        out.push_str(&map_field(rng, "commonLabels"));
    }
    if rng.chance(20) {
        out.push_str("labels:\n");
        let n = if rng.chance(20) { 2 } else { 1 };
        for _ in 0..n {
            out.push_str(&labels_entry(rng));
        }
    }
    if rng.chance(20) {
        out.push_str(&map_field(rng, "commonAnnotations"));
    }
    out
}

/// One `labels:` entry: pairs, selector and template switches, and now
/// and then `fields:` of its own.
fn labels_entry(rng: &mut Rng) -> String {
    let mut out = "- pairs:\n".to_owned();
    let n = rng.range(1, 2);
    out.push_str(&scalars::strict_entries(rng, 4, n));
    if rng.chance(50) {
        out.push_str(&format!("  includeSelectors: {}\n", rng.chance(50)));
    }
    if rng.chance(40) {
        out.push_str(&format!("  includeTemplates: {}\n", rng.chance(50)));
    }
    if rng.chance(15) {
        out.push_str("  fields:\n");
        let spec: &&str = rng.pick(LABEL_FIELDS);
        out.push_str(spec);
    }
    out
}

/// `fields:` of a `labels:` entry: field specs beyond kustomize's tables
/// (none conflicting with them, which kustomize refuses).
const LABEL_FIELDS: &[&str] = &[
            "  - path: spec/selector/matchLabels\n    kind: Widget\n    create: true\n",
            "  - path: spec/template/metadata/labels\n    kind: Deployment\n    create: true\n",
            "  - path: metadata/annotations\n    create: true\n",
            "  - path: spec/selector/matchLabels\n    kind: Widget\n    create: true\n  - path: metadata/labels\n    create: true\n",
        ];

/// `images:` entries for the containers' and init containers' images.
fn images(rng: &mut Rng) -> String {
    let mut names = vec![
        "nginx",
        "busybox",
        "registry.example.com/app",
        "app",
        "envoy",
    ];
    let mut out = "images:\n".to_owned();
    for _ in 0..rng.range(1, 2) {
        let name = names.remove(rng.below(names.len()));
        out.push_str(&format!("- name: {name}\n"));
        match rng.below(5) {
            0 => out.push_str("  newTag: \"1.27\"\n"),
            1 => out.push_str("  newName: mirror.example.com/img\n  newTag: v2\n"),
            2 => out.push_str("  digest: sha256:0123456789abcdef\n"),
            3 => out.push_str("  newName: mirror.example.com/busybox\n"),
            _ => out.push_str(&format!(
                "  newTag: {}\n",
                scalars::strict_string_value(rng)
            )),
        }
    }
    out
}

/// `replicas:` for a Deployment or StatefulSet (kustomize refuses others).
fn replicas(rng: &mut Rng, ctx: &Ctx) -> String {
    let scalable: Vec<_> = ctx.made.iter().filter(|m| m.scalable()).collect();
    if scalable.is_empty() || !rng.chance(15) {
        return String::new();
    }
    let m = rng.pick(&scalable);
    format!("replicas:\n- name: {}\n  count: {}\n", m.name, rng.below(5))
}

/// `sortOptions` (root only): fifo, or legacy with explicit first and last
/// kinds.
fn sort_options(rng: &mut Rng) -> String {
    match rng.below(100) {
        0..=3 => "sortOptions:\n  order: fifo\n".to_owned(),
        4..=5 => "sortOptions:\n  order: legacy\n".to_owned(),
        6..=8 => format!(
            "sortOptions:\n  order: legacy\n  legacySortOptions:\n    orderFirst:\n{}    orderLast:\n{}",
            rng.pick(&["    - Namespace\n    - ConfigMap\n", "    - Service\n", "    - Widget\n    - Deployment\n"]),
            rng.pick(&["    - Ingress\n", "    - ValidatingWebhookConfiguration\n    - Job\n", "    - Secret\n"])
        ),
        _ => String::new(),
    }
}
