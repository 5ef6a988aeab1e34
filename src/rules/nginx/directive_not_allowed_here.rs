//! A directive in a context nginx does not allow it in: `"proxy_pass"
//! directive is not allowed here` (at the server level), `"server" directive
//! is not allowed here` (outside http). nginx refuses to start or reload.

use super::table::{Build, Lookups};
use crate::finding::{Finding, Severity};
use crate::nginx::directives::Ctx;
use crate::nginx::model::{Model, Placed};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/directive-not-allowed-here",
    default_severity: Severity::Error,
    summary: "a directive in a block nginx does not allow it in: nginx will not start",
    doc: include_str!("../../../rules/nginx/directive-not-allowed-here.md"),
    aliases: &[],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    let build = Build::of(model, out.config);
    let mut lookups = Lookups::new(&build);
    for d in build.reached(model) {
        // Its findings name the directive alone.
        if !out.reports(d.stmt_span.file) {
            continue;
        }
        let found = lookups.get(d);
        if found.available().is_empty() || !found.allowed().is_empty() {
            continue;
        }
        let allowed = (found.available().iter()).fold(Ctx::NONE, |all, s| all.union(s.contexts));
        let here = match d.placed {
            Placed::In(ctx) => format!(" (in {})", ctx.name()),
            Placed::AnyOf(set) if set.intersects(Ctx::MAIN) => {
                " (reached through a file of includes only, which may stand at the top of nginx.conf, in http, a server or a location)".to_string()
            }
            Placed::AnyOf(_) => {
                " (in a snippet, which http, a server or a location may include)".to_string()
            }
        };
        let places = allowed.names().join(", ");
        out.report(Finding::new(
            &RULE,
            d.stmt_span,
            format!("\"{}\" directive is not allowed here{here}", d.name),
            format!("move it to one of the contexts nginx allows it in: {places}"),
        ));
    }
}
