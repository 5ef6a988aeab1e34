//! tripline's findings and fixes in the language server protocol's terms:
//! byte offsets become lines and UTF-16 columns (what LSP counts by
//! default), paths become `file:` URIs.

use crate::finding::{Applicability, Fix, Located, Severity};
use crate::registry;
use crate::source::{SourceFile, Sources};
use lsp_types::{
    CodeAction, CodeActionKind, CodeDescription, Diagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, Location, NumberOrString, Position, Range, TextEdit, Url, WorkspaceEdit,
};
use std::collections::HashMap;

/// Where each line of a text starts, to turn byte offsets into positions
/// and back.
pub struct LineIndex<'a> {
    text: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a [u8]) -> Self {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text).map(|at| at + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// The position of byte `offset` (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0).min(offset);
        let column: usize = units(&self.text[start..offset]).map(|(_, u)| u).sum();
        Position::new(saturate(line), saturate(column))
    }

    /// The byte offset of `position`; past the end of its line, the end of
    /// the line; past the last line, the end of the text.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = (self.text[start..].iter())
            .position(|&b| b == b'\n')
            .map_or(self.text.len(), |at| start + at);
        let mut at = start;
        let mut column = 0;
        for (bytes, width) in units(&self.text[start..end]) {
            if column >= position.character as usize {
                break;
            }
            column += width;
            at += bytes;
        }
        at
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end))
    }
}

/// Each character of `text` as (bytes, UTF-16 units); a run of invalid
/// bytes counts as the one U+FFFD an editor shows for it.
fn units(text: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    text.utf8_chunks().flat_map(|chunk| {
        let valid = chunk.valid().chars().map(|c| (c.len_utf8(), c.len_utf16()));
        let invalid = (!chunk.invalid().is_empty()).then_some((chunk.invalid().len(), 1));
        valid.chain(invalid)
    })
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The `file:` URI of a file tripline read; `None` for what has none (an
/// embedded stock file).
pub fn uri_of(file: &SourceFile) -> Option<Url> {
    if file.is_stock() {
        return None;
    }
    Url::from_file_path(crate::root::absolute(&file.path)).ok()
}

fn range_in(file: &SourceFile, start: u32, end: u32) -> Range {
    LineIndex::new(&file.bytes).range(start as usize, end as usize)
}

/// A finding as the editor shows it: rule id as `code`, its doc linked,
/// the other places it names as related information.
pub fn diagnostic(finding: &Located, sources: &Sources) -> Diagnostic {
    let file = sources.get(finding.span.file);
    let rule = registry::find(finding.rule);
    let related = (finding.related.iter())
        .filter_map(|r| {
            let other = sources.get(r.span.file);
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri_of(other)?, range_in(other, r.span.start, r.span.end)),
                message: r.message.clone(),
            })
        })
        .collect::<Vec<_>>();
    let message = if finding.help.is_empty() {
        finding.message.clone()
    } else {
        format!("{}\nhelp: {}", finding.message, finding.help)
    };
    Diagnostic {
        range: range_in(file, finding.span.start, finding.span.end),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        code_description: rule
            .and_then(|r| Url::parse(&r.help_uri()).ok())
            .map(|href| CodeDescription { href }),
        source: Some("tripline".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// A fix as a quick fix: its edits, file by file; `None` when one is in
/// a file the editor cannot open (an embedded stock file).
pub fn code_action(fix: &Fix, diagnostic: Diagnostic, sources: &Sources) -> Option<CodeAction> {
    let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
    for edit in &fix.edits {
        let file = sources.get(edit.span.file);
        (changes.entry(uri_of(file)?).or_default()).push(TextEdit::new(
            range_in(file, edit.span.start, edit.span.end),
            edit.text.clone(),
        ));
    }
    Some(CodeAction {
        title: fix.title.clone(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        edit: Some(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }),
        command: None,
        // Safe fixes repair what the server refuses: the one to take.
        is_preferred: Some(fix.applicability == Applicability::Safe),
        disabled: None,
        data: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_round_trip() {
        let text = "a;\nb\u{e9}\u{1F600}c;\n".as_bytes();
        let index = LineIndex::new(text);
        // 'c' follows é (2 bytes, 1 unit) and 😀 (4 bytes, 2 units).
        let c = text.iter().position(|&b| b == b'c').unwrap_or(0);
        assert_eq!(index.position(c), Position::new(1, 4));
        assert_eq!(index.offset(Position::new(1, 4)), c);
        assert_eq!(index.position(0), Position::new(0, 0));
        assert_eq!(index.position(text.len()), Position::new(2, 0));
        assert_eq!(index.offset(Position::new(0, 99)), 2);
        assert_eq!(index.offset(Position::new(9, 0)), text.len());
    }
}
