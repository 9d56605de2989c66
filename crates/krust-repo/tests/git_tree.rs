//! Reading git revisions without a checkout, against fixture repositories
//! built with the `git` command line in temporary directories.
//!
//! Every test skips (with a message) where `git` is not installed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use krust::{FileKind, FileSystem, MemFs};
use krust_repo::git::{
    path_in_tree, repository_top, revision_fs, EntryKind, GitErrorKind, RevisionTree, TreeFilter,
};

/// A repository in a fresh temporary directory, removed on drop.
struct Fixture {
    /// The work tree, with symlinks resolved (as git reports it).
    top: PathBuf,
    /// The empty file standing in for the user's global git configuration.
    config: PathBuf,
}

impl Fixture {
    /// A new empty repository, or `None` (after saying why) without git.
    fn new(name: &str) -> Option<Fixture> {
        if !krust_suite::tools::git() {
            return None;
        }
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let unique = COUNT.fetch_add(1, Ordering::Relaxed);
        let base =
            std::env::temp_dir().join(format!("krust-git-{name}-{}-{unique}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("repo")).unwrap();
        let base = base.canonicalize().unwrap();
        let config = base.join("gitconfig");
        std::fs::write(&config, "").unwrap();
        let fixture = Fixture {
            top: base.join("repo"),
            config,
        };
        fixture.git(&["-c", "init.defaultBranch=main", "init", "-q"]);
        Some(fixture)
    }

    /// Runs git in the work tree, isolated from the user's configuration;
    /// its stdout.
    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.top)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", &self.config)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn write(&self, path: &str, content: impl AsRef<[u8]>) {
        let path = self.top.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    fn remove(&self, path: &str) {
        std::fs::remove_file(self.top.join(path)).unwrap();
    }

    #[cfg(unix)]
    fn symlink(&self, path: &str, target: &str) {
        let path = self.top.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, path).unwrap();
    }

    /// Stages everything and commits it.
    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
            "commit",
            "-q",
            "-m",
            message,
        ]);
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Some(base) = self.top.parent() {
            let _ = std::fs::remove_dir_all(base);
        }
    }
}

