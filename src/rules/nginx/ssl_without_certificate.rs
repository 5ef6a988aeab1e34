//! A `listen ... ssl` with no `ssl_certificate` in its server block or
//! inherited from `http`/`stream`: nginx refuses to start.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/ssl-without-certificate",
    default_severity: Severity::Error,
    summary: "a TLS listener with no ssl_certificate: nginx will not start",
    doc: include_str!("../../../rules/nginx/ssl-without-certificate.md"),
    aliases: &[],
    check: Check::LoadedNginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    for server in &model.servers {
        let has_certificate = !model.certificates_in_scope(server.scope).is_empty();
        // An include tripline could not read may hold the certificate.
        if has_certificate
            || model.rejects_handshake(server.scope)
            || model.scope_is_opaque(server.scope)
        {
            continue;
        }
        let ssl_listen = server.listens.iter().find(|l| l.params.ssl);
        if ssl_listen.is_none() && !server.ssl_on {
            continue;
        }
        // At the server block, as nginx reports it; the TLS listen beside it.
        let mut finding = Finding::new(
            &RULE,
            server.keyword,
            format!(
                "no \"ssl_certificate\" is defined for the \"listen ... ssl\" directive of {}; nginx refuses to start",
                server.label()
            ),
            "add `ssl_certificate` and `ssl_certificate_key` to this server block (or to `http`), or `ssl_reject_handshake on;` for a catch-all TLS server",
        );
        if let Some(listen) = ssl_listen {
            finding = finding.related(listen.span, "the TLS listener");
        }
        out.report(finding);
    }
}
