//! A revision's whole tree listed from its tree objects, read through the
//! same `cat-file` process that later reads its files: one process per
//! revision instead of `rev-parse`, `ls-tree` and `cat-file` each.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::cat_file::CatFile;
use super::{path_from_bytes, EntryKind, GitError, GitErrorKind, TreeEntry};

/// A tree object's mode for a subtree (git writes it without a leading 0).
const TREE_MODE: u32 = 0o40000;

/// One entry of a tree object, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RawEntry {
    mode: u32,
    name: Vec<u8>,
    oid: String,
}

/// Every file, symlink and submodule below each tree of `roots` (the
/// trees of the revisions `revs`), in the order `git ls-tree -r` gives
/// (each tree's entries in stored order, depth first). Trees are asked for
/// a level at a time, each distinct one once: two revisions share most of
/// theirs. An error names the revision of the tree that failed.
pub(super) fn list(
    batch: &mut CatFile,
    roots: &[&str],
    revs: &[&str],
) -> Result<Vec<Vec<TreeEntry>>, GitError> {
    let oid_len = roots.first().map_or(20, |root| root.len() / 2);
    let mut trees: HashMap<String, Vec<RawEntry>> = HashMap::new();
    // Each tree's first revision, for errors.
    let mut owner: HashMap<String, usize> = HashMap::new();
    for (i, root) in roots.iter().enumerate() {
        owner.entry(root.to_string()).or_insert(i);
    }
    let mut level: Vec<String> = owner.keys().cloned().collect();
    level.sort();
    while !level.is_empty() {
        let wanted: Vec<&str> = level.iter().map(String::as_str).collect();
        let mut next = Vec::new();
        let mut parsed = Ok(());
        let mut done = 0;
        let read = batch.read_objects(&wanted, "tree", |i, content| {
            done = i + 1;
            match parse_tree(&content, oid_len) {
                Ok(entries) => {
                    let subtrees = entries.iter().filter(|e| e.mode == TREE_MODE);
                    next.extend(subtrees.map(|e| (e.oid.clone(), owner[wanted[i]])));
                    trees.insert(wanted[i].to_string(), entries);
                }
                Err(problem) if parsed.is_ok() => {
                    parsed = Err((i, format!("tree {}: {problem}", wanted[i])))
                }
                Err(_) => {}
            }
        });
        let blame = |err: GitError, i: usize| {
            let rev = wanted.get(i).and_then(|oid| revs.get(owner[*oid]));
            blame(err, rev.copied())
        };
        read.map_err(|err| blame(err, done))?;
        if let Err((i, problem)) = parsed {
            let command = "git cat-file --batch";
            let err = batch
                .git()
                .error(command, GitErrorKind::UnexpectedOutput(problem));
            return Err(blame(err, i));
        }
        level = Vec::new();
        for (oid, rev) in next {
            if !trees.contains_key(&oid) && !owner.contains_key(&oid) {
                level.push(oid.clone());
            }
            owner.entry(oid).or_insert(rev);
        }
    }
    Ok(roots
        .iter()
        .map(|root| {
            let mut entries = Vec::new();
            flatten(&trees, root, Path::new(""), &mut entries);
            entries
        })
        .collect())
}

/// `err`, naming `rev` unless it names a revision already: one git process
/// may serve several.
pub(super) fn blame(mut err: GitError, rev: Option<&str>) -> GitError {
    if err.rev.is_none() {
        err.rev = rev.map(str::to_string);
    }
    err
}

/// Appends the entries below tree `oid`, at `prefix`, depth first.
fn flatten(
    trees: &HashMap<String, Vec<RawEntry>>,
    oid: &str,
    prefix: &Path,
    out: &mut Vec<TreeEntry>,
) {
    for entry in trees.get(oid).map(Vec::as_slice).unwrap_or_default() {
        // A name this platform cannot spell (non-UTF-8 off Unix) is skipped.
        let Some(name) = path_from_bytes(&entry.name) else {
            continue;
        };
        let path = prefix.join(name);
        let kind = match entry.mode {
            TREE_MODE => {
                flatten(trees, &entry.oid, &path, out);
                continue;
            }
            0o120000 => EntryKind::Symlink,
            0o160000 => EntryKind::Submodule,
            mode if mode & 0o170000 == 0o100000 => EntryKind::File,
            _ => continue,
        };
        out.push(TreeEntry {
            path,
            kind,
            oid: entry.oid.clone(),
            mode: entry.mode,
        });
    }
}

