//! Settings files tripline reads for itself (tripline.toml, a baseline),
//! through a [`Tree`] confined to the repository they belong to.

use super::{absolute, ReadError, Tree};
use std::path::{Path, PathBuf};

/// A settings file tripline reads for itself (tripline.toml, a baseline):
/// a regular file inside `within` (the repository it belongs to), at most
/// `limit` bytes, UTF-8. It may come from the pull request, so a symlink
/// out of the repository is refused without looking at what it leads to (a
/// symlink to `/proc/self/environ` would print the runner's environment in
/// the parse error), and a FIFO or `/dev/zero` is an error, not a hang.
pub fn read_settings_file(path: &Path, within: &Path, limit: u64) -> Result<String, String> {
    let tree = Tree::new(&[within.to_path_buf()]);
    let (_, bytes) = tree.read_at_most(path, "", limit).map_err(|e| match e {
        ReadError::Outside { .. } => {
            "outside the repository (or a link leads out of it); not read".to_string()
        }
        ReadError::TooLarge { limit, .. } => format!("larger than {} MB", limit >> 20),
        ReadError::Special { kind, .. } => format!("is a {kind}, not a regular file"),
        ReadError::IsDirectory { .. } => "is a folder, not a regular file".to_string(),
        ReadError::Missing { .. } => "no such file".to_string(),
        ReadError::Loop { .. } => "symlink loop".to_string(),
        ReadError::Changed { .. } => "changed while it was read; not read".to_string(),
        ReadError::Io { source, .. } => source.to_string(),
    })?;
    String::from_utf8(bytes).map_err(|_| "not UTF-8".to_string())
}

/// The folder a settings file is confined to: the repository it is in (the
/// nearest folder above it holding `.git`), else its own folder.
pub fn settings_scope(path: &Path) -> PathBuf {
    let path = absolute(path);
    let folder = path
        .parent()
        .map_or_else(|| path.clone(), Path::to_path_buf);
    folder
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map_or(folder.clone(), Path::to_path_buf)
}
