//! Listing the files of a run: the folders given, walked with the `ignore`
//! crate, and the files named on the command line. Names only: what each
//! file is, the repository model decides (see [`crate::project`]).
//!
//! Ignore files decide only which *untracked* files a walk skips: a pull
//! request that adds `*` to `.gitignore` cannot hide the files git tracks.
//! Where git cannot say what it tracks (no git, "dubious ownership" in a
//! container), no ignore file is applied at all, and the run says so.
//! Symlinks are resolved through the [`Tree`]: one that points out of the
//! tree or nowhere is skipped with a note, never followed and never fatal.

mod git;
mod walk;

use crate::project::Listed;
use crate::tree::{Place, Tree};
use std::path::{Path, PathBuf};
use walk::walk;

pub use crate::project::FileKind;

/// The files to decide on, and what was skipped that the user should hear of.
#[derive(Debug, Default)]
pub struct Listing {
    pub files: Vec<Listed>,
    /// One line each, for stderr: `path: why it was skipped`.
    pub notes: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// `--no-ignore`: walk every file, ignore files or not.
    pub no_ignore: bool,
    /// Threads a walk may use (`--jobs`; 0 or 1: one).
    pub jobs: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{path}: no such file or folder")]
    NotFound { path: String },
    #[error("{path}: is a {kind}, not a file or folder tripline can check")]
    Special { path: String, kind: &'static str },
    #[error("{path}: {message}")]
    Unreadable { path: String, message: String },
}

const VCS_DIRS: &[&str] = &[".git", ".hg", ".svn", ".jj"];

/// More files than this in one listing are not listed: a run started at
/// `/` must not walk the whole machine.
pub const MAX_LISTED_FILES: usize = 200_000;

fn shown(path: &Path) -> String {
    crate::source::display_path(&crate::source::normalize(path))
}

/// Lists `folders` (walked) and `named` (files named on the command line),
/// sorted and without duplicates. A file both walked and named is named.
pub fn list(
    folders: &[PathBuf],
    named: &[PathBuf],
    tree: &Tree,
    options: &Options,
) -> Result<Listing, DiscoverError> {
    let mut out = Listing::default();
    for root in named {
        if tree.stdin_for(root).is_some() {
            out.files.push(Listed {
                path: root.clone(),
                explicit: true,
            });
            continue;
        }
        let meta = std::fs::symlink_metadata(root).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => DiscoverError::NotFound { path: shown(root) },
            _ => DiscoverError::Unreadable {
                path: shown(root),
                message: e.to_string(),
            },
        })?;
        let place = if meta.file_type().is_symlink() {
            tree.resolve(root)
        } else if meta.is_file() {
            Place::File(root.clone())
        } else if meta.is_dir() {
            Place::Dir(root.clone())
        } else {
            Place::Special(root.clone(), special_kind(&meta))
        };
        match place {
            Place::File(_) => out.files.push(Listed {
                path: root.clone(),
                explicit: true,
            }),
            Place::Dir(_) => walk(root, tree, options, &mut out),
            Place::Special(_, kind) => {
                return Err(DiscoverError::Special {
                    path: shown(root),
                    kind,
                })
            }
            Place::Missing(_) | Place::Loop => out
                .notes
                .push(format!("{}: a symlink to nothing; skipped", shown(root))),
            Place::Outside => out.notes.push(format!(
                "{}: a symlink out of the checked tree; skipped",
                shown(root)
            )),
        }
    }
    for root in folders {
        match std::fs::metadata(root) {
            Ok(meta) if meta.is_dir() => walk(root, tree, options, &mut out),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(DiscoverError::NotFound { path: shown(root) })
            }
            Err(e) => {
                return Err(DiscoverError::Unreadable {
                    path: shown(root),
                    message: e.to_string(),
                })
            }
        }
    }
    for f in &mut out.files {
        if !crate::tree::is_normal(&f.path) {
            f.path = crate::source::normalize(&f.path);
        }
    }
    out.files
        .sort_by(|a, b| a.path.cmp(&b.path).then(b.explicit.cmp(&a.explicit)));
    out.files.dedup_by(|later, first| later.path == first.path);
    Ok(out)
}

fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "device";
        }
    }
    let _ = meta;
    "special file"
}