fn read(fs: &MemFs, path: &Path) -> Vec<u8> {
    fs.read(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file below `dir` on disk (skipping `.git`), with its content.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if entry.file_name() == ".git" {
                continue;
            }
            if kind.is_dir() {
                walk(&entry.path(), out);
            } else if kind.is_file() {
                out.insert(entry.path(), std::fs::read(entry.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, &mut out);
    out
}

/// A base, a component and two overlays, with a generated ConfigMap read
/// from a file whose name has a space.
fn write_kustomizations(fx: &Fixture) {
    fx.write(
        "apps/base/kustomization.yaml",
        "resources:\n- deployment.yaml\n- service.yaml\n\
         configMapGenerator:\n- name: app-files\n  files:\n  - settings.properties=conf/app settings.properties\n",
    );
    fx.write(
        "apps/base/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  replicas: 1\n  \
         template:\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.25\n",
    );
    fx.write(
        "apps/base/service.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: app\nspec:\n  ports:\n  - port: 80\n",
    );
    fx.write("apps/base/conf/app settings.properties", "level=info\n");
    fx.write(
        "apps/components/debug/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n\
         commonAnnotations:\n  debug: \"true\"\n",
    );
    fx.write(
        "apps/overlays/dev/kustomization.yaml",
        "resources:\n- ../../base\ncomponents:\n- ../../components/debug\nnamePrefix: dev-\n",
    );
    fx.write(
        "apps/overlays/prod/kustomization.yaml",
        "resources:\n- ../../base\nnamePrefix: prod-\npatches:\n- path: replicas.yaml\n",
    );
    fx.write(
        "apps/overlays/prod/replicas.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  replicas: 3\n",
    );
    fx.write(
        "vendor/lib/kustomization.yaml",
        "resources: []\n# vendored, never a root\n",
    );
}

/// The second commit: a new image, more replicas, a new resource, one less
/// setting file line and a deleted service.
fn change_kustomizations(fx: &Fixture) {
    fx.write(
        "apps/base/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  replicas: 1\n  \
         template:\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n",
    );
    fx.write(
        "apps/overlays/prod/replicas.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  replicas: 5\n",
    );
    fx.write(
        "apps/base/kustomization.yaml",
        "resources:\n- deployment.yaml\n- account.yaml\n\
         configMapGenerator:\n- name: app-files\n  files:\n  - settings.properties=conf/app settings.properties\n",
    );
    fx.write(
        "apps/base/account.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n",
    );
    fx.remove("apps/base/service.yaml");
    fx.write("apps/base/conf/app settings.properties", "level=debug\n");
}

/// Each root's render as YAML, or its error message.
fn render_all(fs: &dyn FileSystem, roots: &[PathBuf]) -> Vec<String> {
    roots
        .iter()
        .map(|root| match krust::build(fs, root, &Default::default()) {
            Ok(resources) => resources.to_yaml().unwrap(),
            Err(e) => format!("error: {e}"),
        })
        .collect()
}

#[test]
fn revisions_are_read_without_touching_the_working_tree() {
    let Some(fx) = Fixture::new("untouched") else {
        return;
    };
    write_kustomizations(&fx);
    fx.commit("first");
    change_kustomizations(&fx);
    fx.commit("second");
    // Uncommitted work the reads must neither see nor disturb.
    fx.write("apps/overlays/prod/replicas.yaml", "dirty: true\n");
    fx.write("untracked.yaml", "new: file\n");
    let status = fx.git(&["status", "--porcelain"]);
    let before = snapshot(&fx.top);

    let top = repository_top(&fx.top).unwrap();
    assert_eq!(top, fx.top);
    let old = revision_fs(&top, "HEAD~1", &top).unwrap();
    let new = revision_fs(&top, "HEAD", &top).unwrap();
    let at = |p: &str| top.join(p);

    let replicas = at("apps/overlays/prod/replicas.yaml");
    assert!(String::from_utf8(read(&old, &replicas))
        .unwrap()
        .contains("replicas: 3"));
    assert!(String::from_utf8(read(&new, &replicas))
        .unwrap()
        .contains("replicas: 5"));
    assert_eq!(
        old.kind(&at("apps/base/service.yaml")),
        Some(FileKind::File)
    );
    assert_eq!(new.kind(&at("apps/base/service.yaml")), None);
    assert_eq!(old.kind(&at("apps/base/account.yaml")), None);
    assert_eq!(
        new.kind(&at("apps/base/account.yaml")),
        Some(FileKind::File)
    );
    assert_eq!(new.kind(&at("untracked.yaml")), None);
    assert_eq!(new.kind(&at("apps/overlays")), Some(FileKind::Dir));
    assert_eq!(new.kind(&top), Some(FileKind::Dir));

    assert_eq!(snapshot(&fx.top), before);
    assert_eq!(fx.git(&["status", "--porcelain"]), status);
}

#[test]
fn a_revision_renders_like_its_checkout() {
    let Some(fx) = Fixture::new("render") else {
        return;
    };
    write_kustomizations(&fx);
    fx.commit("first");
    let roots = krust::discover_roots(&fx.top, false).unwrap();
    assert_eq!(
        roots,
        [
            fx.top.join("apps/overlays/dev"),
            fx.top.join("apps/overlays/prod")
        ]
    );
    // The checkout of each revision is the working tree right after its commit.
    let first_on_disk = render_all(&krust::DiskFs, &roots);
    change_kustomizations(&fx);
    fx.commit("second");
    let second_on_disk = render_all(&krust::DiskFs, &roots);
    assert_ne!(first_on_disk, second_on_disk);
    for render in first_on_disk.iter().chain(&second_on_disk) {
        assert!(!render.starts_with("error"), "{render}");
    }

    for (rev, on_disk) in [("HEAD~1", &first_on_disk), ("HEAD", &second_on_disk)] {
        let fs = revision_fs(&fx.top, rev, &fx.top).unwrap();
        assert_eq!(&render_all(&fs, &roots), on_disk, "{rev}");
        // A graph over the revision's own kustomizations agrees too.
        let tree = RevisionTree::open(&fx.top, rev).unwrap();
        let dirs = tree.kustomization_dirs(&fx.top);
        let graph = krust::Graph::new(&fs, Default::default());
        let built = graph.build_all(&dirs);
        for (root, expected) in roots.iter().zip(on_disk.iter()) {
            let i = dirs.iter().position(|d| d == root).unwrap();
            let yaml = built[i].as_ref().unwrap().to_yaml().unwrap();
            assert_eq!(&yaml, expected, "{rev} {}", root.display());
        }
    }

    // Mounted at a separate checkout of the first revision, it renders like that checkout.
    let other = fx.top.with_file_name("first-checkout");
    fx.git(&[
        "worktree",
        "add",
        "-q",
        "--detach",
        other.to_str().unwrap(),
        "HEAD~1",
    ]);
    let other_roots: Vec<PathBuf> = ["apps/overlays/dev", "apps/overlays/prod"]
        .iter()
        .map(|r| other.join(r))
        .collect();
    let fs = revision_fs(&fx.top, "HEAD~1", &other).unwrap();
    assert_eq!(
        render_all(&fs, &other_roots),
        render_all(&krust::DiskFs, &other_roots)
    );
    assert_eq!(render_all(&fs, &other_roots), first_on_disk);
}

#[test]
fn kustomization_dirs_are_the_candidates_discover_roots_sees() {
    let Some(fx) = Fixture::new("dirs") else {
        return;
    };
    write_kustomizations(&fx);
    fx.write("Kustomization", "resources: [apps/overlays/dev]\n");
    fx.write("other/kustomization.yml", "resources: []\n");
    fx.commit("first");
    let mount = Path::new("/mnt/repo");
    let dirs = RevisionTree::open(&fx.top, "main")
        .unwrap()
        .kustomization_dirs(mount);
    let expected: Vec<PathBuf> = [
        "",
        "apps/base",
        "apps/components/debug",
        "apps/overlays/dev",
        "apps/overlays/prod",
        "other",
    ]
    .iter()
    .map(|d| krust::normalize(&mount.join(d)))
    .collect();
    assert_eq!(dirs, expected);
    // On disk, every candidate but the Component is a root when bases count.
    let on_disk: Vec<PathBuf> = krust::discover_roots(&fx.top, true)
        .unwrap()
        .iter()
        .map(|r| mount.join(path_in_tree(&fx.top, r).unwrap()))
        .map(|r| krust::normalize(&r))
        .collect();
    let mut candidates = dirs.clone();
    candidates.retain(|d| !d.ends_with("components/debug"));
    assert_eq!(on_disk, candidates);
}

#[test]
fn odd_names_and_binary_contents_survive() {
    let Some(fx) = Fixture::new("names") else {
        return;
    };
    let binary: Vec<u8> = (0..=255u8).chain(*b"\r\n\0\n").collect();
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("with space.yaml", b"a: 1\n".to_vec()),
        ("new\nline.txt", b"line\n".to_vec()),
        ("tab\there", b"tab\n".to_vec()),
        ("quote\"and\\backslash", b"q\n".to_vec()),
        ("ünïcödé/名前.yaml", "name: 名前\n".as_bytes().to_vec()),
        ("deep/er/empty", Vec::new()),
        ("bin/blob.bin", binary),
        ("no-newline-at-end", b"x".to_vec()),
    ];
    for (name, content) in &files {
        fx.write(name, content);
    }
    fx.commit("odd names");
    let fs = revision_fs(&fx.top, "HEAD", &fx.top).unwrap();
    for (name, content) in &files {
        assert_eq!(&read(&fs, &fx.top.join(name)), content, "{name:?}");
    }
    let tree = RevisionTree::open(&fx.top, "HEAD").unwrap();
    assert_eq!(tree.entries().len(), files.len());
    assert_eq!(tree.commit(), fx.git(&["rev-parse", "HEAD"]).trim());
    assert_eq!(tree.rev(), "HEAD");
}

#[cfg(unix)]
#[test]
fn symlinks_to_files_are_read_as_their_targets() {
    let Some(fx) = Fixture::new("links") else {
        return;
    };
    fx.write("outside.yaml", "outside\n");
    fx.write(
        "base/data/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
    );
    fx.write("base/kustomization.yaml", "resources:\n- linked.yaml\n");
    fx.symlink("base/linked.yaml", "data/cm.yaml");
    fx.symlink("a/up.yaml", "../base/data/cm.yaml");
    fx.symlink("a/chain.yaml", "up.yaml");
    fx.symlink("a/chain2.yaml", "./chain.yaml");
    fx.symlink("a/loop1", "loop2");
    fx.symlink("a/loop2", "loop1");
    fx.symlink("a/dangling.yaml", "nothing-here.yaml");
    fx.symlink("a/dir-link", "../base/data");
    fx.symlink(
        "a/absolute.yaml",
        fx.top.join("outside.yaml").to_str().unwrap(),
    );
    fx.symlink("a/escape.yaml", "../../outside.yaml");
    fx.commit("links");

    let fs = revision_fs(&fx.top, "HEAD", &fx.top).unwrap();
    let cm = std::fs::read(fx.top.join("base/data/cm.yaml")).unwrap();
    for link in [
        "base/linked.yaml",
        "a/up.yaml",
        "a/chain.yaml",
        "a/chain2.yaml",
    ] {
        assert_eq!(read(&fs, &fx.top.join(link)), cm, "{link}");
    }
    for skipped in [
        "a/loop1",
        "a/loop2",
        "a/dangling.yaml",
        "a/dir-link",
        "a/absolute.yaml",
        "a/escape.yaml",
    ] {
        assert_eq!(fs.kind(&fx.top.join(skipped)), None, "{skipped}");
    }
    let root = [fx.top.join("base")];
    let rendered = render_all(&fs, &root);
    assert!(rendered[0].contains("name: cm"), "{rendered:?}");
    assert_eq!(rendered, render_all(&krust::DiskFs, &root));
}

#[cfg(unix)]
#[test]
fn a_filter_reads_only_the_directories_asked_for() {
    let Some(fx) = Fixture::new("filter") else {
        return;
    };
    write_kustomizations(&fx);
    fx.symlink(
        "apps/overlays/prod/base-deployment.yaml",
        "../../base/deployment.yaml",
    );
    fx.commit("first");
    let tree = RevisionTree::open(&fx.top, "HEAD").unwrap();
    let filter = TreeFilter::under([path_in_tree(&fx.top, &fx.top.join("apps/overlays")).unwrap()]);
    let fs = tree.read_fs(&fx.top, &filter).unwrap();
    let at = |p: &str| fx.top.join(p);
    assert_eq!(
        fs.kind(&at("apps/overlays/dev/kustomization.yaml")),
        Some(FileKind::File)
    );
    assert_eq!(fs.kind(&at("apps/base/deployment.yaml")), None);
    assert_eq!(fs.kind(&at("vendor")), None);
    // A link inside the filter still reads its target from outside it.
    assert_eq!(
        read(&fs, &at("apps/overlays/prod/base-deployment.yaml")),
        std::fs::read(at("apps/base/deployment.yaml")).unwrap()
    );
    // Nothing at all, yet a valid (empty) tree.
    let none = tree
        .read_fs(&fx.top, &TreeFilter::under(Vec::<PathBuf>::new()))
        .unwrap();
    assert_eq!(none.kind(&fx.top), Some(FileKind::Dir));
    assert_eq!(none.kind(&at("apps")), None);
}

#[test]
fn submodules_are_left_out() {
    let Some(fx) = Fixture::new("submodule") else {
        return;
    };
    fx.write("kustomization.yaml", "resources: []\n");
    fx.commit("first");
    let head = fx.git(&["rev-parse", "HEAD"]);
    // A gitlink entry, as `git submodule add` records, without fetching anything.
    let cacheinfo = format!("160000,{},charts/sub", head.trim());
    fx.git(&["update-index", "--add", "--cacheinfo", &cacheinfo]);
    fx.git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "-c",
        "commit.gpgsign=false",
        "commit",
        "-q",
        "-m",
        "submodule",
    ]);
    let tree = RevisionTree::open(&fx.top, "HEAD").unwrap();
    assert!(tree
        .entries()
        .iter()
        .any(|e| e.kind == EntryKind::Submodule && e.path == Path::new("charts/sub")));
    let fs = tree.read_fs(&fx.top, &TreeFilter::all()).unwrap();
    assert_eq!(fs.kind(&fx.top.join("charts/sub")), Some(FileKind::Dir));
    assert_eq!(
        fs.kind(&fx.top.join("kustomization.yaml")),
        Some(FileKind::File)
    );
}

