//! A TLS default server that rejects handshakes (`ssl_reject_handshake
//! on`) with HTTP/2 and no `location / { return 421; }`: a browser that
//! reuses an HTTP/2 connection for another host name sends requests that
//! land here, and they get this server's answer instead of a 421 that
//! makes the browser open the right connection.

use crate::finding::{Finding, Severity};
use crate::nginx::blocks::location;
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/http2-misdirected-request",
    default_severity: Severity::Info,
    summary: "a handshake-rejecting HTTP/2 default server without a 421 for misdirected requests",
    doc: include_str!("../../../rules/nginx/http2-misdirected-request.md"),
    aliases: &["gixy/http2_misdirected_request"],
    check: Check::Nginx(check),
};

fn is_on(model: &Model, d: &crate::nginx::model::Occurrence) -> Option<bool> {
    model.arg(d, 0).map(|a| a.value.eq_ignore_ascii_case("on"))
}

fn check(model: &Model, out: &mut Checker<'_>) {
    if model.named("ssl_reject_handshake").next().is_none() {
        return;
    }
    for (_, server) in model.named("server") {
        let Some(block) = model.opened(server) else {
            continue;
        };
        if model
            .enclosing_named(server.block, &["stream", "mail"])
            .is_some()
        {
            continue;
        }
        let Some((_, reject)) = model.last_in(block, "ssl_reject_handshake") else {
            continue;
        };
        if is_on(model, reject) != Some(true) {
            continue;
        }
        let listens: Vec<Vec<String>> = model
            .children(block)
            .map(|i| &model.directives[i as usize])
            .filter(|d| &*d.name == "listen")
            .map(|d| {
                model
                    .args(d)
                    .iter()
                    .map(|a| a.value.to_ascii_lowercase())
                    .collect()
            })
            .collect();
        let any = |words: &[&str]| {
            listens
                .iter()
                .any(|l| l.iter().skip(1).any(|w| words.contains(&w.as_str())))
        };
        if !any(&["default_server", "default"]) || !any(&["ssl", "quic", "http3"]) {
            continue;
        }
        let http2 = match model.effective(block, "http2") {
            Some((_, d)) => is_on(model, d) == Some(true),
            None => any(&["http2"]),
        };
        if !http2 {
            continue;
        }
        let answers_421 = model.children(block).any(|i| {
            let d = &model.directives[i as usize];
            location(model, d).is_some_and(|l| l.path == "/")
                && model.opened(d).is_some_and(|b| {
                    model.children(b).any(|j| {
                        let r = &model.directives[j as usize];
                        &*r.name == "return" && model.arg(r, 0).is_some_and(|a| &*a.value == "421")
                    })
                })
        });
        if answers_421 {
            continue;
        }
        out.report(Finding::new(
            &RULE,
            reject.stmt_span,
            "this TLS default server rejects handshakes but speaks HTTP/2: browsers that reuse a connection for another of the certificate's names send requests here, and get this server's response instead of a 421 that makes them reconnect",
            "add `location / { return 421; }` to this server block",
        ));
    }
}
