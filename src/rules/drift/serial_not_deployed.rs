//! A server serves an older serial than the repository's zone: the last
//! change was never deployed there (a reload that did not happen, a
//! secondary that stopped transferring). RFC 1982 serial arithmetic.

use super::serials_off;
use crate::drift::report::DriftReport;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use std::cmp::Ordering;

pub const RULE: Rule = Rule {
    id: "drift/serial-not-deployed",
    default_severity: Severity::Warning,
    summary:
        "a live server serves an older SOA serial than the repository: the change is not deployed",
    doc: include_str!("../../../rules/drift/serial-not-deployed.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for (zone, server, live, repo) in serials_off(report, Ordering::Less) {
        out.report(Finding::new(
            &RULE,
            zone.at,
            format!(
                "{} serves serial {live} of {}, the repository has {repo}: the repository's changes are not live there",
                server.answered(),
                zone.zone.origin
            ),
            "deploy the zone (reload the primary; for a secondary, check that it transfers: NOTIFY, allow-transfer, its refresh timer)",
        ));
    }
}
