//! One Kubernetes object in a build, with the bookkeeping kustomize keeps
//! about it (previous ids, applied prefixes and suffixes, origin).
//!
//! kustomize keeps that bookkeeping in `internal.config.kubernetes.io/*`
//! annotations and strips them at the end; krust keeps it in fields, and
//! only reproduces the one visible side effect: stripping leaves no empty
//! `metadata.annotations` behind.

use krust_yaml::{Mapping, PathSeg, Value};

mod plain_keys;
mod scalar_text;
mod shared;
mod style;

/// Helpers for the tests of this module's parts.
#[cfg(test)]
mod testing {
    use krust_yaml::{PathSeg, Value};

    pub(crate) fn yaml(s: &str) -> Value {
        krust_yaml::load_documents(s).unwrap().remove(0)
    }

    /// A path of map keys, written `a.b.c`.
    pub(crate) fn path(s: &str) -> Vec<PathSeg> {
        s.split('.').map(|k| PathSeg::Key(k.to_owned())).collect()
    }
}

use scalar_text::{MetaMap, MetaText};
use shared::SharedScalars;
pub(crate) use style::Style;
use style::Styles;

use crate::resid::ResId;

/// A transformer that ran over a resource, as kustomize's transformations
/// annotation records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transformation {
    /// The file that configured it, relative to the top kustomization.
    pub configured_in: String,
    /// Its plugin kind.
    pub kind: &'static str,
    /// The plugin object's name, for transformers listed under `transformers:`.
    pub name: String,
    /// The plugin object's namespace, likewise.
    pub namespace: String,
}

/// Annotation holding a resource's origin, when `buildMetadata` asks for it.
pub const ORIGIN_ANNOTATION: &str = "config.kubernetes.io/origin";
/// Annotation listing the transformers that ran, when `buildMetadata` asks for it.
pub const TRANSFORMATIONS_ANNOTATION: &str = "alpha.config.kubernetes.io/transformations";

/// The YAML list kustomize writes into the transformations annotation.
pub fn transformations_annotation(list: &[Transformation]) -> String {
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

/// Where a resource came from, as `config.kubernetes.io/origin` records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file, by its path relative to the top kustomization.
    File(String),
    /// A generator configured in a kustomization file (path relative to the top one).
    Generator {
        /// The kustomization (or plugin configuration) file.
        configured_in: String,
        /// The generator's plugin kind.
        kind: &'static str,
        /// The plugin object's name, for generators listed under `generators:`.
        name: String,
    },
}

impl Origin {
    /// The annotation's value, as kustomize writes it.
    pub fn annotation(&self) -> String {
        match self {
            Origin::File(path) => format!("path: {path}\n"),
            Origin::Generator {
                configured_in,
                kind,
                name,
            } => {
                let mut text = format!(
                    "configuredIn: {configured_in}\nconfiguredBy:\n  apiVersion: builtin\n  kind: {kind}\n"
                );
                if !name.is_empty() {
                    text.push_str(&format!("  name: {name}\n"));
                }
                text
            }
        }
    }

    /// The file the resource was read from or configured in.
    pub fn path(&self) -> &str {
        match self {
            Origin::File(path) => path,
            Origin::Generator { configured_in, .. } => configured_in,
        }
    }
}

