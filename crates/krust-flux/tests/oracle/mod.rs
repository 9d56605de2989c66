//! The Flux oracle: `tests/oracles/fluxbuild` (kustomize-controller v1.8's
//! own build and substitution code, Flux 2.8), built by
//! `tests/oracles/build-flux-oracle` into `target/oracles/flux/fluxbuild`.
//!
//! [`render_cluster`] walks a cluster with the oracle alone, as Flux does:
//! the directory built as the root Kustomization, then every Flux
//! Kustomization in its output (and theirs), each built by the oracle from
//! the object as its parent's output holds it, with the `substituteFrom`
//! variables read from the ConfigMaps and Secrets the oracle rendered so far.
//! Nothing in it comes from krust-flux, so it can judge krust-flux.
//!
//! Shared by krust-flux's golden tests and krust-cli's acceptance test
//! (`#[path]`-included there).

#![allow(dead_code)] // each suite uses a part

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use krust_yaml::Value;

/// What the goldens were made with (the oracle's own pins, `tests/go.mod`).
pub const REFERENCE: &str = "tests/oracles/fluxbuild: kustomize-controller v1.8.5 (Flux 2.8): \
fluxcd/pkg/kustomize v1.27.2, envsubst v1.5.0, sourceignore v0.17.0, kustomize v5.8.1 \
(sigs.k8s.io/kustomize/api v0.21.1)";

/// The workspace root.
pub fn workspace() -> PathBuf {
    krust_suite::workspace_root()
}

/// The oracle, if built (under `CI` a missing one fails the test).
pub fn fluxbuild() -> Option<PathBuf> {
    krust_suite::oracle::fluxbuild()
}

/// What the oracle gave for one Kustomization: built (`m.AsYaml()`, what
/// `render flux -o` writes for it), or the controller's error.
pub use krust_suite::oracle::Outcome;

/// A cluster to render: `dir` of `repo` as the root Kustomization.
pub struct ClusterSpec<'a> {
    /// The repository the `flux-system` GitRepository syncs.
    pub repo: &'a Path,
    /// The cluster directory, `./clusters/demo`.
    pub dir: &'a str,
    /// Other sources: `Kind/namespace/name` to their directory.
    pub sources: Vec<(&'a str, PathBuf)>,
    /// The StrictPostBuildSubstitutions feature gate.
    pub strict: bool,
}

/// The root Kustomization `flux bootstrap` writes for `dir` (what krust-flux
/// builds a cluster directory as).
pub fn root_kustomization(dir: &str) -> String {
    format!(
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\n\
         spec:\n  interval: 10m0s\n  path: {dir}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n"
    )
}

/// A fresh scratch directory.
fn scratch() -> PathBuf {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "krust-fluxbuild-{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// How to run the oracle on one Kustomization.
pub struct Build<'a> {
    /// The source's files.
    pub root: &'a Path,
    /// The file holding the Kustomization.
    pub ks_file: &'a Path,
    /// `ns/name` of the Kustomization.
    pub name: &'a str,
    /// The substituteFrom variables (a JSON file), if any.
    pub vars: Option<&'a Path>,
    /// The source's `spec.ignore`, if any.
    pub ignore: Option<&'a str>,
    /// The StrictPostBuildSubstitutions feature gate.
    pub strict: bool,
}

