//! Which kustomize krust emulates, and every behaviour that differs between
//! the versions it can emulate.
//!
//! Platform teams run several kustomize releases at once (the one kubectl
//! embeds, Flux's and Argo CD's), and the same tree renders differently in
//! each. Every such difference is one [`Change`], listed once in
//! [`CHANGES`] with the first version that has it; code asks
//! [`KustomizeVersion::has`] and never compares version numbers itself.

use std::fmt;
use std::str::FromStr;

/// A kustomize release whose output krust reproduces byte for byte.
///
/// Ordered oldest first; [`KustomizeVersion::LATEST`] is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[non_exhaustive]
pub enum KustomizeVersion {
    /// kustomize 5.5.0, embedded in kubectl 1.32.
    V5_5_0,
    /// kustomize 5.6.0, embedded in kubectl 1.33.
    V5_6_0,
    /// kustomize 5.7.1, embedded in kubectl 1.34 and 1.35.
    V5_7_1,
    /// kustomize 5.8.1, embedded in kubectl 1.36 and 1.37, Flux 2.8's
    /// kustomize-controller and Argo CD 3.3.
    #[default]
    V5_8_1,
}

impl KustomizeVersion {
    /// The newest version krust emulates, and the default.
    pub const LATEST: KustomizeVersion = KustomizeVersion::V5_8_1;

    /// Every version krust emulates, oldest first.
    pub const ALL: [KustomizeVersion; 4] = [
        KustomizeVersion::V5_5_0,
        KustomizeVersion::V5_6_0,
        KustomizeVersion::V5_7_1,
        KustomizeVersion::V5_8_1,
    ];

    /// The release number, as `5.8.1`.
    pub fn number(self) -> &'static str {
        match self {
            KustomizeVersion::V5_5_0 => "5.5.0",
            KustomizeVersion::V5_6_0 => "5.6.0",
            KustomizeVersion::V5_7_1 => "5.7.1",
            KustomizeVersion::V5_8_1 => "5.8.1",
        }
    }

    /// Which tools embed this version, for `--version` and error messages.
    pub fn embedded_in(self) -> &'static str {
        match self {
            KustomizeVersion::V5_5_0 => "kubectl 1.32",
            KustomizeVersion::V5_6_0 => "kubectl 1.33",
            KustomizeVersion::V5_7_1 => "kubectl 1.34, 1.35",
            KustomizeVersion::V5_8_1 => {
                "kubectl 1.36, 1.37, Flux 2.8 (kustomize-controller 1.8), Argo CD 3.3"
            }
        }
    }

    /// Whether this version behaves as `change` describes.
    pub(crate) fn has(self, change: Change) -> bool {
        self >= change.since()
    }

    /// The value kustomize writes into `app.kubernetes.io/managed-by` when
    /// `buildMetadata: [managedByLabel]` asks for it. Before 5.7 kustomize
    /// took its version from link-time flags that a module build (and
    /// kubectl) leaves unset, so it printed `(devel)`; from 5.7 on it reads
    /// its module version from the build information.
    pub(crate) fn managed_by(self) -> String {
        if self.has(Change::ManagedByModuleVersion) {
            format!("kustomize-v{self}")
        } else {
            "kustomize-(devel)".to_string()
        }
    }
}

impl fmt::Display for KustomizeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.number())
    }
}

/// A version string krust does not emulate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "kustomize version '{given}' is not one krust emulates (choose 5.5.0, 5.6.0, 5.7.1 or 5.8.1)"
)]
pub struct UnknownVersion {
    given: String,
}

impl FromStr for KustomizeVersion {
    type Err = UnknownVersion;

    /// `5.8.1`, `v5.8.1`, or a minor release alone (`5.8`, `v5.7`), which
    /// names the patch release krust emulates for it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bare = s.trim().strip_prefix('v').unwrap_or(s.trim());
        KustomizeVersion::ALL
            .into_iter()
            .find(|v| {
                let number = v.number();
                bare == number
                    || number
                        .rsplit_once('.')
                        .is_some_and(|(minor, _)| bare == minor)
            })
            .ok_or_else(|| UnknownVersion {
                given: s.to_string(),
            })
    }
}

