//! Reading a git revision's tree into krust's in-memory filesystem, without
//! a checkout.
//!
//! A diff renders the base and the head revision side by side in one
//! process. Checking either out would touch the user's working tree (or cost
//! a worktree per revision), so the revision is read straight from the object
//! database into a [`MemFs`] instead, with every file at the absolute path
//! it has in the working tree: the roots a caller finds on disk then render
//! unchanged against any revision.
//!
//! Only `git`'s plumbing is used, through [`std::process::Command`]: one
//! `git cat-file --batch` process per revision answers everything, its
//! requests written by a second thread so that neither pipe can fill up
//! while the other side waits:
//!
//! * `REV^{commit}` pins the revision to a commit, so that a branch moving
//!   meanwhile cannot mix two trees (an unknown or ambiguous name is then
//!   asked of `git rev-parse --verify`, for git's own words);
//! * the commit's tree objects, a level at a time, list every file with its
//!   mode and object id (any byte in a name survives);
//! * the blobs give the contents of the files read.
//!
//! # Cost
//!
//! One process per revision whatever its size, none per file: starting
//! processes, not reading objects, is what a small change costs. Listing
//! costs one round trip per directory level. Reading costs one request per
//! distinct blob wanted (identical files are read once), plus one extra
//! round trip per level of symlink chains; the time is git inflating the
//! objects. Memory is the listing plus every file kept, once per path: a
//! [`TreeFilter`] keeps only the directories a caller renders.
//!
//! Contents are the blobs as committed: `.gitattributes` smudge filters and
//! end-of-line conversion, which a checkout would apply, are not.

mod cat_file;
mod run;
mod tree;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ffi::OsStr;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use krust::kustomization::FILE_NAMES;
use krust::{normalize, MemFs};

use cat_file::CatFile;
use run::Git;

/// How many symlinks a chain may pass through, as the kernel's `ELOOP` limit.
const MAX_LINK_HOPS: usize = 40;

/// Directories whose kustomizations are never roots, as in
/// [`krust::discover_roots`] (which also skips `.git`, never in a tree).
const SKIPPED_DIRS: [&str; 2] = ["node_modules", "vendor"];

/// A git command that failed, with the repository and revision it was
/// reading, so that a message alone tells the user what to fix.
#[derive(Debug, thiserror::Error)]
#[error("{}`{command}` {kind}", subject(repo, rev.as_deref()))]
pub struct GitError {
    /// The repository the command ran in.
    pub repo: PathBuf,
    /// The revision being read, if the command was about one.
    pub rev: Option<String>,
    /// The command line, for the user to run by hand.
    pub command: String,
    /// What went wrong.
    pub kind: GitErrorKind,
}

fn subject(repo: &Path, rev: Option<&str>) -> String {
    match rev {
        Some(rev) => format!("cannot read revision `{rev}` of {}: ", repo.display()),
        None => format!("git failed in {}: ", repo.display()),
    }
}

/// What went wrong with a git command.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GitErrorKind {
    /// `git` could not be started because no such program is on `PATH`.
    #[error("could not run: git is not installed or not on PATH")]
    NotInstalled,
    /// Starting git or talking to it through its pipes failed.
    #[error("could not run: {0}")]
    Io(io::Error),
    /// Git exited with an error; `stderr` is what it said.
    #[error("failed ({status}): {stderr}")]
    Failed {
        /// How git exited.
        status: String,
        /// Git's own message, trimmed.
        stderr: String,
    },
    /// Git answered something this module does not understand.
    #[error("answered unexpectedly: {0}")]
    UnexpectedOutput(String),
    /// The request was refused before running git.
    #[error("was not run: {0}")]
    Refused(&'static str),
}

/// The top directory of the working tree holding `path`, as git reports it
/// (symlinks resolved): the `mount` under which [`revision_fs`] places a
/// revision so that paths found on disk name the same files in it.
pub fn repository_top(path: &Path) -> Result<PathBuf, GitError> {
    let git = Git::new(path, None);
    let out = git.output(&["rev-parse", "--show-toplevel"])?;
    let out = out.strip_suffix(b"\n").unwrap_or(&out);
    path_from_bytes(out).ok_or_else(|| {
        git.error(
            "git rev-parse --show-toplevel",
            GitErrorKind::UnexpectedOutput("a top directory that is not a path".into()),
        )
    })
}

