//! What a Flux cluster or profile gets, compared between two revisions per
//! Flux Kustomization (`render diff --base REV --flux DIR`).

use std::collections::BTreeMap;
use std::path::Path;

use krust_diff::RepoDiff;
use krust_flux::cluster::{render_cluster, Cluster, ClusterOptions, Source};

/// What the cluster in `dir` gets at two revisions, compared per Flux
/// Kustomization (`repo` is the repository root on both filesystems). A side
/// that cannot be rendered shows as that cluster failing; the clusters'
/// warnings come back beside the comparison.
pub fn diff_clusters(
    old: (&dyn krust::FileSystem, &str),
    new: (&dyn krust::FileSystem, &str),
    repo: &Path,
    dir: &Path,
    kustomize_version: krust::KustomizeVersion,
    helm: Option<&krust_flux::helm::HelmOptions>,
    compare: &krust_diff::DiffOptions,
) -> (RepoDiff, Vec<String>) {
    let rel = format!("./{}", dir.display());
    let rel = rel.trim_end_matches('/').to_owned();
    let render_side = |(fs, label): (&dyn krust::FileSystem, &str)| {
        let source = Source {
            fs,
            root: repo.to_path_buf(),
        };
        // Flux 2.8's default: unset variables become empty.
        let options = ClusterOptions {
            strict: false,
            kustomize_version,
            ..Default::default()
        };
        let mut cluster = render_cluster(&source, &rel, &options)
            .map_err(|e| format!("{} ({label}): {e}", dir.display()))?;
        if let Some(helm) = helm {
            krust_flux::helm::render_available(&mut cluster, &source, &options, helm);
        }
        Ok(cluster)
    };
    let (old_cluster, new_cluster) = rayon::join(|| render_side(old), || render_side(new));
    let (old_cluster, new_cluster) = match (old_cluster, new_cluster) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            let side = |r: Result<Cluster, String>| Some(r.map(|_| krust_diff::Render::default()));
            let root = krust_diff::diff_root(dir.display().to_string(), side(o), side(n), compare);
            return (RepoDiff::new(vec![root]), Vec::new());
        }
    };
    let warnings = old_cluster
        .warnings
        .iter()
        .chain(&new_cluster.warnings)
        .cloned()
        .collect();
    let by_id = |cluster: Cluster, label: &str| -> BTreeMap<String, krust_diff::RootSide> {
        // Kustomizations by `namespace/name`, HelmReleases by `HelmRelease namespace/name`.
        let kustomizations = cluster
            .kustomizations
            .into_iter()
            .map(|r| (r.ks.id().to_string(), r.objects, r.error));
        let releases = cluster.releases.into_iter().map(|r| {
            let id = format!("HelmRelease {}", r.release.id());
            (id, r.objects, r.error)
        });
        kustomizations
            .chain(releases)
            .filter_map(|(id, objects, error)| {
                let render = match (objects, error) {
                    (_, Some(error)) => Err(error.to_string()),
                    (Some(objects), None) => {
                        krust_diff::Render::from_values(format!("{id} ({label})"), objects)
                            .map_err(|e| e.to_string())
                    }
                    // Skipped (suspended, or its source is not mapped): a warning says so.
                    (None, None) => return None,
                };
                Some((id, Some(render)))
            })
            .collect()
    };
    let mut old_map = by_id(old_cluster, old.1);
    let mut new_map = by_id(new_cluster, new.1);
    let ids: std::collections::BTreeSet<String> =
        old_map.keys().chain(new_map.keys()).cloned().collect();
    let inputs = ids
        .into_iter()
        .map(|id| krust_diff::RootInput {
            root: format!("{} {id}", dir.display()),
            old: old_map.remove(&id).flatten(),
            new: new_map.remove(&id).flatten(),
        })
        .collect();
    (krust_diff::diff_repo(inputs, compare), warnings)
}

/// One Flux Kustomization a change can reach, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffectedKustomization {
    /// The cluster or profile directory, as given.
    pub cluster: String,
    /// `namespace/name` of the Flux Kustomization.
    pub id: String,
    /// Why: `added`, `removed`, `spec` (its own object changed), `path`
    /// (a file its build reads changed) or `substitution` (a ConfigMap or
    /// Secret it substitutes from changed).
    pub reason: &'static str,
}

/// The Flux Kustomizations of the cluster in `dir` (relative to `repo`, the
/// repository root on both filesystems) that the change from `old` to
/// `new`, whose files differ at `changed`, can reach: their object, the
/// files their path's build reads, or the objects they substitute from.
pub fn affected_kustomizations(
    old: &dyn krust::FileSystem,
    new: &dyn krust::FileSystem,
    repo: &Path,
    dir: &Path,
    changed: &[std::path::PathBuf],
    kustomize_version: krust::KustomizeVersion,
) -> Vec<AffectedKustomization> {
    let rel = format!("./{}", dir.display());
    let rel = rel.trim_end_matches('/').to_owned();
    let render_side = |fs: &dyn krust::FileSystem| {
        let source = Source {
            fs,
            root: repo.to_path_buf(),
        };
        let options = ClusterOptions {
            kustomize_version,
            ..Default::default()
        };
        render_cluster(&source, &rel, &options).ok()
    };
    let (before, after) = rayon::join(|| render_side(old), || render_side(new));
    let index =
        |cluster: &Option<Cluster>| -> BTreeMap<String, krust_flux::model::FluxKustomization> {
            cluster
                .iter()
                .flat_map(|c| &c.kustomizations)
                .map(|r| (r.ks.id().to_string(), r.ks.clone()))
                .collect()
        };
    let (old_ks, new_ks) = (index(&before), index(&after));
    let objects =
        |cluster: &Option<Cluster>| -> BTreeMap<(String, String, String), krust_yaml::Value> {
            cluster
                .iter()
                .flat_map(|c| &c.kustomizations)
                .flat_map(|r| r.objects.iter().flatten())
                .map(|o| {
                    let text = |p: &[&str]| o.str_at(p).unwrap_or_default().to_owned();
                    let key = (
                        text(&["kind"]),
                        text(&["metadata", "namespace"]),
                        text(&["metadata", "name"]),
                    );
                    (key, o.clone())
                })
                .collect()
        };
    let (old_objects, new_objects) = (objects(&before), objects(&after));
    let reads = |fs: &dyn krust::FileSystem, ks: &krust_flux::model::FluxKustomization| {
        krust::inputs(fs, &krust_flux::build::resolve_path(repo, &ks.path)).ok()
    };
    let ids: std::collections::BTreeSet<&String> = old_ks.keys().chain(new_ks.keys()).collect();
    let mut out = Vec::new();
    for id in ids {
        let reason = match (old_ks.get(id), new_ks.get(id)) {
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            (Some(a), Some(b)) if a != b => "spec",
            (Some(a), Some(b)) => {
                let hit =
                    |fs, ks| reads(fs, ks).is_none_or(|i| changed.iter().any(|p| i.affected_by(p)));
                let substituted = b
                    .post_build
                    .iter()
                    .flat_map(|p| &p.substitute_from)
                    .any(|s| {
                        let key = (s.kind.clone(), b.namespace.clone(), s.name.clone());
                        old_objects.get(&key) != new_objects.get(&key)
                    });
                if hit(old, a) || hit(new, b) {
                    "path"
                } else if substituted {
                    "substitution"
                } else {
                    continue;
                }
            }
            (None, None) => continue,
        };
        out.push(AffectedKustomization {
            cluster: dir.display().to_string(),
            id: id.clone(),
            reason,
        });
    }
    out
}
