//! `allow` without a `deny` in the same block: nginx allows every address
//! no rule matches, so an allow list on its own lets everyone in.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/allow-without-deny",
    default_severity: Severity::Warning,
    summary: "allow without deny in the same block: every other address is allowed too",
    doc: include_str!("../../../rules/nginx/allow-without-deny.md"),
    aliases: &["gixy/allow_without_deny"],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    let allows = model.by_block("allow");
    let denies = model.by_block("deny");
    for block in allows.blocks() {
        if !denies.get(block).is_empty() || model.opaque_blocks.contains(&block) {
            continue;
        }
        let list: Vec<_> = allows
            .get(block)
            .iter()
            .map(|&i| &model.directives[i as usize])
            .collect();
        // `allow all;` alone opens a block its parent closed: that is its job.
        let Some(first) = list.iter().find(|d| {
            model
                .arg(d, 0)
                .is_none_or(|a| !a.value.eq_ignore_ascii_case("all"))
        }) else {
            continue;
        };
        // `satisfy any` with authentication: the list is a way around the
        // password, and everyone else must still authenticate.
        if super::access::satisfy_any(model, block) && super::access::authenticates(model, block) {
            continue;
        }
        let mut finding = Finding::new(
            &RULE,
            first.stmt_span,
            "allow without a deny in this block: nginx allows every address that no rule matches, so this list lets everyone in",
            "end the list with `deny all;`",
        );
        for other in list.iter().filter(|d| d.stmt_span != first.stmt_span) {
            finding = finding.related(other.stmt_span, "also allows");
        }
        out.report(super::context::included_from(model, first, finding));
    }
}
