//! `$1`, `$2`… that no regex defines: a `rewrite` whose pattern has fewer
//! groups than its replacement uses, a `set` in an `if` that refers past the
//! condition's groups, a `return` in a server with no regex at all. nginx
//! substitutes the empty string, so the redirect or proxy target silently
//! loses that part.

use crate::finding::{Finding, Severity};
use crate::nginx::blocks::{condition, location};
use crate::nginx::model::{Arg, Model, Occurrence};
use crate::nginx::regex::Pattern;
use crate::nginx::script::{pieces, Piece};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::source::Span;
use std::collections::{BTreeSet, HashMap};

pub const RULE: Rule = Rule {
    id: "nginx/undefined-capture",
    default_severity: Severity::Warning,
    summary: "a $1..$9 that no regex in reach defines: nginx substitutes the empty string",
    doc: include_str!("../../../rules/nginx/undefined-capture.md"),
    aliases: &["gixy/invalid_regex"],
    check: Check::Nginx(check),
};

/// Whether a script refers to `$1`…`$9` at all (checked before splitting it).
fn mentions_capture(script: &str) -> bool {
    crate::nginx::script::has_capture(script)
}

fn refs(script: &str) -> BTreeSet<usize> {
    if !mentions_capture(script) {
        return BTreeSet::new();
    }
    pieces(script)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Capture(n) => Some(n),
            _ => None,
        })
        .collect()
}

/// Group numbers a pattern defines, if tripline can read it.
fn groups(source: &str, caseless: bool) -> Option<usize> {
    Pattern::parse(source, caseless).ok().map(|p| p.captures())
}

fn listed(set: &BTreeSet<usize>) -> String {
    let names: Vec<String> = set.iter().map(|n| format!("${n}")).collect();
    crate::finding::listed(&names)
}

fn report(
    out: &mut Checker<'_>,
    model: &Model,
    d: &Occurrence,
    span: Span,
    message: String,
    provider: Option<Span>,
) {
    let mut finding = Finding::new(
        &RULE,
        span,
        message,
        "refer only to groups the regex has (count its unescaped `(`, not `(?:`), or add the group; a named capture `(?<name>...)` read as `$name` cannot be miscounted",
    );
    if let Some(p) = provider {
        finding = finding.related(p, "the regex");
    }
    out.report(super::context::included_from(model, d, finding));
}

fn check(model: &Model, out: &mut Checker<'_>) {
    let mut scopes: HashMap<u32, Option<usize>> = HashMap::new();
    let maps_max = map_groups(model);
    for (_, d) in model.named("rewrite") {
        let args = model.args(d);
        let [pattern, replacement, ..] = args else {
            continue;
        };
        let wanted = refs(&replacement.value);
        let Some(have) = (!wanted.is_empty())
            .then(|| groups(&pattern.value, false))
            .flatten()
        else {
            continue;
        };
        let missing: BTreeSet<usize> = wanted.into_iter().filter(|&n| n > have).collect();
        if !missing.is_empty() {
            report(
                out,
                model,
                d,
                replacement.span,
                format!(
                    "the replacement uses {} but the pattern {} has {}",
                    listed(&missing),
                    pattern.value,
                    groups_text(have)
                ),
                Some(pattern.span),
            );
        }
    }
    for map in &model.maps {
        for e in &map.entries {
            let Some(value) = &e.value else {
                continue;
            };
            let key = &*e.key.value;
            let Some((source, caseless)) = key
                .strip_prefix("~*")
                .map(|k| (k, true))
                .or_else(|| key.strip_prefix('~').map(|k| (k, false)))
            else {
                continue;
            };
            let wanted = refs(&value.value);
            let Some(have) = (!wanted.is_empty())
                .then(|| groups(source, caseless))
                .flatten()
            else {
                continue;
            };
            let missing: BTreeSet<usize> = wanted.into_iter().filter(|&n| n > have).collect();
            if !missing.is_empty() {
                out.report(Finding::new(
                    &RULE,
                    value.span,
                    format!("the map value uses {} but its key {} has {}: the value's capture is always empty", listed(&missing), key, groups_text(have)),
                    "refer only to groups the key's regex has",
                ));
            }
        }
    }
    for name in [
        "set",
        "return",
        "proxy_pass",
        "add_header",
        "more_set_headers",
        "try_files",
    ] {
        for (_, d) in model.named(name) {
            if !d.has(Occurrence::CAPTURE) {
                continue;
            }
            let args = model.args(d);
            let checked: Vec<&Arg> = if name == "set" {
                args.get(1).into_iter().collect()
            } else {
                args.iter().collect()
            };
            let wanted: BTreeSet<usize> = checked.iter().flat_map(|a| refs(&a.value)).collect();
            if wanted.is_empty() {
                continue;
            }
            let span = checked
                .iter()
                .find(|a| !refs(&a.value).is_empty())
                .map_or(d.stmt_span, |a| a.span);
            if name == "set" {
                if let Some(done) = set_in_regex_if(out, model, d, span, &wanted) {
                    if done {
                        continue;
                    }
                }
            }
            let server = model.enclosing_named(d.block, &["server"]).map(|(i, _)| i);
            let key = server.unwrap_or(u32::MAX);
            let in_scope = *scopes
                .entry(key)
                .or_insert_with(|| scope_groups(model, server));
            let Some(have) = in_scope.zip(maps_max).map(|(a, b)| a.max(b)) else {
                continue;
            };
            let missing: BTreeSet<usize> = wanted.into_iter().filter(|&n| n > have).collect();
            if !missing.is_empty() {
                report(out, model, d, span, format!("{} uses {} but no regex that can run for this request (location, if, rewrite, server_name or map) has {}: nginx substitutes the empty string", d.name, listed(&missing), if missing.len() == 1 { "that group" } else { "those groups" }), None);
            }
        }
    }
}

