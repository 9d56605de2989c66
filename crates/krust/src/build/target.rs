//! One kustomization being built: loading it, and accumulating its
//! resources, bases and components (kustomize's `KustTarget`).

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use super::cache::{Cache, LoadedKustomization};
use super::{resources_from_bytes, Accumulated, Context};
use crate::config::TransformerConfig;
use crate::error::{Error, Result};
use crate::fs::FileKind;
use crate::kustomization::{self, Kustomization};
use crate::loader::{is_remote, Loader};
use crate::resource::Origin;
use crate::transform::vars;

/// A `resources:` entry read as a file: its path and objects, or why it is
/// not a readable file.
type FileRead = Result<(PathBuf, Result<Vec<crate::resource::Resource>>)>;

/// A loaded kustomization and the root it was loaded from.
pub(super) struct Target<'a> {
    pub(super) loader: Loader<'a>,
    pub(super) kust: Arc<Kustomization>,
    pub(super) file: PathBuf,
}

impl<'a> Target<'a> {
    /// Loads the kustomization at `loader`'s root, reading and parsing its
    /// file only the first time `cache` sees the directory.
    pub(super) fn load(loader: Loader<'a>, cache: &Cache) -> Result<Target<'a>> {
        let loaded = match cache.kustomization(loader.root()) {
            Some(loaded) => loaded,
            None => {
                let loaded = Arc::new(read_kustomization(&loader)?);
                cache.keep_kustomization(loader.root(), Arc::clone(&loaded));
                loaded
            }
        };
        let (kust, file) = (Arc::clone(&loaded.kust), loaded.file.clone());
        let unsupported = kust.unsupported.iter().find(|(_, value)| {
            !matches!(value, krust_yaml::Value::Null)
                && !value.as_seq().is_some_and(|s| s.is_empty())
                && !value.as_map().is_some_and(|m| m.is_empty())
        });
        if let Some((field, _)) = unsupported {
            let message =
                format!("the kustomization field '{field}' is not supported by krust yet");
            return Err(Error::unsupported(&file, message));
        }
        Ok(Target { loader, kust, file })
    }

    /// kustomize's `accumulateTarget`: adds this kustomization's resources to
    /// `acc`, merges its transformer tables, applies its components and then
    /// its own transformers.
    /// Callers add this kustomization's file to the chain of any error.
    pub(super) fn accumulate(&self, mut acc: Accumulated, ctx: &Context) -> Result<Accumulated> {
        let ctx = &ctx.within(&self.kust);
        let mut ahead = self.read_ahead(ctx.cache).into_iter();
        for path in &self.kust.resources {
            match ahead.next().flatten() {
                Some(read) => self.accumulate_read(&mut acc, path, ctx, read)?,
                None => self.accumulate_resource(&mut acc, path, ctx)?,
            }
        }
        let own = self.own_config()?;
        acc.merge_config(&own)
            .map_err(|e| Error::invalid(&self.file, e))?;
        self.run_generators(&mut acc, ctx)?;
        for path in &self.kust.components {
            acc = self.accumulate_component(acc, path, ctx)?;
        }
        let config = acc.config();
        self.transform(&mut acc.map, &config, ctx)
            .map_err(|e| e.in_file(&self.file))?;
        vars::merge_vars(
            &mut acc.map,
            &mut acc.vars,
            &self.kust.vars,
            &mut |r, name| r.add_ref_var(name),
        )
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
            // kustomize reads these with sigs.k8s.io/yaml's `UnmarshalStrict`.
            let options = krust_yaml::LoadOptions::sigs_k8s_yaml_strict();
            let docs = krust_yaml::load_documents_with(&text, options)
                .map_err(|e| Error::yaml(&file, &e))?;
            let extra =
                TransformerConfig::from_documents(&docs).map_err(|e| Error::invalid(&file, e))?;
            config.merge(&extra).map_err(|e| Error::invalid(&file, e))?;
        }
        for path in &self.kust.crds {
            let (file, text) = self.load_text(path)?;
            // kustomize reads these with sigs.k8s.io/yaml's `Unmarshal` or,
            // when the text starts with `{`, as JSON: valid JSON reads the same.
            if text.starts_with('{') && !krust_yaml::is_json(&text) {
                return Err(Error::invalid(
                    &file,
                    "unable to parse open API definition: the file starts with `{` but is not JSON (kustomize reads such a file as JSON only)",
                ));
            }
            let options = krust_yaml::LoadOptions::sigs_k8s_yaml();
            let docs = krust_yaml::load_documents_with(&text, options)
                .map_err(|e| Error::yaml(&file, &e))?;
            // A file of blanks or comments defines nothing; an empty one
            // (or `null`) crashes kustomize.
            let Some(doc) = docs.first() else {
                if text.is_empty() {
                    return Err(Error::invalid(&file, "empty OpenAPI definition file"));
                }
                continue;
            };
            let extra = crate::config::from_crd_definitions(doc).map_err(|e| {
                Error::invalid(&file, format!("unable to parse open API definition: {e}"))
            })?;
            config.merge(&extra).map_err(|e| Error::invalid(&file, e))?;
        }
        Ok(Arc::new(config))
    }

