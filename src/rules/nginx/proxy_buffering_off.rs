//! `proxy_buffering off`: nginx holds the upstream connection (and a
//! worker's attention) for as long as the slowest client takes to read.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/proxy-buffering-off",
    default_severity: Severity::Info,
    summary: "proxy_buffering off ties each upstream connection to the slowest client",
    doc: include_str!("../../../rules/nginx/proxy-buffering-off.md"),
    aliases: &["gixy/proxy_buffering_off"],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    for (_, d) in model.named("proxy_buffering") {
        let Some(arg) = model
            .arg(d, 0)
            .filter(|a| a.value.eq_ignore_ascii_case("off"))
        else {
            continue;
        };
        out.report(super::context::included_from(
            model,
            d,
            Finding::new(
                &RULE,
                arg.span,
                "with proxy_buffering off, the upstream connection stays open until the client has read the whole response: slow clients hold backend connections and workers",
                "turn buffering off only where responses stream (server-sent events, long polling), or let the upstream send `X-Accel-Buffering: no` for those responses",
            ),
        ));
    }
}
