//! Watching the tree's folders for a long-running process (the language
//! server), so that what it knows of the file system — each file's stamp,
//! the walk's listing — is asked of the kernel once, not at every check.
//!
//! Linux's inotify reports, for a watched folder, every write, attribute
//! change, creation, deletion and rename of an entry in it, queued by the
//! system call that made the change: a check that first takes the queued
//! events knows which of the files it saw earlier are still as they were.
//! Anything it cannot vouch for (a folder not watched, a queue that
//! overflowed, another system) is asked of the file system as before.

use std::path::{Path, PathBuf};

/// Folders one process watches at most: each watch is kernel memory, and
/// the user's own limit (`fs.inotify.max_user_watches`) is shared with
/// their editor. A folder past it is stat'ed at every check, as without a
/// watch.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
const MAX_WATCHED_FOLDERS: usize = 20_000;

/// What changed since the last look.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Entries written to, or whose attributes changed.
    pub written: Vec<PathBuf>,
    /// Entries created, removed or renamed (a link re-pointed, an editor's
    /// save by rename), and watched folders gone: nothing known at or
    /// below each path is trusted.
    pub moved: Vec<PathBuf>,
    /// Whether what a walk lists may have changed: an entry moved outside
    /// a version-control folder (which walks skip), or an ignore file
    /// written.
    pub listing: bool,
    /// Events were lost (the queue overflowed): nothing known is trusted,
    /// and the watches are taken again.
    pub everything: bool,
}

/// Whether `folder` is or is inside a version-control folder (`.git`),
/// which walks skip: git rewriting its index there changes no listing.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn in_vcs_folder(folder: &Path) -> bool {
    (folder.components()).any(|c| {
        matches!(
            c.as_os_str().to_str(),
            Some(".git" | ".hg" | ".svn" | ".jj")
        )
    })
}

/// A file whose change may change what a walk lists.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn is_ignore_file(name: &[u8]) -> bool {
    name.starts_with(b".") && name.ends_with(b"ignore")
}

#[cfg(target_os = "linux")]
mod inotify {
    use super::{in_vcs_folder, is_ignore_file, Changes, MAX_WATCHED_FOLDERS};
    use rustix::fs::inotify::{self, CreateFlags, ReadFlags, WatchFlags};
    use rustix::io::Errno;
    use std::collections::HashMap;
    use std::os::unix::ffi::OsStrExt;
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    /// The events that change a stamp, a listing or a resolution.
    fn watched_events() -> WatchFlags {
        WatchFlags::MODIFY
            | WatchFlags::ATTRIB
            | WatchFlags::CLOSE_WRITE
            | WatchFlags::CREATE
            | WatchFlags::DELETE
            | WatchFlags::MOVED_FROM
            | WatchFlags::MOVED_TO
            | WatchFlags::DELETE_SELF
            | WatchFlags::MOVE_SELF
            | WatchFlags::ONLYDIR
    }

    #[derive(Default)]
    struct Folders {
        by_path: HashMap<PathBuf, i32>,
        /// A folder reached by two spellings (one through a link) is one
        /// watch: its events concern both.
        by_watch: HashMap<i32, Vec<PathBuf>>,
    }

    pub struct Watch {
        fd: rustix::fd::OwnedFd,
        folders: Mutex<Folders>,
    }

    impl Watch {
        pub fn start() -> Option<Watch> {
            let fd = inotify::init(CreateFlags::CLOEXEC | CreateFlags::NONBLOCK).ok()?;
            Some(Watch {
                fd,
                folders: Mutex::new(Folders::default()),
            })
        }

        #[cfg(test)]
        pub fn is_watched(&self, folder: &Path) -> bool {
            (self.folders.lock()).is_ok_and(|f| f.by_path.contains_key(folder))
        }

        /// Watches `folder` (from now on: call before looking at it).
        pub fn watch(&self, folder: &Path) -> bool {
            let Ok(mut folders) = self.folders.lock() else {
                return false;
            };
            if folders.by_path.contains_key(folder) {
                return true;
            }
            if folders.by_path.len() >= MAX_WATCHED_FOLDERS {
                return false;
            }
            let Ok(wd) = inotify::add_watch(&self.fd, folder, watched_events()) else {
                // Not a folder, gone, or the user's limit reached.
                return false;
            };
            folders.by_path.insert(folder.to_path_buf(), wd);
            folders
                .by_watch
                .entry(wd)
                .or_default()
                .push(folder.to_path_buf());
            true
        }

