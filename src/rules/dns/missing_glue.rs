//! An NS host inside the zone (apex or delegation) without A/AAAA records:
//! resolvers cannot reach the name server without glue.

use crate::dns::model::Zone;
use crate::dns::rdata::RType;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "dns/missing-glue",
    default_severity: Severity::Error,
    summary: "a name server inside the zone has no A/AAAA (glue) record",
    doc: include_str!("../../../rules/dns/missing-glue.md"),
    aliases: &[],
    check: Check::Dns(check),
};

fn check(zone: &Zone, out: &mut Checker<'_>) {
    let ns = (zone.records.iter().enumerate()).filter(|(_, r)| r.rtype == RType::NS);
    for (i, record) in ns {
        let Some(host) = zone.target(record) else {
            continue;
        };
        if !zone.contains(host) || zone.at_target(i).has_address() {
            continue;
        }
        let place = if zone.owner(record) == zone.origin {
            "the zone's own name server".to_string()
        } else {
            format!("a name server for the delegation {}", zone.owner(record))
        };
        out.report(Finding::new(
            &RULE,
            record.rdata_span(),
            format!("{host} is {place} and lies inside {}, but has no A or AAAA record: resolvers cannot find it", zone.origin),
            format!("add `{host} IN A <address>` (glue) to this zone"),
        ));
    }
}
