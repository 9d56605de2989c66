//! Promotion: carrying an app's promotable patches from one overlay to
//! another (`staging` to `production`), and showing what that does to the
//! target's render before anything is written.
//!
//! Today this is a hand copy plus a hand edit of the target kustomization;
//! forgetting the edit makes the copy silently do nothing. Here both happen
//! together, the kustomization is edited as text so its comments and layout
//! survive, and the target is rendered on a [`LayeredFs`] (the real tree
//! with the changed files laid over it) so a promotion that breaks the build
//! is refused while the disk is still untouched.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use krust::kustomization::{self, Kustomization};
use krust::{normalize, BuildOptions, FileKind, FileSystem};

use crate::compare::DiffOptions;
use crate::model::{RepoDiff, RootOutcome};
use crate::sides::{compare_sides, Side};

/// Why a promotion cannot be planned, rendered or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PromoteError(pub String);

/// One file the promotion creates or rewrites, as the user is told of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    /// A patch copied from the source overlay (created or replaced).
    Copied {
        /// The source overlay's file.
        from: PathBuf,
        /// Where it lands in the target overlay.
        to: PathBuf,
    },
    /// A `- path: <entry>` item added to the target's `patches`.
    AddedPatchEntry {
        /// The entry, relative to the target overlay (`api/version.yaml`).
        entry: String,
        /// The target's kustomization file.
        kustomization: PathBuf,
    },
}

/// A promotion worked out: what to tell the user and what to write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// What changes, in the order it is reported.
    pub changes: Vec<FileChange>,
    /// Every file's full new content, by absolute path.
    pub files: BTreeMap<PathBuf, Vec<u8>>,
}

/// A planned promotion with the target's render before and after it.
#[derive(Debug)]
pub struct Promotion {
    /// The files to change.
    pub plan: Plan,
    /// The target overlay rendered on the current tree and on the promoted one.
    pub diff: RepoDiff,
}

impl Promotion {
    /// Writes every planned file to disk, each whole (a temporary file next
    /// to it, then a rename), so that an interrupted write never leaves a
    /// half-written patch or kustomization behind.
    pub fn write(&self) -> Result<(), PromoteError> {
        for (path, content) in &self.plan.files {
            write_whole(path, content)
                .map_err(|e| PromoteError(format!("{}: cannot write it: {e}", path.display())))?;
        }
        Ok(())
    }
}

fn write_whole(path: &Path, content: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("no parent directory"))?;
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("no file name"))?
        .to_string_lossy();
    let temp = dir.join(format!(".{name}.krust-promote-{}", std::process::id()));
    std::fs::write(&temp, content)?;
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

/// Plans the promotion of `apps` (all of the source's apps the target
/// renders, when empty) from overlay `from` to overlay `to`, renders the
/// target before and after it, and fails if the after-render fails. Nothing
/// is written; call [`Promotion::write`] for that. `show` names the target
/// root in the diff.
pub fn promote(
    fs: &dyn FileSystem,
    from: &Path,
    to: &Path,
    apps: &[String],
    show: &(dyn Fn(&Path) -> String + Sync),
    options: &BuildOptions,
    diff: &DiffOptions<'_>,
) -> Result<Promotion, PromoteError> {
    let plan = plan(fs, from, to, apps)?;
    let to = fs
        .canonicalize(to)
        .map_err(|e| PromoteError(format!("{}: {e}", to.display())))?;
    let layered = LayeredFs::new(fs, plan.files.clone());
    let before = Side {
        fs,
        label: "before promotion".into(),
    };
    let after = Side {
        fs: &layered,
        label: "after promotion".into(),
    };
    let diff = compare_sides(&before, &after, &[to], show, options, diff);
    for root in &diff.roots {
        if let RootOutcome::Failed { new: Some(err), .. } = &root.outcome {
            return Err(PromoteError(format!(
                "{} would no longer render after the promotion: {err}",
                root.root
            )));
        }
    }
    Ok(Promotion { plan, diff })
}