        /// The events queued since the last call.
        pub fn changes(&self) -> Changes {
            let mut changes = Changes::default();
            let mut buffer = vec![std::mem::MaybeUninit::<u8>::uninit(); 64 * 1024];
            let mut reader = inotify::Reader::new(&self.fd, &mut buffer);
            let Ok(mut folders) = self.folders.lock() else {
                changes.everything = true;
                return changes;
            };
            loop {
                let event = match reader.next() {
                    Ok(event) => event,
                    Err(Errno::AGAIN) => break,
                    Err(Errno::INTR) => continue,
                    Err(_) => {
                        changes.everything = true;
                        break;
                    }
                };
                let flags = event.events();
                if flags.contains(ReadFlags::QUEUE_OVERFLOW) {
                    changes.everything = true;
                    continue;
                }
                let wd = event.wd();
                if flags
                    .intersects(ReadFlags::IGNORED | ReadFlags::DELETE_SELF | ReadFlags::MOVE_SELF)
                {
                    // The folder itself went (or its watch did): what was
                    // known below it, by any spelling, is not trusted, and
                    // a folder moved elsewhere is no longer watched. (A
                    // watch dropped here reports its end later, when it is
                    // no longer known.)
                    if let Some(paths) = folders.by_watch.remove(&wd) {
                        let _ = inotify::remove_watch(&self.fd, wd);
                        for path in paths {
                            folders.by_path.remove(&path);
                            changes.listing |= !in_vcs_folder(&path);
                            changes.moved.push(path);
                        }
                    }
                    continue;
                }
                let Some(paths) = folders.by_watch.get(&wd) else {
                    continue;
                };
                let Some(name) = event.file_name() else {
                    // An event on a watched folder itself (its attributes).
                    changes.moved.extend(paths.iter().cloned());
                    changes.listing |= paths.iter().any(|p| !in_vcs_folder(p));
                    continue;
                };
                let name = std::ffi::OsStr::from_bytes(name.to_bytes());
                let entries = paths.iter().map(|p| p.join(name));
                let moved = flags.intersects(
                    ReadFlags::CREATE
                        | ReadFlags::DELETE
                        | ReadFlags::MOVED_FROM
                        | ReadFlags::MOVED_TO
                        | ReadFlags::ISDIR,
                );
                if moved {
                    changes.listing |= paths.iter().any(|p| !in_vcs_folder(p));
                    changes.moved.extend(entries);
                } else {
                    changes.listing |= is_ignore_file(name.as_bytes());
                    changes.written.extend(entries);
                }
            }
            changes
        }

