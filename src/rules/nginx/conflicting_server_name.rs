//! One server name on one socket in two server blocks: nginx warns
//! "conflicting server name ... ignored" and the second block never gets
//! those requests.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::source::Span;
use std::collections::{BTreeMap, HashSet};

pub const RULE: Rule = Rule {
    id: "nginx/conflicting-server-name",
    default_severity: Severity::Warning,
    summary: "the same server_name on the same socket in two server blocks; the second is ignored",
    doc: include_str!("../../../rules/nginx/conflicting-server-name.md"),
    aliases: &[],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    // A pair of blocks that conflict on several sockets is reported once.
    let mut reported: HashSet<Span> = HashSet::new();
    for group in model.listeners_by_socket() {
        let mut first_owner: BTreeMap<&str, (usize, Span)> = BTreeMap::new();
        for listener in &group.servers {
            let server = &model.servers[listener.server];
            for name in &server.names {
                // Empty names and regular expressions are not hashed by nginx.
                if name.name.is_empty() || name.name.starts_with('~') {
                    continue;
                }
                match first_owner.get(name.name.as_str()) {
                    None => {
                        first_owner.insert(&name.name, (listener.server, name.span));
                    }
                    Some(&(owner, first_span)) if owner != listener.server => {
                        if !reported.insert(name.span) {
                            continue;
                        }
                        out.report(
                            Finding::new(
                                &RULE,
                                name.span,
                                format!(
                                    "conflicting server name \"{}\" on {}, ignored: {} already claims it",
                                    name.name,
                                    group.socket,
                                    out.place(first_span),
                                ),
                                "remove the name from one of the two server blocks, or merge the blocks",
                            )
                            .related(first_span, "the server block that gets these requests"),
                        );
                    }
                    Some(_) => {}
                }
            }
        }
    }
}
