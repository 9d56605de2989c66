//! The build: load a kustomization, accumulate its resources, bases and
//! components, run its transformers, and finish at the top level (name
//! references, local-config removal, sorting, build metadata).
//!
//! The order is kustomize's `accumulateTarget`: resources, generators,
//! components (which transform what was accumulated so far), then this
//! kustomization's own transformers.

mod cache;
mod finish;
mod generators;
mod graph;
mod helm_charts;
mod memo_fs;
mod openapi;
mod read;
mod target;
mod transformers;

use std::cell::RefCell;
use std::path::Path;
use std::sync::Arc;

use krust_yaml::Value;

use crate::config::TransformerConfig;
use crate::error::{Error, ErrorKind, Result};
use crate::fs::normalize;
use crate::loader::{LoadRestrictor, Loader};
use crate::resmap::ResMap;
use crate::transform;
use crate::transform::vars::{self, VarSet};
use crate::version::KustomizeVersion;
use crate::FileSystem;

pub use cache::GraphStats;
pub use graph::Graph;
pub use read::{patches_from_bytes, patches_from_documents, resources_from_bytes};
use target::Target;

/// How to build: `BuildOptions::default()` is `kustomize build` of the
/// newest supported release, then the `with_` setters change one setting
/// each (new settings may be added, so the fields cannot be listed in a
/// literal outside this crate).
///
/// ```
/// use krust::{BuildOptions, KustomizeVersion, LoadRestrictor};
///
/// let options = BuildOptions::default()
///     .with_kustomize_version(KustomizeVersion::V5_5_0)
///     .with_load_restrictor(LoadRestrictor::None);
/// assert_eq!(options.kustomize_version, KustomizeVersion::V5_5_0);
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct BuildOptions {
    /// Which files kustomizations may read.
    pub load_restrictor: LoadRestrictor,
    /// Which kustomize's output to reproduce (the newest by default).
    pub kustomize_version: KustomizeVersion,
    /// How to order the output of a kustomization without `sortOptions`.
    pub reorder: Reorder,
    /// How to run helm for `helmCharts` (`--enable-helm`); `None` refuses
    /// charts, and krust then runs no program at all.
    pub helm: Option<crate::HelmSettings>,
}

/// The order of a build's output when the top kustomization has no
/// `sortOptions` (kustomize's `--reorder`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Reorder {
    /// By kind, as `kustomize build` and `kubectl kustomize` print.
    #[default]
    Legacy,
    /// In the order resources were accumulated, as Flux's
    /// kustomize-controller builds (its build options leave the order unset).
    None,
}

impl BuildOptions {
    /// These options with `restrictor` deciding which files may be read.
    pub fn with_load_restrictor(mut self, restrictor: LoadRestrictor) -> BuildOptions {
        self.load_restrictor = restrictor;
        self
    }

    /// These options reproducing the output of kustomize `version`.
    pub fn with_kustomize_version(mut self, version: KustomizeVersion) -> BuildOptions {
        self.kustomize_version = version;
        self
    }

    /// These options ordering the output by `reorder`.
    pub fn with_reorder(mut self, reorder: Reorder) -> BuildOptions {
        self.reorder = reorder;
        self
    }

    /// These options inflating `helmCharts` with `helm` (`None`: refused).
    pub fn with_helm(mut self, helm: Option<crate::HelmSettings>) -> BuildOptions {
        self.helm = helm;
        self
    }

    /// Opens the top-level root `dir` with these options.
    fn open<'a>(&self, fs: &'a dyn FileSystem, dir: &Path) -> Result<Loader<'a>> {
        Ok(Loader::open(fs, dir, self.load_restrictor)?.with_version(self.kustomize_version))
    }
}

/// Annotation that marks a resource as configuration for tools only; such
/// resources are dropped from the output.
const LOCAL_CONFIG: &str = "config.kubernetes.io/local-config";

/// Builds the kustomization in `dir`, as `kubectl kustomize dir` does.
///
/// One build, on the calling thread; a [`Graph`] builds many roots, shares
/// their bases and uses every core.
pub fn build(fs: &dyn FileSystem, dir: &Path, options: &BuildOptions) -> Result<ResMap> {
    build_root(fs, dir, options, &cache::Cache::default())
}

