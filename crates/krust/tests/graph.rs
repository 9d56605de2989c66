//! The build graph: shared bases are built once and reused, and every root
//! renders exactly as it does alone, whatever the thread count.

use std::path::PathBuf;

use krust::{build, BuildOptions, Graph, MemFs};

/// `base/app{0..apps}` (a Deployment and a generated ConfigMap each), a
/// component with a patch file, and `overlays/env{0..envs}` over all of them.
fn monorepo(apps: usize, envs: usize) -> (MemFs, Vec<PathBuf>) {
    let mut fs = MemFs::new();
    for a in 0..apps {
        fs.add_file(
            format!("/repo/base/app{a}/kustomization.yaml"),
            format!(
                "resources: [deployment.yaml]\n\
                 labels:\n- pairs: {{app: app{a}}}\n  includeSelectors: true\n\
                 configMapGenerator:\n- name: app{a}-env\n  literals: [A=1]\n"
            ),
        );
        fs.add_file(
            format!("/repo/base/app{a}/deployment.yaml"),
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{a}\n\
                 spec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: app{a}:1\n        envFrom:\n        - configMapRef: {{name: app{a}-env}}\n"
            ),
        );
    }
    fs.add_file(
        "/repo/components/shared-config/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [settings.yaml]\ncommonAnnotations: {team: platform}\n\
         patches:\n- path: debug.yaml\n  target: {kind: Deployment}\n",
    );
    fs.add_file(
        "/repo/components/shared-config/debug.yaml",
        "- op: add\n  path: /metadata/labels/debug\n  value: \"on\"\n",
    );
    fs.add_file(
        "/repo/components/shared-config/settings.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n",
    );
    let mut roots = Vec::new();
    for e in 0..envs {
        let bases: String = (0..apps)
            .map(|a| format!("- ../../base/app{a}\n"))
            .collect();
        fs.add_file(
            format!("/repo/overlays/env{e}/kustomization.yaml"),
            format!(
                "namespace: env{e}\nnamePrefix: e{e}-\nresources:\n{bases}\
                 components: [../../components/shared-config]\n\
                 images: [{{name: app0, newTag: \"{e}\"}}]\n"
            ),
        );
        roots.push(PathBuf::from(format!("/repo/overlays/env{e}")));
    }
    (fs, roots)
}

fn yaml(result: &krust::Result<krust::ResMap>) -> String {
    result.as_ref().unwrap().to_yaml().unwrap()
}

#[test]
fn a_base_used_by_every_overlay_is_built_once() {
    let (fs, roots) = monorepo(5, 6);
    let graph = Graph::new(&fs, BuildOptions::default());
    let built = graph.build_all(&roots);
    for (root, result) in roots.iter().zip(&built) {
        let alone = build(&fs, root, &BuildOptions::default());
        assert_eq!(yaml(result), yaml(&alone), "{}", root.display());
    }
    let stats = graph.stats();
    assert_eq!(
        stats.kustomizations_built,
        6 + 5,
        "each root, and each base once"
    );
    assert_eq!(stats.kustomizations_reused, 6 * 5);
    // Every file is parsed once, ahead of the builds: the bases' (each used
    // once) and the component's (used by every overlay).
    assert_eq!(stats.files_parsed, 5 + 1, "{stats:?}");
    assert_eq!(stats.files_reused, 5 + 6, "{stats:?}");
}

#[test]
fn output_does_not_depend_on_the_thread_count() {
    let (fs, roots) = monorepo(8, 4);
    let render_with = |threads: usize| -> Vec<String> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let graph = Graph::new(&fs, BuildOptions::default());
            graph.build_all(&roots).iter().map(yaml).collect()
        })
    };
    let one = render_with(1);
    assert_eq!(one, render_with(2));
    assert_eq!(one, render_with(7));
}

#[test]
fn building_without_preparing_reuses_nothing_and_agrees() {
    let (fs, roots) = monorepo(3, 2);
    let graph = Graph::new(&fs, BuildOptions::default());
    for root in &roots {
        assert_eq!(
            yaml(&graph.build(root)),
            yaml(&build(&fs, root, &BuildOptions::default()))
        );
    }
    assert_eq!(graph.stats().kustomizations_reused, 0);
}

