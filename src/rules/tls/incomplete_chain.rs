//! A served leaf whose issuer is neither in the file nor a root clients
//! trust: desktop browsers fetch the missing intermediate, Android, curl
//! and API clients fail.

use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::tls::{Bundle, Role};

pub const RULE: Rule = Rule {
    id: "tls/incomplete-chain",
    default_severity: Severity::Warning,
    summary: "the leaf's issuer is neither in the file nor a trusted root: clients without AIA fetching fail",
    doc: include_str!("../../../rules/tls/incomplete-chain.md"),
    aliases: &[],
    check: Check::Tls(check),
};

fn check(bundle: &Bundle, out: &mut Checker<'_>) {
    if bundle.role != Role::Chain {
        return;
    }
    let Some((leaf, span)) = bundle.leaf() else {
        return;
    };
    if leaf.is_self_issued() {
        return; // a self-signed leaf has no chain to complete
    }
    let in_file = bundle
        .certs
        .iter()
        .any(|(c, _)| c.subject_raw == leaf.issuer_raw);
    if in_file || crate::tls::path::is_trusted_root(&leaf.issuer_raw, out.extra_roots) {
        return;
    }
    out.report(Finding::new(
        &RULE,
        *span,
        format!(
            "the issuer {} is not in this file and is not a root clients trust: {}",
            leaf.issuer,
            leaf.describe(out.now.unix_timestamp())
        ),
        "serve the full chain: append the intermediate certificate(s) after the leaf (certbot: fullchain.pem, not cert.pem); for a private CA, name its root with --ca-file or `[tls] ca-file`",
    ));
}
