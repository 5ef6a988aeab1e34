//! The files tripline has read, and the mapping from byte offsets to the
//! 1-based line and character column that every output format reports.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// Files above this size are reported instead of read: no real config is
/// anywhere near it, and reading a multi-gigabyte file into memory is how a
/// linter gets killed in CI.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

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

/// 1-based line and column; columns count characters, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

pub struct SourceFile {
    /// Where the file is on disk.
    pub path: PathBuf,
    /// The path as the user would type it from the current folder, `/`-separated.
    pub display: String,
    /// Shared so that a parser can hold a file while reading its includes.
    pub bytes: std::sync::Arc<[u8]>,
    line_starts: OnceCell<Vec<usize>>,
}

impl SourceFile {
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

    /// Line and character column of a byte offset (clamped to the file).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.bytes.len());
        let starts = self.line_starts();
        let line_index = starts.partition_point(|&s| s <= offset) - 1;
        let line_start = starts[line_index];
        let column = String::from_utf8_lossy(&self.bytes[line_start..offset])
            .chars()
            .count()
            + 1;
        LineCol {
            line: line_index + 1,
            column,
        }
    }

    /// Byte offset where a 1-based line starts (the file's end past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        let starts = self.line_starts();
        starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.bytes.len())
    }

    /// The text of a 1-based line without its line break (lossy for invalid UTF-8).
    pub fn line_text(&self, line: usize) -> String {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.wrapping_sub(1)) else {
            return String::new();
        };
        let end = starts.get(line).map_or(self.bytes.len(), |&next| next);
        let text = String::from_utf8_lossy(&self.bytes[start..end]);
        text.trim_end_matches(['\n', '\r']).to_string()
    }

    pub fn text_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }
}

/// Every file read during one run, each read once.
#[derive(Default)]
pub struct Sources {
    files: Vec<SourceFile>,
    by_path: HashMap<PathBuf, FileId>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: is a directory")]
    IsDirectory { path: String },
    #[error("{path}: file is {size} bytes, larger than the {limit} bytes tripline reads")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl Sources {
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn id_of(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(&normalize(path)).copied()
    }

    /// Reads a file once; later calls for the same path return the same id.
    pub fn load(&mut self, path: &Path) -> Result<FileId, ReadError> {
        let path = normalize(path);
        if let Some(id) = self.by_path.get(&path) {
            return Ok(*id);
        }
        let display = display_path(&path);
        let io_err = |source| ReadError::Io {
            path: display.clone(),
            source,
        };
        let meta = std::fs::metadata(&path).map_err(io_err)?;
        if meta.is_dir() {
            return Err(ReadError::IsDirectory { path: display });
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(ReadError::TooLarge {
                path: display,
                size: meta.len(),
                limit: MAX_FILE_BYTES,
            });
        }
        let bytes = std::fs::read(&path).map_err(io_err)?;
        Ok(self.add(path, display, bytes))
    }

    /// Adds in-memory content (tests, benchmarks).
    pub fn add(&mut self, path: PathBuf, display: String, bytes: Vec<u8>) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.by_path.insert(path.clone(), id);
        self.files.push(SourceFile {
            path,
            display,
            bytes: bytes.into(),
            line_starts: OnceCell::new(),
        });
        id
    }
}

/// Removes `.` and resolves `..` lexically, so one file reached by two
/// spellings of its path is read and reported once.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
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

/// The path as the user would type it from the current folder, `/`-separated.
pub fn display_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
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
            line_starts: OnceCell::new(),
        }
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
    fn normalize_resolves_dots_lexically() {
        assert_eq!(normalize(Path::new("./a/b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(normalize(Path::new("./")), PathBuf::from("."));
    }
}
