//! `replacements:` — copy a field of one resource into fields of others,
//! as kustomize v5.5.0's `ReplacementTransformer` does.
//!
//! Each replacement reads one value from its single source, then writes it
//! into every field its targets name:
//!
//! * **Selection** compares exactly (no regexes): group, version, kind,
//!   name and namespace each match when empty or equal, against the current
//!   id *or any earlier id* (so a name from before `namePrefix` still
//!   selects). An empty namespace equals `default`, and cluster-scoped kinds
//!   get no special treatment. The source must select exactly one resource
//!   (`nothing selected by …`, `multiple matches for selector …`). Targets
//!   may add label and annotation selectors; `reject` entries remove
//!   resources matching their id *or* their label/annotation selectors.
//! * **Paths** are dotted kyaml paths (see the `path` module): for the source, exact
//!   `[k=v]` selectors, indexes and `-`; for targets, `[k=v]` is an
//!   unanchored regex, `*` enters every list element, and `create` adds
//!   missing fields (lists only by appending at index `len`). A target path
//!   that matches nothing is an error.
//! * **Values**: a scalar target keeps its own type and takes the source's
//!   text (`"8080"` into `replicas` gives `8080`; text that cannot be read as
//!   the target's type fails as kustomize fails when printing); a created
//!   field reads the text as plain YAML; a list or map target is replaced by
//!   the whole source node. `delimiter`/`index` pick a part of the source
//!   text and replace (or, out of range, prepend/append) a part of the target
//!   text.
//!
//! Later versions add (see [`crate::version::Change`]): target selectors as
//! anchored regular expressions (5.8); `sourceValue`, a literal string in
//! place of a source (5.7, an unknown field before); target paths that go
//! through a string holding JSON or YAML, rewritten as kustomize writes it
//! (5.8, the `structured` module).

pub(crate) mod path;
pub(crate) mod scalar;
mod structured;
mod write;

use std::fmt;

use krust_yaml::Value;

use crate::decode::{boolean, fields_with, integer, map_of, seq_of as list, string, type_error};
use crate::error::{Error, Result};
use crate::patch::{Matcher, Selector as LabelSelector};
use crate::resid::ResId;
use crate::resmap::ResMap;
use crate::resource::Resource;
use crate::version::{Change, KustomizeVersion};

use crate::resid::resid_string;
use path::Kind;
use scalar::Tag;
use write::{concrete_path, write_field, written_empty_nulls};

/// The field path a source or target uses when it names none.
pub const DEFAULT_FIELD_PATH: &str = "metadata.name";

/// Group, version, kind, name and namespace to select resources by (empty
/// parts match anything; no regular expressions).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdSelector {
    /// API group.
    pub group: String,
    /// API version.
    pub version: String,
    /// Kind.
    pub kind: String,
    /// Name (current or any earlier one).
    pub name: String,
    /// Namespace (empty and `default` are the same).
    pub namespace: String,
}

impl IdSelector {
    /// " (closest: ...)" naming the resources of `map` this selector was
    /// probably meant to pick, for a message saying it picked none.
    fn closest_note(&self, map: &ResMap) -> String {
        if self.name.is_empty() {
            return String::new();
        }
        let wanted = ResId {
            gvk: crate::resid::Gvk {
                group: self.group.clone(),
                version: self.version.clone(),
                kind: self.kind.clone(),
            },
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        };
        crate::suggest::closest_note(&wanted, map.resources().iter().map(Resource::id))
    }

    /// Whether every part is empty.
    pub fn is_empty(&self) -> bool {
        *self == IdSelector::default()
    }

    /// kustomize's `ResId.IsSelectedBy`, with the replacement filter's
    /// namespace rule (ids built without cluster-scope knowledge).
    fn selects(&self, id: &ResId) -> bool {
        let ns = |n: &str| {
            if n.is_empty() {
                "default".to_owned()
            } else {
                n.to_owned()
            }
        };
        (self.name.is_empty() || self.name == id.name)
            && (self.namespace.is_empty() || ns(&self.namespace) == ns(&id.namespace))
            && (self.group.is_empty() || self.group == id.gvk.group)
            && (self.version.is_empty() || self.version == id.gvk.version)
            && (self.kind.is_empty() || self.kind == id.gvk.kind)
    }
}

