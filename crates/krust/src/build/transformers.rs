//! Running a kustomization's transformers: the ones its fields configure and
//! the plugin objects it lists under `transformers:`, in kustomize's order.

use krust_yaml::Value;
use rayon::prelude::*;

use super::target::Target;
use super::{join_origin, resources_from_bytes, Accumulated, Context};
use crate::config::TransformerConfig;
use crate::error::{Error, Result};
use crate::plugin::Transformer;
use crate::resmap::ResMap;
use crate::resource::Transformation;
use crate::transform;

impl Target<'_> {
    /// This kustomization's transformers, in kustomize's order, each named
    /// by its built-in plugin kind (recorded when `buildMetadata` asks).
    pub(super) fn transform(
        &self,
        map: &mut ResMap,
        config: &TransformerConfig,
        ctx: &Context,
    ) -> Result<()> {
        let own = ctx
            .origin
            .as_ref()
            .map(|o| join_origin(o, &self.file_name()));
        let mut transformers: Vec<(Transformer, Option<Transformation>)> = self
            .field_transformers(config, ctx)?
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
            transformer.apply(map, &schema, self.loader.version())?;
            if let Some(record) = record {
                map.transform(|r| {
                    r.add_transformation(record.clone());
                    Ok(())
                })?;
            }
            map.drop_emptied();
        }
        Ok(())
    }

    /// The transformers this kustomization's fields configure, in kustomize's order.
    fn field_transformers(
        &self,
        config: &TransformerConfig,
        ctx: &Context,
    ) -> Result<Vec<Transformer>> {
        let mut out = Vec::new();
        self.strategic_merge_patches(&mut out)?;
        self.patches(ctx, &mut out)?;
        self.name_transformers(config, &mut out);
        self.metadata_transformers(config, &mut out)?;
        self.json6902_patches(&mut out)?;
        self.replica_transformers(config, &mut out);
        self.image_transformers(config, &mut out)?;
        if !self.kust.replacements.is_empty() {
            out.push(Transformer::Replacements(crate::plugin::load_replacements(
                &self.loader,
                &self.file,
                &self.kust.replacements,
            )?));
        }
        Ok(out)
    }

    /// `patchesStrategicMerge`, as one transformer.
    fn strategic_merge_patches(&self, out: &mut Vec<Transformer>) -> Result<()> {
        let k = &self.kust;
        if !k.patches_strategic_merge.is_empty() {
            out.push(Transformer::PatchesStrategicMerge(
                transform::patch::load_strategic_merge(
                    &self.loader,
                    &self.file,
                    &k.patches_strategic_merge,
                )?,
            ));
        }
        Ok(())
    }

    /// `patches`, one transformer each. Patch files are read and parsed in
    /// parallel, once per graph (a component's patches serve every overlay
    /// that applies it); the first failure in listed order is the one reported.
    fn patches(&self, ctx: &Context, out: &mut Vec<Transformer>) -> Result<()> {
        let k = &self.kust;
        let cache = ctx.cache;
        let load = |(i, spec): (usize, &crate::kustomization::PatchSpec)| {
            cache.patch(&self.file, i, || {
                let mut spec = spec.clone();
                spec.resolve_options(self.loader.version(), true)
                    .map_err(|e| Error::invalid(&self.file, e))?;
                transform::patch::load(&self.loader, &self.file, &spec)
            })
        };
        let patches: Vec<Result<_>> = if k.patches.len() > 1 {
            k.patches.par_iter().enumerate().map(load).collect()
        } else {
            k.patches.iter().enumerate().map(load).collect()
        };
        for patch in patches {
            out.push(Transformer::Patch(patch?));
        }
        Ok(())
    }

    /// `namespace`, `namePrefix` and `nameSuffix`, when set.
    fn name_transformers(&self, config: &TransformerConfig, out: &mut Vec<Transformer>) {
        let k = &self.kust;
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
    }

    /// `labels` (one transformer per entry) and `commonLabels`, then
    /// `commonAnnotations`.
    fn metadata_transformers(
        &self,
        config: &TransformerConfig,
        out: &mut Vec<Transformer>,
    ) -> Result<()> {
        let k = &self.kust;
        if !k.labels.is_empty() || !k.common_labels.is_empty() {
            for set in &k.labels {
                let specs = transform::labels::specs_for(set, config)
                    .map_err(|e| Error::invalid(&self.file, e))?;
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
        Ok(())
    }

    /// `patchesJson6902`, one transformer each.
    fn json6902_patches(&self, out: &mut Vec<Transformer>) -> Result<()> {
        for spec in &self.kust.patches_json6902 {
            out.push(Transformer::PatchJson6902(transform::patch::load_json6902(
                &self.loader,
                &self.file,
                spec,
            )?));
        }
        Ok(())
    }

    /// `replicas`, one transformer each.
    fn replica_transformers(&self, config: &TransformerConfig, out: &mut Vec<Transformer>) {
        for replica in &self.kust.replicas {
            out.push(Transformer::Replicas {
                replica: replica.clone(),
                specs: config.replicas.clone(),
            });
        }
    }

    /// `images`, one transformer each.
    fn image_transformers(
        &self,
        config: &TransformerConfig,
        out: &mut Vec<Transformer>,
    ) -> Result<()> {
        if self.kust.images.is_empty() {
            return Ok(());
        }
        let specs = config
            .image_specs(self.loader.version())
            .map_err(|e| Error::invalid(&self.file, e))?;
        for image in &self.kust.images {
            out.push(Transformer::Image {
                image: image.clone(),
                specs: specs.clone(),
            });
        }
        Ok(())
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
            return Err(Error::unsupported(
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
            let record = res.origin().map(|o| plugin_record(&t, res.obj(), o.path()));
            out.push((t, record));
        }
        Ok(out)
    }
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