/// Runs the oracle.
pub fn build(binary: &Path, b: &Build) -> Outcome {
    let (root, ks_file, name, strict) = (b.root, b.ks_file, b.name, b.strict);
    let mut cmd = Command::new(binary);
    cmd.arg("--root")
        .arg(root)
        .arg("--kustomization")
        .arg(ks_file)
        .args(["--name", name]);
    if let Some(vars) = b.vars {
        cmd.arg("--vars").arg(vars);
    }
    if let Some(ignore) = b.ignore {
        cmd.args(["--ignore", ignore]);
    }
    if strict {
        cmd.arg("--strict");
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
    let text = |b: Vec<u8>| String::from_utf8(b).expect("the oracle prints UTF-8");
    match out.status.code() {
        Some(0) => Outcome::Output(text(out.stdout)),
        // Paths as the repository names them, wherever it is checked out.
        Some(1) => Outcome::Error(text(out.stderr).replace(&root.display().to_string(), "REPO")),
        _ => panic!(
            "fluxbuild {name} of {}: {}",
            ks_file.display(),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

fn str_at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    v.str_at(path)
}

fn is_flux_kustomization(v: &Value) -> bool {
    str_at(v, &["kind"]) == Some("Kustomization")
        && str_at(v, &["apiVersion"]).is_some_and(|a| a.starts_with("kustomize.toolkit.fluxcd.io/"))
}

fn namespace_of(v: &Value) -> String {
    str_at(v, &["metadata", "namespace"])
        .unwrap_or("default")
        .to_owned()
}

/// Every Flux Kustomization the oracle reaches from the root, in the order
/// found (`ns/name`, outcome). Kustomizations whose source is not mapped are
/// left out, as `render flux` skips them.
pub fn render_cluster(binary: &Path, spec: &ClusterSpec) -> Vec<(String, Outcome)> {
    let scratch = scratch();
    let root_file = scratch.join("root.yaml");
    std::fs::write(&root_file, root_kustomization(spec.dir)).unwrap();
    // (id, file holding it, the object)
    let root_obj = krust_yaml::load_documents(&root_kustomization(spec.dir))
        .unwrap()
        .remove(0);
    let mut queue = vec![("flux-system/flux-system".to_owned(), root_file, root_obj)];
    let mut seen = BTreeSet::from(["flux-system/flux-system".to_owned()]);
    let mut rendered: Vec<Value> = Vec::new();
    let mut results = Vec::new();
    let mut i = 0;
    while i < queue.len() {
        let (id, file, ks) = queue[i].clone();
        i += 1;
        let ns = namespace_of(&ks);
        let source = format!(
            "{}/{}/{}",
            str_at(&ks, &["spec", "sourceRef", "kind"]).unwrap_or(""),
            str_at(&ks, &["spec", "sourceRef", "namespace"]).unwrap_or(&ns),
            str_at(&ks, &["spec", "sourceRef", "name"]).unwrap_or("")
        );
        let root = if source == "GitRepository/flux-system/flux-system" {
            spec.repo.to_path_buf()
        } else if let Some((_, dir)) = spec.sources.iter().find(|(k, _)| *k == source) {
            dir.clone()
        } else {
            continue;
        };
        let vars = ks
            .get_path(&["spec", "postBuild", "substituteFrom"])
            .and_then(Value::as_seq)
            .map(|from| {
                let file = scratch.join(format!("vars-{i}.json"));
                std::fs::write(&file, to_json(&substitute_from(from, &ns, &rendered))).unwrap();
                file
            });
        let mut run = Build {
            root: &root,
            ks_file: &file,
            name: &id,
            vars: vars.as_deref(),
            ignore: source_ignore(&source, &rendered),
            strict: spec.strict,
        };
        let mut outcome = build(binary, &run);
        if i == 1 {
            // The root's source is defined in what the root renders: rebuilt
            // with its `spec.ignore`, as the controller sees it once applied.
            if let Outcome::Output(text) = &outcome {
                let objects = krust_yaml::load_documents(text).unwrap();
                if let Some(ignore) = source_ignore(&source, &objects) {
                    run.ignore = Some(ignore);
                    outcome = build(binary, &run);
                }
            }
        }
        if let Outcome::Output(text) = &outcome {
            let out_file = scratch.join(format!("out-{i}.yaml"));
            std::fs::write(&out_file, text).unwrap();
            for obj in krust_yaml::load_documents(text).unwrap() {
                if is_flux_kustomization(&obj) {
                    let child = format!(
                        "{}/{}",
                        namespace_of(&obj),
                        str_at(&obj, &["metadata", "name"]).unwrap_or("")
                    );
                    if seen.insert(child.clone()) {
                        queue.push((child, out_file.clone(), obj.clone()));
                    }
                }
                rendered.push(obj);
            }
        }
        results.push((id, outcome));
    }
    let _ = std::fs::remove_dir_all(&scratch);
    results
}

/// `spec.ignore` of the source object `key` (`Kind/ns/name`) among `objects`.
fn source_ignore<'v>(key: &str, objects: &'v [Value]) -> Option<&'v str> {
    let mut parts = key.splitn(3, '/');
    let (kind, namespace, name) = (parts.next()?, parts.next()?, parts.next()?);
    objects
        .iter()
        .rev()
        .find(|o| {
            str_at(o, &["kind"]) == Some(kind)
                && str_at(o, &["apiVersion"])
                    .is_some_and(|a| a.starts_with("source.toolkit.fluxcd.io/"))
                && str_at(o, &["metadata", "name"]) == Some(name)
                && namespace_of(o) == namespace
        })
        .and_then(|o| str_at(o, &["spec", "ignore"]))
}

/// The variables of `substituteFrom` entries `from` of a Kustomization in
/// `namespace`, as the controller reads them from the cluster (here: the
/// objects rendered so far): later entries win; a Secret's `stringData`
/// lands in its `data`, as the API server does; missing objects are skipped.
fn substitute_from(from: &[Value], namespace: &str, objects: &[Value]) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    for entry in from {
        let (Some(kind), Some(name)) = (str_at(entry, &["kind"]), str_at(entry, &["name"])) else {
            continue;
        };
        let found = objects.iter().rev().find(|o| {
            str_at(o, &["kind"]) == Some(kind)
                && str_at(o, &["metadata", "name"]) == Some(name)
                && namespace_of(o) == namespace
        });
        let Some(obj) = found else { continue };
        let entries = |field: &str| -> Vec<(String, String)> {
            obj.get(field)
                .and_then(Value::as_map)
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.scalar_string()?)))
                        .collect()
                })
                .unwrap_or_default()
        };
        match kind {
            "ConfigMap" => vars.extend(entries("data")),
            "Secret" => {
                let mut data: BTreeMap<String, String> = entries("data")
                    .into_iter()
                    .map(|(k, v)| (k, base64_decode(&v)))
                    .collect();
                data.extend(entries("stringData"));
                vars.extend(data);
            }
            _ => {}
        }
    }
    vars
}

