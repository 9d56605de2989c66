//! Flux `Kustomization` objects (`kustomize.toolkit.fluxcd.io`), read from
//! the YAML a repository holds.
//!
//! Only the fields that change what gets rendered, or in which order, are
//! modelled; the rest (interval, timeout, wait, health checks...) matter to a
//! live cluster only. Bad input is an error naming the object
//! (`Kustomization flux-system/apps: spec.path: ...`), because a repository
//! holds many of them and the user has to find the one at fault.

use krust::kustomization::StringMap;
use krust_yaml::Value;

use crate::error::{Error, ErrorKind};
use crate::order::KsId;

/// The API group of Flux Kustomizations.
pub const GROUP: &str = "kustomize.toolkit.fluxcd.io";

/// The API versions read: `v1` (current) and `v1beta2` (still common in
/// repositories; it adds `patchesStrategicMerge` and `patchesJson6902`).
pub const VERSIONS: [&str; 2] = ["v1", "v1beta2"];

/// The namespace an object without `metadata.namespace` lands in when applied
/// (`kubectl apply` and Flux's own apply both default to it).
pub const DEFAULT_NAMESPACE: &str = "default";

/// One Flux `Kustomization`: a directory of a source, built and applied as a unit.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FluxKustomization {
    /// `v1` or `v1beta2`.
    pub api_version: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`, or [`DEFAULT_NAMESPACE`].
    pub namespace: String,
    /// `spec.path` as written; empty means the root of the source.
    pub path: String,
    /// `spec.sourceRef`.
    pub source_ref: SourceRef,
    /// `spec.targetNamespace`: overrides the kustomization's `namespace`.
    pub target_namespace: Option<String>,
    /// `spec.namePrefix`: overrides the kustomization's `namePrefix`.
    pub name_prefix: Option<String>,
    /// `spec.nameSuffix`: overrides the kustomization's `nameSuffix`.
    pub name_suffix: Option<String>,
    /// `spec.patches`, appended after the kustomization's own.
    pub patches: Vec<Patch>,
    /// `spec.patchesStrategicMerge` (v1beta2 only): inline patch objects.
    pub patches_strategic_merge: Vec<Value>,
    /// `spec.patchesJson6902` (v1beta2 only): target plus operations.
    pub patches_json6902: Vec<Json6902Patch>,
    /// `spec.images`, merged into the kustomization's `images` by name.
    pub images: Vec<Image>,
    /// `spec.components`, appended after the kustomization's own.
    pub components: Vec<String>,
    /// `spec.ignoreMissingComponents`: skip listed components that do not exist.
    pub ignore_missing_components: bool,
    /// `spec.commonMetadata`, set on every object after the build and substitution.
    pub common_metadata: Option<CommonMetadata>,
    /// `spec.postBuild`.
    pub post_build: Option<PostBuild>,
    /// `spec.dependsOn`.
    pub depends_on: Vec<Dependency>,
    /// `spec.suspend`.
    pub suspend: bool,
    /// `spec.prune`.
    pub prune: bool,
}

/// `spec.sourceRef`: where the files come from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceRef {
    /// `GitRepository`, `OCIRepository`, `Bucket` or `ExternalArtifact`.
    pub kind: String,
    /// The source's name.
    pub name: String,
    /// The source's namespace; defaults to the Kustomization's.
    pub namespace: String,
}

/// One entry of `spec.dependsOn`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dependency {
    /// Name of the Kustomization depended on.
    pub name: String,
    /// Its namespace; defaults to the depending Kustomization's (as the controller does).
    pub namespace: String,
}

impl SourceRef {
    /// `Kind/namespace/name` (`GitRepository/flux-system/infra`): how a
    /// cluster's sources are keyed.
    pub fn key(&self) -> String {
        format!("{}/{}/{}", self.kind, self.namespace, self.name)
    }
}

impl Dependency {
    /// The Kustomization depended on.
    pub fn id(&self) -> KsId {
        KsId::new(&self.namespace, &self.name)
    }
}

/// Whether `obj` is the `kind` named `namespace/name`, an object without a
/// namespace counting as in [`DEFAULT_NAMESPACE`]: how Flux resolves a
/// reference (`sourceRef`, `substituteFrom`) to an object the repository holds.
pub(crate) fn is_object(obj: &Value, kind: &str, namespace: &str, name: &str) -> bool {
    obj.str_at(&["kind"]) == Some(kind)
        && obj.str_at(&["metadata", "name"]) == Some(name)
        && obj
            .str_at(&["metadata", "namespace"])
            .unwrap_or(DEFAULT_NAMESPACE)
            == namespace
}

/// A kustomize selector, as `spec.patches[].target` writes it: kustomize's
/// own type, so that the fields are listed once ([`Selector::FIELDS`]).
pub use krust::kustomization::Selector;

/// One entry of `spec.patches`: a strategic merge or JSON 6902 patch as text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Patch {
    /// The patch text.
    pub patch: String,
    /// Which resources it applies to; `None` means the patch names its target.
    pub target: Option<Selector>,
}

/// One entry of `spec.patchesJson6902` (v1beta2).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Json6902Patch {
    /// The target.
    pub target: Selector,
    /// The operations, as objects.
    pub patch: Vec<Value>,
}

/// One entry of `spec.images`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Image {
    /// The image name to match.
    pub name: String,
    /// Replacement name (empty: keep).
    pub new_name: String,
    /// Replacement tag (empty: keep).
    pub new_tag: String,
    /// Replacement digest (empty: keep).
    pub digest: String,
}

/// `spec.commonMetadata`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommonMetadata {
    /// Labels set on every object.
    pub labels: StringMap,
    /// Annotations set on every object.
    pub annotations: StringMap,
}

/// `spec.postBuild`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PostBuild {
    /// `substitute`: variables that override those from `substituteFrom`.
    pub substitute: StringMap,
    /// `substituteFrom`, in order.
    pub substitute_from: Vec<SubstituteReference>,
}

/// One entry of `spec.postBuild.substituteFrom`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubstituteReference {
    /// `ConfigMap` or `Secret`.
    pub kind: String,
    /// Its name, in the Kustomization's namespace.
    pub name: String,
    /// Whether a missing object is tolerated.
    pub optional: bool,
}

/// Whether `value` is a Flux Kustomization of a version this module reads
/// (as opposed to a kustomize `kustomization.yaml`, whose kind is the same).
pub fn is_flux_kustomization(value: &Value) -> bool {
    value.str_at(&["kind"]) == Some("Kustomization")
        && value
            .str_at(&["apiVersion"])
            .and_then(|v| v.strip_prefix(GROUP))
            .and_then(|v| v.strip_prefix('/'))
            .is_some_and(|v| VERSIONS.contains(&v))
}

/// Reads fields of one object, prefixing errors with its name.
struct Reader<'a> {
    /// The object's id; `None` when it has no name.
    object: Option<KsId>,
    root: &'a Value,
}

impl<'a> Reader<'a> {
    /// An [`ErrorKind::Model`] error about this object, `message` starting
    /// with the field path.
    fn err(&self, message: String) -> Error {
        let error = Error::new(ErrorKind::Model, message);
        match &self.object {
            Some(id) => error.in_kustomization(id),
            None => error.context("Kustomization <unnamed>"),
        }
    }

    fn at(&self, path: &[&str]) -> Result<Option<&'a Value>, Error> {
        let mut v = self.root;
        for (i, key) in path.iter().enumerate() {
            match v {
                Value::Map(_) => match v.get(key) {
                    Some(Value::Null) | None => return Ok(None),
                    Some(next) => v = next,
                },
                other => {
                    return Err(self.err(format!(
                        "{}: expected a map, found {}",
                        path[..i].join("."),
                        other.type_name()
                    )))
                }
            }
        }
        Ok(Some(v))
    }

    fn string(&self, path: &[&str]) -> Result<Option<String>, Error> {
        self.at(path)?
            .map(|v| self.as_string(&path.join("."), v))
            .transpose()
    }

    fn as_string(&self, field: &str, v: &Value) -> Result<String, Error> {
        v.as_str().map(str::to_owned).ok_or_else(|| {
            self.err(format!(
                "{field}: expected a string, found {}",
                v.type_name()
            ))
        })
    }

    fn boolean(&self, path: &[&str]) -> Result<bool, Error> {
        match self.at(path)? {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(self.err(format!(
                "{}: expected true or false, found {}",
                path.join("."),
                other.type_name()
            ))),
        }
    }

    fn seq(&self, path: &[&str]) -> Result<&'a [Value], Error> {
        match self.at(path)? {
            None => Ok(&[]),
            Some(Value::Seq(items)) => Ok(items),
            Some(other) => Err(self.err(format!(
                "{}: expected a list, found {}",
                path.join("."),
                other.type_name()
            ))),
        }
    }

    fn string_map(&self, path: &[&str]) -> Result<StringMap, Error> {
        let field = path.join(".");
        match self.at(path)? {
            None => Ok(StringMap::new()),
            Some(Value::Map(map)) => map
                .iter()
                .map(|(k, v)| Ok((k.clone(), self.as_string(&format!("{field}.{k}"), v)?)))
                .collect(),
            Some(other) => Err(self.err(format!(
                "{field}: expected a map of strings, found {}",
                other.type_name()
            ))),
        }
    }

    /// A string field of a list item, `None` when absent.
    fn item_string(&self, item: &Value, field: &str, key: &str) -> Result<Option<String>, Error> {
        match item.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => self.as_string(&format!("{field}.{key}"), v).map(Some),
        }
    }

    fn item_map<'v>(&self, item: &'v Value, field: &str) -> Result<&'v Value, Error> {
        match item {
            Value::Map(_) => Ok(item),
            other => Err(self.err(format!(
                "{field}: expected a map, found {}",
                other.type_name()
            ))),
        }
    }

    fn selector(&self, v: &Value, field: &str) -> Result<Selector, Error> {
        let v = self.item_map(v, field)?;
        let mut selector = Selector::default();
        for name in Selector::FIELDS {
            if let Some(text) = self.item_string(v, field, name)? {
                selector.set(name, text);
            }
        }
        Ok(selector)
    }

    /// Each item of the list at `path`, read by `read` with its field path
    /// (`spec.images[0]`).
    fn items<T>(
        &self,
        path: &[&str],
        read: impl Fn(&Value, &str) -> Result<T, Error>,
    ) -> Result<Vec<T>, Error> {
        let at = path.join(".");
        self.seq(path)?
            .iter()
            .enumerate()
            .map(|(i, item)| read(item, &format!("{at}[{i}]")))
            .collect()
    }

    /// A required string field of a list item.
    fn required(&self, item: &Value, field: &str, key: &str) -> Result<String, Error> {
        self.item_string(item, field, key)?
            .ok_or_else(|| self.err(format!("{field}.{key}: missing")))
    }
}

impl FluxKustomization {
    /// Its identity, `namespace/name` when shown, as errors and reports name it.
    pub fn id(&self) -> KsId {
        KsId::new(&self.namespace, &self.name)
    }

    /// Reads a Flux Kustomization. Fails ([`ErrorKind::Model`]), naming the
    /// object, when `value` is not one or a field has the wrong shape;
    /// fields the renderer does not need are not checked.
    pub fn from_value(value: &Value) -> Result<FluxKustomization, Error> {
        let name = value.str_at(&["metadata", "name"]).unwrap_or_default();
        let namespace = value
            .str_at(&["metadata", "namespace"])
            .filter(|ns| !ns.is_empty())
            .unwrap_or(DEFAULT_NAMESPACE)
            .to_owned();
        let r = Reader {
            object: (!name.is_empty()).then(|| KsId::new(&namespace, name)),
            root: value,
        };
        let api_version = r.api_version(value, name)?;
        // Sections are read in a fixed order, so the first error reported is stable.
        Ok(FluxKustomization {
            api_version,
            name: name.to_owned(),
            source_ref: r.source_ref(&namespace)?,
            patches: r.items(&["spec", "patches"], |item, field| r.patch(item, field))?,
            patches_strategic_merge: r
                .items(&["spec", "patchesStrategicMerge"], |item, field| {
                    r.item_map(item, field).cloned()
                })?,
            patches_json6902: r.items(&["spec", "patchesJson6902"], |item, field| {
                r.json6902_patch(item, field)
            })?,
            images: r.items(&["spec", "images"], |item, field| r.image(item, field))?,
            components: r.items(&["spec", "components"], |item, field| {
                r.as_string(field, item)
            })?,
            common_metadata: r.common_metadata()?,
            post_build: r.post_build()?,
            depends_on: r.items(&["spec", "dependsOn"], |item, field| {
                r.dependency(item, field, &namespace)
            })?,
            path: r.string(&["spec", "path"])?.unwrap_or_default(),
            target_namespace: r.string(&["spec", "targetNamespace"])?,
            name_prefix: r.string(&["spec", "namePrefix"])?,
            name_suffix: r.string(&["spec", "nameSuffix"])?,
            ignore_missing_components: r.boolean(&["spec", "ignoreMissingComponents"])?,
            suspend: r.boolean(&["spec", "suspend"])?,
            prune: r.boolean(&["spec", "prune"])?,
            namespace,
        })
    }
}

/// One reader per section of a Flux Kustomization's spec.
impl Reader<'_> {
    /// Checks what the object is and returns its version (`v1`, `v1beta2`).
    fn api_version(&self, value: &Value, name: &str) -> Result<String, Error> {
        if !is_flux_kustomization(value) {
            return Err(self.err(format!(
                "not a Flux Kustomization (apiVersion {:?}, kind {:?}; expected {GROUP}/v1 or /v1beta2, kind Kustomization)",
                value.str_at(&["apiVersion"]).unwrap_or_default(),
                value.str_at(&["kind"]).unwrap_or_default()
            )));
        }
        if name.is_empty() {
            return Err(self.err("metadata.name: missing".to_owned()));
        }
        let api_version = value.str_at(&["apiVersion"]).unwrap_or_default();
        if self.at(&["spec"])?.is_none() {
            return Err(self.err("spec: missing".to_owned()));
        }
        Ok(api_version[GROUP.len() + 1..].to_owned())
    }

    /// `spec.sourceRef`; its namespace defaults to the Kustomization's.
    fn source_ref(&self, namespace: &str) -> Result<SourceRef, Error> {
        let required = |key: &str| {
            self.string(&["spec", "sourceRef", key])?
                .ok_or_else(|| self.err(format!("spec.sourceRef.{key}: missing")))
        };
        Ok(SourceRef {
            kind: required("kind")?,
            name: required("name")?,
            namespace: self
                .string(&["spec", "sourceRef", "namespace"])?
                .filter(|ns| !ns.is_empty())
                .unwrap_or_else(|| namespace.to_owned()),
        })
    }

    /// One entry of `spec.patches`.
    fn patch(&self, item: &Value, field: &str) -> Result<Patch, Error> {
        let item = self.item_map(item, field)?;
        Ok(Patch {
            patch: self.required(item, field, "patch")?,
            target: match item.get("target") {
                None | Some(Value::Null) => None,
                Some(t) => Some(self.selector(t, &format!("{field}.target"))?),
            },
        })
    }

    /// One entry of `spec.patchesJson6902` (v1beta2).
    fn json6902_patch(&self, item: &Value, field: &str) -> Result<Json6902Patch, Error> {
        let item = self.item_map(item, field)?;
        let target = item
            .get("target")
            .ok_or_else(|| self.err(format!("{field}.target: missing")))?;
        let ops = match item.get("patch") {
            Some(Value::Seq(ops)) => ops.clone(),
            Some(other) => {
                return Err(self.err(format!(
                    "{field}.patch: expected a list of operations, found {}",
                    other.type_name()
                )))
            }
            None => return Err(self.err(format!("{field}.patch: missing"))),
        };
        Ok(Json6902Patch {
            target: self.selector(target, &format!("{field}.target"))?,
            patch: ops,
        })
    }

    /// One entry of `spec.images`.
    fn image(&self, item: &Value, field: &str) -> Result<Image, Error> {
        let item = self.item_map(item, field)?;
        let get = |key| {
            self.item_string(item, field, key)
                .map(Option::unwrap_or_default)
        };
        let image = Image {
            name: get("name")?,
            new_name: get("newName")?,
            new_tag: get("newTag")?,
            digest: get("digest")?,
        };
        if image.name.is_empty() {
            return Err(self.err(format!("{field}.name: missing")));
        }
        Ok(image)
    }

    /// `spec.commonMetadata`.
    fn common_metadata(&self) -> Result<Option<CommonMetadata>, Error> {
        if self.at(&["spec", "commonMetadata"])?.is_none() {
            return Ok(None);
        }
        Ok(Some(CommonMetadata {
            labels: self.string_map(&["spec", "commonMetadata", "labels"])?,
            annotations: self.string_map(&["spec", "commonMetadata", "annotations"])?,
        }))
    }

    /// `spec.postBuild`.
    fn post_build(&self) -> Result<Option<PostBuild>, Error> {
        if self.at(&["spec", "postBuild"])?.is_none() {
            return Ok(None);
        }
        Ok(Some(PostBuild {
            substitute: self.string_map(&["spec", "postBuild", "substitute"])?,
            substitute_from: self
                .items(&["spec", "postBuild", "substituteFrom"], |item, field| {
                    self.substitute_reference(item, field)
                })?,
        }))
    }

    /// One entry of `spec.postBuild.substituteFrom`.
    fn substitute_reference(
        &self,
        item: &Value,
        field: &str,
    ) -> Result<SubstituteReference, Error> {
        let item = self.item_map(item, field)?;
        let kind = self.required(item, field, "kind")?;
        if kind != "ConfigMap" && kind != "Secret" {
            return Err(self.err(format!(
                "{field}.kind: {kind:?} is neither ConfigMap nor Secret"
            )));
        }
        let optional = match item.get("optional") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(self.err(format!(
                    "{field}.optional: expected true or false, found {}",
                    other.type_name()
                )))
            }
        };
        Ok(SubstituteReference {
            kind,
            name: self.required(item, field, "name")?,
            optional,
        })
    }

    /// One entry of `spec.dependsOn`; its namespace defaults to the
    /// depending Kustomization's, as the controller does.
    fn dependency(&self, item: &Value, field: &str, namespace: &str) -> Result<Dependency, Error> {
        let item = self.item_map(item, field)?;
        Ok(Dependency {
            name: self
                .item_string(item, field, "name")?
                .filter(|n| !n.is_empty())
                .ok_or_else(|| self.err(format!("{field}.name: missing")))?,
            namespace: self
                .item_string(item, field, "namespace")?
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| namespace.to_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<FluxKustomization, Error> {
        let docs = krust_yaml::load_documents(src).unwrap();
        FluxKustomization::from_value(&docs[0])
    }

    #[test]
    fn reads_the_example_profile_with_defaults() {
        let ks = parse(
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n\
             metadata: {name: apps, namespace: flux-system}\n\
             spec:\n  path: ./apps/overlays/dev\n  prune: true\n\
             \x20 sourceRef: {kind: GitRepository, name: flux-system}\n\
             \x20 dependsOn: [{name: infrastructure}, {name: crds, namespace: other}]\n\
             \x20 postBuild:\n    substitute: {cluster_name: demo-dev, replicas: \"1\"}\n\
             \x20   substituteFrom: [{kind: ConfigMap, name: vars}, {kind: Secret, name: s, optional: true}]\n",
        )
        .unwrap();
        assert_eq!(ks.api_version, "v1");
        assert_eq!(ks.id().to_string(), "flux-system/apps");
        assert_eq!(ks.path, "./apps/overlays/dev");
        assert!(ks.prune && !ks.suspend);
        assert_eq!(ks.source_ref.namespace, "flux-system");
        assert_eq!(ks.depends_on[0].namespace, "flux-system");
        assert_eq!(ks.depends_on[1].namespace, "other");
        let pb = ks.post_build.unwrap();
        assert_eq!(pb.substitute["replicas"], "1");
        assert_eq!(pb.substitute_from[0].kind, "ConfigMap");
        assert!(!pb.substitute_from[0].optional);
        assert!(pb.substitute_from[1].optional);
    }

    #[test]
    fn tells_flux_kustomizations_from_kustomize_ones() {
        let yes = krust_yaml::load_documents(
            "apiVersion: kustomize.toolkit.fluxcd.io/v1beta2\nkind: Kustomization\n",
        )
        .unwrap();
        let no = krust_yaml::load_documents(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
        )
        .unwrap();
        let old = krust_yaml::load_documents(
            "apiVersion: kustomize.toolkit.fluxcd.io/v1beta1x\nkind: Kustomization\n",
        )
        .unwrap();
        assert!(is_flux_kustomization(&yes[0]));
        assert!(!is_flux_kustomization(&no[0]));
        assert!(!is_flux_kustomization(&old[0]));
    }

    #[test]
    fn errors_name_the_object_and_the_field() {
        let base = "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: fs}\n";
        let err = parse(&format!("{base}spec: {{path: ./x}}\n")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Kustomization fs/apps: spec.sourceRef.kind: missing"
        );
        let err = parse(&format!(
            "{base}spec: {{sourceRef: {{kind: GitRepository, name: r}}, postBuild: {{substitute: {{n: 1}}}}}}\n"
        ))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Kustomization fs/apps: spec.postBuild.substitute.n: expected a string, found int"
        );
        let err = parse(&format!(
            "{base}spec: {{sourceRef: {{kind: GitRepository, name: r}}, postBuild: {{substituteFrom: [{{kind: Map, name: x}}]}}}}\n"
        ))
        .unwrap_err();
        assert!(
            err.message().contains("neither ConfigMap nor Secret"),
            "{err}"
        );
        let err = parse(&format!(
            "{base}spec: {{sourceRef: {{kind: GitRepository, name: r}}, images: [{{newTag: v1}}]}}\n"
        ))
        .unwrap_err();
        assert_eq!(err.message(), "spec.images[0].name: missing");
        assert_eq!(err.kind(), ErrorKind::Model);
        let err = parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n").unwrap_err();
        assert!(err.message().contains("not a Flux Kustomization"), "{err}");
        assert_eq!(err.object(), Some(&KsId::new("default", "c")));
    }
}
