//! Each obvious bad input fails with the kind a program would match on, and
//! names the file (and position, chain) a user has to fix.

use std::path::Path;

use krust::{build, BuildOptions, Error, ErrorKind, LoadRestrictor, MemFs};

const CONFIG_MAP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n";

fn fails(files: &[(&str, &str)], root: &str) -> Error {
    fails_with(files, root, &BuildOptions::default())
}

fn fails_with(files: &[(&str, &str)], root: &str, options: &BuildOptions) -> Error {
    let mut fs = MemFs::new();
    for (path, text) in files {
        fs.add_file(path, *text);
    }
    match build(&fs, Path::new(root), options) {
        Ok(map) => panic!("{root} built: {:?}", map.to_yaml()),
        Err(e) => e,
    }
}

#[test]
fn a_missing_resource_is_not_found_in_the_kustomization_naming_it() {
    let e = fails(
        &[("/app/kustomization.yaml", "resources: [gone.yaml]\n")],
        "/app",
    );
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert_eq!(e.file(), Some(Path::new("/app/kustomization.yaml")));
}

#[test]
fn a_directory_without_kustomization_is_not_found() {
    let mut fs = MemFs::new();
    fs.add_file("/app/cm.yaml", CONFIG_MAP);
    let e = build(&fs, Path::new("/app"), &BuildOptions::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
}

#[test]
fn a_missing_patch_file_is_not_found() {
    let e = fails(
        &[
            (
                "/app/kustomization.yaml",
                "resources: [cm.yaml]\npatches: [{path: gone.yaml}]\n",
            ),
            ("/app/cm.yaml", CONFIG_MAP),
        ],
        "/app",
    );
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    let io = std::error::Error::source(&e).expect("the read's own error");
    assert!(io.downcast_ref::<std::io::Error>().is_some(), "{io:?}");
}

#[test]
fn broken_yaml_has_a_position() {
    let e = fails(
        &[
            ("/app/kustomization.yaml", "resources: [cm.yaml]\n"),
            ("/app/cm.yaml", "apiVersion: v1\nkind: [ConfigMap\n"),
        ],
        "/app",
    );
    assert_eq!(e.kind(), ErrorKind::Yaml, "{e}");
    assert_eq!(e.file(), Some(Path::new("/app/cm.yaml")));
    let (line, _) = e.position().expect("a position");
    assert!(line >= 2, "{e}");
}

#[test]
fn two_resources_with_one_id_are_a_duplicate() {
    let e = fails(
        &[
            ("/app/kustomization.yaml", "resources: [a.yaml, b.yaml]\n"),
            ("/app/a.yaml", CONFIG_MAP),
            ("/app/b.yaml", CONFIG_MAP),
        ],
        "/app",
    );
    assert_eq!(e.kind(), ErrorKind::DuplicateId, "{e}");
    assert_eq!(e.file(), Some(Path::new("/app/b.yaml")));
}

#[test]
fn a_file_above_the_root_is_load_restricted_unless_allowed() {
    let files = [
        ("/repo/app/kustomization.yaml", "resources: [../cm.yaml]\n"),
        ("/repo/cm.yaml", CONFIG_MAP),
    ];
    let e = fails(&files, "/repo/app");
    assert_eq!(e.kind(), ErrorKind::LoadRestricted, "{e}");
    let mut fs = MemFs::new();
    for (path, text) in files {
        fs.add_file(path, text);
    }
    let open = BuildOptions::default().with_load_restrictor(LoadRestrictor::None);
    assert!(build(&fs, Path::new("/repo/app"), &open).is_ok());
}

#[test]
fn an_overlay_that_includes_itself_is_a_cycle_with_its_chain() {
    let e = fails(
        &[
            ("/repo/a/kustomization.yaml", "resources: [../b]\n"),
            ("/repo/b/kustomization.yaml", "resources: [../a]\n"),
        ],
        "/repo/a",
    );
    assert_eq!(e.kind(), ErrorKind::Cycle, "{e}");
    assert_eq!(
        e.chain(),
        [
            Path::new("/repo/a/kustomization.yaml"),
            Path::new("/repo/b/kustomization.yaml")
        ]
    );
}

#[test]
fn remote_bases_and_exec_plugins_are_unsupported() {
    let remote = fails(
        &[(
            "/app/kustomization.yaml",
            "resources: [https://github.com/example/repo//base?ref=v1]\n",
        )],
        "/app",
    );
    assert_eq!(remote.kind(), ErrorKind::Unsupported, "{remote}");
    let exec = fails(
        &[
            ("/app/kustomization.yaml", "transformers: [plugin.yaml]\n"),
            (
                "/app/plugin.yaml",
                "apiVersion: example.com/v1\nkind: Exec\nmetadata: {name: x}\n",
            ),
        ],
        "/app",
    );
    assert_eq!(exec.kind(), ErrorKind::Unsupported, "{exec}");
}

#[test]
fn an_unknown_field_is_an_invalid_kustomization_at_its_line() {
    let e = fails(
        &[(
            "/app/kustomization.yaml",
            "resources: []\nnamePrefx: dev-\n",
        )],
        "/app",
    );
    assert_eq!(e.kind(), ErrorKind::InvalidKustomization, "{e}");
    assert_eq!(e.position(), Some((2, 1)), "{e}");
}

#[test]
fn a_patch_without_target_is_a_patch_target_error() {
    let e = fails(
        &[
            (
                "/app/kustomization.yaml",
                "resources: [cm.yaml]\npatches: [{path: p.yaml}]\n",
            ),
            ("/app/cm.yaml", CONFIG_MAP),
            (
                "/app/p.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\ndata: {a: b}\n",
            ),
        ],
        "/app",
    );
    assert_eq!(e.kind(), ErrorKind::PatchTarget, "{e}");
}

#[test]
fn an_object_without_kind_is_an_invalid_resource() {
    let e = fails(
        &[
            ("/app/kustomization.yaml", "resources: [cm.yaml]\n"),
            ("/app/cm.yaml", "apiVersion: v1\nmetadata: {name: x}\n"),
        ],
        "/app",
    );
    assert_eq!(e.kind(), ErrorKind::InvalidResource, "{e}");
}

#[test]
fn an_unreadable_patch_is_an_invalid_patch() {
    let e = fails(
        &[
            (
                "/app/kustomization.yaml",
                "resources: [cm.yaml]\npatches: [{path: p.yaml}]\n",
            ),
            ("/app/cm.yaml", CONFIG_MAP),
            ("/app/p.yaml", "just text\n"),
        ],
        "/app",
    );
    assert_eq!(e.kind(), ErrorKind::InvalidPatch, "{e}");
}

#[test]
fn errors_keep_their_one_line_display() {
    let e = fails(
        &[("/app/kustomization.yaml", "resources: [gone.yaml]\n")],
        "/app",
    );
    let shown = e.to_string();
    assert!(shown.starts_with("/app/kustomization.yaml: "), "{shown}");
    assert!(!shown.contains('\n'), "{shown}");
    assert!(shown.ends_with(e.message()), "{shown}");
}
