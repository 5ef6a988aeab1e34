//! `--format github`: workflow commands that annotate a pull request.

use super::{plural, Report};
use crate::finding::Severity;

/// GitHub's escaping of a workflow command's data, after other control
/// characters (ESC, BEL) are made visible: `%0A` is the one newline GitHub
/// shows in an annotation, and no line break reaches the log.
fn escape_data(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| match c {
            '\n' | '\r' => c.to_string(),
            c if super::escape::needs_escape(c) => super::escape::escaped(c),
            c => c.to_string(),
        })
        .collect();
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The annotations in one collapsible group of the log, then the
/// summary line outside it.
pub fn render(report: &Report<'_>) -> String {
    let s = &report.summary;
    let mut out = format!(
        "::group::tripline: {}, {}, {} in {}\n",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "info"),
        plural(s.files_checked, "file")
    );
    // Ordered by the paths it names, from the project root (as SARIF and
    // GitLab): the same annotations from any folder.
    let mut findings: Vec<_> = report.findings.iter().collect();
    findings.sort_by(|a, b| a.rooted_sort_key().cmp(&b.rooted_sort_key()));
    for f in findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        out.push_str(&format!(
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&f.path),
            f.start.line,
            f.start.column,
            f.end.line,
            f.end.column,
            escape_property(f.rule),
            escape_data(&format!("{}\nhelp: {}", f.message, f.help)),
        ));
    }
    out.push_str("::endgroup::\n");
    let baselined = report.baseline.map_or(String::new(), |b| {
        format!(", {} in the baseline", b.known.len())
    });
    out.push_str(&format!(
        "tripline: {} checked: {}, {}, {}{baselined}{}\n",
        plural(s.files_checked, "file"),
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "info"),
        super::escape::visible(&super::skipped_clause(s)),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(
            escape_data("x\u{1b}[2J\n::error::y"),
            "x\\x1b[2J%0A::error::y"
        );
    }
}