#[test]
fn paths_map_between_the_disk_and_the_tree() {
    let Some(fx) = Fixture::new("paths") else {
        return;
    };
    write_kustomizations(&fx);
    fx.commit("first");
    let sub = fx.top.join("apps/overlays");
    assert_eq!(repository_top(&sub).unwrap(), fx.top);
    assert_eq!(
        path_in_tree(&fx.top, &sub.join("dev/../prod")),
        Some(PathBuf::from("apps/overlays/prod"))
    );
    assert_eq!(path_in_tree(&fx.top, fx.top.parent().unwrap()), None);
    // Opened from a subdirectory, the whole tree is still read.
    let fs = revision_fs(&sub, "HEAD", &fx.top).unwrap();
    assert_eq!(
        fs.kind(&fx.top.join("vendor/lib/kustomization.yaml")),
        Some(FileKind::File)
    );
}

#[test]
fn many_files_stream_through_one_process() {
    let Some(fx) = Fixture::new("many") else {
        return;
    };
    // Far more than a pipe holds in either direction.
    let content = |i: usize| format!("file: {i}\n{}\n", "x".repeat(1000 + i % 7));
    for i in 0..3000 {
        fx.write(&format!("d{}/f{i}.yaml", i % 10), content(i));
    }
    // Identical contents at several paths are read once and stored at each.
    for i in 0..50 {
        fx.write(&format!("same/{i}.yaml"), "same\n");
    }
    fx.commit("many");
    let fs = revision_fs(&fx.top, "HEAD", &fx.top).unwrap();
    for i in (0..3000).step_by(97) {
        let path = fx.top.join(format!("d{}/f{i}.yaml", i % 10));
        assert_eq!(read(&fs, &path), content(i).into_bytes());
    }
    for i in 0..50 {
        assert_eq!(read(&fs, &fx.top.join(format!("same/{i}.yaml"))), b"same\n");
    }
}