/// An object plus its build history.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    obj: Value,
    id: ResId,
    /// Ids this resource had before renames, oldest first.
    previous: Vec<ResId>,
    /// Name prefixes applied, innermost kustomization first.
    prefixes: Vec<String>,
    /// Name suffixes applied, innermost kustomization first.
    suffixes: Vec<String>,
    /// Where the resource came from (only recorded when `buildMetadata` asks for it).
    origin: Option<Origin>,
    /// Whether a content hash goes on its name at the end of the build (generated objects).
    needs_hash: bool,
    /// Whether a generator made it (kustomize marks such objects with a
    /// build annotation, its `generatorBehavior`).
    generated: bool,
    /// Built-in transformers that ran over it, recorded only when
    /// `buildMetadata` asks for it.
    transformations: Vec<Transformation>,
    /// Map entries written with no value (`key:`), until a strategic merge
    /// drops them as kyaml does (or a JSON round trip makes them plain nulls).
    empty_values: Vec<Vec<PathSeg>>,
    /// Label and annotation values written in a spelling the value model drops.
    meta_texts: Vec<MetaText>,
    /// Scalars anywhere in the object written in a spelling the value model
    /// drops (`+1`, `1.50`), with the value they hold: a replacement copies
    /// the text, not the value.
    texts: Vec<(Vec<PathSeg>, Value, String)>,
    /// Strings whose kyaml style the value model would guess wrong (see
    /// [`style`]).
    styles: Styles,
    /// Fields kustomize holds as one node (see [`shared`]).
    shared: SharedScalars,
    /// Scalars whose text does not fit their tag, with the value krust put
    /// there and kustomize's error when it next turns the object into JSON.
    mistyped: Vec<(Vec<PathSeg>, Value, String)>,
    /// Scalars kyaml created without a tag (a replacement's `create`), with
    /// the value they hold: while it stands, a later write's text decides
    /// their type.
    untagged: Vec<(Vec<PathSeg>, Value)>,
    /// Entries whose key kyaml wrote unquoted and reads back as no string
    /// (see [`plain_keys`]).
    plain_keys: Vec<Vec<PathSeg>>,
    /// Names of the vars bound to this resource (kustomize's `refVarNames`).
    ref_vars: Vec<String>,
}

impl Resource {
    /// Wraps an object read from a file.
    pub fn new(obj: Value) -> Resource {
        let id = ResId::of(&obj);
        Resource {
            obj,
            id,
            previous: Vec::new(),
            prefixes: Vec::new(),
            suffixes: Vec::new(),
            origin: None,
            needs_hash: false,
            generated: false,
            ref_vars: Vec::new(),
            empty_values: Vec::new(),
            meta_texts: Vec::new(),
            texts: Vec::new(),
            styles: Styles::default(),
            shared: SharedScalars::default(),
            plain_keys: Vec::new(),
            untagged: Vec::new(),
            mistyped: Vec::new(),
            transformations: Vec::new(),
        }
    }

    /// The object.
    pub fn obj(&self) -> &Value {
        &self.obj
    }

    /// The object, for changing. Call [`Resource::refresh_id`] after changing
    /// its apiVersion, kind, name or namespace.
    pub(crate) fn obj_mut(&mut self) -> &mut Value {
        &mut self.obj
    }

    /// Takes the object out.
    pub fn into_obj(self) -> Value {
        self.obj
    }

    /// The current id.
    pub fn id(&self) -> &ResId {
        &self.id
    }

    /// Re-reads the id after the object changed.
    pub(crate) fn refresh_id(&mut self) {
        self.update_id();
    }

    /// Re-reads the id, returning the old one if it changed. Comparing in
    /// place first keeps the common case (nothing renamed) free of allocations.
    pub(crate) fn update_id(&mut self) -> Option<ResId> {
        let s = |path: &[&str]| self.obj.str_at(path).unwrap_or_default();
        let (api, kind) = (s(&["apiVersion"]), s(&["kind"]));
        let (name, namespace) = (s(&["metadata", "name"]), s(&["metadata", "namespace"]));
        let (group, version) = crate::resid::split_api_version(api);
        let id = &self.id;
        let same = id.name == name
            && id.namespace == namespace
            && id.gvk.kind == kind
            && id.gvk.version == version
            && id.gvk.group == group;
        if same {
            return None;
        }
        Some(std::mem::replace(&mut self.id, ResId::of(&self.obj)))
    }

    /// The id the resource had before any rename (kustomize's `OrgId`).
    pub fn original_id(&self) -> &ResId {
        self.previous.first().unwrap_or(&self.id)
    }

    /// Every earlier id, oldest first.
    pub fn previous_ids(&self) -> &[ResId] {
        &self.previous
    }

    /// Remembers the current id before a rename (kustomize's `StorePreviousId`).
    pub(crate) fn store_previous_id(&mut self) {
        let mut id = self.id.clone();
        id.namespace = id.effective_namespace().to_owned();
        self.previous.push(id);
    }

    /// Records an applied name prefix (empty ones are not recorded).
    pub(crate) fn add_prefix(&mut self, prefix: &str) {
        if !prefix.is_empty() {
            self.prefixes.push(prefix.to_owned());
        }
    }

