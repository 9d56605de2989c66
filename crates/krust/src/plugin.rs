//! Built-in transformers as kustomize's plugin kinds: the ones a
//! kustomization's fields configure and the ones listed, as plugin
//! configuration objects (`apiVersion: builtin`), under `transformers:`.
//! Both run through [`Transformer::apply`], so each rule lives in one place.

use std::path::Path;
use std::sync::Arc;

use krust_yaml::Value;

use crate::decode::{boolean, fields, map_of, seq_of, string, string_list, string_map};
use crate::error::{Error, Result};
use crate::fieldspec::{FieldSpec, FieldSpecs};
use crate::kustomization::parse::{image_spec, patch_spec, replica_spec};
use crate::kustomization::{field_spec, PatchSpec};
use crate::loader::Loader;
use crate::patch::Schema;
use crate::resmap::ResMap;
use crate::string_map::StringMap;
use crate::transform::images::ImageSpec;
use crate::transform::namespace::{Options as NamespaceOptions, Subjects};
use crate::transform::patch::{self, Patch};
use crate::transform::replacements::{self, Replacement, ReplacementEntry};
use crate::transform::replicas::ReplicaSpec;
use crate::transform::{annotations, images, labels, namespace, prefix_suffix, replicas};
use crate::version::{Change, KustomizeVersion};

/// One configured built-in transformer.
#[derive(Debug)]
pub enum Transformer {
    /// `PatchStrategicMergeTransformer`: legacy `patchesStrategicMerge`.
    PatchesStrategicMerge(Vec<Patch>),
    /// `PatchTransformer`: one `patches` entry.
    Patch(Patch),
    /// `PatchJson6902Transformer`: one legacy `patchesJson6902` entry.
    PatchJson6902(Patch),
    /// `NamespaceTransformer`.
    Namespace {
        /// The namespace.
        namespace: String,
        /// Fields beyond `metadata.namespace`.
        specs: FieldSpecs,
        /// `unsetOnly` and `setRoleBindingSubjects`.
        options: NamespaceOptions,
    },
    /// `PrefixTransformer`.
    Prefix {
        /// The prefix.
        prefix: String,
        /// Fields to prefix.
        specs: FieldSpecs,
    },
    /// `PrefixSuffixTransformer`: kustomize's prefix plugin, then its
    /// suffix plugin, both configured from the same object.
    PrefixSuffix {
        /// The prefix.
        prefix: String,
        /// The suffix.
        suffix: String,
        /// Fields to rename.
        specs: FieldSpecs,
    },
    /// `SuffixTransformer`.
    Suffix {
        /// The suffix.
        suffix: String,
        /// Fields to suffix.
        specs: FieldSpecs,
    },
    /// `LabelTransformer`.
    Labels {
        /// The labels.
        pairs: StringMap,
        /// Where to set them.
        specs: FieldSpecs,
    },
    /// `AnnotationsTransformer`.
    Annotations {
        /// The annotations.
        pairs: StringMap,
        /// Where to set them.
        specs: FieldSpecs,
    },
    /// `ReplicaCountTransformer`.
    Replicas {
        /// Which workload and how many.
        replica: ReplicaSpec,
        /// Replica fields.
        specs: FieldSpecs,
    },
    /// `ReplacementTransformer`.
    Replacements(Vec<Replacement>),
    /// `ImageTagTransformer`.
    Image {
        /// The rewrite.
        image: ImageSpec,
        /// Image fields.
        specs: FieldSpecs,
    },
}

