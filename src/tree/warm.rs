//! What a long-running process (the language server) keeps between checks
//! of the same tree: each file's content and what was worked out from it,
//! valid while the file's stamp (size, times, inode) is unchanged.
//!
//! A one-shot run never holds one: it reads each file once anyway. The
//! server checks the same 2,000-site tree at every keystroke, and reading
//! and sniffing its 3,500 files again was most of each answer.

use std::any::Any;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::watch::Watch;

/// What says a file is unchanged since it was read: a write changes its
/// modification or change time, a replacement its inode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    changed: (i64, i64),
    #[cfg(unix)]
    inode: (u64, u64),
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            changed: (meta.ctime(), meta.ctime_nsec()),
            #[cfg(unix)]
            inode: (meta.dev(), meta.ino()),
        }
    }

    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.len
    }
}

/// One file's content and what was derived from it, for one stamp.
struct Entry {
    stamp: Stamp,
    bytes: Option<Arc<[u8]>>,
    derived: HashMap<&'static str, Arc<dyn Any + Send + Sync>>,
}

/// Files by real path (as [`super::Tree::resolve`] found them).
#[derive(Default)]
pub struct Warm {
    files: Mutex<foldhash::HashMap<PathBuf, Entry>>,
    /// Paths that resolved to themselves, a regular file with no link on
    /// the way, with the file's stamp (not following the last component).
    plain_files: Mutex<foldhash::HashMap<PathBuf, Stamp>>,
    /// The folders watched, when the process watches them: then what is
    /// known of their entries is kept from one run to the next until an
    /// event says it changed, instead of being asked again at every run.
    watch: Option<Watch>,
    /// With `watch`: the stamp `lstat` found for each file of a watched
    /// folder, until the file is written to or an entry moves.
    stamps: Mutex<foldhash::HashMap<PathBuf, Stamp>>,
    /// With `watch`: what was worked out from the entries of watched
    /// folders (a walk's listing), until an entry is created, removed or
    /// renamed.
    listings: Mutex<HashMap<(&'static str, PathBuf), Kept>>,
}

/// A value worked out and kept, of the type its key says.
type Kept = Arc<dyn Any + Send + Sync>;

impl std::fmt::Debug for Warm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let files = self.files.lock().map_or(0, |files| files.len());
        f.debug_struct("Warm").field("files", &files).finish()
    }
}

impl Warm {
    /// A store that also watches the folders it knows files of, where the
    /// system can (Linux): a run then asks the file system only about
    /// what changed since the last one.
    pub fn watching() -> Warm {
        Warm {
            watch: Watch::start(),
            ..Warm::default()
        }
    }

    /// Takes the events queued since the last run and forgets what they
    /// touch. Every run starts with this, before it looks at a file.
    pub fn catch_up(&self) {
        let Some(watch) = &self.watch else {
            return;
        };
        let changes = watch.changes();
        if changes.everything {
            if let Ok(mut stamps) = self.stamps.lock() {
                stamps.clear();
            }
            if let Ok(mut listings) = self.listings.lock() {
                listings.clear();
            }
            return;
        }
        if changes.listing {
            if let Ok(mut listings) = self.listings.lock() {
                listings.clear();
            }
        }
        if let Ok(mut stamps) = self.stamps.lock() {
            for path in &changes.written {
                stamps.remove(path);
            }
            // A folder moved or re-linked: every path through it.
            if !changes.moved.is_empty() {
                stamps.retain(|path, _| !changes.moved.iter().any(|m| path.starts_with(m)));
            }
        }
    }

    /// Whether this store watches folders.
    pub fn watches(&self) -> bool {
        self.watch.is_some()
    }

    /// Watches `folder`, when this store watches: true when what is in
    /// it is vouched for from now on. Call before looking at the folder.
    pub fn watch_folder(&self, folder: &Path) -> bool {
        self.watch.as_ref().is_some_and(|w| w.watch(folder))
    }

    /// The stamp of `path`, a file of a watched folder, as `lstat` last
    /// found it, if nothing changed it since.
    pub fn watched_stamp(&self, path: &Path) -> Option<Stamp> {
        self.watch.as_ref()?;
        self.stamps.lock().ok()?.get(path).copied()
    }

    /// Keeps `stamp`, taken after `path`'s folder was watched.
    pub fn keep_watched_stamp(&self, path: &Path, stamp: Stamp) {
        if let Ok(mut stamps) = self.stamps.lock() {
            stamps.insert(path.to_path_buf(), stamp);
        }
    }

