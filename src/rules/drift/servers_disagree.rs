//! The servers of one zone serve different data: different serials, or
//! different values for an RRset. Resolvers pick a server at random, so
//! clients get one answer or the other — a secondary that stopped
//! transferring serves last month's zone to a share of them.

use super::{comparable, present, serial_cmp, shown};
use crate::drift::report::DriftReport;
use crate::finding::{listed, Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use std::cmp::Ordering;

pub const RULE: Rule = Rule {
    id: "drift/servers-disagree",
    default_severity: Severity::Error,
    summary: "the authoritative servers of a zone serve different serials or data",
    doc: include_str!("../../../rules/drift/servers-disagree.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for zone in &report.zones {
        let serving: Vec<(String, u32)> = zone
            .servers
            .iter()
            .filter_map(|s| Some((s.answered(), s.serial()?)))
            .collect();
        let newest = serving.iter().map(|(_, s)| *s).reduce(|a, b| {
            if serial_cmp(b, a) == Some(Ordering::Greater) {
                b
            } else {
                a
            }
        });
        if let Some(newest) = newest {
            let behind: Vec<String> = serving
                .iter()
                .filter(|(_, s)| *s != newest)
                .map(|(label, s)| format!("{label} at {s}"))
                .collect();
            if !behind.is_empty() {
                out.report(Finding::new(
                    &RULE,
                    zone.at,
                    format!(
                        "the servers of {} serve different serials: the newest is {newest}, but {}",
                        zone.zone.origin,
                        listed(&behind)
                    ),
                    "find why the servers behind do not transfer (NOTIFY, allow-transfer, the network between them, their refresh and expire timers)",
                ));
                continue; // the data differs too; one finding says why
            }
        }
        for set in &zone.sets {
            let answers: Vec<(usize, &[crate::drift::datum::Datum])> = present(set)
                .map(|(server, values, _, _)| (server, values))
                .collect();
            let Some((_, first)) = answers.first() else {
                continue;
            };
            if answers.iter().all(|(_, values)| values == first) {
                continue;
            }
            let span = set
                .repo
                .as_ref()
                .filter(|_| comparable(set))
                .and_then(|r| r.span())
                .unwrap_or(zone.at);
            let said: Vec<String> = answers
                .iter()
                .map(|(server, values)| {
                    let label = zone.server_label(*server);
                    format!("{label} serves {}", listed(&shown(values, set)))
                })
                .collect();
            out.report(Finding::new(
                &RULE,
                span,
                format!(
                    "the servers of {} disagree on {} {}: {}",
                    zone.zone.origin,
                    set.owner,
                    set.rtype,
                    said.join("; ")
                ),
                "deploy the zone to every server, and check that secondaries transfer it",
            ));
        }
    }
}
