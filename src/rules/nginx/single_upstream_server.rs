//! An upstream with one server and no backup: no failover when it fails.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/single-upstream-server",
    default_severity: Severity::Info,
    summary: "an upstream with a single server and no backup has no failover",
    doc: include_str!("../../../rules/nginx/single-upstream-server.md"),
    aliases: &[],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    for upstream in &model.upstreams {
        if upstream.servers.len() != 1 || upstream.servers[0].backup {
            continue;
        }
        out.report(
            Finding::new(
                &RULE,
                upstream.span,
                format!(
                    "upstream \"{}\" has one server and no backup: when it is down, every request through it fails",
                    upstream.name
                ),
                "add a second `server`, or a `server ... backup;` to fail over to",
            )
            .related(upstream.servers[0].span, "the only server"),
        );
    }
}
