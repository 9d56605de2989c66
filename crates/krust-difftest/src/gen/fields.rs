//! Kustomization files: each field with the probability real repositories
//! give it, filled with names of the generated objects so that patches,
//! replicas, images and replacements mostly hit something.

use std::collections::BTreeMap;

use super::Made;
use crate::rng::Rng;
use crate::scalars;

/// A kustomization for `dir` over `resources` (entries starting
/// `components:` go to `components`), adding the patch and generator files
/// it names to `files`. `overlay` kustomizations patch what `made` holds.
pub fn kustomization(
    rng: &mut Rng,
    made: &[Made],
    resources: &[String],
    dir: &str,
    files: &mut BTreeMap<String, String>,
    overlay: bool,
) -> String {
    let mut out = String::new();
    let (components, plain): (Vec<&String>, Vec<&String>) =
        resources.iter().partition(|r| r.starts_with("components:"));
    out.push_str("resources:\n");
    for r in plain {
        out.push_str(&format!("- {r}\n"));
    }
    if !components.is_empty() {
        out.push_str("components:\n");
        for c in components {
            out.push_str(&format!("- {}\n", c.trim_start_matches("components:")));
        }
    }
    if rng.chance(30) {
        out.push_str(&format!(
            "namespace: {}\n",
            rng.pick(&["shop", "prod", "team-a", "default"])
        ));
    }
    if rng.chance(20) {
        out.push_str(&format!(
            "namePrefix: {}\n",
            rng.pick(&["prod-", "x-", "a."])
        ));
    }
    if rng.chance(15) {
        out.push_str(&format!(
            "nameSuffix: {}\n",
            rng.pick(&["-v2", "-eu", "-1"])
        ));
    }
    out.push_str(&label_fields(rng));
    if rng.chance(25) {
        out.push_str(&images(rng));
    }
    if let Some(w) = workloads(made).first().filter(|_| rng.chance(15)) {
        out.push_str(&format!(
            "replicas:\n- name: {}\n  count: {}\n",
            w.name,
            rng.below(5)
        ));
    }
    out.push_str(&generators(rng, dir, files, overlay));
    out.push_str(&patches(rng, made, dir, files));
    if rng.chance(12) {
        out.push_str(&replacements(rng, made));
    }
    if rng.chance(5) {
        out.push_str("sortOptions:\n  order: fifo\n");
    }
    if rng.chance(4) {
        out.push_str(&format!(
            "buildMetadata: [{}]\n",
            rng.pick(&[
                "originAnnotations",
                "managedByLabel",
                "transformerAnnotations"
            ])
        ));
    }
    out
}

/// A component: labels, annotations or a patch on one of the objects.
pub fn component(rng: &mut Rng, made: &[Made], files: &mut BTreeMap<String, String>) -> String {
    let mut out = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n".to_owned();
    out.push_str(&label_fields(rng));
    out.push_str(&patches(rng, made, "components/feature", files));
    if rng.chance(30) {
        out.push_str(&images(rng));
    }
    out
}

fn workloads(made: &[Made]) -> Vec<&Made> {
    made.iter().filter(|m| m.workload).collect()
}

fn map_field(rng: &mut Rng, name: &str) -> String {
    let n = rng.range(1, 2);
    format!("{name}:\n{}", scalars::entries(rng, 2, n, &[]))
}

fn label_fields(rng: &mut Rng) -> String {
    let mut out = String::new();
    if rng.chance(20) {
        out.push_str(&map_field(rng, "commonLabels"));
    }
    if rng.chance(20) {
        out.push_str("labels:\n- pairs:\n");
        let n = rng.range(1, 2);
        out.push_str(&scalars::entries(rng, 4, n, &[]));
        if rng.chance(50) {
            out.push_str(&format!("  includeSelectors: {}\n", rng.chance(50)));
        }
        if rng.chance(40) {
            out.push_str(&format!("  includeTemplates: {}\n", rng.chance(50)));
        }
    }
    if rng.chance(20) {
        out.push_str(&map_field(rng, "commonAnnotations"));
    }
    out
}

fn images(rng: &mut Rng) -> String {
    let name = rng.pick(&["nginx", "busybox", "registry.example.com/app", "app"]);
    let mut out = format!("images:\n- name: {name}\n");
    match rng.below(4) {
        0 => out.push_str("  newTag: \"1.27\"\n"),
        1 => out.push_str("  newName: mirror.example.com/img\n  newTag: v2\n"),
        2 => out.push_str("  digest: sha256:0123456789abcdef\n"),
        _ => out.push_str(&format!("  newTag: {}\n", scalars::value(rng))),
    }
    out
}

