//! The kustomization file: finding it, reading it strictly, and its model.
//!
//! kustomize decodes the file as JSON with unknown fields rejected (Go's
//! decoder matches field names case-insensitively), then applies legacy fixes:
//! `bases` join `resources`, missing `kind`/`apiVersion` get defaults.

pub(crate) mod helm;
pub(crate) mod parse;

use std::path::Path;

use krust_yaml::Value;

use crate::error::{Error, Result};
pub use crate::string_map::StringMap;
// The types the model's fields hold, nameable by callers from here.
pub use crate::fieldspec::FieldSpec;
pub use crate::generate::{GeneratorArgs, GeneratorOptions};
pub use crate::patch::Selector;
pub use crate::transform::images::ImageSpec;
pub use crate::transform::replacements::{Replacement, ReplacementEntry};
pub use crate::transform::replicas::ReplicaSpec;
pub use crate::transform::vars::Var;
use crate::version::{Change, KustomizeVersion};

pub use helm::{HelmChart, HelmGlobals};
pub use parse::{field_spec, parse_kustomization, KustomizationError};

/// File names recognised as a kustomization, in kustomize's lookup order.
pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// `kind` of an ordinary kustomization.
pub const KUSTOMIZATION_KIND: &str = "Kustomization";
/// `kind` of a component.
pub const COMPONENT_KIND: &str = "Component";
/// The only `apiVersion` a Kustomization may declare.
pub const KUSTOMIZATION_VERSION: &str = "kustomize.config.k8s.io/v1beta1";
/// The only `apiVersion` a Component may declare.
pub const COMPONENT_VERSION: &str = "kustomize.config.k8s.io/v1alpha1";

/// One entry of `labels:`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSet {
    /// The labels to set.
    pub pairs: StringMap,
    /// Also set them in selectors (and templates), as `commonLabels` does.
    pub include_selectors: bool,
    /// Also set them in pod templates.
    pub include_templates: bool,
    /// Extra places to set them.
    pub fields: Vec<FieldSpec>,
}

/// One entry of `patches:` (or legacy `patchesJson6902:`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PatchSpec {
    /// A file holding the patch.
    pub path: Option<String>,
    /// The patch itself, inline.
    pub patch: Option<String>,
    /// Which resources to patch; without one, a strategic-merge patch names its target.
    pub target: Option<Selector>,
    /// `options.allowNameChange`.
    pub allow_name_change: bool,
    /// `options.allowKindChange`.
    pub allow_kind_change: bool,
    /// The other `options` keys, as written, with their values: ignored
    /// until kustomize 5.8, which decodes `options` as a struct (keys
    /// matched regardless of case, unknown ones rejected).
    pub other_options: Vec<(String, bool)>,
}

impl PatchSpec {
    /// These options as kustomize `version` reads them; `strict` (a
    /// kustomization's own `patches`, not a plugin's configuration) rejects
    /// unknown keys from 5.8 on.
    pub(crate) fn resolve_options(
        &mut self,
        version: KustomizeVersion,
        strict: bool,
    ) -> Result<(), String> {
        if !version.has(Change::PatchOptionsTyped) {
            return Ok(());
        }
        for (key, value) in std::mem::take(&mut self.other_options) {
            if key.eq_ignore_ascii_case("allowNameChange") {
                self.allow_name_change = value;
            } else if key.eq_ignore_ascii_case("allowKindChange") {
                self.allow_kind_change = value;
            } else if strict {
                return Err(format!(
                    "invalid Kustomization: json: unknown field \"{key}\""
                ));
            }
        }
        Ok(())
    }
}

/// `sortOptions:`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SortOptions {
    /// `legacy` or `fifo` (anything else is rejected when sorting).
    pub order: String,
    /// `legacySortOptions`: kinds to put first and last.
    pub legacy: Option<LegacySortOptions>,
}

/// `sortOptions.legacySortOptions`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LegacySortOptions {
    /// Kinds that go first, in this order.
    pub order_first: Vec<String>,
    /// Kinds that go last, in this order.
    pub order_last: Vec<String>,
}