/// A behaviour of kustomize that one of the emulated versions introduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// `buildMetadata: [managedByLabel]` writes `kustomize-v<version>`, not
    /// `kustomize-(devel)`.
    ManagedByModuleVersion,
    /// `images:` also rewrites image volumes (`volumes[].image.reference` of
    /// pods and pod templates).
    ImageVolumeReferences,
    /// A `patches` entry whose text holds no document (comments, `---`,
    /// `null`, `[]`) is an empty JSON patch, no longer "both" kinds.
    PatchWithoutDocumentsIsJson,
    /// Several strategic-merge patches in one entry may follow a
    /// `$patch: delete`: deleted objects are skipped when looking up targets.
    PatchAfterDeleteSkipsDeleted,
    /// A `patches` entry that yields no object and no operation (empty,
    /// comments, `{}`) does nothing, with or without a target.
    PatchWithoutObjectsIgnored,
    /// `patches[].options` is decoded as a struct: keys match regardless of
    /// case (`allownamechange`), unknown keys are an error.
    PatchOptionsTyped,
    /// The namespace transformer leaves objects annotated
    /// `internal.config.kubernetes.io/helm-generated: "true"` alone, and the
    /// build removes that annotation.
    NamespaceSkipsHelmGenerated,
    /// A JSON patch `replace` of the whole document with a scalar fails
    /// (json-patch v4.13) instead of doing nothing.
    JsonPatchRootReplaceChecked,
    /// A JSON patch `test` with no value passes where the path is missing
    /// or null (json-patch v4.13; kustomize 5.5 to 5.7 crash there).
    JsonPatchTestWithoutValue,
    /// Replacement targets' `select` and `reject` ids are anchored regular
    /// expressions, the namespace matched as written.
    ReplacementTargetRegex,
    /// `replacements[].sourceValue`: a literal string as the value, in
    /// place of a source resource's field (before, an unknown field).
    ReplacementSourceValue,
    /// A `kind: ReplacementTransformer` plugin configuration no longer
    /// reads replacements from a top-level key literally named
    /// `omitempty` (a 5.5/5.6 struct-tag accident).
    ReplacementConfigIgnoresOmitempty,
    /// Replacement target paths may go through a string field holding
    /// JSON or YAML, which is rewritten (and scalars on the way of a path
    /// are parsed, not refused).
    ReplacementStructuredTargets,
    /// `helmCharts[].devel` is known (before, an unknown field), and helm
    /// pulls and templates with `--devel` when it is set.
    HelmDevel,
    /// helm's version is asked with `helm version --short` (before, with
    /// `-c`, which helm 4 refuses) and helm 4 is accepted beside helm 3.
    HelmFour,
    /// A chart without `namespace` is templated into the kustomization's
    /// `namespace`, or the nearest including kustomization's.
    HelmRootNamespace,
}

/// Each change, the first version that has it, and what it does.
pub const CHANGES: &[(Change, KustomizeVersion, &str)] = &[
    (
        Change::ManagedByModuleVersion,
        KustomizeVersion::V5_7_1,
        "the managedByLabel build metadata writes kustomize-v<version> instead of kustomize-(devel)",
    ),
    (
        Change::ImageVolumeReferences,
        KustomizeVersion::V5_7_1,
        "images also rewrites image volumes: spec.volumes[].image.reference and spec.template.spec.volumes[].image.reference",
    ),
    (
        Change::PatchWithoutDocumentsIsJson,
        KustomizeVersion::V5_7_1,
        "a patch with no document (only comments, ---, null or []) is an empty JSON patch instead of an error",
    ),
    (
        Change::PatchAfterDeleteSkipsDeleted,
        KustomizeVersion::V5_7_1,
        "patches after a $patch: delete in one entry apply (kustomize 5.5 and 5.6 crash there)",
    ),
    (
        Change::PatchWithoutObjectsIgnored,
        KustomizeVersion::V5_8_1,
        "a patch that yields no object and no operation (empty, comments only, {}) does nothing, even without a target",
    ),
    (
        Change::PatchOptionsTyped,
        KustomizeVersion::V5_8_1,
        "patches[].options keys match regardless of case and unknown keys are an error",
    ),
    (
        Change::NamespaceSkipsHelmGenerated,
        KustomizeVersion::V5_8_1,
        "namespace leaves objects annotated internal.config.kubernetes.io/helm-generated: \"true\" alone; the annotation is removed from the output",
    ),
    (
        Change::JsonPatchRootReplaceChecked,
        KustomizeVersion::V5_8_1,
        "a JSON patch replacing the whole document with a scalar fails instead of doing nothing",
    ),
    (
        Change::JsonPatchTestWithoutValue,
        KustomizeVersion::V5_8_1,
        "a JSON patch test without a value passes on a missing or null path (5.5 to 5.7 crash)",
    ),
    (
        Change::ReplacementTargetRegex,
        KustomizeVersion::V5_8_1,
        "replacement targets' select and reject match group, version, kind, name and namespace as anchored regular expressions (a namespace of default no longer matches resources without one)",
    ),
    (
        Change::ReplacementSourceValue,
        KustomizeVersion::V5_7_1,
        "replacements may take a literal sourceValue instead of a source (before, sourceValue is an unknown field)",
    ),
    (
        Change::ReplacementConfigIgnoresOmitempty,
        KustomizeVersion::V5_7_1,
        "a ReplacementTransformer plugin configuration no longer applies replacements listed under a top-level omitempty key",
    ),
    (
        Change::ReplacementStructuredTargets,
        KustomizeVersion::V5_8_1,
        "replacement targets may reach inside JSON or YAML held in a string field, which is rewritten (kustomize's JSON or YAML formatting)",
    ),
    (
        Change::HelmDevel,
        KustomizeVersion::V5_7_1,
        "helmCharts entries may set devel (helm pull and template --devel); before, devel is an unknown field",
    ),
    (
        Change::HelmFour,
        KustomizeVersion::V5_8_1,
        "helm 4 is accepted beside helm 3 (its version is asked with helm version --short, not -c)",
    ),
    (
        Change::HelmRootNamespace,
        KustomizeVersion::V5_8_1,
        "a chart without a namespace is templated with --namespace from its kustomization's namespace or the nearest including kustomization's",
    ),
];

