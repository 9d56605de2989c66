//! ConfigMap and Secret generators (`configMapGenerator:`, `secretGenerator:`,
//! `generatorOptions:`), as kustomize v5.5.0 runs them.
//!
//! # What this module does
//!
//! * [`configmap_generators`], [`secret_generators`] ([`configmap_args`],
//!   [`secret_args`] for one entry) and [`generator_options`] decode the
//!   kustomization fields strictly, with Go's messages (see [`args`]).
//! * [`generate`] builds the object of one entry, reading files through the
//!   kustomization's `Loader` (so the load restrictor applies).
//! * [`content_hash`] is the name suffix kustomize appends.
//! * [`find_target`] and [`merge_into`] implement `behavior: merge|replace`
//!   against what was accumulated.
//!
//! # What the build must do around it (kustomize's `accumulateTarget`)
//!
//! 1. **When.** Generators run after `resources:` are accumulated and the
//!    kustomization's `configurations:`/`crds:` merged, and *before*
//!    `components:` and this kustomization's own transformers (which then
//!    also transform the generated objects). A component's generators run
//!    inside the component's accumulation, against the parent's resources.
//! 2. **Configure all, then generate.** kustomize first configures every
//!    generator (all ConfigMap entries, then all Secret entries), merging
//!    `generatorOptions` into each and marshalling its config; only then does
//!    it generate them one by one. So call [`configure`] on every entry,
//!    ConfigMaps first, before generating any (its errors win over any
//!    generation error), then for each configured entry in that same order:
//!    [`generate_configured`] and absorb the result before generating the
//!    next. ([`generate`] does both steps for one entry.)
//! 3. **Absorb** (kustomize's `appendReplaceOrMerge`): [`find_target`]
//!    looks for accumulated resources with *any* id (current or previous,
//!    i.e. before prefixes, suffixes, namespace changes) equal to the
//!    generated object's id (name and namespace as written in the entry).
//!    * `Ok(None)`: append a new resource for [`Generated::obj`] at the end.
//!      It needs a hash suffix iff [`Generated::needs_hash`]; mark it as
//!      carrying build annotations (kustomize wrote `needsHashSuffix` and
//!      `generatorBehavior` annotations on it, so an empty
//!      `metadata.annotations` left at the end is dropped).
//!    * `Ok(Some(i))`: call [`merge_into`] on resource `i`'s object and
//!      re-read its id. The resource stays **at the same position** and
//!      keeps all its bookkeeping: previous ids, prefixes, suffixes,
//!      transformations (kustomize copies the old object's build
//!      annotations); its name and namespace stay the old ones. Its
//!      needs-hash flag becomes `old && generated.needs_hash` (a plain
//!      resource merged by a generator gets no hash; a generator with
//!      `disableNameSuffixHash` turns the base's hash off; a base without a
//!      hash stays without).
//!    * Origins (any `buildMetadata`): a generated object's origin is not a
//!      path; with `originAnnotations` kubectl prints it as
//!      `config.kubernetes.io/origin: "configuredIn: ../base/kustomization.yaml\nconfiguredBy:\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n"`
//!      (`configuredIn` is the generating kustomization's file, relative
//!      to the top one, under its actual file name; the kind is
//!      [`GeneratorKind::plugin_kind`]). On `merge` the old origin is kept
//!      (if it had one); on `replace` the generated object's origin wins
//!      when it has one. Transformations recorded on the old resource are
//!      kept in both cases; later transformers record theirs as usual.
//!    * Errors are returned with kustomize's wording; kustomize prefixes
//!      them with `merging from generator <plugin>: `.
//! 4. **Hash suffixes at the very end.** Only the top-level build adds them
//!    (kustomize's `addHashesToNames`, not part of the recursion): after the
//!    top kustomization's transformers ran and *before* name references are
//!    fixed, for every resource (in order) flagged as needing a hash,
//!    compute [`content_hash`] of its object as it is then (patches to
//!    `data` count; labels, annotations, name do not), store its current id
//!    as a previous id, and rename it `<current name>-<hash>`. Name
//!    references (Deployment `envFrom`, volumes, ...) to the generator's
//!    name are then fixed by the name-reference pass through those
//!    previous ids, like any other rename.
//!
//! `generatorOptions` apply to the generators of their own kustomization
//! only (not to bases or components). kustomize's internal annotations never
//! reach the output, so the only state to keep on a resource besides what
//! `Resource` already records is the needs-hash flag.

