//! Every profile of the example repository rendered as Flux would apply it,
//! against goldens built independently of krust's builder: `kubectl
//! kustomize` on each Kustomization's path (the profile directory for the
//! root), then the Kustomization's post-build substitution.
//!
//! `KRUST_BLESS=1` rewrites the goldens that way (kubectl required).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use krust::DiskFs;
use krust_flux::cluster::{render_cluster, Cluster, ClusterOptions, Source};
use krust_flux::envsubst::{substitute_resource, SubstituteOptions};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/gitops")
}

fn golden(profile: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/{profile}.yaml"))
}

/// The profile rendered, with the pinned infrastructure source mapped to
/// the example repository itself.
fn render(profile: &str) -> Cluster {
    let root = std::fs::canonicalize(example()).unwrap();
    let mut options = ClusterOptions {
        strict: true,
        ..Default::default()
    };
    options.sources.insert(
        "GitRepository/flux-system/infrastructure".into(),
        Source {
            fs: &DiskFs,
            root: root.clone(),
        },
    );
    let repo = Source { fs: &DiskFs, root };
    render_cluster(&repo, &format!("./profiles/{profile}"), &options).unwrap()
}

/// `dir` itself when it has a kustomization; otherwise a copy with the
/// kustomization kustomize-controller generates for a flat directory of
/// manifests (every `.yaml` file, by name).
fn generated(dir: &Path) -> PathBuf {
    if dir.join("kustomization.yaml").exists() {
        return dir.to_path_buf();
    }
    let copy = std::env::temp_dir().join(format!(
        "krust-flux-generated-{}-{}",
        std::process::id(),
        dir.file_name().unwrap().to_string_lossy()
    ));
    let _ = std::fs::remove_dir_all(&copy);
    std::fs::create_dir_all(&copy).unwrap();
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    files.sort();
    let mut kustomization = String::from("resources:\n");
    for file in &files {
        std::fs::copy(dir.join(file), copy.join(file)).unwrap();
        kustomization.push_str(&format!("- ./{file}\n"));
    }
    std::fs::write(copy.join("kustomization.yaml"), kustomization).unwrap();
    copy
}

/// The expected output for `cluster`'s Kustomizations, built with kubectl.
fn bless(cluster: &Cluster, profile: &str) {
    let root = example();
    let mut out = String::new();
    for rendered in &cluster.kustomizations {
        let path = generated(&root.join(rendered.ks.path.trim_start_matches("./")));
        let built = std::process::Command::new("kubectl")
            .args(["kustomize", "--load-restrictor", "LoadRestrictionsNone"])
            .arg(&path)
            .output()
            .expect("kubectl runs");
        assert!(
            built.status.success(),
            "kubectl kustomize {}",
            path.display()
        );
        let text = String::from_utf8(built.stdout).unwrap();
        let vars: BTreeMap<String, String> = rendered
            .ks
            .post_build
            .iter()
            .flat_map(|p| p.substitute.iter())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for doc in krust_yaml::load_documents(&text).unwrap() {
            let doc = substitute_resource(
                &doc,
                &vars,
                SubstituteOptions {
                    strict: true,
                    always: false,
                },
            )
            .unwrap()
            .unwrap_or(doc);
            if !out.is_empty() {
                out.push_str("---\n");
            }
            krust_yaml::emit_document(&doc, &mut out).unwrap();
        }
    }
    std::fs::create_dir_all(golden(profile).parent().unwrap()).unwrap();
    std::fs::write(golden(profile), out).unwrap();
}

#[test]
fn every_profile_renders_as_kubectl_plus_substitution() {
    for profile in ["dev", "staging", "production"] {
        let cluster = render(profile);
        let names: Vec<String> = cluster
            .kustomizations
            .iter()
            .map(|r| r.ks.name.clone())
            .collect();
        assert_eq!(
            names,
            ["flux-system", "infrastructure", "apps"],
            "{profile}"
        );
        assert!(cluster.warnings.is_empty(), "{:?}", cluster.warnings);
        if std::env::var_os("KRUST_BLESS").is_some() {
            bless(&cluster, profile);
        }
        let want = std::fs::read_to_string(golden(profile)).unwrap();
        let got = cluster.to_yaml().unwrap();
        assert!(
            got == want,
            "{profile}: render differs from {}",
            golden(profile).display()
        );
        assert!(!got.contains("${"), "{profile}: every variable substituted");
    }
}

#[test]
fn an_unmapped_source_is_skipped_with_a_warning() {
    let root = std::fs::canonicalize(example()).unwrap();
    let repo = Source { fs: &DiskFs, root };
    let cluster = render_cluster(&repo, "./profiles/dev", &ClusterOptions::default()).unwrap();
    assert_eq!(cluster.warnings.len(), 1, "{:?}", cluster.warnings);
    assert!(cluster.warnings[0].contains("GitRepository/flux-system/infrastructure"));
    let strict = ClusterOptions {
        strict_sources: true,
        ..Default::default()
    };
    let cluster = render_cluster(&repo, "./profiles/dev", &strict).unwrap();
    let errors: Vec<&str> = cluster.errors().collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("is not mapped"), "{errors:?}");
    assert!(
        cluster
            .kustomizations
            .iter()
            .any(|r| r.ks.name == "apps" && r.objects.is_some()),
        "the others still render"
    );
}
