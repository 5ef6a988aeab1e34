//! `server_tokens on` (nginx's default) or `build`: every response and
//! error page names the exact nginx version, which tells a scanner which
//! published vulnerabilities to try.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/server-tokens",
    default_severity: Severity::Info,
    summary: "server_tokens on (the default) sends the nginx version in every response",
    doc: include_str!("../../../rules/nginx/server-tokens.md"),
    aliases: &["gixy/version_disclosure"],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    for (_, d) in model.named("server_tokens") {
        let Some(arg) = model.arg(d, 0).filter(|a| {
            a.value.eq_ignore_ascii_case("on") || a.value.eq_ignore_ascii_case("build")
        }) else {
            continue;
        };
        out.report(super::context::included_from(
            model,
            d,
            Finding::new(
                &RULE,
                arg.span,
                format!(
                    "server_tokens {} sends the nginx version in the Server header and on error pages",
                    arg.value
                ),
                "set `server_tokens off;` in the http block",
            ),
        ));
    }
    missing(model, out);
}

/// A whole configuration whose `http` block leaves the default on for some
/// of its servers: one finding, at `http`.
fn missing(model: &Model, out: &mut Checker<'_>) {
    if !model.is_complete() {
        return;
    }
    for (http_index, http) in model.named("http") {
        let Some(block) = model.opened(http) else {
            continue;
        };
        if model.last_in(block, "server_tokens").is_some() || model.opaque_blocks.contains(&block) {
            continue;
        }
        let exposed = model
            .named("server")
            .filter_map(|(_, d)| model.opened(d).map(|b| (d, b)))
            .filter(|(d, _)| {
                model.enclosing_named(d.block, &["http"]).map(|(i, _)| i) == Some(http_index)
            })
            .filter(|(_, b)| model.last_in(*b, "server_tokens").is_none())
            .count();
        if exposed == 0 {
            continue;
        }
        out.report(Finding::new(
            &RULE,
            http.name_span,
            "no server_tokens in http or in its server blocks: nginx's default (`on`) sends its version in every response and error page",
            "add `server_tokens off;` to the http block",
        ));
    }
}
