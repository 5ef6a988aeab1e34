//! The files tripline has read, and the mapping from byte offsets to the
//! 1-based line and character column that every output format reports.

pub mod context;

use crate::tree::Tree;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The span covering both `self` and `other` (same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// What the reader that parsed a file saw of it, beyond its model: kept
/// on the file for what is worked out after the rules (suppressions), so
/// that nothing reads the raw text again.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    /// Where each comment starts, in order: where suppressions can be.
    pub comments: Vec<u32>,
}

/// 1-based line and column; columns count characters, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Bytes between the character-count checkpoints of a file.
const CHAR_BLOCK: usize = 4096;

/// Characters in UTF-8 bytes: bytes that do not continue a character
/// (an invalid byte counts as one, as a lossy decode shows it).
fn chars_in(bytes: &[u8]) -> u32 {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u32
}

pub struct SourceFile {
    /// Where the file is on disk.
    pub path: PathBuf,
    /// The path as the user would type it from the current folder, `/`-separated.
    pub display: String,
    /// Shared so that a parser can hold a file while reading its includes.
    /// A template's placeholders are masked here (same length).
    pub bytes: std::sync::Arc<[u8]>,
    /// A template's text as written, for excerpts.
    original: Option<std::sync::Arc<[u8]>>,
    /// Lines holding a template placeholder, sorted.
    placeholder_lines: Vec<u32>,
    line_starts: OnceLock<Vec<usize>>,
    char_checkpoints: OnceLock<Vec<u32>>,
    /// What the reader that parsed it saw (`None`: no reader said).
    seen: Option<Seen>,
    /// What encloses each part, as its reader parsed it (`None`: no reader
    /// said): for fingerprints.
    contexts: Option<std::sync::Arc<context::Contexts>>,
}

impl SourceFile {
    /// What the reader that parsed the file saw: its comments.
    pub fn seen(&self) -> Option<&Seen> {
        self.seen.as_ref()
    }

    /// What encloses each part of the file, as its reader parsed it.
    pub fn contexts(&self) -> Option<&context::Contexts> {
        self.contexts.as_deref()
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(
                self.bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| i + 1),
            );
            starts
        })
    }

    /// The 1-based line of a byte offset (clamped to the file): a binary search.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.bytes.len());
        self.line_starts().partition_point(|&s| s <= offset)
    }

    /// Characters before each [`CHAR_BLOCK`]-byte boundary, so that a
    /// column costs at most one block's scan however long its line is.
    fn char_checkpoints(&self) -> &[u32] {
        self.char_checkpoints.get_or_init(|| {
            let mut counts = Vec::with_capacity(self.bytes.len() / CHAR_BLOCK + 1);
            let mut total = 0u32;
            for block in self.bytes.chunks(CHAR_BLOCK) {
                counts.push(total);
                total += chars_in(block);
            }
            counts
        })
    }

    /// Characters in the file before a byte offset.
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / CHAR_BLOCK;
        let Some(&base) = self.char_checkpoints().get(block) else {
            return chars_in(&self.bytes[..offset]) as usize;
        };
        base as usize + chars_in(&self.bytes[block * CHAR_BLOCK..offset]) as usize
    }

    /// Line and character column of a byte offset (clamped to the file).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.bytes.len());
        let line = self.line_of(offset);
        let line_start = self.line_starts()[line - 1];
        // A line's characters counted directly where it is short (nearly
        // always: a finding's column cost two block scans of 2 KB each).
        let before = if offset - line_start <= CHAR_BLOCK {
            chars_in(&self.bytes[line_start..offset]) as usize
        } else {
            self.chars_before(offset) - self.chars_before(line_start)
        };
        let column = before + 1;
        LineCol { line, column }
    }

    /// Byte offset where a 1-based line starts (the file's end past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        let starts = self.line_starts();
        starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.bytes.len())
    }

    /// Lines holding a template placeholder, sorted: nothing found on them
    /// is reported.
    pub fn placeholder_lines(&self) -> &[u32] {
        &self.placeholder_lines
    }

    /// The text of a 1-based line without its line break (lossy for invalid
    /// UTF-8), as written (a template's placeholders shown).
    pub fn line_text(&self, line: usize) -> String {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.wrapping_sub(1)) else {
            return String::new();
        };
        let end = starts.get(line).map_or(self.bytes.len(), |&next| next);
        let bytes = self.original.as_deref().unwrap_or(&self.bytes);
        let text = String::from_utf8_lossy(&bytes[start..end]);
        text.trim_end_matches(['\n', '\r']).to_string()
    }

    /// A template: its bytes are masked, its text as written is elsewhere
    /// (no fix is applied to it).
    pub fn is_template(&self) -> bool {
        self.original.is_some()
    }

    /// A stock file nginx packages install, embedded in tripline: read for
    /// context, never reported on.
    pub fn is_stock(&self) -> bool {
        self.path.to_str().is_some_and(|p| p.starts_with("stock:"))
    }

    pub fn text_lossy(&self) -> std::borrow::Cow<'_, str> {
        // Valid UTF-8, as nearly every file is, after one quick check.
        match std::str::from_utf8(&self.bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(&self.bytes),
        }
    }
}