    /// Records an applied name suffix (empty ones are not recorded).
    pub(crate) fn add_suffix(&mut self, suffix: &str) {
        if !suffix.is_empty() {
            self.suffixes.push(suffix.to_owned());
        }
    }

    /// kustomize rewrote the annotations from strings (`SetAnnotations`, as
    /// when it records an origin or a transformation in them): they no
    /// longer share nodes. (Renames it records one annotation at a time.)
    fn annotations_rewritten(&mut self) {
        self.shared.detach_under(&[
            PathSeg::Key("metadata".into()),
            PathSeg::Key("annotations".into()),
        ]);
    }

    /// The fields at `paths` now hold one node, as where a label or
    /// annotation transformer created them (see [`shared`]).
    pub(crate) fn share_scalars(&mut self, paths: Vec<Vec<PathSeg>>) {
        self.shared.share(paths);
    }

    /// The scalar at `path` was written in place: every field sharing its
    /// node shows the new value.
    pub(crate) fn scalar_written(&mut self, path: &[PathSeg]) {
        self.shared.written(&mut self.obj, path);
    }

    /// Name prefixes applied so far.
    pub fn prefixes(&self) -> &[String] {
        &self.prefixes
    }

    /// Name suffixes applied so far.
    pub fn suffixes(&self) -> &[String] {
        &self.suffixes
    }

    /// Records where the resource came from.
    pub(crate) fn set_origin(&mut self, origin: Origin) {
        // kustomize adds a file's origin as one annotation, but writes a
        // generator's through `SetAnnotations`, rewriting them all.
        let rewrites = !matches!(origin, Origin::File(_));
        self.origin = Some(origin);
        if rewrites {
            self.rewrite_annotations();
        }
    }

    /// Where the resource came from, if recorded.
    pub fn origin(&self) -> Option<&Origin> {
        self.origin.as_ref()
    }

    /// Marks the object as made by a generator.
    pub(crate) fn set_generated(&mut self) {
        self.generated = true;
    }

    /// Whether kustomize, at this point of the build, holds annotations on
    /// the object, its own build annotations at least: then
    /// `metadata.annotations` is a map a field spec that creates nothing
    /// still finds.
    pub(crate) fn has_annotations_in_kustomize(&self) -> bool {
        // What `build_annotations` would write, without writing it.
        self.annotations().is_some()
            || self.generated
            || self.needs_hash
            || self.origin.is_some()
            || !self.transformations.is_empty()
            || !self.previous.is_empty()
            || !self.prefixes.is_empty()
            || !self.suffixes.is_empty()
    }

    /// Marks a generated object for a content-hash name suffix (or unmarks it).
    pub(crate) fn set_needs_hash(&mut self, needs: bool) {
        self.needs_hash = needs;
    }

    /// Whether a content hash goes on its name at the end of the build.
    pub fn needs_hash(&self) -> bool {
        self.needs_hash
    }

    /// Records the map entries the source wrote with no value.
    pub(crate) fn set_empty_values(&mut self, paths: Vec<Vec<PathSeg>>) {
        self.empty_values = paths;
    }

    /// Removes the map entries written with no value that are still null:
    /// kustomize's strategic merge drops them (an explicit `null` it keeps).
    pub(crate) fn drop_empty_values(&mut self) {
        for path in std::mem::take(&mut self.empty_values) {
            let Some((PathSeg::Key(last), parents)) = path.split_last() else {
                continue;
            };
            if let Some(Value::Map(m)) = self.obj.at_mut(parents) {
                if m.get(last).is_some_and(Value::is_null) {
                    m.shift_remove(last);
                }
            }
        }
    }

    /// Forgets which nulls were written empty and how scalars were spelled:
    /// after a JSON round trip they are plain nulls and canonical numbers.
    pub(crate) fn forget_empty_values(&mut self) {
        self.empty_values.clear();
        self.meta_texts.clear();
        self.texts.clear();
        self.styles = Styles::default();
        self.shared.clear();
        self.plain_keys.clear();
        self.untagged.clear();
        self.mistyped.clear();
    }

