//! Finding the files to check: the paths given, and the files of the
//! folders given (walked with the `ignore` crate), each classified by its
//! content (see [`crate::classify`]).
//!
//! Ignore files (`.gitignore`, `.ignore`) decide only which *untracked*
//! files a walk skips: a pull request that adds `*` to `.gitignore` cannot
//! hide the files git tracks. Symlinks are resolved through the [`Tree`]:
//! one that points out of the tree or nowhere is skipped with a note, never
//! followed and never fatal.

use crate::tree::{Place, Tree};
use ignore::WalkBuilder;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use crate::classify::FileKind;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovered {
    pub path: PathBuf,
    pub kind: FileKind,
    /// Named on the command line rather than found in a folder.
    pub explicit: bool,
}

/// The files to check, and what was skipped that the user should hear of.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<Discovered>,
    /// One line each, for stderr: `path: why it was skipped`.
    pub notes: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// `--kind`: read every explicitly named file as this kind.
    pub force_kind: Option<FileKind>,
    /// `--origin` was given: an explicitly named file that is nothing
    /// recognisable is a zone.
    pub origin_given: bool,
    /// `--no-ignore`: walk every file, ignore files or not.
    pub no_ignore: bool,
    /// Threads that read the heads of the files a walk finds (0 or 1: one).
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

fn shown(path: &Path) -> String {
    crate::source::display_path(&crate::source::normalize(path))
}

/// The first [`crate::classify::HEAD_BYTES`] of a file inside the tree.
fn head(tree: &Tree, path: &Path) -> Option<Vec<u8>> {
    if let Some(content) = tree.stdin_for(path) {
        let end = content.len().min(crate::classify::HEAD_BYTES);
        return Some(content[..end].to_vec());
    }
    let Place::File(real) = tree.resolve(path) else {
        return None;
    };
    let mut head = Vec::with_capacity(crate::classify::HEAD_BYTES);
    std::fs::File::open(real)
        .ok()?
        .take(crate::classify::HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .ok()?;
    Some(head)
}

/// Files to check under `paths`, sorted and without duplicates.
pub fn discover(
    paths: &[PathBuf],
    tree: &Tree,
    options: &Options,
) -> Result<Discovery, DiscoverError> {
    let mut out = Discovery::default();
    for root in paths {
        if tree.stdin_for(root).is_some() {
            explicit(root, tree, options, &mut out)?;
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
        } else if meta.is_dir() {
            Place::Dir(root.clone())
        } else if meta.is_file() {
            Place::File(root.clone())
        } else {
            Place::Special(root.clone(), special_kind(&meta))
        };
        match place {
            Place::Dir(_) => walk(root, tree, options, &mut out),
            Place::File(_) => explicit(root, tree, options, &mut out)?,
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
    for d in &mut out.files {
        d.path = crate::source::normalize(&d.path);
    }
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    out.files.dedup_by(|a, b| {
        if a.path == b.path {
            b.explicit |= a.explicit;
            true
        } else {
            false
        }
    });
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

/// A file named on the command line: checked if it is nginx, a zone or a
/// certificate (or `--kind` says what it is); anything else is skipped with
/// a note, so that a hook given every changed file stays green on a README.
fn explicit(
    path: &Path,
    tree: &Tree,
    options: &Options,
    out: &mut Discovery,
) -> Result<(), DiscoverError> {
    let kind = match options.force_kind {
        Some(kind) => Some(kind),
        None => {
            let head = head(tree, path).ok_or_else(|| DiscoverError::Unreadable {
                path: shown(path),
                message: "cannot be read".into(),
            })?;
            crate::classify::classify(path, &head)
                .or_else(|| crate::classify::kind_by_unmistakable_name(path, &head))
                .or(options.origin_given.then_some(FileKind::Zone))
        }
    };
    match kind {
        Some(kind) => out.files.push(Discovered {
            path: path.to_path_buf(),
            kind,
            explicit: true,
        }),
        None => out.notes.push(format!(
            "{}: not an nginx config, zone file or certificate; skipped (use --kind to force)",
            shown(path)
        )),
    }
    Ok(())
}

fn walk(root: &Path, tree: &Tree, options: &Options, out: &mut Discovery) {
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && VCS_DIRS.iter().any(|v| e.file_name() == *v))
        });
    if options.no_ignore {
        builder.standard_filters(false).hidden(false);
    } else {
        builder.require_git(false);
    }
    let mut seen = BTreeSet::new();
    let mut candidates = Vec::new();
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
            continue;
        }
        if !file_type.is_file() && !file_type.is_symlink() {
            out.notes
                .push(format!("{}: not a regular file; skipped", shown(path)));
            continue;
        }
        seen.insert(crate::source::normalize(path));
        candidates.push(path.to_path_buf());
    }
    if !options.no_ignore {
        for path in git_tracked(root) {
            if !seen.contains(&crate::source::normalize(&path)) {
                candidates.push(path);
            }
        }
    }
    // Reading each file's head is most of a walk's cost: on every core,
    // the outcomes kept in walk order.
    let jobs = if candidates.len() < 64 {
        1
    } else {
        options.jobs
    };
    let outcomes = crate::parallel::map_in_order(&candidates, jobs, |path| candidate(path, tree));
    for outcome in outcomes {
        match outcome {
            Candidate::Found(found) => out.files.push(found),
            Candidate::Note(note) => out.notes.push(note),
            Candidate::NotOurs => {}
        }
    }
}

/// What a file met in a walk turned out to be.
enum Candidate {
    Found(Discovered),
    /// Skipped, with a reason the user should hear.
    Note(String),
    NotOurs,
}

/// A file met in a walk: kept when its content makes it one of ours.
fn candidate(path: &Path, tree: &Tree) -> Candidate {
    let note = |why: String| Candidate::Note(format!("{}: {why}", shown(path)));
    match tree.resolve(path) {
        Place::File(_) => {}
        Place::Dir(_) => return Candidate::NotOurs, // a linked folder is walked where it really is
        Place::Missing(_) | Place::Loop => return note("a symlink to nothing; skipped".into()),
        Place::Outside => return note("a symlink out of the checked tree; not followed".into()),
        Place::Special(_, kind) => return note(format!("a {kind}, not a regular file; skipped")),
    }
    let Some(head) = head(tree, path) else {
        return note("cannot be read; skipped".into());
    };
    match crate::classify::classify(path, &head) {
        Some(kind) => Candidate::Found(Discovered {
            path: path.to_path_buf(),
            kind,
            explicit: false,
        }),
        None => Candidate::NotOurs,
    }
}

/// The files git tracks under `root` (none outside a work tree, or when git
/// cannot be run): ignore files never hide them.
fn git_tracked(root: &Path) -> Vec<PathBuf> {
    let Ok(absolute) = std::path::absolute(root) else {
        return Vec::new();
    };
    if !absolute.ancestors().any(|a| a.join(".git").exists()) {
        return Vec::new();
    }
    let output = std::process::Command::new("git")
        .args(["-c", "core.fsmonitor=false", "-C"])
        .arg(root)
        .args(["ls-files", "-z", "--cached", "--", "."])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output();
    let Ok(output) = output else {
        return Vec::new();
    };
    if !output.status.success() {
        return Vec::new();
    }
    output
        .stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .filter_map(|p| std::str::from_utf8(p).ok())
        .map(|p| root.join(p))
        // Tracked but deleted in the work tree: nothing to check.
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .filter(|p| {
            !p.components()
                .any(|c| VCS_DIRS.iter().any(|v| c.as_os_str() == *v))
        })
        .collect()
}
