//! What `tripline drift` was asked to compare and could not: a zone with no
//! server to ask, a server or TLS address not contacted (a non-public
//! address the repository names), a server that answered the SOA but not
//! the queries after it, a delegation no parent server answered for. A run
//! that looked at nothing must not read as a clean one.

use super::names_at;
use crate::drift::report::{DriftReport, ServerState};
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "drift/not-checked",
    default_severity: Severity::Warning,
    summary: "a zone, server or TLS address drift was asked to compare could not be compared",
    doc: include_str!("../../../rules/drift/not-checked.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    zones(report, out);
    endpoints(report, out);
}

fn zones(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for zone in &report.zones {
        let origin = &zone.zone.origin;
        if let Some(why) = &zone.unasked {
            out.report(Finding::new(
                &RULE,
                zone.at,
                format!("{origin} was not compared: {why}"),
                "name its servers with --server ZONE=IP[:PORT] or [drift.zones.\"ZONE\"] servers",
            ));
        }
        let not_asked: Vec<(&str, &str, Option<crate::source::Span>)> = zone
            .servers
            .iter()
            .filter_map(|s| match &s.state {
                ServerState::NotAsked { why } => {
                    Some((s.label.as_str(), why.as_str(), s.ns_record))
                }
                _ => None,
            })
            .collect();
        if let Some((_, _, first)) = not_asked.first() {
            let said: Vec<String> = not_asked
                .iter()
                .map(|(label, why, _)| format!("{label}: {why}"))
                .collect();
            let at = if not_asked.len() == 1 {
                first.unwrap_or(zone.at)
            } else {
                zone.at
            };
            out.report(Finding::new(
                &RULE,
                at,
                format!("{origin} was not compared with {} of its servers: {}", not_asked.len(), said.join("; ")),
                "give the server's address and port on the command line (--server NSHOST=IP[:PORT]), or pass --allow-private-addresses for a repository you trust",
            ));
        }
        for server in zone.servers.iter().filter(|s| s.is_serving()) {
            let failures = server.queries.failures();
            if failures == 0 {
                continue;
            }
            let reasons: Vec<String> = server
                .queries
                .failed
                .iter()
                .map(|(why, (n, example))| format!("{n} × {why} (first: {example})"))
                .collect();
            out.report(Finding::new(
                &RULE,
                server.ns_record.unwrap_or(zone.at),
                format!(
                    "{} answered the SOA of {origin}, but {failures} of its {} other queries got no usable answer, so those records were not compared: {}",
                    server.answered(),
                    server.queries.asked,
                    reasons.join("; ")
                ),
                "check the server's ACLs and rate limits for tripline's address (`--rate` and `--concurrency` slow tripline down), and that it serves the whole zone",
            ));
        }
        if let Some(why) = &zone.delegation_unchecked {
            let at = zone.zone.apex_ns().first().map_or(zone.at, |r| r.span);
            out.report(Finding::new(
                &RULE,
                at,
                format!("the delegation of {origin} was not compared: {why}"),
                "check --parent-server (or [drift] parent-servers), or leave it out to find the parent's servers through the resolver",
            ));
        }
    }
}

fn endpoints(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for endpoint in &report.endpoints {
        // (address, why) → names.
        let mut skipped: Vec<(std::net::SocketAddr, &str, Vec<&str>)> = Vec::new();
        for (name, addr, why) in &endpoint.skipped {
            match skipped.iter_mut().find(|(a, w, _)| a == addr && w == why) {
                Some((_, _, names)) => names.push(name),
                None => skipped.push((*addr, why, vec![name])),
            }
        }
        for (addr, why, names) in skipped {
            out.report(Finding::new(
                &RULE,
                endpoint.at,
                format!("{} at {addr} was not probed: {why}", names_at(&names, endpoint.port)),
                "give the address and port on the command line (--connect NAME:PORT=IP:PORT), or pass --allow-private-addresses for a repository you trust",
            ));
        }
    }
    for default in &report.defaults {
        for probe in &default.probes {
            let Err(why) = &probe.result else { continue };
            // A handshake that failed for the names too is handshake-failed.
            let names_ok = report.endpoints.iter().any(|e| {
                e.probes
                    .iter()
                    .any(|p| p.addr == probe.addr && p.result.is_ok())
            });
            if !names_ok {
                continue;
            }
            let Some(block) = default.blocks.get(default.default) else {
                continue;
            };
            out.report(Finding::new(
                &RULE,
                block.at,
                format!(
                    "what {} at {} sends a name no server_name matches was not seen: {why}",
                    default.socket, probe.addr
                ),
                "check that nothing in front of nginx drops unknown names; `--timeout` sets how long tripline waits",
            ));
        }
    }
}
