//! The checked tree: the only place tripline reads files from.
//!
//! tripline runs on untrusted pull requests, so every path it reads (the
//! folder walk, nginx `include`, zone `$INCLUDE`, certificate paths, paths in
//! tripline.toml) goes through [`Tree`]: it resolves symlinks one hop at a
//! time without ever touching anything outside the checked roots (so that
//! not even the existence of a file on the runner leaks), reads regular
//! files only (a FIFO would block, `/dev/zero` never ends), and caps a
//! file's size while reading the stream rather than trusting its metadata.

mod beneath;
mod earlier;
mod read;
mod resolve;
mod settings;
mod warm;
mod watch;

pub use settings::{read_settings_file, settings_scope};
pub use warm::{Stamp, Warm, WarmKey};

use std::path::{Component, Path, PathBuf};

/// Files above this size are refused: no real config is anywhere near it,
/// and reading a multi-gigabyte file into memory is how a linter gets
/// killed in CI.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// One folder (or file) the user asked to check.
#[derive(Clone, Debug)]
struct Root {
    /// Absolute, as the user gave it (lexically normalised).
    given: PathBuf,
    /// With symlinks resolved.
    real: PathBuf,
}

/// What a path is, seen from inside the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// A regular file, at this real (symlink-free, absolute) path.
    File(PathBuf),
    Dir(PathBuf),
    /// Inside the tree, but nothing is there (or a symlink points nowhere).
    Missing(PathBuf),
    /// A FIFO, socket or device: never opened.
    Special(PathBuf, &'static str),
    /// Outside every root: not looked at, not even for existence.
    Outside,
    /// Too many symlink hops.
    Loop,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: is a directory")]
    IsDirectory { path: String },
    #[error("{path}: file is larger than the {limit} bytes tripline reads")]
    TooLarge { path: String, limit: u64 },
    #[error("{path}: outside the checked tree; not read")]
    Outside { path: String },
    #[error("{path}: is a {kind}, not a regular file; not read")]
    Special { path: String, kind: &'static str },
    #[error("{path}: no such file")]
    Missing { path: String },
    #[error("{path}: symlink loop")]
    Loop { path: String },
    /// A link appeared on the way to a file after it was resolved: a race
    /// meant to read a file outside the tree.
    #[error("{path}: changed into a link while tripline read it; not read")]
    Changed { path: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// The roots tripline may read below, and how absolute server paths map
/// onto folders of the tree.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    /// `None`: unconfined (tests and benchmarks that build sources by hand).
    roots: Option<Vec<Root>>,
    /// `[nginx] paths`: absolute prefix on the server → folder in the tree.
    mappings: Vec<(PathBuf, PathBuf)>,
    /// Standard input standing in for one file (`check -`), then unsaved
    /// buffers standing in for others: absolute paths and content, read in
    /// place of the disk's.
    stdin: Vec<(PathBuf, std::sync::Arc<[u8]>)>,
    /// Folders already seen to be folders, not symlinks: a path below one
    /// need not ask the file system about it again (thousands of site
    /// files share their handful of folders).
    plain_dirs: std::sync::Arc<std::sync::Mutex<foldhash::HashSet<PathBuf>>>,
    /// Files already resolved: discovery, reading and lookups ask about the
    /// same file several times in one run. (The path maps use foldhash,
    /// seeded per process as std's SipHash is, and a fraction of its cost:
    /// SipHash over the paths was a tenth of a language-server recheck.)
    resolved: std::sync::Arc<std::sync::Mutex<foldhash::HashMap<PathBuf, Place>>>,
    /// Folder listings already read: a missing certificate's folder is
    /// listed once however many sites name a file in it (261 listings of
    /// one 494-entry folder were 39 % of a corpus run).
    listings: std::sync::Arc<std::sync::Mutex<foldhash::HashMap<PathBuf, Listing>>>,
    /// Files read whole earlier in the run, by real path: a small file
    /// resolving read (to tell a symlink stub), a file whose head was all of
    /// it (handed over by the repository model). The next reader takes the
    /// content from here rather than opening the file again, once.
    read_earlier:
        std::sync::Arc<std::sync::Mutex<foldhash::HashMap<PathBuf, std::sync::Arc<[u8]>>>>,
    /// What a long-running process keeps between runs (the language
    /// server): files' content and what was worked out from it.
    warm: Option<std::sync::Arc<Warm>>,
    /// With `warm`: the stamp of each path `lstat` found a regular file at,
    /// once per run (a file's key, its resolution and its size each asked;
    /// three `lstat`s of 3,500 files were a tenth of a recheck).
    file_stamps: std::sync::Arc<std::sync::Mutex<foldhash::HashMap<PathBuf, warm::Stamp>>>,
    /// Each root folder, opened once: the files below it are opened from
    /// it (an open and a close of the root per file were a fifth of the
    /// system calls of a corpus run).
    #[cfg(unix)]
    root_dirs: std::sync::Arc<
        std::sync::Mutex<std::collections::HashMap<PathBuf, std::sync::Arc<rustix::fd::OwnedFd>>>,
    >,
}

/// The sorted names in one folder, shared between the lookups that ask.
pub type Listing = std::sync::Arc<[String]>;

fn absolute(path: &Path) -> PathBuf {
    // Asked at every lookup, mostly of paths that already are (std's
    // `absolute` rebuilds them component by component).
    if path.is_absolute() && is_normal(path) {
        return path.to_path_buf();
    }
    normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

impl Tree {
    /// A tree that reads anything (tests, benchmarks).
    pub fn unconfined() -> Tree {
        Tree::default()
    }

    /// The tree below `roots` (folders, or files whose folder is then the root).
    pub fn new(roots: &[PathBuf]) -> Tree {
        let roots = roots
            .iter()
            .map(|r| {
                let given = absolute(r);
                let real = std::fs::canonicalize(&given).unwrap_or_else(|_| given.clone());
                Root { given, real }
            })
            .collect();
        Tree {
            roots: Some(roots),
            mappings: Vec::new(),
            stdin: Vec::new(),
            plain_dirs: Default::default(),
            resolved: Default::default(),
            listings: Default::default(),
            read_earlier: Default::default(),
            warm: None,
            file_stamps: Default::default(),
            #[cfg(unix)]
            root_dirs: Default::default(),
        }
    }

    /// Keeps files' content and what is worked out from them in `warm`
    /// across runs, for as long as each file is unchanged.
    pub fn with_warm(mut self, warm: std::sync::Arc<Warm>) -> Tree {
        // What changed since the last run is forgotten before this one
        // looks at anything.
        warm.catch_up();
        self.warm = Some(warm);
        self
    }

    /// Reads `content` wherever `path` is asked for (`check -
    /// --stdin-filename PATH`): an editor's unsaved buffer, checked in the
    /// context of the files around it. The file need not exist on disk.
    pub fn with_stdin(self, path: &Path, content: Vec<u8>) -> Tree {
        self.with_buffer(path, content)
    }

    /// Reads `content` wherever `path` is asked for, as [`Tree::with_stdin`]
    /// does, for one more file (an editor's other unsaved buffers, a fix
    /// that edits several files); the first given for a path wins.
    pub fn with_buffer(mut self, path: &Path, content: Vec<u8>) -> Tree {
        self.stdin.push((absolute(path), content.into()));
        self
    }

    /// The content standing in for `path`, if standard input or a buffer does.
    pub fn stdin_for(&self, path: &Path) -> Option<&[u8]> {
        if self.stdin.is_empty() {
            return None;
        }
        let path = absolute(path);
        (self.stdin.iter())
            .find(|(at, _)| *at == path)
            .map(|(_, content)| &**content)
    }

    /// Adds `[nginx] paths` mappings (absolute server prefix → tree folder).
    pub fn with_mappings(mut self, mappings: Vec<(PathBuf, PathBuf)>) -> Tree {
        for (server, folder) in mappings {
            self.mappings.push((normalize(&server), absolute(&folder)));
        }
        // Longest prefix first.
        self.mappings
            .sort_by_key(|(p, _)| std::cmp::Reverse(p.components().count()));
        self
    }

    /// A real path (symlinks resolved) spelled below the root the user
    /// gave, where that root is itself reached through a symlink; `None`
    /// when it is in no root (an unconfined tree, a mapped folder).
    pub fn presentable(&self, real: &Path) -> Option<PathBuf> {
        let roots = self.roots.as_ref()?;
        roots.iter().find_map(|r| {
            if real.starts_with(&r.given) {
                return Some(real.to_path_buf());
            }
            let rest = real.strip_prefix(&r.real).ok()?;
            Some(r.given.join(rest))
        })
    }

    pub fn is_confined(&self) -> bool {
        self.roots.is_some()
    }

    /// Whether an absolute, normalised path is below a root.
    pub fn contains(&self, path: &Path) -> bool {
        match &self.roots {
            None => true,
            Some(roots) => roots
                .iter()
                .any(|r| path.starts_with(&r.given) || path.starts_with(&r.real)),
        }
    }

    /// Whether stat'ing `path` reveals nothing about the runner: it is in
    /// the tree, or a folder on the way down to a root.
    fn may_stat(&self, path: &Path) -> bool {
        match &self.roots {
            None => true,
            Some(roots) => roots.iter().any(|r| {
                path.starts_with(&r.given)
                    || path.starts_with(&r.real)
                    || r.given.starts_with(path)
                    || r.real.starts_with(path)
            }),
        }
    }

    /// Maps an absolute server path into the tree: `[nginx] paths` first,
    /// then a folder of the tree (an ancestor of `near`) that holds the
    /// path's folder as a filesystem fragment (`root/etc/nginx/...` for
    /// `/etc/nginx/...`). `None`: it lives on the server only.
    pub fn map_absolute(&self, server_path: &Path, near: &Path) -> Option<PathBuf> {
        let server_path = normalize(server_path);
        for (prefix, folder) in &self.mappings {
            if let Ok(rest) = server_path.strip_prefix(prefix) {
                return Some(normalize(&folder.join(rest)));
            }
        }
        let relative: PathBuf = server_path
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .collect();
        // `/x.conf` names no folder that could anchor it in the tree.
        if relative.components().count() < 2 {
            return None;
        }
        let near = absolute(near);
        for ancestor in near.ancestors().skip(1) {
            if !self.contains(ancestor) {
                break;
            }
            let candidate = ancestor.join(&relative);
            if candidate.parent().is_some_and(Path::is_dir) {
                return Some(candidate);
            }
        }
        None
    }

    /// The names in a folder inside the tree, sorted (empty outside it);
    /// each folder is read once per run.
    pub fn list(&self, dir: &Path) -> Listing {
        let real = match self.resolve(dir) {
            Place::Dir(real) => real,
            _ => return Listing::from([]),
        };
        if let Some(names) = self
            .listings
            .lock()
            .ok()
            .and_then(|l| l.get(&real).cloned())
        {
            return names;
        }
        // A watched folder's names are kept from run to run until an entry
        // moves (a sites folder globbed at every keystroke).
        const NAMES: &str = "tree::list";
        if let Some(names) = self.remembered_listing::<Listing>(NAMES, &real) {
            return names;
        }
        let watched = self.watch_folder(&real);
        let Ok(entries) = std::fs::read_dir(&real) else {
            return Listing::from([]);
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let names = Listing::from(names);
        if watched {
            self.remember_listing(NAMES, &real, names.clone());
        }
        if let Ok(mut listings) = self.listings.lock() {
            listings.insert(real, names.clone());
        }
        names
    }
}

/// Removes `.` and resolves `..` lexically, so one file reached by two
/// spellings of its path is read and reported once.
pub fn normalize(path: &Path) -> PathBuf {
    // Most paths asked about already are (every walked file is, and every
    // check asks about each many times): copied whole, not rebuilt one
    // component at a time.
    if is_normal(path) {
        return path.to_path_buf();
    }
    by_components(path)
}

/// `normalize`, one component at a time.
fn by_components(path: &Path) -> PathBuf {
    let mut out = PathBuf::with_capacity(path.as_os_str().len());
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let can_pop = matches!(out.components().next_back(), Some(Component::Normal(_)));
                if can_pop {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Whether `normalize` would give `path` back unchanged: not empty, no
/// `.` or `..` component, no doubled or trailing `/`.
#[cfg(unix)]
pub(crate) fn is_normal(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    if bytes == b"/" {
        return true;
    }
    let relative = bytes.strip_prefix(b"/").unwrap_or(bytes);
    !relative.is_empty()
        && relative
            .split(|&b| b == b'/')
            .all(|part| !matches!(part, b"" | b"." | b".."))
}

#[cfg(not(unix))]
pub(crate) fn is_normal(_: &Path) -> bool {
    false
}

/// A server path, normalised: `.` and `..` resolved, no trailing `/`.
pub fn server_normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
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

#[cfg(test)]
mod tests;