pub mod args;
mod hash;
mod kv;

use krust_yaml::strconv::quote;
use krust_yaml::{Mapping, Value};

use crate::error::{Error, ErrorKind, Result};
use crate::loader::Loader;
use crate::resid::ResId;
use crate::resource::Resource;

pub use args::{
    configmap_args, configmap_generators, generator_options, secret_args, secret_generators,
    GeneratorArgs, GeneratorKind, GeneratorOptions,
};
pub use hash::{content_hash, sha256_hex, HASH_ALPHABET, HASH_LEN};

/// `behavior:` of a generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Behavior {
    /// Missing or unrecognised (kustomize accepts any value and treats it as `create`).
    #[default]
    Unspecified,
    /// `create`: a new object; an existing one with the same id is an error.
    Create,
    /// `replace`: the generated object replaces an existing one.
    Replace,
    /// `merge`: the generated data is merged into an existing object.
    Merge,
}

impl Behavior {
    /// kustomize's `NewGenerationBehavior`: exact, case-sensitive spellings;
    /// anything else is [`Behavior::Unspecified`], not an error.
    pub fn parse(s: &str) -> Behavior {
        match s {
            "create" => Behavior::Create,
            "replace" => Behavior::Replace,
            "merge" => Behavior::Merge,
            _ => Behavior::Unspecified,
        }
    }

    /// Whether the generated object must land on an existing one.
    pub fn is_merge_or_replace(self) -> bool {
        matches!(self, Behavior::Merge | Behavior::Replace)
    }
}

/// One generated object and what its generator asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// The ConfigMap or Secret.
    pub obj: Value,
    /// Which generator made it.
    pub kind: GeneratorKind,
    /// What to do with an existing object of the same id.
    pub behavior: Behavior,
    /// Whether a content hash is to be appended to its name at the end of the build.
    pub needs_hash: bool,
}

impl Generated {
    /// The object's id (the entry's name and namespace).
    pub fn id(&self) -> ResId {
        ResId::of(&self.obj)
    }
}

/// kustomize's configuration step for one generator: merges the
/// kustomization-wide `generatorOptions` (`global`) into the entry's own
/// options and returns the entry as the generator plugin then sees it.
///
/// kustomize marshals the configuration to JSON, converts that to YAML
/// with go-yaml and reads it back, which is not quite lossless:
///
/// * characters JSON leaves raw but YAML forbids (DEL, C1 controls other
///   than NEL, U+FFFE, U+FFFF) anywhere are an error;
/// * a raw NEL (U+0085) is a YAML line break: inside a string, a run of
///   spaces and NELs folds to one space (one NEL) or to a newline per
///   further NEL; in a label or annotation key it is a syntax error.
pub fn configure(args: &GeneratorArgs, global: Option<&GeneratorOptions>) -> Result<GeneratorArgs> {
    let mut out = args.clone();
    if out.options.is_some() || global.is_some() {
        out.options = Some(GeneratorOptions::merged(args.options.as_ref(), global));
    }
    let fail = |problem: &str| {
        Error::setting(format!(
            "builtin {} marshal: yaml: {problem}",
            args.kind.plugin_kind()
        ))
    };
    let forbidden = |s: &String| {
        s.chars().any(
            |c| matches!(c, '\u{7f}'..='\u{84}' | '\u{86}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}'),
        )
    };
    // Every string in the order the JSON text holds them, keys marked.
    let mut strings: Vec<(&String, bool)> = [&out.namespace, &out.name, &out.behavior]
        .into_iter()
        .chain(&out.literals)
        .chain(&out.files)
        .chain(&out.envs)
        .map(|s| (s, false))
        .collect();
    if let Some(options) = &out.options {
        for map in [&options.labels, &options.annotations] {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort();
            for (k, v) in entries {
                strings.push((k, true));
                strings.push((v, false));
            }
        }
    }
    strings.push((&out.secret_type, false));
    if strings.iter().any(|(s, _)| forbidden(s)) {
        return Err(fail("control characters are not allowed"));
    }
    let mut line = 0;
    for (s, is_key) in &strings {
        line += s.matches('\u{85}').count();
        if *is_key && s.contains('\u{85}') {
            return Err(fail(&format!(
                "line {line}: did not find expected ',' or '}}'"
            )));
        }
    }
    let fold = |s: &mut String| {
        if s.contains('\u{85}') {
            *s = fold_nel(s);
        }
    };
    for s in [
        &mut out.namespace,
        &mut out.name,
        &mut out.behavior,
        &mut out.secret_type,
    ] {
        fold(s);
    }
    for s in out
        .literals
        .iter_mut()
        .chain(out.files.iter_mut())
        .chain(out.envs.iter_mut())
    {
        fold(s);
    }
    if let Some(options) = &mut out.options {
        for v in options
            .labels
            .values_mut()
            .chain(options.annotations.values_mut())
        {
            fold(v);
        }
    }
    Ok(out)
}

