//! No TLS handshake with a server name the configuration serves over TLS:
//! the connection is refused, times out, or the handshake fails (no
//! certificate for the name, a protocol or cipher mismatch), or the name
//! has no address at all.

use crate::drift::report::DriftReport;
use crate::finding::{Finding, Severity};
use crate::registry::{Check, Rule};
use crate::rules::Checker;

pub const RULE: Rule = Rule {
    id: "drift/handshake-failed",
    default_severity: Severity::Error,
    summary: "no TLS handshake with a server name the configuration serves",
    doc: include_str!("../../../rules/drift/handshake-failed.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for endpoint in &report.endpoints {
        if let Some(why) = &endpoint.unresolved {
            out.report(Finding::new(
                &RULE,
                endpoint.at,
                format!("{}:{}: {why}", endpoint.name, endpoint.port),
                "give its address with --connect NAME:PORT=IP, or add the name's A/AAAA records",
            ));
            continue;
        }
        let any_ok = |addr| {
            endpoint
                .probes
                .iter()
                .any(|p| p.addr == addr && p.result.is_ok())
        };
        for probe in &endpoint.probes {
            let Err(why) = &probe.result else { continue };
            // One key type failing where another works is key-type-not-served.
            if any_ok(probe.addr) {
                continue;
            }
            out.report(Finding::new(
                &RULE,
                endpoint.at,
                format!(
                    "{}:{} at {} (from {}): {why}",
                    endpoint.name, endpoint.port, probe.addr, probe.source
                ),
                "check that nginx listens with TLS there and serves this name; `--timeout` sets how long tripline waits",
            ));
        }
    }
}
