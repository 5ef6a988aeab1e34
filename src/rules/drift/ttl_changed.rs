//! An RRset served with the repository's values but another TTL: a TTL
//! lowered by hand before a change and never raised again, or the reverse.

use super::{comparable, present};
use crate::drift::report::DriftReport;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "drift/ttl-changed",
    default_severity: Severity::Info,
    summary: "a live server serves a record with the repository's values but another TTL",
    doc: include_str!("../../../rules/drift/ttl-changed.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for zone in &report.zones {
        for set in zone.sets.iter().filter(|s| comparable(s)) {
            let Some(repo) = &set.repo else { continue };
            let Some(span) = repo.span() else { continue };
            for (server, values, ttl, how) in present(set) {
                if values != repo.values.as_slice() || ttl == repo.ttl {
                    continue;
                }
                let label = zone.server_label(server);
                out.report(Finding::new(
                    &RULE,
                    span,
                    format!(
                        "{} {} has TTL {} in the repository but {ttl} on {label} ({how})",
                        set.owner, set.rtype, repo.ttl
                    ),
                    "deploy the repository's TTL, or put the live one in the repository",
                ));
            }
        }
    }
}