/// go-yaml's line folding in a double-quoted scalar, where the only raw
/// line break JSON can leave is NEL and the only raw blank a space: spaces
/// before the first break go, spaces after breaks go, one break becomes a
/// space, each further break a newline.
fn fold_nel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != ' ' && c != '\u{85}' {
            out.push(c);
            continue;
        }
        let mut spaces = String::new();
        let mut breaks = 0usize;
        let mut current = Some(c);
        while let Some(c) = current {
            match c {
                ' ' if breaks == 0 => spaces.push(' '),
                ' ' => {}
                _ => breaks += 1,
            }
            current = chars.next_if(|&c| c == ' ' || c == '\u{85}');
        }
        match breaks {
            0 => out.push_str(&spaces),
            1 => out.push(' '),
            n => out.extend(std::iter::repeat_n('\n', n - 1)),
        }
    }
    out
}

/// Generates the object of one entry, merging the kustomization-wide
/// `generatorOptions` (`global`) into its own options: [`configure`], then
/// [`generate_configured`]. Files are read through `loader`; errors name
/// the file when one is at fault.
#[cfg(test)]
pub fn generate(
    loader: &Loader,
    args: &GeneratorArgs,
    global: Option<&GeneratorOptions>,
) -> Result<Generated> {
    generate_configured(loader, &configure(args, global)?)
}

