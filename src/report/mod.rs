//! Output formats. Every renderer takes the same sorted, located findings
//! and returns the full text, so output is byte-identical run to run.

pub mod concise;
pub use crate::escape;
pub mod excerpt;
pub mod files;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod text;

use crate::finding::{Located, Summary};
use crate::source::Sources;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
    /// An audit report (`diff`) or a findings table (`check`).
    Markdown,
    /// One line per finding: `file:line:col: severity[rule]: message`.
    Concise,
    /// JUnit XML: a test suite per rule, a failed test case per finding.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
}

pub struct Report<'a> {
    pub findings: &'a [Located],
    pub summary: Summary,
    pub sources: &'a Sources,
    /// Stock files nginx packages install, read because the tree lacks them.
    pub stock_assumed: &'a [String],
    /// Findings a baseline took out, and its stale entries.
    pub baseline: Option<&'a crate::baseline::Applied>,
    /// The severity at which a finding fails the run (`--fail-on`); `None`
    /// for `--fail-on never`. Formats that pass or fail (JUnit) follow it,
    /// so that they agree with the exit code.
    pub fail_at: Option<crate::finding::Severity>,
}

/// `1 file`, `2 files`: a count and its noun, for English nouns that take
/// an `s` (see [`count_of`] for the others).
pub fn plural(n: usize, word: &str) -> String {
    count_of(n, word, &format!("{word}s"))
}

/// A count and the noun's singular or plural form: `1 entry`, `3 entries`.
pub fn count_of(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

pub struct TextOptions {
    pub color: bool,
    pub quiet: bool,
}

/// `; 2 files skipped (1 template, 1 other-format; `--show-files` lists
/// them)`, or nothing: every human-read summary says what was not checked,
/// so that a configuration a pull request made look like something else is
/// never passed over in silence.
pub fn skipped_clause(summary: &Summary) -> String {
    if summary.skipped.is_empty() {
        return String::new();
    }
    let reasons: Vec<String> = (summary.skipped.iter())
        .map(|(reason, n)| format!("{n} {reason}"))
        .collect();
    format!(
        "; {} skipped ({}; `--show-files` lists them)",
        plural(summary.files_skipped(), "file"),
        reasons.join(", ")
    )
}

pub fn render(format: Format, report: &Report<'_>, text: &TextOptions) -> String {
    match format {
        Format::Text => text::render(report, text),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
        Format::Markdown => markdown::render(report),
        Format::Concise => concise::render(report),
        Format::Junit => junit::render(report),
        Format::Gitlab => gitlab::render(report),
    }
}
