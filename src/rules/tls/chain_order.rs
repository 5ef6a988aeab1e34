//! A chain file whose first certificate is not the leaf, or where a
//! certificate is not issued by the one after it: nginx sends the file as
//! is, and clients that do not re-order reject it (nginx itself refuses a
//! first certificate that does not match the key).

use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::tls::cert::Link;
use crate::tls::{Bundle, Role};

pub const RULE: Rule = Rule {
    id: "tls/chain-order",
    default_severity: Severity::Warning,
    summary:
        "the first certificate is not the leaf, or a certificate is not issued by the next one",
    doc: include_str!("../../../rules/tls/chain-order.md"),
    aliases: &[],
    check: Check::Tls(check),
};

const HELP: &str = "order the file leaf first, then each issuer in turn (the root may be left out): `cat cert.pem intermediate.pem > fullchain.pem`";

fn check(bundle: &Bundle, out: &mut Checker<'_>) {
    if bundle.role != Role::Chain {
        return;
    }
    let now = out.now.unix_timestamp();
    let certs = &bundle.certs;
    let Some((first, first_span)) = certs.first() else {
        return;
    };
    // A self-signed certificate marked CA (`openssl req -x509`) with no
    // other leaf in the file is the server's own: it is rightly first.
    let own_self_signed = first.is_self_signed() && certs.iter().all(|(c, _)| c.is_ca);
    if first.is_ca && !own_self_signed {
        let mut finding = Finding::new(
            &RULE,
            *first_span,
            format!(
                "the first certificate is a CA, not the leaf: {}",
                first.describe(now)
            ),
            HELP,
        );
        if let Some((_, leaf_span)) = certs.iter().find(|(c, _)| !c.is_ca) {
            finding = finding.related(*leaf_span, "the leaf, which must come first");
        }
        out.report(finding);
        return;
    }
    for pair in certs.windows(2) {
        let [(cert, span), (next, next_span)] = pair else {
            continue;
        };
        let why = match cert.issued_by(next) {
            Link::Verified | Link::NamesOnly => continue,
            Link::NameMismatch => format!(
                "it was issued by {}, but the next certificate is {}",
                cert.issuer, next.subject
            ),
            Link::KeyIdMismatch => format!(
                "the next certificate has its issuer's name ({}) but another key (authority and subject key identifiers differ)",
                next.subject
            ),
            Link::BadSignature => format!(
                "the next certificate ({}) has its issuer's name but did not sign it",
                next.subject
            ),
        };
        out.report(
            Finding::new(
                &RULE,
                *span,
                format!("this certificate is not issued by the next one in the file: {why}"),
                HELP,
            )
            .related(*next_span, "the next certificate"),
        );
    }
}