/// Generates the object of an entry [`configure`] returned.
pub fn generate_configured(loader: &Loader, args: &GeneratorArgs) -> Result<Generated> {
    let options = args.options.clone().unwrap_or_default();
    if args.name.is_empty() {
        return Err(Error::setting("a configmap must have a name"));
    }
    let pairs = kv::load_pairs(loader, args)
        .map_err(|e| e.reworded(|m| format!("loading KV pairs: {m}")))?;
    let mut data: Vec<kv::Pair> = Vec::with_capacity(pairs.len());
    for pair in pairs {
        if data.iter().any(|p| p.key == pair.key) {
            return Err(Error::setting(format!(
                "configmap {} illegally repeats the key `{}`",
                args.name, pair.key
            )));
        }
        data.push(pair);
    }
    data.sort_by(|a, b| a.key.cmp(&b.key));

    let mut meta = Mapping::default();
    meta.insert("name".into(), Value::from(args.name.as_str()));
    if !args.namespace.is_empty() {
        meta.insert("namespace".into(), Value::from(args.namespace.as_str()));
    }
    if !options.labels.is_empty() {
        meta.insert("labels".into(), string_map(options.labels.iter()));
    }
    if !options.annotations.is_empty() {
        meta.insert("annotations".into(), string_map(options.annotations.iter()));
    }
    let mut obj = Mapping::default();
    obj.insert("apiVersion".into(), Value::from("v1"));
    obj.insert("kind".into(), Value::from(args.kind.object_kind()));
    obj.insert("metadata".into(), Value::from_map(meta));
    match args.kind {
        GeneratorKind::ConfigMap => {
            let (mut text, mut binary) = (Mapping::default(), Mapping::default());
            for pair in data {
                match String::from_utf8(pair.value) {
                    Ok(s) => text.insert(pair.key, Value::String(s)),
                    Err(e) => {
                        binary.insert(pair.key, Value::String(kv::encode_base64(e.as_bytes())))
                    }
                };
            }
            if !text.is_empty() {
                obj.insert("data".into(), Value::from_map(text));
            }
            if !binary.is_empty() {
                obj.insert("binaryData".into(), Value::from_map(binary));
            }
        }
        GeneratorKind::Secret => {
            let secret_type = if args.secret_type.is_empty() {
                "Opaque"
            } else {
                &args.secret_type
            };
            obj.insert("type".into(), Value::from(secret_type));
            let encoded = data
                .into_iter()
                .map(|p| (p.key, Value::String(kv::encode_base64(&p.value))))
                .collect();
            obj.insert("data".into(), Value::from_map(encoded));
        }
    }
    if options.immutable {
        obj.insert("immutable".into(), Value::Bool(true));
    }
    Ok(Generated {
        obj: Value::from_map(obj),
        kind: args.kind,
        behavior: Behavior::parse(&args.behavior),
        needs_hash: !options.disable_name_suffix_hash,
    })
}

fn string_map<'a>(pairs: impl Iterator<Item = (&'a String, &'a String)>) -> Value {
    let mut sorted: Vec<_> = pairs.collect();
    sorted.sort();
    Value::from_map(
        sorted
            .into_iter()
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect(),
    )
}

/// kustomize's `appendReplaceOrMerge` lookup: the index of the one resource
/// that has the generated object's id as its current or any previous id.
///
/// `Ok(None)`: none, and the behavior allows creating (append the object).
/// `Ok(Some(i))`: merge or replace resource `i` with [`merge_into`].
/// Errors, in kustomize's words: merge/replace of nothing, create over an
/// existing object, several candidates.
pub fn find_target<'r>(
    resources: impl IntoIterator<Item = &'r Resource>,
    generated: &Generated,
) -> Result<Option<usize>> {
    let id = generated.id();
    let matches: Vec<(usize, &Resource)> = resources
        .into_iter()
        .enumerate()
        .filter(|(_, r)| {
            r.previous_ids()
                .iter()
                .chain(std::iter::once(r.id()))
                .any(|prev| prev.equals(&id))
        })
        .collect();
    match (matches.as_slice(), generated.behavior.is_merge_or_replace()) {
        ([], true) => Err(Error::new(
            ErrorKind::PatchTarget,
            format!(
                "id {} does not exist; cannot merge or replace",
                go_res_id(&id)
            ),
        )),
        ([], false) => Ok(None),
        ([(i, _)], true) => Ok(Some(*i)),
        ([_], false) => Err(Error::new(
            ErrorKind::DuplicateId,
            format!(
                "id {} exists; behavior must be merge or replace",
                go_res_id(&id)
            ),
        )),
        (many, _) => {
            let ids: Vec<String> = many.iter().map(|(_, r)| r.id().to_string()).collect();
            Err(Error::new(
                ErrorKind::PatchTarget,
                format!(
                    "found multiple objects [{}] that could accept merge of {id}",
                    ids.join(" ")
                ),
            ))
        }
    }
}

/// Go's `%#v` of a kustomize `ResId`, as its absorb errors print it.
pub fn go_res_id(id: &ResId) -> String {
    format!(
        "resid.ResId{{Gvk:resid.Gvk{{Group:{}, Version:{}, Kind:{}, isClusterScoped:{}}}, Name:{}, Namespace:{}}}",
        quote(&id.gvk.group),
        quote(&id.gvk.version),
        quote(&id.gvk.kind),
        !id.gvk.is_namespaceable(),
        quote(&id.name),
        quote(&id.namespace)
    )
}

