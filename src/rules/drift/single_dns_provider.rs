//! Every name server that answers for a zone is at one DNS provider — the
//! live counterpart of `dns/single-dns-provider`. When the repository names
//! a second provider whose servers do not answer (not yet set up, the zone
//! not created there, lame), the redundancy it promises is not there: one
//! verdict, instead of a lame or unreachable finding per server of it.

use super::provider_verdict;
use crate::drift::report::{DriftReport, ServerState};
use crate::finding::{listed, Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "drift/single-dns-provider",
    default_severity: Severity::Warning,
    summary: "every name server that answers for the zone is at one DNS provider",
    doc: include_str!("../../../rules/drift/single-dns-provider.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for zone in &report.zones {
        let Some(verdict) = provider_verdict(zone) else {
            continue;
        };
        let origin = &zone.zone.origin;
        let hosts = |indexes: &[usize]| -> Vec<String> {
            let mut hosts: Vec<String> = indexes
                .iter()
                .map(|&i| zone.servers[i].label.clone())
                .collect();
            hosts.dedup();
            hosts
        };
        let at = zone
            .servers
            .iter()
            .find_map(|s| s.ns_record)
            .unwrap_or(zone.at);
        let serving = hosts(&verdict.serving);
        if verdict.down.is_empty() {
            out.report(Finding::new(
                &RULE,
                at,
                format!(
                    "every server that answers for {origin} is at {}: {}; an outage or DDoS there takes the whole zone down",
                    verdict.provider,
                    listed(&serving)
                ),
                "add name servers at a second provider, serve the zone there, and name them in the NS records here and at the registrar",
            ));
            continue;
        }
        let down: Vec<String> = verdict
            .down
            .iter()
            .map(|&i| {
                let server = &zone.servers[i];
                let why = match &server.state {
                    ServerState::Lame { why, .. } => format!("lame: it {why}"),
                    ServerState::Unreachable { why } => format!("unreachable: {why}"),
                    _ => String::new(),
                };
                format!("{} ({why})", server.label)
            })
            .collect();
        let mut finding = Finding::new(
            &RULE,
            at,
            format!(
                "only {} answers for {origin} ({}); the other servers its NS records name do not: {}",
                verdict.provider,
                listed(&serving),
                down.join("; ")
            ),
            "create the zone at the second provider and load it there (or wait for its transfer), then check again; until then a failure at the first provider takes the zone down",
        );
        finding.severity = Severity::Error;
        out.report(finding);
    }
}
