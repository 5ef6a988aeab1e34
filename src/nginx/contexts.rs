//! The blocks around each part of an nginx file, recorded as the parser
//! opens and closes them: what a finding's fingerprint names as its
//! context (`http > server > location /api/`), taken from the parse rather
//! than from a scan of the raw text of its own.

use crate::source::context::{Contexts, TextId};

/// The blocks open so far and where the part not yet labelled starts.
#[derive(Debug, Default)]
pub struct Blocks {
    contexts: Contexts,
    open: Vec<TextId>,
    /// Where the part not yet given a label starts.
    cursor: u32,
}

impl Blocks {
    /// A block opens with `header` (its directive's words as written) at
    /// the `{` at `brace`: what came before, the header included, is the
    /// enclosing block's.
    pub fn open(&mut self, header: &str, brace: u32) {
        let outer = self.open.last().copied();
        if let Some(outer) = outer {
            self.contexts.label(self.cursor, brace + 1, outer);
        }
        let id = self.contexts.text(header, outer);
        self.open.push(id);
        self.cursor = brace + 1;
    }

    /// The innermost block closes just before `end` (past its `}`, or
    /// where the parse stops).
    pub fn close(&mut self, end: u32) {
        if let Some(id) = self.open.pop() {
            self.contexts.label(self.cursor, end, id);
            self.cursor = self.cursor.max(end);
        }
    }

    pub fn finish(self) -> Contexts {
        self.contexts
    }
}

/// A block's header as the parse split it: its words as written (quotes
/// kept), one space apart where anything stood between them (white space,
/// a comment) and none where they touch (`"^/x")` is two words to nginx).
pub fn header(src: &[u8], words: &[super::lexer::Word]) -> String {
    let mut out = String::new();
    let mut last_end = None;
    for w in words {
        if last_end.is_some_and(|end| end != w.start) {
            out.push(' ');
        }
        last_end = Some(w.end);
        let text = src
            .get(w.start as usize..w.end as usize)
            .unwrap_or_default();
        out.push_str(&String::from_utf8_lossy(text));
    }
    out
}