/// How a target's `select` and `reject` ids pick resources: exactly, as
/// [`IdSelector::selects`], until kustomize 5.8; from 5.8 each non-empty part
/// is an anchored regular expression matched against the id as it is (the
/// namespace too, so `default` no longer matches a resource without one).
enum IdMatch<'a> {
    Exact(&'a IdSelector),
    /// Group, version, kind, name and namespace patterns.
    Regex([Option<regex::Regex>; 5]),
}

impl<'a> IdMatch<'a> {
    fn new(id: &'a IdSelector, regex: bool) -> Result<IdMatch<'a>> {
        if !regex {
            return Ok(IdMatch::Exact(id));
        }
        let compile = |pattern: &str| {
            crate::patch::selector::anchored(pattern)
                .map_err(|e| Error::setting(format!("error creating target selector: {e}")))
        };
        Ok(IdMatch::Regex([
            compile(&id.group)?,
            compile(&id.version)?,
            compile(&id.kind)?,
            compile(&id.name)?,
            compile(&id.namespace)?,
        ]))
    }

    fn selects(&self, id: &ResId) -> bool {
        match self {
            IdMatch::Exact(selector) => selector.selects(id),
            IdMatch::Regex(patterns) => {
                let parts = [
                    &id.gvk.group,
                    &id.gvk.version,
                    &id.gvk.kind,
                    &id.name,
                    &id.namespace,
                ];
                patterns
                    .iter()
                    .zip(parts)
                    .all(|(p, part)| p.as_ref().is_none_or(|re| re.is_match(part)))
            }
        }
    }
}

impl fmt::Display for IdSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&resid_string(
            &self.group,
            &self.version,
            &self.kind,
            &self.name,
            &self.namespace,
        ))
    }
}

/// `options:` of a source or target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldOptions {
    /// Split the text on this; empty means the whole value.
    pub delimiter: String,
    /// Which part of the split text.
    pub index: i64,
    /// `encoding` (accepted and ignored, as in kustomize).
    pub encoding: String,
    /// Create missing target fields.
    pub create: bool,
}

impl FieldOptions {
    /// kustomize's `FieldOptions.String()` (empty without delimiter or create).
    fn describe(&self) -> String {
        if self.delimiter.is_empty() && !self.create {
            return String::new();
        }
        format!("{}({}), create={}", self.delimiter, self.index, self.create)
    }
}

/// `source:` of a replacement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Source {
    /// Which resource.
    pub id: IdSelector,
    /// The field to read; empty means `metadata.name`.
    pub field_path: String,
    /// How to refine the value.
    pub options: Option<FieldOptions>,
}

impl fmt::Display for Source {
    /// kustomize's `SourceSelector.String()`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.id)?;
        if !self.field_path.is_empty() {
            write!(f, ":{}", self.field_path)?;
        }
        if let Some(opts) = self.options.as_ref().map(FieldOptions::describe) {
            if !opts.is_empty() {
                write!(f, ":{opts}")?;
            }
        }
        Ok(())
    }
}

/// A `select:` or `reject:` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetSelector {
    /// Id parts.
    pub id: IdSelector,
    /// Label selector (`app=web,tier in (a,b)`).
    pub label_selector: String,
    /// Annotation selector.
    pub annotation_selector: String,
}

/// One entry of `targets:`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// Resources to write to (required).
    pub select: Option<TargetSelector>,
    /// Resources to leave alone.
    pub reject: Vec<TargetSelector>,
    /// Fields to write; empty means `metadata.name`.
    pub field_paths: Vec<String>,
    /// How to write.
    pub options: Option<FieldOptions>,
}

/// One replacement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replacement {
    /// Where the value comes from (this or `source_value` required).
    pub source: Option<Source>,
    /// `sourceValue` (kustomize 5.7+): a literal string to write instead of
    /// a field of a source resource.
    pub source_value: Option<String>,
    /// How `sourceValue` was written, which older versions judge.
    pub source_value_field: SourceValueField,
    /// Where it goes (at least one required).
    pub targets: Vec<Target>,
}

