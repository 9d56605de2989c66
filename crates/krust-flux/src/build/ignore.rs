//! Which files of a source reach kustomize-controller at all.
//!
//! source-controller packs a GitRepository into an artifact and leaves out
//! what `.sourceignore` files exclude, plus built-in patterns (VCS files,
//! images and archives, CI configuration, `.sops.yaml`, `.flux.yaml`). The
//! controller then builds from that artifact, so an ignored manifest is
//! neither picked up by a generated kustomization nor readable by a written
//! one. The rules are go-git's gitignore dialect, which fluxcd/pkg
//! `sourceignore` uses: patterns are scoped to the directory of the
//! `.sourceignore` holding them, the last matching pattern decides, `!`
//! re-includes, a trailing `/` matches directories only, and a pattern without
//! an inner `/` matches any path component.

use std::path::Path;

use krust::{FileKind, FileSystem};

/// The ignore file source-controller reads in every directory.
pub const IGNORE_FILE: &str = ".sourceignore";

/// source-controller's built-in exclusions (fluxcd/pkg `sourceignore`:
/// `ExcludeVCS`, `ExcludeExt`, `ExcludeCI`, `ExcludeExtra`), lowest priority.
const DEFAULT_PATTERNS: &[&str] = &[
    ".git/",
    ".gitignore",
    ".gitmodules",
    ".gitattributes",
    "*.jpg",
    "*.jpeg",
    "*.gif",
    "*.png",
    "*.wmv",
    "*.flv",
    "*.tar.gz",
    "*.zip",
    ".github/",
    ".circleci/",
    ".travis.yml",
    ".gitlab-ci.yml",
    "appveyor.yml",
    ".drone.yml",
    "cloudbuild.yaml",
    "codeship-services.yml",
    "codeship-steps.yml",
    "**/.goreleaser.yml",
    "**/.sops.yaml",
    "**/.flux.yaml",
];

#[derive(Debug, Clone)]
struct Pattern {
    /// Directory components (from the source root) the pattern is scoped to.
    domain: Vec<String>,
    /// Path components of the pattern.
    parts: Vec<String>,
    inclusion: bool,
    dir_only: bool,
    /// Whether the pattern has an inner `/` and so is matched from its domain.
    anchored: bool,
}

impl Pattern {
    fn parse(line: &str, domain: &[String]) -> Pattern {
        let mut p = line;
        let inclusion = p.starts_with('!');
        if inclusion {
            p = &p[1..];
        }
        if !p.ends_with("\\ ") {
            p = p.trim_end_matches(' ');
        }
        let dir_only = p.ends_with('/');
        if dir_only {
            p = &p[..p.len() - 1];
        }
        Pattern {
            domain: domain.to_vec(),
            anchored: p.contains('/'),
            parts: p.split('/').map(str::to_owned).collect(),
            inclusion,
            dir_only,
        }
    }

    /// `Some(true)` excluded, `Some(false)` re-included, `None` no opinion.
    fn matches(&self, path: &[&str], is_dir: bool) -> Option<bool> {
        if path.len() <= self.domain.len() || self.domain.iter().zip(path).any(|(d, p)| d != p) {
            return None;
        }
        let path = &path[self.domain.len()..];
        let hit = if self.anchored {
            self.glob_match(path, is_dir)
        } else {
            self.name_match(path, is_dir)
        };
        hit.then_some(!self.inclusion)
    }

    fn name_match(&self, path: &[&str], is_dir: bool) -> bool {
        for (i, name) in path.iter().enumerate() {
            if !glob(&self.parts[0], name) {
                continue;
            }
            return !(self.dir_only && !is_dir && i == path.len() - 1);
        }
        false
    }