/// Every file read during one run, each read once, all through one
/// [`Tree`] (so nothing outside the checked roots is ever read).
#[derive(Default)]
pub struct Sources {
    files: Vec<SourceFile>,
    /// Paths as asked for and real paths, both normalised.
    by_path: HashMap<PathBuf, FileId>,
    tree: Tree,
    /// The path nginx includes each file by, where it is not the file's own.
    loaded_as: Vec<Option<String>>,
    /// The project root (see [`crate::root`]) repository paths are relative to.
    root: Option<PathBuf>,
    /// Templates, by absolute path: read with their placeholders masked.
    templates: HashMap<PathBuf, (crate::template::Syntax, bool)>,
}

pub use crate::tree::{normalize, ReadError};

impl Sources {
    pub fn new(tree: Tree) -> Self {
        Sources {
            tree,
            ..Sources::default()
        }
    }

    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// Marks a file as a template: it is read with its placeholders masked
    /// (see [`crate::template`]). `named`: its name or place says
    /// template, so `$VAR` counts as a placeholder too.
    pub fn add_template(&mut self, path: &Path, syntax: crate::template::Syntax, named: bool) {
        self.templates
            .insert(crate::root::absolute(path), (syntax, named));
    }

    /// The text of the file at `path` read earlier in the run (see
    /// [`Tree::read_earlier`]); standard input or an editor's buffer for
    /// the path wins, as in [`Tree::read`].
    fn take_read_earlier(&self, path: &Path) -> Option<(PathBuf, std::sync::Arc<[u8]>)> {
        if self.tree.stdin_for(path).is_some() {
            return None;
        }
        self.tree.read_earlier(path)
    }

    /// Sets the project root; [`Sources::repo_path`] is relative to it.
    pub fn set_root(&mut self, root: PathBuf) {
        self.root = Some(root);
    }

    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// A path (read or not) for a message: from the project root when it is
    /// inside it, so that messages read the same from any folder.
    pub fn shown_from_root(&self, path: &Path) -> String {
        (self.root.as_deref())
            .and_then(|root| crate::root::relative(root, path))
            .unwrap_or_else(|| display_path(path))
    }

