//! One model of a finding, shared by every rule and every output format.

use crate::registry::Rule;
use crate::source::{LineCol, Sources, Span};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary location that explains the finding ("also listens on *:80").
#[derive(Clone, Debug)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

/// What a rule reports, located by byte span; resolved to lines and
/// columns only when reported.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub help: String,
    pub related: Vec<Related>,
}

impl Finding {
    pub fn new(
        rule: &Rule,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Finding {
            rule: rule.id,
            severity: rule.default_severity,
            message: message.into(),
            span,
            help: help.into(),
            related: Vec::new(),
        }
    }

    pub fn related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }
}

/// A related location with its file path, line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelatedLocation {
    pub file: String,
    pub start: LineCol,
    pub message: String,
}

/// A finding resolved for output: paths and 1-based positions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub file: String,
    pub start: LineCol,
    pub end: LineCol,
    pub help: String,
    pub related: Vec<RelatedLocation>,
    /// The span, kept for renderers that show the source.
    pub span: Span,
}

impl Located {
    pub fn resolve(finding: Finding, sources: &Sources) -> Located {
        let file = sources.get(finding.span.file);
        let related = finding
            .related
            .into_iter()
            .map(|r| {
                let rf = sources.get(r.span.file);
                RelatedLocation {
                    file: rf.display.clone(),
                    start: rf.line_col(r.span.start as usize),
                    message: r.message,
                }
            })
            .collect();
        Located {
            rule: finding.rule,
            severity: finding.severity,
            message: finding.message,
            file: file.display.clone(),
            start: file.line_col(finding.span.start as usize),
            end: file.line_col(finding.span.end as usize),
            help: finding.help,
            related,
            span: finding.span,
        }
    }

    /// The order every format uses: file, line, column, rule.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.file,
            self.start.line,
            self.start.column,
            self.rule,
            &self.message,
        )
    }
}

/// Counts per severity, for summaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files_checked: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn new(files_checked: usize, findings: &[Located]) -> Self {
        let count = |s| findings.iter().filter(|f| f.severity == s).count();
        Summary {
            files_checked,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
        }
    }
}