#[test]
fn bad_revisions_fail_clearly() {
    let Some(fx) = Fixture::new("bad") else {
        return;
    };
    fx.write("kustomization.yaml", "resources: []\n");
    fx.commit("first");

    let err = revision_fs(&fx.top, "no-such-branch", &fx.top).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err.kind, GitErrorKind::Failed { .. }), "{err:?}");
    assert!(message.contains("`no-such-branch`"), "{message}");
    assert!(message.contains(fx.top.to_str().unwrap()), "{message}");
    assert!(message.contains("git rev-parse --verify"), "{message}");
    assert!(message.contains("fatal:"), "{message}");
    assert_eq!(err.rev.as_deref(), Some("no-such-branch"));

    // A blob is not a commit.
    let err = RevisionTree::open(&fx.top, "HEAD:kustomization.yaml").unwrap_err();
    assert!(matches!(err.kind, GitErrorKind::Failed { .. }), "{err:?}");

    let err = RevisionTree::open(&fx.top, "--output=x").unwrap_err();
    assert!(matches!(err.kind, GitErrorKind::Refused(_)), "{err:?}");
    assert!(!fx.top.join("x").exists());

    // Outside any repository (unless the temporary directory is in one).
    let outside = fx.top.with_file_name("not-a-repo");
    std::fs::create_dir_all(&outside).unwrap();
    if let Err(err) = revision_fs(&outside, "HEAD", &outside) {
        assert!(err.to_string().contains("not a git repository"), "{err}");
        assert!(repository_top(&outside).is_err());
    }
}

