//! A served certificate with a key clients reject or attackers can break:
//! RSA under 2048 bits or with an exponent under 65537, DSA, EC below P-256.

use super::served;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::tls::key::{self, PublicKey};
use crate::tls::Bundle;

pub const RULE: Rule = Rule {
    id: "tls/weak-key",
    default_severity: Severity::Error,
    summary: "RSA under 2048 bits or exponent under 65537, DSA, or EC below P-256",
    doc: include_str!("../../../rules/tls/weak-key.md"),
    aliases: &[],
    check: Check::Tls(check),
};

const DSA: &str = "1.2.840.10040.4.1";

fn check(bundle: &Bundle, out: &mut Checker<'_>) {
    let now = out.now.unix_timestamp();
    for (cert, span) in served(bundle) {
        let weakness = match &cert.public_key {
            PublicKey::Rsa { n, .. } if key::bits(n) < 2048 => Some(format!(
                "an RSA key of {} bits (2048 is the minimum)",
                key::bits(n)
            )),
            PublicKey::Rsa { .. } if cert.rsa_exponent.is_some_and(|e| e < 65537) => Some(format!(
                "an RSA public exponent of {} (65537 is the minimum)",
                cert.rsa_exponent.unwrap_or_default()
            )),
            PublicKey::Ec { curve, .. } if matches!(key::curve_name(curve), "P-192" | "P-224") => {
                Some(format!(
                    "an EC key on {} (P-256 is the minimum)",
                    key::curve_name(curve)
                ))
            }
            PublicKey::Other(oid) if oid == DSA => {
                Some("a DSA key (no longer accepted by browsers)".into())
            }
            _ => None,
        };
        if let Some(weakness) = weakness {
            out.report(Finding::new(
                &RULE,
                *span,
                format!("{weakness}: {}", cert.describe(now)),
                "issue a new certificate with an RSA 2048+ or ECDSA P-256 key",
            ));
        }
    }
}
