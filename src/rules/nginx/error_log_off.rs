//! `error_log off;` does not turn the error log off: nginx writes it to a
//! file named `off` under its prefix, which nobody reads or rotates.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/error-log-off",
    default_severity: Severity::Warning,
    summary: "error_log off writes errors to a file named `off` that nobody reads or rotates",
    doc: include_str!("../../../rules/nginx/error-log-off.md"),
    aliases: &["gixy/error_log_off"],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    for (_, d) in model.named("error_log") {
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
                "`error_log off` is not a switch: nginx writes the error log to a file named `off` in its prefix, which grows unrotated and is not where anyone looks during an outage",
                "log to a real file (`error_log /var/log/nginx/error.log warn;`), to `stderr`, or to `/dev/null` if errors really must be discarded",
            ),
        ));
    }
}