    /// What `what` worked out of the entries of watched folders for `key`,
    /// if no entry was created, removed or renamed since.
    pub fn listing<T: Any + Send + Sync + Clone>(
        &self,
        what: &'static str,
        key: &Path,
    ) -> Option<T> {
        self.watch.as_ref()?;
        let listings = self.listings.lock().ok()?;
        listings
            .get(&(what, key.to_path_buf()))?
            .downcast_ref::<T>()
            .cloned()
    }

    /// Keeps `value`, worked out of folders each watched before it was
    /// looked at.
    pub fn keep_listing<T: Any + Send + Sync>(&self, what: &'static str, key: &Path, value: T) {
        if self.watch.is_none() {
            return;
        }
        if let Ok(mut listings) = self.listings.lock() {
            listings.insert((what, key.to_path_buf()), Arc::new(value));
        }
    }

    /// Runs `f` on the entry of `real` when it is still `stamp`'s, else on a
    /// fresh one that replaces it.
    fn with_entry<T>(&self, real: &Path, stamp: Stamp, f: impl FnOnce(&mut Entry) -> T) -> T {
        let mut fresh = Entry {
            stamp,
            bytes: None,
            derived: HashMap::new(),
        };
        let Ok(mut files) = self.files.lock() else {
            // A thread panicked holding the lock: nothing cached is trusted.
            return f(&mut fresh);
        };
        // Looked up before an entry is made: most lookups find one, and
        // making one copies the path.
        if let Some(entry) = files.get_mut(real) {
            if entry.stamp != stamp {
                *entry = fresh;
            }
            return f(entry);
        }
        f(files.entry(real.to_path_buf()).or_insert(fresh))
    }

    /// The content read of `real` at `stamp`, if any.
    pub fn bytes(&self, real: &Path, stamp: Stamp) -> Option<Arc<[u8]>> {
        self.with_entry(real, stamp, |e| e.bytes.clone())
    }

    pub fn keep_bytes(&self, real: &Path, stamp: Stamp, bytes: Arc<[u8]>) {
        self.with_entry(real, stamp, |e| e.bytes = Some(bytes));
    }

    /// Whether `path` resolved to itself, a plain file, when it had `stamp`.
    pub fn is_plain_file(&self, path: &Path, stamp: Stamp) -> bool {
        (self.plain_files.lock()).is_ok_and(|files| files.get(path) == Some(&stamp))
    }

    pub fn keep_plain_file(&self, path: &Path, stamp: Stamp) {
        if let Ok(mut files) = self.plain_files.lock() {
            files.insert(path.to_path_buf(), stamp);
        }
    }

    /// What `what` worked out of `real` at `stamp`, if it did.
    pub fn derived<T: Any + Send + Sync + Clone>(
        &self,
        real: &Path,
        stamp: Stamp,
        what: &'static str,
    ) -> Option<T> {
        self.with_entry(real, stamp, |e| {
            e.derived.get(what)?.downcast_ref::<T>().cloned()
        })
    }

    pub fn keep_derived<T: Any + Send + Sync>(
        &self,
        real: &Path,
        stamp: Stamp,
        what: &'static str,
        value: T,
    ) {
        self.with_entry(real, stamp, |e| {
            e.derived.insert(what, Arc::new(value));
        });
    }
}

/// A file as it was when a run looked at it: its path as asked (what is
/// derived may depend on the name) and its stamp, taken before the file is
/// read, so that what is worked out is never filed under a later version.
pub struct WarmKey {
    path: PathBuf,
    stamp: Stamp,
}

impl super::Tree {
    /// The key to remember what is worked out from `path` under, when this
    /// run keeps anything (never for a buffer: it is new at every run).
    /// Take it before reading the file.
    ///
    /// The stamp is the file's the path leads to, links followed, without
    /// confinement: what is remembered was worked out through the confined
    /// reads, and only the same file unchanged (device, inode, times, size)
    /// finds it again; whatever a link swapped in since is another file.
    pub fn warm_key(&self, path: &Path) -> Option<WarmKey> {
        self.warm.as_ref()?;
        if self.stdin_for(path).is_some() {
            return None;
        }
        Some(WarmKey {
            path: path.to_path_buf(),
            stamp: self.file_stamp(path)?,
        })
    }

