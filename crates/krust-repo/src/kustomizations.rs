//! What the repository tools read from kustomizations: the file, its
//! model, and the conventions (which app an overlay renders, which patch
//! files it lists).

use std::path::{Path, PathBuf};

use krust::kustomization::{self, Kustomization};
use krust::{normalize, FileSystem};

use crate::error::{Error, ErrorKind};

/// A file's text; errors name the file.
pub(crate) fn read_text(fs: &dyn FileSystem, path: &Path) -> Result<String, Error> {
    let bytes = fs
        .read(path)
        .map_err(|e| Error::io(path, "cannot read it", e))?;
    String::from_utf8(bytes)
        .map_err(|e| Error::new(ErrorKind::Yaml, format!("not valid UTF-8: {e}")).at(path))
}

/// A kustomization's model, read as krust's build reads it.
pub(crate) fn parse(text: &str, file: &Path) -> Result<Kustomization, Error> {
    let doc = kustomization::load_text(text).map_err(|e| Error::yaml(file, &e))?;
    kustomization::parse_kustomization(doc.as_ref())
        .map_err(|message| Error::new(ErrorKind::Kustomization, message.to_string()).at(file))
}

/// Whether the kustomization renders `app`: one of its `resources` is a
/// directory of that name (`../../base/<app>`).
pub(crate) fn renders_app(model: &Kustomization, app: &str) -> bool {
    model.resources.iter().any(|r| {
        normalize(Path::new(r.trim_end_matches('/')))
            .file_name()
            .is_some_and(|name| name == app)
    })
}

/// The patch files the kustomization lists (`patches` paths and legacy
/// `patchesStrategicMerge` entries), cleaned.
pub(crate) fn listed_patches(model: &Kustomization) -> Vec<PathBuf> {
    model
        .patches
        .iter()
        .filter_map(|p| p.path.as_deref())
        .chain(model.patches_strategic_merge.iter().map(String::as_str))
        .map(|p| normalize(Path::new(p)))
        .collect()
}
