//! A parameter of `listen` or of an upstream `server` that the targeted
//! nginx does not know: `listen 443 quic;` before nginx 1.25.0,
//! `server app:9000 resolve;` before 1.27.3, a typo (`defualt_server`).
//! nginx refuses to start or reload: `invalid parameter "quic"`.

use super::table::{Build, Lookups};
use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/invalid-parameter",
    default_severity: Severity::Error,
    summary: "a listen or upstream server parameter the targeted nginx does not know: nginx will not start",
    doc: include_str!("../../../rules/nginx/invalid-parameter.md"),
    aliases: &[],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    let build = Build::of(model, out.config);
    let mut lookups = Lookups::new(&build);
    for d in build.reached(model) {
        if &*d.name != "listen" && &*d.name != "server" {
            continue;
        }
        let found = lookups.get(d);
        let Some(spec) = found.allowed().only() else {
            continue;
        };
        if spec.params.is_empty() {
            continue;
        }
        // The address comes first; parameters follow.
        for arg in model.args(d).iter().skip(1) {
            let name = arg.value.split_once('=').map_or(&*arg.value, |(n, _)| n);
            let known = spec.params.iter().find(|p| p.name == name);
            let reason = match known {
                Some(p) if p.since <= build.version => continue,
                Some(p) => format!(
                    ": it needs nginx {} or newer; this configuration targets {}",
                    p.since, build.version_text
                ),
                None => {
                    let names: Vec<&str> = (spec.params.iter())
                        .filter(|p| p.since <= build.version)
                        .map(|p| p.name)
                        .collect();
                    match crate::suggest::closest(name, names, 0.85) {
                        Some(n) => format!("; did you mean \"{n}\"?"),
                        None => String::new(),
                    }
                }
            };
            out.report(Finding::new(
                &RULE,
                arg.span,
                format!(
                    "invalid parameter \"{}\" of \"{}\"{reason}",
                    crate::finding::shortened(&arg.value),
                    d.name
                ),
                "check the parameter against the nginx documentation of this directive for the version you run",
            ));
        }
    }
}
