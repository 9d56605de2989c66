//! The repository as the rules see it: its files, every kustomization in it
//! parsed, each path a kustomization names resolved against its directory,
//! and which directories are overlays.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use krust::kustomization::{self, Kustomization, FILE_NAMES};
use krust::{normalize, FileKind, FileSystem};

use super::outline::Outline;
use super::{Finding, RuleId};

/// The directory name that marks its children as overlays.
pub(crate) const OVERLAYS_DIR: &str = "overlays";

/// What a referenced path has to be for kustomize to accept it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expect {
    /// A file, or a directory holding a kustomization (`resources`, plugins).
    FileOrKustomization,
    /// A directory holding a kustomization (`components`).
    Kustomization,
    /// A file (patches, generator inputs, configurations...).
    File,
}

/// One local path a kustomization names.
#[derive(Debug, Clone)]
pub(crate) struct Reference {
    /// The field as written in the file (`bases`, `patches`, ...).
    pub field: String,
    /// The entry as written.
    pub entry: String,
    /// The entry resolved against the kustomization's directory.
    pub target: PathBuf,
    /// What kustomize requires `target` to be.
    pub expect: Expect,
    /// The 1-based line of the entry (or of its field) in the kustomization file.
    pub line: Option<usize>,
}

/// A kustomization that parsed.
#[derive(Debug)]
pub(crate) struct Loaded {
    /// Its directory.
    pub dir: PathBuf,
    /// Its file.
    pub file: PathBuf,
    /// Lines of its top-level keys.
    pub outline: Outline,
    /// Its top-level keys as written, in file order.
    pub keys: Vec<String>,
    /// The model, as krust builds from it.
    pub model: Kustomization,
    /// The local paths it names, in field order.
    pub references: Vec<Reference>,
}

/// Everything the rules read.
pub(crate) struct Tree<'a> {
    /// Where reads go.
    pub fs: &'a dyn FileSystem,
    /// The linted directory; findings name files relative to it.
    pub root: PathBuf,
    /// Every file below `root`, outside hidden directories.
    pub files: BTreeSet<PathBuf>,
    /// Kustomizations that parsed, by directory.
    pub kustomizations: BTreeMap<PathBuf, Loaded>,
    /// Directories whose kustomization is broken (their references are unknown).
    pub broken: BTreeSet<PathBuf>,
    /// Overlay directories.
    pub overlays: BTreeSet<PathBuf>,
    /// What loading found wrong.
    pub findings: Vec<Finding>,
}

