//! `access_log PATH NAME` naming a format no `log_format` above it defines
//! (and not `combined`, which nginx predefines for http): nginx refuses to
//! start, `unknown log format "main"`. nginx looks the name up while it
//! reads the configuration, so a `log_format` defined after the
//! `access_log` that uses it does not count.

use crate::finding::{Finding, Severity};
use crate::nginx::directives::Ctx;
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use std::collections::HashSet;

pub const RULE: Rule = Rule {
    id: "nginx/unknown-log-format",
    default_severity: Severity::Error,
    summary: "an access_log names a log_format defined nowhere above it: nginx will not start",
    doc: include_str!("../../../rules/nginx/unknown-log-format.md"),
    aliases: &[],
    check: Check::LoadedNginx(check),
};

const STREAM: Ctx = Ctx(Ctx::STREAM.0 | Ctx::STREAM_SERVER.0);

fn check(model: &Model, out: &mut Checker<'_>) {
    // An include tripline could not read may define formats.
    if model.scopes.iter().any(|s| s.opaque) {
        return;
    }
    let mut defined: HashSet<(bool, &str)> = HashSet::new();
    for d in &model.directives {
        let stream = d.placed.contexts().intersects(STREAM);
        let args = model.args(d);
        match &*d.name {
            "log_format" => {
                if let Some(name) = args.first() {
                    defined.insert((stream, &name.value));
                }
            }
            "access_log" => {
                let Some(format) = args.get(1).filter(|a| !a.value.contains('=')) else {
                    continue;
                };
                let name = &*format.value;
                if name.contains('$') || !stream && name == "combined" {
                    continue;
                }
                if defined.contains(&(stream, name)) {
                    continue;
                }
                out.report(Finding::new(
                    &RULE,
                    format.span,
                    format!(
                        "unknown log format \"{}\"",
                        crate::finding::shortened(name)
                    ),
                    format!(
                        "define `log_format {} ...;` in the {} block before this access_log, or use `combined`",
                        crate::finding::shortened(name),
                        if stream { "stream" } else { "http" }
                    ),
                ));
            }
            _ => {}
        }
    }
}
