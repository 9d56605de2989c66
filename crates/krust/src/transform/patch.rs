//! The three patch transformers: `patches` (either kind, detected from the
//! text), legacy `patchesStrategicMerge` and legacy `patchesJson6902`.

use std::path::PathBuf;

use krust_yaml::Value;

use crate::build::{patches_from_bytes, patches_from_documents};
use crate::error::{Error, ErrorKind, Result};
use crate::kustomization::PatchSpec;
use crate::loader::Loader;
use crate::patch::{self, JsonPatch, Matcher, Outcome, Schema, Selector};
use crate::resmap::ResMap;
use crate::resource::Resource;
use crate::version::{Change, KustomizeVersion};

/// A patch ready to apply.
#[derive(Debug, Clone)]
pub struct Patch {
    body: Body,
    /// Where it came from, for messages: the patch file, or the kustomization for inline ones.
    source: PathBuf,
    /// `path: x` or `inline patch`, for messages.
    label: String,
    target: Option<Selector>,
    allow_name_change: bool,
    allow_kind_change: bool,
    /// The kustomize whose rules apply it.
    version: KustomizeVersion,
}

#[derive(Debug, Clone)]
enum Body {
    Strategic(Vec<Resource>),
    Json(JsonPatch),
    /// Only empty objects (`{}`): no strategic-merge patch, so kustomize
    /// takes the text for a JSON patch and fails to decode it, with this
    /// message, once it has something to apply it to.
    Undecodable(String),
    /// No object and no operation, which kustomize 5.8 ignores.
    Nothing,
}

/// The text of a patch given inline or by path, with its source for messages.
fn patch_text(
    loader: &Loader,
    kust_file: &std::path::Path,
    spec: &PatchSpec,
) -> Result<(String, PathBuf, String)> {
    // kustomize trims an inline patch first, so a blank one counts as absent.
    let inline = spec
        .patch
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let path = spec.path.as_deref().filter(|p| !p.is_empty());
    match (inline, path) {
        (Some(_), Some(_)) => Err(Error::invalid(
            kust_file,
            "patch and path can't be set at the same time",
        )),
        (None, None) => Err(Error::invalid(
            kust_file,
            "must specify one of patch and path in a patch entry",
        )),
        (Some(text), None) => Ok((
            text.to_owned(),
            kust_file.to_path_buf(),
            "inline patch".into(),
        )),
        (None, Some(path)) => {
            let (file, bytes) = loader.load(path).map_err(|e| {
                e.blaming(kust_file)
                    .reworded(|m| format!("failed to get the patch file from path({path}): {m}"))
            })?;
            let text = crate::error::utf8_string(&file, bytes)?;
            Ok((text, file, format!("patch '{path}'")))
        }
    }
}

