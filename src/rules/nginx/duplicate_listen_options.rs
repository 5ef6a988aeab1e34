//! Two `listen` directives for one address and port that both set options
//! of the socket itself (`ipv6only`, `backlog`, `reuseport`, `deferred`,
//! `fastopen`, `bind` ...): nginx opens one socket per address:port, so only
//! one `listen` may configure it. nginx refuses to start:
//! `duplicate listen options for [::]:80`.

use crate::finding::{Finding, Severity};
use crate::nginx::model::{Listen, Model};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use std::collections::HashMap;

pub const RULE: Rule = Rule {
    id: "nginx/duplicate-listen-options",
    default_severity: Severity::Error,
    summary: "two listen directives set socket options for one address:port: nginx will not start",
    doc: include_str!("../../../rules/nginx/duplicate-listen-options.md"),
    aliases: &[],
    check: Check::LoadedNginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    let mut first: HashMap<&crate::nginx::listen::Socket, &Listen> = HashMap::new();
    for listen in model.servers.iter().flat_map(|s| &s.listens) {
        if !listen.params.socket_options {
            continue;
        }
        let socket = &listen.params.socket;
        let Some(earlier) = first.get(socket) else {
            first.insert(socket, listen);
            continue;
        };
        out.report(
            Finding::new(
                &RULE,
                listen.span,
                format!("duplicate listen options for {socket}: another listen already set them"),
                "set socket options (ipv6only, backlog, reuseport, deferred, ...) on one listen per address:port, usually in the default server, and list the plain address elsewhere",
            )
            .related(earlier.span, "options first set here"),
        );
    }
}
