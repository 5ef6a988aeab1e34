//! NEW lacks a large share of OLD's RRsets: a truncated export or a failed
//! import, the case octoDNS refuses to sync without `--force`.

use super::zone_start;
use crate::finding::{Finding, Severity};
use crate::migration::ZonePair;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "migration/mass-deletion",
    default_severity: Severity::Error,
    summary: "the new zone drops more than 30% of the old zone's RRsets",
    doc: include_str!("../../../rules/migration/mass-deletion.md"),
    aliases: &[],
    check: Check::Migration(check),
};

/// octoDNS's `MIN_EXISTING_RECORDS` and `UPDATE_PCENT_THRESHOLD`.
const MIN_RRSETS: usize = 10;
const MAX_SHARE_PERCENT: usize = 30;

fn check(pair: &ZonePair<'_>, out: &mut Checker<'_>) {
    let (Some(old), Some(_)) = (pair.old, pair.new) else {
        return;
    };
    let counts = pair.counts();
    if counts.compared < MIN_RRSETS || counts.missing * 100 <= counts.compared * MAX_SHARE_PERCENT {
        return;
    }
    out.report(Finding::new(
        &RULE,
        zone_start(old),
        format!(
            "NEW lacks {} of the {} RRsets of {} ({}%): more than the {MAX_SHARE_PERCENT}% octoDNS refuses to delete in one sync",
            counts.missing,
            counts.compared,
            pair.origin,
            counts.missing * 100 / counts.compared
        ),
        "a truncated export or a failed import? compare record counts at both providers before any cutover",
    ));
}
