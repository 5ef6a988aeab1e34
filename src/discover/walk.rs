//! Walking one folder with the `ignore` crate: what it lists, the notes on
//! what it skipped, and the tracked files it did not list.
//!
//! A one-shot run walks on the cores it may use while git lists what it
//! tracks; a long-running process that watches the folders walks on one,
//! watching each folder before it is read, and keeps the listing until an
//! entry moves.

use super::git::{git_tracked, work_tree_top, Tracked};
use super::{shown, Listing, Options, MAX_LISTED_FILES, VCS_DIRS};
use crate::project::Listed;
use crate::tree::{Place, Tree};
use ignore::{DirEntry, WalkBuilder, WalkState};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What the walk of one folder found: kept between the runs of a
/// long-running process while no entry of its folders, each watched before
/// it was read, is created, removed or renamed, and git's index is the same.
#[derive(Clone)]
struct Walked {
    files: Arc<Vec<Listed>>,
    notes: Arc<Vec<String>>,
    /// Tracked files the walk did not list (an ignore file names them, or
    /// they were deleted in the work tree), to be resolved at each run.
    unseen: Arc<[PathBuf]>,
    /// What git tracked when the folder was walked (`None`: no work tree).
    tracked: Option<Arc<Vec<PathBuf>>>,
    no_ignore: bool,
}

impl Walked {
    const WHAT: &'static str = "discover::walked";

    fn is_for(&self, tracked: &Tracked, options: &Options) -> bool {
        let same_index = match (&self.tracked, tracked) {
            (Some(then), Tracked::Files(now)) => Arc::ptr_eq(then, now),
            (None, Tracked::NotAWorkTree) => true,
            _ => false,
        };
        same_index && self.no_ignore == options.no_ignore
    }

    fn new(root: &Path, found: Found, tracked: &Tracked, options: &Options) -> Walked {
        let mut notes = Vec::new();
        if let Tracked::Unknown(why) = tracked {
            notes.push(format!(
                "{}: git could not list the tracked files ({why}); no .gitignore or .ignore is applied, so that none can hide a tracked file",
                shown(root)
            ));
        }
        notes.extend(found.notes);
        let unseen: Vec<PathBuf> = match tracked {
            // Tracked files the walk did not list. Both are `root` joined
            // with a relative path, so they are compared as they are.
            Tracked::Files(files) => {
                let seen: foldhash::HashSet<&Path> =
                    found.files.iter().map(|l| l.path.as_path()).collect();
                (files.iter())
                    .filter(|path| !seen.contains(path.as_path()))
                    .cloned()
                    .collect()
            }
            _ => Vec::new(),
        };
        Walked {
            files: Arc::new(found.files),
            notes: Arc::new(notes),
            unseen: unseen.into(),
            tracked: match tracked {
                Tracked::Files(files) => Some(files.clone()),
                _ => None,
            },
            no_ignore: options.no_ignore,
        }
    }
}

/// Which ignore files a walk applies.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Filters {
    /// None (`--no-ignore`, or git could not say what it tracks).
    None,
    /// `.gitignore` and the rest, as git applies them to untracked files.
    Git,
    /// Outside a git work tree git ignores nothing, and neither do we;
    /// `.ignore` files still apply.
    IgnoreFilesOnly,
}

impl Filters {
    fn of(tracked: &Tracked, options: &Options) -> Filters {
        match tracked {
            _ if options.no_ignore => Filters::None,
            Tracked::Unknown(_) => Filters::None,
            Tracked::NotAWorkTree => Filters::IgnoreFilesOnly,
            Tracked::Files(_) => Filters::Git,
        }
    }
}

/// Lists `root` into `out`.
pub(super) fn walk(root: &Path, tree: &Tree, options: &Options, out: &mut Listing) {
    let walked = walked(root, tree, options);
    // Moved out when nothing keeps the listing (a one-shot run: 20,000
    // paths are not held twice); copied when the server keeps it.
    match Arc::try_unwrap(walked.files) {
        Ok(files) => out.files.extend(files),
        Err(kept) => out.files.extend(kept.iter().cloned()),
    }
    match Arc::try_unwrap(walked.notes) {
        Ok(notes) => out.notes.extend(notes),
        Err(kept) => out.notes.extend(kept.iter().cloned()),
    }
    // Resolved at each run: a tracked file deleted in the work tree is
    // not a file.
    out.files.extend(
        (walked.unseen.iter())
            .filter(|path| matches!(tree.resolve(path), Place::File(_)))
            .map(|path| Listed {
                path: path.clone(),
                explicit: false,
            }),
    );
}

