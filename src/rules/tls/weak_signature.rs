//! A leaf or intermediate signed with MD5 or SHA-1: browsers reject it
//! (SHA-1 since 2017). A root's own signature is not checked by clients
//! and is not reported.

use super::served;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::tls::Bundle;

pub const RULE: Rule = Rule {
    id: "tls/weak-signature",
    default_severity: Severity::Error,
    summary: "a leaf or intermediate signed with MD5 or SHA-1",
    doc: include_str!("../../../rules/tls/weak-signature.md"),
    aliases: &[],
    check: Check::Tls(check),
};

fn check(bundle: &Bundle, out: &mut Checker<'_>) {
    let now = out.now.unix_timestamp();
    for (cert, span) in served(bundle) {
        let (name, weak) = cert.signature_algorithm();
        if !weak || cert.is_self_signed() {
            continue;
        }
        out.report(Finding::new(
            &RULE,
            *span,
            format!(
                "signed with {name}, which clients reject: {}",
                cert.describe(now)
            ),
            "reissue it: every public CA signs with SHA-256 or better",
        ));
    }
}