/// Where `path` lies in the tree of a repository whose working tree is at
/// `top`: the relative path git names it by (empty for `top` itself), or
/// `None` outside the working tree. A relative `path` is taken from the
/// current directory. Compared lexically first, then with symlinks resolved
/// (for paths that exist), since `top` from [`repository_top`] is resolved.
pub fn path_in_tree(top: &Path, path: &Path) -> Option<PathBuf> {
    let path = std::path::absolute(path).ok()?;
    if let Ok(rel) = normalize(&path).strip_prefix(normalize(top)) {
        return Some(rel.to_path_buf());
    }
    let (top, path) = (std::fs::canonicalize(top).ok()?, path.canonicalize().ok()?);
    path.strip_prefix(top).ok().map(Path::to_path_buf)
}

/// The files that differ between revision `base` and `head` (or the
/// working tree, untracked files included, when `head` is `None`), as
/// absolute paths under `top` ([`repository_top`]). A rename counts as its
/// old path deleted and its new path added.
pub fn changed_paths(top: &Path, base: &str, head: Option<&str>) -> Result<Vec<PathBuf>, GitError> {
    let git = Git::new(top, Some(base));
    let mut args = vec!["diff", "--name-only", "--no-renames", "-z", base];
    args.extend(head);
    args.push("--");
    // Against the working tree, untracked files count too; git lists both
    // at once.
    let (diffed, untracked) = rayon::join(
        || git.output(&args),
        || {
            head.is_none()
                .then(|| git.output(&["ls-files", "--others", "--exclude-standard", "-z"]))
        },
    );
    let listed = [Some(diffed?), untracked.transpose()?];
    let mut paths: Vec<PathBuf> = listed
        .iter()
        .flatten()
        .flat_map(|out| out.split(|&b| b == 0))
        .filter(|name| !name.is_empty())
        .filter_map(path_from_bytes)
        .map(|rel| top.join(rel))
        .collect();
    paths.sort();
    paths.dedup();
    Ok(paths)
}

/// Reads revision `rev` of the repository at `repo` (any directory in it)
/// into a [`MemFs`] with every file at `mount.join(path)`; `mount` is
/// absolute, normally the [`repository_top`].
///
/// Symlinks to files of the same tree are stored as copies of their target
/// (see [`RevisionTree::read_fs`]), other symlinks and submodules are left
/// out. To read part of the tree, or to list its kustomizations first, use
/// [`RevisionTree`].
pub fn revision_fs(repo: &Path, rev: &str, mount: &Path) -> Result<MemFs, GitError> {
    RevisionTree::open(repo, rev)?.read_fs(mount, &TreeFilter::all())
}

/// What a tree entry is, after its git mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file, executable or not (modes `100644`, `100755`).
    File,
    /// A symbolic link (mode `120000`); its blob is the target path.
    Symlink,
    /// A submodule (mode `160000`); its id is a commit of another repository.
    Submodule,
}

/// One entry of a revision's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry {
    /// The path from the top of the tree.
    pub path: PathBuf,
    /// What the entry is.
    pub kind: EntryKind,
    /// The object id, in hex.
    pub oid: String,
    /// The git mode (`0o100644`, `0o100755`, `0o120000`, `0o160000`).
    pub mode: u32,
}

/// Which files of a tree to read: everything, or only what lies under some
/// directories, to keep memory down in big repositories.
#[derive(Debug, Clone, Default)]
pub struct TreeFilter {
    /// The directories (or files) read whole; `None`: everything.
    under: Option<HashSet<PathBuf>>,
    /// Only kustomization files (of any directory).
    kustomizations: bool,
}

impl TreeFilter {
    /// Every file.
    pub fn all() -> Self {
        TreeFilter::default()
    }

