//! Which files of a source reach kustomize-controller at all.
//!
//! source-controller packs a GitRepository into an artifact and leaves out
//! what `.sourceignore` files (and the GitRepository's `spec.ignore`)
//! exclude, plus built-in patterns: when there is no such pattern at all,
//! VCS files, images and archives, CI configuration, `.sops.yaml` and
//! `.flux.yaml`; as soon as there is one, only the VCS files (`.git/`,
//! `.gitignore`, `.gitmodules`, `.gitattributes`) beside them (fluxcd/pkg
//! `artifact/storage.SourceIgnoreFilter`). The controller then builds from
//! that artifact, so an ignored manifest is
//! neither picked up by a generated kustomization nor readable by a written
//! one. The rules are go-git's gitignore dialect, which fluxcd/pkg
//! `sourceignore` uses: patterns are scoped to the directory of the
//! `.sourceignore` holding them, the last matching pattern decides, `!`
//! re-includes, a trailing `/` matches directories only, and a pattern without
//! an inner `/` matches any path component.

use std::path::Path;

use krust::{FileKind, FileSystem};

use crate::error::{Error, ErrorKind};

/// The ignore file source-controller reads in every directory.
pub const IGNORE_FILE: &str = ".sourceignore";

/// source-controller's built-in VCS exclusions (fluxcd/pkg `sourceignore`
/// `ExcludeVCS`), lowest priority; they always apply.
const VCS_PATTERNS: &[&str] = &[".git/", ".gitignore", ".gitmodules", ".gitattributes"];

/// The other built-in exclusions (`ExcludeExt`, `ExcludeCI`,
/// `ExcludeExtra`), after the VCS ones; they apply only to a source without
/// any pattern of its own.
const DEFAULT_PATTERNS: &[&str] = &[
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

/// Go's `filepath.Match` on one path component. A malformed pattern matches
/// nothing, as go-git treats the error.
fn glob(pattern: &str, name: &str) -> bool {
    crate::glob::glob_match(pattern.as_bytes(), name.as_bytes()).unwrap_or(false)
}

/// The exclusions of one source: every `.sourceignore` in the tree (outer
/// directories before inner ones) and `spec.ignore`, after the built-in
/// patterns.
#[derive(Debug, Clone)]
pub struct SourceIgnore {
    /// The built-in patterns that apply: [`VCS_PATTERNS`], then
    /// [`DEFAULT_PATTERNS`] only while `patterns` is empty.
    builtin: Vec<Pattern>,
    /// The source's own patterns, in the order source-controller reads them.
    patterns: Vec<Pattern>,
}

impl Default for SourceIgnore {
    fn default() -> Self {
        let mut ignore = SourceIgnore {
            builtin: Vec::new(),
            patterns: Vec::new(),
        };
        ignore.choose_builtin();
        ignore
    }
}

impl SourceIgnore {
    /// Reads every `.sourceignore` below `root` (not descending into `.git`),
    /// as source-controller does when it packs the artifact. Load once per
    /// source and share it between the Kustomizations built from it.
    ///
    /// A file or directory that cannot be read is an [`ErrorKind::Source`]
    /// error naming it, saying what the I/O error says.
    pub fn load(fs: &dyn FileSystem, root: &Path) -> Result<SourceIgnore, Error> {
        let mut ignore = SourceIgnore::default();
        ignore.load_dir(fs, root, &mut Vec::new())?;
        ignore.choose_builtin();
        Ok(ignore)
    }

    /// Adds patterns written as in a `.sourceignore` (a GitRepository's
    /// `spec.ignore`), scoped to the whole source and ranking above the files.
    pub fn add_patterns(&mut self, text: &str) {
        self.read(text, &[]);
        self.choose_builtin();
    }

    /// Whether the source has patterns of its own, which turns off the
    /// built-in exclusions other than the VCS ones.
    pub fn has_patterns(&self) -> bool {
        !self.patterns.is_empty()
    }

    fn choose_builtin(&mut self) {
        let defaults: &[&str] = if self.patterns.is_empty() {
            DEFAULT_PATTERNS
        } else {
            &[]
        };
        self.builtin = VCS_PATTERNS
            .iter()
            .chain(defaults)
            .map(|p| Pattern::parse(p, &[]))
            .collect();
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
    ) -> Result<(), Error> {
        let unreadable = |path: &Path, e| Error::io(path, e).with_kind(ErrorKind::Source);
        let file = dir.join(IGNORE_FILE);
        if fs.kind(&file) == Some(FileKind::File) {
            let bytes = fs.read(&file).map_err(|e| unreadable(&file, e))?;
            self.read(&String::from_utf8_lossy(&bytes), domain);
        }
        for (name, kind) in fs.read_dir(dir).map_err(|e| unreadable(dir, e))? {
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
        self.builtin
            .iter()
            .chain(&self.patterns)
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
        // Go: `[a-]` is a syntax error, `[\]]` matches `]`.
        assert!(!glob("[a-]", "a"));
        assert!(glob("[\\]]", "]"));
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
    fn any_pattern_turns_off_the_built_in_exclusions_but_the_vcs_ones() {
        // source-controller's SourceIgnoreFilter: the defaults only without
        // patterns; with one, the VCS patterns are kept beside it.
        for path in [
            "deep/.sops.yaml",
            "ci/cloudbuild.yaml",
            ".github/workflows/x.yaml",
            "logo.png",
            ".flux.yaml",
        ] {
            assert!(ignored("", path, false), "{path}");
            assert!(!ignored("unrelated.yaml", path, false), "{path}");
        }
        for path in [
            ".git/config",
            "sub/.gitignore",
            ".gitmodules",
            "a/.gitattributes",
        ] {
            assert!(ignored("unrelated.yaml", path, false), "{path}");
        }
        // Comments and blank lines are no patterns.
        assert!(ignored("# only a comment\n\n", "logo.png", false));
        let mut fs = krust::MemFs::new();
        fs.add_file("/src/apps/.sourceignore", "draft.yaml\n");
        fs.add_file("/src/.github/ci.yaml", "");
        let ig = SourceIgnore::load(&fs, Path::new("/src")).unwrap();
        assert!(ig.has_patterns());
        assert!(!ig.is_ignored(&[".github", "ci.yaml"], false));
        let mut fs = krust::MemFs::new();
        fs.add_file("/src/apps/.sourceignore", "# nothing\n");
        fs.add_file("/src/.github/ci.yaml", "");
        let ig = SourceIgnore::load(&fs, Path::new("/src")).unwrap();
        assert!(!ig.has_patterns());
        assert!(ig.is_ignored(&[".github", "ci.yaml"], false));
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
