//! Generated GitOps trees: a base of resources, an optional component, and
//! one or two overlays above it, each kustomization with a random set of the
//! fields real repositories use. Weighted towards what users write; every
//! field reachable.

mod crds;
mod ctx;
mod directives;
mod fields;
mod generators;
mod patches;
mod replacements;
mod resources;
mod transformers;
mod vars;

use std::collections::BTreeMap;

use crate::rng::Rng;
use ctx::Ctx;
pub use resources::Made;

/// A generated tree: file paths (relative, `/`-separated) and their text,
/// and the directory to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    /// Every file of the tree.
    pub files: BTreeMap<String, String>,
    /// The kustomization to build.
    pub root: String,
}

impl Tree {
    /// Writes the tree below `dir` (which is emptied first).
    pub fn write(&self, dir: &std::path::Path) -> std::io::Result<()> {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir)?;
        for (path, text) in &self.files {
            let path = dir.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, text)?;
        }
        std::fs::create_dir_all(dir.join(&self.root))
    }
}

/// The tree for `seed`.
pub fn tree(seed: u64) -> Tree {
    let mut rng = Rng::new(seed);
    let mut files = BTreeMap::new();
    // The base: one to three resource files, each one or more documents.
    let names = ["web", "api", "worker", "settings", "credentials", "db"];
    let mut made: Vec<Made> = Vec::new();
    let mut base_resources = Vec::new();
    for f in 0..rng.range(1, 3) {
        let file = format!("base/res{f}.yaml");
        let docs: Vec<String> = (0..rng.range(1, 3))
            .map(|_| {
                let name = format!("{}{}", rng.pick(&names), made.len());
                let m = resources::object(&mut rng, &name);
                let text = m.text.clone();
                made.push(m);
                text
            })
            .collect();
        files.insert(file.clone(), docs.join("---\n"));
        base_resources.push(file.trim_start_matches("base/").to_owned());
    }
    let mut ctx = Ctx {
        made,
        dir: "base".into(),
        ..Ctx::default()
    };
    let layers = rng.range(1, 2);
    let with_component = rng.chance(30);
    let base = fields::kustomization(&mut rng, &mut ctx, &base_resources, &mut files);
    files.insert("base/kustomization.yaml".into(), base);
    // One or two overlays; the top one is the root, and includes the
    // component (written once the layers below it are, since it patches
    // what they leave).
    let mut below = "../../base".to_owned();
    let mut root = String::new();
    for layer in 0..layers {
        let top = layer + 1 == layers;
        let dir = if top {
            "overlays/prod"
        } else {
            "overlays/shared"
        };
        let mut resources = vec![below.clone()];
        if top && with_component {
            ctx.dir = "components/feature".into();
            ctx.overlay = true;
            let text = fields::component(&mut rng, &mut ctx, &mut files);
            files.insert("components/feature/kustomization.yaml".into(), text);
            resources.push("components:../../components/feature".into());
        }
        ctx.dir = dir.into();
        ctx.overlay = true;
        ctx.root = top;
        let text = fields::kustomization(&mut rng, &mut ctx, &resources, &mut files);
        files.insert(format!("{dir}/kustomization.yaml"), text);
        below = format!("../{}", dir.trim_start_matches("overlays/"));
        root = dir.to_owned();
    }
    Tree { files, root }
}

#[cfg(test)]
mod tests {
    use super::tree;

    #[test]
    fn a_seed_always_gives_the_same_tree() {
        assert_eq!(tree(42), tree(42));
        assert_ne!(tree(42), tree(43));
    }

    #[test]
    fn every_tree_has_its_root_kustomization() {
        for seed in 0..200 {
            let t = tree(seed);
            assert!(
                t.files
                    .contains_key(&format!("{}/kustomization.yaml", t.root)),
                "{seed}"
            );
        }
    }

    /// Every feature the generator is meant to reach shows up in a few
    /// hundred trees (a weight set to zero, or a guard that never holds,
    /// fails here rather than silently narrowing the difftest).
    #[test]
    fn every_feature_is_reached() {
        let texts: Vec<String> = (0..400)
            .map(|seed| tree(seed).files.values().cloned().collect())
            .collect();
        for feature in [
            "vars:\n",
            "fieldpath: data.",
            "$(",
            "crds:\n",
            "openapi:\n",
            "configurations:\n",
            "varReference:",
            "order: legacy",
            "legacySortOptions",
            "order: fifo",
            "- $patch: replace",
            "$patch: delete",
            "$patch: merge",
            "$setElementOrder/",
            "$deleteFromPrimitiveList/",
            "$retainKeys",
            "op: move",
            "op: copy",
            "op: test",
            "op: remove",
            "~1",
            "/-\n",
            "behavior: merge",
            "behavior: replace",
            "envs:",
            "=config.json",
            "disableNameSuffixHash",
            "immutable: true",
            "generatorOptions:",
            "includeSelectors",
            "includeTemplates",
            "  fields:\n",
            "commonAnnotations:",
            "digest:",
            "initContainers:",
            "replicas:\n- name:",
            "kind: StatefulSet",
            "kind: PrefixSuffixTransformer",
            "kind: LabelTransformer",
            "kind: AnnotationsTransformer",
            "kind: NamespaceTransformer",
            "patchesStrategicMerge:",
            "patchesJson6902:",
            "delimiter:",
            "index:",
            "create: true",
            "reject:",
            "- path: replacements.yaml",
            "kind: ClusterRoleBinding",
        ] {
            assert!(
                texts.iter().any(|t| t.contains(feature)),
                "no tree has {feature:?}"
            );
        }
    }
}
