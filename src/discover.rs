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

use crate::project::Listed;
use crate::tree::{Place, Tree};
use ignore::WalkBuilder;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// What git says a folder's tracked files are.
enum Tracked {
    /// The tracked files (ignore files may hide only the others), some
    /// perhaps deleted in the work tree.
    Files(Arc<Vec<PathBuf>>),
    /// Not inside a git work tree: `.gitignore` means nothing here.
    NotAWorkTree,
    /// Inside one, but git could not be asked: nothing may be hidden.
    Unknown(String),
}

/// What the walk of one folder found: kept between the runs of a
/// long-running process while no entry of its folders, each watched before
/// it was read, is created, removed or renamed, and git's index is the same.
#[derive(Clone)]
struct Walked {
    files: Arc<[Listed]>,
    notes: Arc<[String]>,
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
}

fn walk(root: &Path, tree: &Tree, options: &Options, out: &mut Listing) {
    let tracked = if options.no_ignore {
        Tracked::NotAWorkTree
    } else {
        git_tracked(root, tree)
    };
    let remembered = (tree.remembered_listing::<Walked>(Walked::WHAT, root))
        .filter(|w| w.is_for(&tracked, options));
    let walked = match remembered {
        Some(walked) => walked,
        None => {
            let (walked, watched) = walk_now(root, tree, options, &tracked);
            if watched && !matches!(tracked, Tracked::Unknown(_)) {
                tree.remember_listing(Walked::WHAT, root, walked.clone());
            }
            walked
        }
    };
    out.files.extend(walked.files.iter().cloned());
    out.notes.extend(walked.notes.iter().cloned());
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

/// Walks `root`; also says whether every folder it read was watched
/// before it was read (then the listing may be kept).
fn walk_now(root: &Path, tree: &Tree, options: &Options, tracked: &Tracked) -> (Walked, bool) {
    let mut out = Listing::default();
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && VCS_DIRS.iter().any(|v| e.file_name() == *v))
        });
    match tracked {
        _ if options.no_ignore => {
            builder.standard_filters(false).hidden(false);
        }
        Tracked::Unknown(why) => {
            out.notes.push(format!(
                "{}: git could not list the tracked files ({why}); no .gitignore or .ignore is applied, so that none can hide a tracked file",
                shown(root)
            ));
            builder.standard_filters(false).hidden(false);
        }
        Tracked::NotAWorkTree => {
            // Outside a git work tree git ignores nothing, and neither do
            // we; `.ignore` files still apply.
            builder
                .git_ignore(false)
                .git_exclude(false)
                .git_global(false);
        }
        Tracked::Files(_) => {
            builder.require_git(true);
        }
    }
    let mut found = 0usize;
    // The walk yields a folder before it reads the folder's entries: a
    // folder watched then misses no change made after.
    let mut watched = tree.watch_folder(root);
    for entry in builder.build() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                out.notes.push(format!("{}: {e}; skipped", shown(root)));
                continue;
            }
        };
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if file_type.is_dir() {
            watched &= tree.watch_folder(path);
            continue;
        }
        if found >= MAX_LISTED_FILES {
            out.notes.push(format!(
                "{}: more than {MAX_LISTED_FILES} files; the rest are not listed",
                shown(root)
            ));
            break;
        }
        if !file_type.is_file() && !file_type.is_symlink() {
            out.notes
                .push(format!("{}: not a regular file; skipped", shown(path)));
            continue;
        }
        if file_type.is_symlink() {
            match tree.resolve(path) {
                Place::File(_) => {}
                // A linked folder is walked where it really is.
                Place::Dir(_) => continue,
                Place::Missing(_) | Place::Loop => {
                    out.notes
                        .push(format!("{}: a symlink to nothing; skipped", shown(path)));
                    continue;
                }
                Place::Outside => {
                    out.notes.push(format!(
                        "{}: a symlink out of the checked tree; not followed",
                        shown(path)
                    ));
                    continue;
                }
                Place::Special(_, kind) => {
                    out.notes.push(format!(
                        "{}: a {kind}, not a regular file; skipped",
                        shown(path)
                    ));
                    continue;
                }
            }
        }
        found += 1;
        out.files.push(Listed {
            path: path.to_path_buf(),
            explicit: false,
        });
    }
    let unseen: Vec<PathBuf> = match tracked {
        // Tracked files the walk did not list. Both are `root` joined with
        // a relative path, so they are compared as they are.
        Tracked::Files(files) => {
            let seen: foldhash::HashSet<&Path> =
                out.files.iter().map(|l| l.path.as_path()).collect();
            (files.iter())
                .filter(|path| !seen.contains(path.as_path()))
                .cloned()
                .collect()
        }
        _ => Vec::new(),
    };
    let walked = Walked {
        files: out.files.into(),
        notes: out.notes.into(),
        unseen: unseen.into(),
        tracked: match tracked {
            Tracked::Files(files) => Some(files.clone()),
            _ => None,
        },
        no_ignore: options.no_ignore,
    };
    (walked, watched)
}

/// The files git tracks under `root`, remembered across the runs of a
/// long-running process while git's index is unchanged (`ls-files
/// --cached` reads nothing else): the language server asks at every
/// keystroke, and a process is milliseconds.
fn git_tracked(root: &Path, tree: &Tree) -> Tracked {
    const TRACKED: &str = "discover::tracked";
    let Ok(absolute) = std::path::absolute(root) else {
        return Tracked::NotAWorkTree;
    };
    let Some(top) = absolute.ancestors().find(|a| a.join(".git").exists()) else {
        return Tracked::NotAWorkTree;
    };
    let key = tree.warm_key(&top.join(".git").join("index"));
    let remembered = (key.as_ref())
        .and_then(|k| tree.remembered::<(PathBuf, Arc<Vec<PathBuf>>)>(k, TRACKED))
        .filter(|(asked, _)| *asked == absolute);
    if let Some((_, files)) = remembered {
        return Tracked::Files(files);
    }
    let tracked = git_ls_files(root);
    if let (Some(key), Tracked::Files(files)) = (&key, &tracked) {
        tree.remember(key, TRACKED, (absolute, files.clone()));
    }
    tracked
}

fn git_ls_files(root: &Path) -> Tracked {
    let output = std::process::Command::new("git")
        .args(["-c", "core.fsmonitor=false", "-C"])
        .arg(root)
        .args(["ls-files", "-z", "--cached", "--", "."])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .output();
    let output = match output {
        Ok(output) => output,
        Err(e) => return Tracked::Unknown(format!("git cannot be run: {e}")),
    };
    if !output.status.success() {
        let first_line = String::from_utf8_lossy(&output.stderr)
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(120)
            .collect::<String>();
        return Tracked::Unknown(format!("git ls-files failed: {first_line}"));
    }
    Tracked::Files(Arc::new(
        output
            .stdout
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .filter_map(|p| std::str::from_utf8(p).ok())
            .map(|p| root.join(p))
            .filter(|p| {
                !p.components()
                    .any(|c| VCS_DIRS.iter().any(|v| c.as_os_str() == *v))
            })
            .collect(),
    ))
}