impl Change {
    /// The first version that behaves this way.
    pub fn since(self) -> KustomizeVersion {
        CHANGES
            .iter()
            .find(|(change, _, _)| *change == self)
            .map(|(_, since, _)| *since)
            .expect("every change is listed in CHANGES")
    }

    /// What the change does, in a sentence.
    pub fn describe(self) -> &'static str {
        CHANGES
            .iter()
            .find(|(change, _, _)| *change == self)
            .map(|(_, _, text)| *text)
            .expect("every change is listed in CHANGES")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_full_minor_and_prefixed_forms() {
        for (text, version) in [
            ("5.5.0", KustomizeVersion::V5_5_0),
            ("v5.6.0", KustomizeVersion::V5_6_0),
            ("5.7", KustomizeVersion::V5_7_1),
            ("v5.8", KustomizeVersion::V5_8_1),
            (" 5.8.1 ", KustomizeVersion::V5_8_1),
        ] {
            assert_eq!(text.parse::<KustomizeVersion>(), Ok(version), "{text}");
        }
    }

    #[test]
    fn refuses_versions_it_does_not_emulate() {
        for text in ["5.4.3", "5.7.0", "5", "", "latest", "5.8.1.1", "vv5.8.1"] {
            let err = text.parse::<KustomizeVersion>().unwrap_err();
            assert!(
                err.to_string().contains("5.5.0, 5.6.0, 5.7.1 or 5.8.1"),
                "{err}"
            );
        }
    }

    #[test]
    fn display_round_trips_and_latest_is_the_default() {
        for v in KustomizeVersion::ALL {
            assert_eq!(v.to_string().parse::<KustomizeVersion>(), Ok(v));
        }
        assert_eq!(KustomizeVersion::default(), KustomizeVersion::LATEST);
        assert_eq!(
            KustomizeVersion::ALL.last(),
            Some(&KustomizeVersion::LATEST)
        );
    }

    #[test]
    fn every_change_is_listed_once() {
        for (i, (change, _, _)) in CHANGES.iter().enumerate() {
            assert!(
                CHANGES[i + 1..].iter().all(|(c, _, _)| c != change),
                "{change:?} listed twice"
            );
            let _ = change.since();
        }
    }

    #[test]
    fn managed_by_follows_the_module_version_from_5_7() {
        assert_eq!(KustomizeVersion::V5_5_0.managed_by(), "kustomize-(devel)");
        assert_eq!(KustomizeVersion::V5_6_0.managed_by(), "kustomize-(devel)");
        assert_eq!(KustomizeVersion::V5_7_1.managed_by(), "kustomize-v5.7.1");
        assert_eq!(KustomizeVersion::V5_8_1.managed_by(), "kustomize-v5.8.1");
    }
}
