//! A zone of OLD with no zone of the same origin in NEW.

use super::zone_start;
use crate::finding::{Finding, Severity};
use crate::migration::ZonePair;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "migration/missing-zone",
    default_severity: Severity::Error,
    summary: "a zone of the old side has no zone with the same origin on the new side",
    doc: include_str!("../../../rules/migration/missing-zone.md"),
    aliases: &[],
    check: Check::Migration(check),
};

fn check(pair: &ZonePair<'_>, out: &mut Checker<'_>) {
    let (Some(old), None) = (pair.old, pair.new) else {
        return;
    };
    out.report(Finding::new(
        &RULE,
        zone_start(old),
        format!(
            "zone {} ({} RRsets) has no counterpart in NEW: no zone there has this origin",
            pair.origin,
            pair.counts().compared
        ),
        "export the zone from the new provider too, or give the NEW file the same origin ($ORIGIN, file name, or --origin)",
    ));
}
