//! What one [`Graph`](super::Graph) remembers between the kustomizations it
//! builds: every kustomization file read once, resource files parsed once,
//! and the accumulated result of every base that more than one kustomization
//! includes, built once and handed to each includer.
//!
//! Reuse is sound because a base's accumulated result depends only on its
//! directory, given three conditions that the callers check: no origin
//! recording (`buildMetadata`), no custom OpenAPI schema in force where it is
//! included, and none set while building it (kustomize keeps the schema in
//! process-wide state; a base that sets none merges with the built-in one
//! whether or not an includer already fixed that choice). A base
//! that built successfully cannot be part of a cycle, so the chain of
//! kustomizations that reached it does not matter either. Failures are never
//! remembered: they are rebuilt where they occur, so messages keep the chain
//! that led to them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::Accumulated;
use crate::kustomization::Kustomization;
use crate::resource::Resource;
use crate::transform::patch::Patch;

/// A map keyed by paths. Paths hash a component at a time; foldhash keeps
/// each component cheap (the standard SipHash showed in profiles).
pub(super) type PathMap<V> = HashMap<PathBuf, V, foldhash::fast::RandomState>;

/// A kustomization file, read and parsed.
#[derive(Debug)]
pub(super) struct LoadedKustomization {
    /// The file (`kustomization.yaml`, ...).
    pub(super) file: PathBuf,
    pub(super) kust: Arc<Kustomization>,
}

/// A base's accumulated result, and what building it did to the build-wide
/// schema state (to be replayed on every reuse).
#[derive(Clone)]
pub(super) struct BuiltNode {
    pub(super) acc: Accumulated,
    pub(super) saw_resources: bool,
    pub(super) used_builtin_schema: bool,
}

/// A value loaded by the first thread to ask; the others wait for it.
type LoadOnce<T> = std::sync::OnceLock<crate::Result<T>>;

/// Patches by kustomization file and position in its `patches:`.
type PatchMap = HashMap<(PathBuf, usize), Arc<LoadOnce<Patch>>, foldhash::fast::RandomState>;

/// An entry handed out a planned number of times, then dropped.
struct Counted<T> {
    value: Arc<T>,
    remaining: usize,
}

/// Counts of the work a graph did and saved, for tests and reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GraphStats {
    /// Kustomization directories accumulated (each shared base counts once).
    pub kustomizations_built: usize,
    /// Times a base's accumulated result was reused instead of rebuilt.
    pub kustomizations_reused: usize,
    /// Resource files parsed.
    pub files_parsed: usize,
    /// Times a parsed resource file was reused instead of parsed again.
    pub files_reused: usize,
}

#[derive(Default)]
pub(super) struct Cache {
    kustomizations: Mutex<PathMap<Arc<LoadedKustomization>>>,
    files: Mutex<PathMap<Counted<Vec<Resource>>>>,
    nodes: Mutex<PathMap<Counted<BuiltNode>>>,
    /// Loaded `patches:` entries, by kustomization file and position; the
    /// first build to need one loads it while the others wait for it.
    patches: Mutex<PatchMap>,
    /// How many more times each base directory and resource file will be
    /// asked for, from the plan; only these are kept.
    planned_nodes: Mutex<PathMap<usize>>,
    planned_files: Mutex<PathMap<usize>>,
    built: AtomicUsize,
    reused: AtomicUsize,
    parsed: AtomicUsize,
    files_reused: AtomicUsize,
}

/// Locks a mutex, recovering the data if another thread panicked holding it
/// (entries are inserted whole, so the map is never half-updated).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Hands out one use of a counted entry: the last use takes it out of the map.
fn take<T: Clone>(map: &Mutex<PathMap<Counted<T>>>, key: &Path) -> Option<T> {
    let shared = {
        let mut map = lock(map);
        let entry = map.get_mut(key)?;
        entry.remaining -= 1;
        if entry.remaining == 0 {
            map.remove(key)?.value
        } else {
            Arc::clone(&entry.value)
        }
    };
    Some(Arc::try_unwrap(shared).unwrap_or_else(|shared| (*shared).clone()))
}

