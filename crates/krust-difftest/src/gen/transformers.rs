//! `transformers:` files holding builtin transformer configurations
//! (`apiVersion: builtin`): prefixes and suffixes, labels, annotations and
//! namespaces, each with its own field specs, as users write them when the
//! kustomization fields are too coarse.

use std::collections::BTreeMap;

use super::ctx::Ctx;
use crate::rng::Rng;

/// A `transformers:` field naming one or two config files.
pub fn field(rng: &mut Rng, ctx: &mut Ctx, files: &mut BTreeMap<String, String>) -> String {
    let mut out = "transformers:\n".to_owned();
    for i in 0..rng.range(1, 2) {
        let file = format!("transformer{i}.yaml");
        let text = match rng.below(5) {
            0 => prefix_suffix(rng, ctx),
            1 => labels(rng),
            2 => annotations(rng),
            3 => namespace(rng),
            _ => format!("{}---\n{}", labels(rng), annotations(rng)),
        };
        // Each config is an object: two of one kind need two names.
        let text = text.replace("  name: ", &format!("  name: t{i}-"));
        files.insert(format!("{}/{file}", ctx.dir), text);
        out.push_str(&format!("- {file}\n"));
    }
    out
}

fn prefix_suffix(rng: &mut Rng, ctx: &mut Ctx) -> String {
    ctx.renamed = true;
    let mut out = "apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata:\n  name: rename\n"
        .to_owned();
    if rng.chance(70) {
        out.push_str("prefix: t-\n");
    }
    if rng.chance(50) {
        out.push_str("suffix: -t\n");
    }
    out.push_str("fieldSpecs:\n- path: metadata/name\n");
    if rng.chance(40) {
        out.push_str("  kind: Deployment\n");
    }
    out
}

fn labels(rng: &mut Rng) -> String {
    let mut out = "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: labels\nlabels:\n  owner: platform\n".to_owned();
    out.push_str("fieldSpecs:\n- path: metadata/labels\n  create: true\n");
    if rng.chance(50) {
        out.push_str("- path: spec/template/metadata/labels\n  kind: Deployment\n  create: true\n");
    }
    if rng.chance(30) {
        out.push_str("- path: spec/selector/matchLabels\n  kind: Widget\n  create: true\n");
    }
    out
}

fn annotations(rng: &mut Rng) -> String {
    let mut out = "apiVersion: builtin\nkind: AnnotationsTransformer\nmetadata:\n  name: notes\nannotations:\n  note: \"from a transformer\"\n".to_owned();
    out.push_str("fieldSpecs:\n- path: metadata/annotations\n  create: true\n");
    if rng.chance(40) {
        out.push_str("- path: spec/template/metadata/annotations\n  create: true\n");
    }
    out
}

fn namespace(rng: &mut Rng) -> String {
    let mut out = format!(
        "apiVersion: builtin\nkind: NamespaceTransformer\nmetadata:\n  name: ns\n  namespace: {}\n",
        rng.pick(&["tools", "prod"])
    );
    if rng.chance(30) {
        out.push_str("unsetOnly: true\n");
    }
    if rng.chance(30) {
        out.push_str(&format!(
            "setRoleBindingSubjects: {}\n",
            rng.pick(&["none", "defaultOnly", "allServiceAccounts"])
        ));
    }
    out.push_str("fieldSpecs:\n- path: metadata/namespace\n  create: true\n");
    out
}