/// Loads one `patches:` entry, deciding as kustomize does whether it is a
/// strategic-merge patch (objects with kind and name) or a JSON patch (a list
/// of operations).
pub fn load(loader: &Loader, kust_file: &std::path::Path, spec: &PatchSpec) -> Result<Patch> {
    let (text, source, label) = patch_text(loader, kust_file, spec)?;
    let version = loader.version();
    // kustomize reads the text twice: as objects (kyaml, like resources)
    // and as JSON patch operations (sigs.k8s.io/yaml, go-yaml v2 rules, the
    // first document only: a text with no document, such as blank or
    // comments or `null`, has no operations, but an empty text is an error).
    let strategic = match krust_yaml::load_detailed(&text, Default::default()) {
        Ok(docs) => patches_from_documents(&source, docs),
        Err(e) => Err(Error::yaml(&source, &e)),
    };
    let json = JsonPatch::parse(&text);
    let no_objects = matches!(&strategic, Ok(resources) if resources.is_empty());
    let no_operations = matches!(&json, Ok(ops) if ops.is_empty());
    let body = match (strategic, json) {
        // From 5.8 a patch that yields no object and no operation does nothing.
        _ if no_objects && version.has(Change::PatchWithoutObjectsIgnored) => Body::Nothing,
        // 5.7 takes it for an empty JSON patch (which needs a target).
        (Ok(_), Ok(_)) if no_objects && version.has(Change::PatchWithoutDocumentsIsJson) => {
            Body::Json(JsonPatch::default())
        }
        // From 5.7 objects and no operations (the text's first document is
        // null, `---` then objects) are "both" only when both are non-empty.
        (Ok(resources), Ok(_))
            if no_operations && version.has(Change::PatchWithoutDocumentsIsJson) =>
        {
            Body::Strategic(resources)
        }
        (Ok(_), Ok(_)) => return Err(Error::patch(&source, format!("{label} illegally qualifies as both an SM and JSON patch"))),
        (Err(_), Err(_)) => {
            return Err(Error::patch(
                &source,
                format!("unable to parse {label} as a strategic-merge patch (objects with kind and metadata.name) or a JSON patch (a list of operations)"),
            ))
        }
        // No object (an empty file, or only empty objects): kustomize then
        // goes on as for a JSON patch, decoding the text when it applies it.
        // An empty text is a patch with no operations.
        (Ok(resources), Err(_)) if resources.is_empty() => {
            if text.is_empty() {
                Body::Json(JsonPatch::default())
            } else {
                Body::Undecodable(
                    "json: cannot unmarshal object into Go value of type jsonpatch.Patch".into(),
                )
            }
        }
        (Ok(resources), Err(_)) => Body::Strategic(resources),
        (Err(_), Ok(ops)) => Body::Json(ops),
    };
    Ok(Patch {
        body,
        source,
        label,
        target: spec.target.clone(),
        allow_name_change: spec.allow_name_change,
        allow_kind_change: spec.allow_kind_change,
        version: loader.version(),
    })
}

/// Loads the legacy `patchesStrategicMerge` entries: each is an inline patch,
/// or failing that a file path.
pub fn load_strategic_merge(
    loader: &Loader,
    kust_file: &std::path::Path,
    entries: &[String],
) -> Result<Vec<Patch>> {
    let mut patches = Vec::new();
    for entry in entries {
        let inline = patches_from_bytes(kust_file, entry.as_bytes());
        let (resources, source, label) = match inline {
            Ok(resources) if !resources.is_empty() => (
                resources,
                kust_file.to_path_buf(),
                "inline patch".to_owned(),
            ),
            _ => {
                let (file, bytes) = loader.load(entry).map_err(|e| {
                    Error::invalid(
                        kust_file,
                        format!("patchesStrategicMerge '{entry}': {}", e.message()),
                    )
                })?;
                (
                    patches_from_bytes(&file, &bytes)?,
                    file,
                    format!("patch '{entry}'"),
                )
            }
        };
        // kustomize merges a copy of each whose labels and annotations went
        // through string maps, as for a targeted patch.
        let mut resources = resources;
        resources
            .iter_mut()
            .for_each(Resource::rewrite_labels_and_annotations);
        patches.push(Patch {
            body: Body::Strategic(resources),
            source,
            label,
            target: None,
            allow_name_change: false,
            allow_kind_change: false,
            version: loader.version(),
        });
    }
    if !entries.is_empty()
        && patches
            .iter()
            .all(|p| matches!(&p.body, Body::Strategic(r) if r.is_empty()))
    {
        return Err(Error::patch(
            kust_file,
            "patchesStrategicMerge: patch appears to be empty",
        ));
    }
    Ok(patches)
}