/// How a replacement's `sourceValue` key was written. kustomize added the
/// field in 5.7; before, it is an unknown field: an error in a
/// kustomization (decoded strictly), ignored in a replacements file or a
/// plugin configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SourceValueField {
    /// Not written.
    #[default]
    Absent,
    /// Written where unknown fields are errors (even as `null`).
    Strict,
    /// Written where unknown fields are ignored.
    Lenient,
    /// Written, where unknown fields are ignored, with a value that is not
    /// a string: the decoding error, which 5.7 and later report.
    NotAString(String),
}

impl Replacement {
    /// This replacement as kustomize `version` decodes it: before 5.7 a
    /// `sourceValue` fails a kustomization and is ignored elsewhere; from
    /// 5.7 a value that is not a string is an error everywhere.
    pub fn for_version(&self, version: KustomizeVersion) -> Result<Replacement, String> {
        let mut r = self.clone();
        let known = version.has(Change::ReplacementSourceValue);
        match (&r.source_value_field, known) {
            (SourceValueField::NotAString(e), true) => return Err(format!("sourceValue: {e}")),
            (SourceValueField::Strict, false) => {
                return Err("json: unknown field \"sourceValue\"".into())
            }
            (_, false) => r.source_value = None,
            _ => {}
        }
        Ok(r)
    }
}

/// One entry of a kustomization's `replacements:`: inline, or a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplacementEntry {
    /// Written in the kustomization.
    Inline(Box<Replacement>),
    /// `path:` of a file holding one replacement or a list of them
    /// (read when the kustomization is built).
    Path(String),
}

// ---------------------------------------------------------------------------
// Decoding

/// Decodes one inline replacement strictly (unknown fields are errors), as
/// kustomize decodes the kustomization file.
#[cfg(test)]
pub fn parse_replacement(v: &Value) -> Result<Replacement, String> {
    replacement(v, true)
}

/// Decodes one inline replacement leniently (unknown fields ignored), as
/// kustomize decodes plugin configurations.
pub fn parse_replacement_leniently(v: &Value) -> Result<Replacement, String> {
    replacement(v, false)
}

/// Decodes one entry of a kustomization's `replacements:` (strictly): an
/// inline replacement or `{path: file}`; both at once is kustomize's error.
pub fn parse_replacement_entry(v: &Value) -> Result<ReplacementEntry, String> {
    replacement_entry(v, true)
}

/// [`parse_replacement_entry`] for a plugin configuration, where unknown
/// fields are ignored.
pub fn parse_replacement_entry_leniently(v: &Value) -> Result<ReplacementEntry, String> {
    replacement_entry(v, false)
}

fn replacement_entry(v: &Value, strict: bool) -> Result<ReplacementEntry, String> {
    let mut path = String::new();
    let mut rest = krust_yaml::Mapping::default();
    for (key, value) in map_of(v)? {
        if key.eq_ignore_ascii_case("path") {
            path = string(value).map_err(|e| format!("path: {e}"))?;
        } else {
            rest.insert(key.clone(), value.clone());
        }
    }
    let inline = replacement(&Value::from_map(rest), strict)?;
    if path.is_empty() {
        return Ok(ReplacementEntry::Inline(Box::new(inline)));
    }
    if inline.source.is_some() || !inline.targets.is_empty() {
        return Err("cannot specify both path and inline replacement".into());
    }
    Ok(ReplacementEntry::Path(path))
}

/// Decodes a replacements file: one replacement (a map) or a list of them.
/// As in kustomize, unknown fields are ignored here.
#[cfg(test)]
pub fn parse_replacement_file(text: &str) -> Result<Vec<Replacement>, String> {
    let docs = load_replacement_file(text).map_err(|e| e.to_string())?;
    replacements_from_documents(docs)
}

/// Reads a replacements file as kustomize does: sigs.k8s.io/yaml (go-yaml
/// v2's YAML 1.1 rules, the first document).
pub fn load_replacement_file(text: &str) -> Result<Vec<Value>, krust_yaml::LoadError> {
    krust_yaml::load_documents_with(text, krust_yaml::LoadOptions::sigs_k8s_yaml())
}

/// [`parse_replacement_file`] of a file already read as YAML.
pub fn replacements_from_documents(docs: Vec<Value>) -> Result<Vec<Replacement>, String> {
    match docs.into_iter().next() {
        Some(Value::Seq(items)) => items.iter().map(|v| replacement(v, false)).collect(),
        Some(v @ Value::Map(_)) => Ok(vec![replacement(&v, false)?]),
        other => Err(format!(
            "unsupported replacement type encountered within replacement path: {}",
            match other {
                None | Some(Value::Null) => "invalid",
                Some(Value::String(_)) => "string",
                Some(Value::Bool(_)) => "bool",
                Some(_) => "float64",
            }
        )),
    }
}