fn walked(root: &Path, tree: &Tree, options: &Options) -> Walked {
    // A folder watched is watched before it is read, which only a walk on
    // one thread does (the `ignore` crate's threads read a folder first).
    let threads = if tree.watches() {
        1
    } else {
        options.jobs.max(1)
    };
    let top = (!options.no_ignore).then(|| work_tree_top(root)).flatten();
    let (tracked, early) = if options.no_ignore {
        (Tracked::NotAWorkTree, None)
    } else if threads > 1 && top.is_some() {
        // git lists what it tracks while the folder is walked (as when it
        // answers, the ignore files applying to untracked files only).
        std::thread::scope(|scope| {
            let git = scope.spawn(|| git_tracked(root, top.as_deref(), tree));
            let found = walk_now(root, tree, Filters::Git, threads);
            let tracked = git
                .join()
                .unwrap_or_else(|_| Tracked::Unknown("its listing failed".to_string()));
            (tracked, Some(found))
        })
    } else {
        (git_tracked(root, top.as_deref(), tree), None)
    };
    let remembered = (tree.remembered_listing::<Walked>(Walked::WHAT, root))
        .filter(|w| w.is_for(&tracked, options));
    if let Some(walked) = remembered {
        return walked;
    }
    let filters = Filters::of(&tracked, options);
    let found = match early {
        Some(found) if filters == Filters::Git => found,
        _ => walk_now(root, tree, filters, threads),
    };
    let keep = found.watched && !matches!(tracked, Tracked::Unknown(_));
    let walked = Walked::new(root, found, &tracked, options);
    if keep {
        tree.remember_listing(Walked::WHAT, root, walked.clone());
    }
    walked
}

/// What one walk found.
struct Found {
    files: Vec<Listed>,
    /// In the order of the paths they concern.
    notes: Vec<String>,
    /// Every folder read was watched before it was read.
    watched: bool,
}

/// One entry the walk took: a file to list, or a note on a path.
enum Seen {
    File(PathBuf),
    Note(PathBuf, String),
}

fn builder(root: &Path, filters: Filters) -> WalkBuilder {
    let mut builder = WalkBuilder::new(root);
    builder.hidden(false).follow_links(false).filter_entry(|e| {
        !(e.file_type().is_some_and(|t| t.is_dir()) && VCS_DIRS.iter().any(|v| e.file_name() == *v))
    });
    match filters {
        Filters::None => {
            builder.standard_filters(false).hidden(false);
        }
        Filters::IgnoreFilesOnly => {
            builder
                .git_ignore(false)
                .git_exclude(false)
                .git_global(false);
        }
        Filters::Git => {
            builder.require_git(true);
        }
    }
    builder
}

/// Walks `root` on `threads`; on one, each folder is watched before it is
/// read (then the listing may be kept).
fn walk_now(root: &Path, tree: &Tree, filters: Filters, threads: usize) -> Found {
    if threads > 1 {
        if let Some(found) = walk_on_threads(root, tree, filters, threads) {
            return found;
        }
    }
    let mut builder = builder(root, filters);
    builder.sort_by_file_name(|a, b| a.cmp(b));
    let mut found = Found {
        files: Vec::new(),
        notes: Vec::new(),
        watched: tree.watch_folder(root),
    };
    for entry in builder.build() {
        // The walk yields a folder before it reads the folder's entries: a
        // folder watched then misses no change made after.
        if let Ok(dir) = &entry {
            if is_dir(dir) {
                found.watched &= tree.watch_folder(dir.path());
                continue;
            }
        }
        if found.files.len() >= MAX_LISTED_FILES {
            found.notes.push(too_many(root));
            break;
        }
        match seen(entry, root, tree) {
            Some(Seen::File(path)) => found.files.push(Listed {
                path,
                explicit: false,
            }),
            Some(Seen::Note(_, note)) => found.notes.push(note),
            None => {}
        }
    }
    found
}

