//! Changing a repository the way its maintainers would by hand: files laid
//! over the tree in memory first ([`krust::LayeredFs`], so the change can be
//! rendered and proven before anything is written), kustomizations edited as text (so their
//! comments and layout survive), and files written whole.

mod kustomization_text;

use std::io;
use std::path::Path;

pub use kustomization_text::{add_patch_entries, remove_patch_entry};

/// Writes `content` to `path` through a temporary file in the same
/// directory and a rename, so a reader never sees half a file.
pub fn write_whole(path: &Path, content: &[u8]) -> io::Result<()> {
    write_whole_pieces(path, &[content])
}

/// [`write_whole`] of content held in pieces, written one after the other
/// (a large render is never joined into one buffer).
pub fn write_whole_pieces(path: &Path, pieces: &[impl AsRef<[u8]>]) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("no parent directory"))?;
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("no file name"))?
        .to_string_lossy();
    let temp = dir.join(format!(".{name}.krust-edit-{}", std::process::id()));
    let written = std::fs::File::create(&temp).and_then(|mut file| {
        pieces
            .iter()
            .try_for_each(|piece| io::Write::write_all(&mut file, piece.as_ref()))
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}