    /// Only the kustomization files: enough to find the roots and what
    /// each names, not to build them.
    pub fn kustomizations() -> Self {
        TreeFilter {
            under: None,
            kustomizations: true,
        }
    }

    /// Only files below these directories, given as paths from the top of
    /// the tree (see [`path_in_tree`]); an empty path means the whole tree.
    pub fn under<P: Into<PathBuf>>(dirs: impl IntoIterator<Item = P>) -> Self {
        // The whole tree is the empty path, every path's last ancestor.
        let dirs = dirs
            .into_iter()
            .map(|d| normalize(&d.into()))
            .map(|d| {
                if d == Path::new(".") {
                    PathBuf::new()
                } else {
                    d
                }
            })
            .collect();
        TreeFilter {
            under: Some(dirs),
            kustomizations: false,
        }
    }

    /// Whether the file at `path` (from the top of the tree) is read.
    pub fn includes(&self, path: &Path) -> bool {
        if self.kustomizations {
            return path
                .file_name()
                .and_then(OsStr::to_str)
                .is_some_and(|n| FILE_NAMES.contains(&n));
        }
        match &self.under {
            None => true,
            Some(dirs) => path.ancestors().any(|d| dirs.contains(d)),
        }
    }
}

/// A revision pinned to its commit, with its whole tree listed but no file
/// read yet: callers can find its kustomizations, then read what they need.
#[derive(Debug, Clone)]
pub struct RevisionTree {
    rev: String,
    commit: String,
    entries: Vec<TreeEntry>,
    /// The process that listed the tree, kept to read its files.
    batch: Arc<Mutex<CatFile>>,
}

impl RevisionTree {
    /// Resolves `rev` to a commit of the repository at `repo` and lists its
    /// tree, through one `git cat-file --batch` process kept for reading.
    pub fn open(repo: &Path, rev: &str) -> Result<Self, GitError> {
        let mut batch = CatFile::start(Git::new(repo, Some(rev)))?;
        let (commit, root) = resolve(&mut batch, repo, rev)?;
        let entries = tree::list(&mut batch, &[&root], &[rev])?
            .pop()
            .unwrap_or_default();
        Ok(RevisionTree {
            rev: rev.to_string(),
            commit,
            entries,
            batch: Arc::new(Mutex::new(batch)),
        })
    }

    /// [`RevisionTree::open`] for several revisions through one process:
    /// the tree objects they share are listed once, and
    /// [`RevisionTree::read_all`] reads the files they share once.
    pub fn open_all(repo: &Path, revs: &[&str]) -> Result<Vec<Self>, GitError> {
        if let [rev] = revs {
            return Ok(vec![RevisionTree::open(repo, rev)?]);
        }
        let mut batch = CatFile::start(Git::new(repo, None))?;
        let resolved = revs
            .iter()
            .map(|rev| resolve(&mut batch, repo, rev))
            .collect::<Result<Vec<_>, _>>()?;
        let roots: Vec<&str> = resolved.iter().map(|(_, root)| root.as_str()).collect();
        let listings = tree::list(&mut batch, &roots, revs)?;
        let batch = Arc::new(Mutex::new(batch));
        Ok(revs
            .iter()
            .zip(resolved)
            .zip(listings)
            .map(|((rev, (commit, _)), entries)| RevisionTree {
                rev: rev.to_string(),
                commit,
                entries,
                batch: batch.clone(),
            })
            .collect())
    }

    /// The files that differ between this revision and `other`, as absolute
    /// paths under `mount`, sorted: what `git diff --name-only --no-renames`
    /// lists, from the two listings alone.
    pub fn changed_paths_to(&self, other: &RevisionTree, mount: &Path) -> Vec<PathBuf> {
        tree::changed(&self.entries, &other.entries, mount)
    }

    /// The revision as the caller named it.
    pub fn rev(&self) -> &str {
        &self.rev
    }

    /// The commit the revision resolved to, in hex.
    pub fn commit(&self) -> &str {
        &self.commit
    }

