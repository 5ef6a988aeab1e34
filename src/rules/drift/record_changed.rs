//! An RRset that a live server serves with other values than the
//! repository's: changed by hand in a provider console, or a deploy that
//! is behind. Either the repository or the server is wrong, and the next
//! deploy decides which one wins.

use super::{comparable, present, shown};
use crate::drift::report::DriftReport;
use crate::finding::{listed, Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "drift/record-changed",
    default_severity: Severity::Warning,
    summary: "a live server serves a record with other values than the repository",
    doc: include_str!("../../../rules/drift/record-changed.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for zone in &report.zones {
        for set in zone.sets.iter().filter(|s| comparable(s)) {
            let Some(repo) = &set.repo else { continue };
            let Some(span) = repo.span() else { continue };
            for (server, values, _, how) in present(set) {
                if values == repo.values.as_slice() {
                    continue;
                }
                let label = zone.server_label(server);
                out.report(Finding::new(
                    &RULE,
                    span,
                    format!(
                        "{} {} differs on {label} ({how}): the repository has {}, the server serves {}",
                        set.owner,
                        set.rtype,
                        listed(&repo.shown(zone.zone)),
                        listed(&shown(values, set))
                    ),
                    "if the live change is right, put it in the repository before the next deploy overwrites it; if not, deploy the repository",
                ));
            }
        }
    }
}
