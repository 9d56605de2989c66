//! The files a build of a root reads, found without building it: every
//! kustomization it reaches and every file they name (resources, patches,
//! generator sources, components, configurations, CRDs, OpenAPI schemas,
//! replacement files, plugin configurations). A change to none of them
//! cannot change the root's render, so a pull request need only render the
//! roots whose inputs it touched.
//!
//! The record errs on the side of listing too much: every kustomization
//! file name of every directory visited counts (adding a second one breaks
//! the build), symlinks count under both names, and a plugin configuration
//! (which may name further files) counts its whole directory.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::error::Result;
use crate::fs::{normalize, FileKind, FileSystem};
use crate::kustomization::{self, HelmGlobals, Kustomization, ReplacementEntry, FILE_NAMES};

/// What a root's build reads: files, and directories read whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// Files (and kustomization file names) the build reads or looks for.
    pub files: BTreeSet<PathBuf>,
    /// Directories any file below which may change the build.
    pub trees: BTreeSet<PathBuf>,
}

impl Inputs {
    /// Whether a change to `path` (absolute) may change the build.
    pub fn affected_by(&self, path: &Path) -> bool {
        self.files.contains(path) || self.trees.iter().any(|t| path.starts_with(t))
    }

    fn file(&mut self, fs: &dyn FileSystem, path: PathBuf) {
        if let Ok(real) = fs.canonicalize(&path) {
            self.files.insert(real);
        }
        self.files.insert(path);
    }
}

/// The inputs of the kustomization root `dir`, read through `fs`.
///
/// ```
/// use krust::{inputs, MemFs};
///
/// let mut fs = MemFs::new();
/// fs.add_file("/base/kustomization.yaml", "resources: [cm.yaml]\n");
/// fs.add_file("/base/cm.yaml", "kind: ConfigMap\nmetadata: {name: c}\n");
/// fs.add_file("/dev/kustomization.yaml", "resources: [../base]\npatches: [{path: p.yaml}]\n");
/// let read = inputs(&fs, "/dev".as_ref()).unwrap();
/// assert!(read.affected_by("/base/cm.yaml".as_ref()));
/// assert!(read.affected_by("/dev/p.yaml".as_ref()));
/// assert!(!read.affected_by("/prod/kustomization.yaml".as_ref()));
/// ```
pub fn inputs(fs: &dyn FileSystem, dir: &Path) -> Result<Inputs> {
    inputs_with(fs, dir, &InputsCache::default())
}

/// Kustomizations read once for many [`inputs_with`] calls over one
/// filesystem: the roots of a repository share their bases and components.
#[derive(Debug, Default)]
pub struct InputsCache {
    parsed: Mutex<HashMap<PathBuf, Option<Arc<Kustomization>>>>,
}

impl InputsCache {
    /// The kustomization in `file`, read and parsed the first time only.
    fn get(&self, fs: &dyn FileSystem, file: &Path) -> Option<Arc<Kustomization>> {
        let lock = || self.parsed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = lock().get(file) {
            return found.clone();
        }
        let parsed = read(fs, file).map(Arc::new);
        lock().insert(file.to_path_buf(), parsed.clone());
        parsed
    }
}

/// [`inputs`] with the kustomizations read through `cache`, which must only
/// ever be used with `fs`.
pub fn inputs_with(fs: &dyn FileSystem, dir: &Path, cache: &InputsCache) -> Result<Inputs> {
    let mut found = Inputs::default();
    let mut walk = Walk {
        fs,
        cache,
        found: &mut found,
        seen: BTreeSet::new(),
    };
    walk.visit(&normalize(dir))?;
    Ok(found)
}

/// One root's walk through its kustomizations.
struct Walk<'a> {
    fs: &'a dyn FileSystem,
    cache: &'a InputsCache,
    found: &'a mut Inputs,
    seen: BTreeSet<PathBuf>,
}

impl Walk<'_> {
    /// Records the kustomization in `dir` and what it names, then the
    /// kustomizations it includes.
    fn visit(&mut self, dir: &Path) -> Result<()> {
        let fs = self.fs;
        if !self.seen.insert(dir.to_path_buf()) {
            return Ok(());
        }
        for name in FILE_NAMES {
            self.found.file(fs, dir.join(name));
        }
        let Ok(file) = kustomization::find_file(fs, dir) else {
            // Not (or no longer) a kustomization: the names above cover it.
            return Ok(());
        };
        let Some(kust) = self.cache.get(fs, &file) else {
            return Ok(());
        };
        for entry in kust.resources.iter().chain(&kust.components) {
            let path = normalize(&dir.join(entry));
            match fs.kind(&path) {
                Some(FileKind::Dir) => self.visit(&path)?,
                Some(FileKind::File) => self.found.file(fs, path),
                // Missing: whatever appears there, file or directory, counts.
                None => {
                    self.found.trees.insert(path);
                }
            }
        }
        for path in named_files(&kust) {
            self.found.file(fs, normalize(&dir.join(path)));
        }
        if !kust.helm_charts.is_empty() {
            // Charts, found or pulled there, are whole directories.
            let home = HelmGlobals::chart_home(kust.helm_globals.as_ref(), dir);
            self.found.trees.insert(home);
        }
        for entry in kust.generators.iter().chain(&kust.transformers) {
            // Inline configurations name files relative to the kustomization.
            let path = normalize(&dir.join(entry));
            match fs.kind(&path) {
                Some(FileKind::Dir) => self.visit(&path)?,
                Some(FileKind::File) => {
                    self.found.file(fs, path);
                    self.found.trees.insert(dir.to_path_buf());
                }
                None => {
                    self.found.trees.insert(dir.to_path_buf());
                }
            }
        }
        Ok(())
    }
}