impl Transformer {
    /// The plugin kind, as recorded in transformer annotations.
    pub fn kind(&self) -> &'static str {
        match self {
            Transformer::PatchesStrategicMerge(_) => "PatchStrategicMergeTransformer",
            Transformer::Patch(_) => "PatchTransformer",
            Transformer::PatchJson6902(_) => "PatchJson6902Transformer",
            Transformer::Namespace { .. } => "NamespaceTransformer",
            Transformer::Prefix { .. } => "PrefixTransformer",
            Transformer::Suffix { .. } => "SuffixTransformer",
            Transformer::PrefixSuffix { .. } => "PrefixSuffixTransformer",
            Transformer::Labels { .. } => "LabelTransformer",
            Transformer::Annotations { .. } => "AnnotationsTransformer",
            Transformer::Replicas { .. } => "ReplicaCountTransformer",
            Transformer::Image { .. } => "ImageTagTransformer",
            Transformer::Replacements(_) => "ReplacementTransformer",
        }
    }

    /// Runs the transformer as kustomize `version` does; `schema` gives the
    /// OpenAPI schema for strategic merges.
    pub fn apply(
        &self,
        map: &mut ResMap,
        schema: &dyn Fn() -> Arc<Schema>,
        version: KustomizeVersion,
    ) -> Result<()> {
        match self {
            Transformer::PatchesStrategicMerge(patches) => {
                let schema = schema();
                patches
                    .iter()
                    .try_for_each(|p| p.apply(map, false, &schema))
            }
            Transformer::Patch(p) => p.apply(map, false, &schema()),
            Transformer::PatchJson6902(p) => p.apply(map, true, &schema()),
            Transformer::Namespace {
                namespace: ns,
                specs,
                options,
            } => namespace::apply_with(map, ns, specs, *options, version),
            Transformer::Prefix { prefix, specs } => prefix_suffix::apply(map, prefix, "", specs),
            Transformer::Suffix { suffix, specs } => prefix_suffix::apply(map, "", suffix, specs),
            Transformer::PrefixSuffix {
                prefix,
                suffix,
                specs,
            } => prefix_suffix::apply(map, prefix, "", specs)
                .and_then(|()| prefix_suffix::apply(map, "", suffix, specs)),
            Transformer::Labels { pairs, specs } => labels::apply(map, pairs, specs),
            Transformer::Annotations { pairs, specs } => annotations::apply(map, pairs, specs),
            Transformer::Replicas { replica, specs } => replicas::apply(map, replica, specs),
            Transformer::Image { image, specs } => images::apply(map, image, specs),
            Transformer::Replacements(list) => replacements::apply(map, list, version),
        }
    }

    /// Builds a transformer from a plugin configuration object read from
    /// `source` (or given inline in the kustomization at `source`).
    pub fn from_config(obj: &Value, loader: &Loader, source: &Path) -> Result<Transformer> {
        let api = obj.str_at(&["apiVersion"]).unwrap_or_default();
        let kind = obj.str_at(&["kind"]).unwrap_or_default();
        if api != "builtin" {
            return Err(Error::unsupported(
                source,
                format!("plugin {kind} ({api}) is not supported: krust runs only kustomize's built-in plugins (apiVersion: builtin), not exec or container plugins"),
            ));
        }
        Config {
            obj,
            loader,
            source,
            kind,
        }
        .decode()
    }
}

/// A built-in plugin's configuration object, with where it came from.
struct Config<'a, 'l> {
    obj: &'a Value,
    loader: &'a Loader<'l>,
    source: &'a Path,
    kind: &'a str,
}

impl Config<'_, '_> {
    /// The transformer this configuration sets up: each kind's fields, read
    /// by the field readers below or, for patches and namespaces, a reader of
    /// its own.
    fn decode(&self) -> Result<Transformer> {
        Ok(match self.kind {
            "PatchTransformer" => self.patch()?,
            "PatchJson6902Transformer" => self.patch_json6902()?,
            "PatchStrategicMergeTransformer" => self.patches_strategic_merge()?,
            "NamespaceTransformer" => self.namespace()?,
            "PrefixTransformer" => Transformer::Prefix {
                prefix: self.text("prefix")?,
                specs: self.name_specs()?,
            },
            "PrefixSuffixTransformer" => Transformer::PrefixSuffix {
                prefix: self.text("prefix")?,
                suffix: self.text("suffix")?,
                specs: self.name_specs()?,
            },
            "SuffixTransformer" => Transformer::Suffix {
                suffix: self.text("suffix")?,
                specs: self.name_specs()?,
            },
            "LabelTransformer" => Transformer::Labels {
                pairs: self.pairs("labels")?,
                specs: self.specs("fieldSpecs")?.into(),
            },
            "AnnotationsTransformer" => Transformer::Annotations {
                pairs: self.pairs("annotations")?,
                specs: self.specs("fieldSpecs")?.into(),
            },
            "ReplicaCountTransformer" => Transformer::Replicas {
                replica: self.decode_field("replica", replica_spec)?,
                specs: self.specs("fieldSpecs")?.into(),
            },
            "ReplacementTransformer" => Transformer::Replacements(replacement_config(
                self.obj,
                self.loader,
                self.source,
            )?),
            "ImageTagTransformer" => Transformer::Image {
                image: self.decode_field("imageTag", image_spec)?,
                specs: self.specs("fieldSpecs")?.into(),
            },
            other => {
                return Err(Error::unsupported(
                    self.source,
                    format!("unable to load builtin {other}: not a transformer krust supports in this position"),
                ))
            }
        })
    }
}

