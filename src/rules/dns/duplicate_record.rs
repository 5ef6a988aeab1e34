//! The same record twice: servers serve it once, so an edit to one copy
//! looks like it did nothing.

use crate::dns::model::Zone;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "dns/duplicate-record",
    default_severity: Severity::Info,
    summary: "the same record appears twice",
    doc: include_str!("../../../rules/dns/duplicate-record.md"),
    aliases: &[],
    check: Check::Dns(check),
};

fn check(zone: &Zone, out: &mut Checker<'_>) {
    // One record agrees with itself.
    for set in zone.rrsets_of_several() {
        for (i, record) in set.records().enumerate() {
            let Some(first) =
                (set.records().take(i)).find(|r| r.rdata.same(&record.rdata, &zone.names))
            else {
                continue;
            };
            out.report(
                Finding::new(
                    &RULE,
                    record.span,
                    format!("duplicate {} record at {}", set.rtype, set.owner()),
                    "remove one copy",
                )
                .related(first.span, "first copy"),
            );
        }
    }
}
