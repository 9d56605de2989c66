//! A whole cluster (or profile), rendered as Flux would reconcile it: the
//! directory built as the root Kustomization, then every Flux Kustomization
//! its objects contain, and those theirs contain, each built as
//! kustomize-controller builds it, its variables substituted, in
//! `dependsOn` order.
//!
//! Sources are directories the caller maps: the repository itself for the
//! `GitRepository` that syncs it (`flux-system`), and whatever else the
//! caller knows (another directory, a revision of this repository). A
//! Kustomization whose source is not mapped is skipped with a warning, or is
//! an error when sources must all be known. A source object the render
//! holds (a `GitRepository`...) contributes its `spec.ignore` to the files
//! left out of the source, as source-controller packs it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Mutex;

use krust::FileSystem;
use krust_yaml::Value;

use crate::build::{
    apply_common_metadata, build_flux_kustomization, root_kustomization, FluxBuildOptions,
    SourceIgnore,
};
use crate::envsubst::{substitute_resource, SubstituteOptions};
use crate::error::{Error, ErrorKind};
use crate::model::{is_flux_kustomization, is_object, Dependency, FluxKustomization};
use crate::order::{dependency_order, draw, GraphFormat, KsId, Node};
use crate::vars::{collect, VarsFrom};
use rayon::prelude::*;

/// A source's files: a filesystem and the directory its paths start from.
pub struct Source<'fs> {
    /// Where the source's files are read.
    pub fs: &'fs dyn FileSystem,
    /// The source's root directory on that filesystem.
    pub root: PathBuf,
}

/// A source reference as `Kind/namespace/name` (`GitRepository/flux-system/infrastructure`).
pub type SourceKey = String;

/// How to render a cluster.
#[derive(Default)]
pub struct ClusterOptions<'fs> {
    /// An unset variable referenced bare (`${v}`) fails, as with
    /// kustomize-controller's `StrictPostBuildSubstitutions` feature gate,
    /// which Flux 2.8 leaves off (the default here too: unset variables
    /// become empty).
    pub strict: bool,
    /// Sources besides the repository itself, by key.
    pub sources: BTreeMap<SourceKey, Source<'fs>>,
    /// A Kustomization whose source is not mapped is an error, not a warning.
    pub strict_sources: bool,
    /// The kustomize to build with (kustomize-controller 1.8 embeds 5.8.1,
    /// the default).
    pub kustomize_version: krust::KustomizeVersion,
}

/// One Flux Kustomization and what it applies.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The Kustomization.
    pub ks: FluxKustomization,
    /// Its objects after substitution and common metadata; `None` when it
    /// was not rendered (see `error`, or `Cluster::warnings` for skipped ones).
    pub objects: Option<Vec<Value>>,
    /// Why it could not be rendered, when it could not.
    pub error: Option<Error>,
}

/// What a cluster gets.
#[derive(Debug, Clone, Default)]
pub struct Cluster {
    /// Every Flux Kustomization (the root `flux-system/flux-system` too),
    /// in dependency order, ties by namespace and name.
    pub kustomizations: Vec<Rendered>,
    /// What could not be rendered or read, and why.
    pub warnings: Vec<String>,
    /// The HelmReleases rendered through helm ([`crate::helm::render_releases`]);
    /// empty unless asked for.
    pub releases: Vec<crate::helm::RenderedRelease>,
}

/// Objects as multi-document YAML, as kustomize prints them; an object
/// that cannot be written is an [`ErrorKind::Yaml`] error.
pub(crate) fn to_yaml<'v>(objects: impl IntoIterator<Item = &'v Value>) -> Result<String, Error> {
    let mut out = String::new();
    for obj in objects {
        if !out.is_empty() {
            out.push_str("---\n");
        }
        krust_yaml::emit_document(obj, &mut out)
            .map_err(|e| Error::new(ErrorKind::Yaml, e.to_string()))?;
    }
    Ok(out)
}

