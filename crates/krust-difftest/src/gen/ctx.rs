//! What the layers below a kustomization left behind for it to refer to:
//! the objects still alive, the generators' outputs, the vars declared.
//! Kept so that overlays mostly write what resolves (a `behavior: merge`
//! against a generator that exists, a var name not declared twice, a patch
//! of an object no layer deleted): trees where kustomize errors test little.

use super::Made;

/// The state a kustomization is written against.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    /// Objects from resources, not deleted by a patch.
    pub made: Vec<Made>,
    /// Generated objects below: (kind, name, a data key it holds).
    pub generated: Vec<(&'static str, &'static str, &'static str)>,
    /// Var names declared by some kustomization (they must be unique).
    pub vars: Vec<&'static str>,
    /// Names that a var or replacement refers to: not to be deleted.
    pub pinned: Vec<String>,
    /// Whether a layer below renamed objects (prefix, suffix).
    pub renamed: bool,
    /// Whether the kustomization being written is an overlay.
    pub overlay: bool,
    /// The directory of the kustomization being written.
    pub dir: String,
    /// Whether it is the root (the directory built).
    pub root: bool,
}

impl Ctx {
    /// The live objects of `kind`.
    pub fn of_kind(&self, kind: &str) -> Vec<&Made> {
        self.made.iter().filter(|m| m.kind == kind).collect()
    }

    /// Objects a patch may delete: not referred to by a var or replacement.
    pub fn deletable(&self, m: &Made) -> bool {
        !self.pinned.contains(&m.name)
    }

    /// Whether a generator below made `kind`/`name`.
    pub fn has_generated(&self, kind: &str, name: &str) -> bool {
        self.generated.iter().any(|g| g.0 == kind && g.1 == name)
    }
}
