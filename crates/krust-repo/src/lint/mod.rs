//! `render lint`: the conventions GitOps monorepos write down and check by
//! hand, checked mechanically.
//!
//! The repositories this serves keep `<group>/base/<app>/` manifests,
//! `<group>/components/<feature>/` components and one overlay per
//! environment in `<group>/overlays/<env>/`, with small intent-named patches
//! in `<env>/<app>/`. A patch named `_x.yaml` belongs to its environment; any
//! other patch is promoted from overlay to overlay by copying the file.
//! [`lint`] reports what breaks those conventions ([`RuleId`] lists the
//! rules) and what kustomize would reject, as [`Finding`]s that name the file
//! and, where known, the line, and say what to do.
//!
//! # Which directories are overlays
//!
//! A kustomization directory whose parent directory is named `overlays`, or
//! any directory passed in [`LintOptions::roots`] (for layouts such as
//! `clusters/<name>/`). The name is a heuristic: it matches every repository
//! in the field guide and needs no configuration, and a repository laid out
//! otherwise lists its roots.
//!
//! # Input
//!
//! Lint reads through a [`krust::FileSystem`], so a git revision's tree held
//! in memory lints like a checkout. That trait reads files but does not list
//! directories, so the caller passes the listing; [`files_on_disk`] makes one
//! for a checkout, and [`lint_on_disk`] does both. Directories whose name
//! starts with a dot (`.git`, `.github`) are not linted.
//!
//! ```
//! use krust::MemFs;
//! use krust_repo::lint::{lint, LintOptions, RuleId};
//!
//! let mut fs = MemFs::new();
//! fs.add_file("/repo/apps/overlays/dev/kustomization.yaml", "bases: [../../base/api]\n");
//! fs.add_file("/repo/apps/base/api/kustomization.yaml", "resources: []\n");
//! let files = ["apps/overlays/dev/kustomization.yaml", "apps/base/api/kustomization.yaml"];
//! let files: Vec<_> = files.iter().map(Into::into).collect();
//! let report = lint(&fs, "/repo".as_ref(), &files, &LintOptions::default());
//! assert_eq!(report.findings.len(), 1);
//! assert_eq!(report.findings[0].rule, RuleId::DeprecatedField);
//! assert_eq!(report.findings[0].line, Some(1));
//! assert_eq!(report.exit_code(), 1);
//! ```

mod outline;
mod rules;
mod tree;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use krust::{DiskFs, FileSystem};

use tree::Tree;

/// The rules, in the order their summaries are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleId {
    /// `invalid-kustomization`: a kustomization file cannot be read or
    /// parsed, so nothing it references can be checked.
    InvalidKustomization,
    /// `cross-overlay-reference`: an overlay names a file (or directory) of
    /// another overlay.
    CrossOverlayReference,
    /// `unreferenced-patch`: a YAML file in an overlay's app subdirectory
    /// that no kustomization names.
    UnreferencedPatch,
    /// `missing-file`: an entry names a path that does not exist (or a
    /// directory without a kustomization).
    MissingFile,
    /// `yml-extension`: a `.yml` file where the convention is `.yaml`.
    YmlExtension,
    /// `unpromoted-patch`: a promotable patch present in some overlays of a
    /// group and absent from others that render the same app.
    UnpromotedPatch,
    /// `deprecated-field`: `bases`, `patchesStrategicMerge`,
    /// `patchesJson6902`, `commonLabels`, `vars` or `imageTags`.
    DeprecatedField,
}

impl RuleId {
    /// Every rule.
    pub const ALL: [RuleId; 7] = [
        RuleId::InvalidKustomization,
        RuleId::CrossOverlayReference,
        RuleId::UnreferencedPatch,
        RuleId::MissingFile,
        RuleId::YmlExtension,
        RuleId::UnpromotedPatch,
        RuleId::DeprecatedField,
    ];

    /// The stable id printed with findings (for grepping and suppressing).
    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::InvalidKustomization => "invalid-kustomization",
            RuleId::CrossOverlayReference => "cross-overlay-reference",
            RuleId::UnreferencedPatch => "unreferenced-patch",
            RuleId::MissingFile => "missing-file",
            RuleId::YmlExtension => "yml-extension",
            RuleId::UnpromotedPatch => "unpromoted-patch",
            RuleId::DeprecatedField => "deprecated-field",
        }
    }

    /// The rule whose id is `id`.
    pub fn from_id(id: &str) -> Option<RuleId> {
        RuleId::ALL.into_iter().find(|r| r.as_str() == id)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing to fix.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// The file to edit, relative to the linted directory (so the reports of
    /// two checkouts or revisions compare equal).
    pub file: PathBuf,
    /// 1-based line in `file`, where known.
    pub line: Option<usize>,
    /// Which rule.
    pub rule: RuleId,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for Finding {
    /// `file:line: rule-id: message`, the shape editors and CI annotations parse.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}: {}", self.rule, self.message)
    }
}