/// `(mode, oid, path)` of every entry, as `git ls-tree -r` lists them.
fn ls_tree(fx: &Fixture, rev: &str) -> Vec<(u32, String, PathBuf)> {
    fx.git(&["ls-tree", "-r", "--full-tree", rev])
        .lines()
        .map(|line| {
            let (meta, path) = line.split_once('\t').unwrap();
            let fields: Vec<&str> = meta.split(' ').collect();
            let mode = u32::from_str_radix(fields[0], 8).unwrap();
            (mode, fields[2].to_owned(), PathBuf::from(path))
        })
        .collect()
}

fn listing(tree: &RevisionTree) -> Vec<(u32, String, PathBuf)> {
    tree.entries()
        .iter()
        .map(|e| (e.mode, e.oid.clone(), e.path.clone()))
        .collect()
}

/// Two revisions differing in every way a tree can: contents, modes,
/// kinds, added, deleted and renamed paths, a file turned directory.
#[cfg(unix)]
fn two_revisions(fx: &Fixture) {
    fx.write("a/keep.yaml", "same\n");
    fx.write("a/edit.yaml", "one\n");
    fx.write("a/b/c/deep.yaml", "deep\n");
    fx.write("run.sh", "echo\n");
    fx.write("gone.yaml", "bye\n");
    fx.write("old-name.yaml", "moved\n");
    fx.write("becomes-dir", "file\n");
    fx.symlink("link", "a/keep.yaml");
    fx.commit("first");
    fx.write("a/edit.yaml", "two\n");
    fx.write("a/b/c/new.yaml", "new\n");
    fx.remove("gone.yaml");
    fx.remove("old-name.yaml");
    fx.write("new-name.yaml", "moved\n");
    fx.remove("becomes-dir");
    fx.write("becomes-dir/inside.yaml", "dir\n");
    fx.remove("link");
    fx.symlink("link", "a/edit.yaml");
    use std::os::unix::fs::PermissionsExt;
    let executable = std::fs::Permissions::from_mode(0o755);
    std::fs::set_permissions(fx.top.join("run.sh"), executable).unwrap();
    fx.commit("second");
}