    /// Every file, symlink and submodule of the tree, in git's order.
    pub fn entries(&self) -> &[TreeEntry] {
        &self.entries
    }

    /// The directories holding a `kustomization.yaml`, `kustomization.yml`
    /// or `Kustomization`, as absolute paths under `mount`, sorted. These are
    /// the candidates among which [`krust::discover_roots`] picks top-level
    /// roots on disk, skipping the same vendored directories; no file is
    /// read, so a kustomization that is a symlink counts even if it cannot
    /// be resolved (building it then says so).
    pub fn kustomization_dirs(&self, mount: &Path) -> Vec<PathBuf> {
        let dirs: BTreeSet<PathBuf> = self
            .entries
            .iter()
            .filter(|e| e.kind != EntryKind::Submodule)
            .filter(|e| {
                e.path
                    .file_name()
                    .and_then(OsStr::to_str)
                    .is_some_and(|n| FILE_NAMES.contains(&n))
            })
            .filter_map(|e| e.path.parent())
            .filter(|dir| {
                !dir.components().any(|c| {
                    c.as_os_str()
                        .to_str()
                        .is_some_and(|c| SKIPPED_DIRS.contains(&c))
                })
            })
            .map(|dir| normalize(&mount.join(dir)))
            .collect();
        dirs.into_iter().collect()
    }

    /// Reads the files `filter` includes into a [`MemFs`], each at
    /// `mount.join(path)` (`mount` absolute, normally the
    /// [`repository_top`]), through one `git cat-file --batch` process.
    ///
    /// `MemFs` has no symlinks, so a symlink whose target (relative to its
    /// directory, through at most 40 further symlinks) is a file of the same
    /// tree is stored as a copy of that file, whether or not the filter
    /// includes the target. Symlinks to directories, absolute ones and ones
    /// leaving the tree or dangling are left out, as are submodules, which
    /// appear as empty directories like an uninitialised checkout. A copy
    /// differs from the link on disk in one way: kustomize's default load
    /// restrictor rejects a link that leaves the kustomization's directory,
    /// while the copy lies inside it.
    pub fn read_fs(&self, mount: &Path, filter: &TreeFilter) -> Result<MemFs, GitError> {
        let mut read = RevisionTree::read_all(&[self], mount, filter)?;
        Ok(read.pop().unwrap_or_default())
    }

    /// [`RevisionTree::read_fs`] of each of `trees`; trees opened together
    /// ([`RevisionTree::open_all`]) read each blob they share once.
    pub fn read_all(
        trees: &[&RevisionTree],
        mount: &Path,
        filter: &TreeFilter,
    ) -> Result<Vec<MemFs>, GitError> {
        let shared = trees
            .windows(2)
            .all(|pair| Arc::ptr_eq(&pair[0].batch, &pair[1].batch));
        let Some(first) = trees.first().filter(|_| shared) else {
            return trees.iter().map(|t| t.read_fs(mount, filter)).collect();
        };
        let mut batch = first.batch.lock().unwrap_or_else(|e| e.into_inner());
        let batch = &mut *batch;
        let mut fss = Vec::with_capacity(trees.len());
        // For each blob, the tree and the paths it fills there.
        let mut wanted: BTreeMap<&str, Vec<(usize, &Path)>> = BTreeMap::new();
        for (i, tree) in trees.iter().enumerate() {
            let mut fs = MemFs::new();
            fs.add_dir(mount);
            let plan = tree.plan(batch, filter);
            for (oid, path) in plan.map_err(|err| tree::blame(err, Some(&tree.rev)))? {
                match oid {
                    Some(oid) => wanted.entry(oid).or_default().push((i, path)),
                    None => fs.add_dir(mount.join(path)),
                }
            }
            fss.push(fs);
        }
        let oids: Vec<&str> = wanted.keys().copied().collect();
        // Each blob's first tree, for errors.
        let owners: Vec<usize> = wanted.values().map(|p| p[0].0).collect();
        let mut places = wanted.into_values();
        let mut done = 0;
        let read = batch.read_blobs(&oids, |i, content| {
            done = i + 1;
            let places = places.next().unwrap_or_default();
            if let Some(((last_tree, last), others)) = places.split_last() {
                for (tree, path) in others {
                    fss[*tree].add_file(mount.join(path), content.clone());
                }
                fss[*last_tree].add_file(mount.join(last), content);
            }
        });
        read.map_err(|err| {
            let rev = owners.get(done).map(|&t| trees[t].rev.as_str());
            tree::blame(err, rev)
        })?;
        Ok(fss)
    }