/// Keeps `value` for the uses still planned for `key`, if any.
fn keep<T>(
    map: &Mutex<PathMap<Counted<T>>>,
    planned: &Mutex<PathMap<usize>>,
    key: &Path,
    value: impl FnOnce() -> T,
) {
    let remaining = lock(planned).get(key).copied().unwrap_or(0);
    if remaining > 0 {
        lock(map).insert(
            key.to_path_buf(),
            Counted {
                value: Arc::new(value()),
                remaining,
            },
        );
    }
}

impl Cache {
    /// Records how many times each base and resource file will be asked for.
    pub(super) fn plan(&self, nodes: PathMap<usize>, files: PathMap<usize>) {
        *lock(&self.planned_nodes) = nodes;
        *lock(&self.planned_files) = files;
    }

    pub(super) fn kustomization(&self, dir: &Path) -> Option<Arc<LoadedKustomization>> {
        lock(&self.kustomizations).get(dir).cloned()
    }

    pub(super) fn keep_kustomization(&self, dir: &Path, loaded: Arc<LoadedKustomization>) {
        lock(&self.kustomizations).insert(dir.to_path_buf(), loaded);
    }

    /// A base built before, if one is kept for `dir`.
    pub(super) fn take_node(&self, dir: &Path) -> Option<BuiltNode> {
        let node = take(&self.nodes, dir)?;
        self.reused.fetch_add(1, Ordering::Relaxed);
        Some(node)
    }

    /// Records a base built (by a warm-up, so that `planned` uses remain).
    pub(super) fn keep_node(&self, dir: &Path, node: BuiltNode) {
        keep(&self.nodes, &self.planned_nodes, dir, || node);
    }

    pub(super) fn count_built(&self) {
        self.built.fetch_add(1, Ordering::Relaxed);
    }

    /// The resources of the file at `path`, if a parse of it is kept.
    pub(super) fn take_file(&self, path: &Path) -> Option<Vec<Resource>> {
        let resources = take(&self.files, path)?;
        self.files_reused.fetch_add(1, Ordering::Relaxed);
        Some(resources)
    }

    /// Keeps a parse of the file at `path` made ahead of its uses, for all
    /// of them.
    pub(super) fn parsed_ahead(&self, path: &Path, resources: Vec<Resource>) {
        self.parsed.fetch_add(1, Ordering::Relaxed);
        keep(&self.files, &self.planned_files, path, || resources);
    }

    /// Records a parse of the file at `path`, which served one use; a copy is
    /// kept for the other uses planned.
    pub(super) fn parsed_file(&self, path: &Path, resources: &[Resource]) {
        self.parsed.fetch_add(1, Ordering::Relaxed);
        let more = {
            let mut planned = lock(&self.planned_files);
            match planned.get_mut(path) {
                Some(n) if *n > 1 => {
                    *n -= 1;
                    true
                }
                _ => false,
            }
        };
        if more {
            keep(&self.files, &self.planned_files, path, || {
                resources.to_vec()
            });
        }
    }

    /// The `index`th `patches:` entry of the kustomization `file`, loaded
    /// once: a patch depends on its file alone, so its failure is the same
    /// for every build and is kept too.
    pub(super) fn patch(
        &self,
        file: &Path,
        index: usize,
        load: impl FnOnce() -> crate::Result<Patch>,
    ) -> crate::Result<Patch> {
        let once = Arc::clone(
            lock(&self.patches)
                .entry((file.to_path_buf(), index))
                .or_default(),
        );
        once.get_or_init(load).clone()
    }

    pub(super) fn stats(&self) -> GraphStats {
        GraphStats {
            kustomizations_built: self.built.load(Ordering::Relaxed),
            kustomizations_reused: self.reused.load(Ordering::Relaxed),
            files_parsed: self.parsed.load(Ordering::Relaxed),
            files_reused: self.files_reused.load(Ordering::Relaxed),
        }
    }
}
