//! `ssl_stapling on` without a `resolver`: nginx cannot look up the OCSP
//! responder, staples nothing, and clients that require a stapled response
//! (OCSP must-staple certificates) fail the handshake.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use std::net::IpAddr;

pub const RULE: Rule = Rule {
    id: "nginx/ssl-stapling-without-resolver",
    default_severity: Severity::Warning,
    summary: "ssl_stapling on without a resolver: nginx cannot fetch OCSP responses",
    doc: include_str!("../../../rules/nginx/ssl-stapling-without-resolver.md"),
    aliases: &["gixy/ssl_stapling_without_resolver"],
    check: Check::Nginx(check),
};

/// The host of an OCSP responder URL, if it is an IP address (no lookup).
fn responder_is_address(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let hostport = rest.split('/').next().unwrap_or(rest);
    let host = match hostport.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => hostport.rsplit_once(':').map_or(hostport, |(h, _)| h),
    };
    host.parse::<IpAddr>().is_ok()
}

fn check(model: &Model, out: &mut Checker<'_>) {
    if model.named("ssl_stapling").next().is_none() {
        return;
    }
    for (block, server) in super::tls_server::tls_servers(model) {
        let Some(stapling) = super::tls_server::stapling(model, block) else {
            continue;
        };
        if model.effective(block, "ssl_stapling_file").is_some()
            || model.effective(block, "resolver").is_some()
        {
            continue;
        }
        let responder = model
            .effective(block, "ssl_stapling_responder")
            .and_then(|(_, d)| model.arg(d, 0));
        if responder.is_some_and(|r| responder_is_address(&r.value)) {
            continue;
        }
        // An include tripline could not read may set the resolver.
        if model.enclosing(block).any(|(_, d)| {
            model
                .opened(d)
                .is_some_and(|b| model.opaque_blocks.contains(&b))
        }) || model.opaque_blocks.contains(&block)
            || model.opaque_blocks.contains(&0)
        {
            continue;
        }
        let finding = Finding::new(
            &RULE,
            stapling.stmt_span,
            "ssl_stapling is on but no resolver is in scope: nginx cannot look up the OCSP responder, so it staples nothing; clients then ask the CA themselves, and certificates with OCSP must-staple fail",
            "add `resolver 127.0.0.53;` (or your resolver) to this server or to http, or provide `ssl_stapling_file`",
        )
        .related(server.name_span, "this TLS server");
        out.report(super::context::included_from(model, stapling, finding));
    }
}