/// Loads one legacy `patchesJson6902` entry, which must name a target.
pub fn load_json6902(
    loader: &Loader,
    kust_file: &std::path::Path,
    spec: &PatchSpec,
) -> Result<Patch> {
    let target = match &spec.target {
        Some(t) if !t.name.is_empty() => t.clone(),
        _ => {
            return Err(Error::invalid(
                kust_file,
                "patchesJson6902: must specify the target name",
            ))
        }
    };
    let (text, source, label) = patch_text(loader, kust_file, spec)?;
    let ops =
        JsonPatch::parse(&text).map_err(|e| Error::patch(&source, format!("{label}: {e}")))?;
    if ops.is_empty() {
        return Err(Error::patch(
            &source,
            format!("{label}: patch appears to be empty"),
        ));
    }
    Ok(Patch {
        body: Body::Json(ops),
        source,
        label,
        target: Some(target),
        allow_name_change: false,
        allow_kind_change: false,
        version: loader.version(),
    })
}

impl Patch {
    /// Applies the patch to `map`. `legacy_json` is the `patchesJson6902`
    /// behaviour, which does not remember previous ids.
    pub fn apply(&self, map: &mut ResMap, legacy_json: bool, schema: &Schema) -> Result<()> {
        match &self.body {
            Body::Nothing => Ok(()),
            Body::Json(ops) => self.apply_json(map, ops, !legacy_json),
            Body::Undecodable(message) => {
                let matcher = self.json_target()?;
                if map.resources().iter().any(|r| matcher.matches(r)) {
                    return Err(self.error(message).with_kind(ErrorKind::InvalidPatch));
                }
                Ok(())
            }
            Body::Strategic(patches) => {
                match &self.target {
                    Some(target) => {
                        let matcher = Matcher::new(target).map_err(|e| self.invalid_target(&e))?;
                        let selected: Vec<usize> = map
                            .resources()
                            .iter()
                            .enumerate()
                            .filter(|(_, r)| matcher.matches(r))
                            .map(|(i, _)| i)
                            .collect();
                        let [patch] = patches.as_slice() else {
                            return Err(self.error("a strategic-merge patch with a target must hold exactly one object").with_kind(ErrorKind::InvalidPatch));
                        };
                        // kustomize merges a copy of a targeted patch whose
                        // labels and annotations went through string maps.
                        let mut patch = patch.clone();
                        patch.rewrite_labels_and_annotations();
                        self.apply_strategic(map, &patch, schema, &selected)
                    }
                    None => {
                        let mut deleted = false;
                        for patch in patches {
                            if deleted && !self.version.has(Change::PatchAfterDeleteSkipsDeleted) {
                                // kustomize 5.5 and 5.6 crash here (a nil object is
                                // left in their resource list): fail as they do.
                                return Err(self.error(&format!("an object deleted by `$patch: delete` is followed by another patch in the same entry, which kustomize {} cannot apply (it crashes); put each deleting patch in its own entry", self.version)));
                            }
                            let before = map.len();
                            let wanted = patch.id().clone();
                            let hits = map.find_by_any_id(&wanted);
                            match hits.len() {
                            1 => {
                                self.apply_strategic(map, patch, schema, &hits)?;
                                deleted = map.len() < before;
                            }
                            0 => {
                                let near = crate::suggest::closest_note(&wanted, map.resources().iter().map(|r| r.id()));
                                return Err(self.error(&format!("no resource matches strategic merge patch target {wanted}{near}")).with_kind(ErrorKind::PatchTarget));
                            }
                            _ => return Err(self.error(&format!("multiple resources match strategic merge patch target {wanted}")).with_kind(ErrorKind::PatchTarget)),
                        }
                        }
                        Ok(())
                    }
                }
            }
        }
    }

    /// A failure applying this patch, named by its file and label.
    fn error(&self, message: &str) -> Error {
        Error::new(ErrorKind::Transform, format!("{}: {message}", self.label)).in_file(&self.source)
    }

    /// A target this patch cannot select with (a bad regular expression).
    fn invalid_target(&self, message: &str) -> Error {
        self.error(message)
            .with_kind(ErrorKind::InvalidKustomization)
    }

