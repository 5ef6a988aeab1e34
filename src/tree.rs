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
mod warm;

pub use warm::{Stamp, Warm};

use crate::source::normalize;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Files above this size are refused: no real config is anywhere near it,
/// and reading a multi-gigabyte file into memory is how a linter gets
/// killed in CI.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

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

/// Folders above a path looked up among those already walked.
const MAX_KNOWN_LOOKUPS: usize = 8;

/// Symlink hops followed before a path is called a loop (Linux's limit).
const MAX_HOPS: usize = 40;

/// A file whose whole content is one path is a symlink that lost its
/// link-ness (git's `core.symlinks=false`, archive downloads, Windows
/// checkouts); stubs are short.
const MAX_STUB_BYTES: u64 = 512;

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
    plain_dirs: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<PathBuf>>>,
    /// Files already resolved: discovery, reading and lookups ask about the
    /// same file several times in one run.
    resolved: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<PathBuf, Place>>>,
    /// Folder listings already read: a missing certificate's folder is
    /// listed once however many sites name a file in it (261 listings of
    /// one 494-entry folder were 39 % of a corpus run).
    listings: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<PathBuf, Listing>>>,
    /// What a long-running process keeps between runs (the language
    /// server): files' content and what was worked out from it.
    warm: Option<std::sync::Arc<Warm>>,
}

/// The sorted names in one folder, shared between the lookups that ask.
pub type Listing = std::sync::Arc<[String]>;