fn replacement(v: &Value, strict: bool) -> Result<Replacement, String> {
    let mut r = Replacement::default();
    let known = &["source", "targets", "sourceValue"];
    for (field, value) in fields_with(v, known, strict)? {
        let at = |e: String| format!("{field}: {e}");
        match field {
            "source" => r.source = Some(source(value, strict).map_err(at)?),
            "targets" => r.targets = list(value, |t| target(t, strict)).map_err(at)?,
            _ => match (value, strict) {
                (Value::String(text), _) => r.source_value = Some(text.clone()),
                (other, true) => return Err(at(type_error("a string", other))),
                (other, false) => {
                    r.source_value_field =
                        SourceValueField::NotAString(type_error("a string", other))
                }
            },
        }
    }
    // Go matches the key regardless of case; `null` still counts as written.
    let written = map_of(v)?
        .keys()
        .any(|k| k.eq_ignore_ascii_case("sourceValue"));
    if written && r.source_value_field == SourceValueField::Absent {
        r.source_value_field = if strict {
            SourceValueField::Strict
        } else {
            SourceValueField::Lenient
        };
    }
    Ok(r)
}

fn set_id_field(id: &mut IdSelector, field: &str, value: &Value) -> Result<(), String> {
    let text = string(value).map_err(|e| format!("{field}: {e}"))?;
    match field {
        "group" => id.group = text,
        "version" => id.version = text,
        "kind" => id.kind = text,
        "name" => id.name = text,
        _ => id.namespace = text,
    }
    Ok(())
}

fn source(v: &Value, strict: bool) -> Result<Source, String> {
    let mut s = Source::default();
    let known = &[
        "group",
        "version",
        "kind",
        "name",
        "namespace",
        "fieldPath",
        "options",
    ];
    for (field, value) in fields_with(v, known, strict)? {
        match field {
            "fieldPath" => s.field_path = string(value).map_err(|e| format!("{field}: {e}"))?,
            "options" => {
                s.options = Some(options(value, strict).map_err(|e| format!("{field}: {e}"))?)
            }
            id => set_id_field(&mut s.id, id, value)?,
        }
    }
    Ok(s)
}

fn target(v: &Value, strict: bool) -> Result<Target, String> {
    let mut t = Target::default();
    let known = &["select", "reject", "fieldPaths", "options"];
    for (field, value) in fields_with(v, known, strict)? {
        let at = |e: String| format!("{field}: {e}");
        match field {
            "select" => t.select = Some(selector(value, strict).map_err(at)?),
            "reject" => t.reject = list(value, |r| selector(r, strict)).map_err(at)?,
            "fieldPaths" => t.field_paths = list(value, string).map_err(at)?,
            _ => t.options = Some(options(value, strict).map_err(at)?),
        }
    }
    Ok(t)
}

fn selector(v: &Value, strict: bool) -> Result<TargetSelector, String> {
    let mut s = TargetSelector::default();
    for (field, value) in fields_with(v, &crate::patch::Selector::FIELDS, strict)? {
        match field {
            "labelSelector" => s.label_selector = string(value)?,
            "annotationSelector" => s.annotation_selector = string(value)?,
            id => set_id_field(&mut s.id, id, value)?,
        }
    }
    Ok(s)
}

fn options(v: &Value, strict: bool) -> Result<FieldOptions, String> {
    let mut o = FieldOptions::default();
    let known = &["delimiter", "index", "encoding", "create"];
    for (field, value) in fields_with(v, known, strict)? {
        let at = |e: String| format!("{field}: {e}");
        match field {
            "delimiter" => o.delimiter = string(value).map_err(at)?,
            "index" => o.index = integer(value).map_err(at)?,
            "encoding" => o.encoding = string(value).map_err(at)?,
            _ => o.create = boolean(value).map_err(at)?,
        }
    }
    Ok(o)
}

// ---------------------------------------------------------------------------
// Applying

/// The value a replacement writes: a scalar's tag and text (the text may
/// have been cut by `delimiter`), or a whole list or map.
#[derive(Debug, Clone)]
enum Replacing {
    Scalar(Tag, String),
    Node(Value),
}