/// Parses a tree object: entries `<octal mode> <name>\0<raw id>`, the id
/// `oid_len` bytes (20 for SHA-1, 32 for SHA-256).
fn parse_tree(content: &[u8], oid_len: usize) -> Result<Vec<RawEntry>, String> {
    let mut entries = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let space = rest.iter().position(|&b| b == b' ');
        let nul = rest.iter().position(|&b| b == 0);
        let (Some(space), Some(nul)) = (space, nul) else {
            return Err("an entry without a name".into());
        };
        if space > nul || rest.len() < nul + 1 + oid_len {
            return Err("a truncated entry".into());
        }
        let mode = std::str::from_utf8(&rest[..space])
            .ok()
            .and_then(|m| u32::from_str_radix(m, 8).ok())
            .ok_or("an entry with a mode that is not octal")?;
        let name = rest[space + 1..nul].to_vec();
        let raw = &rest[nul + 1..nul + 1 + oid_len];
        entries.push(RawEntry {
            mode,
            name,
            oid: hex(raw),
        });
        rest = &rest[nul + 1 + oid_len..];
    }
    Ok(entries)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// The commit's tree id, from the commit object's first header line.
pub(super) fn commit_tree(commit: &[u8]) -> Option<&str> {
    let first = commit.split(|&b| b == b'\n').next()?;
    let oid = std::str::from_utf8(first.strip_prefix(b"tree ")?).ok()?;
    oid.bytes().all(|b| b.is_ascii_hexdigit()).then_some(oid)
}

/// The paths (under `mount`) whose entry differs between two listings:
/// added, removed, or changed in content, mode or kind. A rename counts as
/// its old path and its new one, as `git diff --no-renames` lists them.
pub(super) fn changed(old: &[TreeEntry], new: &[TreeEntry], mount: &Path) -> Vec<PathBuf> {
    let key = |e: &TreeEntry| (e.mode, e.oid.clone());
    let before: HashMap<&Path, (u32, String)> =
        old.iter().map(|e| (e.path.as_path(), key(e))).collect();
    let after: HashMap<&Path, (u32, String)> =
        new.iter().map(|e| (e.path.as_path(), key(e))).collect();
    let mut paths: Vec<PathBuf> = old
        .iter()
        .filter(|e| after.get(e.path.as_path()) != Some(&key(e)))
        .chain(
            new.iter()
                .filter(|e| !before.contains_key(e.path.as_path())),
        )
        .map(|e| mount.join(&e.path))
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(mode: &str, name: &[u8], id: u8) -> Vec<u8> {
        let mut out = format!("{mode} ").into_bytes();
        out.extend_from_slice(name);
        out.push(0);
        out.extend([id; 20]);
        out
    }

    #[test]
    fn tree_objects_keep_any_byte_in_names() {
        let object = [
            entry("100644", b"kustomization.yaml", 0xaa),
            entry("100755", b"run me.sh", 0xbb),
            entry("120000", b"link\nwith newline", 0xcc),
            entry("160000", b"sub", 0xdd),
            entry("40000", b"dir", 0xee),
        ]
        .concat();
        let entries = parse_tree(&object, 20).unwrap();
        let modes: Vec<u32> = entries.iter().map(|e| e.mode).collect();
        assert_eq!(modes, [0o100644, 0o100755, 0o120000, 0o160000, TREE_MODE]);
        assert_eq!(entries[2].name, b"link\nwith newline");
        assert_eq!(entries[0].oid, "aa".repeat(20));
        assert!(parse_tree(&object[..object.len() - 1], 20).is_err());
        assert!(parse_tree(b"100644 no-nul", 20).is_err());
        assert!(parse_tree(&entry("10x644", b"a", 1), 20).is_err());
    }

    #[test]
    fn commits_name_their_tree() {
        let oid = "ab".repeat(20);
        let commit = format!("tree {oid}\nparent x\n\nmessage\n");
        assert_eq!(commit_tree(commit.as_bytes()), Some(oid.as_str()));
        assert_eq!(commit_tree(b"parent x\n"), None);
    }

    #[test]
    fn changes_are_paths_whose_entry_differs() {
        let e = |path: &str, mode: u32, oid: &str| TreeEntry {
            path: PathBuf::from(path),
            kind: EntryKind::File,
            oid: oid.into(),
            mode,
        };
        let old = [
            e("a", 0o100644, "1"),
            e("b", 0o100644, "2"),
            e("c", 0o100644, "3"),
        ];
        let new = [
            e("a", 0o100644, "1"),
            e("b", 0o100755, "2"),
            e("d", 0o100644, "3"),
        ];
        let changed = changed(&old, &new, Path::new("/top"));
        let names: Vec<&str> = changed.iter().map(|p| p.to_str().unwrap()).collect();
        assert_eq!(names, ["/top/b", "/top/c", "/top/d"]);
    }
}
