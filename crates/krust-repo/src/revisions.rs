//! Two revisions of a repository compared root by root (`render diff
//! --base`, `render verify-noop`): both read from git without a checkout,
//! or the base against the working tree, each rendered through its own build
//! graph.

use std::path::{Path, PathBuf};

use krust::{BuildOptions, DiskFs, FileSystem, MemFs};

use crate::affected::{
    affected_roots, changes_kustomization, input_dirs, AffectedRoot, KustomizationIndex,
};
use crate::flux::AffectedKustomization;
use krust_diff::sides::{compare_sides, Side};
use krust_diff::{DiffOptions, Pairing, RepoDiff};

use crate::error::{Error, ErrorKind};
use crate::git::{self, RevisionTree, TreeFilter};

/// What to compare between two revisions.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RevisionDiff<'a> {
    /// A directory inside the repository (the roots are found from here).
    pub dir: PathBuf,
    /// The base revision.
    pub base: &'a str,
    /// The head revision; `None` is the working tree.
    pub head: Option<&'a str>,
    /// Roots to compare, absolute.
    pub roots: Vec<PathBuf>,
    /// Also every top-level kustomization below this directory, found on
    /// either side.
    pub all: Option<PathBuf>,
    /// With `all`, also kustomizations that others use as resources.
    pub include_bases: bool,
    /// Compare what this Flux cluster directory (relative to `dir`, which
    /// must then be the repository root) gets, per Flux Kustomization,
    /// instead of roots.
    pub flux: Option<PathBuf>,
    /// How to build.
    pub options: BuildOptions,
    /// How resources pair (exactly, by default: revisions of one root).
    pub pairing: Pairing,
    /// Compare only the roots the change can reach ([`crate::affected`]).
    pub changed_only: bool,
    /// With `flux`, also render HelmReleases through helm and compare what
    /// each installs.
    pub helm_releases: Option<krust_flux::helm::HelmOptions>,
    /// Fold helm's noise out of changed resources (see
    /// [`DiffOptions::ignore_helm_noise`]).
    pub ignore_helm_noise: bool,
}

/// Both sides, read: the base revision in memory, the head in memory or
/// the working tree.
struct Loaded {
    base: MemFs,
    head: Option<MemFs>,
}

impl Loaded {
    fn head(&self) -> &dyn FileSystem {
        match &self.head {
            Some(fs) => fs,
            None => &DiskFs,
        }
    }

    /// Both sides' kustomizations, to be read once for every question.
    fn indexes(&self) -> (KustomizationIndex<'_>, KustomizationIndex<'_>) {
        (
            KustomizationIndex::new(&self.base),
            KustomizationIndex::new(self.head()),
        )
    }
}

/// Both revisions listed (no file read yet), to read all or part of.
struct Trees {
    top: PathBuf,
    base: RevisionTree,
    head: Option<RevisionTree>,
}

impl Trees {
    fn open(dir: &Path, base: &str, head: Option<&str>) -> Result<Trees, Error> {
        // Git finds the repository from any directory in it: the top and
        // both revisions are asked for at once.
        // Both revisions through one git process, which lists the trees
        // they share once.
        let revs: Vec<&str> = std::iter::once(base).chain(head).collect();
        let (top, trees) = rayon::join(
            || git::repository_top(dir),
            || RevisionTree::open_all(dir, &revs),
        );
        // Outside a repository, git says so best when asked for the top.
        let top = top.map_err(Error::git)?;
        let (base, head) = base_and_head(trees.map_err(Error::git)?)?;
        Ok(Trees { top, base, head })
    }

    /// The files that differ between the revisions: from both listings,
    /// or from git for the working tree.
    fn changed(&self) -> Result<Vec<PathBuf>, Error> {
        match &self.head {
            Some(head) => Ok(self.base.changed_paths_to(head, &self.top)),
            None => git::changed_paths(&self.top, self.base.rev(), None).map_err(Error::git),
        }
    }