    /// The stamp of the regular file `path` leads to, links followed.
    fn file_stamp(&self, path: &Path) -> Option<Stamp> {
        self.plain_file_stamp(path).or_else(|| {
            // A link, or nothing: the file it leads to, if it is one.
            let meta = std::fs::metadata(path).ok()?;
            meta.is_file().then(|| Stamp::of(&meta))
        })
    }

    /// The stamp of the regular file `lstat` finds at `path` (`None`: a
    /// link, something else, or nothing), asked of the file system once per
    /// run when the run keeps anything. Taken before any read of the file
    /// in this run, as a key must be.
    pub(super) fn plain_file_stamp(&self, path: &Path) -> Option<Stamp> {
        let stat = || {
            let meta = std::fs::symlink_metadata(path).ok()?;
            meta.is_file().then(|| Stamp::of(&meta))
        };
        let Some(warm) = &self.warm else {
            return stat();
        };
        let known = (warm.watched_stamp(path))
            .or_else(|| (self.file_stamps.lock().ok())?.get(path).copied());
        if known.is_some() {
            return known;
        }
        // A file of a folder of the tree is kept from run to run when the
        // folder is watched, from before the look.
        let watched = (path.parent())
            .is_some_and(|folder| self.contains(folder) && warm.watch_folder(folder));
        // Only files are remembered: what is missing may appear as the run
        // goes on.
        let stamp = stat()?;
        if watched {
            warm.keep_watched_stamp(path, stamp);
        } else if let Ok(mut stamps) = self.file_stamps.lock() {
            stamps.insert(path.to_path_buf(), stamp);
        }
        Some(stamp)
    }

    /// The size of `real`, a regular file resolved inside the tree.
    pub fn file_size(&self, real: &Path) -> Option<u64> {
        self.file_stamp(real).map(|stamp| stamp.size())
    }

    /// What `what` worked out from the file at `key` in an earlier run.
    pub fn remembered<T: Any + Send + Sync + Clone>(
        &self,
        key: &WarmKey,
        what: &'static str,
    ) -> Option<T> {
        self.warm.as_ref()?.derived(&key.path, key.stamp, what)
    }

