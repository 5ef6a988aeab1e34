//! No TLS handshake with a server name the configuration serves over TLS:
//! the connection is refused, times out, or the handshake fails (no
//! certificate for the name, a protocol or cipher mismatch), or the name
//! has no address at all. Names of one server block that fail the same way
//! at one address are one finding.

use super::names_at;
use crate::drift::report::DriftReport;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

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
        if !endpoint.unresolved.is_empty() {
            let names: Vec<&str> = endpoint
                .unresolved
                .iter()
                .map(|(n, _)| n.as_str())
                .collect();
            let mut whys: Vec<&str> = endpoint
                .unresolved
                .iter()
                .map(|(_, w)| w.as_str())
                .collect();
            whys.dedup();
            out.report(Finding::new(
                &RULE,
                endpoint.at,
                format!("{}: {}", names_at(&names, endpoint.port), whys.join("; ")),
                "give its address with --connect NAME:PORT=IP, or add the name's A/AAAA records",
            ));
        }
        // (address, source, why) → names.
        let mut failed: Vec<(std::net::SocketAddr, &str, &str, Vec<&str>)> = Vec::new();
        for probe in &endpoint.probes {
            let Err(why) = &probe.result else { continue };
            // One key type failing where another works is key-type-not-served.
            let other_ok = endpoint
                .probes
                .iter()
                .any(|p| p.addr == probe.addr && p.name == probe.name && p.result.is_ok());
            if other_ok {
                continue;
            }
            let same = failed
                .iter_mut()
                .find(|(a, s, w, _)| *a == probe.addr && *s == probe.source && *w == why);
            match same {
                Some((_, _, _, names)) if !names.contains(&probe.name.as_str()) => {
                    names.push(&probe.name)
                }
                Some(_) => {}
                None => failed.push((probe.addr, &probe.source, why, vec![&probe.name])),
            }
        }
        for (addr, source, why, names) in failed {
            out.report(Finding::new(
                &RULE,
                endpoint.at,
                format!(
                    "{} at {addr} (from {source}): {why}",
                    names_at(&names, endpoint.port)
                ),
                "check that nginx listens with TLS there and serves this name; `--timeout` sets how long tripline waits",
            ));
        }
    }
}
