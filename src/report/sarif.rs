//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it (a
//! `results` array even when empty; id, descriptions and help on every
//! rule; relative artifact URIs; a start line on every region). A few serde
//! structs of our own: serde-sarif costs ~30 s of cold build.

use super::Report;
use crate::finding::{Located, Severity};
use crate::registry::{Rule, RULES};
use serde::Serialize;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/tripline/tripline";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<BaseIds>,
    invocations: Vec<Invocation>,
    results: Vec<SarifResult>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct BaseIds {
    #[serde(rename = "%SRCROOT%")]
    src_root: ArtifactLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

/// GitHub code scanning's limits per run: results past them are dropped
/// by tripline, with a notification, rather than the upload refused.
const MAX_RESULTS: usize = 25_000;
const MAX_RELATED_LOCATIONS: usize = 1_000;

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help_uri: String,
    help: Help,
    default_configuration: Configuration,
    properties: Properties,
}

#[derive(Serialize)]
struct Properties {
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    justification: String,
}

/// A result's identities across runs. Version 2 is the one to key on;
/// version 1 stays beside it while users upgrade: GitHub matches a new
/// result to an existing alert by a partial fingerprint the two have in
/// common, so an alert opened under `tripline/v1` would otherwise be closed
/// and opened again under `tripline/v2` in the files where the two differ.
/// Versioned keys, as SARIF asks (§3.27.17): a consumer never compares a
/// version 1 value with a version 2 one.
#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "tripline/v1", skip_serializing_if = "Option::is_none")]
    tripline_v1: Option<String>,
    #[serde(rename = "tripline/v2")]
    tripline_v2: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

const SRCROOT: &str = "%SRCROOT%";