    /// A file's path from the project root, `/`-separated, whatever the
    /// current folder: what SARIF, baselines and fingerprints use. A file
    /// outside the root (or a stock file) keeps its display path.
    pub fn repo_path(&self, id: FileId) -> String {
        let file = self.get(id);
        if file.is_stock() {
            return file.display.clone();
        }
        self.shown_from_root(Path::new(&file.display))
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Bytes of every file read.
    pub fn total_bytes(&self) -> usize {
        self.files.iter().map(|f| f.bytes.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Every path a file was asked for by, or is really at.
    pub fn spellings(&self) -> impl Iterator<Item = (&Path, FileId)> {
        self.by_path.iter().map(|(path, &id)| (path.as_path(), id))
    }

    /// The file already read at `path` (by any spelling or symlink).
    pub fn id_of(&self, path: &Path) -> Option<FileId> {
        if let Some(id) = self.by_path.get(&normalize(path)) {
            return Some(*id);
        }
        match self.tree.resolve(path) {
            crate::tree::Place::File(real) => self.by_path.get(&real).copied(),
            _ => None,
        }
    }

    /// Reads a file once; later calls for the same file (by any path that
    /// leads to it) return the same id.
    pub fn load(&mut self, path: &Path) -> Result<FileId, ReadError> {
        let path = normalize(path);
        if let Some(id) = self.by_path.get(&path) {
            return Ok(*id);
        }
        let display = display_path(&path);
        let (real, bytes) = match self.take_read_earlier(&path) {
            Some(read) => read,
            None => self.tree.read_shared(&path, &display)?,
        };
        if let Some(&id) = self.by_path.get(&real) {
            self.by_path.insert(path, id);
            return Ok(id);
        }
        // A file reached through a symlink is shown where its text is: the
        // file a pull request changes, and the one annotations belong on.
        let display = match self.tree.presentable(&real) {
            Some(shown) if shown != crate::root::absolute(&path) => display_path(&shown),
            _ => display,
        };
        let template = (self.templates.get(&crate::root::absolute(&path)))
            .or_else(|| self.templates.get(&real))
            .copied();
        let id = match template {
            Some((syntax, named)) => {
                let scan = crate::template::scan(&bytes, syntax, named);
                let masked = crate::template::mask(&bytes, &scan);
                let lines = crate::template::lines(&bytes, &scan);
                let id = self.add(path.clone(), display, masked);
                let file = &mut self.files[id.0 as usize];
                file.original = Some(bytes);
                file.placeholder_lines = lines;
                id
            }
            None => self.add_shared(path.clone(), display, bytes),
        };
        self.by_path.insert(real, id);
        Ok(id)
    }

    /// Records the path nginx includes a file by, where it is not the
    /// file's own (`sites-enabled/x`, a symlink to `sites-available/x`):
    /// findings stay at the file that holds the text, and name this path.
    pub fn loaded_as(&mut self, id: FileId, path: &Path) {
        let index = id.0 as usize;
        if self.loaded_as[index].is_some() {
            return;
        }
        let path = normalize(path);
        let shown = display_path(&path);
        if shown != self.files[index].display {
            self.loaded_as[index] = Some(shown);
        }
        self.by_path.insert(path, id);
    }

    /// Records what the reader that parsed a file saw of it; the first
    /// reader's word stands (a file parsed again reads the same).
    pub fn saw(&mut self, id: FileId, seen: Seen) {
        let file = &mut self.files[id.0 as usize];
        if file.seen.is_none() {
            file.seen = Some(seen);
        }
    }

    /// Records what encloses each part of a file, as the reader that
    /// parsed it saw; the first reader's word stands.
    pub fn enclosed(&mut self, id: FileId, contexts: std::sync::Arc<context::Contexts>) {
        let file = &mut self.files[id.0 as usize];
        if file.contexts.is_none() {
            file.contexts = Some(contexts);
        }
    }

    /// The path nginx includes a file by, when it differs from the file's.
    pub fn loaded_as_of(&self, id: FileId) -> Option<&str> {
        self.loaded_as[id.0 as usize].as_deref()
    }

    /// A stock file nginx packages install, read once, shown as
    /// `stock:<origin>/<name>`.
    pub fn load_stock(&mut self, origin: &str, name: &str, text: &str) -> FileId {
        let shown = format!(
            "stock:{}/{}",
            origin.replace(' ', "-").to_ascii_lowercase(),
            name
        );
        let key = PathBuf::from(&shown);
        if let Some(&id) = self.by_path.get(&key) {
            return id;
        }
        self.add(key, shown, text.as_bytes().to_vec())
    }

    /// Adds in-memory content (stock files, tests, benchmarks).
    pub fn add(&mut self, path: PathBuf, display: String, bytes: Vec<u8>) -> FileId {
        self.add_shared(path, display, bytes.into())
    }

    fn add_shared(
        &mut self,
        path: PathBuf,
        display: String,
        bytes: std::sync::Arc<[u8]>,
    ) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.by_path.insert(path.clone(), id);
        self.files.push(SourceFile {
            path,
            display,
            bytes,
            original: None,
            placeholder_lines: Vec::new(),
            line_starts: OnceLock::new(),
            char_checkpoints: OnceLock::new(),
            seen: None,
            contexts: None,
        });
        self.loaded_as.push(None);
        id
    }
}

/// The path as the user would type it from the current folder, `/`-separated.
pub fn display_path(path: &Path) -> String {
    // Asked once: every file of a run is shown from the same folder.
    static CWD: OnceLock<Option<PathBuf>> = OnceLock::new();
    let cwd = CWD.get_or_init(|| std::env::current_dir().ok());
    let relative = cwd
        .as_deref()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let text = relative.to_string_lossy().replace('\\', "/");
    if text.is_empty() {
        ".".to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from("t"),
            display: "t".into(),
            bytes: text.as_bytes().into(),
            original: None,
            placeholder_lines: Vec::new(),
            line_starts: OnceLock::new(),
            char_checkpoints: OnceLock::new(),
            seen: None,
            contexts: None,
        }
    }

    #[test]
    fn a_text_handed_over_is_loaded_without_reading_the_file_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("site.conf");
        std::fs::write(&path, "x".repeat(2000)).expect("write");
        let tree = Tree::new(&[dir.path().to_path_buf()]);
        let crate::tree::Place::File(real) = tree.resolve(&path) else {
            panic!("a file");
        };
        let mut sources = Sources::new(tree);
        sources
            .tree()
            .hand_over(real, b"server {}\n".as_slice().into());
        std::fs::remove_file(&path).expect("remove");
        let id = sources
            .load(&path)
            .expect("loaded from the text handed over");
        assert_eq!(&*sources.get(id).bytes, b"server {}\n");
        // Taken once: the same file asked again is the same file.
        assert_eq!(sources.load(&path).expect("again"), id);
    }

