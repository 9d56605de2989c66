//! The existing kustomization file as kustomize-controller rewrites it: it
//! decodes the file into kustomize's Go type (`types.Kustomization`, with
//! `sigs.k8s.io/yaml`, which ignores unknown fields) and encodes it back,
//! so a field kustomize does not know, at any depth, silently disappears
//! where `kustomize build` on the file itself would refuse it (`json:
//! unknown field`). Field names match as Go's `encoding/json` matches them
//! (exactly, else ignoring ASCII case) and come out spelled as the type
//! spells them.
//!
//! Values are left as they are otherwise: one of the wrong type makes
//! the build fail later, as the controller's decoding would (with another
//! message).

use krust_yaml::{Mapping, Value};

/// The shape of a Go type, as far as unknown fields go.
enum Shape {
    /// Anything that has no fields of its own: scalars, `[]string`,
    /// `map[string]string`, `map[string]interface{}`.
    Leaf,
    /// A struct: its JSON field names (embedded structs flattened).
    Struct(&'static [(&'static str, &'static Shape)]),
    /// A slice of the shape.
    List(&'static Shape),
}

use Shape::{Leaf, List, Struct};

// sigs.k8s.io/kustomize/api v0.21.1 `types` (kustomize v5.8.1) and
// kyaml `resid`.
const GVK_NAME_NS: [(&str, &Shape); 5] = [
    ("group", &Leaf),
    ("version", &Leaf),
    ("kind", &Leaf),
    ("name", &Leaf),
    ("namespace", &Leaf),
];
const SELECTOR: Shape = Struct(&[
    GVK_NAME_NS[0],
    GVK_NAME_NS[1],
    GVK_NAME_NS[2],
    GVK_NAME_NS[3],
    GVK_NAME_NS[4],
    ("annotationSelector", &Leaf),
    ("labelSelector", &Leaf),
]);
const PATCH: Shape = Struct(&[
    ("path", &Leaf),
    ("patch", &Leaf),
    ("target", &SELECTOR),
    ("options", &Leaf),
]);
const IMAGE: Shape = Struct(&[
    ("name", &Leaf),
    ("newName", &Leaf),
    ("tagSuffix", &Leaf),
    ("newTag", &Leaf),
    ("digest", &Leaf),
]);
const REPLICA: Shape = Struct(&[("name", &Leaf), ("count", &Leaf)]);
const FIELD_SPEC: Shape = Struct(&[
    ("group", &Leaf),
    ("version", &Leaf),
    ("kind", &Leaf),
    ("path", &Leaf),
    ("create", &Leaf),
]);
const LABEL: Shape = Struct(&[
    ("pairs", &Leaf),
    ("includeSelectors", &Leaf),
    ("includeTemplates", &Leaf),
    ("fields", &List(&FIELD_SPEC)),
]);
const GENERATOR_OPTIONS: Shape = Struct(&[
    ("labels", &Leaf),
    ("annotations", &Leaf),
    ("disableNameSuffixHash", &Leaf),
    ("immutable", &Leaf),
]);
const CONFIG_MAP_ARGS: Shape = Struct(&[
    ("namespace", &Leaf),
    ("name", &Leaf),
    ("behavior", &Leaf),
    ("literals", &Leaf),
    ("files", &Leaf),
    ("envs", &Leaf),
    ("env", &Leaf),
    ("options", &GENERATOR_OPTIONS),
]);
const SECRET_ARGS: Shape = Struct(&[
    ("namespace", &Leaf),
    ("name", &Leaf),
    ("behavior", &Leaf),
    ("literals", &Leaf),
    ("files", &Leaf),
    ("envs", &Leaf),
    ("env", &Leaf),
    ("options", &GENERATOR_OPTIONS),
    ("type", &Leaf),
]);
const VAR: Shape = Struct(&[
    ("name", &Leaf),
    (
        "objref",
        &Struct(&[
            ("apiVersion", &Leaf),
            GVK_NAME_NS[0],
            GVK_NAME_NS[1],
            GVK_NAME_NS[2],
            GVK_NAME_NS[3],
            GVK_NAME_NS[4],
        ]),
    ),
    ("fieldref", &Struct(&[("fieldPath", &Leaf)])),
]);
const FIELD_OPTIONS: Shape = Struct(&[
    ("delimiter", &Leaf),
    ("index", &Leaf),
    ("encoding", &Leaf),
    ("create", &Leaf),
]);
const REPLACEMENT_FIELD: Shape = Struct(&[
    (
        "source",
        &Struct(&[
            GVK_NAME_NS[0],
            GVK_NAME_NS[1],
            GVK_NAME_NS[2],
            GVK_NAME_NS[3],
            GVK_NAME_NS[4],
            ("fieldPath", &Leaf),
            ("options", &FIELD_OPTIONS),
        ]),
    ),
    (
        "targets",
        &List(&Struct(&[
            ("select", &SELECTOR),
            ("reject", &List(&SELECTOR)),
            ("fieldPaths", &Leaf),
            ("options", &FIELD_OPTIONS),
        ])),
    ),
    ("sourceValue", &Leaf),
    ("path", &Leaf),
]);
const HELM_CHART_ARGS: Shape = Struct(&[
    ("chartName", &Leaf),
    ("chartVersion", &Leaf),
    ("chartRepoUrl", &Leaf),
    ("chartHome", &Leaf),
    ("chartRepoName", &Leaf),
    ("helmBin", &Leaf),
    ("helmHome", &Leaf),
    ("values", &Leaf),
    ("valuesLocal", &Leaf),
    ("valuesMerge", &Leaf),
    ("releaseName", &Leaf),
    ("releaseNamespace", &Leaf),
    ("extraArgs", &Leaf),
]);
const HELM_GLOBALS: Shape = Struct(&[("chartHome", &Leaf), ("configHome", &Leaf)]);
const HELM_CHART: Shape = Struct(&[
    ("name", &Leaf),
    ("version", &Leaf),
    ("repo", &Leaf),
    ("releaseName", &Leaf),
    ("namespace", &Leaf),
    ("additionalValuesFiles", &Leaf),
    ("valuesFile", &Leaf),
    ("valuesInline", &Leaf),
    ("valuesMerge", &Leaf),
    ("includeCRDs", &Leaf),
    ("skipHooks", &Leaf),
    ("apiVersions", &Leaf),
    ("kubeVersion", &Leaf),
    ("nameTemplate", &Leaf),
    ("skipTests", &Leaf),
    ("debug", &Leaf),
    ("devel", &Leaf),
]);
const SORT_OPTIONS: Shape = Struct(&[
    ("order", &Leaf),
    (
        "legacySortOptions",
        &Struct(&[("orderFirst", &Leaf), ("orderLast", &Leaf)]),
    ),
]);
const OBJECT_META: Shape = Struct(&[
    ("name", &Leaf),
    ("namespace", &Leaf),
    ("labels", &Leaf),
    ("annotations", &Leaf),
]);
const KUSTOMIZATION: Shape = Struct(&[
    ("kind", &Leaf),
    ("apiVersion", &Leaf),
    ("metadata", &OBJECT_META),
    ("openapi", &Leaf),
    ("namePrefix", &Leaf),
    ("nameSuffix", &Leaf),
    ("namespace", &Leaf),
    ("commonLabels", &Leaf),
    ("labels", &List(&LABEL)),
    ("commonAnnotations", &Leaf),
    ("patchesStrategicMerge", &Leaf),
    ("patchesJson6902", &List(&PATCH)),
    ("patches", &List(&PATCH)),
    ("images", &List(&IMAGE)),
    ("imageTags", &List(&IMAGE)),
    ("replacements", &List(&REPLACEMENT_FIELD)),
    ("replicas", &List(&REPLICA)),
    ("vars", &List(&VAR)),
    ("sortOptions", &SORT_OPTIONS),
    ("resources", &Leaf),
    ("components", &Leaf),
    ("crds", &Leaf),
    ("bases", &Leaf),
    ("configMapGenerator", &List(&CONFIG_MAP_ARGS)),
    ("secretGenerator", &List(&SECRET_ARGS)),
    ("helmGlobals", &HELM_GLOBALS),
    ("helmCharts", &List(&HELM_CHART)),
    ("helmChartInflationGenerator", &List(&HELM_CHART_ARGS)),
    ("generatorOptions", &GENERATOR_OPTIONS),
    ("configurations", &Leaf),
    ("generators", &Leaf),
    ("transformers", &Leaf),
    ("validators", &Leaf),
    ("buildMetadata", &Leaf),
]);

/// `kus` as decoding it into kustomize's `types.Kustomization` and encoding
/// it back leaves it: unknown fields dropped, known ones spelled as
/// kustomize spells them (a later spelling of the same field wins, as in Go).
pub(super) fn through_go_type(kus: Mapping) -> Mapping {
    match prune(Value::from_map(kus), &KUSTOMIZATION) {
        Value::Map(map) => *map,
        _ => Mapping::default(),
    }
}

fn prune(value: Value, shape: &Shape) -> Value {
    match (shape, value) {
        (Struct(fields), Value::Map(map)) => {
            let mut out = Mapping::default();
            for (key, item) in *map {
                let field = fields.iter().find(|(name, _)| *name == key).or_else(|| {
                    fields
                        .iter()
                        .find(|(name, _)| name.eq_ignore_ascii_case(&key))
                });
                if let Some((name, inner)) = field {
                    // Go decodes into the same field again: the later value wins.
                    out.insert((*name).to_owned(), prune(item, inner));
                }
            }
            Value::from_map(out)
        }
        (List(inner), Value::Seq(items)) => {
            Value::Seq(items.into_iter().map(|item| prune(item, inner)).collect())
        }
        (_, value) => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(src: &str) -> String {
        let doc = krust_yaml::load_documents(src).unwrap().remove(0);
        let Value::Map(map) = doc else { panic!() };
        krust_yaml::to_yaml_string(&Value::from_map(through_go_type(*map))).unwrap()
    }

    #[test]
    fn unknown_fields_vanish_at_any_depth() {
        assert_eq!(
            round_trip(
                "resources: [a.yaml]\nnotAField: 1\nimages:\n- name: x\n  newTag: v1\n  typo: y\n\
                 patches:\n- path: p.yaml\n  target: {kind: Deployment, bogus: 1}\n  extra: z\n"
            ),
            "images:\n- name: x\n  newTag: v1\npatches:\n- path: p.yaml\n  target:\n    kind: Deployment\nresources:\n- a.yaml\n"
        );
    }

    #[test]
    fn field_names_match_as_go_json_does() {
        assert_eq!(
            round_trip("Resources: [a.yaml]\nNAMEPREFIX: p-\nnamePrefix: q-\n"),
            "namePrefix: q-\nresources:\n- a.yaml\n"
        );
    }

    #[test]
    fn maps_and_values_are_kept() {
        let src = "commonLabels:\n  any: thing\nhelmCharts:\n- name: c\n  valuesInline:\n\
                   \x20   deep:\n      free: form\nopenapi:\n  path: schema.json\n";
        assert_eq!(round_trip(src), src);
    }
}
