//! `--format gitlab`: GitLab Code Quality JSON (an array of issues with
//! `description`, `check_name`, `fingerprint`, `severity` and
//! `location.path` / `location.lines.begin`), paths from the project root.

use super::Report;
use crate::finding::Severity;
use serde::Serialize;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    /// Version 2: GitLab has room for one value, and keys issues across
    /// pipelines by it. Where version 1 differed (a few nginx files, every
    /// export) GitLab closes the old issue and opens a new one, once; the
    /// CHANGELOG says so. Computing version 1 for every GitLab run to keep
    /// those few would hold the old scan on every run for good.
    fingerprint: &'a str,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// GitLab's scale: info, minor, major, critical, blocker.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

pub fn render(report: &Report<'_>) -> String {
    // Ordered by the paths it names, from the project root: the same
    // report from any folder.
    let mut findings: Vec<_> = report.findings.iter().collect();
    findings.sort_by(|a, b| a.rooted_sort_key().cmp(&b.rooted_sort_key()));
    let issues: Vec<Issue<'_>> = findings
        .into_iter()
        .map(|f| Issue {
            description: format!("{}: {}", f.rule, f.message),
            check_name: f.rule,
            fingerprint: &f.fingerprint,
            severity: severity(f.severity),
            location: Location {
                path: &f.path,
                lines: Lines {
                    begin: f.start.line,
                    end: f.end.line,
                },
            },
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_default();
    text.push('\n');
    text
}