fn absolute(path: &Path) -> PathBuf {
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
            warm: None,
        }
    }

    /// Keeps files' content and what is worked out from them in `warm`
    /// across runs, for as long as each file is unchanged.
    pub fn with_warm(mut self, warm: std::sync::Arc<Warm>) -> Tree {
        self.warm = Some(warm);
        self
    }

    /// What `what` worked out from `path` in an earlier run, if the file is
    /// unchanged since (never for a buffer: it is new at every run).
    pub fn remembered<T: std::any::Any + Send + Sync + Clone>(
        &self,
        path: &Path,
        what: &'static str,
    ) -> Option<T> {
        let (key, stamp) = self.warm_key(path)?;
        self.warm.as_ref()?.derived(&key, stamp, what)
    }

    /// Remembers what `what` worked out from `path`, for later runs.
    pub fn remember<T: std::any::Any + Send + Sync>(
        &self,
        path: &Path,
        what: &'static str,
        value: T,
    ) {
        if let (Some(warm), Some((key, stamp))) = (&self.warm, self.warm_key(path)) {
            warm.keep_derived(&key, stamp, what, value);
        }
    }

    /// The key and stamp of a file for the warm cache: its path as asked
    /// (what is derived may depend on the name), stamped with what it leads
    /// to.
    ///
    /// The stamp is the file's the path leads to, links followed, without
    /// confinement: what is remembered was worked out through the confined
    /// reads, and only the same file unchanged (device, inode, times, size)
    /// finds it again; whatever a link swapped in since is another file.
    fn warm_key(&self, path: &Path) -> Option<(PathBuf, Stamp)> {
        self.warm.as_ref()?;
        if self.stdin_for(path).is_some() {
            return None;
        }
        let meta = std::fs::metadata(path).ok()?;
        meta.is_file()
            .then(|| (path.to_path_buf(), Stamp::of(&meta)))
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

    /// Where `path` leads, following symlinks (and symlink stubs) hop by
    /// hop; nothing outside the roots is ever looked at.
    pub fn resolve(&self, path: &Path) -> Place {
        let asked = absolute(path);
        if let Some(place) = self
            .resolved
            .lock()
            .ok()
            .and_then(|r| r.get(&asked).cloned())
        {
            return place;
        }
        let place = match self.remembered_plain_file(&asked) {
            Some(place) => place,
            None => {
                let place = self.resolve_uncached(asked.clone());
                self.remember_plain_file(&asked, &place);
                place
            }
        };
        // Only files: a folder's listing, a missing file, may change as
        // tripline runs (tests create files between calls on one tree).
        if matches!(place, Place::File(_)) {
            if let Ok(mut resolved) = self.resolved.lock() {
                resolved.insert(asked, place.clone());
            }
        }
        place
    }

    /// A file an earlier run found to be a plain file inside the tree,
    /// reached with no link, and unchanged since: one `lstat` instead of a
    /// walk. Should a folder on its way have become a link since, the file
    /// `lstat` finds through it is another one (its stamp differs), or the
    /// read, which never follows a link, refuses it.
    fn remembered_plain_file(&self, asked: &Path) -> Option<Place> {
        let warm = self.warm.as_ref()?;
        let real = self.below_real_root(asked.to_path_buf());
        // Another run may have had other roots.
        if !self.contains(&real) {
            return None;
        }
        let stamp = Stamp::of(&std::fs::symlink_metadata(&real).ok()?);
        warm.is_plain_file(&real, stamp)
            .then_some(Place::File(real))
    }

    fn remember_plain_file(&self, asked: &Path, place: &Place) {
        let (Some(warm), Place::File(real)) = (&self.warm, place) else {
            return;
        };
        if *real != self.below_real_root(asked.to_path_buf()) {
            return;
        }
        if let Ok(meta) = std::fs::symlink_metadata(real) {
            if meta.is_file() {
                warm.keep_plain_file(real, Stamp::of(&meta));
            }
        }
    }

    fn resolve_uncached(&self, asked: PathBuf) -> Place {
        let mut pending = self.below_real_root(asked);
        for _ in 0..MAX_HOPS {
            match self.walk_components(&pending) {
                Step::Done(place) => {
                    if let Place::File(real) = &place {
                        if let Some(target) = self.stub_target(real) {
                            pending = target;
                            continue;
                        }
                    }
                    return place;
                }
                Step::Link(next) => pending = next,
            }
        }
        Place::Loop
    }

    /// A path below a root as the user spelled it, spelled below the root's
    /// real path: links on the way to a root (`~/src -> /data/src`) are the
    /// user's own, and are not to be judged as links inside the tree.
    fn below_real_root(&self, path: PathBuf) -> PathBuf {
        let Some(roots) = &self.roots else {
            return path;
        };
        roots
            .iter()
            .find_map(|r| Some(r.real.join(path.strip_prefix(&r.given).ok()?)))
            .unwrap_or(path)
    }

    /// Resolves `path` up to its first symlink; the link's target (mapped
    /// into the tree when absolute) with the rest appended is the next step.
    fn walk_components(&self, path: &Path) -> Step {
        if !self.contains(path) {
            return Step::Done(Place::Outside);
        }
        // The walk starts below the deepest folder known to be a plain one
        // (every folder above it was walked before): a file's walk then
        // looks at the components below it only, usually one or two, and
        // not its whole depth each time (a 1,900-folder-deep tree took a
        // minute).
        // A few levels up at most: each look hashes the whole path, and a
        // hostile `$INCLUDE` names 24,000 folders that do not exist.
        let known = (path.ancestors().skip(1))
            .take(MAX_KNOWN_LOOKUPS)
            .find(|a| self.is_plain_dir(a));
        let (mut current, rest) = match known {
            Some(folder) => (
                folder.to_path_buf(),
                path.strip_prefix(folder).unwrap_or(path),
            ),
            None => (PathBuf::new(), path),
        };
        let mut components = rest.components().peekable();
        while let Some(component) = components.next() {
            current.push(component);
            if !matches!(component, Component::Normal(_)) {
                continue;
            }
            if !self.may_stat(&current) {
                return Step::Done(Place::Outside);
            }
            let last = components.peek().is_none();
            let meta = match std::fs::symlink_metadata(&current) {
                Ok(meta) => meta,
                Err(_) => return Step::Done(Place::Missing(path.to_path_buf())),
            };
            if meta.is_dir() && !last {
                if let Ok(mut dirs) = self.plain_dirs.lock() {
                    dirs.insert(current.clone());
                }
            }
            if meta.file_type().is_symlink() {
                let Ok(target) = std::fs::read_link(&current) else {
                    return Step::Done(Place::Missing(path.to_path_buf()));
                };
                let parent = current.parent().unwrap_or(Path::new("/"));
                let Some(mut next) = self.link_target(&target, parent) else {
                    return Step::Done(Place::Outside);
                };
                next.extend(components);
                return Step::Link(normalize(&next));
            }
        }
        let place = match std::fs::metadata(&current) {
            Err(_) => Place::Missing(current),
            Ok(meta) if meta.is_file() => Place::File(current),
            Ok(meta) if meta.is_dir() => Place::Dir(current),
            Ok(meta) => Place::Special(current, special_kind(&meta)),
        };
        Step::Done(place)
    }

    fn is_plain_dir(&self, path: &Path) -> bool {
        self.plain_dirs.lock().is_ok_and(|dirs| dirs.contains(path))
    }

    /// Where a symlink's target is in the tree: relative to the link's
    /// folder, or an absolute path inside a root or mapped into the tree.
    fn link_target(&self, target: &Path, link_dir: &Path) -> Option<PathBuf> {
        if target.is_absolute() {
            let target = normalize(target);
            // In the tree, or a folder on the way down to a root (a root
            // reached through a symlinked folder, like macOS's /tmp): the
            // next hop checks that the rest stays inside.
            if self.contains(&target) || self.may_stat(&target) {
                return Some(target);
            }
            return self.map_absolute(&target, &link_dir.join("x"));
        }
        Some(normalize(&link_dir.join(target)))
    }

    /// The file a symlink stub names, when `real` is one and its target is
    /// a file inside the tree.
    fn stub_target(&self, real: &Path) -> Option<PathBuf> {
        let meta = std::fs::metadata(real).ok()?;
        if meta.len() > MAX_STUB_BYTES || meta.len() < 2 {
            return None;
        }
        let bytes = std::fs::read(real).ok()?;
        let text = std::str::from_utf8(&bytes).ok()?;
        let target = text.strip_suffix('\n').unwrap_or(text);
        let looks_like_path = target.contains('/')
            && !target.chars().any(|c| {
                c.is_whitespace() || c.is_control() || matches!(c, ';' | '{' | '}' | '#' | '"')
            })
            && !target.contains("://");
        if !looks_like_path {
            return None;
        }
        let next = self.link_target(Path::new(target), real.parent()?)?;
        match self.walk_components(&next) {
            Step::Done(Place::File(_)) | Step::Link(_) => Some(next),
            _ => None,
        }
    }

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
        if let Some(content) = self.stdin_for(path) {
            return Ok((absolute(path), content.to_vec()));
        }
        let remembered = self.remembered_bytes(path);
        if let Some((real, bytes)) = remembered.filter(|(_, b)| b.len() as u64 <= limit) {
            return Ok((real, bytes.to_vec()));
        }
        let (real, file) = self.open(path, shown)?;
        let meta = file.metadata().ok();
        // Refused by its size before a byte is read; the read is capped too,
        // as a size can change (or lie, in /proc).
        if meta.as_ref().is_some_and(|m| m.len() > limit) {
            return Err(ReadError::TooLarge {
                path: shown.to_string(),
                limit,
            });
        }
        let warm = (self.warm.as_ref()).zip(meta.as_ref().map(Stamp::of));
        if let Some(bytes) = warm.and_then(|(warm, stamp)| warm.bytes(&real, stamp)) {
            return Ok((real, bytes.to_vec()));
        }
        let mut bytes = Vec::new();
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
        if let Some((warm, stamp)) = warm {
            // Only what was read whole at the size the stamp says: a file
            // growing as it is read is read again next time.
            if meta.as_ref().is_some_and(|m| m.len() == bytes.len() as u64) {
                warm.keep_bytes(&real, stamp, bytes.as_slice().into());
            }
        }
        Ok((real, bytes))
    }

    /// The content of `path` read in an earlier run, if it is unchanged:
    /// the path is resolved inside the tree as for a read, and only the
    /// same file at the same stamp has it.
    fn remembered_bytes(&self, path: &Path) -> Option<(PathBuf, std::sync::Arc<[u8]>)> {
        let warm = self.warm.as_ref()?;
        let Place::File(real) = self.resolve(path) else {
            return None;
        };
        let stamp = Stamp::of(&std::fs::metadata(&real).ok()?);
        let bytes = warm.bytes(&real, stamp)?;
        Some((real, bytes))
    }

    /// Opens a regular file inside the tree for reading. Returns its real
    /// path and the open file, which is a regular file inside the tree
    /// whatever changed on disk since the path was resolved.
    pub fn open(&self, path: &Path, shown: &str) -> Result<(PathBuf, std::fs::File), ReadError> {
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
        Ok((real, file))
    }

    /// Opens a path [`Tree::resolve`] found to be a file, from the folder
    /// of the root it is under, never following a link: a link swapped in
    /// for the file or a folder on its way since it was resolved fails the
    /// open instead of leading out of the tree.
    fn open_resolved(&self, real: &Path) -> std::io::Result<std::fs::File> {
        let Some(roots) = &self.roots else {
            return std::fs::File::open(real);
        };
        let below = roots.iter().find_map(|r| {
            [&r.real, &r.given]
                .into_iter()
                .find_map(|root| Some((root, real.strip_prefix(root).ok()?)))
        });
        match below {
            Some((root, rest)) => beneath::open(root, rest),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "outside the checked tree",
            )),
        }
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
        let Ok(entries) = std::fs::read_dir(&real) else {
            return Listing::from([]);
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let names = Listing::from(names);
        if let Ok(mut listings) = self.listings.lock() {
            listings.insert(real, names.clone());
        }
        names
    }
}