    /// After a JSON patch (the object went through JSON and back):
    /// kustomize then writes the annotations back as a string map, numbers
    /// spelled as Go's `%g` spells a float64.
    pub(crate) fn json_round_tripped(&mut self) {
        self.meta_texts = scalar_text::after_json(&self.obj);
        self.texts = scalar_text::numbers_after_json(&self.obj);
        self.rewrite_annotations();
    }

    /// kyaml created the entry at `path` with its key written unquoted.
    pub(crate) fn created_plain_key(&mut self, path: Vec<PathSeg>) {
        if path
            .last()
            .is_some_and(|seg| matches!(seg, PathSeg::Key(k) if plain_keys::is_troublesome(k)))
        {
            self.plain_keys.push(path);
        }
    }

    /// Entries of this object whose unquoted key would break kustomize's
    /// JSON step, among those `other` (a patch about to be merged) lacks.
    pub(crate) fn plain_keys_missing_in(&self, other: &Value) -> Vec<Vec<PathSeg>> {
        self.plain_keys
            .iter()
            .filter(|p| !plain_keys::present(other, p))
            .cloned()
            .collect()
    }

    /// The scalar at `path` holds text its tag cannot decode: kustomize
    /// fails with `error` at its next JSON step, if the field is still there.
    pub(crate) fn defer_json_error(&mut self, path: &[PathSeg], error: String) {
        self.mistyped.retain(|(p, _, _)| p.as_slice() != path);
        if let Some(value) = self.obj.at(path).cloned() {
            self.mistyped.push((path.to_vec(), value, error));
        }
    }

    /// The error deferred at `path` while the field holds what it did then.
    pub(crate) fn deferred_json_error(&self, path: &[PathSeg]) -> Option<&str> {
        let current = self.obj.at(path)?;
        self.mistyped
            .iter()
            .find(|(p, v, _)| p.as_slice() == path && v == current)
            .map(|(_, _, error)| error.as_str())
    }

    /// Fails as kustomize's next JSON step would (a JSON patch, the
    /// output) when an entry kyaml keyed unquoted reads as no string, or a
    /// scalar's text does not fit its tag.
    pub(crate) fn check_json_step(&self) -> std::result::Result<(), String> {
        if let Some((_, _, error)) = self
            .mistyped
            .iter()
            .find(|(p, v, _)| self.obj.at(p) == Some(v))
        {
            return Err(error.clone());
        }
        match self
            .plain_keys
            .iter()
            .find(|p| plain_keys::present(&self.obj, p))
        {
            Some(path) => Err(plain_keys::error(path)),
            None => Ok(()),
        }
    }

    /// Records the text of the document's scalars that the value model
    /// spells otherwise (see [`krust_yaml::Document::scalar_texts`]).
    pub(crate) fn set_scalar_texts(&mut self, texts: &[(Vec<PathSeg>, String)]) {
        self.meta_texts = scalar_text::meta_texts(&self.obj, texts);
        self.texts = texts
            .iter()
            .filter_map(|(path, text)| {
                Some((path.clone(), self.obj.at(path)?.clone(), text.clone()))
            })
            .collect();
    }

    /// Records the strings the document wrote quoted or as blocks though
    /// they could be plain.
    pub(crate) fn set_styled_strings(&mut self, paths: Vec<Vec<PathSeg>>) {
        self.styles = Styles::quoted(paths);
    }

    /// The string at `path` is held in `style`.
    pub(crate) fn mark_style(&mut self, path: &[PathSeg], style: Style) {
        self.styles.mark(path, style);
    }

    /// Before `patch` merges into this object (see [`Resource::merged_from`]):
    /// what the styles of its fields make of the patch's values.
    pub(crate) fn before_merge(&mut self, patch: &Value) {
        self.styles.before_merge(&self.obj, patch);
    }

    /// The text the scalar at `path` was written as, when it is not the
    /// value model's spelling of it.
    pub(crate) fn scalar_text(&self, path: &[PathSeg]) -> Option<&str> {
        let current = self.obj.at(path)?;
        self.texts
            .iter()
            .find(|(p, v, _)| p.as_slice() == path && v == current)
            .map(|(_, _, text)| text.as_str())
    }

    /// The texts of the scalars written in a spelling the value model
    /// drops, by path, while they hold the value they were read as.
    pub(crate) fn scalar_texts(&self) -> impl Iterator<Item = (&[PathSeg], &str)> {
        self.texts
            .iter()
            .filter(|(p, v, _)| self.obj.at(p) == Some(v))
            .map(|(p, _, t)| (p.as_slice(), t.as_str()))
    }