/// A top-level build, reusing what `cache` holds.
fn build_root(
    fs: &dyn FileSystem,
    dir: &Path,
    options: &BuildOptions,
    cache: &cache::Cache,
) -> Result<ResMap> {
    let loader = options
        .open(fs, dir)
        .map_err(|e| e.reworded(|m| format!("must build at directory: {m}")))?;
    let target = Target::load(loader, cache)?;
    cache.count_built();
    finish_root(&target, cache, options).map_err(|e| e.within(&target.file))
}

/// Builds the root kustomization `target` through to its final output.
fn finish_root(target: &Target, cache: &cache::Cache, options: &BuildOptions) -> Result<ResMap> {
    let reorder = options.reorder;
    let record_origin = !target.kust.build_metadata.is_empty();
    let build_metadata = target.kust.build_metadata.clone();
    let schema = RefCell::new(openapi::SchemaState::default());
    schema
        .borrow_mut()
        .configure(&target.kust, &target.loader, &target.file, true)?;
    let ctx = Context {
        build_metadata: &build_metadata,
        origin: record_origin.then(String::new),
        schema: &schema,
        cache,
        helm: options.helm.as_ref(),
        helm_namespace: None,
    };
    let acc = target.accumulate(Accumulated::new(), &ctx)?;
    let config = acc.config();
    let acc_vars = acc.vars;
    let mut map = acc.map;
    add_hashes_to_names(&mut map)?;
    transform::nameref::apply(&mut map, &config.name_reference)?;
    vars::resolve(&mut map, &acc_vars, &config.var_reference, &|r, name| {
        r.ref_vars().iter().any(|v| v == name)
    })?;
    drop_local_configs(&mut map)?;
    let sort_options = target.kust.sort_options.as_ref();
    if sort_options.is_some() || reorder == Reorder::Legacy {
        transform::sort::apply(&mut map, sort_options).map_err(|e| e.in_file(&target.file))?;
    }
    finish::finish(&mut map, &target.kust, target.loader.version())?;
    Ok(map)
}

/// kustomize's `addHashesToNames`, at the top level only: every generated
/// object that wants one gets its content hash appended to its name (as
/// transformed so far), remembering the old id so references follow.
/// kustomize's last step (`IgnoreLocal`): every object must still have a
/// kind and (unless it is a `...List`) a name, whatever patches did to it;
/// objects marked local-config (any value but `false`), and objects a patch
/// emptied, are dropped.
fn drop_local_configs(map: &mut ResMap) -> Result<()> {
    for res in map.resources() {
        let obj = res.obj();
        if read::is_nil_or_empty(obj) {
            continue;
        }
        let text = |path: &[&str]| obj.get_path(path).and_then(Value::scalar_string);
        let kind = text(&["kind"]).unwrap_or_default();
        if kind.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidResource,
                format!("missing kind in object {}", res.id()),
            ));
        }
        if !kind.ends_with("List") && text(&["metadata", "name"]).unwrap_or_default().is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidResource,
                format!("missing metadata.name in {kind} object {}", res.id()),
            ));
        }
    }
    map.retain(|r| {
        if read::is_nil_or_empty(r.obj()) {
            return false;
        }
        let local = r
            .annotations()
            .and_then(|a| a.get(LOCAL_CONFIG))
            .map(|v| v.scalar_string().unwrap_or_default());
        local.is_none_or(|v| v == "false")
    });
    Ok(())
}

fn add_hashes_to_names(map: &mut ResMap) -> Result<()> {
    map.transform(|res| {
        if !res.needs_hash() {
            return Ok(());
        }
        let hash = crate::generate::content_hash(res.obj())
            .map_err(|e| Error::transform(format!("{}: {e}", res.id())))?;
        res.store_previous_id();
        let name = format!("{}-{hash}", res.id().name);
        if let Some(meta) = res
            .obj_mut()
            .get_mut("metadata")
            .and_then(Value::as_map_mut)
        {
            meta.insert("name".into(), Value::String(name));
        }
        Ok(())
    })
}

