//! A regex `location` with no `^` or `$` (`location ~ \.php`): PCRE looks
//! for the pattern anywhere in the path, so it also matches `/x.php/y.jpg`
//! and `/uploads/a.php.png`, and runs at every position of every path.

use crate::finding::{Finding, Severity};
use crate::nginx::blocks::location;
use crate::nginx::model::Model;
use crate::nginx::regex::Pattern;
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use std::collections::HashMap;

pub const RULE: Rule = Rule {
    id: "nginx/unanchored-regex",
    default_severity: Severity::Info,
    summary: "a regex location without ^ or $ matches anywhere in the path",
    doc: include_str!("../../../rules/nginx/unanchored-regex.md"),
    aliases: &["gixy/unanchored_regex"],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    let mut known: HashMap<(&str, bool), bool> = HashMap::new();
    for (_, d) in model.named("location") {
        if !d.has(crate::nginx::model::Occurrence::TILDE) {
            continue;
        }
        let Some(loc) = location(model, d).filter(|l| l.modifier.is_regex()) else {
            continue;
        };
        let caseless = loc.modifier == crate::nginx::blocks::Modifier::RegexCaseless;
        let anchored = *known.entry((loc.path, caseless)).or_insert_with(|| {
            // A pattern tripline cannot read is nginx's to refuse.
            Pattern::parse(loc.path, caseless).is_ok_and(|p| p.is_anchored())
                || Pattern::parse(loc.path, caseless).is_err()
        });
        if anchored {
            continue;
        }
        out.report(super::context::included_from(
            model,
            d,
            Finding::new(
                &RULE,
                loc.span,
                format!(
                    "location ~{} {} is not anchored: PCRE looks for it anywhere in the path, so it also matches paths that only contain it, and tries it at every position of every request path",
                    if caseless { "*" } else { "" },
                    loc.path
                ),
                "anchor it: `^/prefix/` for a path start, `\\.php$` for an ending",
            ),
        ));
    }
}
