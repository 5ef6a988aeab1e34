//! The parent zone's delegation does not match the zone: the NS set the
//! parent hands out differs from the zone's apex NS, or its glue addresses
//! differ from the zone's own records for those hosts. After a provider
//! migration, a registry still naming the old provider sends part of the
//! world there until the old zone goes stale or is deleted.

use crate::dns::name::Name;
use crate::dns::rdata::{RData, RType};
use crate::drift::report::DriftReport;
use crate::finding::{listed, Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "drift/delegation-mismatch",
    default_severity: Severity::Error,
    summary: "the parent zone's NS set or glue differs from the zone's apex NS and addresses",
    doc: include_str!("../../../rules/drift/delegation-mismatch.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for zone in &report.zones {
        let z = zone.zone;
        let apex = z.apex_ns();
        let Some(first) = apex.first() else { continue };
        let mut ns: Vec<Name> = apex
            .iter()
            .filter_map(|r| z.target(r).map(ToOwned::to_owned))
            .collect();
        ns.sort();
        ns.dedup();
        for parent in &zone.delegation {
            let Ok(delegation) = &parent.result else {
                continue;
            };
            if delegation.ns != ns {
                let only_parent: Vec<&Name> =
                    delegation.ns.iter().filter(|n| !ns.contains(n)).collect();
                let only_zone: Vec<&Name> =
                    ns.iter().filter(|n| !delegation.ns.contains(n)).collect();
                let mut parts = Vec::new();
                if !only_parent.is_empty() {
                    parts.push(format!("only the parent names {}", listed(&only_parent)));
                }
                if !only_zone.is_empty() {
                    parts.push(format!("only the zone names {}", listed(&only_zone)));
                }
                out.report(Finding::new(
                    &RULE,
                    first.span,
                    format!(
                        "the delegation of {} at {} ({}) is {}, the zone's apex NS are {}: {}",
                        z.origin,
                        parent.label,
                        delegation.how,
                        listed(&delegation.ns),
                        listed(&ns),
                        parts.join("; ")
                    ),
                    "update the NS records at the registrar (the parent zone) to the zone's servers, or the zone's apex NS to the delegated ones",
                ));
                continue;
            }
            // Glue the parent gives for hosts inside the zone.
            for (host, address) in &delegation.glue {
                if !z.contains(host) {
                    continue;
                }
                let own: Vec<String> = z
                    .at(host)
                    .filter(|r| r.rtype == RType::A || r.rtype == RType::AAAA)
                    .filter_map(|r| match &r.rdata {
                        RData::A(ip) => Some(ip.to_string()),
                        RData::Aaaa(ip) => Some(ip.to_string()),
                        _ => None,
                    })
                    .collect();
                if own.is_empty() || own.contains(address) {
                    continue;
                }
                let span = z.at(host).next().map_or(first.span, |r| r.span);
                out.report(Finding::new(
                    &RULE,
                    span,
                    format!(
                        "{} ({}) gives glue {host} {address}, but the zone has {host} at {}",
                        parent.label,
                        delegation.how,
                        listed(&own)
                    ),
                    "update the glue (host records) at the registrar to the name server's current address",
                ));
            }
        }
    }
}
