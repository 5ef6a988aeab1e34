//! A self-signed leaf that nginx serves: every client without a manual
//! exception rejects it.

use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::tls::served::Served;

pub const RULE: Rule = Rule {
    id: "tls/self-signed",
    default_severity: Severity::Warning,
    summary: "nginx serves a self-signed certificate",
    doc: include_str!("../../../rules/tls/self-signed.md"),
    aliases: &[],
    check: Check::Served(check),
};

fn check(served: &Served<'_>, out: &mut Checker<'_>) {
    let now = out.now.unix_timestamp();
    for server in served.tls_servers() {
        for pair in served.pairs(server) {
            let Some(bundle) = served.bundle(pair.certificate) else {
                continue;
            };
            let Some((leaf, leaf_span)) = bundle.certs.first() else {
                continue;
            };
            // `openssl req -x509` marks its certificate CA:TRUE; served by
            // nginx, it is the server's own all the same.
            if !leaf.is_self_signed() {
                continue;
            }
            out.report(
                Finding::new(
                    &RULE,
                    pair.certificate.span,
                    format!(
                        "{} serves a self-signed certificate: {}",
                        server.label(),
                        leaf.describe(now)
                    ),
                    "use a certificate from a CA clients trust (Let's Encrypt, or your internal CA with its root distributed)",
                )
                .related(*leaf_span, "the certificate"),
            );
        }
    }
}
