//! The addresses behind one server name serve different certificates for
//! the same key type: one node of a load-balanced pool was not updated, so
//! a share of clients still gets the old (or expiring) certificate. Names
//! of one server block that differ the same way are one finding.

use super::names_at;
use crate::drift::report::DriftReport;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use std::collections::BTreeMap;

pub const RULE: Rule = Rule {
    id: "drift/inconsistent-across-ips",
    default_severity: Severity::Warning,
    summary: "the addresses of one server name serve different certificates",
    doc: include_str!("../../../rules/drift/inconsistent-across-ips.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for endpoint in &report.endpoints {
        // Per key type and name: what each address serves.
        let mut served: BTreeMap<_, Vec<(std::net::SocketAddr, &crate::tls::cert::Cert)>> =
            BTreeMap::new();
        for probe in &endpoint.probes {
            if let Some(leaf) = probe.result.as_ref().ok().and_then(|s| s.leaf()) {
                served
                    .entry((probe.key, probe.name.as_str()))
                    .or_default()
                    .push((probe.addr, leaf));
            }
        }
        // Names that differ the same way: one finding.
        let mut differing: Vec<(String, Vec<&str>)> = Vec::new();
        for ((_, name), by_addr) in &served {
            let Some((_, first)) = by_addr.first() else {
                continue;
            };
            if by_addr.iter().all(|(_, c)| c.der == first.der) {
                continue;
            }
            let said: Vec<String> = by_addr
                .iter()
                .map(|(addr, c)| format!("{addr} serves {}", c.brief()))
                .collect();
            let said = said.join("; ");
            match differing.iter_mut().find(|(s, _)| *s == said) {
                Some((_, names)) => names.push(name),
                None => differing.push((said, vec![name])),
            }
        }
        for (said, names) in differing {
            out.report(Finding::new(
                &RULE,
                endpoint.at,
                format!(
                    "the addresses of {} serve different certificates: {said}",
                    names_at(&names, endpoint.port)
                ),
                "deploy the same certificate to every node and reload each",
            ));
        }
    }
}
