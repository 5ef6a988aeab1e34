//! A server serves a newer serial than the repository's zone: the zone was
//! changed somewhere else (by hand on the server, by another tool), and the
//! next deploy from the repository throws those changes away.

use super::serials_off;
use crate::drift::report::DriftReport;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use std::cmp::Ordering;

pub const RULE: Rule = Rule {
    id: "drift/serial-ahead",
    default_severity: Severity::Warning,
    summary:
        "a live server serves a newer SOA serial than the repository: the zone was edited elsewhere",
    doc: include_str!("../../../rules/drift/serial-ahead.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for (zone, server, live, repo) in serials_off(report, Ordering::Greater) {
        out.report(Finding::new(
            &RULE,
            zone.at,
            format!(
                "{} serves serial {live} of {}, newer than the repository's {repo}: the zone was changed outside the repository",
                server.answered(),
                zone.zone.origin
            ),
            "bring the live changes into the repository (a zone transfer shows them), then bump the serial past the live one; a signer that bumps serials on its own: set `serial-tolerance` under [drift]",
        ));
    }
}
