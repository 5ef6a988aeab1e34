//! `--format json`, exactly as CONVENTIONS.md specifies; with a baseline,
//! one more key says what it took out.

use super::Report;
use crate::finding::Summary;
use serde::Serialize;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<JsonBaseline<'a>>,
}

/// What a baseline took out: how many findings, and the entries that no
/// longer match anything.
#[derive(Serialize)]
struct JsonBaseline<'a> {
    file: &'a str,
    known: usize,
    stale: &'a [crate::baseline::Entry],
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    help: &'a str,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

pub fn render(report: &Report<'_>) -> String {
    let output = Output {
        version: 1,
        findings: report
            .findings
            .iter()
            .map(|f| JsonFinding {
                rule: f.rule,
                severity: f.severity.as_str(),
                message: &f.message,
                file: &f.file,
                line: f.start.line,
                column: f.start.column,
                end_line: f.end.line,
                end_column: f.end.column,
                help: &f.help,
                related: f
                    .related
                    .iter()
                    .map(|r| JsonRelated {
                        file: &r.file,
                        line: r.start.line,
                        column: r.start.column,
                        message: &r.message,
                    })
                    .collect(),
            })
            .collect(),
        summary: report.summary.clone(),
        baseline: report.baseline.map(|b| JsonBaseline {
            file: &b.file,
            known: b.known.len(),
            stale: &b.stale,
        }),
    };
    // Serialising plain structs of strings and integers cannot fail.
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_default();
    text.push('\n');
    text
}
