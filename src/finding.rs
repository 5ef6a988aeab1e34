//! One model of a finding, shared by every rule and every output format.

use crate::source::{LineCol, Sources, Span};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
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

/// One replacement in one file: the bytes of `span` become `text` (an
/// empty span inserts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

impl Edit {
    pub fn insert(file: crate::source::FileId, at: usize, text: impl Into<String>) -> Edit {
        Edit {
            span: Span::new(file, at, at),
            text: text.into(),
        }
    }

    pub fn replace(span: Span, text: impl Into<String>) -> Edit {
        Edit {
            span,
            text: text.into(),
        }
    }
}

/// Whether a fix keeps what the servers do: `Safe` ones repair syntax or
/// spelling of a file the server refuses today (`tripline check --fix`);
/// `Unsafe` ones change behaviour and are applied only with
/// `--unsafe-fixes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Applicability {
    Safe,
    Unsafe,
}

/// An exact fix a rule can state: edits to apply together. Fixes are
/// checked again before they are offered or applied (see [`crate::fix`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What it does, as an editor's quick fix names it.
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            applicability: Applicability::Safe,
            edits,
        }
    }

    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            applicability: Applicability::Unsafe,
            edits,
        }
    }
}

/// Findings of one rule in one file beyond this many are summed up in one
/// more: a 2 MB file can hold a million problems, and nobody reads them.
pub const MAX_PER_RULE_AND_FILE: usize = 100;

/// Findings of one rule in one file recorded before the rest are only
/// counted: as many as a reader keeps problems per file.
pub const MAX_RECORDED_ERRORS: usize = crate::problem::MAX_KEPT;

/// Names a message lists before it says "and N more".
pub const MAX_LISTED: usize = 10;

/// `a, b, c` or `a, b, c and 7 more`: messages that list names stay short
/// whatever the input holds.
pub fn listed<T: std::fmt::Display>(items: &[T]) -> String {
    let shown: Vec<String> = items
        .iter()
        .take(MAX_LISTED)
        .map(|i| i.to_string())
        .collect();
    match items.len().saturating_sub(MAX_LISTED) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// Characters of a quoted value a message shows before it says `…`.
pub const MAX_QUOTED: usize = 60;

/// `text`, or its first [`MAX_QUOTED`] characters and `…`: a message that
/// quotes input stays short whatever the input holds.
pub fn shortened(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(MAX_QUOTED) {
        None => std::borrow::Cow::Borrowed(text),
        Some((cut, _)) => std::borrow::Cow::Owned(format!("{}…", &text[..cut])),
    }
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
    /// Further findings like this one that were counted but not recorded
    /// (a parser keeps [`MAX_RECORDED_ERRORS`] per file).
    pub hidden: usize,
    /// Exact fixes, the one to prefer first.
    pub fixes: Vec<Fix>,
}

/// What a finding takes from its rule: the id and the default severity.
/// The registry's rules provide it; findings know no registry.
pub trait RuleRef {
    fn id(&self) -> &'static str;
    fn default_severity(&self) -> Severity;
}

impl Finding {
    pub fn new(
        rule: &impl RuleRef,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Finding {
            rule: rule.id(),
            severity: rule.default_severity(),
            message: message.into(),
            span,
            help: help.into(),
            related: Vec::new(),
            hidden: 0,
            fixes: Vec::new(),
        }
    }

    /// Offers each of `fixes` (after those already offered).
    pub fn with_fixes(mut self, fixes: impl IntoIterator<Item = Fix>) -> Self {
        self.fixes.extend(fixes);
        self
    }

    /// Offers `fix` (after those already offered).
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
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
    /// The span, for editors that show the place (the language server).
    pub span: Span,
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
    /// The file's path from the project root (SARIF, GitLab, baselines).
    pub path: String,
    /// Who the finding is, whatever line it is on: see [`crate::fingerprint`].
    pub fingerprint: String,
    /// Its version 1 fingerprint, worked out only where an old identity is
    /// asked for (a baseline of version 1, SARIF): see
    /// [`crate::fingerprint::v1`].
    pub legacy_fingerprint: Option<String>,
    /// The rule's exact fixes (`--fix`, the language server's quick fixes).
    pub fixes: Vec<Fix>,
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
                    span: r.span,
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
            path: file.display.clone(),
            fingerprint: String::new(),
            legacy_fingerprint: None,
            fixes: finding.fixes,
        }
    }

    /// The order every format uses: file, line, column, rule.
    /// As [`Self::sort_key`], by the path from the project root: the order
    /// of formats that name files from there (SARIF).
    pub fn rooted_sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.path,
            self.start.line,
            self.start.column,
            self.rule,
            &self.message,
        )
    }

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

/// Counts per severity, for summaries, and the files that looked like
/// infrastructure and were skipped, by reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files_checked: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub skipped: std::collections::BTreeMap<&'static str, usize>,
}

impl Summary {
    pub fn new(files_checked: usize, findings: &[Located]) -> Self {
        let count = |s| findings.iter().filter(|f| f.severity == s).count();
        Summary {
            files_checked,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            skipped: Default::default(),
        }
    }

    /// The same counts, with the files skipped counted by reason.
    pub fn with_skipped<'a>(mut self, reasons: impl IntoIterator<Item = &'a str>) -> Self {
        for reason in reasons {
            *self.skipped.entry(skip_code(reason)).or_default() += 1;
        }
        self
    }

    pub fn files_skipped(&self) -> usize {
        self.skipped.values().sum()
    }
}

/// The static name of a skip reason (summaries key by it).
fn skip_code(code: &str) -> &'static str {
    const CODES: &[&str] = &[
        "template",
        "not-placed",
        "other-format",
        "not-nginx",
        "not-a-zone",
        "not-a-certificate",
        "zone-fragment",
        "binary",
        "empty",
        "no-directives",
        "unreadable",
        "not-infra",
    ];
    CODES
        .iter()
        .find(|c| **c == code)
        .copied()
        .unwrap_or("other")
}
