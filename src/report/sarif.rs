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
    results: Vec<SarifResult>,
    column_kind: &'static str,
}

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
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "tripline/v1")]
    tripline_v1: String,
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
struct ArtifactLocation {
    uri: String,
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

/// The first paragraph of a rule doc after its title.
fn doc_paragraph(doc: &str) -> String {
    doc.split("\n\n")
        .map(str::trim)
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
        help: Help {
            text: rule.doc.to_string(),
            markdown: rule.doc.to_string(),
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

/// FNV-1a: stable across runs, platforms and Rust versions.
fn fnv1a(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn result(f: &Located, report: &Report<'_>) -> SarifResult {
    let rule_index = RULES.iter().position(|r| r.id == f.rule).unwrap_or(0);
    // The line's text rather than its number: a finding keeps its
    // fingerprint when lines are added above it.
    let source_line = report.sources.get(f.span.file).line_text(f.start.line);
    SarifResult {
        rule_id: f.rule,
        rule_index,
        level: level(f.severity),
        message: Text {
            text: format!("{}\nhelp: {}", f.message, f.help),
        },
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri: uri(&f.file) },
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
            .enumerate()
            .map(|(i, r)| RelatedLocation {
                id: i + 1,
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation { uri: uri(&r.file) },
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
            })
            .collect(),
        partial_fingerprints: Fingerprints {
            tripline_v1: fnv1a(&[f.rule, &f.file, source_line.trim(), &f.message]),
        },
    }
}

pub fn render(report: &Report<'_>) -> String {
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
            results: report.findings.iter().map(|f| result(f, report)).collect(),
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

    #[test]
    fn names_and_uris() {
        assert_eq!(
            pascal_name("nginx/missing-default-server"),
            "MissingDefaultServer"
        );
        assert_eq!(uri("a b/é.conf"), "a%20b/%C3%A9.conf");
        assert_eq!(fnv1a(&["a"]), fnv1a(&["a"]));
        assert_ne!(fnv1a(&["a", "b"]), fnv1a(&["ab"]));
    }
}
