//! A certificate a server serves — its leaf or an intermediate of the
//! verified path — expires soon, or has expired: the same windows as
//! `tls/expiring-soon`, on what is live rather than on the file, so it is
//! checked by name even when the repository holds no certificate (certbot's
//! live/ folder is on the server). Extra roots a server sends are not on
//! the path and are ignored. One finding per address and certificate,
//! naming every server name that got it.

use super::by_certificate;
use crate::drift::report::DriftReport;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "drift/served-expiring",
    default_severity: Severity::Warning,
    summary: "a served certificate (leaf or intermediate) expires soon or has expired",
    doc: include_str!("../../../rules/drift/served-expiring.md"),
    aliases: &[],
    check: Check::Drift(check),
};

const DAY: i64 = 86_400;

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    let now = out.now.unix_timestamp();
    let (warn_days, error_days) = (
        i64::from(out.config.expiry_days().0),
        i64::from(out.config.expiry_days().1),
    );
    for endpoint in &report.endpoints {
        for group in by_certificate(endpoint) {
            let served = group.served;
            // The leaf, and the intermediates of the path when it builds.
            let on_path: Vec<usize> = if served.path.is_empty() {
                vec![0]
            } else {
                served.path.clone()
            };
            for i in on_path {
                let Some(cert) = served.chain.get(i) else {
                    continue;
                };
                let left = cert.not_after - now;
                let lifetime = cert.not_after - cert.not_before;
                let warn_window = (warn_days * DAY).min(lifetime / 3);
                let (severity, when) = if left < 0 {
                    (Severity::Error, "has expired".to_string())
                } else if left < error_days * DAY {
                    (
                        Severity::Error,
                        format!("expires in under {error_days} days (`tls.error-days`)"),
                    )
                } else if left < warn_window {
                    (
                        Severity::Warning,
                        format!(
                            "expires inside its renewal window of {} days",
                            warn_window / DAY
                        ),
                    )
                } else {
                    continue;
                };
                let role = if i == 0 {
                    "a certificate"
                } else {
                    "an intermediate"
                };
                let serve = if group.names.len() == 1 {
                    "serves"
                } else {
                    "serve"
                };
                let mut finding = Finding::new(
                    &RULE,
                    endpoint.served_at(),
                    format!(
                        "{} {serve} {role} that {when}: {}",
                        group.label(endpoint.port),
                        cert.describe(now)
                    ),
                    "renew it and reload nginx; if the file is already renewed, nginx was not reloaded",
                );
                finding.severity = severity;
                out.report(finding);
            }
        }
    }
}