/// Works out which files a promotion copies and how the target's
/// kustomization changes, reading only through `fs`.
pub fn plan(
    fs: &dyn FileSystem,
    from: &Path,
    to: &Path,
    apps: &[String],
) -> Result<Plan, PromoteError> {
    let canonical = |dir: &Path| {
        fs.canonicalize(dir)
            .ok()
            .filter(|d| fs.kind(d) == Some(FileKind::Dir))
            .ok_or_else(|| PromoteError(format!("{}: no such overlay directory", dir.display())))
    };
    // Messages name the overlays as the caller did; the work uses the
    // canonical paths, which are what the build reads through.
    let (from_shown, to_shown) = (from, to);
    let (from, to) = (canonical(from)?, canonical(to)?);
    let kustomization_file = kustomization::find_file(fs, &to)
        .map_err(|e| PromoteError(format!("{}: {e}", to_shown.display())))?;
    let kustomization_shown = to_shown.join(kustomization_file.file_name().unwrap_or_default());
    let text = read_text(fs, &kustomization_file)?;
    let model = parse(&text, &kustomization_shown)?;

    let available = source_apps(fs, &from)?;
    let selected: Vec<&String> = if apps.is_empty() {
        available
            .keys()
            .filter(|app| renders_app(&model, app))
            .collect()
    } else {
        for app in apps {
            if !available.contains_key(app) {
                return Err(PromoteError(format!(
                    "app `{app}`: {} has no promotable patches for it (files `{app}/*.yaml` not starting with `_`)",
                    from_shown.display()
                )));
            }
            if !renders_app(&model, app) {
                return Err(PromoteError(format!(
                    "app `{app}`: {} does not render it (no entry in its `resources` names a directory `{app}`)",
                    kustomization_shown.display()
                )));
            }
        }
        apps.iter().collect()
    };

    let listed = listed_patches(&model);
    let mut plan = Plan::default();
    let mut entries = Vec::new();
    for app in selected {
        for file in &available[app] {
            let source = from.join(app).join(file);
            let target = to.join(app).join(file);
            let content = fs
                .read(&source)
                .map_err(|e| PromoteError(format!("{}: cannot read it: {e}", source.display())))?;
            let unchanged = fs.kind(&target) == Some(FileKind::File)
                && fs.read(&target).is_ok_and(|old| old == content);
            if !unchanged {
                plan.changes.push(FileChange::Copied {
                    from: source,
                    to: target.clone(),
                });
                plan.files.insert(target, content);
            }
            let entry = format!("{app}/{file}");
            if !listed.contains(&normalize(Path::new(&entry))) {
                plan.changes.push(FileChange::AddedPatchEntry {
                    entry: entry.clone(),
                    kustomization: kustomization_file.clone(),
                });
                entries.push(entry);
            }
        }
    }
    if !entries.is_empty() {
        let edited = add_patch_entries(&text, &entries).map_err(|message| {
            PromoteError(format!("{}: {message}", kustomization_shown.display()))
        })?;
        plan.files.insert(kustomization_file, edited.into_bytes());
    }
    Ok(plan)
}

fn read_text(fs: &dyn FileSystem, path: &Path) -> Result<String, PromoteError> {
    let bytes = fs
        .read(path)
        .map_err(|e| PromoteError(format!("{}: cannot read it: {e}", path.display())))?;
    String::from_utf8(bytes)
        .map_err(|e| PromoteError(format!("{}: not valid UTF-8: {e}", path.display())))
}

fn parse(text: &str, file: &Path) -> Result<Kustomization, PromoteError> {
    // As krust's build reads it: go-yaml v2 lets a repeated key win.
    let options = krust_yaml::LoadOptions {
        duplicate_keys_last_wins: true,
        ..Default::default()
    };
    let docs = krust_yaml::load_documents_with(text, options)
        .map_err(|e| PromoteError(format!("{}:{}: {}", file.display(), e.line, e.message)))?;
    kustomization::parse_kustomization(docs.first())
        .map_err(|message| PromoteError(format!("{}: {message}", file.display())))
}