    /// The files `filter` selects, each with the blob that fills it (a
    /// symlink's target's), or `None` for a submodule's empty directory.
    fn plan<'t>(
        &'t self,
        batch: &mut CatFile,
        filter: &TreeFilter,
    ) -> Result<Vec<(Option<&'t str>, &'t Path)>, GitError> {
        let selected: Vec<&TreeEntry> = self
            .entries
            .iter()
            .filter(|e| filter.includes(&e.path))
            .collect();
        // Only symlinks need the whole tree by path.
        let by_path: HashMap<&Path, &TreeEntry> =
            if selected.iter().any(|e| e.kind == EntryKind::Symlink) {
                self.entries.iter().map(|e| (e.path.as_path(), e)).collect()
            } else {
                HashMap::new()
            };
        let targets = read_link_targets(batch, &selected, &by_path)?;
        Ok(selected
            .iter()
            .filter_map(|entry| {
                let oid = match entry.kind {
                    EntryKind::File => Some(entry.oid.as_str()),
                    EntryKind::Symlink => {
                        Some(resolve_link(&entry.path, &targets, &by_path)?.oid.as_str())
                    }
                    EntryKind::Submodule => None,
                };
                Some((oid, entry.path.as_path()))
            })
            .collect())
    }
}

/// The commit `rev` names and its tree, in hex, asked through `batch`;
/// git's own words when the name is wrong.
fn resolve(batch: &mut CatFile, repo: &Path, rev: &str) -> Result<(String, String), GitError> {
    let git = Git::new(repo, Some(rev));
    let name = format!("{rev}^{{commit}}");
    if rev.starts_with('-') {
        let command = format!("git rev-parse --verify {name}");
        let why = "a revision may not start with `-` (git would read it as an option)";
        return Err(git.error(&command, GitErrorKind::Refused(why)));
    }
    let (commit, content) = match batch.resolve(&name)? {
        Some(found) => found,
        None => {
            // Git's own words for what is wrong with the name.
            let out = git.output(&["rev-parse", "--verify", &name])?;
            let commit = String::from_utf8_lossy(&out).trim().to_string();
            batch.resolve(&commit)?.ok_or_else(|| {
                let problem = format!("commit {commit} is missing");
                git.error(
                    "git cat-file --batch",
                    GitErrorKind::UnexpectedOutput(problem),
                )
            })?
        }
    };
    let Some(root) = tree::commit_tree(&content) else {
        let problem = format!("commit {commit} names no tree");
        return Err(git.error(
            "git cat-file --batch",
            GitErrorKind::UnexpectedOutput(problem),
        ));
    };
    Ok((commit, root.to_string()))
}

/// The target, as a path in the tree, of every selected symlink and of
/// every symlink their chains pass through; `None` for targets that cannot
/// be in the tree. One `cat-file` round trip per level of the chains.
fn read_link_targets<'t>(
    batch: &mut CatFile,
    selected: &[&'t TreeEntry],
    by_path: &HashMap<&'t Path, &'t TreeEntry>,
) -> Result<HashMap<&'t Path, Option<PathBuf>>, GitError> {
    let mut targets: HashMap<&Path, Option<PathBuf>> = HashMap::new();
    let mut pending: Vec<&TreeEntry> = selected
        .iter()
        .copied()
        .filter(|e| e.kind == EntryKind::Symlink)
        .collect();
    while !pending.is_empty() {
        let oids: Vec<&str> = pending.iter().map(|e| e.oid.as_str()).collect();
        let mut read = Vec::with_capacity(pending.len());
        batch.read_blobs(&oids, |i, content| read.push((i, content)))?;
        let mut next = Vec::new();
        let mut queued = HashSet::new();
        for (i, content) in read {
            let Some(link) = pending.get(i) else { continue };
            let target = link_target(&link.path, &content);
            let hop = target.as_deref().and_then(|t| by_path.get(t));
            if let Some(hop) = hop.filter(|h| h.kind == EntryKind::Symlink) {
                if !targets.contains_key(hop.path.as_path()) && queued.insert(&hop.path) {
                    next.push(*hop);
                }
            }
            targets.insert(&link.path, target);
        }
        next.retain(|e| !targets.contains_key(e.path.as_path()));
        pending = next;
    }
    Ok(targets)
}

