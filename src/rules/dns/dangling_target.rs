//! A CNAME, MX, NS or SRV target inside this zone that has no records: the
//! name it points at does not exist.

use crate::dns::model::Zone;
use crate::dns::name::{DnsName, Name};
use crate::dns::rdata::RType;
use crate::finding::{Edit, Finding, Fix, Severity};
use crate::registry::{Check, Rule};
use crate::rules::Checker;
use crate::source::Span;

pub const RULE: Rule = Rule {
    id: "dns/dangling-target",
    default_severity: Severity::Warning,
    summary: "a CNAME, MX, NS or SRV target inside the zone that does not exist",
    doc: include_str!("../../../rules/dns/dangling-target.md"),
    aliases: &[],
    check: Check::Dns(check),
};

/// A wildcard above the name that would answer for it.
fn covered_by_wildcard(zone: &Zone, name: &DnsName) -> bool {
    let mut current = name.parent();
    while let Some(parent) = current {
        if !parent.is_at_or_below(&zone.origin) {
            break;
        }
        if let Ok(wildcard) = Name::parse("*", Some(&parent)) {
            if zone.has_name(&wildcard) {
                return true;
            }
        }
        current = parent.parent();
    }
    false
}

fn check(zone: &Zone, out: &mut Checker<'_>) {
    for (i, record) in zone.records.iter().enumerate() {
        if ![RType::CNAME, RType::MX, RType::NS, RType::SRV].contains(&record.rtype) {
            continue;
        }
        let Some(target) = zone.target(record) else {
            continue;
        };
        // A name with records exists: the one answer nearly every target
        // gets, and known without a lookup, so it is asked first.
        if !zone.at_target(i).is_empty() {
            continue;
        }
        // "." is the RFC 7505 null MX and the SRV "no service" target.
        if target.as_str() == "." || !zone.is_authoritative_for(target) {
            continue;
        }
        if covered_by_wildcard(zone, target) {
            continue;
        }
        // A name with children exists (empty non-terminal).
        if zone.has_descendants(target) {
            continue;
        }
        let mut finding = Finding::new(
            &RULE,
            record.rdata_span(),
            format!(
                "{} {} points at {target}, which has no records in this zone",
                zone.owner(record), record.rtype
            ),
            "add the missing records, or fix the target name (a missing trailing dot makes a name relative)",
        );
        if let Some(fix) = trailing_dot_fix(zone, record, out) {
            finding = finding.with_fix(fix);
        }
        out.report(finding);
    }
}

/// The target as written, when it is a relative name that reads as a
/// full one: `www.example.com` in the zone example.com, which the origin
/// makes `www.example.com.example.com.`. Its trailing dot is the fix when
/// the full name has records in this zone, or lies outside it under a
/// public suffix.
fn trailing_dot_fix(
    zone: &Zone,
    record: &crate::dns::record::Record,
    out: &Checker<'_>,
) -> Option<Fix> {
    if zone.is_export {
        return None;
    }
    let span = record.rdata_span();
    let (start, word) = last_word(&out.sources.get(span.file).bytes, span)?;
    let written = std::str::from_utf8(word).ok()?;
    if written.ends_with('.') || written == "@" || !written.contains('.') {
        return None;
    }
    let full = Name::parse(&format!("{written}."), None).ok()?;
    let exists = if full.is_at_or_below(&zone.origin) {
        zone.has_name(&full) || zone.has_descendants(&full)
    } else {
        full.as_str().split('.').filter(|l| !l.is_empty()).count() >= 2
            && psl::suffix(full.as_str().trim_end_matches('.').as_bytes())
                .is_some_and(|s| s.is_known())
    };
    exists.then(|| {
        Fix::unsafe_(
            format!("Add the trailing dot: `{written}.`"),
            vec![Edit::insert(span.file, start + word.len(), ".")],
        )
    })
}

/// The last word of the RDATA (the target of CNAME, NS, MX and SRV), and
/// where it starts; a comment and parentheses are not words.
fn last_word(bytes: &[u8], span: Span) -> Option<(usize, &[u8])> {
    let rdata = bytes.get(span.start as usize..span.end as usize)?;
    let code = match rdata.iter().position(|&b| b == b';') {
        Some(comment) => &rdata[..comment],
        None => rdata,
    };
    let is_separator = |b: &u8| b.is_ascii_whitespace() || matches!(b, b'(' | b')');
    let end = code.iter().rposition(|b| !is_separator(b))? + 1;
    let start = code[..end]
        .iter()
        .rposition(is_separator)
        .map_or(0, |i| i + 1);
    let word = &code[start..end];
    if word.contains(&b'"') || word.contains(&b'\\') {
        return None;
    }
    Some((span.start as usize + start, word))
}
