//! The negative-caching TTL, min(SOA TTL, SOA minimum) (RFC 2308), above
//! three hours, the top of RFC 2308's recommended 1–3 hours: a name added to
//! fix an outage stays "nonexistent" in caches.

use super::human_duration;
use crate::dns::model::Zone;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "dns/long-negative-ttl",
    default_severity: Severity::Warning,
    summary: "NXDOMAIN answers are cached for more than three hours (SOA minimum, RFC 2308)",
    doc: include_str!("../../../rules/dns/long-negative-ttl.md"),
    aliases: &[],
    check: Check::Dns(check),
};

/// RFC 2308 §5 recommends 1 to 3 hours.
const LIMIT: u32 = 3 * 3600;

fn check(zone: &Zone, out: &mut Checker<'_>) {
    let Some((record, soa)) = zone.soa() else {
        return;
    };
    let negative = record.ttl.min(soa.minimum);
    if negative <= LIMIT {
        return;
    }
    out.report(Finding::new(
        &RULE,
        record.rdata_span(),
        format!(
            "negative answers are cached for {negative} s ({}): a name added after a lookup failed stays missing that long",
            human_duration(negative)
        ),
        "set the SOA minimum (last field) to 10800 or less; RFC 2308 recommends 1 to 3 hours",
    ));
}
