//! An RRset of OLD that NEW does not have: once NS point at NEW, it is gone.

use crate::finding::{Finding, Severity};
use crate::migration::{set_name, Outcome, ZonePair};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "migration/missing-record",
    default_severity: Severity::Error,
    summary: "an RRset of the old zone is absent from the new one: it disappears at the cutover",
    doc: include_str!("../../../rules/migration/missing-record.md"),
    aliases: &[],
    check: Check::Migration(check),
};

fn check(pair: &ZonePair<'_>, out: &mut Checker<'_>) {
    if pair.new.is_none() {
        return; // migration/missing-zone says it once for the whole zone
    }
    for set in pair.with_outcome(Outcome::Missing) {
        let Some(old) = &set.old else { continue };
        let ttl = if old.has_own_ttl() {
            format!("TTL {}", old.ttl())
        } else {
            old.flavour.describe().to_string()
        };
        out.report(Finding::new(
            &RULE,
            old.first().span,
            format!(
                "{} is missing from NEW: {} ({ttl})",
                set_name(&set.key),
                old.shown_values(),
            ),
            "create it at the new provider before switching NS: after the switch, resolvers get no answer for it",
        ));
    }
}
