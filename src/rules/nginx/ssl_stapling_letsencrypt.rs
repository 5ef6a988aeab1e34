//! `ssl_stapling on` for a Let's Encrypt certificate: Let's Encrypt stopped
//! putting OCSP URLs in certificates in 2025 and shut its responders down,
//! so nginx staples nothing and the directives are dead configuration.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/ssl-stapling-letsencrypt",
    default_severity: Severity::Info,
    summary: "OCSP stapling for a Let's Encrypt certificate, which has no OCSP responder any more",
    doc: include_str!("../../../rules/nginx/ssl-stapling-letsencrypt.md"),
    aliases: &["gixy/ssl_stapling_letsencrypt"],
    check: Check::Nginx(check),
};

const LETSENCRYPT: &str = "/etc/letsencrypt/";

fn check(model: &Model, out: &mut Checker<'_>) {
    if model.named("ssl_stapling").next().is_none() {
        return;
    }
    for (block, _) in super::tls_server::tls_servers(model) {
        let Some(stapling) = super::tls_server::stapling(model, block) else {
            continue;
        };
        let mut certificates = Vec::new();
        let mut b = Some(block);
        while let Some(current) = b {
            for name in ["ssl_certificate", "ssl_trusted_certificate"] {
                for (_, d) in model.in_block(current, name) {
                    if model
                        .arg(d, 0)
                        .is_some_and(|a| a.value.starts_with(LETSENCRYPT))
                    {
                        certificates.push(d);
                    }
                }
            }
            b = model.parent_block(current);
        }
        let Some(first) = certificates.first() else {
            continue;
        };
        let mut finding = Finding::new(
            &RULE,
            stapling.stmt_span,
            format!(
                "ssl_stapling on for a Let's Encrypt certificate ({}): Let's Encrypt no longer puts an OCSP URL in its certificates and shut its responders down in 2025, so nginx staples nothing and logs a warning at every start",
                model.arg(first, 0).map_or("", |a| &a.value)
            ),
            "remove ssl_stapling and ssl_stapling_verify for these certificates (keep them for CAs that still run OCSP)",
        );
        for c in certificates {
            finding = finding.related(c.stmt_span, "a Let's Encrypt certificate");
        }
        out.report(super::context::included_from(model, stapling, finding));
    }
}
