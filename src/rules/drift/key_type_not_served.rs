//! The configuration serves an RSA and an ECDSA certificate for a name,
//! but a server shows only one of them: clients that offer only the other
//! key type's signatures (older or constrained clients for RSA, hardened
//! ones for ECDSA) fail, or get a certificate nobody renews.

use super::names_at;
use crate::drift::handshake::KeyType;
use crate::drift::key_type;
use crate::drift::report::DriftReport;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "drift/key-type-not-served",
    default_severity: Severity::Warning,
    summary: "RSA and ECDSA certificates are configured, but a server serves only one of them",
    doc: include_str!("../../../rules/drift/key-type-not-served.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for endpoint in &report.endpoints {
        // (address, key type asked, what came instead) → names.
        let mut missing: Vec<(std::net::SocketAddr, KeyType, String, Vec<&str>)> = Vec::new();
        for probe in &endpoint.probes {
            if probe.key == KeyType::Any || !endpoint.expected.iter().any(|e| e.key == probe.key) {
                continue;
            }
            let got = match &probe.result {
                Ok(served) => match served.leaf() {
                    Some(leaf) if key_type(leaf) != probe.key => {
                        format!("an {} certificate", key_type(leaf).as_str())
                    }
                    _ => continue,
                },
                // Another key type worked at this address: this one is missing.
                Err(why)
                    if endpoint.probes.iter().any(|p| {
                        p.addr == probe.addr
                            && p.name == probe.name
                            && p.key != probe.key
                            && p.result.is_ok()
                    }) =>
                {
                    format!("no handshake ({why})")
                }
                Err(_) => continue, // drift/handshake-failed
            };
            let same = missing
                .iter_mut()
                .find(|(a, k, g, _)| *a == probe.addr && *k == probe.key && *g == got);
            match same {
                Some((_, _, _, names)) => names.push(&probe.name),
                None => missing.push((probe.addr, probe.key, got, vec![&probe.name])),
            }
        }
        for (addr, key, got, names) in missing {
            let Some(expected) = endpoint.expected.iter().find(|e| e.key == key) else {
                continue;
            };
            out.report(Finding::new(
                &RULE,
                expected.at,
                format!(
                    "{} at {addr}: a client offering only {} signatures gets {got}, though this {} certificate is configured",
                    names_at(&names, endpoint.port),
                    key.as_str(),
                    key.as_str()
                ),
                "reload nginx so that it loads both certificates, and check both ssl_certificate/ssl_certificate_key pairs on the server",
            ));
        }
    }
}
