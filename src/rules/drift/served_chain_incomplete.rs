//! A server sends a chain that does not build to a root clients trust
//! although the repository's file does: nginx loads another file than the
//! repository's (cert.pem instead of fullchain.pem on the server), or an
//! old one. Browsers may fetch the missing intermediate; Android, curl and
//! API clients fail.

use crate::drift::report::DriftReport;
use crate::finding::{Finding, Severity};
use crate::registry::{Check, Rule};
use crate::rules::Checker;

pub const RULE: Rule = Rule {
    id: "drift/served-chain-incomplete",
    default_severity: Severity::Warning,
    summary:
        "the served chain does not build to a trusted root, although the repository's file does",
    doc: include_str!("../../../rules/drift/served-chain-incomplete.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for endpoint in &report.endpoints {
        for probe in &endpoint.probes {
            let Ok(served) = &probe.result else { continue };
            let Some(live) = served.leaf() else { continue };
            if !served.path.is_empty() || live.is_self_issued() {
                continue;
            }
            let Some(expected) = super::expected_for(endpoint, probe.key, live) else {
                continue;
            };
            if !expected.builds_to_root {
                continue; // tls/incomplete-chain says it of the file
            }
            out.report(Finding::new(
                &RULE,
                expected.at,
                format!(
                    "{}:{} at {} sends {} certificate(s) that do not lead to a trusted root (the issuer {} is missing), while the file's chain does",
                    endpoint.name,
                    endpoint.port,
                    probe.addr,
                    served.chain.len(),
                    live.issuer
                ),
                "point ssl_certificate at the full chain on the server (certbot: fullchain.pem) and reload nginx",
            ));
        }
    }
}