impl<'a> Tree<'a> {
    /// Loads every kustomization among `files` and among `roots`.
    pub(crate) fn load(
        fs: &'a dyn FileSystem,
        root: &Path,
        files: &[PathBuf],
        roots: &[PathBuf],
    ) -> Tree<'a> {
        let root = normalize(root);
        let files: BTreeSet<PathBuf> = files
            .iter()
            .map(|f| normalize(&root.join(f)))
            .filter(|f| f.starts_with(&root) && !is_hidden(&root, f))
            .collect();
        let roots: BTreeSet<PathBuf> = roots.iter().map(|r| normalize(&root.join(r))).collect();
        let mut dirs: BTreeSet<PathBuf> = files
            .iter()
            .filter(|f| is_kustomization_file(f))
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .collect();
        dirs.extend(roots.iter().cloned());
        let mut tree = Tree {
            fs,
            root,
            files,
            kustomizations: BTreeMap::new(),
            broken: BTreeSet::new(),
            overlays: BTreeSet::new(),
            findings: Vec::new(),
        };
        for dir in dirs {
            let is_root = roots.contains(&dir);
            match tree.load_one(&dir) {
                Ok(Some(loaded)) => {
                    if is_root || is_overlay_by_name(&dir) {
                        tree.overlays.insert(dir.clone());
                    }
                    tree.kustomizations.insert(dir, loaded);
                }
                // A listed root without a kustomization is not an overlay; nothing to lint.
                Ok(None) => {}
                Err(finding) => {
                    if is_root || is_overlay_by_name(&dir) {
                        tree.overlays.insert(dir.clone());
                    }
                    tree.broken.insert(dir);
                    tree.findings.push(finding);
                }
            }
        }
        tree
    }

    /// `path` relative to the linted directory, for display.
    pub(crate) fn show(&self, path: &Path) -> String {
        show_relative(&self.root, path)
    }

    /// The innermost overlay holding `path` (an overlay holds itself).
    pub(crate) fn overlay_of<'p>(&self, path: &'p Path) -> Option<&'p Path> {
        path.ancestors().find(|a| self.overlays.contains(*a))
    }

    /// Whether any kustomization in `dir` or below it failed to parse.
    pub(crate) fn has_broken_within(&self, dir: &Path) -> bool {
        self.broken.iter().any(|b| b.starts_with(dir))
    }

    /// The kustomization in `dir`: `None` when there is none, an
    /// `invalid-kustomization` finding when it cannot be read or parsed.
    fn load_one(&self, dir: &Path) -> Result<Option<Loaded>, Finding> {
        let present = FILE_NAMES
            .iter()
            .any(|n| self.fs.kind(&dir.join(n)) == Some(FileKind::File));
        if !present {
            return Ok(None);
        }
        let file = kustomization::find_file(self.fs, dir)
            .map_err(|e| self.invalid(dir, None, e.message()))?;
        let bytes = self
            .fs
            .read(&file)
            .map_err(|e| self.invalid(&file, None, &format!("cannot read it: {e}")))?;
        let text = String::from_utf8(bytes)
            .map_err(|e| self.invalid(&file, None, &format!("not valid UTF-8: {e}")))?;
        // As krust's build reads it.
        let doc = kustomization::load_text(&text)
            .map_err(|e| self.invalid(&file, Some(e.line), &e.message))?;
        let outline = Outline::new(&text);
        let model = kustomization::parse_kustomization(doc.as_ref()).map_err(|e| {
            let line = e
                .field
                .as_deref()
                .and_then(|f| outline.key(f).map(|(_, l)| l));
            self.invalid(&file, line, &e.message)
        })?;
        let keys = doc
            .as_ref()
            .and_then(|d| d.as_map())
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let references = references(dir, &model, &outline);
        Ok(Some(Loaded {
            dir: dir.to_path_buf(),
            file,
            outline,
            keys,
            model,
            references,
        }))
    }

    fn invalid(&self, file: &Path, line: Option<usize>, problem: &str) -> Finding {
        Finding {
            file: file.strip_prefix(&self.root).unwrap_or(file).to_path_buf(),
            line,
            rule: RuleId::InvalidKustomization,
            message: format!(
                "kustomization cannot be parsed: {problem}; fix it so it builds (the other rules skip what it references)"
            ),
        }
    }
}

/// Whether `file` is named as kustomize names kustomization files.
pub(crate) fn is_kustomization_file(file: &Path) -> bool {
    file.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| FILE_NAMES.contains(&n))
}

/// The heuristic for "overlay" without a list of roots: a directory directly
/// inside one named `overlays`, the layout every repository in the field
/// guide uses (`<group>/overlays/<env>/`).
pub(crate) fn is_overlay_by_name(dir: &Path) -> bool {
    dir.parent()
        .and_then(Path::file_name)
        .is_some_and(|n| n == OVERLAYS_DIR)
}

/// Whether `path` lies in a directory (below `root`) whose name starts with
/// a dot: `.git`, `.github` and the like hold CI files, not manifests.
pub(crate) fn is_hidden(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let mut components = relative.components().peekable();
    while let Some(component) = components.next() {
        let is_dir = components.peek().is_some();
        if let Component::Normal(name) = component {
            if is_dir && name.to_string_lossy().starts_with('.') {
                return true;
            }
        }
    }
    false
}

/// `path` relative to `root` for display (`.` for the root itself).
pub(crate) fn show_relative(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".into(),
        Ok(rel) => rel.display().to_string(),
        Err(_) => path.display().to_string(),
    }
}

/// Whether a `resources`/`components` entry is remote (kustomize fetches it
/// from a git host or over HTTP), so there is no local file to check.
pub(crate) fn is_remote(entry: &str) -> bool {
    entry.contains("://")
        || entry.starts_with("git@")
        || entry.contains("?ref=")
        || entry.contains("?version=")
        || ["github.com/", "gitlab.com/", "bitbucket.org/"]
            .iter()
            .any(|host| entry.starts_with(host))
}