/// A parsed kustomization (or component).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kustomization {
    /// `apiVersion`, defaulted.
    pub api_version: String,
    /// `kind`: `Kustomization` or `Component`.
    pub kind: String,
    /// `resources` followed by legacy `bases`.
    pub resources: Vec<String>,
    /// `components`.
    pub components: Vec<String>,
    /// `namespace`.
    pub namespace: Option<String>,
    /// `namePrefix`.
    pub name_prefix: Option<String>,
    /// `nameSuffix`.
    pub name_suffix: Option<String>,
    /// `commonLabels`.
    pub common_labels: StringMap,
    /// `labels`.
    pub labels: Vec<LabelSet>,
    /// `commonAnnotations`.
    pub common_annotations: StringMap,
    /// `sortOptions`.
    pub sort_options: Option<SortOptions>,
    /// `patchesStrategicMerge`: file paths or inline patches.
    pub patches_strategic_merge: Vec<String>,
    /// `patches`.
    pub patches: Vec<PatchSpec>,
    /// `patchesJson6902`.
    pub patches_json6902: Vec<PatchSpec>,
    /// `configurations`: files of extra transformer field specs.
    pub configurations: Vec<String>,
    /// `crds`: OpenAPI definition files whose annotations add field specs.
    pub crds: Vec<String>,
    /// `openapi`: `path` to a schema file, or a built-in `version`.
    pub openapi: StringMap,
    /// `images` followed by legacy `imageTags`.
    pub images: Vec<ImageSpec>,
    /// `replicas`.
    pub replicas: Vec<ReplicaSpec>,
    /// `replacements`: inline, or files.
    pub replacements: Vec<ReplacementEntry>,
    /// `vars` (deprecated `$(VAR)` substitution).
    pub vars: Vec<Var>,
    /// `configMapGenerator`.
    pub configmap_generators: Vec<GeneratorArgs>,
    /// `secretGenerator`.
    pub secret_generators: Vec<GeneratorArgs>,
    /// `generatorOptions`, for this kustomization's own generators.
    pub generator_options: Option<GeneratorOptions>,
    /// `helmGlobals` (or what the legacy `helmChartInflationGenerator`
    /// entries imply).
    pub helm_globals: Option<HelmGlobals>,
    /// `helmCharts`, then the legacy `helmChartInflationGenerator` entries.
    pub helm_charts: Vec<HelmChart>,
    /// `generators`: plugin configuration files, directories or inline objects.
    pub generators: Vec<String>,
    /// `transformers`: plugin configuration files, directories or inline objects.
    pub transformers: Vec<String>,
    /// `validators`: plugin configurations (krust runs no external plugins).
    pub validators: Vec<String>,
    /// `buildMetadata`: `originAnnotations`, `transformerAnnotations`, `managedByLabel`.
    pub build_metadata: Vec<String>,
    /// Fields krust reads but does not implement yet, with their values.
    pub unsupported: Vec<(String, Value)>,
}

impl Kustomization {
    /// Whether this is a `kind: Component`.
    pub fn is_component(&self) -> bool {
        self.kind == COMPONENT_KIND
    }

    /// Whether `buildMetadata` lists `option`.
    pub fn has_build_metadata(&self, option: &str) -> bool {
        self.build_metadata.iter().any(|o| o == option)
    }
}

/// Reads a kustomization (or Component) file's text as kustomize does,
/// with sigs.k8s.io/yaml's `YAMLToJSON` (go-yaml v2: YAML 1.1 scalars, a
/// repeated key wins, the first document only), before
/// [`parse_kustomization`] decodes it: `namespace: yes` is then a boolean
/// where a string belongs. Every reader of kustomization files goes
/// through here.
pub fn load_text(text: &str) -> Result<Option<krust_yaml::Value>, krust_yaml::LoadError> {
    let docs = krust_yaml::load_documents_with(text, krust_yaml::LoadOptions::sigs_k8s_yaml())?;
    Ok(docs.into_iter().next())
}

/// The 1-based line where the top-level key `key` of a YAML mapping is
/// written (plain or quoted), for pointing a message at it.
pub fn top_level_key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let rest = [key.to_owned(), format!("\"{key}\""), format!("'{key}'")]
                .iter()
                .find_map(|k| line.strip_prefix(k.as_str()))
                .map(str::trim_start);
            rest.is_some_and(|r| r.starts_with(':'))
        })
        .map(|i| i + 1)
}

/// Finds the one kustomization file in `dir`; kustomize refuses a directory with two.
pub fn find_file(fs: &dyn crate::FileSystem, dir: &Path) -> Result<std::path::PathBuf> {
    let found: Vec<_> = FILE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .filter(|p| fs.kind(p) == Some(crate::FileKind::File))
        .collect();
    match found.len() {
        1 => Ok(found.into_iter().next().unwrap_or_default()),
        0 => Err(Error::not_found(
            dir,
            "not a kustomization directory: unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in it",
        )),
        _ => Err(Error::invalid(dir, "found multiple kustomization files")),
    }
}
