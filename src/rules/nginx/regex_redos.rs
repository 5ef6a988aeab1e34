//! A regex with nested unbounded repeats that can split the same text in
//! many ways (`(a+)+`, `(\w+\s?)*`): on a path or header that almost
//! matches, PCRE backtracks exponentially and a worker spins until PCRE's
//! match limit, so a few requests stall the server.

use crate::finding::{Finding, Severity};
use crate::nginx::blocks::{condition, location};
use crate::nginx::model::Model;
use crate::nginx::regex::Pattern;
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::source::Span;

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
    let mut regexes: Vec<(&str, bool, Span)> = Vec::new();
    for (_, d) in model.named("location") {
        // Only `~` and `~*` locations hold a regex.
        if !d.has(crate::nginx::model::Occurrence::TILDE) {
            continue;
        }
        if let Some(l) = location(model, d).filter(|l| l.modifier.is_regex()) {
            regexes.push((
                l.path,
                l.modifier == crate::nginx::blocks::Modifier::RegexCaseless,
                l.span,
            ));
        }
    }
    for (_, d) in model.named("if") {
        if let Some(c) = condition(model, d).filter(|c| c.is_regex()) {
            if let Some((v, span)) = c.value {
                regexes.push((v, c.case_insensitive(), span));
            }
        }
    }
    for (_, d) in model.named("rewrite") {
        if let Some(a) = model.arg(d, 0) {
            regexes.push((&a.value, false, a.span));
        }
    }
    for server in &model.servers {
        for n in &server.names {
            if let Some(re) = n.name.strip_prefix('~') {
                regexes.push((re, false, n.span));
            }
        }
    }
    for map in &model.maps {
        for e in &map.entries {
            let key = &*e.key.value;
            if let Some(re) = key.strip_prefix("~*") {
                regexes.push((re, true, e.key.span));
            } else if let Some(re) = key.strip_prefix('~') {
                regexes.push((re, false, e.key.span));
            }
        }
    }
    let mut verdicts: rustc_hash::FxHashMap<(&str, bool), Option<String>> =
        rustc_hash::FxHashMap::default();
    for (source, caseless, span) in regexes {
        let verdict = verdicts
            .entry((source, caseless))
            .or_insert_with(|| {
                Pattern::parse(source, caseless)
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
