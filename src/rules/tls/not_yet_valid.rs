//! A served certificate whose notBefore is after `--now`.

use super::served;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::tls::cert::date;
use crate::tls::Bundle;

pub const RULE: Rule = Rule {
    id: "tls/not-yet-valid",
    default_severity: Severity::Warning,
    summary: "a certificate in a served chain is not valid yet",
    doc: include_str!("../../../rules/tls/not-yet-valid.md"),
    aliases: &[],
    check: Check::Tls(check),
};

fn check(bundle: &Bundle, out: &mut Checker<'_>) {
    let now = out.now.unix_timestamp();
    for (cert, span) in served(bundle) {
        if cert.not_before <= now {
            continue;
        }
        out.report(Finding::new(
            &RULE,
            *span,
            format!(
                "not valid before {}: {}",
                date(cert.not_before),
                cert.describe(now)
            ),
            "check the issuing machine's clock, or deploy the certificate when it becomes valid",
        ));
    }
}
