//! A directive other than `return` or `rewrite ... last` inside an `if` in
//! a location: nginx makes the `if` body a location of its own, so the
//! request is served by that body's configuration, not the location's
//! (`try_files` and `add_header` of the location are dropped, `proxy_pass`
//! loses the location's settings).

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/if-in-location",
    default_severity: Severity::Info,
    summary:
        "a directive inside if in a location runs in a configuration of its own (\"if is evil\")",
    doc: include_str!("../../../rules/nginx/if-in-location.md"),
    aliases: &["gixy/if_is_evil"],
    check: Check::Nginx(check),
};

/// Directives whose effect inside `if` visibly differs from what the
/// location around says: the request is served without the location's
/// other settings.
const SERVES: &[&str] = &[
    "try_files",
    "proxy_pass",
    "fastcgi_pass",
    "uwsgi_pass",
    "scgi_pass",
    "grpc_pass",
    "root",
    "alias",
];

fn check(model: &Model, out: &mut Checker<'_>) {
    for (_, if_d) in model.named("if") {
        let Some(block) = model.opened(if_d) else {
            continue;
        };
        if model
            .opener(if_d.block)
            .is_none_or(|(_, parent)| &*parent.name != "location")
        {
            continue;
        }
        for i in model.children(block) {
            let d = &model.directives[i as usize];
            let args = model.args(d);
            let safe = match &*d.name {
                "return" => true,
                "rewrite" => {
                    args.len() >= 3
                        && matches!(
                            &*args[args.len() - 1].value,
                            "last" | "redirect" | "permanent"
                        )
                }
                _ => false,
            };
            if safe {
                continue;
            }
            let mut finding = Finding::new(
                &RULE,
                d.name_span,
                format!("{} inside if in a location: nginx serves matching requests from the if block's own configuration, so the location's other directives (try_files, add_header, ...) do not apply to them", d.name),
                "inside `if` in a location use only `return` or `rewrite ... last`; pick the handling with `map` and a variable, or a separate location",
            )
            .related(if_d.stmt_span, "the if block");
            if SERVES.contains(&&*d.name) {
                finding.severity = Severity::Warning;
            }
            out.report(super::context::included_from(model, d, finding));
        }
    }
}