fn base64_decode(text: &str) -> String {
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => break,
        };
        bits = (bits << 6) | u32::from(v);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    String::from_utf8(out).expect("a UTF-8 secret value")
}

fn to_json(vars: &BTreeMap<String, String>) -> String {
    let quote = |s: &str| {
        let mut q = String::from('"');
        for c in s.chars() {
            match c {
                '"' => q.push_str("\\\""),
                '\\' => q.push_str("\\\\"),
                c if (c as u32) < 0x20 => q.push_str(&format!("\\u{:04x}", c as u32)),
                c => q.push(c),
            }
        }
        q.push('"');
        q
    };
    let body: Vec<String> = vars
        .iter()
        .map(|(k, v)| format!("{}: {}", quote(k), quote(v)))
        .collect();
    format!("{{{}}}", body.join(", "))
}

/// Goldens of one cluster: `DIR/<namespace>/<name>.yaml` (what `render flux
/// -o DIR` writes), or `.err` with the oracle's message when it fails.
pub struct Goldens {
    /// The directory.
    pub dir: PathBuf,
}

impl Goldens {
    /// The recorded outcomes, sorted by `ns/name`.
    pub fn read(&self) -> Vec<(String, Outcome)> {
        let mut found = Vec::new();
        let Ok(namespaces) = std::fs::read_dir(&self.dir) else {
            return found;
        };
        for ns in namespaces {
            let ns = ns.unwrap();
            if !ns.file_type().unwrap().is_dir() {
                continue;
            }
            for file in std::fs::read_dir(ns.path()).unwrap() {
                let path = file.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
                let id = format!("{}/{stem}", ns.file_name().to_string_lossy());
                match path.extension().and_then(|e| e.to_str()) {
                    Some("yaml") => found.push((id, Outcome::Output(text))),
                    Some("err") => found.push((id, Outcome::Error(text))),
                    _ => {}
                }
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
    }

    /// Replaces the goldens with `outcomes`.
    pub fn write(&self, outcomes: &[(String, Outcome)]) {
        let _ = std::fs::remove_dir_all(&self.dir);
        for (id, outcome) in outcomes {
            let (ns, name) = id.split_once('/').unwrap();
            let (ext, text) = match outcome {
                Outcome::Output(text) => ("yaml", text),
                Outcome::Error(text) => ("err", text),
            };
            let file = self.dir.join(ns).join(format!("{name}.{ext}"));
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
    }
}

/// `outcomes` sorted by `ns/name`, as [`Goldens::read`] returns them.
pub fn sorted(mut outcomes: Vec<(String, Outcome)>) -> Vec<(String, Outcome)> {
    outcomes.sort_by(|a, b| a.0.cmp(&b.0));
    outcomes
}
