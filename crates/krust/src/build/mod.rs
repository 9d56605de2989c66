//! The build: load a kustomization, accumulate its resources, bases and
//! components, run its transformers, and finish at the top level (name
//! references, local-config removal, sorting, build metadata).
//!
//! The order is kustomize's `accumulateTarget`: resources, generators,
//! components (which transform what was accumulated so far), then this
//! kustomization's own transformers.

mod openapi;
mod read;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use krust_yaml::Value;

use crate::config::TransformerConfig;
use crate::error::{Error, Result};
use crate::fs::normalize;
use crate::kustomization::{self, Kustomization};
use crate::loader::{is_remote, LoadRestrictor, Loader};
use crate::plugin::Transformer;
use crate::resmap::ResMap;
use crate::resource::Transformation;
use crate::transform;
use crate::FileSystem;

pub use read::resources_from_bytes;

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Which files kustomizations may read.
    pub load_restrictor: LoadRestrictor,
}

/// Annotation that marks a resource as configuration for tools only; such
/// resources are dropped from the output.
const LOCAL_CONFIG: &str = "config.kubernetes.io/local-config";
/// Annotation holding a resource's origin, when `buildMetadata` asks for it.
const ORIGIN: &str = "config.kubernetes.io/origin";
/// Annotation listing the transformers that ran, when `buildMetadata` asks for it.
const TRANSFORMATIONS: &str = "alpha.config.kubernetes.io/transformations";

/// Builds the kustomization in `dir`, as `kubectl kustomize dir` does.
pub fn build(fs: &dyn FileSystem, dir: &Path, options: &BuildOptions) -> Result<ResMap> {
    let loader = Loader::open(fs, dir, options.load_restrictor).map_err(|e| Error {
        message: format!("must build at directory: {}", e.message),
        ..e
    })?;
    let target = Target::load(loader)?;
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
    };
    let acc = target.accumulate(Accumulated::new(), &ctx)?;
    let config = acc.config();
    let mut map = acc.map;
    transform::nameref::apply(&mut map, &config.name_reference)?;
    map.retain(|r| {
        r.annotations()
            .and_then(|a| a.get(LOCAL_CONFIG))
            .and_then(Value::as_str)
            != Some("true")
    });
    transform::sort::apply(&mut map, target.kust.sort_options.as_ref())
        .map_err(|e| e.in_file(&target.file))?;
    finish(&mut map, &target.kust)?;
    Ok(map)
}

/// What every kustomization of one build shares.
struct Context<'c> {
    /// The top kustomization's `buildMetadata` (children inherit it).
    build_metadata: &'c [String],
    /// Path from the top kustomization to the current one, when recording origins.
    origin: Option<String>,
    /// The OpenAPI schema strategic merges use (build-wide, as in kustomize).
    schema: &'c RefCell<openapi::SchemaState>,
}

impl Context<'_> {
    /// The context for a path (file or directory) below the current kustomization.
    fn below(&self, path: &str) -> Context<'_> {
        Context {
            build_metadata: self.build_metadata,
            origin: self.origin.as_ref().map(|o| join_origin(o, path)),
            schema: self.schema,
        }
    }
}

/// Joins origin paths as Go's `filepath.Join` does (cleaned, relative).
fn join_origin(base: &str, path: &str) -> String {
    normalize(&Path::new(base).join(path)).display().to_string()
}

/// Resources accumulated so far and the transformer tables in force: the
/// defaults plus every `configurations:`/`crds:` file of the kustomizations
/// accumulated (kustomize merges children's tables into their parents').
struct Accumulated {
    map: ResMap,
    /// `None` until a configuration is merged in (kustomize starts empty).
    config: Option<Arc<TransformerConfig>>,
}

