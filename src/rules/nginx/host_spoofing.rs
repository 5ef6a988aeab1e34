//! `proxy_set_header Host` from a value the client chooses
//! (`$http_host`, `$http_x_forwarded_host`, `$arg_*`, `$cookie_*`): the
//! backend builds links, redirects and password-reset mails for a host the
//! attacker picked, and caches store them under the real one.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::nginx::script::variable_names;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/host-spoofing",
    default_severity: Severity::Warning,
    summary: "the Host sent upstream comes from a header or argument the client chooses",
    doc: include_str!("../../../rules/nginx/host-spoofing.md"),
    aliases: &["gixy/host_spoofing"],
    check: Check::Nginx(check),
};

fn client_chosen(name: &str) -> Option<&'static str> {
    match name {
        "http_host" => Some("the client's Host header as sent, whatever server_name matched"),
        "http_x_forwarded_host" => Some("the X-Forwarded-Host request header"),
        n if n.starts_with("arg_") => Some("a query-string argument"),
        n if n.starts_with("cookie_") => Some("a cookie"),
        _ => None,
    }
}

fn check(model: &Model, out: &mut Checker<'_>) {
    for (_, d) in model.named("proxy_set_header") {
        let args = model.args(d);
        let [name, value, ..] = args else {
            continue;
        };
        if !name.value.eq_ignore_ascii_case("host") {
            continue;
        }
        let found = variable_names(&value.value).find_map(|v| {
            // Lower-cased only when it may be one of the client's.
            let maybe = ["http_", "arg_", "cookie_"]
                .iter()
                .any(|p| v.len() >= p.len() && v[..p.len()].eq_ignore_ascii_case(p));
            let v = maybe.then(|| v.to_ascii_lowercase())?;
            client_chosen(&v).map(|what| (v, what))
        });
        let Some((variable, what)) = found else {
            continue;
        };
        let mut finding = Finding::new(
                &RULE,
                value.span,
                format!("the Host sent upstream comes from ${variable}, {what}: the backend builds absolute links, redirects and password-reset mails for a host the client picked"),
                "send `proxy_set_header Host $host;` ($host is the matched server name, or the validated request host)",
            );
        // nginx validated the Host header it routed by: $http_host adds the
        // client's port and case, and on a catch-all server any host name.
        if variable == "http_host" {
            finding.severity = Severity::Info;
        }
        out.report(super::context::included_from(model, d, finding));
    }
}