/// A file's location: from the project root when it is inside it.
fn artifact(path: &str, rooted: bool) -> ArtifactLocation {
    ArtifactLocation {
        uri: uri(path),
        uri_base_id: rooted.then_some(SRCROOT),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `nginx/missing-default-server` → `MissingDefaultServer`.
fn pascal_name(id: &str) -> String {
    let name = id.split_once('/').map_or(id, |(_, n)| n);
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// A rule doc without its title and its `**Default severity:**` line,
/// which SARIF carries in fields of their own.
fn doc_body(doc: &str) -> String {
    doc.split("\n\n")
        .map(str::trim)
        .skip_while(|p| p.starts_with("# ") || p.starts_with("**Default severity"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The first paragraph of a rule doc's body.
fn doc_paragraph(doc: &str) -> String {
    doc_body(doc)
        .split("\n\n")
        .find(|p| !p.is_empty() && !p.starts_with('#'))
        .unwrap_or("")
        .replace('\n', " ")
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    ReportingDescriptor {
        id: rule.id,
        name: pascal_name(rule.id),
        short_description: Text {
            text: rule.summary.to_string(),
        },
        full_description: Text {
            text: doc_paragraph(rule.doc),
        },
        help_uri: rule.help_uri(),
        help: Help {
            text: doc_body(rule.doc),
            markdown: doc_body(rule.doc),
        },
        default_configuration: Configuration {
            level: level(rule.default_severity),
        },
        properties: Properties {
            tags: vec![rule.area()],
        },
    }
}

/// A relative URI: percent-encode what is not allowed in a URI path.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&byte);
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// How a result stands against the baseline, when there is one.
#[derive(Clone, Copy)]
enum Standing {
    NoBaseline,
    New,
    /// In the baseline: reported as suppressed, so GitHub closes it.
    Known,
}

fn result(f: &Located, report: &Report<'_>, standing: Standing) -> SarifResult {
    let rule_index = RULES.iter().position(|r| r.id == f.rule).unwrap_or(0);
    let rooted = report.sources.root().is_some();
    // Files outside the root keep the path they were shown by.
    let related_rooted = |file: &str| {
        rooted && !(file.starts_with("stock:") || file.starts_with('/') || file.starts_with("../"))
    };
    let (baseline_state, suppressions) = match standing {
        Standing::NoBaseline => (None, Vec::new()),
        Standing::New => (Some("new"), Vec::new()),
        Standing::Known => (
            Some("unchanged"),
            vec![Suppression {
                kind: "external",
                justification: format!(
                    "in the baseline {}",
                    report.baseline.map_or("", |b| b.file.as_str())
                ),
            }],
        ),
    };
    SarifResult {
        rule_id: f.rule,
        rule_index,
        level: level(f.severity),
        message: Text {
            text: format!("{}\nhelp: {}", f.message, f.help),
        },
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: artifact(&f.path, related_rooted(&f.path)),
                region: Region {
                    start_line: f.start.line,
                    start_column: f.start.column,
                    end_line: Some(f.end.line),
                    end_column: Some(f.end.column),
                },
            },
        }],
        related_locations: f
            .related
            .iter()
            .take(MAX_RELATED_LOCATIONS)
            .enumerate()
            .map(|(i, r)| {
                let path = repo_path(report, &r.file);
                RelatedLocation {
                    id: i + 1,
                    physical_location: PhysicalLocation {
                        artifact_location: artifact(&path, related_rooted(&path)),
                        region: Region {
                            start_line: r.start.line,
                            start_column: r.start.column,
                            end_line: None,
                            end_column: None,
                        },
                    },
                    message: Text {
                        text: r.message.clone(),
                    },
                }
            })
            .collect(),
        partial_fingerprints: Fingerprints {
            tripline_v1: f.legacy_fingerprint.clone(),
            tripline_v2: f.fingerprint.clone(),
        },
        baseline_state,
        suppressions,
    }
}

/// A related location's file (shown from the current folder) from the root.
fn repo_path(report: &Report<'_>, shown: &str) -> String {
    match report.sources.root() {
        Some(root) if !shown.starts_with("stock:") => {
            crate::root::relative(root, std::path::Path::new(shown))
                .unwrap_or_else(|| shown.to_string())
        }
        _ => shown.to_string(),
    }
}

/// `file:///root/`: where `%SRCROOT%` is on this machine.
fn root_uri(root: &std::path::Path) -> String {
    let mut text = uri(&root.to_string_lossy().replace('\\', "/"));
    if !text.ends_with('/') {
        text.push('/');
    }
    if text.starts_with('/') {
        format!("file://{text}")
    } else {
        format!("file:///{text}")
    }
}

/// The results to report, at most [`MAX_RESULTS`]: the most severe first
/// when some must go, then in the usual order. Returns what was dropped.
type Ranked<'a> = Vec<(&'a Located, Standing)>;

fn capped(results: Ranked<'_>) -> (Ranked<'_>, usize) {
    if results.len() <= MAX_RESULTS {
        return (results, 0);
    }
    let dropped = results.len() - MAX_RESULTS;
    let mut ranked: Vec<(usize, (&Located, Standing))> = results.into_iter().enumerate().collect();
    ranked.sort_by_key(|(i, (f, _))| (std::cmp::Reverse(f.severity), *i));
    ranked.truncate(MAX_RESULTS);
    ranked.sort_by_key(|(i, _)| *i);
    (ranked.into_iter().map(|(_, r)| r).collect(), dropped)
}

pub fn render(report: &Report<'_>) -> String {
    let new = match report.baseline {
        Some(_) => Standing::New,
        None => Standing::NoBaseline,
    };
    let mut all: Vec<(&Located, Standing)> = report.findings.iter().map(|f| (f, new)).collect();
    if let Some(baseline) = report.baseline {
        all.extend(baseline.known.iter().map(|f| (f, Standing::Known)));
    }
    // In the order of the paths SARIF names (from the project root), not
    // of the paths shown from the current folder: the same log from any
    // folder (`../zones` sorts before `etc/` from a subfolder).
    all.sort_by(|a, b| a.0.rooted_sort_key().cmp(&b.0.rooted_sort_key()));
    let (kept, dropped) = capped(all);
    let mut notifications = Vec::new();
    if dropped > 0 {
        notifications.push(Notification {
            level: "warning",
            message: Text {
                text: format!(
                    "{dropped} results not included: GitHub code scanning accepts at most {MAX_RESULTS} per run (the least severe were left out; `tripline check --format json` has them all)"
                ),
            },
        });
    }
    let truncated = kept
        .iter()
        .filter(|(f, _)| f.related.len() > MAX_RELATED_LOCATIONS)
        .count();
    if truncated > 0 {
        notifications.push(Notification {
            level: "note",
            message: Text {
                text: format!(
                    "{truncated} results list only their first {MAX_RELATED_LOCATIONS} related locations"
                ),
            },
        });
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "tripline",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: RULES.iter().map(|r| descriptor(r)).collect(),
                },
            },
            original_uri_base_ids: report.sources.root().map(|root| BaseIds {
                src_root: ArtifactLocation {
                    uri: root_uri(root),
                    uri_base_id: None,
                },
            }),
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications,
            }],
            results: kept
                .into_iter()
                .map(|(f, standing)| result(f, report, standing))
                .collect(),
            column_kind: "unicodeCodePoints",
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, LineCol, Span};

    fn finding(severity: Severity, line: usize) -> Located {
        let at = LineCol { line, column: 1 };
        Located {
            rule: "dns/long-ttl",
            severity,
            message: String::new(),
            file: "z".into(),
            start: at,
            end: at,
            help: String::new(),
            related: Vec::new(),
            span: Span::new(FileId(0), 0, 0),
            path: "z".into(),
            fingerprint: String::new(),
            legacy_fingerprint: None,
            fixes: Vec::new(),
        }
    }

    #[test]
    fn results_past_githubs_limit_drop_the_least_severe() {
        let mut all: Vec<Located> = (0..MAX_RESULTS + 10)
            .map(|line| finding(Severity::Info, line + 1))
            .collect();
        all[7].severity = Severity::Error;
        all[MAX_RESULTS + 5].severity = Severity::Error;
        let (kept, dropped) = capped(all.iter().map(|f| (f, Standing::NoBaseline)).collect());
        assert_eq!(dropped, 10);
        assert_eq!(kept.len(), MAX_RESULTS);
        assert_eq!(
            kept.iter()
                .filter(|(f, _)| f.severity == Severity::Error)
                .count(),
            2
        );
        let lines: Vec<usize> = kept.iter().map(|(f, _)| f.start.line).collect();
        assert!(lines.windows(2).all(|w| w[0] < w[1]), "still in file order");
    }

    #[test]
    fn names_and_uris() {
        assert_eq!(
            pascal_name("nginx/missing-default-server"),
            "MissingDefaultServer"
        );
        assert_eq!(uri("a b/é.conf"), "a%20b/%C3%A9.conf");
        assert_eq!(root_uri(std::path::Path::new("/w/repo")), "file:///w/repo/");
        let doc =
            "# a/b\n\n**Default severity:** error\n\nWhat it is.\nMore.\n\n## Why\n\nBecause.";
        assert_eq!(doc_paragraph(doc), "What it is. More.");
        assert_eq!(doc_body(doc), "What it is.\nMore.\n\n## Why\n\nBecause.");
    }
}
