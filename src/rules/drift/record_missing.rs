//! An RRset of the repository that a live server does not serve (NXDOMAIN,
//! NODATA, absent from the zone transfer): a deploy that never happened, a
//! record deleted by hand, or a server serving another copy of the zone.

use super::{comparable, servers_said};
use crate::drift::report::{DriftReport, Found};
use crate::finding::{listed, Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "drift/record-missing",
    default_severity: Severity::Error,
    summary: "a record of the repository is not served by a live authoritative server",
    doc: include_str!("../../../rules/drift/record-missing.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for zone in &report.zones {
        for set in zone.sets.iter().filter(|s| comparable(s)) {
            let Some(repo) = &set.repo else { continue };
            let Some(span) = repo.span() else { continue };
            let absent: Vec<(usize, String)> = set
                .live
                .iter()
                .filter_map(|l| match &l.found {
                    Found::Absent { how } => Some((l.server, how.clone())),
                    _ => None,
                })
                .collect();
            if absent.is_empty() {
                continue;
            }
            out.report(Finding::new(
                &RULE,
                span,
                format!(
                    "{} {} ({}) is not served by {}",
                    set.owner,
                    set.rtype,
                    listed(&repo.shown(zone.zone)),
                    servers_said(zone, &absent)
                ),
                "deploy the zone to that server (reload it, or push the change to the provider); if the record is gone on purpose, remove it from the repository",
            ));
        }
    }
}
