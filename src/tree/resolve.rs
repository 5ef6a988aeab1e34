//! Resolving a path inside the tree: symlinks (and symlink stubs) followed
//! hop by hop from the root, never a look at anything outside it.

use super::{absolute, normalize, special_kind, Place, Tree};
use std::path::{Component, Path, PathBuf};

/// Folders above a path looked up among those already walked.
const MAX_KNOWN_LOOKUPS: usize = 8;

/// Symlink hops followed before a path is called a loop (Linux's limit).
const MAX_HOPS: usize = 40;

/// A file whose whole content is one path is a symlink that lost its
/// link-ness (git's `core.symlinks=false`, archive downloads, Windows
/// checkouts); stubs are short.
const MAX_STUB_BYTES: u64 = 512;

enum Step {
    /// Where the path leads; for a file, its size as the last look at it
    /// found (the stub test needs no other `stat`).
    Done(Place, Option<u64>),
    Link(PathBuf),
}

impl Tree {
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
        let stamp = self.plain_file_stamp(&real)?;
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
        if let Some(stamp) = self.plain_file_stamp(real) {
            warm.keep_plain_file(real, stamp);
        }
    }

    fn resolve_uncached(&self, asked: PathBuf) -> Place {
        let mut pending = self.below_real_root(asked);
        for _ in 0..MAX_HOPS {
            match self.walk_components(&pending) {
                Step::Done(place, size) => {
                    if let (Place::File(real), Some(size)) = (&place, size) {
                        if let Some(target) = self.stub_target(real, size) {
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
            return Step::Done(Place::Outside, None);
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
        // What `lstat` said of the last component: no link (a link is the
        // next step), so what `stat` would say of the whole path.
        let mut last_meta = None;
        while let Some(component) = components.next() {
            current.push(component);
            last_meta = None;
            if !matches!(component, Component::Normal(_)) {
                continue;
            }
            if !self.may_stat(&current) {
                return Step::Done(Place::Outside, None);
            }
            let last = components.peek().is_none();
            let meta = match std::fs::symlink_metadata(&current) {
                Ok(meta) => meta,
                Err(_) => return Step::Done(Place::Missing(path.to_path_buf()), None),
            };
            if meta.is_dir() && !last {
                if let Ok(mut dirs) = self.plain_dirs.lock() {
                    dirs.insert(current.clone());
                }
            }
            if meta.file_type().is_symlink() {
                let Ok(target) = std::fs::read_link(&current) else {
                    return Step::Done(Place::Missing(path.to_path_buf()), None);
                };
                let parent = current.parent().unwrap_or(Path::new("/"));
                let Some(mut next) = self.link_target(&target, parent) else {
                    return Step::Done(Place::Outside, None);
                };
                next.extend(components);
                return Step::Link(normalize(&next));
            }
            if last {
                last_meta = Some(meta);
            }
        }
        let meta = match last_meta {
            Some(meta) => Ok(meta),
            None => std::fs::metadata(&current),
        };
        match meta {
            Err(_) => Step::Done(Place::Missing(current), None),
            Ok(meta) if meta.is_file() => Step::Done(Place::File(current), Some(meta.len())),
            Ok(meta) if meta.is_dir() => Step::Done(Place::Dir(current), None),
            Ok(meta) => Step::Done(Place::Special(current, special_kind(&meta)), None),
        }
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

    /// The whole of a file of at most [`MAX_STUB_BYTES`], opened as
    /// [`Tree::read`] opens files, and handed over to its next reader.
    fn read_small(&self, real: &Path) -> Option<std::sync::Arc<[u8]>> {
        use std::io::Read;
        let file = self.open_resolved(real).ok()?;
        let mut bytes = Vec::new();
        file.take(MAX_STUB_BYTES + 1).read_to_end(&mut bytes).ok()?;
        if bytes.len() as u64 > MAX_STUB_BYTES {
            return None;
        }
        let bytes: std::sync::Arc<[u8]> = bytes.into();
        self.hand_over(real.to_path_buf(), bytes.clone());
        Some(bytes)
    }

    /// The file a symlink stub names, when `real` (of `size` bytes) is one
    /// and its target is a file inside the tree.
    fn stub_target(&self, real: &Path, size: u64) -> Option<PathBuf> {
        if !(2..=MAX_STUB_BYTES).contains(&size) {
            return None;
        }
        // Read as every file is (never through a link): what it holds is
        // kept, so that the file's reader takes it instead of opening the
        // file again.
        let bytes = self.read_small(real)?;
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
            Step::Done(Place::File(_), _) | Step::Link(_) => Some(next),
            _ => None,
        }
    }
}