impl Rendered {
    /// The Kustomization as the dependency graph sees it.
    pub fn node(&self) -> Node {
        Node {
            id: self.ks.id(),
            path: self.ks.path.clone(),
            source: self.ks.source_ref.key(),
            depends_on: self.ks.depends_on.iter().map(Dependency::id).collect(),
        }
    }

    /// This Kustomization's objects as YAML (empty when not rendered).
    pub fn to_yaml(&self) -> Result<String, Error> {
        to_yaml(self.objects.iter().flatten()).map_err(|e| e.about(&self.ks.id()))
    }
}

impl Cluster {
    /// Why each Kustomization that failed did, in dependency order.
    pub fn errors(&self) -> impl Iterator<Item = &Error> {
        let releases = self.releases.iter().filter_map(|r| r.error.as_ref());
        self.kustomizations
            .iter()
            .filter_map(|r| r.error.as_ref())
            .chain(releases)
    }

    /// Every object, Kustomizations in dependency order, then what each
    /// rendered HelmRelease installs, as YAML.
    pub fn to_yaml(&self) -> Result<String, Error> {
        let releases = self
            .releases
            .iter()
            .flat_map(|r| r.objects.iter().flatten());
        to_yaml(
            self.kustomizations
                .iter()
                .flat_map(|r| r.objects.iter().flatten())
                .chain(releases),
        )
    }

    /// The Kustomization graph (already in dependency order), drawn.
    pub fn graph(&self, format: GraphFormat) -> String {
        let nodes: Vec<Node> = self.kustomizations.iter().map(Rendered::node).collect();
        draw(&nodes.iter().collect::<Vec<_>>(), format)
    }

    /// The number of objects rendered.
    pub fn object_count(&self) -> usize {
        let releases: usize = self
            .releases
            .iter()
            .filter_map(|r| r.objects.as_ref())
            .map(Vec::len)
            .sum();
        self.kustomizations
            .iter()
            .filter_map(|r| r.objects.as_ref())
            .map(Vec::len)
            .sum::<usize>()
            + releases
    }
}

/// Renders the cluster whose root is `dir` (relative to `repo`'s root), as
/// Flux's root Kustomization `flux-system/flux-system` would build it. A
/// Kustomization that fails is recorded with its error (see
/// [`Cluster::errors`]; [`Error::object`] names it, or the malformed
/// Kustomization among its objects) and the others still render; a
/// `dependsOn` cycle or missing dependency fails the whole cluster
/// ([`ErrorKind::DependsOn`]).
pub fn render_cluster(
    repo: &Source,
    dir: &str,
    options: &ClusterOptions,
) -> Result<Cluster, Error> {
    let mut cluster = Cluster::default();
    let mut seen: BTreeSet<KsId> = BTreeSet::new();
    let mut pending: Vec<FluxKustomization> = vec![root_kustomization(dir)];
    let mut rendered: Vec<Rendered> = Vec::new();
    // Every object rendered so far: where `substituteFrom` looks.
    let mut objects_so_far: Vec<Value> = Vec::new();
    seen.insert(pending[0].id());
    let ignores = IgnoreCache::default();
    while !pending.is_empty() {
        let done: BTreeSet<KsId> = rendered.iter().map(|r| r.ks.id()).collect();
        // Every Kustomization whose dependencies have all been rendered goes
        // in this wave, built in parallel; failing that, the first (its
        // dependencies may never come, which the ordering then reports).
        let (mut wave, waiting): (Vec<_>, Vec<_>) = pending
            .drain(..)
            .partition(|ks| ks.depends_on.iter().all(|d| done.contains(&d.id())));
        pending = waiting;
        if wave.is_empty() {
            wave.push(pending.remove(0));
        }
        let mut results: Vec<Outcome> = wave
            .par_iter()
            .map(|ks| render_one(repo, ks, options, &objects_so_far, &ignores))
            .collect();
        if rendered.is_empty() {
            // The root's own source is usually defined in what the root
            // renders (`flux-system/gotk-sync.yaml`): when it has
            // `spec.ignore`, the artifact the root is built from honours it.
            if let (Some(root), Some(Ok((Some(objects), _)))) = (wave.first(), results.first()) {
                if source_ignore(&root.source_ref.key(), objects).is_some() {
                    let objects = objects.clone();
                    results[0] = render_one(repo, root, options, &objects, &ignores);
                }
            }
        }
        for (ks, result) in wave.into_iter().zip(results) {
            // A Kustomization that fails is recorded; the others go on.
            let (objects, mut error) = match result {
                Ok((objects, warnings)) => {
                    cluster.warnings.extend(warnings);
                    (objects, None)
                }
                Err(e) => (None, Some(e)),
            };
            if let Some(objects) = &objects {
                for obj in objects.iter().filter(|obj| is_flux_kustomization(obj)) {
                    match FluxKustomization::from_value(obj) {
                        Ok(found) => {
                            if seen.insert(found.id()) {
                                pending.push(found);
                            }
                        }
                        Err(e) => error = Some(e.in_kustomization(&ks.id())),
                    }
                }
                objects_so_far.extend(objects.iter().cloned());
            }
            rendered.push(Rendered { ks, objects, error });
        }
    }
    let nodes: Vec<Node> = rendered.iter().map(Rendered::node).collect();
    let order: Vec<KsId> = dependency_order(&nodes)?
        .into_iter()
        .map(|n| n.id.clone())
        .collect();
    let mut by_id: BTreeMap<KsId, Rendered> =
        rendered.into_iter().map(|r| (r.ks.id(), r)).collect();
    cluster.kustomizations = order.iter().filter_map(|id| by_id.remove(id)).collect();
    Ok(cluster)
}