    fn glob_match(&self, mut path: &[&str], is_dir: bool) -> bool {
        let mut matched = false;
        let mut traverse = false;
        for (i, part) in self.parts.iter().enumerate() {
            if part.is_empty() {
                traverse = false;
                continue;
            }
            if part == "**" {
                if i == self.parts.len() - 1 {
                    break;
                }
                traverse = true;
                continue;
            }
            if part.contains("**") || path.is_empty() {
                return false;
            }
            if traverse {
                traverse = false;
                while let Some((first, rest)) = path.split_first() {
                    path = rest;
                    if glob(part, first) {
                        matched = true;
                        break;
                    } else if path.is_empty() {
                        matched = false;
                    }
                }
            } else {
                if !glob(part, path[0]) {
                    return false;
                }
                matched = true;
                path = &path[1..];
            }
        }
        matched && !(self.dir_only && !is_dir && path.is_empty())
    }
}

/// Go's `filepath.Match` on one path component: `*`, `?`, `[...]` classes
/// (`^` negates, ranges), `\` escapes. A malformed pattern matches nothing,
/// as go-git treats the error.
fn glob(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    glob_at(&p, &n).unwrap_or(false)
}

fn glob_at(p: &[char], n: &[char]) -> Option<bool> {
    let Some((&c, rest)) = p.split_first() else {
        return Some(n.is_empty());
    };
    match c {
        '*' => {
            for skip in 0..=n.len() {
                if glob_at(rest, &n[skip..])? {
                    return Some(true);
                }
            }
            Some(false)
        }
        '?' => match n.split_first() {
            Some((_, n_rest)) => glob_at(rest, n_rest),
            None => Some(false),
        },
        '[' => {
            let close = rest.iter().position(|&c| c == ']')?;
            let (class, after) = (&rest[..close], &rest[close + 1..]);
            let (negate, class) = match class.split_first() {
                Some(('^', tail)) => (true, tail),
                _ => (false, class),
            };
            if class.is_empty() {
                return None;
            }
            let Some((&ch, n_rest)) = n.split_first() else {
                return Some(false);
            };
            let mut hit = false;
            let mut i = 0;
            while i < class.len() {
                if i + 2 < class.len() && class[i + 1] == '-' {
                    hit |= class[i] <= ch && ch <= class[i + 2];
                    i += 3;
                } else {
                    hit |= class[i] == ch;
                    i += 1;
                }
            }
            if hit != negate {
                glob_at(after, n_rest)
            } else {
                Some(false)
            }
        }
        '\\' => {
            let (&lit, rest) = rest.split_first()?;
            match n.split_first() {
                Some((&ch, n_rest)) if ch == lit => glob_at(rest, n_rest),
                _ => Some(false),
            }
        }
        _ => match n.split_first() {
            Some((&ch, n_rest)) if ch == c => glob_at(rest, n_rest),
            _ => Some(false),
        },
    }
}

/// The exclusions of one source: the built-in patterns, then every
/// `.sourceignore` in the tree, outer directories before inner ones.
#[derive(Debug, Clone)]
pub struct SourceIgnore {
    patterns: Vec<Pattern>,
}

impl Default for SourceIgnore {
    fn default() -> Self {
        SourceIgnore {
            patterns: DEFAULT_PATTERNS
                .iter()
                .map(|p| Pattern::parse(p, &[]))
                .collect(),
        }
    }
}

impl SourceIgnore {
    /// Reads every `.sourceignore` below `root` (not descending into `.git`),
    /// as source-controller does when it packs the artifact. Load once per
    /// source and share it between the Kustomizations built from it.
    pub fn load(fs: &dyn FileSystem, root: &Path) -> std::io::Result<SourceIgnore> {
        let mut ignore = SourceIgnore::default();
        ignore.load_dir(fs, root, &mut Vec::new())?;
        Ok(ignore)
    }

    /// Adds patterns written as in a `.sourceignore` (a GitRepository's
    /// `spec.ignore`), scoped to the whole source and ranking above the files.
    pub fn add_patterns(&mut self, text: &str) {
        self.read(text, &[]);
    }

    fn read(&mut self, text: &str, domain: &[String]) {
        for line in text.lines() {
            if !line.starts_with('#') && !line.trim().is_empty() {
                self.patterns.push(Pattern::parse(line, domain));
            }
        }
    }

