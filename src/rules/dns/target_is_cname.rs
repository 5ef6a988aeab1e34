//! An MX, NS or SRV target that is a CNAME in this zone, or an IP address:
//! RFC 2181 §10.3 forbids both, and mail servers reject them.

use crate::dns::model::Zone;
use crate::dns::rdata::RType;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use std::net::IpAddr;

pub const RULE: Rule = Rule {
    id: "dns/target-is-cname",
    default_severity: Severity::Warning,
    summary: "an MX, NS or SRV target that is a CNAME or an IP address",
    doc: include_str!("../../../rules/dns/target-is-cname.md"),
    aliases: &[],
    check: Check::Dns(check),
};

/// A target that was written as an IP address (absolute, or made relative).
fn looks_like_ip(target: &str, origin: &str) -> bool {
    // An IPv4 address starts with a digit, an IPv6 one holds a colon: most
    // targets are neither, and parsing them twice is most of this rule.
    if !target.starts_with(|c: char| c.is_ascii_digit()) && !target.contains(':') {
        return false;
    }
    let relative = target
        .strip_suffix(origin)
        .and_then(|t| t.strip_suffix('.'));
    [Some(target.trim_end_matches('.')), relative]
        .into_iter()
        .flatten()
        .any(|t| t.parse::<IpAddr>().is_ok())
}

fn check(zone: &Zone, out: &mut Checker<'_>) {
    for (i, record) in zone.records.iter().enumerate() {
        if ![RType::MX, RType::NS, RType::SRV].contains(&record.rtype) {
            continue;
        }
        let Some(target) = zone.target(record) else {
            continue;
        };
        let span = record.span;
        if looks_like_ip(target.as_str(), zone.origin.as_str()) {
            out.report(Finding::new(
                &RULE,
                record.rdata_span(),
                format!(
                    "{} {} target {target} is an IP address, not a host name",
                    zone.owner(record),
                    record.rtype
                ),
                "point it at a host name that has A/AAAA records",
            ));
            continue;
        }
        if let Some(cname) = zone.at_target(i).of_type(RType::CNAME).next() {
            out.report(
                Finding::new(
                    &RULE,
                    span,
                    format!(
                        "{} {} target {target} is a CNAME: RFC 2181 forbids it, and many mail servers and resolvers fail on it",
                        zone.owner(record), record.rtype
                    ),
                    "point the record at the CNAME's final target, a name with A/AAAA records",
                )
                .related(cname.span, "the CNAME"),
            );
        }
    }
}
