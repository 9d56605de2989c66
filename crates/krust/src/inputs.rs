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

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::error::Result;
use crate::fs::{normalize, FileKind, FileSystem};
use crate::kustomization::{self, HelmGlobals, Kustomization, ReplacementEntry, FILE_NAMES};
use krust_yaml::Value;

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

/// Kustomization directories read once for many [`inputs_with`],
/// [`first_input`] and [`crate::discover_roots_with`] calls over one
/// filesystem: the roots of a repository share their bases and components,
/// and finding the roots reads the same files again.
#[derive(Debug, Default)]
pub struct InputsCache {
    dirs: Mutex<HashMap<PathBuf, Arc<DirRecord>>>,
}

/// One directory as the static analyses see it.
#[derive(Debug)]
pub(crate) struct DirRecord {
    dir: PathBuf,
    /// Its (first) kustomization document, when it reads as YAML.
    doc: Option<Value>,
    /// Whether its (first) kustomization file says `kind: Component`.
    pub(crate) component: bool,
    /// Its `resources` and `bases` entries, resolved against it (read
    /// leniently, so a kustomization that does not build still names them).
    pub(crate) references: Vec<PathBuf>,
    /// What its build reads, worked out the first time it is asked:
    /// finding roots never needs it.
    reads: OnceLock<Reads>,
}

/// What a build of one directory reads itself, and where it goes on.
#[derive(Debug, Default)]
struct Reads {
    own: Inputs,
    /// The directories the build goes on into (resources, components,
    /// generator and transformer directories), in the order named.
    includes: Vec<PathBuf>,
}

impl InputsCache {
    /// The record of `dir` (normalized), read and parsed the first time only.
    pub(crate) fn dir(&self, fs: &dyn FileSystem, dir: &Path) -> Arc<DirRecord> {
        let lock = || self.dirs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = lock().get(dir) {
            return found.clone();
        }
        // Read without the lock; a thread that read it meanwhile wins, so
        // every caller shares one record (and what it works out later).
        let record = Arc::new(DirRecord::read(fs, dir));
        lock().entry(dir.to_path_buf()).or_insert(record).clone()
    }
}

/// [`inputs`] with the kustomizations read through `cache`, which must only
/// ever be used with `fs`.
pub fn inputs_with(fs: &dyn FileSystem, dir: &Path, cache: &InputsCache) -> Result<Inputs> {
    let mut found = Inputs::default();
    walk(fs, &normalize(dir), cache, &mut |reads| {
        found.files.extend(reads.own.files.iter().cloned());
        found.trees.extend(reads.own.trees.iter().cloned());
        true
    });
    Ok(found)
}

/// The position in `paths` (absolute) of the first one the build of the
/// root `dir` reads, or `None`: the roots a change reaches, without
/// collecting each root's inputs.
pub fn first_input(
    fs: &dyn FileSystem,
    dir: &Path,
    paths: &[PathBuf],
    cache: &InputsCache,
) -> Option<usize> {
    let mut first: Option<usize> = None;
    walk(fs, &normalize(dir), cache, &mut |reads| {
        let before = first.unwrap_or(paths.len());
        first = paths[..before]
            .iter()
            .position(|path| reads.own.affected_by(path))
            .or(first);
        first != Some(0)
    });
    first
}

/// Visits every directory the build of `dir` reaches, once each, until
/// `visit` says stop.
fn walk(
    fs: &dyn FileSystem,
    dir: &Path,
    cache: &InputsCache,
    visit: &mut dyn FnMut(&Reads) -> bool,
) {
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        if seen.contains(&dir) {
            continue;
        }
        let record = cache.dir(fs, &dir);
        seen.insert(dir);
        let reads = record.reads(fs);
        if !visit(reads) {
            return;
        }
        pending.extend(reads.includes.iter().rev().cloned());
    }
}