/// Builds one Kustomization, substitutes its variables and sets its common
/// metadata; `None` (with a warning) when it is suspended or its source is
/// not mapped.
/// One Kustomization's objects (`None`: not rendered) and warnings.
type Outcome = Result<(Option<Vec<Value>>, Vec<String>), Error>;

fn render_one(
    repo: &Source,
    ks: &FluxKustomization,
    options: &ClusterOptions,
    objects_so_far: &[Value],
    ignores: &IgnoreCache,
) -> Outcome {
    let mut warnings = Vec::new();
    let objects = render_objects(repo, ks, options, objects_so_far, ignores, &mut warnings)?;
    Ok((objects, warnings))
}

/// The `.sourceignore` rules of each source, read once per cluster (reading
/// them walks the whole source).
#[derive(Default)]
struct IgnoreCache(Mutex<BTreeMap<SourceKey, SourceIgnore>>);

impl IgnoreCache {
    /// The source's exclusions: its `.sourceignore` files, then `spec`
    /// (the source object's `spec.ignore`), as source-controller applies them.
    fn get(&self, key: &str, source: &Source, spec: Option<&str>) -> Result<SourceIgnore, Error> {
        let mut cache = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let mut ignore = match cache.get(key) {
            Some(found) => found.clone(),
            None => {
                let loaded = SourceIgnore::load(source.fs, &source.root).map_err(|e| {
                    e.context("reading .sourceignore")
                        .context(source.root.display().to_string())
                        .in_source(key)
                })?;
                cache.insert(key.to_owned(), loaded.clone());
                loaded
            }
        };
        if let Some(patterns) = spec {
            ignore.add_patterns(patterns);
        }
        Ok(ignore)
    }
}

/// `spec.ignore` of the source `key` (`Kind/namespace/name`) when `objects`
/// hold that source object (the last one wins, as the last apply does):
/// source-controller adds these patterns after the `.sourceignore` files'
/// when it packs a GitRepository, OCIRepository or Bucket artifact.
fn source_ignore<'v>(key: &str, objects: &'v [Value]) -> Option<&'v str> {
    let mut parts = key.splitn(3, '/');
    let (kind, namespace, name) = (parts.next()?, parts.next()?, parts.next()?);
    if !matches!(kind, "GitRepository" | "OCIRepository" | "Bucket") {
        return None;
    }
    objects
        .iter()
        .rev()
        .find(|obj| {
            is_object(obj, kind, namespace, name)
                && obj
                    .str_at(&["apiVersion"])
                    .is_some_and(|v| v.starts_with("source.toolkit.fluxcd.io/"))
        })?
        .str_at(&["spec", "ignore"])
}