    /// Reads a text file named by this kustomization, under its load restrictions.
    fn load_text(&self, path: &str) -> Result<(PathBuf, String)> {
        let (file, bytes) = self.loader.load(path).map_err(|e| e.in_file(&self.file))?;
        let text = crate::error::utf8_string(&file, bytes)?;
        Ok((file, text))
    }

    /// One `resources:` entry: a file of objects, or a directory with a kustomization.
    pub(super) fn accumulate_resource(
        &self,
        acc: &mut Accumulated,
        path: &str,
        ctx: &Context,
    ) -> Result<()> {
        let read = self.read_resources(path, ctx.cache);
        self.accumulate_read(acc, path, ctx, read)
    }

    /// Reads the `resources:` entries that are files, in parallel, ahead of
    /// accumulating them in order. `None` where an entry is not worth it.
    fn read_ahead(&self, cache: &Cache) -> Vec<Option<FileRead>> {
        let files = &self.kust.resources;
        if files.len() < 2 {
            return Vec::new();
        }
        files
            .par_iter()
            .map(|path| Some(self.read_resources(path, cache)))
            .collect()
    }

    /// Reads and parses the file a `resources:` entry names (or takes a
    /// parse the graph kept). The outer error says the entry is not a
    /// readable file (it may be a directory); the inner one that the file
    /// does not parse.
    fn read_resources(&self, path: &str, cache: &Cache) -> FileRead {
        let (file, real) = self.loader.resolve(path)?;
        if let Some(resources) = cache.take_file(&file) {
            return Ok((file, Ok(resources)));
        }
        let bytes = self.loader.read(&file, &real)?;
        let parsed = resources_from_bytes(&file, &bytes);
        if let Ok(resources) = &parsed {
            cache.parsed_file(&file, resources);
        }
        Ok((file, parsed))
    }

    /// Adds what [`Target::read_resources`] found for `path`: the objects of
    /// a file, or else the directory of that name.
    fn accumulate_read(
        &self,
        acc: &mut Accumulated,
        path: &str,
        ctx: &Context,
        read: FileRead,
    ) -> Result<()> {
        let (file, parsed) = match read {
            Ok(found) => found,
            Err(file_err) => return self.accumulate_dir(acc, path, ctx, file_err),
        };
        let mut resources = parsed?;
        if let Some(origin) = &ctx.below(path).origin {
            resources
                .iter_mut()
                .for_each(|r| r.set_origin(Origin::File(origin.clone())));
        }
        for res in resources {
            acc.map.append(res).map_err(|e| e.in_file(&file))?;
        }
        ctx.schema.borrow_mut().saw_resources();
        Ok(())
    }

