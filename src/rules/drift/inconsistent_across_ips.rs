//! The addresses behind one server name serve different certificates for
//! the same key type: one node of a load-balanced pool was not updated, so
//! a share of clients still gets the old (or expiring) certificate.

use crate::drift::report::DriftReport;
use crate::finding::{Finding, Severity};
use crate::registry::{Check, Rule};
use crate::rules::Checker;
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
        let mut by_key: BTreeMap<_, Vec<(&std::net::SocketAddr, &crate::tls::cert::Cert)>> =
            BTreeMap::new();
        for probe in &endpoint.probes {
            if let Some(leaf) = probe.result.as_ref().ok().and_then(|s| s.leaf()) {
                by_key
                    .entry(probe.key)
                    .or_default()
                    .push((&probe.addr, leaf));
            }
        }
        for served in by_key.values() {
            let Some((_, first)) = served.first() else {
                continue;
            };
            if served.iter().all(|(_, c)| c.der == first.der) {
                continue;
            }
            let said: Vec<String> = served
                .iter()
                .map(|(addr, c)| format!("{addr} serves {}", c.brief()))
                .collect();
            out.report(Finding::new(
                &RULE,
                endpoint.at,
                format!(
                    "the addresses of {}:{} serve different certificates: {}",
                    endpoint.name,
                    endpoint.port,
                    said.join("; ")
                ),
                "deploy the same certificate to every node and reload each",
            ));
        }
    }
}