        /// Whatever is queued is dropped from now on: every watch goes.
        pub fn stop_all(&self) {
            if let Ok(mut folders) = self.folders.lock() {
                for &wd in folders.by_watch.keys() {
                    let _ = inotify::remove_watch(&self.fd, wd);
                }
                *folders = Folders::default();
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod inotify {
    use super::Changes;
    use std::path::Path;

    /// No watching here: everything is asked of the file system.
    pub struct Watch;

    impl Watch {
        pub fn start() -> Option<Watch> {
            None
        }
        pub fn watch(&self, _: &Path) -> bool {
            false
        }
        pub fn changes(&self) -> Changes {
            Changes::default()
        }
        pub fn stop_all(&self) {}
    }
}

/// The folders watched, and what changed in them.
pub struct Watch {
    inner: inotify::Watch,
}

impl Watch {
    /// A watch, where the system has one.
    pub fn start() -> Option<Watch> {
        inotify::Watch::start().map(|inner| Watch { inner })
    }

    /// Whether what is in `folder` is vouched for by the watch.
    #[cfg(all(test, target_os = "linux"))]
    pub fn is_watched(&self, folder: &Path) -> bool {
        self.inner.is_watched(folder)
    }

    /// Watches `folder`; false when it cannot be (then what is in it is
    /// asked of the file system at every check). Call before looking at
    /// the folder, so that no change after the look is missed.
    pub fn watch(&self, folder: &Path) -> bool {
        self.inner.watch(folder)
    }

    /// What changed since the last call. Where events were lost, every
    /// watch is dropped too, and the folders are watched again as they are
    /// looked at.
    pub fn changes(&self) -> Changes {
        // Read until the queue is empty: a burst of events (a `git
        // checkout`) takes more than one read.
        let changes = self.inner.changes();
        if changes.everything {
            self.inner.stop_all();
        }
        changes
    }
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Watch")
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_write_a_creation_and_a_removal_are_each_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("site.conf");
        std::fs::write(&file, "server { }\n").unwrap();
        let watch = Watch::start().expect("inotify");
        assert!(watch.watch(dir.path()));
        assert!(watch.is_watched(dir.path()));
        assert_eq!(watch.changes(), Changes::default(), "nothing happened yet");

        std::fs::write(&file, "server { listen 80; }\n").unwrap();
        let changes = watch.changes();
        assert!(changes.written.contains(&file), "{changes:?}");
        assert!(!changes.listing, "a write changes no listing");

        std::fs::write(dir.path().join("new.conf"), "").unwrap();
        let changes = watch.changes();
        assert!(changes.listing, "a creation changes the listing");
        assert!(changes.moved.contains(&dir.path().join("new.conf")));

        std::fs::remove_file(&file).unwrap();
        let changes = watch.changes();
        assert!(changes.listing && changes.moved.contains(&file));
        assert_eq!(watch.changes(), Changes::default(), "each event once");
    }

    #[test]
    fn an_ignore_file_written_changes_what_a_walk_lists() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gitignore"), "").unwrap();
        let watch = Watch::start().expect("inotify");
        assert!(watch.watch(dir.path()));
        std::fs::write(dir.path().join(".gitignore"), "*.conf\n").unwrap();
        assert!(watch.changes().listing);
    }

    #[test]
    fn git_rewriting_its_index_changes_no_listing() {
        let dir = tempfile::tempdir().unwrap();
        let git = dir.path().join(".git");
        std::fs::create_dir(&git).unwrap();
        std::fs::write(git.join("index"), "one").unwrap();
        let watch = Watch::start().expect("inotify");
        assert!(watch.watch(&git));
        std::fs::write(git.join("index.lock"), "two").unwrap();
        std::fs::rename(git.join("index.lock"), git.join("index")).unwrap();
        let changes = watch.changes();
        assert!(changes.moved.contains(&git.join("index")), "{changes:?}");
        assert!(!changes.listing && !changes.everything, "{changes:?}");
    }

    /// A folder and its `sites` subfolder, both watched.
    fn folder_and_subfolder_watched() -> (tempfile::TempDir, PathBuf, Watch) {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sites");
        std::fs::create_dir(&sub).unwrap();
        let watch = Watch::start().expect("inotify");
        assert!(watch.watch(dir.path()));
        assert!(watch.watch(&sub));
        (dir, sub, watch)
    }

    #[test]
    fn a_folder_removed_below_a_watched_one_is_forgotten_and_unwatched() {
        let (dir, sub, watch) = folder_and_subfolder_watched();
        std::fs::remove_dir(&sub).unwrap();
        let changes = watch.changes();
        assert!(
            changes.moved.contains(&sub) && changes.listing,
            "{changes:?}"
        );
        assert!(!watch.is_watched(&sub), "its watch is gone");
        assert!(watch.is_watched(dir.path()), "its parent's is not");
        std::fs::create_dir(&sub).unwrap();
        assert!(
            watch.watch(&sub),
            "made again, it is watched when looked at"
        );
    }

    #[test]
    fn a_watched_folder_renamed_is_forgotten_under_its_old_name() {
        let (dir, sub, watch) = folder_and_subfolder_watched();
        std::fs::rename(&sub, dir.path().join("moved")).unwrap();
        let changes = watch.changes();
        assert!(changes.moved.contains(&sub), "{changes:?}");
        assert!(!watch.is_watched(&sub));
        // Its old watch reports no more under the old name.
        std::fs::write(dir.path().join("moved/site.conf"), "").unwrap();
        let later = watch.changes();
        assert!(
            !later.written.iter().any(|p| p.starts_with(&sub)),
            "{later:?}"
        );
    }
}