/// The walk on several threads, in no order: the files are sorted by the
/// listing, the notes here, by the path each concerns (a walk on one
/// thread, sorted by name, meets them in that order). `None` past
/// [`MAX_LISTED_FILES`]: which files make the cut must not depend on the
/// threads, so that walk is done again on one.
fn walk_on_threads(root: &Path, tree: &Tree, filters: Filters, threads: usize) -> Option<Found> {
    let mut builder = builder(root, filters);
    builder.threads(threads);
    let files: Mutex<Vec<Listed>> = Mutex::new(Vec::new());
    let notes: Mutex<Vec<(PathBuf, String)>> = Mutex::new(Vec::new());
    let counted = AtomicUsize::new(0);
    builder.build_parallel().run(|| {
        let (files, notes, counted) = (&files, &notes, &counted);
        Box::new(move |entry| {
            if entry.as_ref().is_ok_and(is_dir) {
                return WalkState::Continue;
            }
            match seen(entry, root, tree) {
                Some(Seen::File(path)) => {
                    if counted.fetch_add(1, Ordering::Relaxed) >= MAX_LISTED_FILES {
                        return WalkState::Quit;
                    }
                    if let Ok(mut files) = files.lock() {
                        files.push(Listed {
                            path,
                            explicit: false,
                        });
                    }
                }
                Some(Seen::Note(path, note)) => {
                    if let Ok(mut notes) = notes.lock() {
                        notes.push((path, note));
                    }
                }
                None => {}
            }
            WalkState::Continue
        })
    });
    if counted.load(Ordering::Relaxed) > MAX_LISTED_FILES {
        return None;
    }
    let mut notes = notes.into_inner().ok()?;
    notes.sort();
    Some(Found {
        files: files.into_inner().ok()?,
        notes: notes.into_iter().map(|(_, note)| note).collect(),
        watched: false,
    })
}

/// The path a walk error concerns, if it names one.
fn error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

fn is_dir(entry: &DirEntry) -> bool {
    entry.file_type().is_some_and(|t| t.is_dir())
}

fn too_many(root: &Path) -> String {
    format!(
        "{}: more than {MAX_LISTED_FILES} files; the rest are not listed",
        shown(root)
    )
}

/// What one entry (not a folder) is for the listing: a file, a note on
/// why it is skipped, or nothing.
fn seen(entry: Result<DirEntry, ignore::Error>, root: &Path, tree: &Tree) -> Option<Seen> {
    let entry = match entry {
        Ok(entry) => entry,
        Err(e) => {
            let at = error_path(&e).unwrap_or(root).to_path_buf();
            return Some(Seen::Note(at, format!("{}: {e}; skipped", shown(root))));
        }
    };
    let file_type = entry.file_type()?;
    let path = entry.path();
    let note = |why: String| Some(Seen::Note(path.to_path_buf(), why));
    if !file_type.is_file() && !file_type.is_symlink() {
        return note(format!("{}: not a regular file; skipped", shown(path)));
    }
    if file_type.is_symlink() {
        match tree.resolve(path) {
            Place::File(_) => {}
            // A linked folder is walked where it really is.
            Place::Dir(_) => return None,
            Place::Missing(_) | Place::Loop => {
                return note(format!("{}: a symlink to nothing; skipped", shown(path)))
            }
            Place::Outside => {
                return note(format!(
                    "{}: a symlink out of the checked tree; not followed",
                    shown(path)
                ))
            }
            Place::Special(_, kind) => {
                return note(format!(
                    "{}: a {kind}, not a regular file; skipped",
                    shown(path)
                ))
            }
        }
    }
    Some(Seen::File(entry.into_path()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(found: &Found) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = found.files.iter().map(|l| l.path.clone()).collect();
        files.sort();
        files
    }

    #[test]
    fn a_walk_on_threads_lists_and_notes_what_a_walk_on_one_does() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (path, text) in [
            ("etc/nginx/nginx.conf", "events {}\n"),
            ("etc/nginx/sites-enabled/a.conf", "server {}\n"),
            ("etc/nginx/sites-enabled/b.conf", "server {}\n"),
            ("a.txt", ""),
            ("a/x", ""),
            ("skipped/by-ignore.conf", ""),
            (".ignore", "skipped/\n"),
        ] {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("nowhere", root.join("a/dangling")).unwrap();
            std::os::unix::fs::symlink("/etc/passwd", root.join("etc/outside")).unwrap();
            std::os::unix::fs::symlink("../etc", root.join("a/linked-folder")).unwrap();
        }
        let tree = Tree::new(&[root.to_path_buf()]);
        let one = walk_now(root, &tree, Filters::IgnoreFilesOnly, 1);
        let two = walk_now(root, &tree, Filters::IgnoreFilesOnly, 2);
        assert_eq!(listed(&one), listed(&two));
        assert_eq!(one.notes, two.notes, "the same notes, in the same order");
        assert!(listed(&one).contains(&root.join("etc/nginx/sites-enabled/b.conf")));
        assert!(
            !listed(&one).contains(&root.join("skipped/by-ignore.conf")),
            ".ignore applies"
        );
        #[cfg(unix)]
        assert_eq!(one.notes.len(), 2, "{:?}", one.notes);
        assert!(!two.watched, "a walk on threads is never kept");
    }
}
