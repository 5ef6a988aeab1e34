//! An RRset only NEW has: it starts answering at the cutover.

use crate::finding::{Finding, Severity};
use crate::migration::{set_name, Outcome, ZonePair};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "migration/extra-record",
    default_severity: Severity::Info,
    summary: "an RRset exists only in the new zone",
    doc: include_str!("../../../rules/migration/extra-record.md"),
    aliases: &[],
    check: Check::Migration(check),
};

fn check(pair: &ZonePair<'_>, out: &mut Checker<'_>) {
    if pair.old.is_none() {
        return; // migration/extra-zone covers a zone OLD does not have
    }
    for set in pair.with_outcome(Outcome::Extra) {
        let Some(new) = &set.new else { continue };
        out.report(Finding::new(
            &RULE,
            new.first().span,
            format!(
                "{} exists only in NEW: {}",
                set_name(&set.key),
                new.shown_values()
            ),
            "expected if the migration adds it; otherwise remove it from the new zone",
        ));
    }
}
