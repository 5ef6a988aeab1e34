//! More than one SOA record at the apex: a zone has exactly one, and BIND
//! refuses to load it ("multiple RRs of singleton type"). Identical copies
//! are merged by servers and reported as `dns/duplicate-record` instead.

use crate::dns::model::Zone;
use crate::dns::rdata::RType;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "dns/multiple-soa",
    default_severity: Severity::Error,
    summary: "more than one SOA record at the apex: BIND refuses to load the zone",
    doc: include_str!("../../../rules/dns/multiple-soa.md"),
    aliases: &[],
    check: Check::Dns(check),
};

fn check(zone: &Zone, out: &mut Checker<'_>) {
    let soas: Vec<_> = zone.at_of_type(&zone.origin, RType::SOA).collect();
    let Some((first, rest)) = soas.split_first() else {
        return;
    };
    for other in rest
        .iter()
        .filter(|r| !r.rdata.same(&first.rdata, &zone.names))
    {
        out.report(
            Finding::new(
                &RULE,
                other.span,
                format!(
                    "a second SOA record for {}: BIND refuses to load the zone (multiple RRs of singleton type)",
                    zone.described()
                ),
                "keep one SOA record; bump its serial instead of adding another",
            )
            .related(first.span, "the first SOA"),
        );
    }
}
