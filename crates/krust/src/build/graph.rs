//! The build graph: every kustomization reachable from a set of roots,
//! loaded once; each base built once, in parallel with the others that do not
//! depend on it, and its result shared by every kustomization that includes
//! it.
//!
//! [`Graph::prepare`] plans (which bases and files will be asked for, and how
//! often) and then builds the bases bottom-up, one height at a time, each
//! height in parallel. The builds of the roots then find their bases ready.
//! The plan only decides what is built ahead and kept; every result is the
//! one the sequential build computes, so output does not depend on the plan,
//! on the thread count or on scheduling.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::cache::{BuiltNode, Cache, GraphStats, PathMap};
use super::memo_fs::MemoFs;
use super::openapi::SchemaState;
use super::target::Target;
use super::{resources_from_bytes, Accumulated, BuildOptions, Context};
use crate::error::Result;
use crate::loader::Loader;
use crate::resmap::ResMap;
use crate::FileSystem;

/// Builds many kustomization roots over one filesystem, sharing the work
/// their common bases need.
///
/// ```
/// use krust::{BuildOptions, Graph, MemFs};
///
/// let mut fs = MemFs::new();
/// fs.add_file("/base/kustomization.yaml", "resources: [cm.yaml]\n");
/// fs.add_file("/base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
/// fs.add_file("/dev/kustomization.yaml", "namePrefix: dev-\nresources: [../base]\n");
/// fs.add_file("/prod/kustomization.yaml", "namePrefix: prod-\nresources: [../base]\n");
/// let graph = Graph::new(&fs, BuildOptions::default());
/// let roots = ["/dev".into(), "/prod".into()];
/// let built = graph.build_all(&roots);
/// assert_eq!(built[1].as_ref().unwrap().resources()[0].id().name, "prod-c");
/// assert_eq!(graph.stats().kustomizations_built, 3); // the base once
/// ```
pub struct Graph<'fs> {
    fs: MemoFs<'fs>,
    options: BuildOptions,
    cache: Cache,
}

impl<'fs> Graph<'fs> {
    /// A graph that reads through `fs`.
    pub fn new(fs: &'fs dyn FileSystem, options: BuildOptions) -> Graph<'fs> {
        Graph {
            fs: MemoFs::new(fs),
            options,
            cache: Cache::default(),
        }
    }

    /// Plans the builds of `roots` and builds, in parallel, every base they
    /// reach, so that [`Graph::build`] of each root finds them ready. Errors
    /// are left for the builds of the roots to report.
    pub fn prepare(&self, roots: &[PathBuf]) {
        let links = self.discover(roots);
        let mut planner = Planner {
            links: &links,
            nodes: PathMap::default(),
            files: PathMap::default(),
            reads: PathMap::default(),
            children: BTreeMap::new(),
            applying: Vec::new(),
        };
        for root in roots {
            if let Ok(loader) = self.options.open(&self.fs, root) {
                planner.evaluate(loader.root(), None);
            }
        }
        let mut heights: BTreeMap<PathBuf, usize> = BTreeMap::new();
        for node in planner.children.keys() {
            height(node, &planner.children, &mut heights);
        }
        let mut levels: BTreeMap<usize, Vec<&PathBuf>> = BTreeMap::new();
        for (node, h) in &heights {
            levels.entry(*h).or_default().push(node);
        }
        let mut reads: Vec<(PathBuf, PathBuf)> = planner.reads.into_iter().collect();
        reads.sort();
        self.cache.plan(planner.nodes, planner.files);
        // Parsing is most of the work, and every file can be parsed at once.
        reads.par_iter().for_each(|(file, real)| {
            let parsed = self
                .fs
                .read(real)
                .ok()
                .and_then(|bytes| resources_from_bytes(file, &bytes).ok());
            if let Some(resources) = parsed {
                self.cache.parsed_ahead(file, resources);
            }
        });
        for nodes in levels.values() {
            nodes.par_iter().for_each(|dir| self.warm(dir));
        }
    }

    /// Loads every kustomization the roots reach, breadth first, each
    /// generation in parallel, and records what each one names.
    fn discover(&self, roots: &[PathBuf]) -> PathMap<Links> {
        let mut links = PathMap::default();
        // Every directory is loaded by one thread only, once.
        let mut queued: PathMap<()> = PathMap::default();
        let mut generation: Vec<Loader> = Vec::new();
        fn enqueue<'l>(loader: Loader<'l>, queued: &mut PathMap<()>, next: &mut Vec<Loader<'l>>) {
            if queued.insert(loader.root().to_path_buf(), ()).is_none() {
                next.push(loader);
            }
        }
        for root in roots {
            if let Ok(loader) = self.options.open(&self.fs, root) {
                enqueue(loader, &mut queued, &mut generation);
            }
        }
        while !generation.is_empty() {
            let found: Vec<(Loader, (Links, Vec<Loader>))> = generation
                .into_par_iter()
                .filter_map(|loader| {
                    let named = self.links(&loader)?;
                    Some((loader, named))
                })
                .collect();
            let mut next = Vec::new();
            for (loader, (named, children)) in found {
                links.insert(loader.root().to_path_buf(), named);
                for child in children {
                    enqueue(child, &mut queued, &mut next);
                }
            }
            generation = next;
        }
        links
    }