/// The file a symlink ends at, following chains through `targets`.
fn resolve_link<'t>(
    link: &Path,
    targets: &HashMap<&Path, Option<PathBuf>>,
    by_path: &HashMap<&Path, &'t TreeEntry>,
) -> Option<&'t TreeEntry> {
    let mut at = link;
    for _ in 0..=MAX_LINK_HOPS {
        let target = targets.get(at)?.as_deref()?;
        let entry = by_path.get(target)?;
        match entry.kind {
            EntryKind::File => return Some(entry),
            EntryKind::Symlink => at = &entry.path,
            EntryKind::Submodule => return None,
        }
    }
    None
}

/// Where the symlink at `link` (a path in the tree) points, as a path in the
/// tree; `None` for absolute targets and ones that climb out of the tree.
fn link_target(link: &Path, content: &[u8]) -> Option<PathBuf> {
    let target = path_from_bytes(content)?;
    if target.has_root() || target.as_os_str().is_empty() {
        return None;
    }
    let joined = normalize(&link.parent().unwrap_or(Path::new("")).join(target));
    let inside = joined
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    inside.then_some(joined)
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    Some(PathBuf::from(OsStr::from_bytes(bytes)))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> Option<PathBuf> {
    std::str::from_utf8(bytes).ok().map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_targets_stay_inside_the_tree() {
        let target = |link: &str, to: &str| link_target(Path::new(link), to.as_bytes());
        assert_eq!(target("a/b/l", "c.yaml"), Some(PathBuf::from("a/b/c.yaml")));
        assert_eq!(
            target("a/b/l", "../c.yaml"),
            Some(PathBuf::from("a/c.yaml"))
        );
        assert_eq!(target("l", "./x/../y"), Some(PathBuf::from("y")));
        assert_eq!(target("a/l", "../../outside"), None);
        assert_eq!(target("a/l", "/etc/passwd"), None);
        assert_eq!(target("a/l", ".."), None);
        assert_eq!(target("a/l", ""), None);
    }

    #[test]
    fn filters_match_whole_components() {
        let filter = TreeFilter::under(["apps/overlays", "infra/"]);
        assert!(filter.includes(Path::new("apps/overlays/dev/kustomization.yaml")));
        assert!(filter.includes(Path::new("infra/a.yaml")));
        assert!(!filter.includes(Path::new("apps/overlays-old/x.yaml")));
        assert!(!filter.includes(Path::new("apps/base/x.yaml")));
        assert!(TreeFilter::under([""]).includes(Path::new("any/thing")));
        assert!(!TreeFilter::under(Vec::<PathBuf>::new()).includes(Path::new("x")));
        assert!(TreeFilter::all().includes(Path::new("x")));
    }

    #[test]
    fn paths_in_tree_are_relative_to_the_top() {
        let top = Path::new("/work/repo");
        assert_eq!(
            path_in_tree(top, Path::new("/work/repo/apps/./base")),
            Some(PathBuf::from("apps/base"))
        );
        assert_eq!(path_in_tree(top, top), Some(PathBuf::new()));
        assert_eq!(path_in_tree(top, Path::new("/work/other/x")), None);
        assert_eq!(path_in_tree(top, Path::new("/work/repo/../x")), None);
    }
}