    #[test]
    fn standard_input_wins_over_a_text_handed_over() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.conf");
        std::fs::write(&path, "on disk").expect("write");
        let tree = Tree::new(&[dir.path().to_path_buf()]).with_stdin(&path, b"typed".to_vec());
        let crate::tree::Place::File(real) = tree.resolve(&path) else {
            panic!("a file");
        };
        let mut sources = Sources::new(tree);
        sources.tree().hand_over(real, b"on disk".as_slice().into());
        let id = sources.load(&path).expect("load");
        assert_eq!(&*sources.get(id).bytes, b"typed");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let f = file("a\nжж x\n");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        // 'x' is at byte 2 + 4 (two 2-byte chars) + 1 (space) = 7
        assert_eq!(f.line_col(7), LineCol { line: 2, column: 4 });
        assert_eq!(f.line_text(2), "жж x");
        assert_eq!(f.line_text(9), "");
    }

    #[test]
    fn columns_on_a_long_line_use_checkpoints() {
        let line = "é".repeat(10_000) + "x";
        let f = file(&format!("a\n{line}\n"));
        let x = 2 + 20_000;
        assert_eq!(
            f.line_col(x),
            LineCol {
                line: 2,
                column: 10_001
            }
        );
        assert_eq!(f.line_col(f.bytes.len()), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn normalize_resolves_dots_lexically() {
        assert_eq!(normalize(Path::new("./a/b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(normalize(Path::new("./")), PathBuf::from("."));
    }
}
