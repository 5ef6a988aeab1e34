//! A server sends a chain that does not build to a root clients trust:
//! nginx loads another file than the repository's (cert.pem instead of
//! fullchain.pem on the server), or an old one. Browsers may fetch the
//! missing intermediate; Android, curl and API clients fail. Checked by
//! name, whether or not the repository holds the file; when it does and
//! its own chain is incomplete, `tls/incomplete-chain` says so instead.

use super::{by_certificate, expected_for};
use crate::drift::report::DriftReport;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "drift/served-chain-incomplete",
    default_severity: Severity::Warning,
    summary: "the served chain does not build to a trusted root",
    doc: include_str!("../../../rules/drift/served-chain-incomplete.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for endpoint in &report.endpoints {
        for group in by_certificate(endpoint) {
            let served = group.served;
            let Some(live) = served.leaf() else { continue };
            if !served.path.is_empty() || live.is_self_issued() {
                continue;
            }
            let expected = expected_for(endpoint, group.key, live);
            let (at, beside) = match expected {
                // tls/incomplete-chain says it of the file.
                Some(e) if !e.builds_to_root => continue,
                Some(e) => (e.at, ", while the file's chain does"),
                None => (endpoint.served_at(), ""),
            };
            out.report(Finding::new(
                &RULE,
                at,
                format!(
                    "{} sends {} certificate(s) that do not lead to a trusted root (the issuer {} is missing){beside}",
                    group.label(endpoint.port),
                    served.chain.len(),
                    live.issuer
                ),
                "point ssl_certificate at the full chain on the server (certbot: fullchain.pem) and reload nginx",
            ));
        }
    }
}
