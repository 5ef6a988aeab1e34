//! A server name whose live certificate is not the one the repository says
//! nginx serves: most often a certificate renewed on disk while nginx was
//! never reloaded — it serves the old one until that expires. One finding
//! per address and certificate, naming every server name that got it.

use super::{by_certificate, expected_for};
use crate::drift::report::DriftReport;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "drift/certificate-not-deployed",
    default_severity: Severity::Error,
    summary: "a server serves another certificate than the one its ssl_certificate names (renewed, not reloaded)",
    doc: include_str!("../../../rules/drift/certificate-not-deployed.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for endpoint in &report.endpoints {
        for group in by_certificate(endpoint) {
            let Some(live) = group.served.leaf() else {
                continue;
            };
            let Some(expected) = expected_for(endpoint, group.key, live) else {
                continue;
            };
            let Some(file) = expected.leaf() else {
                continue;
            };
            if file.der == live.der {
                continue;
            }
            let (what, help) = if file.not_before > live.not_before {
                (
                    "renewed but not loaded",
                    "reload nginx (`nginx -s reload`, or the renewal's deploy hook) so that it reads the renewed file",
                )
            } else {
                (
                    "not the file's certificate",
                    "deploy the repository's certificate and reload nginx, or find which server answers at this address",
                )
            };
            out.report(Finding::new(
                &RULE,
                expected.at,
                format!(
                    "{} serves {}, but the file holds {}: {what}",
                    group.label(endpoint.port),
                    live.brief(),
                    file.brief()
                ),
                help,
            ));
        }
    }
}
