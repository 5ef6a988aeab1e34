//! Files read whole earlier in a run by someone other than their reader
//! (resolving a small file to tell a symlink stub, the repository model
//! deciding what a file is from a head that was all of it): handed over,
//! the next read takes the content instead of opening the file again, once.

use super::{Place, Tree};
use std::path::{Path, PathBuf};
use std::sync::Arc;

impl Tree {
    /// The whole content of a file read earlier in the run and not taken
    /// yet (see the module doc): no need to open it again. Standard input
    /// and buffers are the caller's to ask first.
    pub fn read_earlier(&self, path: &Path) -> Option<(PathBuf, Arc<[u8]>)> {
        let Place::File(real) = self.resolve(path) else {
            return None;
        };
        let bytes = self.read_earlier.lock().ok()?.remove(&real)?;
        Some((real, bytes))
    }

    /// Hands over the whole content of the file at `real`, read by someone
    /// other than its reader: its next read takes it.
    pub fn hand_over(&self, real: PathBuf, bytes: Arc<[u8]>) {
        if let Ok(mut earlier) = self.read_earlier.lock() {
            earlier.insert(real, bytes);
        }
    }

    /// Drops what was handed over and not taken (a zone out of scope need
    /// not be held for the rest of the run).
    pub fn forget_read_earlier(&self) {
        if let Ok(mut earlier) = self.read_earlier.lock() {
            *earlier = Default::default();
        }
    }
}
