//! Two server blocks claim to be the default for one socket: `nginx -t`
//! fails with "a duplicate default server".

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/duplicate-default-server",
    default_severity: Severity::Error,
    summary: "two server blocks are default_server for the same socket: nginx will not start",
    doc: include_str!("../../../rules/nginx/duplicate-default-server.md"),
    aliases: &[],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    for group in model.listeners_by_socket() {
        let mut defaults = group.servers.iter().filter(|s| s.default);
        let Some(first) = defaults.next() else {
            continue;
        };
        let first_server = &model.servers[first.server];
        for duplicate in defaults {
            out.report(
                Finding::new(
                    &RULE,
                    duplicate.listen.span,
                    format!(
                        "a duplicate default server for {}: {} ({}) is already the default",
                        group.socket,
                        first_server.label(),
                        out.place(first.listen.span),
                    ),
                    "keep `default_server` on exactly one server block per address and port",
                )
                .related(
                    first.listen.span,
                    format!("first default server for {}", group.socket),
                ),
            );
        }
    }
}
