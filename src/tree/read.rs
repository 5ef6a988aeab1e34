//! Reading a file of the tree: opened below its root without following a
//! link, a regular file only, its size capped while it is read.

use super::{absolute, beneath, special_kind, Place, ReadError, Stamp, Tree, MAX_FILE_BYTES};
use std::io::Read;
use std::path::{Path, PathBuf};

impl Tree {
    /// Reads a regular file inside the tree, at most [`MAX_FILE_BYTES`].
    /// Returns its real path (the identity of the file) and content.
    pub fn read(&self, path: &Path, shown: &str) -> Result<(PathBuf, Vec<u8>), ReadError> {
        self.read_at_most(path, shown, MAX_FILE_BYTES)
    }

    /// [`Tree::read`] with another size limit.
    pub fn read_at_most(
        &self,
        path: &Path,
        shown: &str,
        limit: u64,
    ) -> Result<(PathBuf, Vec<u8>), ReadError> {
        let (real, bytes) = self.read_shared_at_most(path, shown, limit)?;
        Ok((real, bytes.to_vec()))
    }

    /// [`Tree::read`], the content shared rather than copied: what a
    /// long-running process kept of an unchanged file is handed out as it
    /// is (the block itself, so what was worked out from it is found by
    /// identity, not by comparing the bytes).
    pub fn read_shared(
        &self,
        path: &Path,
        shown: &str,
    ) -> Result<(PathBuf, std::sync::Arc<[u8]>), ReadError> {
        self.read_shared_at_most(path, shown, MAX_FILE_BYTES)
    }

