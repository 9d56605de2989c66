//! Paths as the user sees them.

use std::path::{Path, PathBuf};

/// Paths relative to the working directory when below it, as a user typed them.
pub fn display_path(path: &Path, cwd: Option<&Path>) -> PathBuf {
    let Some(cwd) = cwd else {
        return path.to_path_buf();
    };
    let real_cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    for base in [cwd, real_cwd.as_path()] {
        if let Ok(rel) = path.strip_prefix(base) {
            return if rel.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                rel.to_path_buf()
            };
        }
    }
    path.to_path_buf()
}
