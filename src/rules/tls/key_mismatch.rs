//! A private key that does not belong to the certificate it is paired
//! with: nginx stops at reload (`X509_check_private_key:key values
//! mismatch`). Compared by algorithm and key bits, never by encoding.

use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::source::Span;
use crate::tls::cert::Cert;
use crate::tls::key::PrivateKey;
use crate::tls::served::Served;
use crate::tls::Bundle;

pub const RULE: Rule = Rule {
    id: "tls/key-mismatch",
    default_severity: Severity::Error,
    summary: "the private key does not belong to the certificate: nginx refuses to load the pair",
    doc: include_str!("../../../rules/tls/key-mismatch.md"),
    aliases: &[],
    check: Check::TlsAndServed(check, check_served),
};

/// A file holding both certificates and a key (HAProxy style, or a
/// combined PEM): the key belongs to the leaf.
fn check(bundle: &Bundle, out: &mut Checker<'_>) {
    let Some((leaf, leaf_span)) = bundle.leaf().or(bundle.certs.first()) else {
        return;
    };
    for (key, key_span) in &bundle.keys {
        if let Some(finding) = mismatch(leaf, *leaf_span, key, *key_span, out.now.unix_timestamp())
        {
            out.report(finding);
        }
    }
}

/// Each certificate nginx loads with the key at the same position: nginx
/// pairs the key with the first certificate of the file.
fn check_served(served: &Served<'_>, out: &mut Checker<'_>) {
    let now = out.now.unix_timestamp();
    for server in served.tls_servers() {
        for pair in served.pairs(server) {
            let Some(key_file) = pair.key else { continue };
            let (Some(certs), Some(keys)) =
                (served.bundle(pair.certificate), served.bundle(key_file))
            else {
                continue;
            };
            let (Some((cert, cert_span)), Some((key, key_span))) =
                (certs.certs.first(), keys.keys.first())
            else {
                continue;
            };
            if let Some(finding) = mismatch(cert, *cert_span, key, *key_span, now) {
                out.report(
                    Finding {
                        span: key_file.span,
                        related: Vec::new(),
                        ..finding
                    }
                    .related(pair.certificate.span, "the certificate nginx pairs it with")
                    .related(*key_span, "the key")
                    .related(*cert_span, "the certificate"),
                );
            }
        }
    }
}

/// The finding for a pair that does not match, located at the key.
pub fn mismatch(
    cert: &Cert,
    cert_span: Span,
    key: &PrivateKey,
    key_span: Span,
    now: i64,
) -> Option<Finding> {
    if key.belongs_to(&cert.public_key)? {
        return None;
    }
    let PrivateKey::Known(public) = key else {
        return None;
    };
    let detail = if public.algorithm() == cert.public_key.algorithm() {
        format!("both are {}, but different keys", public.algorithm())
    } else {
        format!(
            "the key is {}, the certificate's is {}",
            public.algorithm(),
            cert.public_key.algorithm()
        )
    };
    Some(
        Finding::new(
            &RULE,
            key_span,
            format!(
                "this private key does not belong to the certificate ({detail}): {}",
                cert.describe(now)
            ),
            "pair the certificate with the key it was issued for (a renewal with a new key needs the new key file too)",
        )
        .related(cert_span, "the certificate"),
    )
}
