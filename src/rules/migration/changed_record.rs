//! Same name and type on both sides, different values: the answer changes
//! at the cutover, whether or not anyone meant it to.

use crate::finding::{Finding, Severity};
use crate::migration::{set_name, Outcome, ZonePair};
use crate::registry::{Check, Rule};
use crate::rules::Checker;

pub const RULE: Rule = Rule {
    id: "migration/changed-record",
    default_severity: Severity::Warning,
    summary: "an RRset has different values in the new zone: answers change at the cutover",
    doc: include_str!("../../../rules/migration/changed-record.md"),
    aliases: &[],
    check: Check::Migration(check),
};

fn check(pair: &ZonePair<'_>, out: &mut Checker<'_>) {
    for set in pair.with_outcome(Outcome::Changed) {
        let (Some(old), Some(new)) = (&set.old, &set.new) else {
            continue;
        };
        out.report(
            Finding::new(
                &RULE,
                old.first().span,
                format!(
                    "{} differs: OLD has {}, NEW has {}",
                    set_name(&set.key),
                    old.shown_values(),
                    new.shown_values()
                ),
                "make NEW match OLD, or confirm the change is meant to happen at the NS switch",
            )
            .related(new.first().span, "the NEW RRset"),
        );
    }
}