fn render_objects(
    repo: &Source,
    ks: &FluxKustomization,
    options: &ClusterOptions,
    objects_so_far: &[Value],
    ignores: &IgnoreCache,
    warnings: &mut Vec<String>,
) -> Result<Option<Vec<Value>>, Error> {
    let id = ks.id();
    if ks.suspend {
        warnings.push(format!("Kustomization {id} is suspended: not rendered"));
        return Ok(None);
    }
    if ks.api_version != "v1" {
        warnings.push(format!(
            "Kustomization {id} is kustomize.toolkit.fluxcd.io/{}, which Flux 2.8 (kustomize-controller v1.8) no longer serves: the API server refuses it",
            ks.api_version
        ));
    }
    let key = ks.source_ref.key();
    let source = match options.sources.get(&key) {
        Some(source) => source,
        None if key == "GitRepository/flux-system/flux-system" => repo,
        None if options.strict_sources => {
            return Err(Error::new(
                ErrorKind::Source,
                format!("source {key} is not mapped (give --source {key}=PATH or =git:REF)"),
            )
            .in_source(key)
            .in_kustomization(&id))
        }
        None => {
            warnings.push(format!(
                "Kustomization {id} skipped: source {key} is not mapped (give --source {key}=PATH or =git:REF)"
            ));
            return Ok(None);
        }
    };
    let ignore = ignores
        .get(&key, source, source_ignore(&key, objects_so_far))
        .map_err(|e| e.about(&id))?;
    let build = FluxBuildOptions {
        ignore: Some(ignore),
        kustomize_version: options.kustomize_version,
    };
    let map = build_flux_kustomization(source.fs, &source.root, ks, &build)?;
    let mut objects: Vec<Value> = map
        .into_resources()
        .into_iter()
        .map(|r| r.obj().clone())
        .collect();
    if let Some(post) = &ks.post_build {
        let from: Vec<VarsFrom> = post
            .substitute_from
            .iter()
            .map(|s| VarsFrom {
                kind: s.kind.clone(),
                name: s.name.clone(),
                optional: s.optional,
            })
            .collect();
        let inline: BTreeMap<String, String> = post
            .substitute
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let vars = collect(&ks.namespace, &from, &inline, objects_so_far)
            .map_err(|e| e.in_kustomization(&id))?;
        warnings.extend(
            vars.unavailable
                .iter()
                .map(|w| format!("Kustomization {id}: {w}")),
        );
        // Variable names are checked per resource, only when one is
        // actually substituted (not disabled), as Flux does.
        let substitute = SubstituteOptions {
            strict: options.strict,
            always: false,
        };
        for obj in &mut objects {
            match substitute_resource(obj, &vars.values, substitute) {
                Ok(Some(changed)) => *obj = changed,
                Ok(None) => {}
                Err(e) => return Err(Error::from(e).context(describe(obj)).in_kustomization(&id)),
            }
        }
    }
    if let Some(metadata) = &ks.common_metadata {
        apply_common_metadata(&mut objects, metadata);
    }
    Ok(Some(objects))
}

/// `Kind namespace/name` of an object, for messages.
fn describe(obj: &Value) -> String {
    let kind = obj.str_at(&["kind"]).unwrap_or("object");
    let name = obj.str_at(&["metadata", "name"]).unwrap_or("?");
    match obj.str_at(&["metadata", "namespace"]) {
        Some(ns) => format!("{kind} {ns}/{name}"),
        None => format!("{kind} {name}"),
    }
}