    /// Records that the scalar at `path` now holds a node written `text`.
    fn record_text(&mut self, path: &[PathSeg], text: String) {
        self.texts.retain(|(p, _, _)| p.as_slice() != path);
        if let Some(value) = self.obj.at(path) {
            self.texts.push((path.to_vec(), value.clone(), text));
        }
    }

    /// Whether the scalar at `path` is a node go-yaml tagged `!!timestamp`:
    /// one a document wrote plain as a time, which the value model holds as
    /// Go prints that time. kustomize prints such a node as Go prints the
    /// time its text (whatever a replacement put there) parses to.
    ///
    /// Known only where the text was not already Go's spelling: the value
    /// model keeps no record of `2001-12-14T21:59:43.1-05:00` written plain,
    /// which reads the same as the string a transformer or a quoted field
    /// holds.
    pub(crate) fn is_timestamp(&self, path: &[PathSeg]) -> bool {
        let Some(Value::String(value)) = self.obj.at(path) else {
            return false;
        };
        self.scalar_text(path)
            .is_some_and(|text| text != value && krust_yaml::plain_scalar_is_timestamp(text))
    }

    /// kustomize's `GetDataMap` before a generator merges into this object:
    /// `data` and `binaryData` values are read as the texts they were
    /// written as (`0o644`, not `420`); a null, however written, as `""`.
    pub(crate) fn data_as_texts(&mut self) {
        for field in ["data", "binaryData"] {
            let Some(Value::Map(entries)) = self.obj.get(field) else {
                continue;
            };
            let texts: Vec<(Vec<PathSeg>, String)> = entries
                .iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(key, _)| vec![PathSeg::Key(field.into()), PathSeg::Key(key.clone())])
                .filter_map(|path| {
                    let text = self.scalar_text(&path)?.to_owned();
                    Some((path, text))
                })
                .collect();
            for (path, text) in texts {
                if let Some(slot) = self.obj.at_mut(&path) {
                    *slot = Value::String(text);
                }
            }
        }
    }

    /// Whether the scalar at `path` is one kyaml created without a tag.
    pub(crate) fn is_untagged(&self, path: &[PathSeg]) -> bool {
        let current = self.obj.at(path);
        self.untagged
            .iter()
            .any(|(p, v)| p.as_slice() == path && current == Some(v))
    }

    /// The scalar at `path` has no tag (see [`Resource::is_untagged`]).
    pub(crate) fn mark_untagged(&mut self, path: &[PathSeg]) {
        self.untagged.retain(|(p, _)| p.as_slice() != path);
        if let Some(value) = self.obj.at(path).cloned() {
            self.untagged.push((path.to_vec(), value));
        }
    }

    /// The scalar at `path` now holds a node written `text`: a label or
    /// annotation there prints as that text.
    pub(crate) fn set_scalar_text(&mut self, path: &[PathSeg], text: String) {
        self.record_text(path, text.clone());
        let own = std::mem::take(&mut self.meta_texts);
        let written = scalar_text::meta_texts(&self.obj, &[(path.to_vec(), text)]);
        self.meta_texts = scalar_text::merged(&self.obj, own, &written);
    }

    /// After `patch` was merged into this object: fields sharing a node
    /// with one the patch wrote show the patch's value, and labels and
    /// annotations the patch set take its spelling.
    pub(crate) fn merged_from(&mut self, patch: &Resource) {
        let texts = |path: &[PathSeg]| patch.scalar_text(path).map(str::to_owned);
        self.styles
            .merged(&mut self.obj, &patch.obj, &patch.styles, texts);
        self.shared.merged(&mut self.obj, patch.obj());
        self.shared.prune(&self.obj);
        let own = std::mem::take(&mut self.meta_texts);
        self.meta_texts = scalar_text::merged(&self.obj, own, &patch.meta_texts);
        // Where the merge left the patch's value in a map field, the node
        // is the patch's, and so is the text.
        for (path, value, text) in &patch.texts {
            let maps_only = path.iter().all(|seg| matches!(seg, PathSeg::Key(_)));
            if maps_only && self.obj.at(path) == Some(value) {
                self.record_text(path, text.clone());
            }
        }
        self.untagged_set_by_merge();
    }

    /// The merge sets every field of the object's maps again with kyaml's
    /// `FieldSetter`, which double-quotes a scalar with no tag and no style
    /// whose text YAML 1.1 reads as no string: from then on it is a string.
    fn untagged_set_by_merge(&mut self) {
        let untagged = std::mem::take(&mut self.untagged);
        for (path, value) in untagged {
            if self.obj.at(&path) != Some(&value) {
                continue;
            }
            let text = self
                .scalar_text(&path)
                .map(str::to_owned)
                .or_else(|| value.scalar_string());
            match text {
                Some(text) if krust_yaml::yaml11_reads_as_non_string(&text) => {
                    if let Some(slot) = self.obj.at_mut(&path) {
                        *slot = Value::String(text);
                    }
                }
                _ => self.untagged.push((path, value)),
            }
        }
    }

    /// kustomize's `SetLabels(GetLabels())` and `SetAnnotations(GetAnnotations())`,
    /// as done to a copy of a targeted patch before it merges: both maps
    /// become maps of strings (each value the text it was written as, a
    /// null `"null"` or `"~"`), and an empty one disappears.
    pub(crate) fn rewrite_labels_and_annotations(&mut self) {
        self.shared.detach_under(&[
            PathSeg::Key("metadata".into()),
            PathSeg::Key("labels".into()),
        ]);
        self.annotations_rewritten();
        let texts = std::mem::take(&mut self.meta_texts);
        scalar_text::set_string_map(&mut self.obj, MetaMap::Labels, &texts);
        scalar_text::set_string_map(&mut self.obj, MetaMap::Annotations, &texts);
        for map in [MetaMap::Labels, MetaMap::Annotations] {
            let keys = plain_keys::in_metadata_map(&self.obj, map.field());
            self.plain_keys.extend(keys);
            self.styles.set_string_map(&self.obj, map.field());
        }
    }

    /// kustomize's `SetAnnotations(GetAnnotations())` (as after a JSON
    /// patch): the annotations become a map of strings, gone when empty.
    /// At the end of a build kustomize does it only to a non-empty map:
    /// see [`Resource::finish_build_annotations`].
    pub(crate) fn rewrite_annotations(&mut self) {
        self.annotations_rewritten();
        scalar_text::set_string_map(&mut self.obj, MetaMap::Annotations, &self.meta_texts);
        self.meta_texts.retain(|t| t.map() != MetaMap::Annotations);
        let keys = plain_keys::in_metadata_map(&self.obj, "annotations");
        self.plain_keys.extend(keys);
        self.styles.set_string_map(&self.obj, "annotations");
    }

    /// Binds the var `name` to this resource.
    pub(crate) fn add_ref_var(&mut self, name: &str) {
        self.ref_vars.push(name.to_owned());
    }

    /// The vars bound to this resource.
    pub(crate) fn ref_vars(&self) -> &[String] {
        &self.ref_vars
    }

    /// Records that a transformer ran over it.
    /// A resource with no origin (a JSON patch dropped its annotations)
    /// takes the transformer for its origin instead, as kustomize assumes
    /// the transformer made it.
    pub(crate) fn add_transformation(&mut self, transformation: Transformation) {
        if self.origin.is_none() {
            self.origin = Some(Origin::Generator {
                configured_in: transformation.configured_in,
                kind: transformation.kind,
                name: transformation.name,
            });
        } else {
            self.transformations.push(transformation);
        }
        // kustomize writes it into the annotations, rewriting them all.
        self.rewrite_annotations();
    }

    /// The transformers that changed this resource, in order.
    pub fn transformations(&self) -> &[Transformation] {
        &self.transformations
    }

    /// Whether the object is null or an empty map (kustomize drops those).
    pub fn is_empty(&self) -> bool {
        match &self.obj {
            Value::Null => true,
            Value::Map(m) => m.is_empty(),
            _ => false,
        }
    }

    /// The build annotations kustomize keeps on the object while it builds
    /// (previous ids, applied prefixes and suffixes, the hash mark of
    /// generated objects), as far as krust tracks them: krust keeps these in
    /// fields, kustomize in `metadata.annotations`, until the end.
    fn build_annotations(&self) -> Vec<(String, String)> {
        const INTERNAL: &str = "internal.config.kubernetes.io/";
        let mut out = Vec::new();
        let mut csv = |key: &str, values: Vec<&str>| {
            if !values.is_empty() {
                out.push((format!("{INTERNAL}{key}"), values.join(",")));
            }
        };
        csv(
            "previousKinds",
            self.previous
                .iter()
                .map(|id| id.gvk.kind.as_str())
                .collect(),
        );
        csv(
            "previousNames",
            self.previous.iter().map(|id| id.name.as_str()).collect(),
        );
        csv(
            "previousNamespaces",
            self.previous
                .iter()
                .map(|id| id.namespace.as_str())
                .collect(),
        );
        csv(
            "prefixes",
            self.prefixes.iter().map(String::as_str).collect(),
        );
        csv(
            "suffixes",
            self.suffixes.iter().map(String::as_str).collect(),
        );
        if self.needs_hash {
            out.push((format!("{INTERNAL}needsHashSuffix"), "enabled".to_owned()));
        }
        out
    }

    /// Runs `edit` on the object as kustomize's JSON patches see it, with
    /// the build annotations written into `metadata.annotations` (so that
    /// `add /metadata/annotations/x` finds a map there, as it does in
    /// kustomize), and takes them out again afterwards.
    pub(crate) fn with_build_annotations<T>(&mut self, edit: impl FnOnce(&mut Value) -> T) -> T {
        let mut written = self.build_annotations();
        // kustomize keeps the build metadata it records in annotations too,
        // where a patch can drop it.
        if let Some(origin) = &self.origin {
            written.push((ORIGIN_ANNOTATION.to_owned(), origin.annotation()));
        }
        if !self.transformations.is_empty() {
            let text = transformations_annotation(&self.transformations);
            written.push((TRANSFORMATIONS_ANNOTATION.to_owned(), text));
        }
        if written.is_empty() {
            return edit(&mut self.obj);
        }
        if let Some(meta) = self.obj.get_mut("metadata").and_then(Value::as_map_mut) {
            let annotations =
                meta.get_or_insert_with("annotations", || Value::Map(Default::default()));
            if matches!(annotations, Value::Null) {
                *annotations = Value::Map(Default::default());
            }
            if let Some(map) = annotations.as_map_mut() {
                for (key, value) in &written {
                    map.insert(key.clone(), Value::String(value.clone()));
                }
            }
        }
        let result = edit(&mut self.obj);
        let annotations = self.annotations();
        let kept = |key: &str| annotations.is_some_and(|m| m.contains_key(key));
        let (origin_kept, transformations_kept) =
            (kept(ORIGIN_ANNOTATION), kept(TRANSFORMATIONS_ANNOTATION));
        if !origin_kept {
            self.origin = None;
        }
        if !transformations_kept {
            self.transformations.clear();
        }
        if let Some(map) = self
            .obj
            .get_mut("metadata")
            .and_then(|m| m.get_mut("annotations"))
            .and_then(Value::as_map_mut)
        {
            for (key, _) in &written {
                map.shift_remove(key);
            }
        }
        result
    }

    /// `metadata.annotations`, if it is a map.
    pub fn annotations(&self) -> Option<&Mapping> {
        self.obj
            .get_path(&["metadata", "annotations"])
            .and_then(Value::as_map)
    }

    /// Reproduces kustomize's end-of-build annotation cleanup: an
    /// annotations map left empty (by a patch, or once its build annotations
    /// are gone) is dropped from the object, whatever emptied it, and a
    /// non-empty one is written back as strings (`a: 1.50` prints as
    /// `a: "1.50"`).
    pub(crate) fn finish_build_annotations(&mut self) {
        let Some(meta) = self.obj.get_mut("metadata").and_then(Value::as_map_mut) else {
            return;
        };
        match meta.get("annotations") {
            Some(Value::Map(m)) if m.is_empty() => {
                meta.shift_remove("annotations");
            }
            Some(Value::Null) => {
                meta.shift_remove("annotations");
            }
            Some(Value::Map(_)) => self.rewrite_annotations(),
            _ => {}
        }
    }
}
