//! A server sends, for a server_name, a certificate that does not cover
//! that name: browsers refuse the connection. The file may be right and the
//! server wrong (another vhost answers for the name, a default server).

use crate::drift::report::DriftReport;
use crate::finding::{listed, Finding, Severity};
use crate::registry::{Check, Rule};
use crate::rules::Checker;

pub const RULE: Rule = Rule {
    id: "drift/served-name-mismatch",
    default_severity: Severity::Error,
    summary: "a server name is served a certificate that does not cover it",
    doc: include_str!("../../../rules/drift/served-name-mismatch.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    let now = out.now.unix_timestamp();
    for endpoint in &report.endpoints {
        for probe in &endpoint.probes {
            let Ok(served) = &probe.result else { continue };
            let Some(live) = served.leaf() else { continue };
            if live.covers(&endpoint.name) {
                continue;
            }
            let names = if live.dns_names.is_empty() {
                "no DNS names".to_string()
            } else {
                listed(&live.dns_names)
            };
            out.report(Finding::new(
                &RULE,
                endpoint.at,
                format!(
                    "{}:{} at {} serves a certificate for {names}, not {}: {}",
                    endpoint.name,
                    endpoint.port,
                    probe.addr,
                    endpoint.name,
                    live.describe(now)
                ),
                "check which server block answers this name at that address (a default_server, a missing server_name) and which certificate it loads",
            ));
        }
    }
}