    /// [`Tree::read_shared`] with another size limit.
    pub fn read_shared_at_most(
        &self,
        path: &Path,
        shown: &str,
        limit: u64,
    ) -> Result<(PathBuf, std::sync::Arc<[u8]>), ReadError> {
        if let Some(content) = self.stdin_for(path) {
            return Ok((absolute(path), content.into()));
        }
        let remembered = self.remembered_bytes(path);
        if let Some((real, bytes)) = remembered.filter(|(_, b)| b.len() as u64 <= limit) {
            return Ok((real, bytes));
        }
        let earlier = self.read_earlier(path);
        if let Some((real, bytes)) = earlier.filter(|(_, b)| b.len() as u64 <= limit) {
            return Ok((real, bytes));
        }
        let (real, file, meta) = self.open_regular(path, shown)?;
        // Refused by its size before a byte is read; the read is capped too,
        // as a size can change (or lie, in /proc).
        if meta.len() > limit {
            return Err(ReadError::TooLarge {
                path: shown.to_string(),
                limit,
            });
        }
        let warm = (self.warm.as_ref()).map(|warm| (warm, Stamp::of(&meta)));
        if let Some(bytes) = warm.and_then(|(warm, stamp)| warm.bytes(&real, stamp)) {
            return Ok((real, bytes));
        }
        // Sized from the file's length: grown by doubling, a 1.3 MB
        // configuration was copied and faulted in eight times over.
        let expected = meta.len().min(limit) as usize;
        let mut bytes = Vec::with_capacity(expected.saturating_add(1));
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| ReadError::Io {
                path: shown.to_string(),
                source,
            })?;
        if bytes.len() as u64 > limit {
            return Err(ReadError::TooLarge {
                path: shown.to_string(),
                limit,
            });
        }
        let bytes: std::sync::Arc<[u8]> = bytes.into();
        if let Some((warm, stamp)) = warm {
            // Only what was read whole at the size the stamp says: a file
            // growing as it is read is read again next time.
            if meta.len() == bytes.len() as u64 {
                warm.keep_bytes(&real, stamp, bytes.clone());
            }
        }
        Ok((real, bytes))
    }

    /// Opens a regular file inside the tree for reading. Returns its real
    /// path and the open file, which is a regular file inside the tree
    /// whatever changed on disk since the path was resolved.
    pub fn open(&self, path: &Path, shown: &str) -> Result<(PathBuf, std::fs::File), ReadError> {
        self.open_regular(path, shown)
            .map(|(real, file, _)| (real, file))
    }

    /// [`Tree::open`], with what the open file's `fstat` said (its size:
    /// a reader need not ask again).
    fn open_regular(
        &self,
        path: &Path,
        shown: &str,
    ) -> Result<(PathBuf, std::fs::File, std::fs::Metadata), ReadError> {
        let shown = || shown.to_string();
        let real = match self.resolve(path) {
            Place::File(real) => real,
            Place::Dir(_) => return Err(ReadError::IsDirectory { path: shown() }),
            Place::Missing(_) => return Err(ReadError::Missing { path: shown() }),
            Place::Special(_, kind) => {
                return Err(ReadError::Special {
                    path: shown(),
                    kind,
                })
            }
            Place::Outside => return Err(ReadError::Outside { path: shown() }),
            Place::Loop => return Err(ReadError::Loop { path: shown() }),
        };
        let file = self.open_resolved(&real).map_err(|source| {
            if is_link_refused(&source) {
                ReadError::Changed { path: shown() }
            } else {
                ReadError::Io {
                    path: shown(),
                    source,
                }
            }
        })?;
        // The path was a regular file a moment ago; make sure what was
        // opened still is one before reading from it.
        let meta = file.metadata().map_err(|source| ReadError::Io {
            path: shown(),
            source,
        })?;
        if !meta.is_file() {
            return Err(ReadError::Special {
                path: shown(),
                kind: special_kind(&meta),
            });
        }
        Ok((real, file, meta))
    }

    /// Opens a path [`Tree::resolve`] found to be a file, from the folder
    /// of the root it is under, never following a link: a link swapped in
    /// for the file or a folder on its way since it was resolved fails the
    /// open instead of leading out of the tree.
    pub(super) fn open_resolved(&self, real: &Path) -> std::io::Result<std::fs::File> {
        let Some(roots) = &self.roots else {
            return std::fs::File::open(real);
        };
        let below = roots.iter().find_map(|r| {
            [&r.real, &r.given]
                .into_iter()
                .find_map(|root| Some((root, real.strip_prefix(root).ok()?)))
        });
        match below {
            Some((root, rest)) => self.open_below(root, rest),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "outside the checked tree",
            )),
        }
    }

    /// [`beneath::open`] from the root folder opened once per run.
    #[cfg(unix)]
    fn open_below(&self, root: &Path, rest: &Path) -> std::io::Result<std::fs::File> {
        if rest.as_os_str().is_empty() {
            return beneath::open(root, rest);
        }
        let opened = (self.root_dirs.lock().ok()).and_then(|dirs| dirs.get(root).cloned());
        let dir = match opened {
            Some(dir) => dir,
            None => {
                let dir = std::sync::Arc::new(beneath::open_dir(root)?);
                if let Ok(mut dirs) = self.root_dirs.lock() {
                    dirs.insert(root.to_path_buf(), std::sync::Arc::clone(&dir));
                }
                dir
            }
        };
        beneath::open_in(&dir, rest)
    }

    #[cfg(not(unix))]
    fn open_below(&self, root: &Path, rest: &Path) -> std::io::Result<std::fs::File> {
        beneath::open(root, rest)
    }
}

/// Whether an open failed because a link stood where a file or folder
/// was: `ELOOP` for the last component, `ENOTDIR` for a folder, `EXDEV`
/// where the kernel refused to leave the root.
fn is_link_refused(error: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        let codes = [
            rustix::io::Errno::LOOP.raw_os_error(),
            rustix::io::Errno::NOTDIR.raw_os_error(),
            rustix::io::Errno::XDEV.raw_os_error(),
        ];
        error
            .raw_os_error()
            .is_some_and(|code| codes.contains(&code))
    }
    #[cfg(not(unix))]
    {
        let _ = error;
        false
    }
}
