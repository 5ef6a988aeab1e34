//! A record whose answer changes at the cutover (missing, changed or
//! non-portable in NEW), or the apex NS, whose OLD TTL is longer than the
//! cutover TTL: resolvers keep OLD's answer that long after the NS switch,
//! so the TTL must come down first.

use crate::finding::{Finding, Severity};
use crate::migration::{earliest_switch, ttls_to_lower, ZonePair};
use crate::rules::dns::human_duration;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "migration/ttl-not-lowered",
    default_severity: Severity::Warning,
    summary: "a record's old TTL exceeds the cutover TTL: lower it and wait that long before switching NS",
    doc: include_str!("../../../rules/migration/ttl-not-lowered.md"),
    aliases: &[],
    check: Check::Migration(check),
};

fn check(pair: &ZonePair<'_>, out: &mut Checker<'_>) {
    let cutover = out.config.cutover_ttl();
    for lower in ttls_to_lower(pair, cutover) {
        let switch = earliest_switch(out.now, lower.ttl);
        let why = if lower.is_apex_ns {
            "resolvers that got OLD's NS records keep asking the old provider that long after the switch"
        } else {
            "resolvers may serve OLD's answer that long after the NS switch"
        };
        out.report(Finding::new(
            &RULE,
            lower.record.span,
            format!(
                "{} has TTL {} s ({}) at the old provider: {why}",
                lower.name,
                lower.ttl,
                human_duration(lower.ttl)
            ),
            format!(
                "lower it to {cutover} s at the old provider now, then switch NS no earlier than {switch} (now + {})",
                human_duration(lower.ttl)
            ),
        ));
    }
}
