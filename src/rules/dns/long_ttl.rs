//! Address records (A, AAAA, CNAME) with a TTL above `dns.max-ttl`: after a
//! change, resolvers keep the old answer that long.

use super::human_duration;
use crate::dns::model::Zone;
use crate::finding::{Finding, Severity};
use crate::registry::{Check, Rule};
use crate::rules::Checker;

pub const RULE: Rule = Rule {
    id: "dns/long-ttl",
    default_severity: Severity::Warning,
    summary: "an A, AAAA or CNAME record's TTL keeps stale answers in caches long after a change",
    doc: include_str!("../../../rules/dns/long-ttl.md"),
    aliases: &[],
    check: Check::Dns(check),
};

fn check(zone: &Zone, out: &mut Checker<'_>) {
    let max = out.config.dns.max_ttl;
    for set in zone.rrsets() {
        if !set.rtype.is_address_like() {
            continue;
        }
        let Some(longest) = set.records.iter().max_by_key(|r| r.ttl) else {
            continue;
        };
        if longest.ttl <= max {
            continue;
        }
        out.report(Finding::new(
            &RULE,
            longest.span,
            format!(
                "{} {} has a TTL of {} s ({}): after a change, resolvers keep serving the old answer for up to {}",
                set.owner,
                set.rtype,
                longest.ttl,
                human_duration(longest.ttl),
                human_duration(longest.ttl)
            ),
            format!(
                "lower the TTL to at most {max} s (`[dns] max-ttl`), and well before a planned change"
            ),
        ));
    }
}
