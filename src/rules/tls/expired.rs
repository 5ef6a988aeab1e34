//! A served certificate whose notAfter is past `--now`.

use super::served;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::tls::Bundle;

pub const RULE: Rule = Rule {
    id: "tls/expired",
    default_severity: Severity::Warning,
    summary: "a certificate in a served chain has expired",
    doc: include_str!("../../../rules/tls/expired.md"),
    aliases: &[],
    check: Check::Tls(check),
};

fn check(bundle: &Bundle, out: &mut Checker<'_>) {
    let now = out.now.unix_timestamp();
    for (index, (cert, span)) in served(bundle).iter().enumerate() {
        if cert.not_after >= now {
            continue;
        }
        let which = if index == 0 {
            "the certificate"
        } else {
            "a chain certificate"
        };
        out.report(Finding::new(
            &RULE,
            *span,
            format!("{which} has expired: {}", cert.describe(now)),
            "renew it and reload the server; clients refuse an expired certificate anywhere in the chain",
        ));
    }
}