#[cfg(unix)]
#[test]
fn listings_and_changes_agree_with_git() {
    let Some(fx) = Fixture::new("agree") else {
        return;
    };
    two_revisions(&fx);
    for rev in ["HEAD~1", "HEAD"] {
        let tree = RevisionTree::open(&fx.top, rev).unwrap();
        assert_eq!(listing(&tree), ls_tree(&fx, rev), "{rev}");
    }
    let base = RevisionTree::open(&fx.top, "HEAD~1").unwrap();
    let head = RevisionTree::open(&fx.top, "HEAD").unwrap();
    let ours = base.changed_paths_to(&head, &fx.top);
    let git = krust_repo::git::changed_paths(&fx.top, "HEAD~1", Some("HEAD")).unwrap();
    assert_eq!(ours, git);
    assert_eq!(ours.len(), 9, "{ours:?}");
    assert!(head.changed_paths_to(&head, &fx.top).is_empty());
}

/// Every file of `fs` below `dir`, with its content.
fn files_of(fs: &MemFs, dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for (name, kind) in fs.read_dir(dir).unwrap() {
        let path = dir.join(name);
        match kind {
            FileKind::File => {
                out.insert(path.clone(), read(fs, &path));
            }
            FileKind::Dir => out.extend(files_of(fs, &path)),
        }
    }
    out
}