impl Replacing {
    /// kyaml's `GetValue`: the scalar text, empty for collections.
    fn text(&self) -> &str {
        match self {
            Replacing::Scalar(_, text) => text,
            Replacing::Node(_) => "",
        }
    }

    fn kind(&self) -> Kind {
        match self {
            Replacing::Scalar(..) => Kind::Scalar,
            Replacing::Node(node) => Kind::of(node),
        }
    }

    /// The node itself, for replacing a list or map target.
    fn node(&self) -> Result<Value, String> {
        match self {
            Replacing::Scalar(tag, text) => scalar::to_value(*tag, text),
            Replacing::Node(node) => Ok(node.clone()),
        }
    }
}

/// Applies `replacements` in order, each seeing the previous ones' changes,
/// as kustomize `version` does.
pub fn apply(
    map: &mut ResMap,
    replacements: &[Replacement],
    version: KustomizeVersion,
) -> Result<()> {
    for r in replacements {
        let literal = r
            .source_value
            .as_ref()
            .filter(|_| version.has(Change::ReplacementSourceValue));
        if (literal.is_none() && r.source.is_none()) || r.targets.is_empty() {
            return Err(Error::setting(
                "replacements must specify a source and at least one target",
            ));
        }
        let value = match (literal, &r.source) {
            (Some(_), Some(_)) => {
                return Err(Error::setting(
                    "value and resource selectors are mutually exclusive",
                ))
            }
            // kyaml's `NewScalarRNode`: no tag, plain style.
            (Some(text), None) => Replacing::Scalar(Tag::Untagged, text.clone()),
            (None, Some(source)) => source_value(map, source).map_err(Error::transform)?,
            (None, None) => unreachable!("checked above"),
        };
        // Without a delimiter the value is the source's node itself, not a
        // copy: a target that writes into that node changes what later
        // targets get.
        let live = r
            .source
            .as_ref()
            .filter(|s| s.options.as_ref().is_none_or(|o| o.delimiter.is_empty()));
        let mut value = value;
        for target in &r.targets {
            apply_target(map, &mut value, live, target, version)?;
        }
    }
    Ok(())
}

/// The current id and every earlier one (kustomize's `MakeResIds`).
fn ids(res: &Resource) -> impl Iterator<Item = &ResId> {
    std::iter::once(res.id()).chain(res.previous_ids())
}

fn source_value(map: &ResMap, source: &Source) -> Result<Replacing, String> {
    let mut selected = map
        .resources()
        .iter()
        .filter(|res| ids(res).any(|id| source.id.selects(id)));
    let res = selected.next().ok_or_else(|| {
        format!(
            "nothing selected by {source}{}",
            source.id.closest_note(map)
        )
    })?;
    if selected.next().is_some() {
        return Err(format!("multiple matches for selector {source}"));
    }
    value_of(res, source)
}

/// The value `source` names in `res`, its selected resource.
fn value_of(res: &Resource, source: &Source) -> Result<Replacing, String> {
    let field_path = if source.field_path.is_empty() {
        DEFAULT_FIELD_PATH
    } else {
        &source.field_path
    };
    let segs = path::locate(res.obj(), &path::split(field_path))
        .map_err(|e| format!("error looking up replacement source: {e}"))?;
    let node = match segs.as_deref().and_then(|segs| res.obj().at(segs)) {
        None | Some(Value::Null) => None,
        Some(Value::Map(m)) if m.is_empty() => None,
        Some(Value::Seq(s)) if s.is_empty() => None,
        Some(node) => Some(node),
    }
    .ok_or_else(|| {
        format!(
            "fieldPath `{field_path}` is missing for replacement source {}",
            source.id
        )
    })?;
    let value = match node {
        Value::Map(_) | Value::Seq(_) => Replacing::Node(node.clone()),
        scalar => {
            let written = segs.as_deref().and_then(|segs| res.scalar_text(segs));
            let text = written.map_or_else(|| path::node_text(scalar), str::to_owned);
            Replacing::Scalar(Tag::of(scalar), text)
        }
    };
    match source.options.as_ref().filter(|o| !o.delimiter.is_empty()) {
        None => Ok(value),
        Some(opts) => {
            let Replacing::Scalar(tag, text) = &value else {
                return Err("delimiter option can only be used with scalar nodes".into());
            };
            let parts: Vec<&str> = text.split(opts.delimiter.as_str()).collect();
            usize::try_from(opts.index)
                .ok()
                .and_then(|i| parts.get(i))
                .map(|part| Replacing::Scalar(*tag, (*part).to_owned()))
                .ok_or_else(|| {
                    format!(
                        "options.index {} is out of bounds for value {text}",
                        opts.index
                    )
                })
        }
    }
}

