//! A directive that may appear once per block, set twice in one block —
//! often once in an included file and once beside the include:
//! `"try_files" directive is duplicate` (a site's `try_files` after
//! `include snippets/fastcgi-php.conf`, which sets one), `"gzip" directive
//! is duplicate` (Debian's nginx.conf sets `gzip on;`, and so did a site).
//! nginx refuses to start or reload.

use super::table::{Build, Lookups};
use crate::finding::{Finding, Severity};
use crate::nginx::model::{Model, Occurrence};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use std::collections::HashMap;

pub const RULE: Rule = Rule {
    id: "nginx/duplicate-directive",
    default_severity: Severity::Error,
    summary: "a directive set twice in one block where nginx allows it once: nginx will not start",
    doc: include_str!("../../../rules/nginx/duplicate-directive.md"),
    aliases: &[],
    check: Check::Nginx(check),
};

/// Directives that fill one slot together: a location has one document root,
/// set by either.
fn slot(name: &str) -> &str {
    match name {
        "alias" => "root",
        other => other,
    }
}

fn check(model: &Model, out: &mut Checker<'_>) {
    let build = Build::of(model, out.config);
    let mut lookups = Lookups::new(&build);
    let mut first_in_block: HashMap<(u32, &str), &Occurrence> = HashMap::new();
    for d in build.reached(model) {
        let found = lookups.get(d);
        if found.allowed().is_empty() || !found.allowed().iter().all(|s| s.once) {
            continue;
        }
        let key = (d.block, slot(&d.name));
        let Some(&first) = first_in_block.get(&key) else {
            first_in_block.insert(key, d);
            continue;
        };
        // Report where the reader can act: a stock file (snippets/fastcgi-php.conf)
        // is not theirs to edit, so the finding goes to their own copy.
        let (here, other) = if out.sources.get(d.name_span.file).is_stock() {
            (first, d)
        } else {
            (d, first)
        };
        let also = if out.sources.get(other.name_span.file).is_stock() {
            format!(
                "{} sets it too (a stock file nginx packages install)",
                out.sources.get(other.name_span.file).display
            )
        } else {
            format!("first set at {}", out.place(other.name_span))
        };
        let message = if d.name == first.name {
            format!("\"{}\" directive is duplicate: {also}", d.name)
        } else {
            format!(
                "\"{}\" directive is duplicate, \"{}\" directive was specified earlier: {also}",
                d.name, first.name
            )
        };
        out.report(
            Finding::new(
                &RULE,
                here.stmt_span,
                message,
                "keep one of them: remove this one, or the one in the included file",
            )
            .related(other.stmt_span, "also set here"),
        );
    }
}