    /// What the kustomization at `loader` names, and loaders for the
    /// kustomizations among them. Entries are told apart by their names (a
    /// plan only has to be good, not exact); files are checked against the
    /// load restrictions, as the build will, before anything reads them.
    fn links<'l>(&self, loader: &Loader<'l>) -> Option<(Links, Vec<Loader<'l>>)> {
        let target = Target::load(loader.clone(), &self.cache).ok()?;
        let mut named = Links::default();
        let mut children = Vec::new();
        for entry in &target.kust.resources {
            if looks_like_file(entry) {
                if let Ok(found) = loader.resolve(entry) {
                    named.files.push(found);
                }
            } else if let Ok(child) = loader.child(entry) {
                named.bases.push(child.root().to_path_buf());
                children.push(child);
            }
        }
        for entry in &target.kust.components {
            if let Ok(child) = loader.child(entry) {
                named.components.push(child.root().to_path_buf());
                children.push(child);
            }
        }
        Some((named, children))
    }

    /// Builds the kustomization in `dir`, as `kubectl kustomize dir` does.
    pub fn build(&self, dir: &Path) -> Result<ResMap> {
        super::build_root(&self.fs, dir, &self.options, &self.cache)
    }

    /// Prepares and builds every root, in parallel; results in the order given.
    pub fn build_all(&self, roots: &[PathBuf]) -> Vec<Result<ResMap>> {
        self.prepare(roots);
        roots.par_iter().map(|root| self.build(root)).collect()
    }

    /// What the graph has built and reused so far.
    pub fn stats(&self) -> GraphStats {
        self.cache.stats()
    }

    /// Builds the base in `dir` ahead of its includers and keeps the result,
    /// unless the build fails or sets a schema (then includers build it
    /// themselves, in context).
    fn warm(&self, dir: &Path) {
        // Charts render per including root (kustomize 5.8's namespace), and
        // running helm ahead of need would run it for nothing.
        if self.options.helm.is_some() {
            return;
        }
        let Ok(loader) = self.options.open(&self.fs, dir) else {
            return;
        };
        let Ok(target) = Target::load(loader, &self.cache) else {
            return;
        };
        let schema = RefCell::new(SchemaState::default());
        if target.kust.is_component()
            || schema
                .borrow_mut()
                .configure(&target.kust, &target.loader, &target.file, false)
                .is_err()
        {
            return;
        }
        let ctx = Context {
            build_metadata: &[],
            origin: None,
            schema: &schema,
            cache: &self.cache,
            helm: None,
            helm_namespace: None,
        };
        self.cache.count_built();
        let Ok(acc) = target.accumulate(Accumulated::new(), &ctx) else {
            return;
        };
        let state = schema.into_inner();
        if !state.is_set() {
            self.cache.keep_node(
                dir,
                BuiltNode {
                    acc,
                    saw_resources: state.saw_any_resources(),
                    used_builtin_schema: state.used_builtin(),
                },
            );
        }
    }
}

/// What one kustomization names: resource files, bases and components.
#[derive(Default)]
struct Links {
    /// Each file as named (cleaned) and as it is to be read.
    files: Vec<(PathBuf, PathBuf)>,
    bases: Vec<PathBuf>,
    components: Vec<PathBuf>,
}

/// Whether a `resources:` entry names a file, judged by its extension.
fn looks_like_file(entry: &str) -> bool {
    [".yaml", ".yml", ".json"]
        .iter()
        .any(|ext| entry.ends_with(ext))
}

/// Counts, as the builds will ask, how often each base and resource file is
/// needed: each base is built once, each component every time it is applied.
struct Planner<'p> {
    links: &'p PathMap<Links>,
    /// How often each base directory will be asked for.
    nodes: PathMap<usize>,
    /// How often each resource file will be asked for.
    files: PathMap<usize>,
    /// Where each of those files is read from.
    reads: PathMap<PathBuf>,
    /// The bases each base includes (directly or through its components).
    children: BTreeMap<PathBuf, Vec<PathBuf>>,
    /// Components being applied (a component applying itself is an error
    /// for its build to report, not a loop for the plan).
    applying: Vec<PathBuf>,
}

impl Planner<'_> {
    /// One build of the kustomization in `dir`, whose bases count as
    /// children of `owner` (the base being built, if any).
    fn evaluate(&mut self, dir: &Path, owner: Option<&Path>) {
        let Some(named) = self.links.get(dir) else {
            return;
        };
        for (file, real) in &named.files {
            *self.files.entry(file.clone()).or_default() += 1;
            self.reads.insert(file.clone(), real.clone());
        }
        for base in &named.bases {
            if let Some(owner) = owner {
                self.children
                    .entry(owner.to_path_buf())
                    .or_default()
                    .push(base.clone());
            }
            let seen = self.nodes.contains_key(base);
            *self.nodes.entry(base.clone()).or_default() += 1;
            if !seen {
                self.children.entry(base.clone()).or_default();
                self.evaluate(base, Some(base));
            }
        }
        for component in &named.components {
            if !self.applying.contains(component) {
                self.applying.push(component.clone());
                self.evaluate(component, owner);
                self.applying.pop();
            }
        }
    }
}

/// A base's height: 0 when it includes no other base, else one more than its
/// highest child. The plan's loader checks rule out cycles; a repeated visit
/// counts as height 0 all the same.
fn height(
    node: &Path,
    children: &BTreeMap<PathBuf, Vec<PathBuf>>,
    heights: &mut BTreeMap<PathBuf, usize>,
) -> usize {
    if let Some(&h) = heights.get(node) {
        return h;
    }
    heights.insert(node.to_path_buf(), 0);
    let h = children
        .get(node)
        .into_iter()
        .flatten()
        .map(|child| height(child, children, heights) + 1)
        .max()
        .unwrap_or(0);
    heights.insert(node.to_path_buf(), h);
    h
}
