//! An nginx `server_name` that none of the server's certificates covers:
//! clients reaching the server by that name get a certificate error. SANs
//! only (the CN is ignored, as browsers do), RFC 6125 wildcards.

use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::tls::cert::Cert;
use crate::tls::served::Served;
use std::collections::HashSet;

pub const RULE: Rule = Rule {
    id: "tls/hostname-mismatch",
    default_severity: Severity::Warning,
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
        let covered: Vec<Names> = leaves.iter().map(|(cert, _)| Names::of(cert)).collect();
        for name in &server.names {
            let Some(host) = checkable(&name.name) else {
                continue;
            };
            if covered.iter().any(|names| names.cover(&host)) {
                continue;
            }
            let sans = if first.dns_names.is_empty() {
                "no DNS names at all".to_string()
            } else {
                crate::finding::listed(&first.dns_names)
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

/// A certificate's DNS names, hashed: a server with ten thousand names
/// against a certificate with a hundred thousand is as quick as one.
struct Names<'c> {
    exact: HashSet<&'c str>,
    /// `example.com` for each `*.example.com`.
    wildcard_suffixes: HashSet<&'c str>,
}

impl<'c> Names<'c> {
    fn of(cert: &'c Cert) -> Self {
        let mut names = Names {
            exact: HashSet::new(),
            wildcard_suffixes: HashSet::new(),
        };
        for san in &cert.dns_names {
            let san = san.trim_end_matches('.');
            names.exact.insert(san);
            if let Some(suffix) = san.strip_prefix("*.") {
                names.wildcard_suffixes.insert(suffix);
            }
        }
        names
    }

    /// RFC 6125: `*.example.com` covers exactly one leftmost label; a
    /// server name that is itself a wildcard is covered only by the same
    /// wildcard.
    fn cover(&self, host: &str) -> bool {
        if self.exact.contains(host) {
            return true;
        }
        match host.split_once('.') {
            Some((label, rest)) => {
                !label.is_empty() && label != "*" && self.wildcard_suffixes.contains(rest)
            }
            None => false,
        }
    }
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
