//! Generated GitOps trees: a base of resources, an optional component, and
//! one or two overlays above it, each kustomization with a random set of the
//! fields real repositories use. Weighted towards what users write; every
//! field reachable.

mod fields;
mod resources;

use std::collections::BTreeMap;

use crate::rng::Rng;
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
    let base = fields::kustomization(&mut rng, &made, &base_resources, "base", &mut files, false);
    files.insert("base/kustomization.yaml".into(), base);
    let component = rng.chance(30).then(|| {
        let text = fields::component(&mut rng, &made, &mut files);
        files.insert("components/feature/kustomization.yaml".into(), text);
        "../../components/feature".to_owned()
    });
    // One or two overlays; the top one is the root.
    let layers = rng.range(1, 2);
    let mut below = "../../base".to_owned();
    let mut root = String::new();
    for layer in 0..layers {
        let dir = if layer + 1 == layers {
            "overlays/prod"
        } else {
            "overlays/shared"
        };
        let mut resources = vec![below.clone()];
        if let Some(c) = component.as_ref().filter(|_| layer + 1 == layers) {
            resources.push(format!("components:{c}"));
        }
        let text = fields::kustomization(&mut rng, &made, &resources, dir, &mut files, true);
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
}