/// Field readers, failing with the plugin kind and the field.
impl Config<'_, '_> {
    fn fail(&self, e: String) -> Error {
        Error::invalid(self.source, format!("builtin {}: {e}", self.kind))
    }

    fn specs(&self, key: &str) -> Result<Vec<FieldSpec>> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(v) => seq_of(v, field_spec).map_err(|e| self.fail(format!("{key}: {e}"))),
        }
    }

    /// The prefix and suffix plugins refuse a configuration without the list.
    fn name_specs(&self) -> Result<FieldSpecs> {
        match self.obj.get("fieldSpecs") {
            None | Some(Value::Null) => {
                Err(self.fail("fieldSpecs is not expected to be nil".into()))
            }
            Some(_) => Ok(self.specs("fieldSpecs")?.into()),
        }
    }

    fn text(&self, key: &str) -> Result<String> {
        self.obj.get(key).map_or(Ok(String::new()), |v| {
            string(v).map_err(|e| self.fail(format!("{key}: {e}")))
        })
    }

    fn pairs(&self, key: &str) -> Result<StringMap> {
        self.obj.get(key).map_or(Ok(StringMap::new()), |v| {
            string_map(v).map_err(|e| self.fail(format!("{key}: {e}")))
        })
    }

    /// The field `key` decoded by `decode`, or the default when absent.
    fn decode_field<T: Default>(
        &self,
        key: &str,
        decode: fn(&Value) -> std::result::Result<T, String>,
    ) -> Result<T> {
        self.obj
            .get(key)
            .map_or(Ok(T::default()), decode)
            .map_err(|e| self.fail(e))
    }
}

/// One reader per patch and namespace plugin kind.
impl Config<'_, '_> {
    fn patch(&self) -> Result<Transformer> {
        let mut spec = plugin_patch_spec(self.obj).map_err(|e| self.fail(e))?;
        spec.resolve_options(self.loader.version(), false)
            .map_err(|e| self.fail(e))?;
        patch::load(self.loader, self.source, &spec).map(Transformer::Patch)
    }

    fn patch_json6902(&self) -> Result<Transformer> {
        let mut spec = PatchSpec {
            path: Some(self.text("path")?).filter(|p| !p.is_empty()),
            patch: Some(self.text("jsonOp")?).filter(|p| !p.is_empty()),
            ..PatchSpec::default()
        };
        if let Some(target) = self.obj.get("target") {
            spec.target =
                Some(crate::kustomization::parse::selector(target).map_err(|e| self.fail(e))?);
        }
        patch::load_json6902(self.loader, self.source, &spec).map(Transformer::PatchJson6902)
    }

    fn patches_strategic_merge(&self) -> Result<Transformer> {
        let mut entries = match self.obj.get("paths") {
            Some(v) => string_list(v).map_err(|e| self.fail(e))?,
            None => Vec::new(),
        };
        let inline = self.text("patches")?;
        if !inline.is_empty() {
            entries.push(inline);
        }
        if entries.is_empty() {
            return Err(self.fail("empty file path and empty patch content".into()));
        }
        Ok(Transformer::PatchesStrategicMerge(
            patch::load_strategic_merge(self.loader, self.source, &entries)?,
        ))
    }

    fn namespace(&self) -> Result<Transformer> {
        let subjects = match self.text("setRoleBindingSubjects")?.as_str() {
            "" | "defaultOnly" => Subjects::DefaultOnly,
            "allServiceAccounts" => Subjects::AllServiceAccounts,
            "none" => Subjects::None,
            other => return Err(self.fail(format!("invalid value \"{other}\" for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\""))),
        };
        Ok(Transformer::Namespace {
            namespace: self
                .obj
                .str_at(&["metadata", "namespace"])
                .unwrap_or_default()
                .to_owned(),
            specs: self.specs("fieldSpecs")?.into(),
            options: NamespaceOptions {
                unset_only: self
                    .obj
                    .get("unsetOnly")
                    .map_or(Ok(false), boolean)
                    .map_err(|e| self.fail(e))?,
                subjects,
            },
        })
    }
}