/// Whether an entry of a field that takes a path *or* an inline document
/// (`patchesStrategicMerge`, `generators`, `transformers`, `validators`) is
/// inline: YAML objects span lines or are written as a flow mapping.
fn is_inline(entry: &str) -> bool {
    let trimmed = entry.trim_start();
    entry.contains('\n') || trimmed.starts_with('{') || entry.contains(": ")
}

/// The local paths `model` names, resolved against `dir`, in field order.
fn references(dir: &Path, model: &Kustomization, outline: &Outline) -> Vec<Reference> {
    let mut out = Vec::new();
    let mut add = |fields: &[&str], entry: &str, expect: Expect| {
        if entry.is_empty() {
            return;
        }
        let located = outline.entry(fields, entry);
        out.push(Reference {
            field: located.map_or(fields[0], |(f, _)| f).to_owned(),
            entry: entry.to_owned(),
            target: normalize(&dir.join(entry)),
            expect,
            line: located.map(|(_, l)| l),
        });
    };
    for entry in model.resources.iter().filter(|e| !is_remote(e)) {
        add(&["resources", "bases"], entry, Expect::FileOrKustomization);
    }
    for entry in model.components.iter().filter(|e| !is_remote(e)) {
        add(&["components"], entry, Expect::Kustomization);
    }
    for spec in &model.patches {
        if let Some(path) = &spec.path {
            add(&["patches"], path, Expect::File);
        }
    }
    for entry in model
        .patches_strategic_merge
        .iter()
        .filter(|e| !is_inline(e))
    {
        add(&["patchesStrategicMerge"], entry, Expect::File);
    }
    for spec in &model.patches_json6902 {
        if let Some(path) = &spec.path {
            add(&["patchesJson6902"], path, Expect::File);
        }
    }
    for entry in &model.configurations {
        add(&["configurations"], entry, Expect::File);
    }
    for entry in &model.crds {
        add(&["crds"], entry, Expect::File);
    }
    if let Some(path) = model.openapi.get("path") {
        add(&["openapi"], path, Expect::File);
    }
    for entry in &model.replacements {
        if let krust::kustomization::ReplacementEntry::Path(path) = entry {
            add(&["replacements"], path, Expect::File);
        }
    }
    for (field, generators) in [
        ("configMapGenerator", &model.configmap_generators),
        ("secretGenerator", &model.secret_generators),
    ] {
        for generator in generators {
            for source in &generator.files {
                // `key=path` names the file after the `=`.
                let path = source.split_once('=').map_or(source.as_str(), |(_, p)| p);
                add(&[field], path, Expect::File);
            }
            for env in &generator.envs {
                add(&[field], env, Expect::File);
            }
        }
    }
    for (field, entries) in [
        ("generators", &model.generators),
        ("transformers", &model.transformers),
        ("validators", &model.validators),
    ] {
        for entry in entries.iter().filter(|e| !is_inline(e) && !is_remote(e)) {
            add(&[field], entry, Expect::FileOrKustomization);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_means_a_dot_directory_below_the_root() {
        let root = Path::new("/repo/.checkout");
        assert!(is_hidden(root, Path::new("/repo/.checkout/.github/ci.yml")));
        assert!(!is_hidden(root, Path::new("/repo/.checkout/apps/a.yml")));
        assert!(!is_hidden(root, Path::new("/repo/.checkout/apps/.a.yml")));
    }

    #[test]
    fn remote_and_inline_entries_are_recognised() {
        assert!(is_remote("https://github.com/org/repo//deploy?ref=v1"));
        assert!(is_remote("github.com/org/repo/deploy?ref=v1"));
        assert!(is_remote("git@github.com:org/repo.git"));
        assert!(!is_remote("../../base/api"));
        assert!(is_inline("apiVersion: v1\nkind: ConfigMap\n"));
        assert!(is_inline("{apiVersion: v1, kind: ConfigMap}"));
        assert!(!is_inline("api/patch.yaml"));
    }

    #[test]
    fn overlays_are_children_of_an_overlays_directory() {
        assert!(is_overlay_by_name(Path::new("/r/apps/overlays/dev")));
        assert!(!is_overlay_by_name(Path::new("/r/apps/overlays")));
        assert!(!is_overlay_by_name(Path::new("/r/apps/overlays/dev/api")));
    }
}
