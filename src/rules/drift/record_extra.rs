//! A live RRset the repository does not have: added by hand in a provider
//! console, and lost at the next deploy from the repository. Found by zone
//! transfer when the server allows one, else by probing the names the
//! repository knows for the commonly edited types.

use super::{present, servers_said, shown};
use crate::drift::report::DriftReport;
use crate::finding::{listed, Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "drift/record-extra",
    default_severity: Severity::Warning,
    summary: "a live server serves a record the repository does not have",
    doc: include_str!("../../../rules/drift/record-extra.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for zone in &report.zones {
        for set in zone.sets.iter().filter(|s| s.repo.is_none()) {
            let live: Vec<(usize, String)> = present(set)
                .map(|(server, _, _, how)| (server, how.to_string()))
                .collect();
            let Some((_, values, ttl, _)) = present(set).next() else {
                continue;
            };
            // At the first record of the same name, else the zone's SOA.
            let span = zone.zone.at(&set.owner).next().map_or(zone.at, |r| r.span);
            out.report(Finding::new(
                &RULE,
                span,
                format!(
                    "{} {} ({}, TTL {ttl}) is served by {} but is not in the repository",
                    set.owner,
                    set.rtype,
                    listed(&shown(values, set)),
                    servers_said(zone, &live)
                ),
                "add it to the repository if it is meant to stay (the next deploy from the repository removes it), or delete it at the server",
            ));
        }
    }
}
