//! The same variable written in two cases (`$Target_Backend`, then
//! `$target_backend`): nginx lowercases names, so they are one variable,
//! and a reader who takes them for two gets the override order wrong.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::nginx::script::{pieces, Piece};
use crate::nginx::variables::first_argument_definers;
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::source::Span;
use std::collections::BTreeMap;

pub const RULE: Rule = Rule {
    id: "nginx/mixed-case-variable",
    default_severity: Severity::Info,
    summary: "one variable spelled in two cases, which nginx reads as the same variable",
    doc: include_str!("../../../rules/nginx/mixed-case-variable.md"),
    aliases: &["gixy/mixed_case_variable"],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    // Only names that someone writes with a capital can be spelt two ways.
    let mut capitalised: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut consider = |name: &str| {
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            capitalised.insert(name.to_ascii_lowercase());
        }
    };
    if model.capitalised_variables {
        for u in &model.variable_uses {
            consider(&u.name);
        }
    }
    for name in first_argument_definers().chain(["map", "geo"]) {
        for (_, d) in model.named(name) {
            for a in model.args(d) {
                consider(a.value.trim_start_matches('$'));
            }
        }
    }
    if capitalised.is_empty() {
        return;
    }
    // lower-case name -> spelling -> first place.
    let mut seen: BTreeMap<String, BTreeMap<String, Span>> = BTreeMap::new();
    let mut note = |name: &str, span: Span| {
        // Most names are written in lower case: looked up as they are.
        if !name.bytes().any(|b| b.is_ascii_uppercase()) && !capitalised.contains(name) {
            return;
        }
        let lower = name.to_ascii_lowercase();
        if !capitalised.contains(&lower) {
            return;
        }
        let spellings = seen.entry(lower).or_default();
        let earlier = spellings
            .get(name)
            .is_some_and(|s| (s.file, s.start) <= (span.file, span.start));
        if !earlier {
            spellings.insert(name.to_string(), span);
        }
    };
    for u in &model.variable_uses {
        note(&u.name, u.span);
    }
    for name in first_argument_definers() {
        for (_, d) in model.named(name) {
            if let Some(a) = model.arg(d, 0) {
                note(a.value.trim_start_matches('$'), a.span);
            }
        }
    }
    for (_, d) in model.named("map").chain(model.named("geo")) {
        if let Some(a) = model.args(d).last() {
            for p in pieces(&a.value) {
                if let Piece::Variable(_) = p {
                    note(a.value.trim_start_matches('$'), a.span);
                }
            }
        }
    }
    for (lower, spellings) in seen {
        if spellings.len() < 2 {
            continue;
        }
        let mut places: Vec<(&String, &Span)> = spellings.iter().collect();
        places.sort_by_key(|(_, s)| (s.file, s.start));
        let (first_name, first_span) = places[0];
        let (second_name, second_span) = places[1];
        let all: Vec<String> = places.iter().map(|(n, _)| format!("${n}")).collect();
        let mut finding = Finding::new(
            &RULE,
            *second_span,
            format!(
                "${second_name} is ${first_name} written differently: nginx lowercases variable names, so {} are one variable (${lower})",
                crate::finding::listed(&all)
            ),
            format!("write it one way everywhere, `${lower}`"),
        )
        .related(*first_span, format!("${first_name} here"));
        for (name, span) in &places[2..] {
            finding = finding.related(**span, format!("${name} here"));
        }
        out.report(finding);
    }
}