/// The source overlay's apps: each subdirectory with promotable patches,
/// mapped to those patches' file names, sorted.
fn source_apps(
    fs: &dyn FileSystem,
    from: &Path,
) -> Result<BTreeMap<String, Vec<String>>, PromoteError> {
    let list = |dir: &Path| {
        fs.read_dir(dir)
            .map_err(|e| PromoteError(format!("{}: cannot list it: {e}", dir.display())))
    };
    let mut apps = BTreeMap::new();
    for (name, kind) in list(from)? {
        if kind != FileKind::Dir {
            continue;
        }
        let mut files: Vec<String> = list(&from.join(&name))?
            .into_iter()
            .filter(|(file, kind)| *kind == FileKind::File && is_promotable(file))
            .map(|(file, _)| file)
            .collect();
        files.sort();
        if !files.is_empty() {
            apps.insert(name, files);
        }
    }
    Ok(apps)
}

/// A patch travels between environments unless its name marks it
/// environment-static (a leading `_`); only `.yaml` files are patches by the
/// repositories' convention.
fn is_promotable(file: &str) -> bool {
    file.ends_with(".yaml") && !file.starts_with('_') && !file.starts_with('.')
}

/// Whether one of the overlay's `resources` is a directory named `app`
/// (`../../base/api`), the convention by which an overlay adopts an app.
fn renders_app(model: &Kustomization, app: &str) -> bool {
    model.resources.iter().any(|r| {
        normalize(Path::new(r.trim_end_matches('/')))
            .file_name()
            .is_some_and(|name| name == app)
    })
}

/// The patch files the kustomization already names, normalized.
fn listed_patches(model: &Kustomization) -> Vec<PathBuf> {
    model
        .patches
        .iter()
        .filter_map(|p| p.path.as_deref())
        .chain(model.patches_strategic_merge.iter().map(String::as_str))
        .map(|p| normalize(Path::new(p)))
        .collect()
}

/// Adds `- path: <entry>` items to the top-level `patches:` block sequence
/// of a kustomization's text, after its last item and in its indentation and
/// dash style, leaving every other byte alone; without a `patches:` key the
/// list is appended at the end. A flow-style (`patches: [...]`) or scalar
/// value is refused: rewriting it would lose its layout.
pub fn add_patch_entries(text: &str, entries: &[String]) -> Result<String, String> {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let content = |line: &str| line.trim_end_matches(['\n', '\r']).to_owned();
    let Some(key) = lines.iter().position(|l| is_top_level_key(l, "patches")) else {
        let mut out = text.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(newline);
        }
        out.push_str("patches:");
        out.push_str(newline);
        for entry in entries {
            out.push_str(&format!("- path: {}{newline}", yaml_scalar(entry)));
        }
        return Ok(out);
    };
    let rest = strip_comment(&content(lines[key])["patches:".len()..])
        .trim()
        .to_owned();
    if !rest.is_empty() {
        return Err(format!(
            "`patches: {rest}` is not a block list; write it as `patches:` followed by `- path: ...` lines, then promote again"
        ));
    }
    // The sequence runs until the next line at column 0 that is neither a
    // comment nor an item of a sequence written at column 0.
    let mut last_content = key;
    let mut prefix: Option<String> = None;
    for (i, line) in lines.iter().enumerate().skip(key + 1) {
        let line = content(line);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let is_item = trimmed == "-" || trimmed.starts_with("- ") || trimmed.starts_with("-\t");
        if indent == 0 && !is_item {
            break;
        }
        if prefix.is_none() {
            if !is_item {
                return Err("`patches:` is not followed by a list of `- ` items".into());
            }
            let after_dash = &trimmed[1..];
            let gap = &after_dash[..after_dash.len() - after_dash.trim_start().len()];
            let gap = if gap.is_empty() || after_dash.trim().is_empty() {
                " "
            } else {
                gap
            };
            prefix = Some(format!("{}-{gap}", &line[..indent]));
        }
        last_content = i;
    }
    let prefix = prefix.unwrap_or_else(|| "- ".into());
    let mut out = String::with_capacity(text.len() + entries.len() * 32);
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        if i == last_content {
            if !line.ends_with('\n') {
                out.push_str(newline);
            }
            for entry in entries {
                out.push_str(&format!("{prefix}path: {}{newline}", yaml_scalar(entry)));
            }
        }
    }
    Ok(out)
}

