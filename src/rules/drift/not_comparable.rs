//! A provider pseudo-record (Route 53 alias, ALIAS/ANAME, Cloudflare
//! proxied or flattened) or routing set in the repository: what clients get
//! is computed by the provider, so the live answer cannot be compared with
//! the file. Said once, so that a quiet run is not mistaken for a check.

use crate::drift::report::DriftReport;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "drift/not-comparable",
    default_severity: Severity::Info,
    summary:
        "a provider pseudo-record or routing set: the live answer cannot be compared with the file",
    doc: include_str!("../../../rules/drift/not-comparable.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for zone in &report.zones {
        for set in &zone.sets {
            let Some(repo) = &set.repo else { continue };
            let (Some(why), Some(span)) = (&repo.pseudo, repo.span()) else {
                continue;
            };
            if set.live.is_empty() {
                continue;
            }
            out.report(Finding::new(
                &RULE,
                span,
                format!(
                    "{} {} is {why}: its live answer is not compared with the repository",
                    set.owner, set.rtype
                ),
                "check it at the provider; `tripline drift` compares plain records only",
            ));
        }
    }
}