impl DirRecord {
    /// Reads the kustomization in `dir`, if any.
    fn read(fs: &dyn FileSystem, dir: &Path) -> DirRecord {
        let doc = FILE_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|p| fs.kind(p) == Some(FileKind::File))
            .and_then(|file| read(fs, &file));
        let mut record = DirRecord {
            dir: dir.to_path_buf(),
            component: false,
            references: Vec::new(),
            doc: None,
            reads: OnceLock::new(),
        };
        let Some(doc) = doc else {
            return record;
        };
        record.component = doc.str_at(&["kind"]) == Some(kustomization::COMPONENT_KIND);
        for field in ["resources", "bases"] {
            let entries = doc.get(field).and_then(Value::as_seq).into_iter().flatten();
            record.references.extend(
                entries
                    .filter_map(Value::as_str)
                    .map(|path| normalize(&dir.join(path))),
            );
        }
        record.doc = Some(doc);
        record
    }

    /// What the build of this directory reads.
    fn reads(&self, fs: &dyn FileSystem) -> &Reads {
        self.reads.get_or_init(|| {
            let mut reads = Reads::default();
            for name in FILE_NAMES {
                reads.own.file(fs, self.dir.join(name));
            }
            // Two kustomization files, or one that does not parse, name
            // nothing more: the build fails whatever else changes, until
            // the files themselves do.
            let single = kustomization::find_file(fs, &self.dir).is_ok();
            let kust = self
                .doc
                .as_ref()
                .filter(|_| single)
                .and_then(|doc| kustomization::parse_kustomization(Some(doc)).ok());
            if let Some(kust) = kust {
                reads.name(fs, &self.dir, &kust);
            }
            reads
        })
    }
}

impl Reads {
    /// Records what `kust`, the kustomization in `dir`, names.
    fn name(&mut self, fs: &dyn FileSystem, dir: &Path, kust: &Kustomization) {
        for entry in kust.resources.iter().chain(&kust.components) {
            let path = normalize(&dir.join(entry));
            match fs.kind(&path) {
                Some(FileKind::Dir) => self.includes.push(path),
                Some(FileKind::File) => self.own.file(fs, path),
                // Missing: whatever appears there, file or directory, counts.
                None => {
                    self.own.trees.insert(path);
                }
            }
        }
        for path in named_files(kust) {
            self.own.file(fs, normalize(&dir.join(path)));
        }
        if !kust.helm_charts.is_empty() {
            // Charts, found or pulled there, are whole directories.
            let home = HelmGlobals::chart_home(kust.helm_globals.as_ref(), dir);
            self.own.trees.insert(home);
        }
        for entry in kust.generators.iter().chain(&kust.transformers) {
            // Inline configurations name files relative to the kustomization.
            let path = normalize(&dir.join(entry));
            match fs.kind(&path) {
                Some(FileKind::Dir) => self.includes.push(path),
                Some(FileKind::File) => {
                    self.own.file(fs, path);
                    self.own.trees.insert(dir.to_path_buf());
                }
                None => {
                    self.own.trees.insert(dir.to_path_buf());
                }
            }
        }
    }
}

/// The kustomization document in `file`, or `None` when it does not read
/// as YAML.
fn read(fs: &dyn FileSystem, file: &Path) -> Option<Value> {
    let bytes = fs.read(file).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    kustomization::load_text(&text).ok()?
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
    fn first_input_is_the_earliest_changed_path_any_reached_directory_reads() {
        let mut fs = MemFs::new();
        fs.add_file("/r/base/kustomization.yaml", "resources: [d.yaml]\n");
        fs.add_file("/r/comp/kustomization.yaml", "kind: Component\n");
        fs.add_file(
            "/r/dev/kustomization.yaml",
            "resources: [../base]\ncomponents: [../comp]\npatches: [{path: p.yaml}]\n",
        );
        // A cycle ends the walk instead of looping.
        fs.add_file(
            "/r/loop/kustomization.yaml",
            "resources: [../loop, ../base]\n",
        );
        let cache = InputsCache::default();
        let paths = |names: &[&str]| -> Vec<PathBuf> {
            names.iter().map(|n| Path::new("/r").join(n)).collect()
        };
        let first = |root: &str, names: &[&str]| {
            first_input(&fs, &Path::new("/r").join(root), &paths(names), &cache)
        };
        assert_eq!(
            first("dev", &["other.yaml", "base/d.yaml", "dev/p.yaml"]),
            Some(1)
        );
        assert_eq!(first("dev", &["comp/Kustomization"]), Some(0));
        assert_eq!(first("dev", &["prod/p.yaml", "base/unlisted.yaml"]), None);
        assert_eq!(first("loop", &["dev/p.yaml", "base/d.yaml"]), Some(1));
        // The same answers as the inputs each root's walk collects.
        for root in ["dev", "loop", "base"] {
            let read = inputs(&fs, &Path::new("/r").join(root)).unwrap();
            for path in paths(&["base/d.yaml", "dev/p.yaml", "comp/kustomization.yml"]) {
                let hit = first_input(
                    &fs,
                    &Path::new("/r").join(root),
                    std::slice::from_ref(&path),
                    &cache,
                );
                assert_eq!(hit.is_some(), read.affected_by(&path), "{root} {path:?}");
            }
        }
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