/// Whether `line` is the mapping key `key` at column 0 (plain or quoted).
fn is_top_level_key(line: &str, key: &str) -> bool {
    [key.to_owned(), format!("\"{key}\""), format!("'{key}'")]
        .iter()
        .any(|k| {
            line.strip_prefix(k.as_str())
                .and_then(|rest| rest.strip_prefix(':'))
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r']))
        })
}

/// The part of a line before a ` #` comment (good enough for the value of a
/// key, which is all it is used on).
fn strip_comment(value: &str) -> &str {
    match value.find(" #").or_else(|| value.find("\t#")) {
        Some(at) => &value[..at],
        None if value.trim_start().starts_with('#') => "",
        None => value,
    }
}

/// `entry` as a YAML scalar: plain when it is made of path characters,
/// double-quoted otherwise, so an odd file name never breaks the file.
fn yaml_scalar(entry: &str) -> String {
    let plain = !entry.is_empty()
        && !entry.starts_with(['-', '.', '/'])
        && entry
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'));
    if plain {
        entry.to_owned()
    } else {
        let escaped = entry.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    }
}

/// A filesystem that answers for a few changed files itself and for
/// everything else from another filesystem: the tree as it would be after a
/// change, without writing it. Directories holding a layered file exist.
pub struct LayeredFs<'fs> {
    base: &'fs dyn FileSystem,
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl<'fs> LayeredFs<'fs> {
    /// `files` (absolute paths, as the base canonicalizes them) laid over `base`.
    pub fn new(base: &'fs dyn FileSystem, files: BTreeMap<PathBuf, Vec<u8>>) -> Self {
        let files = files
            .into_iter()
            .map(|(path, content)| (normalize(&path), content))
            .collect();
        LayeredFs { base, files }
    }

    /// Whether a layered file lies below `dir`.
    fn implies_dir(&self, dir: &Path) -> bool {
        self.files
            .range(dir.to_path_buf()..)
            .next()
            .is_some_and(|(p, _)| p != dir && p.starts_with(dir))
    }

    fn layered_kind(&self, path: &Path) -> Option<FileKind> {
        if self.files.contains_key(path) {
            Some(FileKind::File)
        } else if self.implies_dir(path) {
            Some(FileKind::Dir)
        } else {
            None
        }
    }
}

impl FileSystem for LayeredFs<'_> {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.files.get(&normalize(path)) {
            Some(content) => Ok(content.clone()),
            None => self.base.read(path),
        }
    }

    fn kind(&self, path: &Path) -> Option<FileKind> {
        self.layered_kind(&normalize(path))
            .or_else(|| self.base.kind(path))
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        let path = normalize(path);
        if self.layered_kind(&path).is_some() {
            // Layered paths are stored canonical already.
            Ok(path)
        } else {
            self.base.canonicalize(&path)
        }
    }

    fn canonicalize_in(&self, real_dir: &Path, name: &std::ffi::OsStr) -> io::Result<PathBuf> {
        let path = normalize(&real_dir.join(name));
        if self.layered_kind(&path).is_some() {
            Ok(path)
        } else {
            self.base.canonicalize_in(real_dir, name)
        }
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileKind)>> {
        let dir = normalize(path);
        let mut entries: BTreeMap<String, FileKind> = match self.base.read_dir(&dir) {
            Ok(found) => found.into_iter().collect(),
            Err(_) if self.implies_dir(&dir) => BTreeMap::new(),
            Err(e) => return Err(e),
        };
        for file in self.files.keys() {
            let Ok(rest) = file.strip_prefix(&dir) else {
                continue;
            };
            let mut parts = rest.components();
            if let Some(first) = parts.next() {
                let kind = if parts.next().is_some() {
                    FileKind::Dir
                } else {
                    FileKind::File
                };
                entries.insert(first.as_os_str().to_string_lossy().into_owned(), kind);
            }
        }
        Ok(entries.into_iter().collect())
    }
}

