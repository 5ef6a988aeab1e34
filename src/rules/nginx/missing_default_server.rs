//! Two or more server blocks share a socket and none is `default_server`:
//! nginx silently sends every request for an unknown host to the first one
//! it read.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::registry::{Check, Rule};
use crate::rules::Checker;

pub const RULE: Rule = Rule {
    id: "nginx/missing-default-server",
    default_severity: Severity::Warning,
    summary: "several server blocks share a socket and none is default_server",
    doc: include_str!("../../../rules/nginx/missing-default-server.md"),
    aliases: &[],
    check: Check::LoadedNginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    for group in model.listeners_by_socket() {
        if group.servers.len() < 2 || group.servers.iter().any(|s| s.default) {
            continue;
        }
        // An include tripline could not read may add the default server.
        if (group.servers.iter()).any(|s| model.scope_is_opaque(model.servers[s.server].scope)) {
            continue;
        }
        let chosen = &group.servers[0];
        let server = &model.servers[chosen.server];
        let mut finding = Finding::new(
            &RULE,
            chosen.listen.span,
            format!(
                "{} server blocks listen on {} and none is default_server; nginx sends unmatched requests to {} ({}), the first it reads",
                group.servers.len(),
                group.socket,
                server.label(),
                out.place(server.keyword),
            ),
            "add `default_server` to the listen directive of the server that should catch unknown hosts; `server_name _;` does not make a server the default",
        );
        for other in &group.servers[1..] {
            finding = finding.related(
                other.listen.span,
                format!("also listens on {}", group.socket),
            );
        }
        out.report(finding);
    }
}