    /// A `resources:` entry that is not a readable file: a directory with a
    /// kustomization, built here or reused from the graph.
    fn accumulate_dir(
        &self,
        acc: &mut Accumulated,
        path: &str,
        ctx: &Context,
        file_err: Error,
    ) -> Result<()> {
        let child = self.loader.child(path).map_err(|dir_err| {
            if is_remote(path) {
                remote_refused(&self.file, "resource", path)
            } else if self.loader.fs().kind(&self.loader.root().join(path)) == Some(FileKind::Dir) {
                dir_err.in_file(&self.file)
            } else if self
                .loader
                .fs()
                .kind(&self.loader.root().join(path))
                .is_some()
            {
                // A file that may not be read (outside the root, say): why not.
                file_err
                    .blaming(&self.file)
                    .reworded(|m| format!("resource '{path}': {m}"))
            } else {
                Error::not_found(
                    &self.file,
                    format!("resource '{path}' not found ({})", file_err.message()),
                )
            }
        })?;
        let reused = if ctx.may_reuse() {
            ctx.cache.take_node(child.root())
        } else {
            None
        };
        let sub = match reused {
            Some(node) => {
                ctx.schema
                    .borrow_mut()
                    .replay(node.saw_resources, node.used_builtin_schema);
                node.acc
            }
            None => self.build_child(child, path, ctx)?,
        };
        acc.map.append_all(sub.map).map_err(|e| {
            e.blaming(&self.file)
                .reworded(|m| format!("merging resources from '{path}': {m}"))
        })?;
        acc.vars.merge_set(sub.vars).map_err(|e| {
            Error::invalid(
                &self.file,
                format!("recursed merging from path '{path}': {e}"),
            )
        })?;
        if let Some(sub_config) = &sub.config {
            acc.merge_config(sub_config)
                .map_err(|e| Error::invalid(&self.file, e))?;
        }
        Ok(())
    }

    /// Builds the base `child` (a `resources:` entry) in this build's context.
    fn build_child(&self, child: Loader, path: &str, ctx: &Context) -> Result<Accumulated> {
        let target = Target::load(child, ctx.cache)?;
        ctx.schema
            .borrow_mut()
            .configure(&target.kust, &target.loader, &target.file, false)
            .map_err(|e| e.within(&target.file))?;
        if target.kust.is_component() {
            return Err(Error::invalid(
                &self.file,
                format!("'{path}' is a Component: list it under 'components', not 'resources'"),
            ));
        }
        ctx.cache.count_built();
        target
            .accumulate(Accumulated::new(), &ctx.below(path))
            .map_err(|e| e.within(&target.file))
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
            if is_remote(path) {
                remote_refused(&self.file, "component", path)
            } else {
                e.blaming(&self.file)
                    .reworded(|m| format!("component '{path}': {m}"))
            }
        })?;
        let target = Target::load(child, ctx.cache)?;
        ctx.schema
            .borrow_mut()
            .configure(&target.kust, &target.loader, &target.file, false)
            .map_err(|e| e.within(&target.file))?;
        if !target.kust.is_component() {
            return Err(Error::invalid(
                &self.file,
                format!("'{path}' must be a kind: Component to be listed under 'components', but it is a {}", target.kust.kind),
            ));
        }
        target
            .accumulate(acc, &ctx.below(path))
            .map_err(|e| e.within(&target.file))
    }

    /// The kustomization file's own name (`kustomization.yaml`, ...).
    pub(super) fn file_name(&self) -> String {
        self.file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// The error for a remote `resources:` or `components:` entry: krust never
/// touches the network.
fn remote_refused(kust_file: &std::path::Path, what: &str, path: &str) -> Error {
    Error::unsupported(
        kust_file,
        format!("remote {what} '{path}' is not supported: krust reads local files only (vendor it into the repository, or render it to manifests and list those)"),
    )
}

/// Reads and parses the kustomization file in `loader`'s root.
fn read_kustomization(loader: &Loader) -> Result<LoadedKustomization> {
    let file = kustomization::find_file(loader.fs(), loader.root())?;
    let bytes = loader.fs().read(&file).map_err(|e| Error::io(&file, e))?;
    let text = crate::error::utf8_str(&file, &bytes)?;
    let doc = kustomization::load_text(text).map_err(|e| Error::yaml(&file, &e))?;
    let kust = kustomization::parse_kustomization(doc.as_ref()).map_err(|e| {
        let line = e
            .field
            .as_deref()
            .and_then(|f| kustomization::top_level_key_line(text, f));
        let error = Error::invalid(&file, e.message);
        match line {
            Some(line) => error.at_position(line, 1),
            None => error,
        }
    })?;
    Ok(LoadedKustomization {
        file,
        kust: Arc::new(kust),
    })
}