/// A label/annotation matcher, when the selector has either.
fn label_matcher(sel: &TargetSelector) -> Result<Option<Matcher>> {
    if sel.label_selector.is_empty() && sel.annotation_selector.is_empty() {
        return Ok(None);
    }
    Matcher::new(&LabelSelector {
        label_selector: sel.label_selector.clone(),
        annotation_selector: sel.annotation_selector.clone(),
        ..LabelSelector::default()
    })
    .map(Some)
    .map_err(Error::transform)
}

fn apply_target(
    map: &mut ResMap,
    value: &mut Replacing,
    live: Option<&Source>,
    target: &Target,
    version: KustomizeVersion,
) -> Result<()> {
    let select = target
        .select
        .as_ref()
        .ok_or_else(|| Error::setting("target must specify resources to select"))?;
    let regex = version.has(Change::ReplacementTargetRegex);
    let structured = version.has(Change::ReplacementStructuredTargets);
    let select_id = IdMatch::new(&select.id, regex)?;
    let reject_ids = target
        .reject
        .iter()
        .filter(|r| !r.id.is_empty())
        .map(|r| IdMatch::new(&r.id, regex))
        .collect::<Result<Vec<_>>>()?;
    let select_labels = label_matcher(select)?;
    let reject_labels = target
        .reject
        .iter()
        .map(label_matcher)
        .collect::<Result<Vec<_>>>()?;
    let default_paths = [DEFAULT_FIELD_PATH.to_owned()];
    let field_paths = if target.field_paths.is_empty() {
        &default_paths[..]
    } else {
        &target.field_paths[..]
    };
    map.transform(|res| {
        if select_labels.as_ref().is_some_and(|m| !m.matches(res))
            || reject_labels.iter().flatten().any(|m| m.matches(res))
        {
            return Ok(());
        }
        let selected = ids(res).any(|id| select_id.selects(id));
        let rejected = reject_ids.iter().any(|r| ids(res).any(|id| r.selects(id)));
        if !selected || rejected {
            return Ok(());
        }
        for field_path in field_paths {
            let empties = structured.then(|| written_empty_nulls(res));
            let before = concrete_path(res.obj(), field_path);
            let untagged = before.as_ref().is_some_and(|k| res.is_untagged(k));
            // The tag go-yaml gave the field, where the value model alone
            // would guess it wrong.
            let tag = if untagged {
                Some(Tag::Untagged)
            } else {
                // Text that did not fit its node before: the node keeps its tag.
                before
                    .as_ref()
                    .and_then(|keys| match res.deferred_json_error(keys) {
                        Some(error) => Tag::wanted_by(error),
                        None => res.is_timestamp(keys).then_some(Tag::Timestamp),
                    })
            };
            let written = write_field(
                res.obj_mut(),
                value,
                field_path,
                target.options.as_ref(),
                empties.as_deref(),
                tag,
            )
            .map_err(Error::transform)?;
            // A field found by its path was written in place: what shares
            // its node changes too, and a label or annotation keeps the text.
            let keys = before.or_else(|| concrete_path(res.obj(), field_path));
            let mistyped = written.as_ref().and_then(|w| w.mistyped.clone());
            match (&keys, mistyped) {
                (Some(keys), Some(error)) => res.defer_json_error(keys, error),
                (None, Some(error)) => return Err(Error::transform(error)),
                _ => {}
            }
            if let Some(keys) = keys {
                res.scalar_written(&keys);
                if let Some(written) = written {
                    if written.created || untagged {
                        res.mark_untagged(&keys);
                    }
                    res.set_scalar_text(&keys, written.text);
                }
            }
            if let Some(source) = live.filter(|s| ids(res).any(|id| s.id.selects(id))) {
                if let Ok(now) = value_of(res, source) {
                    *value = now;
                }
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests;