    /// What `what` works out of the file at `path`, whose content is
    /// `bytes`: as an earlier run of a long-running process worked it out
    /// from the same content, else `work()` now, kept for the next run.
    /// For files read before their key can be taken: only the same
    /// content, not merely the same stamp, is what the earlier run saw.
    pub fn remembered_for_content<T: Clone + Send + Sync + 'static>(
        &self,
        path: &Path,
        bytes: &Arc<[u8]>,
        what: &'static str,
        work: impl FnOnce() -> T,
    ) -> T {
        type Kept<T> = Arc<(Arc<[u8]>, T)>;
        let key = self.warm_key(path);
        let earlier = key
            .as_ref()
            .and_then(|k| self.remembered::<Kept<T>>(k, what));
        // The same block (the warm store's, shared) or the same bytes.
        let same = |kept: &Kept<T>| Arc::ptr_eq(&kept.0, bytes) || *kept.0 == **bytes;
        if let Some(kept) = earlier.filter(same) {
            return kept.1.clone();
        }
        let value = work();
        if let Some(key) = &key {
            let kept: Kept<T> = Arc::new((Arc::clone(bytes), value.clone()));
            self.remember(key, what, kept);
        }
        value
    }

    /// Whether this run's store watches the folders it knows files of.
    pub fn watches(&self) -> bool {
        (self.warm.as_ref()).is_some_and(|w| w.watches())
    }

    /// Watches `folder` of the tree for the runs to come, when this run's
    /// store watches: true when what is in it is vouched for from now on.
    /// Call before looking at the folder.
    pub fn watch_folder(&self, folder: &Path) -> bool {
        self.contains(folder) && (self.warm.as_ref()).is_some_and(|w| w.watch_folder(folder))
    }

    /// What `what` worked out of watched folders' entries for `key` in an
    /// earlier run, if no entry was created, removed or renamed since.
    pub fn remembered_listing<T: Any + Send + Sync + Clone>(
        &self,
        what: &'static str,
        key: &Path,
    ) -> Option<T> {
        self.warm.as_ref()?.listing(what, key)
    }

    /// Keeps what `what` worked out of folders that were each watched
    /// ([`super::Tree::watch_folder`]) before they were looked at.
    pub fn remember_listing<T: Any + Send + Sync>(&self, what: &'static str, key: &Path, value: T) {
        if let Some(warm) = &self.warm {
            warm.keep_listing(what, key, value);
        }
    }

    /// Remembers what `what` worked out from the file at `key`.
    pub fn remember<T: Any + Send + Sync>(&self, key: &WarmKey, what: &'static str, value: T) {
        if let Some(warm) = &self.warm {
            warm.keep_derived(&key.path, key.stamp, what, value);
        }
    }

    /// The content of `path` read in an earlier run, if it is unchanged:
    /// the path is resolved inside the tree as for a read, and only the
    /// same file at the same stamp has it.
    pub(super) fn remembered_bytes(&self, path: &Path) -> Option<(PathBuf, std::sync::Arc<[u8]>)> {
        let warm = self.warm.as_ref()?;
        let super::Place::File(real) = self.resolve(path) else {
            return None;
        };
        let bytes = warm.bytes(&real, self.file_stamp(&real)?)?;
        Some((real, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_file_forgets_what_was_derived_from_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site.conf");
        std::fs::write(&path, "server { }\n").unwrap();
        let warm = Warm::default();
        let stamp = Stamp::of(&std::fs::metadata(&path).unwrap());
        warm.keep_derived(&path, stamp, "words", 2usize);
        warm.keep_bytes(&path, stamp, Arc::from(&b"server { }\n"[..]));
        assert_eq!(warm.derived::<usize>(&path, stamp, "words"), Some(2));
        assert!(warm.bytes(&path, stamp).is_some());

        std::fs::write(&path, "server { listen 80; }\n").unwrap();
        let changed = Stamp::of(&std::fs::metadata(&path).unwrap());
        assert_ne!(stamp, changed, "a write of another size is another stamp");
        assert_eq!(warm.derived::<usize>(&path, changed, "words"), None);
        assert!(warm.bytes(&path, changed).is_none());
    }

    #[test]
    fn a_value_of_another_type_is_not_mistaken_for_the_one_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.example");
        std::fs::write(&path, "@ IN A 192.0.2.1\n").unwrap();
        let warm = Warm::default();
        let stamp = Stamp::of(&std::fs::metadata(&path).unwrap());
        warm.keep_derived(&path, stamp, "n", 1u32);
        assert_eq!(warm.derived::<u64>(&path, stamp, "n"), None);
        assert_eq!(warm.derived::<u32>(&path, stamp, "n"), Some(1));
    }

    #[test]
    fn a_warm_tree_reads_a_file_changed_since_the_last_run_anew() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site.conf");
        std::fs::write(&path, "server { listen 80; }\n").unwrap();
        let warm = Arc::new(Warm::default());
        let run = || crate::tree::Tree::new(&[dir.path().to_path_buf()]).with_warm(warm.clone());
        let (_, first) = run().read(&path, "site.conf").unwrap();
        assert_eq!(first, b"server { listen 80; }\n");
        std::fs::write(&path, "server { listen 443 ssl; }\n").unwrap();
        let (_, second) = run().read(&path, "site.conf").unwrap();
        assert_eq!(second, b"server { listen 443 ssl; }\n");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_replaced_by_a_link_out_of_the_tree_is_not_read_from_memory() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret");
        std::fs::write(&secret, "not yours\n").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site.conf");
        std::fs::write(&path, "server { }\n").unwrap();
        let warm = Arc::new(Warm::default());
        let run = || crate::tree::Tree::new(&[dir.path().to_path_buf()]).with_warm(warm.clone());
        assert!(run().read(&path, "site.conf").is_ok());
        assert!(matches!(run().resolve(&path), crate::tree::Place::File(_)));

        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&secret, &path).unwrap();
        let tree = run();
        assert!(
            matches!(tree.resolve(&path), crate::tree::Place::Outside),
            "the link is resolved again, not taken from the last run"
        );
        assert!(tree.read(&path, "site.conf").is_err());
    }

    #[test]
    fn a_run_with_other_roots_does_not_take_a_file_from_memory() {
        let one = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        let path = one.path().join("site.conf");
        std::fs::write(&path, "server { }\n").unwrap();
        let warm = Arc::new(Warm::default());
        let first = crate::tree::Tree::new(&[one.path().to_path_buf()]).with_warm(warm.clone());
        assert!(first.read(&path, "site.conf").is_ok());
        let second = crate::tree::Tree::new(&[other.path().to_path_buf()]).with_warm(warm);
        assert!(matches!(second.resolve(&path), crate::tree::Place::Outside));
        assert!(second.read(&path, "site.conf").is_err());
    }
}
