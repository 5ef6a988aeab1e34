//! The lines shown under a finding in text output, cut to a window around
//! the finding on long lines and with control characters made visible: a
//! minified 2 MB one-line file prints a few hundred characters per finding,
//! not the whole line each time, and a hostile line cannot reach the
//! terminal raw.

use super::escape::{escaped, needs_escape};
use crate::source::SourceFile;

/// Characters of a line shown at most; longer lines show a window.
pub const MAX_COLUMNS: usize = 120;
/// Characters shown before the finding's start within that window.
const LEAD: usize = 40;

/// Lines `first..=last` of a file, ready for miette: the text, and where the
/// finding's span lies in it.
pub struct Excerpt {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// One character of a line and the byte offset in the file where it starts.
fn chars_of(bytes: &[u8], base: usize) -> Vec<(usize, char)> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = base;
    for chunk in bytes.utf8_chunks() {
        for (i, c) in chunk.valid().char_indices() {
            out.push((at + i, c));
        }
        at += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            out.push((at, char::REPLACEMENT_CHARACTER));
            at += chunk.invalid().len();
        }
    }
    out
}

pub fn build(source: &SourceFile, first: usize, last: usize, start: usize, end: usize) -> Excerpt {
    let mut out = Excerpt {
        text: String::new(),
        start: usize::MAX,
        end: usize::MAX,
    };
    for line in first..=last {
        let line_start = source.line_start(line);
        let next = source.line_start(line + 1);
        if line_start >= source.bytes.len() && line > first {
            break;
        }
        let mut raw = &source.bytes[line_start..next.max(line_start)];
        while let [rest @ .., b'\n' | b'\r'] = raw {
            raw = rest;
        }
        let chars = chars_of(raw, line_start);
        let anchor = chars
            .iter()
            .position(|&(at, _)| at >= start)
            .filter(|_| (line_start..=line_start + raw.len()).contains(&start));
        let (from, to) = if chars.len() <= MAX_COLUMNS {
            (0, chars.len())
        } else {
            let from = anchor.unwrap_or(0).saturating_sub(LEAD);
            let to = (from + MAX_COLUMNS).min(chars.len());
            (to.saturating_sub(MAX_COLUMNS), to)
        };
        if from > 0 {
            out.text.push('…');
        }
        for &(at, c) in &chars[from..to] {
            if out.start == usize::MAX && at >= start {
                out.start = out.text.len();
            }
            if out.end == usize::MAX && at >= end {
                out.end = out.text.len();
            }
            if needs_escape(c) {
                out.text.push_str(&escaped(c));
            } else {
                out.text.push(c);
            }
        }
        let line_end = line_start + raw.len();
        // A span past the window (or at the line's end) ends where the
        // shown line does.
        if out.start == usize::MAX && start <= line_end {
            out.start = out.text.len();
        }
        if out.end == usize::MAX && end <= line_end && out.start != usize::MAX {
            out.end = out.text.len();
        }
        if to < chars.len() {
            out.text.push('…');
        }
        out.text.push('\n');
    }
    let len = out.text.len();
    out.start = out.start.min(len);
    out.end = out.end.clamp(out.start, len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn source(text: &[u8]) -> crate::source::Sources {
        let mut sources = crate::source::Sources::default();
        sources.add(PathBuf::from("t"), "t".into(), text.to_vec());
        sources
    }

    #[test]
    fn short_lines_are_shown_whole() {
        let s = source(b"a b\nserver x;\nz\n");
        let f = s.get(crate::source::FileId(0));
        let e = build(f, 1, 3, 4, 10);
        assert_eq!(e.text, "a b\nserver x;\nz\n");
        assert_eq!(&e.text[e.start..e.end], "server");
    }

    #[test]
    fn long_lines_show_a_window_around_the_finding() {
        let line = format!("{}needle{}", "a".repeat(15_000), "b".repeat(15_000));
        let s = source(line.as_bytes());
        let f = s.get(crate::source::FileId(0));
        let e = build(f, 1, 1, 15_000, 15_006);
        assert!(
            e.text.chars().count() <= MAX_COLUMNS + 3,
            "{}",
            e.text.len()
        );
        assert_eq!(&e.text[e.start..e.end], "needle");
        assert!(e.text.starts_with('…') && e.text.trim_end().ends_with('…'));
    }

    #[test]
    fn control_characters_are_escaped_and_the_span_follows() {
        let s = source(b"a\x1b[2Jb x\n");
        let f = s.get(crate::source::FileId(0));
        let e = build(f, 1, 1, 7, 8);
        assert_eq!(e.text, "a\\x1b[2Jb x\n");
        assert_eq!(&e.text[e.start..e.end], "x");
    }
}
