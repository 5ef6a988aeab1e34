//! A regex with nested unbounded repeats that can split the same text in
//! many ways (`(a+)+`, `(\w+\s?)*`): on a path or header that almost
//! matches, PCRE backtracks exponentially and a worker spins until PCRE's
//! match limit, so a few requests stall the server.

use crate::finding::{Finding, Severity};
use crate::nginx::blocks::{condition, location};
use crate::nginx::model::Model;
use crate::nginx::regex::Pattern;
use crate::registry::{Check, Rule};
use crate::rules::Checker;
use crate::source::Span;
use std::collections::HashMap;

pub const RULE: Rule = Rule {
    id: "nginx/regex-redos",
    default_severity: Severity::Warning,
    summary: "a regex that backtracks exponentially on crafted input (ReDoS)",
    doc: include_str!("../../../rules/nginx/regex-redos.md"),
    aliases: &["gixy/regex_redos"],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    // Every regex nginx runs on request data: location, if, rewrite,
    // server_name and map keys.
    let mut regexes: Vec<(String, bool, Span)> = Vec::new();
    for (_, d) in model.named("location") {
        if let Some(l) = location(model, d).filter(|l| l.modifier.is_regex()) {
            regexes.push((
                l.path.to_string(),
                l.modifier == crate::nginx::blocks::Modifier::RegexCaseless,
                l.span,
            ));
        }
    }
    for (_, d) in model.named("if") {
        if let Some(c) = condition(model, d).filter(|c| c.is_regex()) {
            if let Some((v, span)) = c.value {
                regexes.push((v.to_string(), c.case_insensitive(), span));
            }
        }
    }
    for (_, d) in model.named("rewrite") {
        if let Some(a) = model.arg(d, 0) {
            regexes.push((a.value.to_string(), false, a.span));
        }
    }
    for (_, d) in model.named("server_name") {
        for a in model.args(d) {
            if let Some(re) = a.value.strip_prefix('~') {
                regexes.push((re.to_string(), false, a.span));
            }
        }
    }
    for map in &model.maps {
        for e in &map.entries {
            let key = &*e.key.value;
            if let Some(re) = key.strip_prefix("~*") {
                regexes.push((re.to_string(), true, e.key.span));
            } else if let Some(re) = key.strip_prefix('~') {
                regexes.push((re.to_string(), false, e.key.span));
            }
        }
    }
    let mut verdicts: HashMap<(String, bool), Option<String>> = HashMap::new();
    for (source, caseless, span) in regexes {
        let verdict = verdicts
            .entry((source.clone(), caseless))
            .or_insert_with(|| {
                Pattern::parse(&source, caseless)
                    .ok()?
                    .exponential_backtracking()
            })
            .clone();
        let Some(part) = verdict else {
            continue;
        };
        out.report(Finding::new(
            &RULE,
            span,
            format!("`{part}` in this regex repeats a part that can match the same text in several ways: on a request that almost matches, PCRE backtracks exponentially and the worker stalls"),
            "make the repeated parts unambiguous (`(a+)+` is `a+`; separate repeated words by something they cannot match), or make the repeat possessive or atomic (`(?>...)`)",
        ));
    }
}
