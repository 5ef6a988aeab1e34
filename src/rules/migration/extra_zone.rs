//! A zone of NEW with no zone of the same origin in OLD.

use super::zone_start;
use crate::finding::{Finding, Severity};
use crate::migration::ZonePair;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "migration/extra-zone",
    default_severity: Severity::Info,
    summary: "a zone of the new side has no zone with the same origin on the old side",
    doc: include_str!("../../../rules/migration/extra-zone.md"),
    aliases: &[],
    check: Check::Migration(check),
};

fn check(pair: &ZonePair<'_>, out: &mut Checker<'_>) {
    let (None, Some(new)) = (pair.old, pair.new) else {
        return;
    };
    out.report(Finding::new(
        &RULE,
        zone_start(new),
        format!(
            "zone {} ({} RRsets) exists only in NEW",
            pair.origin,
            pair.counts().extra
        ),
        "expected for a zone the migration adds; if OLD has it under another name, check its origin",
    ));
}
