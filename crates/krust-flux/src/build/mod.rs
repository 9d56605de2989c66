//! Building one Flux Kustomization as kustomize-controller builds it.
//!
//! The controller (fluxcd/kustomize-controller `internal/controller/
//! kustomization_controller.go`, with fluxcd/pkg `kustomize/
//! kustomize_generator.go`) does, for one Kustomization:
//!
//! 1. joins `spec.path` to the source artifact's root, never escaping it
//!    (`..` stops at the root, a leading `/` means the root);
//! 2. takes the kustomization file in that directory or, when there is none,
//!    generates one listing every `.yaml`/`.yml` manifest below it, walking
//!    subdirectories in name order and listing a subdirectory that holds a
//!    kustomization file as one entry instead of descending;
//! 3. rewrites that file, after a round trip through kustomize's Go type
//!    that drops the fields kustomize does not know: a non-empty
//!    `targetNamespace` replaces `namespace`, non-empty
//!    `namePrefix`/`nameSuffix` replace theirs, `patches`, `components`
//!    (and v1beta2's `patchesStrategicMerge`/`patchesJson6902`) are appended,
//!    an `images` entry of the same name is replaced, others appended;
//! 4. runs `kustomize build` with `LoadRestrictionsNone` and kustomize's
//!    reorder option left unset, so objects come out in accumulation order
//!    unless the kustomization has `sortOptions`.
//!
//! Here the rewritten file lives in an in-memory layer over the source, so
//! nothing is written to disk. `commonMetadata` and postBuild substitution
//! come later in the controller (substitution, then common metadata at apply
//! time) and are left to the caller: see [`apply_common_metadata`].

mod ignore;
mod roundtrip;

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

use krust::kustomization::FILE_NAMES;
use krust::{normalize, BuildOptions, FileKind, FileSystem, LayeredFs, LoadRestrictor, ResMap};
use krust_yaml::{Mapping, Value};

pub use ignore::{SourceIgnore, IGNORE_FILE};

use crate::error::{Error, ErrorKind};
use crate::model::{CommonMetadata, FluxKustomization, Selector, SourceRef};

/// `apiVersion` of a generated kustomization.
const KUSTOMIZE_API_VERSION: &str = "kustomize.config.k8s.io/v1beta1";

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct FluxBuildOptions {
    /// The source's exclusions, loaded once per source with
    /// [`SourceIgnore::load`] (and the source object's `spec.ignore` added
    /// with [`SourceIgnore::add_patterns`]); `None` loads them for this build.
    pub ignore: Option<SourceIgnore>,
    /// The kustomize to build with: kustomize-controller 1.8 (Flux 2.8)
    /// embeds 5.8.1, the default.
    pub kustomize_version: krust::KustomizeVersion,
}

/// The kustomization the controller builds for `ks`: where it lies and its
/// text after the rewrite (handy to show a user what Flux actually builds).
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The directory `spec.path` names.
    pub dir: PathBuf,
    /// The kustomization file (existing, or `kustomization.yaml` when generated).
    pub file: PathBuf,
    /// Whether the file was generated because the directory had none.
    pub generated: bool,
    /// The rewritten file's text.
    pub text: String,
}

/// Builds `ks` from the source checked out at `source_root`, as
/// kustomize-controller would, and returns the resources before postBuild
/// substitution and common metadata.
///
/// Every error names `ks` ([`Error::object`]): [`ErrorKind::Build`] when
/// kustomize fails ([`Error::krust_error`] says why), [`ErrorKind::NotFound`]
/// when `spec.path` is no directory of the source, [`ErrorKind::Model`] for
/// a spec the controller refuses, [`ErrorKind::Source`] when the source
/// cannot be read, [`ErrorKind::Yaml`] or [`ErrorKind::Io`] for the
/// kustomization file or a manifest it lists.
pub fn build_flux_kustomization(
    fs: &dyn FileSystem,
    source_root: &Path,
    ks: &FluxKustomization,
    options: &FluxBuildOptions,
) -> Result<ResMap, Error> {
    with_artifact(fs, source_root, ks, options, |artifact, prepared| {
        let rewritten =
            BTreeMap::from([(prepared.file.clone(), prepared.text.clone().into_bytes())]);
        let layered = artifact.with(rewritten);
        // The controller leaves kustomize's reorder option unset: only a
        // kustomization's own sortOptions sort its output.
        let build_options = BuildOptions::default()
            .with_load_restrictor(LoadRestrictor::None)
            .with_kustomize_version(options.kustomize_version)
            .with_reorder(krust::Reorder::None);
        krust::build(&layered, &prepared.dir, &build_options).map_err(|source| {
            // Paths as the repository names them, wherever it is checked out.
            let source = source.map_paths(|p| {
                p.strip_prefix(source_root)
                    .map_or_else(|_| p.to_path_buf(), Path::to_path_buf)
            });
            Error::krust(ErrorKind::Build, source)
                .context("kustomize build failed")
                .in_kustomization(&ks.id())
        })
    })
}

