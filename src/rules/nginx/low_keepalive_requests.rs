//! `keepalive_requests` below 1000 (nginx's default since 1.19.10): clients
//! that send many requests — HTTP/2 browsers, API clients — get their
//! connection closed under them and must reconnect, or fail requests that
//! were in flight.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/low-keepalive-requests",
    default_severity: Severity::Info,
    summary: "keepalive_requests under 1000 closes busy client connections early",
    doc: include_str!("../../../rules/nginx/low-keepalive-requests.md"),
    aliases: &["gixy/low_keepalive_requests"],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    for (_, d) in model.named("keepalive_requests") {
        // In an upstream it limits requests per cached upstream connection,
        // where low values are normal.
        if model.enclosing_named(d.block, &["upstream"]).is_some() {
            continue;
        }
        let Some(arg) = model.arg(d, 0) else {
            continue;
        };
        let Ok(value) = arg.value.parse::<u64>() else {
            continue;
        };
        let message = match value {
            0 => "`keepalive_requests 0` closes every client connection after one request: keep-alive is off".to_string(),
            1..=999 => format!("keepalive_requests {value} closes a client connection once it has served {value}; HTTP/2 clients that multiplex many requests get GOAWAY and must retry"),
            _ => continue,
        };
        out.report(super::context::included_from(
            model,
            d,
            Finding::new(
                &RULE,
                arg.span,
                message,
                "use nginx's default (1000) or more: remove the directive or raise it",
            ),
        ));
    }
}