    /// The files `filter` selects, of both revisions at once.
    fn read(&self, filter: &TreeFilter) -> Result<Loaded, Error> {
        let trees: Vec<&RevisionTree> = std::iter::once(&self.base).chain(&self.head).collect();
        let read = RevisionTree::read_all(&trees, &self.top, filter).map_err(Error::git)?;
        let (base, head) = base_and_head(read)?;
        Ok(Loaded { base, head })
    }
}

/// The base's item and the head's, if asked for: git answers in the order
/// asked.
fn base_and_head<T>(items: Vec<T>) -> Result<(T, Option<T>), Error> {
    let mut items = items.into_iter();
    let base = items
        .next()
        .ok_or_else(|| Error::new(ErrorKind::Git, "git answered for no revision"))?;
    Ok((base, items.next()))
}

impl<'a> RevisionDiff<'a> {
    /// `base` against the working tree in `dir`, no roots yet.
    pub fn new(dir: impl Into<PathBuf>, base: &'a str) -> RevisionDiff<'a> {
        RevisionDiff {
            dir: dir.into(),
            base,
            head: None,
            roots: Vec::new(),
            all: None,
            include_bases: false,
            flux: None,
            options: BuildOptions::default(),
            pairing: Pairing::Exact,
            changed_only: false,
            helm_releases: None,
            ignore_helm_noise: false,
        }
    }

    /// The same comparison of only the roots the change can reach.
    pub fn changed_only(mut self, changed_only: bool) -> Self {
        self.changed_only = changed_only;
        self
    }

    /// The roots the change between the revisions can reach, and why: from
    /// the kustomization files alone, no other file is read.
    pub fn affected(&self) -> Result<Vec<AffectedRoot>, Error> {
        let trees = Trees::open(&self.dir, self.base, self.head)?;
        let (sides, changed) = Self::kustomizations(&trees)?;
        let (base, head) = sides.indexes();
        self.affected_in(&base, &head, &changed)
    }

    /// The Flux Kustomizations of the cluster directory `cluster` (relative
    /// to `dir`, the repository root) the change can reach; both revisions
    /// are read whole and the cluster rendered on each.
    pub fn affected_flux(&self, cluster: &Path) -> Result<Vec<AffectedKustomization>, Error> {
        let trees = Trees::open(&self.dir, self.base, self.head)?;
        let sides = trees.read(&TreeFilter::all())?;
        let changed = trees.changed()?;
        Ok(crate::flux::affected_kustomizations(
            &sides.base,
            sides.head(),
            &self.dir,
            cluster,
            &changed,
            self.options.kustomize_version,
        ))
    }

    /// Both sides' kustomization files (read while git lists the changed
    /// files), and the changed files.
    fn kustomizations(trees: &Trees) -> Result<(Loaded, Vec<PathBuf>), Error> {
        let (sides, changed) = rayon::join(
            || trees.read(&TreeFilter::kustomizations()),
            || trees.changed(),
        );
        Ok((sides?, changed?))
    }

    /// The affected roots, from both sides' kustomizations.
    fn affected_in(
        &self,
        base: &KustomizationIndex,
        head: &KustomizationIndex,
        changed: &[PathBuf],
    ) -> Result<Vec<AffectedRoot>, Error> {
        // Without a kustomization file changed, both sides have the same roots.
        let roots = if changes_kustomization(changed) {
            self.roots_on(&[base, head])?
        } else {
            self.roots_on(&[base])?
        };
        Ok(affected_roots(base, head, &roots, changed))
    }

    /// The roots to render and both sides read far enough to render them:
    /// every root and the whole trees, or (changed only) the affected roots
    /// and what their builds read.
    fn sides(&self) -> Result<(Vec<PathBuf>, Loaded), Error> {
        let trees = Trees::open(&self.dir, self.base, self.head)?;
        if !self.changed_only {
            let sides = trees.read(&TreeFilter::all())?;
            let (base, head) = sides.indexes();
            let roots = self.roots_on(&[&base, &head])?;
            return Ok((roots, sides));
        }
        let (kustomizations, changed) = Self::kustomizations(&trees)?;
        let (base, head) = kustomizations.indexes();
        let affected = self.affected_in(&base, &head, &changed)?;
        let roots: Vec<PathBuf> = affected.into_iter().map(|a| a.root).collect();
        let read = input_dirs(&[&base, &head], &roots);
        let under = read
            .iter()
            .filter_map(|dir| dir.strip_prefix(&trees.top).ok())
            .map(Path::to_path_buf);
        Ok((roots, trees.read(&TreeFilter::under(under))?))
    }

    /// The same comparison pairing resources by `pairing`.
    pub fn with_pairing(mut self, pairing: Pairing) -> Self {
        self.pairing = pairing;
        self
    }

    /// The same comparison with `head` (`None`: the working tree).
    pub fn with_head(mut self, head: Option<&'a str>) -> Self {
        self.head = head;
        self
    }

    /// The same comparison of these roots (absolute paths).
    pub fn with_roots(mut self, roots: Vec<PathBuf>) -> Self {
        self.roots = roots;
        self
    }

    /// The same comparison, also of every root below `dir`.
    pub fn with_all(mut self, dir: Option<PathBuf>, include_bases: bool) -> Self {
        self.all = dir;
        self.include_bases = include_bases;
        self
    }

    /// The same comparison of a Flux cluster directory instead of roots.
    pub fn with_flux(mut self, cluster: Option<PathBuf>) -> Self {
        self.flux = cluster;
        self
    }

    /// The same comparison, rendering HelmReleases with `helm` (`None`: not).
    pub fn with_helm_releases(mut self, helm: Option<krust_flux::helm::HelmOptions>) -> Self {
        self.helm_releases = helm;
        self
    }

    /// The same comparison, folding helm's noise or not.
    pub fn with_helm_noise_ignored(mut self, ignore: bool) -> Self {
        self.ignore_helm_noise = ignore;
        self
    }

    /// The same comparison built with `options`.
    pub fn with_options(mut self, options: BuildOptions) -> Self {
        self.options = options;
        self
    }

    /// Renders both sides and compares them; `show` names roots in the
    /// result. Warnings (a Flux source not mapped, say) come back beside it.
    pub fn run(
        &self,
        show: &(dyn Fn(&Path) -> String + Sync),
    ) -> Result<(RepoDiff, Vec<String>), Error> {
        let head_label = self.head.unwrap_or("working tree");
        if let Some(cluster) = &self.flux {
            let trees = Trees::open(&self.dir, self.base, self.head)?;
            let sides = trees.read(&TreeFilter::all())?;
            return Ok(crate::flux::diff_clusters(
                (&sides.base, self.base),
                (sides.head(), head_label),
                &self.dir,
                cluster,
                self.options.kustomize_version,
                self.helm_releases.as_ref(),
                &self.compare_options(),
            ));
        }
        let (roots, sides) = self.sides()?;
        let old = Side {
            fs: &sides.base,
            label: self.base.to_owned(),
        };
        let new = Side {
            fs: sides.head(),
            label: head_label.to_owned(),
        };
        let diff = compare_sides(
            &old,
            &new,
            &roots,
            show,
            &self.options,
            &self.compare_options(),
        );
        Ok((diff, Vec::new()))
    }

    /// How resources are compared.
    fn compare_options(&self) -> DiffOptions<'static> {
        DiffOptions {
            pairing: self.pairing,
            ignore_helm_noise: self.ignore_helm_noise,
            ..DiffOptions::default()
        }
    }

    /// The roots to compare: those named, and those found below `all` on
    /// either side (a directory missing on one side has no roots there).
    fn roots_on(&self, sides: &[&KustomizationIndex]) -> Result<Vec<PathBuf>, Error> {
        let mut roots = self.roots.clone();
        if let Some(dir) = &self.all {
            for side in sides {
                if side.fs().kind(dir).is_some() {
                    roots.extend(side.roots(dir, self.include_bases).map_err(Error::krust)?);
                }
            }
        }
        roots.sort();
        roots.dedup();
        Ok(roots)
    }
}