/// The roots a run may read below: each folder given, and for each file
/// given the repository it belongs to (the nearest folder above it with
/// `.git` or `tripline.toml`, else the current folder when the file is
/// below it, else the file's own folder), so that a site file named by a
/// hook is checked with the nginx.conf above it.
pub fn checked_roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    let cwd = std::env::current_dir().ok().map(|c| absolute(&c));
    paths
        .iter()
        .map(|p| {
            let given = absolute(p);
            if given.is_dir() {
                return given;
            }
            let parent = given
                .parent()
                .map_or_else(|| given.clone(), Path::to_path_buf);
            let repository = parent
                .ancestors()
                .find(|a| a.join(".git").exists() || a.join(crate::config::FILE_NAME).is_file());
            match (repository, &cwd) {
                (Some(repo), _) => repo.to_path_buf(),
                (None, Some(cwd)) if given.starts_with(cwd) => cwd.clone(),
                _ => parent,
            }
        })
        .collect()
}

enum Step {
    Done(Place),
    Link(PathBuf),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn tree_in(dir: &Path) -> Tree {
        Tree::new(&[dir.to_path_buf()])
    }

    #[test]
    fn paths_outside_the_roots_are_never_resolved() {
        let dir = tempfile::tempdir().expect("tempdir");
        let tree = tree_in(dir.path());
        assert_eq!(tree.resolve(Path::new("/etc/passwd")), Place::Outside);
        assert_eq!(
            tree.resolve(&dir.path().join("../../../proc/self/environ")),
            Place::Outside
        );
        assert!(matches!(
            tree.read(Path::new("/proc/self/environ"), "x"),
            Err(ReadError::Outside { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_tree_are_refused_whether_or_not_the_target_exists() {
        let dir = tempfile::tempdir().expect("tempdir");
        let link = |name: &str, target: &str| {
            std::os::unix::fs::symlink(target, dir.path().join(name)).expect("symlink")
        };
        link("leak.pem", "/proc/self/environ");
        link("nothing.pem", "/no/such/file/anywhere");
        link("up.conf", "../../../../../../etc/passwd");
        std::fs::write(dir.path().join("real.conf"), "x").expect("write");
        link("ok.conf", "real.conf");
        link("dangling.conf", "gone.conf");
        let tree = tree_in(dir.path());
        assert_eq!(tree.resolve(&dir.path().join("leak.pem")), Place::Outside);
        assert_eq!(
            tree.resolve(&dir.path().join("nothing.pem")),
            Place::Outside
        );
        assert_eq!(tree.resolve(&dir.path().join("up.conf")), Place::Outside);
        assert!(matches!(
            tree.resolve(&dir.path().join("ok.conf")),
            Place::File(p) if p.ends_with("real.conf")
        ));
        assert!(matches!(
            tree.resolve(&dir.path().join("dangling.conf")),
            Place::Missing(_)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_root_reached_through_a_link_is_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("data/repo")).expect("mkdir");
        std::fs::write(dir.path().join("data/repo/a.zone"), "x").expect("write");
        std::os::unix::fs::symlink("data", dir.path().join("link")).expect("symlink");
        let root = dir.path().join("link/repo");
        let tree = tree_in(&root);
        let (_, bytes) = tree.read(&root.join("a.zone"), "a.zone").expect("read");
        assert_eq!(bytes, b"x");
    }

    #[cfg(unix)]
    #[test]
    fn fifos_are_never_opened() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("pipe.conf");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("SKIPPED fifo test: mkfifo is not available");
            return;
        }
        let tree = tree_in(dir.path());
        assert!(matches!(tree.resolve(&fifo), Place::Special(_, "FIFO")));
        assert!(matches!(
            tree.read(&fifo, "pipe.conf"),
            Err(ReadError::Special { kind: "FIFO", .. })
        ));
    }

    #[test]
    fn stubs_of_symlinks_lead_to_their_target() {
        let dir = tempfile::tempdir().expect("tempdir");
        let nginx = dir.path().join("root/etc/nginx");
        std::fs::create_dir_all(nginx.join("sites-available")).expect("mkdir");
        std::fs::create_dir_all(nginx.join("sites-enabled")).expect("mkdir");
        std::fs::write(nginx.join("sites-available/site"), "server {}\n").expect("write");
        std::fs::write(nginx.join("sites-enabled/rel"), "../sites-available/site").expect("write");
        std::fs::write(
            nginx.join("sites-enabled/abs"),
            "/etc/nginx/sites-available/site\n",
        )
        .expect("write");
        std::fs::write(nginx.join("sites-enabled/gone"), "../sites-available/gone").expect("write");
        let tree = tree_in(dir.path());
        for name in ["rel", "abs"] {
            assert!(
                matches!(tree.resolve(&nginx.join("sites-enabled").join(name)),
                    Place::File(p) if p.ends_with("sites-available/site")),
                "{name}"
            );
        }
        // A stub whose target does not exist is just a small file.
        assert!(matches!(
            tree.resolve(&nginx.join("sites-enabled/gone")),
            Place::File(p) if p.ends_with("sites-enabled/gone")
        ));
    }

    #[test]
    fn absolute_server_paths_map_onto_filesystem_fragments() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fragment = dir.path().join("tree/root");
        std::fs::create_dir_all(fragment.join("etc/nginx/conf.d")).expect("mkdir");
        std::fs::create_dir_all(fragment.join("usr/local/openresty/nginx/conf")).expect("mkdir");
        let tree = tree_in(dir.path());
        let near = fragment.join("usr/local/openresty/nginx/conf/nginx.conf");
        assert_eq!(
            tree.map_absolute(Path::new("/etc/nginx/conf.d/x.conf"), &near),
            Some(fragment.join("etc/nginx/conf.d/x.conf"))
        );
        assert_eq!(tree.map_absolute(Path::new("/var/lib/x.conf"), &near), None);
        let mapped = tree_in(dir.path()).with_mappings(vec![(
            PathBuf::from("/config"),
            dir.path().join("tree/defaults"),
        )]);
        assert_eq!(
            mapped.map_absolute(Path::new("/config/nginx/ssl.conf"), &near),
            Some(dir.path().join("tree/defaults/nginx/ssl.conf"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_root_reached_through_a_symlinked_folder_is_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real");
        std::fs::create_dir_all(real.join("conf")).expect("mkdir");
        std::fs::write(real.join("conf/nginx.conf"), "events {}\n").expect("write");
        std::fs::write(dir.path().join("secret.conf"), "x\n").expect("write");
        std::os::unix::fs::symlink(&real, dir.path().join("link")).expect("symlink");
        let entry = dir.path().join("link/conf/nginx.conf");
        let tree = tree_in(&entry);
        assert!(
            matches!(tree.resolve(&entry), Place::File(p) if p.ends_with("real/conf/nginx.conf"))
        );
        // Through the same link, nothing beside the root.
        assert_eq!(
            tree.resolve(&dir.path().join("link/../secret.conf")),
            Place::Outside
        );
        std::os::unix::fs::symlink(dir.path(), real.join("conf/up")).expect("symlink");
        assert_eq!(
            tree.resolve(&real.join("conf/up/secret.conf")),
            Place::Outside
        );
    }
}
