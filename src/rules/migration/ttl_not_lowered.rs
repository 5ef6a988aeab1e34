//! A record that changes at the cutover, or an apex or address record,
//! whose OLD TTL is longer than the cutover TTL: resolvers keep OLD's
//! answer that long after the NS switch, so the TTL must come down first.

use crate::finding::{Finding, Severity};
use crate::migration::{earliest_switch, needs_lowering, set_name, ZonePair};
use crate::registry::{Check, Rule};
use crate::rules::dns::human_duration;
use crate::rules::Checker;

pub const RULE: Rule = Rule {
    id: "migration/ttl-not-lowered",
    default_severity: Severity::Warning,
    summary: "a record's old TTL exceeds the cutover TTL: lower it and wait that long before switching NS",
    doc: include_str!("../../../rules/migration/ttl-not-lowered.md"),
    aliases: &[],
    check: Check::Migration(check),
};

fn check(pair: &ZonePair<'_>, out: &mut Checker<'_>) {
    let cutover = out.config.migration.cutover_ttl;
    for set in pair
        .sets
        .iter()
        .filter(|s| needs_lowering(pair, s, cutover))
    {
        let Some(old) = &set.old else { continue };
        let switch = earliest_switch(out.now, old.ttl());
        out.report(Finding::new(
            &RULE,
            old.first().span,
            format!(
                "{} has TTL {} s ({}) at the old provider: resolvers may serve OLD's answer that long after the NS switch",
                set_name(&set.key),
                old.ttl(),
                human_duration(old.ttl())
            ),
            format!(
                "lower it to {cutover} s at the old provider now, then switch NS no earlier than {} (now + {})",
                switch,
                human_duration(old.ttl())
            ),
        ));
    }
}
