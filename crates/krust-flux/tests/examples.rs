//! The example repository's profiles: how their sources are mapped. What
//! each profile renders is compared with the Flux oracle's goldens in
//! `goldens.rs`.

use std::path::{Path, PathBuf};

use krust::DiskFs;
use krust_flux::cluster::{render_cluster, ClusterOptions, Source};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/gitops")
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
    let errors: Vec<String> = cluster.errors().map(ToString::to_string).collect();
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
