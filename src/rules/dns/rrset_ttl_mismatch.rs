//! Records of one RRset with different TTLs (RFC 2181 §5.2): resolvers and
//! servers each pick one, so the TTL you set is not the one served.

use crate::dns::model::Zone;
use crate::dns::rdata::RType;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "dns/rrset-ttl-mismatch",
    default_severity: Severity::Warning,
    summary: "records of one RRset have different TTLs (RFC 2181 §5.2)",
    doc: include_str!("../../../rules/dns/rrset-ttl-mismatch.md"),
    aliases: &[],
    check: Check::Dns(check),
};

fn check(zone: &Zone, out: &mut Checker<'_>) {
    // One record agrees with itself.
    for set in zone.rrsets_of_several() {
        // An RRSIG set holds the signatures of several types, whose TTLs
        // follow the RRsets they cover (RFC 4034 §3).
        if set.rtype == RType::RRSIG {
            continue;
        }
        let first = set.first();
        let Some(other) = set.records().find(|r| r.ttl != first.ttl) else {
            continue;
        };
        out.report(
            Finding::new(
                &RULE,
                other.span,
                format!(
                    "{} {} has records with TTL {} and {}: servers serve one TTL for the whole set",
                    set.owner(),
                    set.rtype,
                    first.ttl,
                    other.ttl
                ),
                "give every record of the set the same TTL",
            )
            .related(first.span, format!("TTL {}", first.ttl)),
        );
    }
}
