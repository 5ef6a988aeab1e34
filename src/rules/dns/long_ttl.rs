//! Address records (A, AAAA, CNAME) with a TTL above `dns.max-ttl`: after a
//! change, resolvers keep the old answer that long. Reported once per place
//! that sets the TTL (a `$TTL` directive, or a record's own TTL), with the
//! number of records it affects. The name servers' own addresses are
//! exempt: they change rarely, and long TTLs there spare the servers.

use super::human_duration;
use crate::dns::model::Zone;
use crate::dns::record::Record;
use crate::finding::{Edit, Finding, Fix, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::source::Span;
use std::collections::BTreeMap;

pub const RULE: Rule = Rule {
    id: "dns/long-ttl",
    default_severity: Severity::Warning,
    summary: "an A, AAAA or CNAME record's TTL keeps stale answers in caches long after a change",
    doc: include_str!("../../../rules/dns/long-ttl.md"),
    aliases: &[],
    check: Check::Dns(check),
};

/// Where a record's TTL is set.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    /// The `$TTL` directive with this index + 1.
    Directive(u16),
    /// On the record itself (or inherited from the record before it when
    /// there is no `$TTL`): the record is its own source.
    Record(usize),
}

fn check(zone: &Zone, out: &mut Checker<'_>) {
    let max = out.config.max_ttl();
    // Gathered only once a long TTL is found: most zones have none, and
    // the set of a zone's name servers costs a pass and a hash per NS.
    let mut name_servers = None;
    // Each source's first record and how many records it gives a long TTL.
    let mut groups: BTreeMap<Source, (&Record, usize)> = BTreeMap::new();
    for (index, record) in zone.records.iter().enumerate() {
        if !record.rtype.is_address_like() || record.ttl <= max {
            continue;
        }
        let name_servers = name_servers.get_or_insert_with(|| zone.name_server_hosts());
        if name_servers.contains(zone.owner(record)) {
            continue;
        }
        let source = match record.ttl_directive {
            0 => Source::Record(index),
            d => Source::Directive(d),
        };
        groups.entry(source).or_insert((record, 0)).1 += 1;
    }
    for (source, (first, count)) in groups {
        // Past the findings a file keeps, only the count grows: a zone
        // that sets a long TTL on each of 100,000 records does not build
        // 100,000 messages to keep 100.
        let file = match source {
            Source::Directive(d) => zone.ttl_directives[usize::from(d) - 1].0.file,
            Source::Record(_) => first.span.file,
        };
        if out.counts_only(RULE.id, file) {
            out.count_unrecorded(RULE.id, file);
            continue;
        }
        let ttl = first.ttl;
        let help = format!(
            "lower the TTL to at most {max} s (`[dns] max-ttl`), and well before a planned change"
        );
        let finding = match source {
            Source::Directive(d) => {
                let (span, _) = zone.ttl_directives[usize::from(d) - 1];
                let fix_at = ttl_word(out, span, 1, ttl);
                let affected = if count == 1 {
                    format!("{} {}", zone.owner(first), first.rtype)
                } else {
                    format!("{count} address records")
                };
                Finding::new(
                    &RULE,
                    span,
                    format!(
                        "$TTL {ttl} gives {affected} a TTL of {ttl} s ({}): after a change, resolvers keep serving the old answer for up to {}",
                        human_duration(ttl),
                        human_duration(ttl)
                    ),
                    help,
                )
                .related(first.span, format!("first of them: {} {}", zone.owner(first), first.rtype))
                .with_fixes(fix_at.map(|at| lower_ttl(at, ttl, max)))
            }
            Source::Record(_) => Finding::new(
                &RULE,
                first.span,
                format!(
                    "{} {} has a TTL of {ttl} s ({}): after a change, resolvers keep serving the old answer for up to {}",
                    zone.owner(first),
                    first.rtype,
                    human_duration(ttl),
                    human_duration(ttl)
                ),
                help,
            )
            .with_fixes(record_ttl_word(out, first, ttl).map(|at| lower_ttl(at, ttl, max))),
        };
        out.report(finding);
    }
}

/// The TTL lowered to `[dns] max-ttl`: fewer cached answers, more queries.
fn lower_ttl(word: Span, ttl: u32, max: u32) -> Fix {
    Fix::unsafe_(
        format!("Lower the TTL from {ttl} to {max} (`[dns] max-ttl`)"),
        vec![Edit::replace(word, max.to_string())],
    )
}

/// The TTL a record writes itself, between its owner and its data.
fn record_ttl_word(out: &Checker<'_>, record: &Record, ttl: u32) -> Option<Span> {
    if zone_is_not_text(record) {
        return None;
    }
    let fields = Span {
        start: record.owner_span().end,
        end: record.rdata_start,
        ..record.span
    };
    (0..3).find_map(|index| ttl_word(out, fields, index, ttl))
}

/// Provider exports have no text to edit.
fn zone_is_not_text(record: &Record) -> bool {
    record.provider.is_some() || record.owner_len == crate::dns::record::OWNER_IS_ENTRY
}

/// The `index`th word of `span` (before any comment), when it is a TTL
/// of `ttl` seconds (`86400`, `1d`).
fn ttl_word(out: &Checker<'_>, span: Span, index: usize, ttl: u32) -> Option<Span> {
    let bytes = out
        .sources
        .get(span.file)
        .bytes
        .get(span.start as usize..span.end as usize)?;
    let code = bytes.split(|&b| b == b';').next()?;
    let mut at = 0;
    let mut words = Vec::new();
    while at < code.len() {
        let skip = code[at..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        at += skip;
        let length = code[at..]
            .iter()
            .take_while(|b| !b.is_ascii_whitespace())
            .count();
        if length > 0 {
            words.push((at, length));
        }
        at += length;
    }
    let &(start, length) = words.get(index)?;
    let text = std::str::from_utf8(&code[start..start + length]).ok()?;
    (crate::dns::zone::parse_ttl(text) == Some(ttl)).then(|| {
        let begin = span.start as usize + start;
        Span::new(span.file, begin, begin + length)
    })
}
