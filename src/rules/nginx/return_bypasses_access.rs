//! A `return` (or a redirecting `rewrite`) in a block with `allow`/`deny`:
//! both run in the rewrite phase, before the access phase where allow and
//! deny are checked, so every client gets the response.

use crate::finding::{Finding, Severity};
use crate::nginx::blocks::location;
use crate::nginx::model::{Model, Occurrence};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use std::collections::BTreeSet;

pub const RULE: Rule = Rule {
    id: "nginx/return-bypasses-access",
    default_severity: Severity::Warning,
    summary: "return or a redirecting rewrite answers before allow/deny are checked",
    doc: include_str!("../../../rules/nginx/return-bypasses-access.md"),
    aliases: &["gixy/return_bypasses_allow_deny"],
    check: Check::Nginx(check),
};

/// A location only internal redirects reach (`@name`, `internal;`): its
/// requests went through the access phase of the location they came from.
fn internal_only(model: &Model, d: &Occurrence) -> bool {
    if &*d.name != "location" {
        return false;
    }
    location(model, d).is_some_and(|l| {
        l.path.starts_with('@') || l.modifier == crate::nginx::blocks::Modifier::Named
    }) || model
        .opened(d)
        .is_some_and(|b| model.last_in(b, "internal").is_some())
}

/// A rewrite that answers with a redirect in the rewrite phase.
fn redirects(model: &Model, d: &Occurrence) -> bool {
    let args = model.args(d);
    let flag = args.get(2).map(|a| a.value.to_ascii_lowercase());
    matches!(flag.as_deref(), Some("redirect" | "permanent"))
        || args.get(1).is_some_and(|a| {
            a.value.starts_with("http://")
                || a.value.starts_with("https://")
                || a.value.starts_with("$scheme")
        })
}

/// A `return` of an error status without a body, with no `error_page` for
/// it: nginx answers with its own error page, which gives nothing away.
fn plain_error(model: &Model, d: &Occurrence) -> bool {
    let args = model.args(d);
    let [code] = args else {
        return args.len() == 2
            && args[1].value.is_empty()
            && args[0].value.parse::<u16>().is_ok_and(|c| c >= 400)
            && !handled(model, d, &args[0].value);
    };
    code.value.parse::<u16>().is_ok_and(|c| c >= 400) && !handled(model, d, &code.value)
}

fn handled(model: &Model, d: &Occurrence, code: &str) -> bool {
    let mut b = Some(d.block);
    while let Some(current) = b {
        let found = model.in_block(current, "error_page").iter().any(|(_, e)| {
            let args = model.args(e);
            args.len() > 1 && args[..args.len() - 1].iter().any(|a| &*a.value == code)
        });
        if found {
            return true;
        }
        b = model.parent_block(current);
    }
    false
}

/// The returns and redirecting rewrites a request to `block` can reach,
/// outside internal-only locations.
fn bypasses<'m>(model: &'m Model, block: u32, out: &mut Vec<&'m Occurrence>, depth: usize) {
    if depth > 64 {
        return;
    }
    for i in model.children(block) {
        let d = &model.directives[i as usize];
        if internal_only(model, d) {
            continue;
        }
        match &*d.name {
            "return" if !plain_error(model, d) => out.push(d),
            "rewrite" if redirects(model, d) => out.push(d),
            _ => {}
        }
        if let Some(inner) = model.opened(d) {
            bypasses(model, inner, out, depth + 1);
        }
    }
}

fn check(model: &Model, out: &mut Checker<'_>) {
    let mut blocks: BTreeSet<u32> = model.by_block("allow").blocks().into_iter().collect();
    blocks.extend(model.by_block("deny").blocks());
    let mut reported = std::collections::HashSet::new();
    for block in blocks {
        // In stream, `return` is the content handler: access runs first.
        if model.opener(block).is_some_and(|(_, o)| {
            model.not_http(o)
                || &*o.name == "server" && model.enclosing_named(o.block, &["stream"]).is_some()
        }) {
            continue;
        }
        let mut found = Vec::new();
        bypasses(model, block, &mut found, 0);
        let Some(first) = found.first() else {
            continue;
        };
        // Blocks nested in one already reported share its returns.
        if !reported.insert(first.stmt_span) {
            continue;
        }
        let mut rules: Vec<(u32, &Occurrence)> = model.in_block(block, "allow");
        rules.extend(model.in_block(block, "deny"));
        rules.sort_by_key(|(i, _)| *i);
        let Some((_, rule)) = rules.first() else {
            continue;
        };
        let mut finding = Finding::new(
            &RULE,
            first.stmt_span,
            format!("this {} answers in the rewrite phase, before the access phase checks allow/deny: every client gets the response", first.name),
            "serve the response from the content phase instead (try_files, proxy_pass, root/index), or check the address with `geo` and `if` before the return",
        )
        .related(rule.stmt_span, "the access rules it bypasses");
        for other in &found[1..] {
            finding = finding.related(
                other.stmt_span,
                format!("this {} bypasses them too", other.name),
            );
        }
        out.report(super::context::included_from(model, first, finding));
    }
}
