//! A server sends, for a server_name, a certificate that does not cover
//! that name: browsers refuse the connection. The file may be right and the
//! server wrong (another vhost answers for the name, a default server).
//! One finding per address and certificate, naming the names it misses.

use super::{by_certificate, names_at};
use crate::drift::report::DriftReport;
use crate::finding::{listed, Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "drift/served-name-mismatch",
    default_severity: Severity::Error,
    summary: "a server name is served a certificate that does not cover it",
    doc: include_str!("../../../rules/drift/served-name-mismatch.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    let now = out.now.unix_timestamp();
    for endpoint in &report.endpoints {
        for group in by_certificate(endpoint) {
            let Some(live) = group.served.leaf() else {
                continue;
            };
            let missed: Vec<&str> = group
                .names
                .iter()
                .copied()
                .filter(|n| !live.covers(n))
                .collect();
            if missed.is_empty() {
                continue;
            }
            let names = if live.dns_names.is_empty() {
                "no DNS names".to_string()
            } else {
                listed(&live.dns_names)
            };
            out.report(Finding::new(
                &RULE,
                endpoint.at,
                format!(
                    "{} at {} serves a certificate for {names}, not {}: {}",
                    names_at(&missed, endpoint.port),
                    group.addr,
                    listed(&missed),
                    live.describe(now)
                ),
                "check which server block answers this name at that address (a default_server, a missing server_name) and which certificate it loads",
            ));
        }
    }
}
