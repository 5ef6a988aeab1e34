//! What a report needs of a compared zone pair, owned: the rows of every
//! RRset that differs, the TTLs to lower before the switch, and when the
//! switch is safe.

use super::{set_name, Counts, Outcome, Side, ZonePair};
use crate::dns::model::Zone;
use crate::dns::rdata::RType;
use crate::dns::record::Record;
use crate::source::Sources;

/// An OLD TTL that must come down before the NS switch.
pub struct ToLower<'z> {
    pub name: String,
    pub ttl: u32,
    /// The OLD record it is set on.
    pub record: &'z Record,
    /// The apex NS, which change at the switch by definition.
    pub is_apex_ns: bool,
}

/// Every OLD TTL to lower before the switch, apex first: each set whose
/// answer changes at the switch (missing, changed or non-portable in NEW),
/// and the apex NS, when resolvers may keep the old answer longer than the
/// cutover TTL. Sets identical on both sides answer the same from either
/// provider, and a TTL change alone changes no answer.
pub fn ttls_to_lower<'z>(pair: &ZonePair<'z>, cutover_ttl: u32) -> Vec<ToLower<'z>> {
    let (Some(old_zone), Some(new_zone)) = (pair.old, pair.new) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // Resolvers that took the NS from OLD keep asking OLD until they expire.
    // They change when NEW names other servers; a NEW that names none
    // (octoDNS leaves them to the provider) says nothing either way, and the
    // plan's last step (keep OLD served) covers it. (With `--include-ns-soa`
    // they are a compared set like any other.)
    let ns_compared = pair.ns_compared;
    let apex_ns = old_zone.apex_ns();
    let servers = |zone: &Zone, records: &[&Record]| {
        let mut names: Vec<String> = (records.iter())
            .map(|r| r.rdata.canonical(r.rtype, &zone.names))
            .collect();
        names.sort();
        names.dedup();
        names
    };
    let new_ns = new_zone.apex_ns();
    let ns_change = !new_ns.is_empty() && servers(old_zone, &apex_ns) != servers(new_zone, &new_ns);
    let ns_ttl = apex_ns.iter().map(|r| r.ttl).max().unwrap_or(0);
    let lower_ns = !ns_compared && ns_change && ns_ttl > cutover_ttl;
    if let Some(first) = apex_ns.first().filter(|_| lower_ns) {
        out.push(ToLower {
            name: format!("{} NS", pair.origin),
            ttl: ns_ttl,
            record: first,
            is_apex_ns: true,
        });
    }
    for set in &pair.sets {
        let Some(old) = &set.old else { continue };
        let changes_at_switch = matches!(
            set.outcome,
            Outcome::Missing | Outcome::Changed | Outcome::NonPortable
        );
        if changes_at_switch && old.has_own_ttl() && old.ttl() > cutover_ttl {
            out.push(ToLower {
                name: set_name(&set.key),
                ttl: old.ttl(),
                record: old.first(),
                is_apex_ns: set.key.owner == pair.origin && set.key.rtype == RType::NS,
            });
        }
    }
    out
}

/// One RRset that is not identical, as the markdown report lists it.
pub struct Row {
    pub outcome: Outcome,
    pub name: String,
    pub old_values: Option<String>,
    pub new_values: Option<String>,
    pub old_ttl: Option<u32>,
    pub new_ttl: Option<u32>,
    /// `file:line` on each side.
    pub old_at: Option<String>,
    pub new_at: Option<String>,
}

/// A zone pair, owned: what a report needs after the zones are gone.
pub struct PairReport {
    pub origin: String,
    pub old_file: Option<String>,
    pub new_file: Option<String>,
    pub counts: Counts,
    pub rows: Vec<Row>,
    /// RRsets whose TTL must be lowered first: name, OLD TTL, `file:line`.
    pub to_lower: Vec<(String, u32, String)>,
    /// How long resolvers keep OLD's own NS records after the switch.
    pub old_ns_ttl: Option<u32>,
}

impl PairReport {
    pub fn new(pair: &ZonePair<'_>, sources: &Sources, cutover_ttl: u32) -> PairReport {
        let at = |side: &Option<Side<'_>>| {
            side.as_ref().map(|s| {
                let span = s.first().span;
                let file = sources.get(span.file);
                format!(
                    "{}:{}",
                    file.display,
                    file.line_col(span.start as usize).line
                )
            })
        };
        let rows = pair
            .sets
            .iter()
            .filter(|s| s.outcome != Outcome::Identical)
            .map(|s| Row {
                outcome: s.outcome,
                name: set_name(&s.key),
                old_values: s.old.as_ref().map(Side::shown_values_short),
                new_values: s.new.as_ref().map(Side::shown_values_short),
                old_ttl: s.old.as_ref().filter(|o| o.has_own_ttl()).map(Side::ttl),
                new_ttl: s.new.as_ref().filter(|n| n.has_own_ttl()).map(Side::ttl),
                old_at: at(&s.old),
                new_at: at(&s.new),
            })
            .collect();
        let to_lower = ttls_to_lower(pair, cutover_ttl)
            .into_iter()
            .map(|t| {
                let file = sources.get(t.record.span.file);
                let line = file.line_col(t.record.span.start as usize).line;
                (t.name, t.ttl, format!("{}:{line}", file.display))
            })
            .collect();
        let file = |zone: Option<&Zone>| zone.map(|z| sources.get(z.file).display.clone());
        PairReport {
            origin: pair.origin.to_string(),
            old_file: file(pair.old),
            new_file: file(pair.new),
            counts: pair.counts(),
            rows,
            to_lower,
            old_ns_ttl: pair
                .old
                .and_then(|z| z.apex_ns().iter().map(|r| r.ttl).max()),
        }
    }

    /// The longest OLD TTL that must be waited out before the NS switch.
    pub fn longest_ttl_to_lower(&self) -> Option<u32> {
        self.to_lower.iter().map(|(_, ttl, _)| *ttl).max()
    }
}

/// RFC 3339, seconds precision, UTC: what the cutover plan prints.
pub fn rfc3339(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// The earliest safe NS switch, as RFC 3339: every OLD answer a resolver
/// may hold has expired once the longest TTL that must be lowered has
/// passed. Past the calendar's end (`--now 9999-12-31T23:59:59Z`) it says so.
pub fn earliest_switch(now: time::OffsetDateTime, longest_ttl: u32) -> String {
    now.checked_add(time::Duration::seconds(i64::from(longest_ttl)))
        .map_or_else(|| "after 9999-12-31T23:59:59Z".to_string(), rfc3339)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switch_time_is_now_plus_the_old_ttl() {
        let now = time::OffsetDateTime::from_unix_timestamp(1_768_478_400).expect("ts");
        assert_eq!(rfc3339(now), "2026-01-15T12:00:00Z");
        assert_eq!(earliest_switch(now, 3600), "2026-01-15T13:00:00Z");
        let end = time::OffsetDateTime::parse(
            "9999-12-31T23:59:59Z",
            &time::format_description::well_known::Rfc3339,
        )
        .expect("end of time");
        assert_eq!(earliest_switch(end, 3600), "after 9999-12-31T23:59:59Z");
    }
}
