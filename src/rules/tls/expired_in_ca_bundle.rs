//! Expired certificates inside a trust bundle: dead weight at best; at
//! worst the only copy of a root that clients of this bundle still need
//! (the 2021 DST Root CA X3 expiry).

use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::tls::{Bundle, Role};

pub const RULE: Rule = Rule {
    id: "tls/expired-in-ca-bundle",
    default_severity: Severity::Warning,
    summary: "a trust bundle holds expired certificates",
    doc: include_str!("../../../rules/tls/expired-in-ca-bundle.md"),
    aliases: &[],
    check: Check::Tls(check),
};

fn check(bundle: &Bundle, out: &mut Checker<'_>) {
    if bundle.role != Role::TrustStore {
        return;
    }
    let now = out.now.unix_timestamp();
    for (cert, span) in &bundle.certs {
        if cert.not_after >= now {
            continue;
        }
        out.report(Finding::new(
            &RULE,
            *span,
            format!(
                "expired certificate in a trust bundle: {}",
                cert.describe(now)
            ),
            "remove it, and add its successor if clients of this bundle still need that CA",
        ));
    }
}
