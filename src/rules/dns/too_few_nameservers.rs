//! Fewer than two NS records at the apex: one name server down and the zone
//! is gone.

use crate::dns::model::Zone;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "dns/too-few-nameservers",
    default_severity: Severity::Warning,
    summary: "fewer than two name servers at the apex",
    doc: include_str!("../../../rules/dns/too-few-nameservers.md"),
    aliases: &[],
    check: Check::Dns(check),
};

fn check(zone: &Zone, out: &mut Checker<'_>) {
    if zone.is_policy_zone() {
        return;
    }
    let ns = zone.apex_ns();
    if ns.len() != 1 {
        return;
    }
    out.report(Finding::new(
        &RULE,
        ns[0].span,
        format!(
            "zone {} has a single name server: when it is unreachable, the whole zone is unreachable",
            zone.described()
        ),
        "add at least one more NS, ideally at another provider (RFC 2182 asks for two or more)",
    ));
}
