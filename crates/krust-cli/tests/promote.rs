//! `render promote` on a small staging/production tree copied into a
//! temporary directory: the copy, the kustomization edit byte for byte, the
//! render diff, `--dry-run`, and the errors.

use std::path::{Path, PathBuf};

mod common;

use common::render;

fn write(dir: &Path, path: &str, content: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn read(dir: &Path, path: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(path)).ok()
}

fn deployment_patch(image: &str) -> String {
    format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n      - name: api\n        image: {image}\n")
}

const PRODUCTION: &str = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop-production\n# Production adopts apps one by one.\nresources:\n  - ../../base/api\npatches:\n  # Production's own limits.\n  - path: api/_resources.yaml\n# Keep this comment.\ncommonAnnotations:\n  tier: \"1\"\n";

/// A base with one app and two overlays: staging carries a newer image and
/// an environment-static patch; production lists only its static patch.
fn fixture(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("krust-promote-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    write(
        &dir,
        "apps/base/api/kustomization.yaml",
        "resources:\n- deployment.yaml\n",
    );
    write(
        &dir,
        "apps/base/api/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: api\n        image: shop-api:1.0.0\n",
    );
    write(
        &dir,
        "apps/overlays/staging/kustomization.yaml",
        "resources:\n- ../../base/api\npatches:\n- path: api/version.yaml\n- path: api/_debug.yaml\n",
    );
    write(
        &dir,
        "apps/overlays/staging/api/version.yaml",
        &deployment_patch("shop-api:1.1.0"),
    );
    write(
        &dir,
        "apps/overlays/staging/api/_debug.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 7\n",
    );
    write(
        &dir,
        "apps/overlays/production/kustomization.yaml",
        PRODUCTION,
    );
    write(
        &dir,
        "apps/overlays/production/api/_resources.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n",
    );
    dir
}

const PROMOTE: [&str; 5] = [
    "promote",
    "apps/overlays/staging",
    "apps/overlays/production",
    "api",
    "--format=text",
];

#[test]
fn promote_copies_the_patch_lists_it_and_shows_the_diff() {
    let dir = fixture("apply");
    let out = render(&PROMOTE, &dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        read(&dir, "apps/overlays/production/api/version.yaml").as_deref(),
        Some(deployment_patch("shop-api:1.1.0").as_str())
    );
    assert_eq!(
        read(&dir, "apps/overlays/production/kustomization.yaml").unwrap(),
        PRODUCTION.replace(
            "  - path: api/_resources.yaml\n",
            "  - path: api/_resources.yaml\n  - path: api/version.yaml\n"
        )
    );
    // The environment-static patch stays in staging.
    assert_eq!(read(&dir, "apps/overlays/production/api/_debug.yaml"), None);
    assert!(stdout.contains(
        "copied apps/overlays/staging/api/version.yaml -> apps/overlays/production/api/version.yaml\n"
    ), "{stdout}");
    assert!(
        stdout.contains(
            "added patches entry api/version.yaml to apps/overlays/production/kustomization.yaml\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("-      - image: shop-api:1.0.0"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+      - image: shop-api:1.1.0"),
        "{stdout}"
    );
    assert!(!stdout.contains("_debug"), "{stdout}");

    // Promoting again changes nothing and still succeeds.
    let again = render(&PROMOTE, &dir);
    assert!(again.status.success());
    let again = String::from_utf8_lossy(&again.stdout);
    assert!(again.contains("nothing to promote"), "{again}");
    assert!(!again.contains("image:"), "{again}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn dry_run_writes_nothing_and_prints_the_same_output() {
    let (dry, real) = (fixture("dry"), fixture("real"));
    let mut args = PROMOTE.to_vec();
    args.push("--dry-run");
    let out = render(&args, &dry);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        read(&dry, "apps/overlays/production/api/version.yaml"),
        None
    );
    assert_eq!(
        read(&dry, "apps/overlays/production/kustomization.yaml").as_deref(),
        Some(PRODUCTION)
    );
    let written = render(&PROMOTE, &real);
    assert!(written.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("+      - image: shop-api:1.1.0"));
    assert_eq!(out.stdout, written.stdout);
    for dir in [dry, real] {
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn unknown_app_exits_2_naming_it_and_writes_nothing() {
    let dir = fixture("unknown");
    let out = render(
        &[
            "promote",
            "apps/overlays/staging",
            "apps/overlays/production",
            "checkout",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("app `checkout`"), "{stderr}");
    assert_eq!(
        read(&dir, "apps/overlays/production/kustomization.yaml").as_deref(),
        Some(PRODUCTION)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn flow_style_patches_are_refused_with_exit_2() {
    let dir = fixture("flow");
    let flow = "resources: [../../base/api]\npatches: [{path: api/_resources.yaml}]\n";
    write(&dir, "apps/overlays/production/kustomization.yaml", flow);
    let out = render(&PROMOTE, &dir);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not a block list"), "{stderr}");
    assert_eq!(
        read(&dir, "apps/overlays/production/kustomization.yaml").as_deref(),
        Some(flow)
    );
    assert_eq!(
        read(&dir, "apps/overlays/production/api/version.yaml"),
        None
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