#[cfg(unix)]
#[test]
fn revisions_opened_together_list_and_read_as_each_alone() {
    let Some(fx) = Fixture::new("together") else {
        return;
    };
    two_revisions(&fx);
    let revs = ["HEAD~1", "HEAD"];
    let together = RevisionTree::open_all(&fx.top, &revs).unwrap();
    for (tree, rev) in together.iter().zip(revs) {
        assert_eq!(tree.rev(), rev);
        assert_eq!(listing(tree), ls_tree(&fx, rev), "{rev}");
    }
    let both: Vec<&RevisionTree> = together.iter().collect();
    let a_dir = TreeFilter::under(["a"]);
    for filter in [TreeFilter::all(), a_dir, TreeFilter::kustomizations()] {
        let read = RevisionTree::read_all(&both, &fx.top, &filter).unwrap();
        assert_eq!(read.len(), 2);
        for (fs, rev) in read.iter().zip(revs) {
            let alone = RevisionTree::open(&fx.top, rev).unwrap();
            let alone = alone.read_fs(&fx.top, &filter).unwrap();
            assert_eq!(
                files_of(fs, &fx.top),
                files_of(&alone, &fx.top),
                "{rev} {filter:?}"
            );
        }
    }
    // The link's target changed: each side reads its own.
    let sides = RevisionTree::read_all(&both, &fx.top, &TreeFilter::all()).unwrap();
    assert_eq!(read(&sides[0], &fx.top.join("link")), b"same\n");
    assert_eq!(read(&sides[1], &fx.top.join("link")), b"two\n");
    // A bad revision among several is named.
    let err = RevisionTree::open_all(&fx.top, &["HEAD", "no-such-branch"]).unwrap_err();
    assert_eq!(err.rev.as_deref(), Some("no-such-branch"), "{err}");
}

/// Removes the loose object `spec` (`HEAD:path`, say) names.
fn remove_object(fx: &Fixture, spec: &str) {
    let oid = fx.git(&["rev-parse", spec]).trim().to_owned();
    let (dir, file) = oid.split_at(2);
    std::fs::remove_file(fx.top.join(".git/objects").join(dir).join(file)).unwrap();
}

#[test]
fn a_missing_object_names_the_revision_that_needs_it() {
    let Some(fx) = Fixture::new("missing") else {
        return;
    };
    fx.write("a/keep.yaml", "same\n");
    fx.commit("first");
    fx.write("a/new.yaml", "new\n");
    fx.write("b/deep/other.yaml", "other\n");
    fx.commit("second");
    remove_object(&fx, "HEAD:a/new.yaml");
    let revs = ["HEAD~1", "HEAD"];
    let trees = RevisionTree::open_all(&fx.top, &revs).unwrap();
    let both: Vec<&RevisionTree> = trees.iter().collect();
    let err = RevisionTree::read_all(&both, &fx.top, &TreeFilter::all()).unwrap_err();
    assert_eq!(err.rev.as_deref(), Some("HEAD"), "{err}");
    assert!(
        err.to_string().contains("cannot read revision `HEAD`"),
        "{err}"
    );
    // A tree only the head has.
    remove_object(&fx, "HEAD:b/deep");
    let err = RevisionTree::open_all(&fx.top, &revs).unwrap_err();
    assert_eq!(err.rev.as_deref(), Some("HEAD"), "{err}");
}

#[test]
fn sha256_repositories_are_read_too() {
    let Some(fx) = Fixture::new("sha256") else {
        return;
    };
    let _ = std::fs::remove_dir_all(fx.top.join(".git"));
    let init = Command::new("git")
        .args(["init", "-q", "--object-format=sha256"])
        .arg(&fx.top)
        .env("GIT_CONFIG_GLOBAL", &fx.config)
        .status()
        .unwrap();
    if !init.success() {
        eprintln!("skipped: this git cannot make SHA-256 repositories");
        return;
    }
    fx.write("kustomization.yaml", "resources: [cm.yaml]\n");
    fx.write("sub/dir/cm.yaml", "data\n");
    fx.commit("first");
    let tree = RevisionTree::open(&fx.top, "HEAD").unwrap();
    assert_eq!(tree.commit().len(), 64);
    assert_eq!(listing(&tree), ls_tree(&fx, "HEAD"));
    let fs = tree.read_fs(&fx.top, &TreeFilter::all()).unwrap();
    assert_eq!(read(&fs, &fx.top.join("sub/dir/cm.yaml")), b"data\n");
}
