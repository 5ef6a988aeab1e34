//! A `map` with several entries, or a `geo`, without a `default`: every
//! value it was not written for becomes the empty string, which an access
//! check or a `proxy_pass` built from the variable then reads.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/map-without-default",
    default_severity: Severity::Info,
    summary: "a map or geo without a default gives unlisted values the empty string",
    doc: include_str!("../../../rules/nginx/map-without-default.md"),
    aliases: &["gixy/hash_without_default"],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    for map in &model.maps {
        let entries = map.entries.iter().filter(|e| e.value.is_some());
        if entries.clone().any(|e| &*e.key.value == "default") {
            continue;
        }
        // One entry without a default is the idiom for "this value, else
        // empty" (a limit_req key that only some requests get).
        if entries.count() < 2 {
            continue;
        }
        out.report(Finding::new(
            &RULE,
            map.span,
            format!(
                "map ${} has no default: every {} it does not list gives ${} the empty string",
                map.variable, map.source, map.variable
            ),
            "add `default VALUE;` with the value unlisted requests should get (`default \"\";` if empty is meant)",
        ));
    }
    for geo in &model.geo_blocks {
        if geo
            .entries
            .iter()
            .any(|e| e.words.first().is_some_and(|w| &*w.value == "default"))
        {
            continue;
        }
        out.report(Finding::new(
            &RULE,
            geo.span,
            format!(
                "geo ${} has no default: clients from any other address get the empty string",
                geo.variable
            ),
            "add `default VALUE;` for the addresses the block does not list",
        ));
    }
}
