//! Rich text output: `file:line:col: severity[rule]: message` (what editors
//! and humans grep for), then the source line with an underline and the
//! help, rendered by miette. Colour only when asked for (a terminal, and
//! `NO_COLOR` unset).

use super::{Report, TextOptions};
use crate::finding::{Located, Severity};
use crate::source::SourceFile;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

/// The lines around a finding, so rendering costs the same in a 50 MB file
/// as in a small one; line numbers are shifted back to the file's.
struct Excerpt {
    name: String,
    text: String,
    /// Lines before the excerpt's first line.
    line_offset: usize,
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.line_offset,
            inner.column(),
            inner.line_count(),
        )))
    }
}

fn severity_colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "\x1b[1;31m",
        Severity::Warning => "\x1b[1;33m",
        Severity::Info => "\x1b[1;36m",
    }
}

const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

fn header(f: &Located, color: bool) -> String {
    let place = format!("{}:{}:{}", f.file, f.start.line, f.start.column);
    if color {
        format!(
            "{BOLD}{place}{RESET}: {}{}[{}]{RESET}: {BOLD}{}{RESET}\n",
            severity_colour(f.severity),
            f.severity,
            f.rule,
            f.message
        )
    } else {
        format!("{place}: {}[{}]: {}\n", f.severity, f.rule, f.message)
    }
}

fn snippet(f: &Located, source: &SourceFile, handler: &GraphicalReportHandler) -> String {
    let first_line = f.start.line.saturating_sub(1).max(1);
    let last_line = f.end.line + 1;
    let excerpt_start = source.line_start(first_line);
    let excerpt_end = source.line_start(last_line + 1);
    let text = String::from_utf8_lossy(&source.bytes[excerpt_start..excerpt_end]).into_owned();
    let raw_len = excerpt_end - excerpt_start;
    // Offsets into the lossy text: identical unless the excerpt holds
    // invalid UTF-8, where clamping keeps the underline on the right line.
    let start = (f.span.start as usize)
        .saturating_sub(excerpt_start)
        .min(raw_len)
        .min(text.len());
    let end = (f.span.end as usize)
        .saturating_sub(excerpt_start)
        .clamp(start, text.len());
    let start = floor_char_boundary(&text, start);
    let end = floor_char_boundary(&text, end).max(start);
    let diagnostic = MietteDiagnostic::new("")
        .with_label(LabeledSpan::new_with_span(None, start..end))
        .with_help(f.help.clone());
    let report = miette::Report::new(diagnostic).with_source_code(Excerpt {
        name: f.file.clone(),
        text,
        line_offset: first_line - 1,
    });
    let mut out = String::new();
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        return String::new();
    }
    // Drop miette's own message line: the header above already says it.
    let mut lines: Vec<&str> = out.lines().collect();
    if lines.first().is_some_and(|l| l.trim().chars().count() <= 1) {
        lines.remove(0);
    }
    lines.join("\n") + "\n"
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

pub fn render(report: &Report<'_>, options: &TextOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(1);
    let mut out = String::new();
    for f in report.findings {
        out.push_str(&header(f, options.color));
        out.push_str(&snippet(f, report.sources.get(f.span.file), &handler));
        for r in &f.related {
            out.push_str(&format!(
                "  note: {}:{}:{}: {}\n",
                r.file, r.start.line, r.start.column, r.message
            ));
        }
        out.push('\n');
    }
    if !options.quiet && !report.stock_assumed.is_empty() {
        out.push_str(&format!(
            "note: not in the tree, so nginx's stock files were assumed: {}\n",
            report.stock_assumed.join(", ")
        ));
    }
    if !options.quiet {
        let s = report.summary;
        let files = plural(s.files_checked, "file");
        if report.findings.is_empty() {
            out.push_str(&format!("{files} checked: no findings\n"));
        } else {
            out.push_str(&format!(
                "{files} checked: {}, {}, {}\n",
                plural(s.errors, "error"),
                plural(s.warnings, "warning"),
                plural(s.infos, "info")
            ));
        }
    }
    out
}
