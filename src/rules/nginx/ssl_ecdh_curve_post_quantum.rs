//! `ssl_ecdh_curve` naming a post-quantum group (`X25519MLKEM768`, the
//! Kyber drafts) without OpenSSL's `?` prefix: an OpenSSL older than 3.5
//! rejects the whole list, and nginx refuses to start or keeps the old
//! configuration on reload.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/ssl-ecdh-curve-post-quantum",
    default_severity: Severity::Warning,
    summary: "a post-quantum ssl_ecdh_curve group stops nginx on OpenSSL before 3.5",
    doc: include_str!("../../../rules/nginx/ssl-ecdh-curve-post-quantum.md"),
    aliases: &["gixy/ssl_ecdh_curve"],
    check: Check::Nginx(check),
};

fn is_post_quantum(group: &str) -> bool {
    let upper = group.to_ascii_uppercase();
    !group.starts_with('?') && (upper.contains("MLKEM") || upper.contains("KYBER"))
}

fn check(model: &Model, out: &mut Checker<'_>) {
    for (_, d) in model.named("ssl_ecdh_curve") {
        let Some(arg) = model.arg(d, 0) else {
            continue;
        };
        let risky: Vec<&str> = arg
            .value
            .split(':')
            .filter(|g| is_post_quantum(g))
            .collect();
        if risky.is_empty() {
            continue;
        }
        out.report(super::context::included_from(
            model,
            d,
            Finding::new(
                &RULE,
                arg.span,
                format!(
                    "{} exist only in OpenSSL 3.5 and later; an older OpenSSL (Debian 12, Ubuntu 24.04, RHEL 9) rejects the whole list and nginx fails to load the configuration",
                    crate::finding::listed(&risky)
                ),
                "prefix them with `?` (`?X25519MLKEM768`) if every server runs OpenSSL 3.3 or later, else leave them out (`ssl_ecdh_curve auto;`)",
            ),
        ));
    }
}