/// Opens the source as the controller sees it (ignored files hidden),
/// prepares `ks`'s kustomization there, and hands both to `then`.
fn with_artifact<T>(
    fs: &dyn FileSystem,
    source_root: &Path,
    ks: &FluxKustomization,
    options: &FluxBuildOptions,
    then: impl FnOnce(&Artifact<'_>, Prepared) -> Result<T, Error>,
) -> Result<T, Error> {
    let (root, ignore) = open_source(fs, source_root, ks, options)?;
    let artifact = Artifact::new(fs, &root, &ignore);
    let prepared = prepare_in(&artifact.with(BTreeMap::new()), &root, ks)?;
    then(&artifact, prepared)
}

/// The kustomization [`build_flux_kustomization`] would build for `ks`.
pub fn prepare_kustomization(
    fs: &dyn FileSystem,
    source_root: &Path,
    ks: &FluxKustomization,
    options: &FluxBuildOptions,
) -> Result<Prepared, Error> {
    with_artifact(fs, source_root, ks, options, |_, prepared| Ok(prepared))
}

/// The Kustomization `flux bootstrap` writes for a cluster directory
/// (`flux-system/flux-system`, path `dir`, source `GitRepository
/// flux-system`): building a plain directory such as `clusters/demo` "as
/// Flux's root Kustomization would" is building this.
pub fn root_kustomization(dir: &str) -> FluxKustomization {
    FluxKustomization {
        api_version: "v1".to_owned(),
        name: "flux-system".to_owned(),
        namespace: "flux-system".to_owned(),
        path: dir.to_owned(),
        source_ref: SourceRef {
            kind: "GitRepository".to_owned(),
            name: "flux-system".to_owned(),
            namespace: "flux-system".to_owned(),
        },
        prune: true,
        ..Default::default()
    }
}

/// Sets `spec.commonMetadata` on every object as the controller does just
/// before applying (after substitution, so its values are never
/// substituted): labels and annotations are added or overwritten on the
/// object's own metadata only, never on pod templates or selectors.
pub fn apply_common_metadata(objects: &mut [Value], metadata: &CommonMetadata) {
    for object in objects {
        let Some(map) = object.as_map_mut() else {
            continue;
        };
        let meta = map.get_or_insert_with("metadata", || Value::from_map(Mapping::default()));
        if meta.as_map().is_none() {
            *meta = Value::from_map(Mapping::default());
        }
        let Some(meta) = meta.as_map_mut() else {
            continue;
        };
        for (key, values) in [
            ("labels", &metadata.labels),
            ("annotations", &metadata.annotations),
        ] {
            if values.is_empty() {
                continue;
            }
            let entry = meta.get_or_insert_with(key, || Value::from_map(Mapping::default()));
            if entry.as_map().is_none() {
                *entry = Value::from_map(Mapping::default());
            }
            if let Some(target) = entry.as_map_mut() {
                for (k, v) in values {
                    target.insert(k.clone(), Value::from(v.as_str()));
                }
            }
        }
    }
}

/// An error of `kind` in building `ks`.
fn spec_error(ks: &FluxKustomization, kind: ErrorKind, message: impl Into<String>) -> Error {
    Error::new(kind, message).in_kustomization(&ks.id())
}

fn open_source(
    fs: &dyn FileSystem,
    source_root: &Path,
    ks: &FluxKustomization,
    options: &FluxBuildOptions,
) -> Result<(PathBuf, SourceIgnore), Error> {
    let root = fs.canonicalize(source_root).map_err(|e| {
        Error::io(source_root, e)
            .with_kind(ErrorKind::Source)
            .context(format!("source root {}", source_root.display()))
            .in_kustomization(&ks.id())
    })?;
    let ignore = match &options.ignore {
        Some(ignore) => ignore.clone(),
        None => SourceIgnore::load(fs, &root).map_err(|e| {
            e.context(format!(
                "reading {IGNORE_FILE} files under {}",
                root.display()
            ))
            .in_kustomization(&ks.id())
        })?,
    };
    Ok((root, ignore))
}

/// `spec.path` joined to `root` the way securejoin does it: components
/// resolved lexically, `..` never climbing above the root.
pub fn resolve_path(root: &Path, path: &str) -> PathBuf {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for component in Path::new(path).components() {
        match component {
            Component::Normal(name) => parts.push(name),
            Component::ParentDir => {
                parts.pop();
            }
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    parts.iter().fold(root.to_path_buf(), |dir, p| dir.join(p))
}

fn prepare_in(fs: &LayeredFs<'_>, root: &Path, ks: &FluxKustomization) -> Result<Prepared, Error> {
    let dir = resolve_path(root, &ks.path);
    if fs.kind(&dir) != Some(FileKind::Dir) {
        return Err(spec_error(
            ks,
            ErrorKind::NotFound,
            format!(
                "kustomization path not found: spec.path {:?} is no directory of the source ({})",
                ks.path,
                dir.display()
            ),
        )
        .in_file(&dir));
    }
    let existing = FILE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|file| fs.kind(file) == Some(FileKind::File));
    let generated = existing.is_none();
    let (file, mut kus) = match existing {
        Some(file) => {
            let kus = roundtrip::through_go_type(read_kustomization(fs, &file, ks)?);
            (file, kus)
        }
        None => (dir.join(FILE_NAMES[0]), generate(fs, &dir, ks)?),
    };
    if kus.get("apiVersion").is_none_or(Value::is_null) {
        kus.insert("apiVersion".to_owned(), KUSTOMIZE_API_VERSION.into());
    }
    if kus.get("kind").is_none_or(Value::is_null) {
        kus.insert("kind".to_owned(), "Kustomization".into());
    }
    if !generated
        && kus
            .get("resources")
            .and_then(Value::as_seq)
            .is_none_or(Vec::is_empty)
    {
        // The controller sets this so that a kustomization with no
        // resources (only generators or components) is not refused as
        // empty; it also makes kustomize record origin annotations.
        kus.insert(
            "buildMetadata".to_owned(),
            Value::Seq(vec!["originAnnotations".into()]),
        );
    }
    rewrite(fs, &dir, ks, &mut kus)?;
    let text = krust_yaml::to_yaml_string(&Value::from_map(kus)).map_err(|e| {
        spec_error(ks, ErrorKind::Yaml, format!("{}: {e}", file.display())).in_file(&file)
    })?;
    Ok(Prepared {
        dir,
        file,
        generated,
        text,
    })
}

fn read_kustomization(
    fs: &dyn FileSystem,
    file: &Path,
    ks: &FluxKustomization,
) -> Result<Mapping, Error> {
    let bytes = fs.read(file).map_err(|e| read_error(ks, file, e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        spec_error(
            ks,
            ErrorKind::Yaml,
            format!("{}: not UTF-8: {e}", file.display()),
        )
        .in_file(file)
    })?;
    // The controller reads it with sigs.k8s.io/yaml, as kustomize does.
    let doc = krust::kustomization::load_text(&text).map_err(|e| {
        spec_error(
            ks,
            ErrorKind::Yaml,
            format!("{}:{}:{}: {}", file.display(), e.line, e.column, e.message),
        )
        .in_file(file)
        .at_position(e.line, e.column)
    })?;
    match doc {
        None => Ok(Mapping::default()),
        Some(Value::Map(map)) => Ok(*map),
        Some(other) => Err(spec_error(
            ks,
            ErrorKind::Yaml,
            format!(
                "{}: expected a kustomization map, found {}",
                file.display(),
                other.type_name()
            ),
        )
        .in_file(file)),
    }
}

/// A failed read of `path` in building `ks`, shown as `path: why`.
fn read_error(ks: &FluxKustomization, path: &Path, err: io::Error) -> Error {
    Error::io(path, err)
        .context(path.display().to_string())
        .in_kustomization(&ks.id())
}

/// The kustomization the controller writes into a directory without one.
fn generate(fs: &dyn FileSystem, dir: &Path, ks: &FluxKustomization) -> Result<Mapping, Error> {
    let mut resources = Vec::new();
    scan(fs, dir, dir, ks, &mut resources)?;
    let mut kus = Mapping::default();
    kus.insert("apiVersion".to_owned(), KUSTOMIZE_API_VERSION.into());
    kus.insert("kind".to_owned(), "Kustomization".into());
    if resources.is_empty() {
        // As the controller does, so that an empty directory builds to
        // nothing instead of failing as an empty kustomization.
        kus.insert("namespace".to_owned(), "_placeholder".into());
    } else {
        kus.insert("resources".to_owned(), Value::Seq(resources));
    }
    Ok(kus)
}

fn scan(
    fs: &dyn FileSystem,
    base: &Path,
    dir: &Path,
    ks: &FluxKustomization,
    out: &mut Vec<Value>,
) -> Result<(), Error> {
    let entries = fs.read_dir(dir).map_err(|e| read_error(ks, dir, e))?;
    for (name, kind) in entries {
        let path = dir.join(&name);
        let rel = || {
            let rel = path.strip_prefix(base).unwrap_or(&path);
            Value::from(format!("./{}", rel.display()))
        };
        match kind {
            FileKind::Dir => {
                let holds_kustomization = FILE_NAMES
                    .iter()
                    .any(|f| fs.kind(&path.join(f)) == Some(FileKind::File));
                if holds_kustomization {
                    out.push(rel());
                } else {
                    scan(fs, base, &path, ks, out)?;
                }
            }
            FileKind::File => {
                if !(name.ends_with(".yaml") || name.ends_with(".yml")) {
                    continue;
                }
                let bytes = fs.read(&path).map_err(|e| read_error(ks, &path, e))?;
                krust::resources_from_bytes(&path, &bytes).map_err(|e| {
                    Error::krust(ErrorKind::Yaml, e)
                        .in_file(&path)
                        .context(format!(
                            "failed to decode Kubernetes YAML from {}",
                            path.display()
                        ))
                        .in_kustomization(&ks.id())
                })?;
                out.push(rel());
            }
        }
    }
    Ok(())
}

fn selector_value(s: &Selector) -> Value {
    let mut map = Mapping::default();
    for (key, value) in s.fields() {
        if !value.is_empty() {
            map.insert(key.to_owned(), value.into());
        }
    }
    Value::from_map(map)
}

/// Appends `items` to the list under `key`, creating it.
fn append(kus: &mut Mapping, key: &str, items: Vec<Value>) {
    if items.is_empty() {
        return;
    }
    let entry = kus.get_or_insert(key.to_owned(), Value::Null);
    match entry {
        Value::Seq(list) => list.extend(items),
        other => *other = Value::Seq(items),
    }
}

/// Whether a component path stays inside the source: not a URL, not absolute
/// (the controller's rule, after kustomize's remote-reference prefixes).
fn is_local_relative(path: &str) -> bool {
    let lower = path.to_lowercase();
    let remote = [
        "git::",
        "gh:",
        "ssh://",
        "https://",
        "http://",
        "git@",
        "github.com:",
        "github.com/",
    ]
    .iter()
    .any(|p| p.len() < lower.len() && lower.starts_with(p));
    !remote && !path.starts_with('/') && !lower.trim_start_matches("file://").starts_with('/')
}

fn rewrite(
    fs: &dyn FileSystem,
    dir: &Path,
    ks: &FluxKustomization,
    kus: &mut Mapping,
) -> Result<(), Error> {
    // The controller reads these from its typed object, where an empty
    // string is no value at all (`omitempty`): it leaves the file's alone.
    for (key, value) in [
        ("namespace", &ks.target_namespace),
        ("namePrefix", &ks.name_prefix),
        ("nameSuffix", &ks.name_suffix),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            kus.insert(key.to_owned(), value.into());
        }
    }

    let patches = ks
        .patches
        .iter()
        .map(|p| {
            let mut map = Mapping::default();
            map.insert("patch".to_owned(), p.patch.as_str().into());
            if let Some(target) = &p.target {
                map.insert("target".to_owned(), selector_value(target));
            }
            Value::from_map(map)
        })
        .collect();
    append(kus, "patches", patches);

    let mut components = Vec::new();
    for component in &ks.components {
        if !is_local_relative(component) {
            return Err(spec_error(
                ks,
                ErrorKind::Model,
                format!("component path '{component}' must be local and relative"),
            ));
        }
        if ks.ignore_missing_components && fs.kind(&normalize(&dir.join(component))).is_none() {
            continue;
        }
        components.push(component.as_str().into());
    }
    append(kus, "components", components);

    let mut strategic = Vec::new();
    for patch in &ks.patches_strategic_merge {
        let text = krust_yaml::to_yaml_string(patch).map_err(|e| {
            spec_error(
                ks,
                ErrorKind::Yaml,
                format!("spec.patchesStrategicMerge: {e}"),
            )
        })?;
        strategic.push(text.into());
    }
    append(kus, "patchesStrategicMerge", strategic);

    let mut json6902 = Vec::new();
    for patch in &ks.patches_json6902 {
        let text = krust_yaml::to_yaml_string(&Value::Seq(patch.patch.clone()))
            .map_err(|e| spec_error(ks, ErrorKind::Yaml, format!("spec.patchesJson6902: {e}")))?;
        let mut map = Mapping::default();
        map.insert("patch".to_owned(), text.into());
        map.insert("target".to_owned(), selector_value(&patch.target));
        json6902.push(Value::from_map(map));
    }
    append(kus, "patchesJson6902", json6902);

    merge_images(ks, kus);
    Ok(())
}

/// `spec.images` into the kustomization's `images`, as kustomize-controller
/// v1.8 does: the first entry of the same name is replaced as a whole (its
/// `newName`, `newTag`, `digest`, `tagSuffix` are dropped unless the spec
/// sets them), others are appended. (v1.9 merges field by field.)
fn merge_images(ks: &FluxKustomization, kus: &mut Mapping) {
    if ks.images.is_empty() {
        return;
    }
    let entry = kus.get_or_insert("images".to_owned(), Value::Null);
    if entry.as_seq().is_none() {
        *entry = Value::Seq(Vec::new());
    }
    let Some(list) = entry.as_seq_mut() else {
        return;
    };
    for image in &ks.images {
        let mut map = Mapping::default();
        for (key, value) in [
            ("name", &image.name),
            ("newName", &image.new_name),
            ("newTag", &image.new_tag),
            ("digest", &image.digest),
        ] {
            if !value.is_empty() {
                map.insert(key.to_owned(), value.as_str().into());
            }
        }
        let replaced = Value::from_map(map);
        match list
            .iter_mut()
            .find(|e| e.str_at(&["name"]).unwrap_or("") == image.name)
        {
            Some(existing) => *existing = replaced,
            None => list.push(replaced),
        }
    }
}

/// The source as the artifact holds it: files its ignore rules leave out
/// are absent ([`LayeredFs::hiding_files`]).
struct Artifact<'a> {
    base: &'a dyn FileSystem,
    hide: Box<krust::Hidden<'a>>,
    reason: String,
}

impl<'a> Artifact<'a> {
    fn new(base: &'a dyn FileSystem, root: &'a Path, ignore: &'a SourceIgnore) -> Artifact<'a> {
        // Whether the file at `path` was left out of the artifact.
        let hide = move |path: &Path| {
            let Ok(rel) = path.strip_prefix(root) else {
                return false;
            };
            let parts: Vec<&str> = rel.iter().filter_map(|c| c.to_str()).collect();
            !parts.is_empty() && ignore.is_ignored(&parts, false)
        };
        Artifact {
            base,
            hide: Box::new(hide),
            reason: format!("excluded from the source artifact by {IGNORE_FILE}"),
        }
    }

    /// The artifact with `files` (the rewritten kustomization) laid over it.
    fn with(&self, files: BTreeMap<PathBuf, Vec<u8>>) -> LayeredFs<'_> {
        LayeredFs::new(self.base, files).hiding_files(&*self.hide, &self.reason)
    }
}
