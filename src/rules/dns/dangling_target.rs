//! A CNAME, MX, NS or SRV target inside this zone that has no records: the
//! name it points at does not exist.

use crate::dns::model::Zone;
use crate::dns::name::{DnsName, Name};
use crate::dns::rdata::RType;
use crate::finding::{Finding, Severity};
use crate::registry::{Check, Rule};
use crate::rules::Checker;

pub const RULE: Rule = Rule {
    id: "dns/dangling-target",
    default_severity: Severity::Warning,
    summary: "a CNAME, MX, NS or SRV target inside the zone that does not exist",
    doc: include_str!("../../../rules/dns/dangling-target.md"),
    aliases: &[],
    check: Check::Dns(check),
};

/// A wildcard above the name that would answer for it.
fn covered_by_wildcard(zone: &Zone, name: &DnsName) -> bool {
    let mut current = name.parent();
    while let Some(parent) = current {
        if !parent.is_at_or_below(&zone.origin) {
            break;
        }
        if let Ok(wildcard) = Name::parse("*", Some(&parent)) {
            if zone.has_name(&wildcard) {
                return true;
            }
        }
        current = parent.parent();
    }
    false
}

fn check(zone: &Zone, out: &mut Checker<'_>) {
    for (i, record) in zone.records.iter().enumerate() {
        if ![RType::CNAME, RType::MX, RType::NS, RType::SRV].contains(&record.rtype) {
            continue;
        }
        let Some(target) = zone.target(record) else {
            continue;
        };
        // A name with records exists: the one answer nearly every target
        // gets, and known without a lookup, so it is asked first.
        if !zone.at_target(i).is_empty() {
            continue;
        }
        // "." is the RFC 7505 null MX and the SRV "no service" target.
        if target.as_str() == "." || !zone.is_authoritative_for(target) {
            continue;
        }
        if covered_by_wildcard(zone, target) {
            continue;
        }
        // A name with children exists (empty non-terminal).
        if zone.has_descendants(target) {
            continue;
        }
        out.report(Finding::new(
            &RULE,
            record.rdata_span(),
            format!(
                "{} {} points at {target}, which has no records in this zone",
                zone.owner(record), record.rtype
            ),
            "add the missing records, or fix the target name (a missing trailing dot makes a name relative)",
        ));
    }
}