    /// The matcher of a JSON patch's target, which it must have.
    fn json_target(&self) -> Result<Matcher> {
        let target = self.target.as_ref().ok_or_else(|| {
            self.error("must specify a target for a JSON patch")
                .with_kind(ErrorKind::InvalidPatch)
        })?;
        Matcher::new(target).map_err(|e| self.invalid_target(&e))
    }

    fn apply_json(&self, map: &mut ResMap, ops: &JsonPatch, store_previous: bool) -> Result<()> {
        let matcher = self.json_target()?;
        map.transform(|res| {
            if !matcher.matches(res) {
                return Ok(());
            }
            if store_previous {
                res.store_previous_id();
            }
            // kustomize turns the object into JSON first.
            res.check_json_step()
                .map_err(|e| self.error(&format!("{} : {e}", res.id())))?;
            res.forget_empty_values();
            let version = self.version;
            res.with_build_annotations(|obj| ops.apply(obj, version))
                .map_err(|e| self.error(&format!("{} : {e}", res.id())))?;
            res.json_round_tripped();
            Ok(())
        })
    }

    /// kustomize's `ApplySmPatch`: merge, then restore name, namespace and
    /// kind unless the patch may change them; a deleted object is dropped.
    fn apply_strategic(
        &self,
        map: &mut ResMap,
        patch: &Resource,
        schema: &Schema,
        selected: &[usize],
    ) -> Result<()> {
        for &index in selected {
            map.modify(index, |res| self.merge_one(res, patch, schema))?;
        }
        map.drop_emptied();
        Ok(())
    }

    fn merge_one(&self, res: &mut Resource, patch: &Resource, schema: &Schema) -> Result<()> {
        {
            let mut body = patch.obj().clone();
            if let (Some(api), Some(m)) = (res.obj().get("apiVersion").cloned(), body.as_map_mut())
            {
                m.insert("apiVersion".into(), api);
            }
            let (name, namespace, kind) = (
                res.id().name.clone(),
                res.id().namespace.clone(),
                res.id().gvk.kind.clone(),
            );
            if self.allow_name_change || self.allow_kind_change {
                res.store_previous_id();
            }
            res.drop_empty_values();
            res.before_merge(&body);
            let unquoted = patch.plain_keys_missing_in(res.obj());
            let written = patch::merge::Written::new(&body, patch.scalar_texts());
            let outcome = patch::merge::merge_written(res.obj_mut(), &body, Some(schema), &written)
                .map_err(|e| self.error(&format!("{}: {e}", res.id())))?;
            if outcome == Outcome::Deleted || res.is_empty() {
                *res.obj_mut() = Value::Null;
                return Ok(());
            }
            res.merged_from(patch);
            for path in unquoted {
                res.created_plain_key(path);
            }
            let obj = res.obj_mut();
            if !self.allow_kind_change {
                set_top(obj, "kind", Some(kind));
            }
            if !self.allow_name_change {
                set_meta(obj, "name", Some(name));
            }
            set_meta(obj, "namespace", Some(namespace).filter(|n| !n.is_empty()));
            Ok(())
        }
    }
}

fn set_top(obj: &mut Value, key: &str, value: Option<String>) {
    if let Some(m) = obj.as_map_mut() {
        match value {
            Some(v) => {
                m.insert(key.into(), Value::String(v));
            }
            None => {
                m.shift_remove(key);
            }
        }
    }
}

fn set_meta(obj: &mut Value, key: &str, value: Option<String>) {
    let Some(m) = obj.as_map_mut() else { return };
    match value {
        Some(v) => {
            let meta = m.get_or_insert_with("metadata", || Value::Map(Default::default()));
            if !matches!(meta, Value::Map(_)) {
                *meta = Value::Map(Default::default());
            }
            if let Some(meta) = meta.as_map_mut() {
                meta.insert(key.into(), Value::String(v));
            }
        }
        None => {
            if let Some(meta) = m.get_mut("metadata").and_then(Value::as_map_mut) {
                meta.shift_remove(key);
            }
        }
    }
}