/// What to lint besides the defaults.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// Directories that are overlays whatever their parent is named
    /// (`clusters/prod`), relative to the linted directory or absolute.
    pub roots: Vec<PathBuf>,
}

/// Counts for the closing line of a lint run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files linted (outside hidden directories).
    pub files: usize,
    /// Kustomization directories found, broken ones included.
    pub kustomizations: usize,
    /// Of which overlays.
    pub overlays: usize,
    /// Findings per rule; rules without findings are absent.
    pub by_rule: BTreeMap<RuleId, usize>,
    /// Distinct files named by findings.
    pub files_with_findings: usize,
}

impl Summary {
    /// All findings.
    pub fn findings(&self) -> usize {
        self.by_rule.values().sum()
    }
}

impl fmt::Display for Summary {
    /// `3 findings in 2 files (1 deprecated-field, 2 unpromoted-patch); 9
    /// kustomizations, 3 overlays, 40 files`, or `no findings; ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        if self.by_rule.is_empty() {
            f.write_str("no findings")?;
        } else {
            let rules: Vec<String> = self
                .by_rule
                .iter()
                .map(|(rule, n)| format!("{n} {rule}"))
                .collect();
            write!(
                f,
                "{} in {} ({})",
                plural(self.findings(), "finding"),
                plural(self.files_with_findings, "file"),
                rules.join(", ")
            )?;
        }
        write!(
            f,
            "; {}, {}, {}",
            plural(self.kustomizations, "kustomization"),
            plural(self.overlays, "overlay"),
            plural(self.files, "file")
        )
    }
}

/// The findings of one run, sorted by file, line, rule and message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// What to fix.
    pub findings: Vec<Finding>,
    /// Counts.
    pub summary: Summary,
}

impl Report {
    /// Whether nothing was found.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    /// The process exit status for a lint command: 0 when clean, 1 with findings.
    pub fn exit_code(&self) -> u8 {
        u8::from(!self.is_clean())
    }
}

/// Lints the tree at `dir` (an absolute path in `fs`), given every file in
/// it: `files` are absolute or relative to `dir`; those outside `dir` or in
/// hidden directories are ignored.
///
/// Never fails: an unreadable or unparsable kustomization is itself a
/// finding (`invalid-kustomization`), and rules that would need what it
/// references skip it rather than guess.
pub fn lint(fs: &dyn FileSystem, dir: &Path, files: &[PathBuf], options: &LintOptions) -> Report {
    let tree = Tree::load(fs, dir, files, &options.roots);
    let mut findings = tree.findings.clone();
    findings.extend(rules::cross_overlay_references(&tree));
    findings.extend(rules::unreferenced_patches(&tree));
    findings.extend(rules::missing_files(&tree));
    findings.extend(rules::yml_files(&tree));
    findings.extend(rules::unpromoted_patches(&tree));
    findings.extend(rules::deprecated_fields(&tree));
    findings.sort();
    findings.dedup();
    let mut by_rule = BTreeMap::new();
    for finding in &findings {
        *by_rule.entry(finding.rule).or_insert(0) += 1;
    }
    let files_with_findings = findings
        .iter()
        .map(|f| &f.file)
        .collect::<BTreeSet<_>>()
        .len();
    let summary = Summary {
        files: tree.files.len(),
        kustomizations: tree.kustomizations.len() + tree.broken.len(),
        overlays: tree.overlays.len(),
        by_rule,
        files_with_findings,
    };
    Report { findings, summary }
}

/// Every file below `dir` on disk, sorted, skipping hidden directories and
/// not following symlinked directories (which can loop).
pub fn files_on_disk(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current)? {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                if !entry.file_name().to_string_lossy().starts_with('.') {
                    pending.push(path);
                }
            } else if kind.is_file() || (kind.is_symlink() && path.is_file()) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Lints a checkout: [`files_on_disk`] then [`lint`] through [`DiskFs`].
/// Fails only when the directory cannot be listed.
pub fn lint_on_disk(dir: &Path, options: &LintOptions) -> io::Result<Report> {
    let dir = std::path::absolute(dir)?;
    let files = files_on_disk(&dir)?;
    Ok(lint(&DiskFs, &dir, &files, options))
}
