//! `valid_referers none` or `blocked`: a request without a Referer (or with
//! one a proxy stripped) counts as valid, so the hotlink or CSRF guard
//! lets through exactly the requests an attacker can produce.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/valid-referers-none",
    default_severity: Severity::Warning,
    summary: "valid_referers none/blocked trusts requests without a real Referer",
    doc: include_str!("../../../rules/nginx/valid-referers-none.md"),
    aliases: &["gixy/valid_referers"],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    for (_, d) in model.named("valid_referers") {
        let Some(arg) = model.args(d).iter().find(|a| {
            a.value.eq_ignore_ascii_case("none") || a.value.eq_ignore_ascii_case("blocked")
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
                    "valid_referers {} makes a request without a usable Referer header valid: anyone can omit it (a `<meta name=referrer content=no-referrer>` page, curl), so $invalid_referer does not protect what it guards",
                    arg.value
                ),
                "list only the sites that may refer (`server_names`, host names); if a missing Referer must be allowed, do not rely on the check for access control",
            ),
        ));
    }
}
