//! Rich text output: `file:line:col: severity[rule]: message` (what editors
//! and humans grep for), then the source line with an underline and the
//! help, rendered by miette. Colour only when asked for (a terminal, and
//! `NO_COLOR` unset).

use super::escape::visible;
use super::{count_of, excerpt, plural, Report, TextOptions};
use crate::finding::{Located, Severity};
use crate::source::SourceFile;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

/// The lines around a finding (see [`excerpt`]), so rendering costs the
/// same in a 50 MB file as in a small one; line numbers are shifted back to
/// the file's, and the header shows the finding's true column even where
/// the excerpt shows a window of a long line.
struct Excerpt {
    name: String,
    text: String,
    /// Lines before the excerpt's first line.
    line_offset: usize,
    /// The finding's span in `text`, and its 1-based column in the file.
    primary: (usize, usize),
    column: usize,
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
        let is_primary = (span.offset(), span.len()) == self.primary
            && context_lines_before == 0
            && context_lines_after == 0;
        let column = if is_primary {
            self.column.saturating_sub(1)
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.line_offset,
            column,
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
    let place = format!("{}:{}:{}", visible(&f.file), f.start.line, f.start.column);
    let message = visible(&f.message);
    if color {
        format!(
            "{BOLD}{place}{RESET}: {}{}[{}]{RESET}: {BOLD}{message}{RESET}\n",
            severity_colour(f.severity),
            f.severity,
            f.rule,
        )
    } else {
        format!("{place}: {}[{}]: {message}\n", f.severity, f.rule)
    }
}

fn snippet(f: &Located, source: &SourceFile, handler: &GraphicalReportHandler) -> String {
    let first_line = f.start.line.saturating_sub(1).max(1);
    let last_line = f.end.line + 1;
    let excerpt = excerpt::build(
        source,
        first_line,
        last_line,
        f.span.start as usize,
        f.span.end as usize,
    );
    let (start, end) = (excerpt.start, excerpt.end);
    let diagnostic = MietteDiagnostic::new("")
        .with_label(LabeledSpan::new_with_span(None, start..end))
        .with_help(visible(&f.help).into_owned());
    let report = miette::Report::new(diagnostic).with_source_code(Excerpt {
        name: visible(&f.file).into_owned(),
        text: excerpt.text,
        line_offset: first_line - 1,
        primary: (start, end - start),
        column: f.start.column,
    });
    let mut out = String::new();
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        return String::new();
    }
    // Drop miette's own message line (a lone `×`, coloured on a terminal):
    // the header above already says it.
    let mut lines: Vec<&str> = out.lines().collect();
    if lines
        .first()
        .is_some_and(|l| strip_ansi(l).trim().chars().count() <= 1)
    {
        lines.remove(0);
    }
    lines.join("\n") + "\n"
}

/// A line without its ANSI colour sequences.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub fn render(report: &Report<'_>, options: &TextOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Words are never broken: a timestamp or a path stays on one line.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        // Never split at a hyphen: timestamps and names stay whole.
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_context_lines(1);
    let mut out = String::new();
    for f in report.findings {
        out.push_str(&header(f, options.color));
        out.push_str(&snippet(f, report.sources.get(f.span.file), &handler));
        for r in &f.related {
            out.push_str(&format!(
                "  note: {}:{}:{}: {}\n",
                visible(&r.file),
                r.start.line,
                r.start.column,
                visible(&r.message)
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
        let s = &report.summary;
        let files = plural(s.files_checked, "file");
        let found = if report.findings.is_empty() {
            "no findings".to_string()
        } else {
            format!(
                "{}, {}, {}",
                plural(s.errors, "error"),
                plural(s.warnings, "warning"),
                plural(s.infos, "info")
            )
        };
        let baselined = report.baseline.map_or(String::new(), |b| {
            let mut text = format!(" ({} in the baseline not shown", b.known.len());
            if !b.stale.is_empty() {
                text.push_str(&format!(
                    "; {} stale",
                    count_of(b.stale.len(), "baseline entry", "baseline entries")
                ));
            }
            text + ")"
        });
        let skipped = super::skipped_clause(s);
        out.push_str(&format!("{files} checked: {found}{baselined}{skipped}\n"));
    }
    out
}
