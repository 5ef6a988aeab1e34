//! A directive with a number of arguments nginx does not accept:
//! `invalid number of arguments in "rewrite" directive`. nginx refuses to
//! start or reload.

use super::table::{Build, Lookups};
use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/invalid-number-of-arguments",
    default_severity: Severity::Error,
    summary: "a directive with more or fewer arguments than nginx accepts: nginx will not start",
    doc: include_str!("../../../rules/nginx/invalid-number-of-arguments.md"),
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
        let count = d.arg_count as usize;
        let Some(first) = found.allowed().first() else {
            continue;
        };
        // A block and a simple form (`server` in http and in upstream)
        // each count their own arguments.
        let fits = found
            .allowed()
            .iter()
            .filter(|s| s.args.is_block() == d.has_block || found.allowed().len() == 1)
            .any(|s| s.args.accepts(count));
        if fits {
            continue;
        }
        let takes = first.args.describe();
        let given = match count {
            1 => "1 argument".to_string(),
            n => format!("{n} arguments"),
        };
        out.report(Finding::new(
            &RULE,
            d.stmt_span,
            format!("invalid number of arguments in \"{}\" directive: it takes {takes}, here it has {given}", d.name),
            "check the directive's syntax in the nginx documentation; an argument with spaces needs quotes",
        ));
    }
}