/// The replacements of a kustomization's `replacements:` entries, reading
/// `path:` entries through `loader` (relative to the kustomization, under
/// its load restrictions), as kustomize `loader.version()` decodes them.
pub fn load_replacements(
    loader: &Loader,
    source: &Path,
    entries: &[ReplacementEntry],
) -> Result<Vec<Replacement>> {
    load_replacement_entries(loader, source, entries, |e| {
        format!("invalid Kustomization: field replacements: {e}")
    })
}

/// [`load_replacements`], with `inline_error` phrasing a decoding error of
/// an inline entry.
fn load_replacement_entries(
    loader: &Loader,
    source: &Path,
    entries: &[ReplacementEntry],
    inline_error: impl Fn(String) -> String,
) -> Result<Vec<Replacement>> {
    let version = loader.version();
    let mut out = Vec::new();
    for entry in entries {
        match entry {
            ReplacementEntry::Inline(r) => out.push(
                r.for_version(version)
                    .map_err(|e| Error::invalid(source, inline_error(e)))?,
            ),
            ReplacementEntry::Path(path) => {
                let (file, bytes) = loader.load(path).map_err(|e| e.in_file(source))?;
                let text = crate::error::utf8_string(&file, bytes)?;
                let docs = replacements::load_replacement_file(&text)
                    .map_err(|e| Error::yaml(&file, &e))?;
                for r in replacements::replacements_from_documents(docs)
                    .map_err(|e| Error::invalid(&file, e))?
                {
                    out.push(
                        r.for_version(version)
                            .map_err(|e| Error::invalid(&file, e))?,
                    );
                }
            }
        }
    }
    Ok(out)
}

/// A `ReplacementTransformer` plugin configuration. kustomize decodes it
/// without rejecting unknown keys (and matches keys regardless of case).
/// Its 5.5 and 5.6 releases also read a list of replacements from a key
/// literally named `omitempty` (the JSON tag of a struct field meant to be
/// internal) and apply those first.
fn replacement_config(obj: &Value, loader: &Loader, source: &Path) -> Result<Vec<Replacement>> {
    let version = loader.version();
    let fail = |e: String| Error::invalid(source, format!("builtin ReplacementTransformer: {e}"));
    let field = |name: &str| {
        let map = obj.as_map()?;
        map.get(name)
            .or_else(|| {
                map.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            })
            .filter(|v| !v.is_null())
    };
    let mut out = Vec::new();
    if !version.has(Change::ReplacementConfigIgnoresOmitempty) {
        if let Some(list) = field("omitempty") {
            let parsed = seq_of(list, replacements::parse_replacement_leniently)
                .map_err(|e| fail(format!("omitempty: {e}")))?;
            for r in parsed {
                out.push(r.for_version(version).map_err(&fail)?);
            }
        }
    }
    let entries = match field("replacements") {
        Some(v) => seq_of(v, replacements::parse_replacement_entry_leniently)
            .map_err(|e| fail(format!("replacements: {e}")))?,
        None => Vec::new(),
    };
    out.extend(load_replacement_entries(loader, source, &entries, |e| {
        format!("builtin ReplacementTransformer: {e}")
    })?);
    Ok(out)
}

/// A PatchTransformer configuration: `path`, `patch`, `target`, `options`,
/// beside the object's own `apiVersion`, `kind` and `metadata`.
fn plugin_patch_spec(obj: &Value) -> std::result::Result<PatchSpec, String> {
    let map = map_of(obj)?;
    let mut rest = krust_yaml::Mapping::default();
    for (k, v) in map {
        if !matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
            rest.insert(k.clone(), v.clone());
        }
    }
    let rest = Value::from_map(rest);
    fields(&rest, &["path", "patch", "target", "options"])?;
    let mut spec = patch_spec(&rest)?;
    spec.patch = spec
        .patch
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    Ok(spec)
}
