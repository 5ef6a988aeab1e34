//! A server the zone names (or `--server` gives) that answers but not as
//! the zone's authority: REFUSED, SERVFAIL, no AA bit, or no SOA. Resolvers
//! that pick it get nothing useful: a lame delegation.

use crate::drift::report::{DriftReport, ServerState};
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "drift/lame-server",
    default_severity: Severity::Error,
    summary: "a server of the zone answers, but not as its authority (REFUSED, SERVFAIL, no AA)",
    doc: include_str!("../../../rules/drift/lame-server.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for zone in &report.zones {
        for (i, server) in zone.servers.iter().enumerate() {
            let ServerState::Lame { why, soa } = &server.state else {
                continue;
            };
            if super::in_provider_verdict(zone, i) {
                continue; // drift/single-dns-provider says why, once
            }
            let how = soa
                .as_ref()
                .map_or_else(String::new, |a| format!(" ({})", a.describe()));
            out.report(Finding::new(
                &RULE,
                server.ns_record.unwrap_or(zone.at),
                format!(
                    "{}{how} {why}: it is lame for {}",
                    server.label, zone.zone.origin
                ),
                "load the zone on that server, or remove it from the zone's NS records and the parent's delegation",
            ));
        }
    }
}