    fn load_dir(
        &mut self,
        fs: &dyn FileSystem,
        dir: &Path,
        domain: &mut Vec<String>,
    ) -> std::io::Result<()> {
        let file = dir.join(IGNORE_FILE);
        if fs.kind(&file) == Some(FileKind::File) {
            let bytes = fs.read(&file)?;
            self.read(&String::from_utf8_lossy(&bytes), domain);
        }
        for (name, kind) in fs.read_dir(dir)? {
            if kind == FileKind::Dir && name != ".git" {
                domain.push(name.clone());
                self.load_dir(fs, &dir.join(&name), domain)?;
                domain.pop();
            }
        }
        Ok(())
    }

    /// Whether the file or directory at `rel` (components from the source
    /// root) is left out of the artifact: the last pattern with an opinion wins.
    pub fn is_ignored(&self, rel: &[&str], is_dir: bool) -> bool {
        self.patterns
            .iter()
            .rev()
            .find_map(|p| p.matches(rel, is_dir))
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignored(patterns: &str, path: &str, is_dir: bool) -> bool {
        let mut ig = SourceIgnore::default();
        ig.add_patterns(patterns);
        ig.is_ignored(&path.split('/').collect::<Vec<_>>(), is_dir)
    }

    #[test]
    fn glob_follows_go_filepath_match() {
        assert!(glob("*.yaml", "a.yaml"));
        assert!(!glob("*.yaml", "a.yml"));
        assert!(glob("a?c", "abc"));
        assert!(glob("[a-c]x", "bx"));
        assert!(!glob("[^a-c]x", "bx"));
        assert!(glob("\\*", "*"));
        assert!(!glob("[", "["));
    }

    #[test]
    fn gitignore_rules_as_go_git_applies_them() {
        // A plain name matches at any depth, including parent directories.
        assert!(ignored("tmp", "apps/tmp/x.yaml", false));
        // An inner slash anchors the pattern at the domain.
        assert!(ignored("apps/*.yaml", "apps/x.yaml", false));
        assert!(!ignored("apps/*.yaml", "sub/apps/x.yaml", false));
        assert!(ignored("/apps", "apps/deep/x.yaml", false));
        // `**` crosses directories.
        assert!(ignored("**/secret.yaml", "a/b/secret.yaml", false));
        // A trailing slash matches directories only.
        assert!(!ignored("notes/", "notes", false));
        assert!(ignored("notes/", "notes/x.yaml", false));
        // The last matching pattern wins; `!` re-includes.
        assert!(!ignored("*.yaml\n!keep.yaml", "keep.yaml", false));
        assert!(ignored("!keep.yaml\n*.yaml", "keep.yaml", false));
        // Comments and blank lines are skipped.
        assert!(!ignored("# x.yaml\n\n", "x.yaml", false));
        // Built-in exclusions.
        assert!(ignored("", "deep/.sops.yaml", false));
        assert!(ignored("", "ci/cloudbuild.yaml", false));
        assert!(ignored("", ".github/workflows/x.yaml", false));
        assert!(!ignored("", "apps/x.yaml", false));
    }

    #[test]
    fn patterns_are_scoped_to_their_directory() {
        let mut fs = krust::MemFs::new();
        fs.add_file("/src/.sourceignore", "/top.yaml\n");
        fs.add_file("/src/apps/.sourceignore", "draft.yaml\n");
        fs.add_file("/src/apps/draft.yaml", "");
        let ig = SourceIgnore::load(&fs, Path::new("/src")).unwrap();
        assert!(ig.is_ignored(&["top.yaml"], false));
        assert!(!ig.is_ignored(&["apps", "top.yaml"], false));
        assert!(ig.is_ignored(&["apps", "draft.yaml"], false));
        assert!(ig.is_ignored(&["apps", "x", "draft.yaml"], false));
        assert!(!ig.is_ignored(&["draft.yaml"], false));
    }
}
