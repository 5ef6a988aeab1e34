//! A CNAME beside other data, several CNAMEs at one name, or a CNAME at the
//! apex: resolvers answer inconsistently and BIND refuses the zone.

use crate::dns::model::Zone;
use crate::dns::provider::Pseudo;
use crate::dns::rdata::RType;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use std::collections::HashSet;

pub const RULE: Rule = Rule {
    id: "dns/cname-conflict",
    default_severity: Severity::Error,
    summary: "a CNAME with other data at its name, several CNAMEs or DNAMEs, a CNAME at the apex, or data below a DNAME",
    doc: include_str!("../../../rules/dns/cname-conflict.md"),
    aliases: &[],
    check: Check::Dns(check),
};

/// Types allowed beside a CNAME (DNSSEC, RFC 4035 §2.5).
const COEXISTING: &[u16] = &[46, 47];

fn check(zone: &Zone, out: &mut Checker<'_>) {
    check_cnames(zone, out);
    check_dnames(zone, out);
}

/// DNAME is a singleton too, and it redirects everything below its owner,
/// so records there are never served (RFC 6672 §2.4).
fn check_dnames(zone: &Zone, out: &mut Checker<'_>) {
    let mut seen = HashSet::new();
    for record in zone.records.iter().filter(|r| r.rtype == RType::DNAME) {
        let owner = zone.owner(record);
        if !seen.insert(owner) {
            continue;
        }
        let span = record.span;
        let dnames: Vec<_> = zone.at_of_type(owner, RType::DNAME).collect();
        if dnames.len() > 1 {
            out.report(
                Finding::new(
                    &RULE,
                    dnames[1].span,
                    format!(
                        "{} has {} DNAME records; a name can have only one",
                        owner,
                        dnames.len()
                    ),
                    "keep one DNAME",
                )
                .related(span, "first DNAME"),
            );
        }
        for below in zone.records.iter().filter(|r| {
            let name = zone.owner(r);
            name != owner && name.is_at_or_below(owner)
        }) {
            out.report(
                Finding::new(
                    &RULE,
                    below.span,
                    format!(
                        "{} {} is below the DNAME at {}: the DNAME redirects every name below it, so this record is never served",
                        zone.owner(below),
                        below.rtype,
                        owner
                    ),
                    "remove the record, or the DNAME",
                )
                .related(span, "the DNAME"),
            );
        }
    }
}

fn check_cnames(zone: &Zone, out: &mut Checker<'_>) {
    // Each name's first CNAME in the file; a flattened apex CNAME
    // (Cloudflare) is answered as A/AAAA: no conflict. Names are taken in
    // the file order of those CNAMEs, the order findings are recorded in.
    let with_cname = zone.first_of_each_owner(|r| {
        r.rtype == RType::CNAME && r.pseudo() != Some(&Pseudo::FlattenedCname)
    });
    for (index, g) in with_cname {
        let record = &zone.records[index as usize];
        let records = zone.owner_group(g as usize).records();
        let span = record.span;
        let owner = zone.owner(record);
        if owner == zone.origin {
            out.report(Finding::new(
                &RULE,
                span,
                format!("CNAME at the zone apex {}: the apex must hold SOA and NS, which a CNAME forbids", zone.origin),
                "use A/AAAA records at the apex, or your provider's ALIAS/flattening",
            ));
            continue;
        }
        // Identical lines are one RRset member to BIND and Knot (and a
        // `dns/duplicate-record`), not two CNAMEs.
        let mut cnames: Vec<_> = Vec::new();
        for (_, r) in records.clone().filter(|(_, r)| r.rtype == RType::CNAME) {
            if !cnames
                .iter()
                .any(|c: &&crate::dns::record::Record| c.rdata.same(&r.rdata, &zone.names))
            {
                cnames.push(r);
            }
        }
        if cnames.len() > 1 {
            let mut f = Finding::new(
                &RULE,
                cnames[1].span,
                format!(
                    "{} has {} CNAME records; a name can have only one",
                    owner,
                    cnames.len()
                ),
                "keep one CNAME",
            );
            f = f.related(span, "first CNAME");
            out.report(f);
        }
        let others: Vec<_> = records
            .filter(|(_, r)| r.rtype != RType::CNAME && !COEXISTING.contains(&r.rtype.0))
            .map(|(_, r)| r)
            .collect();
        if let Some(other) = others.first() {
            let types: Vec<String> = others.iter().map(|r| r.rtype.name()).collect();
            out.report(
                Finding::new(
                    &RULE,
                    span,
                    format!(
                        "{} has a CNAME and other data ({}): resolvers follow the CNAME and never see the rest",
                        owner,
                        types.join(", ")
                    ),
                    "remove the CNAME, or move the other records to the CNAME's target",
                )
                .related(other.span, format!("{} at the same name", other.rtype)),
            );
        }
    }
}
