//! Same values, different TTL: not a change of answers, but worth seeing.

use crate::finding::{Finding, Severity};
use crate::migration::{set_name, Outcome, ZonePair};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "migration/ttl-changed",
    default_severity: Severity::Info,
    summary: "an RRset has the same values but a different TTL in the new zone",
    doc: include_str!("../../../rules/migration/ttl-changed.md"),
    aliases: &[],
    check: Check::Migration(check),
};

fn check(pair: &ZonePair<'_>, out: &mut Checker<'_>) {
    for set in pair.with_outcome(Outcome::TtlChanged) {
        let (Some(old), Some(new)) = (&set.old, &set.new) else {
            continue;
        };
        out.report(
            Finding::new(
                &RULE,
                old.first().span,
                format!(
                    "{} has the same values but TTL {} s in OLD and {} s in NEW",
                    set_name(&set.key),
                    old.ttl(),
                    new.ttl()
                ),
                "fine if intended; a provider's import may have replaced the TTL with its default",
            )
            .related(new.first().span, format!("TTL {} s here", new.ttl())),
        );
    }
}
