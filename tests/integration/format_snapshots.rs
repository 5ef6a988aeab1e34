//! Every machine format (JSON, SARIF, GitHub, GitLab, JUnit, markdown) on a
//! few inputs that between them hold related locations, every severity,
//! several files, a migration diff and a clean run, pinned. The text
//! format's snapshots are in `snapshots` (one per failing fixture).
//!
//! A changed output fails naming its snapshot, `<format>__<case>`, in
//! `tests/integration/snapshots/integration__format_snapshots__<format>__<case>.snap`.
//! To accept a change: `INSTA_UPDATE=always cargo test --test integration
//! format_snapshots`, then read `git diff tests/integration/snapshots`
//! (or `cargo insta review` where cargo-insta is installed).
//!
//! SARIF pins every byte but the rule descriptors, which are the rules'
//! docs (`tests/integration/schema.rs` holds their shape): the snapshot
//! lists their ids, so `ruleIndex` still reads. The version and the
//! crate's folder are written `[VERSION]` and `[ROOT]`.

use crate::common::{root, tripline_here, NOW};

const FORMATS: &[&str] = &["json", "sarif", "github", "gitlab", "junit", "markdown"];

/// Name and command line of each input.
const CASES: &[(&str, &[&str])] = &[
    // Two site files, a related location, a warning.
    (
        "nginx-debian",
        &["check", "fixtures/nginx/missing-default-server/bad-debian"],
    ),
    // A zone with errors and warnings at several places.
    (
        "zone",
        &[
            "check",
            "fixtures/dns/cname-conflict/bad.zone",
            "fixtures/dns/missing-glue/bad.zone",
        ],
    ),
    // A certificate past its date.
    (
        "tls",
        &["check", "fixtures/tls/expired/bad-expired-leaf.pem"],
    ),
    // A migration whose new side lost records.
    (
        "diff",
        &[
            "diff",
            "fixtures/migration/old-host-to-route53/old",
            "fixtures/migration/old-host-to-route53/new-with-mx",
        ],
    ),
    // Nothing found: each format's empty report.
    (
        "clean",
        &["check", "fixtures/nginx/missing-default-server/good-debian"],
    ),
];

#[test]
fn every_machine_format_of_every_case() {
    for (case, command) in CASES {
        for format in FORMATS {
            let (name, rest) = command.split_first().expect("a command");
            let mut args = vec![*name, "--format", format, "--now", NOW, "--fail-on", "info"];
            args.extend_from_slice(rest);
            let run = tripline_here(&args);
            assert!(
                run.code == 0 || run.code == 1,
                "{case} as {format}: exit {}: {}",
                run.code,
                run.stderr
            );
            let output = redact(format, &run.stdout);
            insta::assert_snapshot!(format!("{format}__{case}"), output);
        }
    }
}

/// What would change with the machine or the release, and SARIF's rule
/// descriptors (see the module doc).
fn redact(format: &str, output: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let mut text = output
        .replace(&root().to_string_lossy().replace('\\', "/"), "[ROOT]")
        .replace(&format!("\"{version}\""), "\"[VERSION]\"")
        .replace(&format!("/v{version}/"), "/v[VERSION]/");
    if format == "sarif" {
        text = rule_ids_only(&text);
    }
    text
}

/// The `rules` array of SARIF's driver as the list of its ids.
fn rule_ids_only(sarif: &str) -> String {
    let mut out = String::with_capacity(sarif.len() / 8);
    let mut lines = sarif.lines();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        if line.trim_start() != "\"rules\": [" {
            continue;
        }
        let indent = &line[..line.len() - line.trim_start().len()];
        let close = [indent, "]"].concat();
        let close_last = [indent, "],"].concat();
        let mut ids = Vec::new();
        for inner in lines.by_ref() {
            if inner == close || inner == close_last {
                for (i, id) in ids.iter().enumerate() {
                    let comma = if i + 1 < ids.len() { "," } else { "" };
                    out.push_str(&format!("{indent}  {id}{comma}\n"));
                }
                out.push_str(inner);
                out.push('\n');
                break;
            }
            // A descriptor's own `"id"` is the first key at its indent + 4.
            if let Some(id) = inner
                .strip_prefix(indent)
                .and_then(|l| l.strip_prefix("    \"id\": "))
            {
                ids.push(id.trim_end_matches(',').to_string());
            }
        }
    }
    out
}
