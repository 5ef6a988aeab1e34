//! SOA refresh, retry, expire and minimum outside the ranges RFC 1912 §2.2
//! recommends: secondaries that give up too early or retry too late.

use crate::dns::model::Zone;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "dns/soa-timers",
    default_severity: Severity::Warning,
    summary: "SOA refresh/retry/expire/minimum outside RFC 1912 ranges",
    doc: include_str!("../../../rules/dns/soa-timers.md"),
    aliases: &[],
    check: Check::Dns(check),
};

fn check(zone: &Zone, out: &mut Checker<'_>) {
    // In a provider export the provider sets these timers.
    if zone.is_export {
        return;
    }
    let Some((record, soa)) = zone.soa() else {
        return;
    };
    let mut problems = Vec::new();
    if soa.retry >= soa.refresh {
        problems.push(format!(
            "retry ({}) is not below refresh ({})",
            soa.retry, soa.refresh
        ));
    }
    if u64::from(soa.expire) <= u64::from(soa.refresh) + u64::from(soa.retry) {
        problems.push(format!(
            "expire ({}) is not above refresh + retry ({})",
            soa.expire,
            u64::from(soa.refresh) + u64::from(soa.retry)
        ));
    }
    if soa.expire < 604_800 {
        problems.push(format!(
            "expire ({}) is under a week: secondaries stop answering after a short primary outage",
            soa.expire
        ));
    }
    if !(300..=86_400).contains(&soa.minimum) {
        problems.push(format!("minimum ({}) is outside 300–86400", soa.minimum));
    }
    if problems.is_empty() {
        return;
    }
    out.report(Finding::new(
        &RULE,
        record.rdata_span(),
        format!("SOA timers: {}", problems.join("; ")),
        "RFC 1912 suggests refresh 1200–43200, retry below refresh, expire 1209600–2419200, minimum 300–86400",
    ));
}
