//! A served certificate close to its notAfter: a warning inside the window
//! min(`tls.warn-days`, a third of its lifetime), an error inside
//! `tls.error-days`. Every certificate of the chain, not only the first.

use super::served;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::tls::Bundle;

pub const RULE: Rule = Rule {
    id: "tls/expiring-soon",
    default_severity: Severity::Warning,
    summary: "a certificate in a served chain expires soon (error inside tls.error-days)",
    doc: include_str!("../../../rules/tls/expiring-soon.md"),
    aliases: &[],
    check: Check::Tls(check),
};

const DAY: i64 = 86_400;

fn check(bundle: &Bundle, out: &mut Checker<'_>) {
    let now = out.now.unix_timestamp();
    let (warn_days, error_days) = (
        i64::from(out.config.expiry_days().0),
        i64::from(out.config.expiry_days().1),
    );
    for (cert, span) in served(bundle) {
        let left = cert.not_after - now;
        if left < 0 {
            continue; // tls/expired
        }
        // Short-lived certificates (90, 47 days) get a window relative to
        // their lifetime; a fixed 30 days would fire for a third of it.
        let lifetime = cert.not_after - cert.not_before;
        let warn_window = (warn_days * DAY).min(lifetime / 3);
        let (severity, window) = if left < error_days * DAY {
            (
                Severity::Error,
                format!("under {error_days} days (`tls.error-days`)"),
            )
        } else if left < warn_window {
            (
                Severity::Warning,
                format!("inside its renewal window of {} days", warn_window / DAY),
            )
        } else {
            continue;
        };
        let mut finding = Finding::new(
            &RULE,
            *span,
            format!("expires {window}: {}", cert.describe(now)),
            "renew it now, and check that renewal is automated and the server reloads afterwards",
        );
        finding.severity = severity;
        out.report(finding);
    }
}