/// The kustomization in `file`, or `None` when it does not parse (its
/// build fails whatever else changes, until the file itself does).
fn read(fs: &dyn FileSystem, file: &Path) -> Option<Kustomization> {
    let bytes = fs.read(file).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let doc = kustomization::load_text(&text).ok()?;
    kustomization::parse_kustomization(doc.as_ref()).ok()
}

/// The files a kustomization names besides resources, components and
/// plugins, relative to its directory.
fn named_files(kust: &Kustomization) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let patches = kust.patches.iter().chain(&kust.patches_json6902);
    out.extend(patches.filter_map(|p| p.path.as_deref()));
    out.extend(kust.patches_strategic_merge.iter().map(String::as_str));
    out.extend(kust.configurations.iter().map(String::as_str));
    out.extend(kust.crds.iter().map(String::as_str));
    out.extend(kust.openapi.get("path"));
    out.extend(kust.replacements.iter().filter_map(|r| match r {
        ReplacementEntry::Path(path) => Some(path.as_str()),
        ReplacementEntry::Inline(_) => None,
    }));
    for chart in &kust.helm_charts {
        out.extend(Some(chart.values_file.as_str()).filter(|f| !f.is_empty()));
        out.extend(chart.additional_values_files.iter().map(String::as_str));
    }
    for generator in kust
        .configmap_generators
        .iter()
        .chain(&kust.secret_generators)
    {
        out.extend(generator.envs.iter().map(String::as_str));
        // `key=path` or `path`.
        out.extend(
            generator
                .files
                .iter()
                .map(|f| f.split_once('=').map_or(f.as_str(), |(_, path)| path)),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemFs;

    #[test]
    fn charts_and_their_values_files_are_inputs() {
        let mut fs = MemFs::new();
        fs.add_file(
            "/r/app/kustomization.yaml",
            "helmCharts: [{name: demo, valuesFile: v/values.yaml, additionalValuesFiles: [../shared/more.yaml]}]\n",
        );
        fs.add_file(
            "/r/other/kustomization.yaml",
            "helmGlobals: {chartHome: ../vendor}\nhelmCharts: [{name: x}]\n",
        );
        let read = inputs(&fs, Path::new("/r/app")).unwrap();
        for file in [
            "app/charts/demo/templates/d.yaml",
            "app/charts/demo-1.0.0/demo/Chart.yaml",
            "app/v/values.yaml",
            "shared/more.yaml",
        ] {
            assert!(read.affected_by(&Path::new("/r").join(file)), "{file}");
        }
        assert!(!read.affected_by(Path::new("/r/app/unrelated.yaml")));
        let read = inputs(&fs, Path::new("/r/other")).unwrap();
        assert!(read.affected_by(Path::new("/r/vendor/x/values.yaml")));
    }

    #[test]
    fn every_kind_of_named_file_is_an_input() {
        let mut fs = MemFs::new();
        fs.add_file(
            "/r/app/kustomization.yaml",
            "resources: [../base, svc.yaml]\ncomponents: [../comp]\npatches: [{path: p.yaml}]\n\
             patchesStrategicMerge: [sm.yaml]\npatchesJson6902: [{path: j.yaml, target: {kind: X, name: web}}]\n\
             configurations: [conf.yaml]\ncrds: [crd.yaml]\nopenapi: {path: schema.json}\n\
             replacements: [{path: repl.yaml}]\n\
             configMapGenerator: [{name: c, files: [k=data/f.txt, g.txt], envs: [e.env]}]\n\
             transformers: [t.yaml]\n",
        );
        fs.add_file("/r/base/kustomization.yaml", "resources: [cm.yaml]\n");
        fs.add_file("/r/comp/kustomization.yaml", "kind: Component\n");
        fs.add_file(
            "/r/app/t.yaml",
            "apiVersion: builtin\nkind: LabelTransformer\n",
        );
        let read = inputs(&fs, Path::new("/r/app")).unwrap();
        for file in [
            "base/cm.yaml",
            "base/kustomization.yml",
            "comp/Kustomization",
            "app/svc.yaml",
            "app/p.yaml",
            "app/sm.yaml",
            "app/j.yaml",
            "app/conf.yaml",
            "app/crd.yaml",
            "app/schema.json",
            "app/repl.yaml",
            "app/data/f.txt",
            "app/g.txt",
            "app/e.env",
            "app/t.yaml",
            "app/anything-a-plugin-may-read.yaml",
        ] {
            assert!(read.affected_by(&Path::new("/r").join(file)), "{file}");
        }
        assert!(!read.affected_by(Path::new("/r/other/kustomization.yaml")));
        assert!(!read.affected_by(Path::new("/r/base/unlisted.yaml")));
    }

    #[test]
    fn a_missing_or_broken_kustomization_still_has_its_names() {
        let mut fs = MemFs::new();
        fs.add_file("/r/kustomization.yaml", "resources: [");
        let read = inputs(&fs, Path::new("/r")).unwrap();
        assert!(read.affected_by(Path::new("/r/kustomization.yaml")));
        let read = inputs(&fs, Path::new("/gone")).unwrap();
        assert!(read.affected_by(Path::new("/gone/kustomization.yaml")));
    }
}
