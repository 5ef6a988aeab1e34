//! Edits applied to text: grouped by file, sorted, never overlapping.

use crate::finding::{Edit, Fix};
use crate::source::{FileId, Sources};
use std::path::PathBuf;

/// The bytes of `text` with `edits` applied (byte ranges into `text`);
/// `None` when two overlap or one is out of bounds.
pub fn apply(text: &[u8], edits: &[(std::ops::Range<usize>, &str)]) -> Option<Vec<u8>> {
    let mut sorted: Vec<&(std::ops::Range<usize>, &str)> = edits.iter().collect();
    sorted.sort_by_key(|(range, _)| (range.start, range.end));
    let mut out = Vec::with_capacity(text.len() + 64);
    let mut at = 0;
    for (range, replacement) in sorted {
        if range.start < at || range.end < range.start || range.end > text.len() {
            return None;
        }
        out.extend_from_slice(&text[at..range.start]);
        out.extend_from_slice(replacement.as_bytes());
        at = range.end;
    }
    out.extend_from_slice(&text[at..]);
    Some(out)
}

/// The files one or more fixes change, with their text before and after.
#[derive(Clone, Debug, Default)]
pub struct FileEdits {
    /// Path as read, text before, text after.
    pub files: Vec<(PathBuf, FileId, Vec<u8>)>,
}

impl FileEdits {
    /// The fixes applied together to the text `sources` holds; `None` when
    /// their edits overlap, fall outside a file, or touch a template or a
    /// stock file (whose text as read is not the text on disk).
    pub fn of(fixes: &[&Fix], sources: &Sources) -> Option<FileEdits> {
        let mut by_file: Vec<(FileId, Vec<&Edit>)> = Vec::new();
        for edit in fixes.iter().flat_map(|f| f.edits.iter()) {
            match by_file.iter_mut().find(|(id, _)| *id == edit.span.file) {
                Some((_, edits)) => edits.push(edit),
                None => by_file.push((edit.span.file, vec![edit])),
            }
        }
        let mut files = Vec::new();
        for (id, edits) in by_file {
            if id.0 as usize >= sources.len() {
                return None;
            }
            let file = sources.get(id);
            if file.is_template() || file.is_stock() {
                return None;
            }
            let ranges: Vec<(std::ops::Range<usize>, &str)> = edits
                .iter()
                .map(|e| (e.span.start as usize..e.span.end as usize, e.text.as_str()))
                .collect();
            let after = apply(&file.bytes, &ranges)?;
            files.push((file.path.clone(), id, after));
        }
        Some(FileEdits { files })
    }

    /// Every file as a buffer to read in place of the disk's.
    pub fn buffers(&self) -> impl Iterator<Item = (PathBuf, Vec<u8>)> + '_ {
        (self.files.iter()).map(|(path, _, after)| (path.clone(), after.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_whatever_order_they_come_in() {
        let text = b"listen 80;\nroot /x\n";
        let out = apply(text, &[(18..18, ";"), (9..9, " default_server")]);
        assert_eq!(
            out.as_deref(),
            Some(&b"listen 80 default_server;\nroot /x;\n"[..])
        );
    }

    #[test]
    fn overlapping_or_out_of_bounds_edits_are_refused() {
        assert_eq!(apply(b"abcdef", &[(1..3, "x"), (2..4, "y")]), None);
        assert_eq!(apply(b"abc", &[(2..9, "x")]), None);
        assert_eq!(apply(b"abc", &[(1..3, "XY")]).as_deref(), Some(&b"aXY"[..]));
    }
}