fn groups_text(n: usize) -> String {
    match n {
        0 => "no capturing group".to_string(),
        1 => "one capturing group".to_string(),
        n => format!("{n} capturing groups"),
    }
}

/// A `set` inside an `if` with a regex: its captures are the condition's.
/// `Some(true)` when handled here.
fn set_in_regex_if(
    out: &mut Checker<'_>,
    model: &Model,
    d: &Occurrence,
    span: Span,
    wanted: &BTreeSet<usize>,
) -> Option<bool> {
    let (_, if_d) = model.enclosing_named(d.block, &["if"])?;
    let cond = condition(model, if_d)?;
    if !cond.is_regex() {
        return None;
    }
    let (source, regex_span) = cond.value?;
    let Some(have) = groups(source, cond.case_insensitive()) else {
        return Some(true);
    };
    if cond.negated() {
        let never: BTreeSet<usize> = wanted.iter().copied().filter(|&n| n <= have).collect();
        if !never.is_empty() {
            report(out, model, d, span, format!("set uses {} inside an if that runs only when the regex does not match: a failed match leaves no captures, so it is always empty", listed(&never)), Some(regex_span));
        }
    }
    let missing: BTreeSet<usize> = wanted.iter().copied().filter(|&n| n > have).collect();
    if !missing.is_empty() {
        report(
            out,
            model,
            d,
            span,
            format!(
                "set uses {} but the if condition's regex {source} has {}",
                listed(&missing),
                groups_text(have)
            ),
            Some(regex_span),
        );
    }
    Some(true)
}

/// The most groups any regex of a map key has (maps run when read, from
/// anywhere); `None` if one cannot be read.
fn map_groups(model: &Model) -> Option<usize> {
    let mut most = 0;
    for map in &model.maps {
        for e in &map.entries {
            let key = &*e.key.value;
            let regex = key
                .strip_prefix("~*")
                .map(|k| (k, true))
                .or_else(|| key.strip_prefix('~').map(|k| (k, false)));
            if let Some((source, caseless)) = regex {
                most = most.max(groups(source, caseless)?);
            }
        }
    }
    Some(most)
}

/// The most groups of a server block's regex names.
fn server_name_groups(server: &crate::nginx::model::Server) -> Option<usize> {
    let mut most = Some(0);
    for n in &server.names {
        if let Some(re) = n.name.strip_prefix('~') {
            most = most.zip(groups(re, false)).map(|(x, y)| x.max(y));
        }
    }
    most
}

/// The most groups of any regex in a server block (or the whole file
/// outside any): internal redirects can run any of them before this
/// directive. `None` if one cannot be read.
fn scope_groups(model: &Model, server: Option<u32>) -> Option<usize> {
    let range = match server {
        Some(i) => {
            let d = &model.directives[i as usize];
            let end = model
                .opened(d)
                .and_then(|b| model.blocks.get(b as usize))
                .map_or(i + 1, |b| b.end);
            (i + 1) as usize..end as usize
        }
        None => 0..model.directives.len(),
    };
    let mut most = match server {
        Some(i) => model
            .servers
            .iter()
            .find(|s| s.keyword == model.directives[i as usize].name_span)
            .map_or(Some(0), server_name_groups)?,
        None => 0,
    };
    for d in &model.directives[range] {
        let found = match &*d.name {
            "location" => location(model, d)
                .filter(|l| l.modifier.is_regex())
                .map(|l| {
                    groups(
                        l.path,
                        l.modifier == crate::nginx::blocks::Modifier::RegexCaseless,
                    )
                }),
            "if" => condition(model, d)
                .filter(|c| c.is_regex())
                .and_then(|c| c.value.map(|(v, _)| groups(v, c.case_insensitive()))),
            "rewrite" => model.arg(d, 0).map(|a| groups(&a.value, false)),
            // The server blocks' names, as the model keeps them.
            "server" => model
                .servers
                .iter()
                .find(|s| s.keyword == d.name_span)
                .map(server_name_groups),
            _ => None,
        };
        if let Some(found) = found {
            most = most.max(found?);
        }
    }
    Some(most)
}
