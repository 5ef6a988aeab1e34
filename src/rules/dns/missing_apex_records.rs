//! A full zone file without a SOA or without NS records at the apex: BIND
//! and Knot refuse to load it.

use crate::dns::model::Zone;
use crate::dns::rdata::RType;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::source::Span;

pub const RULE: Rule = Rule {
    id: "dns/missing-apex-records",
    default_severity: Severity::Error,
    summary: "a zone file without SOA or apex NS records will not load",
    doc: include_str!("../../../rules/dns/missing-apex-records.md"),
    aliases: &[],
    check: Check::Dns(check),
};

fn check(zone: &Zone, out: &mut Checker<'_>) {
    // A provider export leaves SOA and NS to the provider.
    if zone.is_export {
        return;
    }
    let start = Span::new(zone.file, 0, 0);
    let at = zone.records.first().map_or(start, |r| r.owner_span());
    if zone.soa().is_none() {
        out.report(Finding::new(
            &RULE,
            at,
            format!("zone {} has no SOA record at its apex; it will not load", zone.described()),
            "add `@ IN SOA ns1.example.com. hostmaster.example.com. (serial refresh retry expire minimum)`",
        ));
    }
    if zone.at_of_type(&zone.origin, RType::NS).next().is_none() {
        out.report(Finding::new(
            &RULE,
            at,
            format!(
                "zone {} has no NS records at its apex; it will not load",
                zone.described()
            ),
            "add at least two `@ IN NS` records, at different providers",
        ));
    }
}