/// What every kustomization of one build shares.
struct Context<'c> {
    /// The top kustomization's `buildMetadata` (children inherit it).
    build_metadata: &'c [String],
    /// Path from the top kustomization to the current one, when recording origins.
    origin: Option<String>,
    /// The OpenAPI schema strategic merges use (build-wide, as in kustomize).
    schema: &'c RefCell<openapi::SchemaState>,
    /// What the graph this build belongs to has read and built already.
    cache: &'c cache::Cache,
    /// How to run helm, when charts may be inflated.
    helm: Option<&'c crate::HelmSettings>,
    /// The namespace of the nearest kustomization (this one included) that
    /// sets one: kustomize 5.8 templates charts without a namespace into it.
    helm_namespace: Option<String>,
}

impl Context<'_> {
    /// The context for a path (file or directory) below the current kustomization.
    fn below(&self, path: &str) -> Context<'_> {
        Context {
            build_metadata: self.build_metadata,
            origin: self.origin.as_ref().map(|o| join_origin(o, path)),
            schema: self.schema,
            cache: self.cache,
            helm: self.helm,
            helm_namespace: self.helm_namespace.clone(),
        }
    }

    /// The context for the kustomization `kust` itself: its own namespace,
    /// if it sets one, is the one its charts and its children's inherit.
    fn within(&self, kust: &crate::kustomization::Kustomization) -> Context<'_> {
        // Without helm nothing reads the namespace: nothing to carry.
        let helm_namespace = self.helm.and_then(|_| {
            let own = kust.namespace.as_ref().filter(|n| !n.is_empty());
            own.or(self.helm_namespace.as_ref()).cloned()
        });
        Context {
            build_metadata: self.build_metadata,
            origin: self.origin.clone(),
            schema: self.schema,
            cache: self.cache,
            helm: self.helm,
            helm_namespace,
        }
    }

    /// Whether a base built elsewhere may stand in for building it here (see
    /// the `cache` module for why these conditions suffice).
    fn may_reuse(&self) -> bool {
        self.build_metadata.is_empty()
            && self.origin.is_none()
            && self.helm.is_none()
            && !self.schema.borrow().has_custom()
    }
}

/// Joins origin paths as Go's `filepath.Join` does (cleaned, relative).
fn join_origin(base: &str, path: &str) -> String {
    normalize(&Path::new(base).join(path)).display().to_string()
}

/// Resources accumulated so far and the transformer tables in force: the
/// defaults plus every `configurations:`/`crds:` file of the kustomizations
/// accumulated (kustomize merges children's tables into their parents').
#[derive(Clone)]
struct Accumulated {
    map: ResMap,
    /// Vars declared so far, each bound to a resource.
    vars: VarSet,
    /// `None` until a configuration is merged in (kustomize starts empty).
    config: Option<Arc<TransformerConfig>>,
}

impl Accumulated {
    fn new() -> Accumulated {
        Accumulated {
            map: ResMap::new(),
            vars: VarSet::new(),
            config: None,
        }
    }

    /// The tables in force.
    fn config(&self) -> Arc<TransformerConfig> {
        self.config
            .clone()
            .unwrap_or_else(|| Arc::new(TransformerConfig::default()))
    }

    /// Merges `other` into the tables in force as kustomize's `MergeConfig`
    /// does, sharing the built-in tables instead of copying them when nothing
    /// else was configured.
    fn merge_config(&mut self, other: &Arc<TransformerConfig>) -> Result<(), String> {
        let builtin = TransformerConfig::shared_builtin();
        match &mut self.config {
            None if Arc::ptr_eq(other, builtin) => self.config = Some(Arc::clone(other)),
            None => {
                let mut merged = TransformerConfig::default();
                merged.merge(other)?;
                self.config = Some(Arc::new(merged));
            }
            Some(mine) if Arc::ptr_eq(mine, other) => {}
            Some(mine) => Arc::make_mut(mine).merge(other)?,
        }
        Ok(())
    }
}