impl fmt::Display for FileChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileChange::Copied { from, to } => {
                write!(f, "copied {} -> {}", from.display(), to.display())
            }
            FileChange::AddedPatchEntry {
                entry,
                kustomization,
            } => write!(
                f,
                "added patches entry {entry} to {}",
                kustomization.display()
            ),
        }
    }
}

impl FileChange {
    /// The same change with its paths shown through `show` (relative to
    /// the working directory, say).
    pub fn map_paths(&self, show: impl Fn(&Path) -> PathBuf) -> FileChange {
        match self {
            FileChange::Copied { from, to } => FileChange::Copied {
                from: show(from),
                to: show(to),
            },
            FileChange::AddedPatchEntry {
                entry,
                kustomization,
            } => FileChange::AddedPatchEntry {
                entry: entry.clone(),
                kustomization: show(kustomization),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use krust::MemFs;

    fn add(text: &str, entries: &[&str]) -> Result<String, String> {
        let entries: Vec<String> = entries.iter().map(|e| (*e).to_owned()).collect();
        add_patch_entries(text, &entries)
    }

    #[test]
    fn entry_appended_to_list_at_indent_zero() {
        let text = "resources:\n- ../../base/api\npatches:\n- path: api/replicas.yaml\n  target:\n    kind: Deployment\nreplicas: []\n";
        assert_eq!(
            add(text, &["api/version.yaml"]).unwrap(),
            "resources:\n- ../../base/api\npatches:\n- path: api/replicas.yaml\n  target:\n    kind: Deployment\n- path: api/version.yaml\nreplicas: []\n"
        );
    }

    #[test]
    fn entry_appended_to_list_at_indent_two_keeping_comments() {
        let text = "# the overlay\npatches:\n  # first\n  - path: a/x.yaml\n\n  -   path: b/y.yaml # why\n# next section\nnamespace: prod\n";
        assert_eq!(
            add(text, &["api/version.yaml", "api/replicas.yaml"]).unwrap(),
            "# the overlay\npatches:\n  # first\n  - path: a/x.yaml\n\n  -   path: b/y.yaml # why\n  - path: api/version.yaml\n  - path: api/replicas.yaml\n# next section\nnamespace: prod\n"
        );
    }

    #[test]
    fn dash_gap_of_first_item_is_kept() {
        let text = "patches:\n  -   path: a.yaml\n";
        assert_eq!(
            add(text, &["b/c.yaml"]).unwrap(),
            "patches:\n  -   path: a.yaml\n  -   path: b/c.yaml\n"
        );
    }

    #[test]
    fn list_at_end_without_trailing_newline() {
        assert_eq!(
            add("patches:\n- path: a.yaml", &["b/c.yaml"]).unwrap(),
            "patches:\n- path: a.yaml\n- path: b/c.yaml\n"
        );
    }

    #[test]
    fn missing_patches_key_appends_a_list() {
        assert_eq!(
            add(
                "namespace: prod\nresources: [../../base/api]",
                &["api/version.yaml"]
            )
            .unwrap(),
            "namespace: prod\nresources: [../../base/api]\npatches:\n- path: api/version.yaml\n"
        );
        assert_eq!(
            add("namespace: prod\n", &["api/version.yaml"]).unwrap(),
            "namespace: prod\npatches:\n- path: api/version.yaml\n"
        );
    }

    #[test]
    fn nested_patches_key_is_not_the_top_level_one() {
        let text = "components:\n- x\nhelm:\n  patches:\n  - path: n.yaml\n";
        assert_eq!(
            add(text, &["a/b.yaml"]).unwrap(),
            format!("{text}patches:\n- path: a/b.yaml\n")
        );
    }

    #[test]
    fn empty_patches_key_gets_the_entry_under_it() {
        assert_eq!(
            add("patches:\nnamespace: x\n", &["a/b.yaml"]).unwrap(),
            "patches:\n- path: a/b.yaml\nnamespace: x\n"
        );
    }

    #[test]
    fn flow_style_and_scalar_patches_are_refused() {
        let err = add("patches: [{path: a.yaml}]\n", &["b.yaml"]).unwrap_err();
        assert!(err.contains("not a block list"), "{err}");
        assert!(add("patches: []  # none yet\n", &["b.yaml"]).is_err());
        assert!(add("patches: null\n", &["b.yaml"]).is_err());
    }

    #[test]
    fn crlf_files_stay_crlf() {
        assert_eq!(
            add(
                "patches:\r\n- path: a.yaml\r\nnamespace: x\r\n",
                &["b/c.yaml"]
            )
            .unwrap(),
            "patches:\r\n- path: a.yaml\r\n- path: b/c.yaml\r\nnamespace: x\r\n"
        );
    }

    #[test]
    fn odd_file_names_are_quoted() {
        assert_eq!(yaml_scalar("api/version.yaml"), "api/version.yaml");
        assert_eq!(yaml_scalar("api/a #b.yaml"), "\"api/a #b.yaml\"");
        assert_eq!(yaml_scalar("x/\"q\".yaml"), "\"x/\\\"q\\\".yaml\"");
    }

    #[test]
    fn layered_fs_answers_changed_paths_and_implies_directories() {
        let mut base = MemFs::new();
        base.add_file("/r/a.yaml", "old");
        base.add_file("/r/keep.yaml", "kept");
        let layered = LayeredFs::new(
            &base,
            BTreeMap::from([
                (PathBuf::from("/r/a.yaml"), b"new".to_vec()),
                (PathBuf::from("/r/new/dir/b.yaml"), b"b".to_vec()),
            ]),
        );
        assert_eq!(layered.read(Path::new("/r/a.yaml")).unwrap(), b"new");
        assert_eq!(layered.read(Path::new("/r/./keep.yaml")).unwrap(), b"kept");
        assert_eq!(layered.read(Path::new("/r/new/dir/b.yaml")).unwrap(), b"b");
        assert_eq!(layered.kind(Path::new("/r/new")), Some(FileKind::Dir));
        assert_eq!(layered.kind(Path::new("/r/new/dir")), Some(FileKind::Dir));
        assert_eq!(
            layered.kind(Path::new("/r/new/dir/b.yaml")),
            Some(FileKind::File)
        );
        assert_eq!(layered.kind(Path::new("/r/ne")), None);
        assert!(layered.read(Path::new("/r/missing")).is_err());
        assert_eq!(
            layered
                .canonicalize(Path::new("/r/x/../new/dir/b.yaml"))
                .unwrap(),
            PathBuf::from("/r/new/dir/b.yaml")
        );
        assert_eq!(
            layered
                .canonicalize_in(Path::new("/r/new"), "dir".as_ref())
                .unwrap(),
            PathBuf::from("/r/new/dir")
        );
        assert!(layered.canonicalize(Path::new("/r/nothing")).is_err());
        assert_eq!(
            layered.read_dir(Path::new("/r")).unwrap(),
            vec![
                ("a.yaml".to_owned(), FileKind::File),
                ("keep.yaml".to_owned(), FileKind::File),
                ("new".to_owned(), FileKind::Dir),
            ]
        );
        assert_eq!(
            layered.read_dir(Path::new("/r/new/dir")).unwrap(),
            vec![("b.yaml".to_owned(), FileKind::File)]
        );
        // The base is untouched.
        assert_eq!(base.read(Path::new("/r/a.yaml")).unwrap(), b"old");
    }

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n      - name: api\n        image: api:1\n";

    fn version(tag: u32) -> String {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n      - name: api\n        image: api:{tag}\n")
    }

    fn repo(production: &str) -> MemFs {
        let mut fs = MemFs::new();
        fs.add_file("/r/base/api/kustomization.yaml", "resources: [d.yaml]\n");
        fs.add_file("/r/base/api/d.yaml", DEPLOYMENT);
        fs.add_file("/r/base/web/kustomization.yaml", "resources: [d.yaml]\n");
        fs.add_file("/r/base/web/d.yaml", DEPLOYMENT.replace("api", "web"));
        fs.add_file(
            "/r/staging/kustomization.yaml",
            "resources: [../base/api, ../base/web]\npatches:\n- path: api/version.yaml\n",
        );
        fs.add_file("/r/staging/api/version.yaml", version(2));
        fs.add_file("/r/staging/api/_static.yaml", version(9));
        fs.add_file("/r/staging/web/_only-static.yaml", version(9));
        fs.add_file("/r/production/kustomization.yaml", production);
        fs
    }

    #[test]
    fn plan_copies_promotable_patches_and_lists_them() {
        let fs = repo("resources:\n- ../base/api\n");
        let plan = plan(
            &fs,
            Path::new("/r/staging"),
            Path::new("/r/production"),
            &[],
        )
        .unwrap();
        assert_eq!(
            plan.changes,
            vec![
                FileChange::Copied {
                    from: "/r/staging/api/version.yaml".into(),
                    to: "/r/production/api/version.yaml".into(),
                },
                FileChange::AddedPatchEntry {
                    entry: "api/version.yaml".into(),
                    kustomization: "/r/production/kustomization.yaml".into(),
                },
            ]
        );
        assert_eq!(
            plan.files[Path::new("/r/production/kustomization.yaml")],
            b"resources:\n- ../base/api\npatches:\n- path: api/version.yaml\n"
        );
        assert!(!plan
            .files
            .contains_key(Path::new("/r/production/api/_static.yaml")));
    }

    #[test]
    fn plan_leaves_an_existing_entry_alone() {
        for listed in [
            "patches:\n  - path: ./api/version.yaml\n",
            "patchesStrategicMerge:\n- api/version.yaml\n",
        ] {
            let fs = repo(&format!("resources: [../base/api]\n{listed}"));
            let plan = plan(
                &fs,
                Path::new("/r/staging"),
                Path::new("/r/production"),
                &["api".to_owned()],
            )
            .unwrap();
            assert_eq!(plan.changes.len(), 1, "{listed}: {:?}", plan.changes);
            assert!(matches!(plan.changes[0], FileChange::Copied { .. }));
            assert!(!plan
                .files
                .contains_key(Path::new("/r/production/kustomization.yaml")));
        }
    }

    #[test]
    fn plan_refuses_apps_not_rendered_or_without_patches() {
        let fs = repo("resources: [../base/api]\n");
        let run = |app: &str| {
            plan(
                &fs,
                Path::new("/r/staging"),
                Path::new("/r/production"),
                &[app.to_owned()],
            )
            .unwrap_err()
            .0
        };
        let err = run("nope");
        assert!(
            err.contains("app `nope`") && err.contains("no promotable patches"),
            "{err}"
        );
        // Only `_`-prefixed patches: nothing to promote.
        let err = run("web");
        assert!(err.contains("app `web`"), "{err}");
        let fs = repo("resources: [../base/web]\n");
        let err = plan(
            &fs,
            Path::new("/r/staging"),
            Path::new("/r/production"),
            &["api".to_owned()],
        )
        .unwrap_err()
        .0;
        assert!(err.contains("does not render it"), "{err}");
    }

    #[test]
    fn promote_renders_the_target_before_and_after() {
        let fs = repo("resources: [../base/api]\n");
        let show = |p: &Path| p.display().to_string();
        let promotion = promote(
            &fs,
            Path::new("/r/staging"),
            Path::new("/r/production"),
            &[],
            &show,
            &BuildOptions::default(),
            &DiffOptions::default(),
        )
        .unwrap();
        match &promotion.diff.roots[0].outcome {
            RootOutcome::Changed(d) => assert_eq!(
                d.changed[0].fields[0].path.to_string(),
                "spec.template.spec.containers[name=api].image"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn promote_refuses_a_promotion_that_breaks_the_render() {
        let mut fs = repo("resources: [../base/api]\n");
        fs.add_file("/r/staging/api/version.yaml", "kind: [broken\n");
        let show = |p: &Path| p.display().to_string();
        let err = promote(
            &fs,
            Path::new("/r/staging"),
            Path::new("/r/production"),
            &[],
            &show,
            &BuildOptions::default(),
            &DiffOptions::default(),
        )
        .unwrap_err();
        assert!(err.0.contains("would no longer render"), "{err}");
    }
}