fn generators(
    rng: &mut Rng,
    dir: &str,
    files: &mut BTreeMap<String, String>,
    overlay: bool,
) -> String {
    let mut out = String::new();
    if rng.chance(30) {
        out.push_str("configMapGenerator:\n- name: settings\n");
        if overlay && rng.chance(50) {
            out.push_str(&format!(
                "  behavior: {}\n",
                rng.pick(&["merge", "replace", "create"])
            ));
        }
        out.push_str("  literals:\n");
        for i in 0..rng.range(1, 3) {
            let v = scalars::value(rng);
            let v = v.trim_matches('"').trim_matches('\'');
            out.push_str(&format!("  - key{i}={v}\n"));
        }
        if rng.chance(30) {
            files.insert(
                format!("{dir}/app.properties"),
                "a=1\nb = two\n# comment\n".into(),
            );
            out.push_str("  files:\n  - app.properties\n");
        }
        if rng.chance(20) {
            files.insert(
                format!("{dir}/vars.env"),
                "MODE=debug\nEMPTY=\nQUOTED=\"x y\"\n".into(),
            );
            out.push_str("  envs:\n  - vars.env\n");
        }
    }
    if rng.chance(10) {
        out.push_str("secretGenerator:\n- name: credentials\n  literals:\n  - password=s3cr3t\n");
        if rng.chance(50) {
            out.push_str("  type: kubernetes.io/basic-auth\n");
        }
    }
    if rng.chance(10) {
        out.push_str("generatorOptions:\n  disableNameSuffixHash: true\n");
        if rng.chance(50) {
            out.push_str("  labels:\n    generated: \"yes\"\n");
        }
    }
    out
}

fn patches(
    rng: &mut Rng,
    made: &[Made],
    dir: &str,
    files: &mut BTreeMap<String, String>,
) -> String {
    if made.is_empty() || !rng.chance(45) {
        return String::new();
    }
    let mut out = "patches:\n".to_owned();
    for i in 0..rng.range(1, 3) {
        let m = rng.pick(made).clone();
        let (text, target) = if rng.chance(55) {
            (strategic(rng, &m), rng.chance(30))
        } else {
            (json6902(rng, &m), true)
        };
        if rng.chance(50) {
            let file = format!("patch{i}.yaml");
            files.insert(format!("{dir}/{file}"), text);
            out.push_str(&format!("- path: {file}\n"));
        } else {
            out.push_str("- patch: |-\n");
            for line in text.lines() {
                out.push_str(&format!("    {line}\n"));
            }
        }
        if target {
            out.push_str(&format!("  target:\n    kind: {}\n", m.kind));
            if rng.chance(60) {
                out.push_str(&format!("    name: {}\n", m.name));
            }
        }
    }
    out
}

/// A strategic-merge patch of `m`: labels, annotations, a field, a list
/// item or a `$patch` directive.
fn strategic(rng: &mut Rng, m: &Made) -> String {
    let mut out = format!(
        "apiVersion: {}\nkind: {}\nmetadata:\n  name: {}\n",
        m.api_version, m.kind, m.name
    );
    match rng.below(6) {
        0 => {
            out.push_str("  labels:\n");
            out.push_str(&scalars::entries(rng, 4, 1, &[]));
        }
        1 => {
            out.push_str("  annotations:\n");
            let v = rng.pick(&["null", "~", "", "\"x\"", "keep"]);
            out.push_str(&format!("    {}: {v}\n", scalars::key(rng)));
        }
        2 if m.workload => out.push_str(&format!(
            "spec:\n  template:\n    spec:\n      containers:\n      - name: {}\n        image: patched:1\n",
            rng.pick(&["main", "sidecar"])
        )),
        3 if m.kind == "Deployment" => {
            out.push_str(&format!("spec:\n  replicas: {}\n", scalars::value(rng)));
        }
        4 => out.push_str("$patch: delete\n"),
        _ => {
            out.push_str("data:\n");
            out.push_str(&scalars::entry(rng, 2, "patched", true));
        }
    }
    out
}

/// A JSON 6902 patch of `m`, with every operation and paths that may be missing.
fn json6902(rng: &mut Rng, m: &Made) -> String {
    let mut ops = Vec::new();
    for _ in 0..rng.range(1, 3) {
        let op = match rng.below(7) {
            0 => format!("- op: add\n  path: /metadata/annotations/{}\n  value: {}\n", rng.pick(&["note", "a~1b", "x"]), scalars::string_value(rng)),
            1 => format!("- op: add\n  path: /metadata/labels/extra\n  value: {}\n", scalars::string_value(rng)),
            2 => format!("- op: replace\n  path: /metadata/labels/app\n  value: {}\n", scalars::string_value(rng)),
            3 => "- op: remove\n  path: /metadata/labels/app\n".to_owned(),
            4 if m.workload => format!("- op: add\n  path: /spec/template/spec/containers/0/env/-\n  value:\n    name: ADDED\n    value: {}\n", scalars::string_value(rng)),
            5 => "- op: copy\n  from: /metadata/name\n  path: /metadata/labels/copied\n".to_owned(),
            _ => format!("- op: add\n  path: /spec/extra\n  value: {}\n", scalars::value(rng)),
        };
        ops.push(op);
    }
    ops.concat()
}

/// A replacement from one generated object into another's labels or data.
fn replacements(rng: &mut Rng, made: &[Made]) -> String {
    let source = rng.pick(made);
    let target = rng.pick(made);
    let path = rng.pick(&[
        "metadata.labels.app",
        "metadata.annotations.copied",
        "data.mode",
    ]);
    let create = if rng.chance(50) {
        "\n    options:\n      create: true"
    } else {
        ""
    };
    format!(
        "replacements:\n- source:\n    kind: {}\n    name: {}\n    fieldPath: metadata.name\n  targets:\n  - select:\n      kind: {}\n    fieldPaths:\n    - {path}{create}\n",
        source.kind, source.name, target.kind
    )
}