/// Applies a `merge` or `replace` generator result to the existing object
/// [`find_target`] chose, as kustomize's `appendReplaceOrMerge` does. The
/// existing object is replaced by the generated one, except that:
///
/// * labels and annotations are the existing ones overlaid with the
///   generated ones (generated values win);
/// * name and namespace are the existing object's (no namespace if it had none);
/// * for `merge` only, `data` and `binaryData` are the existing entries
///   overlaid with the generated ones, and dropped when that leaves them empty.
///
/// Everything else of the existing object is lost: a Secret merged by a
/// generator takes the generator's `type` (default `Opaque`) and loses
/// `immutable` unless the generator sets it; fields other than the above
/// disappear. Existing values are read as strings (numbers and booleans in
/// their canonical spelling, null and collections as `""`).
///
/// Bookkeeping outside the object (previous ids, needs-hash flag, origin) is
/// the caller's: see the module documentation.
pub fn merge_into(
    existing: &mut Value,
    generated: &Value,
    behavior: Behavior,
) -> Result<(), String> {
    if !behavior.is_merge_or_replace() {
        return Err("behavior must be merge or replace".into());
    }
    let mut result = generated.clone();
    let labels = overlay(
        string_entries(existing.get_path(&["metadata", "labels"])),
        string_entries(generated.get_path(&["metadata", "labels"])),
    );
    let annotations = overlay(
        string_entries(existing.get_path(&["metadata", "annotations"])),
        string_entries(generated.get_path(&["metadata", "annotations"])),
    );
    let name = existing
        .get_path(&["metadata", "name"])
        .and_then(Value::scalar_string)
        .unwrap_or_default();
    let namespace = existing
        .get_path(&["metadata", "namespace"])
        .and_then(Value::scalar_string)
        .unwrap_or_default();
    let root = match &mut result {
        Value::Map(m) => m,
        other => {
            *other = Value::from_map(Mapping::default());
            other.as_map_mut().ok_or("generated object is not a map")?
        }
    };
    let meta = root.get_or_insert_with("metadata", || Value::from_map(Mapping::default()));
    if !matches!(meta, Value::Map(_)) {
        *meta = Value::from_map(Mapping::default());
    }
    let meta = meta.as_map_mut().ok_or("metadata is not a map")?;
    set_or_remove(meta, "labels", labels);
    set_or_remove(meta, "annotations", annotations);
    meta.insert("name".into(), Value::String(name));
    if namespace.is_empty() {
        meta.shift_remove("namespace");
    } else {
        meta.insert("namespace".into(), Value::String(namespace));
    }
    if behavior == Behavior::Merge {
        for field in ["data", "binaryData"] {
            let merged = overlay(
                string_entries(existing.get(field)),
                string_entries(generated.get(field)),
            );
            set_or_remove(root, field, merged);
        }
    }
    *existing = result;
    Ok(())
}

/// A map's entries as kyaml's `GetDataMap`/`GetLabels` read them: scalar
/// text, `""` for null and collections; nothing when it is not a map.
fn string_entries(v: Option<&Value>) -> Vec<(String, String)> {
    match v {
        Some(Value::Map(m)) => m
            .iter()
            .map(|(k, v)| (k.clone(), v.scalar_string().unwrap_or_default()))
            .collect(),
        _ => Vec::new(),
    }
}

/// `base` overlaid with `top`, sorted by key.
fn overlay(base: Vec<(String, String)>, top: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut map: std::collections::BTreeMap<String, String> = base.into_iter().collect();
    map.extend(top);
    map.into_iter().collect()
}

fn set_or_remove(map: &mut Mapping, field: &str, entries: Vec<(String, String)>) {
    if entries.is_empty() {
        map.shift_remove(field);
    } else {
        map.insert(
            field.to_owned(),
            Value::from_map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect(),
            ),
        );
    }
}

#[cfg(test)]
mod tests;
