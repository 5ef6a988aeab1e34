//! An nginx `server_name` that none of the server's certificates covers:
//! clients reaching the server by that name get a certificate error. SANs
//! only (the CN is ignored, as browsers do), RFC 6125 wildcards.

use crate::finding::{Finding, Severity};
use crate::registry::{Check, Rule};
use crate::rules::Checker;
use crate::tls::cert::Cert;
use crate::tls::served::Served;

pub const RULE: Rule = Rule {
    id: "tls/hostname-mismatch",
    default_severity: Severity::Error,
    summary: "a server_name that the served certificate's SANs do not cover",
    doc: include_str!("../../../rules/tls/hostname-mismatch.md"),
    aliases: &[],
    check: Check::Served(check),
};

fn check(served: &Served<'_>, out: &mut Checker<'_>) {
    let now = out.now.unix_timestamp();
    for server in served.tls_servers() {
        let leaves: Vec<(&Cert, crate::source::Span)> = served
            .pairs(server)
            .iter()
            .filter_map(|p| served.bundle(p.certificate))
            .filter_map(|b| b.leaf().map(|(c, s)| (c, *s)))
            .collect();
        let Some(&(first, first_span)) = leaves.first() else {
            continue; // nothing readable to compare with
        };
        for name in &server.names {
            let Some(host) = checkable(&name.name) else {
                continue;
            };
            if leaves.iter().any(|(cert, _)| covers(cert, &host)) {
                continue;
            }
            let sans = if first.dns_names.is_empty() {
                "no DNS names at all".to_string()
            } else {
                first.dns_names.join(", ")
            };
            out.report(
                Finding::new(
                    &RULE,
                    name.span,
                    format!(
                        "server_name {} is not covered by the certificate, whose names are {sans}: {}",
                        name.name,
                        first.describe(now)
                    ),
                    "add the name to the certificate's subjectAltName (reissue it), or serve this name from a server with its own certificate",
                )
                .related(first_span, "the certificate"),
            );
        }
    }
}

/// The host a server_name stands for, or `None` when no certificate check
/// applies: `_` and `""` (catch-alls), regular expressions, `www.*`.
fn checkable(name: &str) -> Option<String> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name.is_empty() || name == "_" || name.starts_with('~') || name.ends_with(".*") {
        return None;
    }
    // `.example.com` is example.com and *.example.com: the certificate must
    // cover example.com (the wildcard half is checked as `*.example.com`).
    Some(name.strip_prefix('.').map_or(name.clone(), str::to_string))
}

/// RFC 6125: `*.example.com` covers exactly one leftmost label; a server
/// name that is itself a wildcard is covered only by the same wildcard.
fn covers(cert: &Cert, host: &str) -> bool {
    cert.dns_names.iter().any(|san| {
        let san = san.trim_end_matches('.');
        if san == host {
            return true;
        }
        match (san.strip_prefix("*."), host.split_once('.')) {
            (Some(suffix), Some((label, rest))) => {
                !label.is_empty() && label != "*" && rest == suffix
            }
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_names_that_are_checked() {
        assert_eq!(checkable("_"), None);
        assert_eq!(checkable("~^(?<user>.+)\\.example\\.net$"), None);
        assert_eq!(checkable("www.*"), None);
        assert_eq!(checkable(".Example.com").as_deref(), Some("example.com"));
        assert_eq!(checkable("*.example.com").as_deref(), Some("*.example.com"));
    }
}
