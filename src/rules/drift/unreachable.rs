//! A server of the zone that does not answer at all — over UDP or TCP,
//! within the timeout and retries — or whose address cannot be found. With
//! every NS at one provider, this is the outage: a DDoS on that provider
//! took the site down.

use crate::drift::report::{DriftReport, ServerState};
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "drift/unreachable",
    default_severity: Severity::Error,
    summary: "a server of the zone does not answer over UDP or TCP, or has no address",
    doc: include_str!("../../../rules/drift/unreachable.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for zone in &report.zones {
        for (i, server) in zone.servers.iter().enumerate() {
            if super::in_provider_verdict(zone, i) {
                continue; // drift/single-dns-provider says why, once
            }
            let at = server.ns_record.unwrap_or(zone.at);
            match (&server.state, &server.transfer) {
                (ServerState::Unreachable { why }, _) => out.report(Finding::new(
                    &RULE,
                    at,
                    format!(
                        "{} does not answer for {}: {why}",
                        server.label, zone.zone.origin
                    ),
                    "check that the server runs and that UDP and TCP port 53 reach it; `--timeout` and `--retries` set how long tripline waits",
                )),
                (ServerState::Serving { .. }, Some(Err(why))) if server.transfer_required => {
                    out.report(Finding::new(
                        &RULE,
                        at,
                        format!(
                            "{} did not transfer {} ({why}) and --axfr always forbids comparing without it",
                            server.label, zone.zone.origin
                        ),
                        "allow transfers to this host (BIND `allow-transfer`, Knot `acl`), or run with `--axfr auto`",
                    ))
                }
                _ => {}
            }
        }
    }
}
