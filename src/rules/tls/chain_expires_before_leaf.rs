//! An intermediate of a served chain that expires before the leaf: the
//! leaf stops working early, on the intermediate's date (2021's DST Root
//! CA X3 expiry broke chains whose leaves were all valid).

use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::tls::cert::date;
use crate::tls::{Bundle, Role};

pub const RULE: Rule = Rule {
    id: "tls/chain-expires-before-leaf",
    default_severity: Severity::Warning,
    summary: "an intermediate in the served chain expires before the leaf",
    doc: include_str!("../../../rules/tls/chain-expires-before-leaf.md"),
    aliases: &[],
    check: Check::Tls(check),
};

fn check(bundle: &Bundle, out: &mut Checker<'_>) {
    if bundle.role != Role::Chain {
        return;
    }
    let Some((leaf, leaf_span)) = bundle.certs.first() else {
        return;
    };
    if leaf.is_ca {
        return; // tls/chain-order
    }
    let now = out.now.unix_timestamp();
    for (cert, span) in bundle.certs.iter().skip(1) {
        if cert.not_after >= leaf.not_after || cert.not_after < now {
            continue; // outlives the leaf, or already tls/expired
        }
        out.report(
            Finding::new(
                &RULE,
                *span,
                format!(
                    "this chain certificate expires on {}, before the leaf ({}): clients reject the chain from then on. {}",
                    date(cert.not_after),
                    date(leaf.not_after),
                    cert.describe(now)
                ),
                "get the current intermediate from your CA (its chain download), and rebuild the chain file",
            )
            .related(*leaf_span, "the leaf"),
        );
    }
}