impl Accumulated {
    fn new() -> Accumulated {
        Accumulated {
            map: ResMap::new(),
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

/// A loaded kustomization and the root it was loaded from.
struct Target<'a> {
    loader: Loader<'a>,
    kust: Kustomization,
    file: PathBuf,
}

impl<'a> Target<'a> {
    fn load(loader: Loader<'a>) -> Result<Target<'a>> {
        let file = kustomization::find_file(loader.fs(), loader.root())?;
        let bytes = loader
            .fs()
            .read(&file)
            .map_err(|e| Error::at(&file, e.to_string()))?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| Error::at(&file, format!("file is not valid UTF-8: {e}")))?;
        // kustomize reads this file with go-yaml v2, where a repeated key wins.
        let options = krust_yaml::LoadOptions {
            duplicate_keys_last_wins: true,
            ..Default::default()
        };
        let docs =
            krust_yaml::load_documents_with(text, options).map_err(|e| Error::yaml(&file, &e))?;
        let kust =
            kustomization::parse_kustomization(docs.first()).map_err(|e| Error::at(&file, e))?;
        if let Some((field, _)) = kust.unsupported.first() {
            let message = if field.starts_with("helm") {
                format!("'{field}': Helm charts are not supported: krust does not run helm (render the chart to manifests and list those as resources)")
            } else {
                format!("the kustomization field '{field}' is not supported by krust yet")
            };
            return Err(Error::at(&file, message));
        }
        Ok(Target { loader, kust, file })
    }

    /// kustomize's `accumulateTarget`: adds this kustomization's resources to
    /// `acc`, merges its transformer tables, applies its components and then
    /// its own transformers.
    fn accumulate(&self, mut acc: Accumulated, ctx: &Context) -> Result<Accumulated> {
        for path in &self.kust.resources {
            self.accumulate_resource(&mut acc, path, ctx)?;
        }
        let own = self.own_config()?;
        acc.merge_config(&own)
            .map_err(|e| Error::at(&self.file, e))?;
        for path in &self.kust.components {
            acc = self.accumulate_component(acc, path, ctx)?;
        }
        let config = acc.config();
        self.transform(&mut acc.map, &config, ctx)
            .map_err(|e| e.in_file(&self.file))?;
        Ok(acc)
    }

    /// The defaults plus this kustomization's `configurations:` and `crds:` files.
    fn own_config(&self) -> Result<Arc<TransformerConfig>> {
        let builtin = TransformerConfig::shared_builtin();
        if self.kust.configurations.is_empty() && self.kust.crds.is_empty() {
            return Ok(Arc::clone(builtin));
        }
        let mut config = TransformerConfig::clone(builtin);
        for path in &self.kust.configurations {
            let (file, text) = self.load_text(path)?;
            let extra = TransformerConfig::parse(&text).map_err(|e| Error::at(&file, e))?;
            config.merge(&extra).map_err(|e| Error::at(&file, e))?;
        }
        for path in &self.kust.crds {
            let (file, text) = self.load_text(path)?;
            let docs = krust_yaml::load_documents(&text).map_err(|e| Error::yaml(&file, &e))?;
            let doc = docs
                .first()
                .ok_or_else(|| Error::at(&file, "empty OpenAPI definition file"))?;
            let extra = crate::config::from_crd_definitions(doc).map_err(|e| {
                Error::at(&file, format!("unable to parse open API definition: {e}"))
            })?;
            config.merge(&extra).map_err(|e| Error::at(&file, e))?;
        }
        Ok(Arc::new(config))
    }

    /// Reads a text file named by this kustomization, under its load restrictions.
    fn load_text(&self, path: &str) -> Result<(PathBuf, String)> {
        let (file, bytes) = self.loader.load(path).map_err(|e| e.in_file(&self.file))?;
        let text =
            String::from_utf8(bytes).map_err(|_| Error::at(&file, "file is not valid UTF-8"))?;
        Ok((file, text))
    }

    /// One `resources:` entry: a file of objects, or a directory with a kustomization.
    fn accumulate_resource(&self, acc: &mut Accumulated, path: &str, ctx: &Context) -> Result<()> {
        let file_err = match self.loader.load(path) {
            Ok((file, bytes)) => {
                let mut resources = resources_from_bytes(&file, &bytes)?;
                if let Some(origin) = &ctx.below(path).origin {
                    resources
                        .iter_mut()
                        .for_each(|r| r.set_origin(origin.clone()));
                }
                for res in resources {
                    acc.map.append(res).map_err(|e| e.in_file(&file))?;
                }
                ctx.schema.borrow_mut().saw_resources();
                return Ok(());
            }
            Err(e) => e,
        };
        let child = self.loader.child(path).map_err(|dir_err| {
            if is_remote(path) {
                Error::at(
                    &self.file,
                    format!(
                        "remote resource '{path}' is not supported: krust reads local files only"
                    ),
                )
            } else if self
                .loader
                .fs()
                .kind(&self.loader.root().join(path))
                .is_some()
            {
                dir_err.in_file(&self.file)
            } else {
                Error::at(
                    &self.file,
                    format!("resource '{path}' not found ({})", file_err.message),
                )
            }
        })?;
        let target = Target::load(child).map_err(|e| e.via(&self.file))?;
        ctx.schema
            .borrow_mut()
            .configure(&target.kust, &target.loader, &target.file, false)
            .map_err(|e| e.via(&self.file))?;
        if target.kust.is_component() {
            return Err(Error::at(
                &self.file,
                format!("'{path}' is a Component: list it under 'components', not 'resources'"),
            ));
        }
        let sub = target
            .accumulate(Accumulated::new(), &ctx.below(path))
            .map_err(|e| e.via(&self.file))?;
        acc.map
            .append_all(sub.map)
            .map_err(|e| e.in_file(&self.file))?;
        if let Some(sub_config) = &sub.config {
            acc.merge_config(sub_config)
                .map_err(|e| Error::at(&self.file, e))?;
        }
        Ok(())
    }

    /// One `components:` entry: a directory whose kustomization (a Component)
    /// adds to and transforms everything accumulated so far.
    fn accumulate_component(
        &self,
        acc: Accumulated,
        path: &str,
        ctx: &Context,
    ) -> Result<Accumulated> {
        let child = self.loader.child(path).map_err(|e| {
            let e = e.in_file(&self.file);
            Error {
                message: format!("component '{path}': {}", e.message),
                ..e
            }
        })?;
        let target = Target::load(child).map_err(|e| e.via(&self.file))?;
        ctx.schema
            .borrow_mut()
            .configure(&target.kust, &target.loader, &target.file, false)
            .map_err(|e| e.via(&self.file))?;
        if !target.kust.is_component() {
            return Err(Error::at(
                &self.file,
                format!("'{path}' must be a kind: Component to be listed under 'components', but it is a {}", target.kust.kind),
            ));
        }
        target
            .accumulate(acc, &ctx.below(path))
            .map_err(|e| e.via(&self.file))
    }

    /// This kustomization's transformers, in kustomize's order, each named
    /// by its built-in plugin kind (recorded when `buildMetadata` asks).
    fn transform(&self, map: &mut ResMap, config: &TransformerConfig, ctx: &Context) -> Result<()> {
        let own = ctx
            .origin
            .as_ref()
            .map(|o| join_origin(o, &self.file_name()));
        let mut transformers: Vec<(Transformer, Option<Transformation>)> = self
            .field_transformers(config)?
            .into_iter()
            .map(|t| {
                let record = own.as_ref().map(|configured_in| Transformation {
                    configured_in: configured_in.clone(),
                    kind: t.kind(),
                    name: String::new(),
                    namespace: String::new(),
                });
                (t, record)
            })
            .collect();
        transformers.extend(self.listed_transformers(ctx, own.as_deref())?);
        let schema = || ctx.schema.borrow_mut().current();
        for (transformer, record) in &transformers {
            transformer.apply(map, &schema)?;
            if let Some(record) = record {
                map.transform(|r| {
                    r.add_transformation(record.clone());
                    Ok(())
                })?;
            }
            map.retain(|r| !r.is_empty());
        }
        Ok(())
    }

    /// The transformers this kustomization's fields configure, in kustomize's order.
    fn field_transformers(&self, config: &TransformerConfig) -> Result<Vec<Transformer>> {
        let k = &self.kust;
        let mut out = Vec::new();
        if !k.patches_strategic_merge.is_empty() {
            out.push(Transformer::PatchesStrategicMerge(
                transform::patch::load_strategic_merge(
                    &self.loader,
                    &self.file,
                    &k.patches_strategic_merge,
                )?,
            ));
        }
        for spec in &k.patches {
            out.push(Transformer::Patch(transform::patch::load(
                &self.loader,
                &self.file,
                spec,
            )?));
        }
        if let Some(ns) = k.namespace.as_deref().filter(|ns| !ns.is_empty()) {
            out.push(Transformer::Namespace {
                namespace: ns.to_owned(),
                specs: config.namespace.clone(),
                options: Default::default(),
            });
        }
        if let Some(prefix) = k.name_prefix.as_deref().filter(|p| !p.is_empty()) {
            out.push(Transformer::Prefix {
                prefix: prefix.to_owned(),
                specs: config.name_prefix.clone(),
            });
        }
        if let Some(suffix) = k.name_suffix.as_deref().filter(|s| !s.is_empty()) {
            out.push(Transformer::Suffix {
                suffix: suffix.to_owned(),
                specs: config.name_suffix.clone(),
            });
        }
        if !k.labels.is_empty() || !k.common_labels.is_empty() {
            for set in &k.labels {
                let specs = transform::labels::specs_for(set, config)
                    .map_err(|e| Error::at(&self.file, e))?;
                out.push(Transformer::Labels {
                    pairs: set.pairs.clone(),
                    specs,
                });
            }
            out.push(Transformer::Labels {
                pairs: k.common_labels.clone(),
                specs: config.common_labels.clone(),
            });
        }
        if !k.common_annotations.is_empty() {
            out.push(Transformer::Annotations {
                pairs: k.common_annotations.clone(),
                specs: config.common_annotations.clone(),
            });
        }
        for spec in &k.patches_json6902 {
            out.push(Transformer::PatchJson6902(transform::patch::load_json6902(
                &self.loader,
                &self.file,
                spec,
            )?));
        }
        for replica in &k.replicas {
            out.push(Transformer::Replicas {
                replica: replica.clone(),
                specs: config.replicas.clone(),
            });
        }
        for image in &k.images {
            out.push(Transformer::Image {
                image: image.clone(),
                specs: config.images.clone(),
            });
        }
        Ok(out)
    }

    /// The transformers listed under `transformers:`: inline plugin objects,
    /// or files and kustomization directories whose objects are plugin
    /// configurations (accumulated, and transformed, like resources).
    fn listed_transformers(
        &self,
        ctx: &Context,
        own: Option<&str>,
    ) -> Result<Vec<(Transformer, Option<Transformation>)>> {
        if !self.kust.validators.is_empty() {
            return Err(Error::at(
                &self.file,
                "validators are plugins, which krust does not run (only kustomize's built-in transformers)",
            ));
        }
        let mut out = Vec::new();
        let mut configs = Accumulated::new();
        for entry in &self.kust.transformers {
            match resources_from_bytes(&self.file, entry.as_bytes()) {
                Ok(objects) if !objects.is_empty() => {
                    for obj in objects {
                        let t = Transformer::from_config(obj.obj(), &self.loader, &self.file)?;
                        let record = own.map(|o| plugin_record(&t, obj.obj(), o));
                        out.push((t, record));
                    }
                }
                _ => self.accumulate_resource(&mut configs, entry, ctx)?,
            }
        }
        for res in configs.map.resources() {
            let t = Transformer::from_config(res.obj(), &self.loader, &self.file)?;
            let record = res.origin().map(|o| plugin_record(&t, res.obj(), o));
            out.push((t, record));
        }
        Ok(out)
    }

    /// The kustomization file's own name (`kustomization.yaml`, ...).
    fn file_name(&self) -> String {
        self.file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Writes or strips what `buildMetadata` controls, then the cleanup that
/// removing kustomize's internal annotations leaves visible.
fn finish(map: &mut ResMap, kust: &Kustomization) -> Result<()> {
    let keep_origin = kust.has_build_metadata("originAnnotations");
    let keep_transformations = kust.has_build_metadata("transformerAnnotations");
    let managed_by = kust.has_build_metadata("managedByLabel");
    map.transform(|res| {
        if keep_origin {
            if let Some(origin) = res.origin().map(|o| format!("path: {o}\n")) {
                let meta = ensure_map(res.obj_mut(), "metadata");
                transform::set_entry(ensure_entry(meta, "annotations"), ORIGIN, &origin)
                    .map_err(Error::msg)?;
            }
        }
        if keep_transformations && !res.transformations().is_empty() {
            let text = transformations_annotation(res.transformations());
            let meta = ensure_map(res.obj_mut(), "metadata");
            transform::set_entry(ensure_entry(meta, "annotations"), TRANSFORMATIONS, &text)
                .map_err(Error::msg)?;
        }
        if managed_by {
            let meta = ensure_map(res.obj_mut(), "metadata");
            transform::set_entry(
                ensure_entry(meta, "labels"),
                "app.kubernetes.io/managed-by",
                concat!("kustomize-", "v5.5.0"),
            )
            .map_err(Error::msg)?;
        }
        res.finish_build_annotations();
        Ok(())
    })
}

/// The record of a transformer listed as a plugin object.
fn plugin_record(t: &Transformer, obj: &Value, configured_in: &str) -> Transformation {
    Transformation {
        configured_in: configured_in.to_owned(),
        kind: t.kind(),
        name: obj
            .str_at(&["metadata", "name"])
            .unwrap_or_default()
            .to_owned(),
        namespace: obj
            .str_at(&["metadata", "namespace"])
            .unwrap_or_default()
            .to_owned(),
    }
}

/// The YAML list kustomize writes into the transformations annotation.
fn transformations_annotation(list: &[Transformation]) -> String {
    let mut out = String::new();
    for t in list {
        out.push_str(&format!(
            "- configuredIn: {}\n  configuredBy:\n    apiVersion: builtin\n    kind: {}\n",
            t.configured_in, t.kind
        ));
        if !t.name.is_empty() {
            out.push_str(&format!("    name: {}\n", t.name));
        }
        if !t.namespace.is_empty() {
            out.push_str(&format!("    namespace: {}\n", t.namespace));
        }
    }
    out
}

fn ensure_map<'v>(obj: &'v mut Value, key: &str) -> &'v mut Value {
    let map = match obj {
        Value::Map(m) => m,
        other => {
            *other = Value::Map(Default::default());
            other.as_map_mut().expect("just made a map")
        }
    };
    map.entry(key.to_owned())
        .or_insert_with(|| Value::Map(Default::default()))
}

fn ensure_entry<'v>(meta: &'v mut Value, key: &str) -> &'v mut Value {
    if !matches!(meta, Value::Map(_)) {
        *meta = Value::Map(Default::default());
    }
    let Value::Map(m) = meta else { unreachable!() };
    m.entry(key.to_owned()).or_insert(Value::Null)
}