#[test]
fn a_failing_root_leaves_the_others_and_the_shared_bases_intact() {
    let (mut fs, mut roots) = monorepo(3, 2);
    fs.add_file(
        "/repo/overlays/broken/kustomization.yaml",
        "resources: [../../base/app0, missing.yaml]\n",
    );
    roots.insert(1, PathBuf::from("/repo/overlays/broken"));
    let graph = Graph::new(&fs, BuildOptions::default());
    let built = graph.build_all(&roots);
    let err = built[1].as_ref().unwrap_err().to_string();
    assert!(err.contains("missing.yaml"), "{err}");
    for i in [0, 2] {
        assert_eq!(
            yaml(&built[i]),
            yaml(&build(&fs, &roots[i], &BuildOptions::default()))
        );
    }
}

#[test]
fn origins_are_recorded_per_root_even_for_shared_bases() {
    let (mut fs, mut roots) = monorepo(2, 1);
    fs.add_file(
        "/repo/overlays/traced/kustomization.yaml",
        "buildMetadata: [originAnnotations]\nresources: [../../base/app0, ../../base/app1]\n",
    );
    roots.push(PathBuf::from("/repo/overlays/traced"));
    let graph = Graph::new(&fs, BuildOptions::default());
    let built = graph.build_all(&roots);
    let traced = yaml(&built[1]);
    assert!(
        traced.contains("path: ../../base/app0/deployment.yaml"),
        "{traced}"
    );
    assert_eq!(
        traced,
        yaml(&build(&fs, &roots[1], &BuildOptions::default()))
    );
}

#[test]
fn a_base_that_sets_a_schema_is_built_in_each_context() {
    let (mut fs, _) = monorepo(1, 0);
    fs.add_file(
        "/repo/schema/kustomization.yaml",
        "openapi: {version: v1.21.2}\nresources: [../base/app0]\n",
    );
    for env in ["a", "b"] {
        fs.add_file(
            format!("/repo/{env}/kustomization.yaml"),
            format!("namePrefix: {env}-\nresources: [../schema]\n"),
        );
    }
    let roots = vec![PathBuf::from("/repo/a"), PathBuf::from("/repo/b")];
    let graph = Graph::new(&fs, BuildOptions::default());
    let built = graph.build_all(&roots);
    for (root, result) in roots.iter().zip(&built) {
        assert_eq!(
            yaml(result),
            yaml(&build(&fs, root, &BuildOptions::default()))
        );
    }
    assert!(
        graph.stats().kustomizations_reused <= 1,
        "only app0 may be reused, never the schema-setting base: {:?}",
        graph.stats()
    );
}

/// A filesystem that records every file read.
struct Recording {
    inner: MemFs,
    reads: std::sync::Mutex<Vec<PathBuf>>,
}

impl krust::FileSystem for Recording {
    fn read(&self, path: &std::path::Path) -> std::io::Result<Vec<u8>> {
        self.reads.lock().unwrap().push(path.to_path_buf());
        self.inner.read(path)
    }
    fn kind(&self, path: &std::path::Path) -> Option<krust::FileKind> {
        self.inner.kind(path)
    }
    fn canonicalize(&self, path: &std::path::Path) -> std::io::Result<PathBuf> {
        self.inner.canonicalize(path)
    }
}

#[test]
fn every_input_is_read_once_per_graph() {
    let (fs, roots) = monorepo(4, 3);
    let fs = Recording {
        inner: fs,
        reads: Default::default(),
    };
    let graph = Graph::new(&fs, BuildOptions::default());
    assert!(graph.build_all(&roots).iter().all(|r| r.is_ok()));
    let mut reads = fs.reads.into_inner().unwrap();
    let total = reads.len();
    reads.sort();
    let twice: Vec<_> = reads.windows(2).filter(|w| w[0] == w[1]).collect();
    assert!(twice.is_empty(), "read more than once: {twice:?}");
    // 3 overlays, 4 bases (kustomization and deployment), the component's three files.
    assert_eq!(total, 3 + 4 * 2 + 3);
}

#[test]
fn reading_ahead_respects_the_load_restrictions() {
    let mut fs = MemFs::new();
    fs.add_file(
        "/repo/secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n",
    );
    fs.add_file(
        "/repo/app/kustomization.yaml",
        "resources: [../secret.yaml]\n",
    );
    let fs = Recording {
        inner: fs,
        reads: Default::default(),
    };
    let graph = Graph::new(&fs, BuildOptions::default());
    let err = graph.build_all(&[PathBuf::from("/repo/app")])[0]
        .as_ref()
        .unwrap_err()
        .to_string();
    assert!(err.contains("secret.yaml"), "{err}");
    let reads = fs.reads.into_inner().unwrap();
    assert!(
        !reads.contains(&PathBuf::from("/repo/secret.yaml")),
        "{reads:?}"
    );
}
