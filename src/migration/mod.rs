//! `tripline diff`: the zones of OLD and NEW paired by origin and compared
//! RRset by RRset, with values normalised so that only real differences
//! remain. The comparison classifies every RRset once; the rules in
//! `rules/migration/` turn those classes into findings.

use crate::dns::model::Zone;
use crate::dns::name::Name;
use crate::dns::rdata::{RData, RType};
use crate::dns::zone::{Pseudo, Record};
use crate::source::Sources;
use std::collections::BTreeMap;

/// How the two sides are compared.
#[derive(Clone, Debug, Default)]
pub struct DiffOptions {
    /// Compare the apex SOA and NS too (normally the provider's own).
    pub include_ns_soa: bool,
}

/// What identifies an RRset on both sides.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SetKey {
    pub owner: Name,
    pub class: u16,
    pub rtype: RType,
    /// Route 53 routing set (`SetIdentifier`).
    pub set_id: Option<String>,
}

/// How a provider serves a set: as written, or as something it computes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flavour {
    Plain,
    /// Route 53 alias, or ALIAS/ANAME: the answers are the target's records.
    Alias {
        route53: bool,
        target: Name,
    },
    /// Cloudflare proxied: clients get Cloudflare's addresses.
    Proxied,
    /// Cloudflare's flattened apex CNAME: answered as the target's A/AAAA.
    Flattened,
}

impl Flavour {
    fn of(records: &[&Record]) -> Flavour {
        let Some(first) = records.first() else {
            return Flavour::Plain;
        };
        match (first.pseudo(), &first.rdata) {
            (Some(Pseudo::Route53Alias(_)), RData::Alias(target)) => Flavour::Alias {
                route53: true,
                target: target.clone(),
            },
            (_, RData::Alias(target)) => Flavour::Alias {
                route53: false,
                target: target.clone(),
            },
            (Some(Pseudo::CloudflareProxied), _) => Flavour::Proxied,
            (Some(Pseudo::FlattenedCname), _) => Flavour::Flattened,
            _ => Flavour::Plain,
        }
    }

    /// How a report names it.
    pub fn describe(&self) -> &'static str {
        match self {
            Flavour::Plain => "a plain record",
            Flavour::Alias { route53: true, .. } => "a Route 53 alias",
            Flavour::Alias { route53: false, .. } => "an ALIAS/ANAME record",
            Flavour::Proxied => "a Cloudflare proxied record",
            Flavour::Flattened => "a Cloudflare flattened CNAME",
        }
    }
}

/// One side's view of an RRset.
pub struct Side<'z> {
    pub records: Vec<&'z Record>,
    /// Normalised values, sorted and deduplicated: the comparison.
    pub values: Vec<String>,
    /// How a zone file would write them, in the same order.
    pub shown: Vec<String>,
    pub flavour: Flavour,
}

impl<'z> Side<'z> {
    fn new(records: Vec<&'z Record>) -> Side<'z> {
        let mut pairs: Vec<(String, String)> = records
            .iter()
            .map(|r| (r.rdata.canonical(), r.rdata.presentation()))
            .collect();
        pairs.sort();
        pairs.dedup_by(|a, b| a.0 == b.0);
        let flavour = Flavour::of(&records);
        let (values, shown) = pairs.into_iter().unzip();
        Side {
            records,
            values,
            shown,
            flavour,
        }
    }

    /// The set's TTL: the longest, which is how long a resolver may keep it.
    pub fn ttl(&self) -> u32 {
        self.records.iter().map(|r| r.ttl).max().unwrap_or(0)
    }

    /// An alias has no TTL of its own (Route 53 answers with the target's).
    pub fn has_own_ttl(&self) -> bool {
        !matches!(self.flavour, Flavour::Alias { .. })
    }

    pub fn first(&self) -> &'z Record {
        self.records[0]
    }

    /// The values as one line: `10 mx1.example.net., 20 mx2.example.net.`.
    pub fn shown_values(&self) -> String {
        match &self.flavour {
            Flavour::Alias { target, .. } => format!("alias to {target}"),
            _ => crate::finding::listed(&self.shown),
        }
    }
}

/// What the comparison made of one RRset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Identical,
    /// Same values, different TTL.
    TtlChanged,
    /// In OLD, not in NEW.
    Missing,
    /// Same key, different values.
    Changed,
    /// A provider pseudo-record on one side, something else on the other.
    NonPortable,
    /// In NEW only.
    Extra,
}

pub struct Compared<'z> {
    pub key: SetKey,
    pub old: Option<Side<'z>>,
    pub new: Option<Side<'z>>,
    pub outcome: Outcome,
}

/// One zone of OLD with its counterpart in NEW (either may be absent).
pub struct ZonePair<'z> {
    pub origin: Name,
    pub old: Option<&'z Zone>,
    pub new: Option<&'z Zone>,
    /// Every RRset, in key order.
    pub sets: Vec<Compared<'z>>,
}

/// The counts a report sums up; `compared` is OLD's RRsets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub compared: usize,
    pub identical: usize,
    pub ttl_changed: usize,
    pub missing: usize,
    pub changed: usize,
    pub non_portable: usize,
    pub extra: usize,
}

impl ZonePair<'_> {
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for set in &self.sets {
            if set.old.is_some() {
                counts.compared += 1;
            }
            match set.outcome {
                Outcome::Identical => counts.identical += 1,
                Outcome::TtlChanged => counts.ttl_changed += 1,
                Outcome::Missing => counts.missing += 1,
                Outcome::Changed => counts.changed += 1,
                Outcome::NonPortable => counts.non_portable += 1,
                Outcome::Extra => counts.extra += 1,
            }
        }
        counts
    }

    pub fn with_outcome(&self, outcome: Outcome) -> impl Iterator<Item = &Compared<'_>> {
        self.sets.iter().filter(move |s| s.outcome == outcome)
    }
}

/// Pairs the zones of both sides by origin (several files of one origin on
/// a side are one zone's parts) and compares each pair.
pub fn pair_zones<'z>(
    old: &'z [Zone],
    new: &'z [Zone],
    options: &DiffOptions,
) -> Vec<ZonePair<'z>> {
    let mut origins: BTreeMap<&Name, (Vec<&'z Zone>, Vec<&'z Zone>)> = BTreeMap::new();
    for zone in old {
        origins.entry(&zone.origin).or_default().0.push(zone);
    }
    for zone in new {
        origins.entry(&zone.origin).or_default().1.push(zone);
    }
    origins
        .into_iter()
        .map(|(origin, (old, new))| compare(origin, &old, &new, options))
        .collect()
}

fn collect<'z>(zones: &[&'z Zone], options: &DiffOptions) -> BTreeMap<SetKey, Vec<&'z Record>> {
    let mut sets: BTreeMap<SetKey, Vec<&'z Record>> = BTreeMap::new();
    for zone in zones {
        for set in zone.rrsets() {
            let provider_owned =
                set.owner == &zone.origin && (set.rtype == RType::SOA || set.rtype == RType::NS);
            if provider_owned && !options.include_ns_soa {
                continue;
            }
            let key = SetKey {
                owner: set.owner.clone(),
                class: set.records[0].class,
                rtype: set.rtype,
                set_id: set.set_id.map(str::to_string),
            };
            sets.entry(key).or_default().extend(set.records);
        }
    }
    sets
}

fn compare<'z>(
    origin: &Name,
    old: &[&'z Zone],
    new: &[&'z Zone],
    options: &DiffOptions,
) -> ZonePair<'z> {
    let old_sets = collect(old, options);
    let mut new_sets = collect(new, options);
    let in_old: std::collections::BTreeSet<SetKey> = old_sets.keys().cloned().collect();
    let mut sets = Vec::new();
    for (key, records) in old_sets {
        let old_side = Side::new(records);
        let (outcome, new_side) = match new_sets.remove(&key) {
            Some(new_records) => {
                let new_side = Side::new(new_records);
                (outcome_of(&old_side, &new_side), Some(new_side))
            }
            None => {
                // A pseudo-record NEW carries as something else at the same
                // name (a CNAME that became an alias A) is one change, not a
                // missing record and an extra one. Only address-like sets
                // stand in for each other, and only ones OLD does not have.
                let replacement = new_sets
                    .iter()
                    .find(|(k, records)| {
                        k.owner == key.owner
                            && k.set_id == key.set_id
                            && k.rtype.is_address_like()
                            && key.rtype.is_address_like()
                            && !in_old.contains(k)
                            && (old_side.flavour != Flavour::Plain
                                || Flavour::of(records) != Flavour::Plain)
                    })
                    .map(|(k, _)| k.clone());
                match replacement.and_then(|k| new_sets.remove(&k)) {
                    Some(records) => (Outcome::NonPortable, Some(Side::new(records))),
                    None if old_side.flavour != Flavour::Plain => (Outcome::NonPortable, None),
                    None => (Outcome::Missing, None),
                }
            }
        };
        sets.push(Compared {
            key,
            old: Some(old_side),
            new: new_side,
            outcome,
        });
    }
    for (key, records) in new_sets {
        sets.push(Compared {
            key,
            old: None,
            new: Some(Side::new(records)),
            outcome: Outcome::Extra,
        });
    }
    sets.sort_by(|a, b| a.key.cmp(&b.key));
    ZonePair {
        origin: origin.clone(),
        old: old.first().copied(),
        new: new.first().copied(),
        sets,
    }
}

fn outcome_of(old: &Side<'_>, new: &Side<'_>) -> Outcome {
    if old.flavour != new.flavour {
        Outcome::NonPortable
    } else if old.values != new.values {
        Outcome::Changed
    } else if old.has_own_ttl() && old.ttl() != new.ttl() {
        Outcome::TtlChanged
    } else {
        Outcome::Identical
    }
}

/// `example.com. MX` — how messages name a set.
pub fn set_name(key: &SetKey) -> String {
    match &key.set_id {
        Some(id) => format!("{} {} (routing set `{id}`)", key.owner, key.rtype),
        None => format!("{} {}", key.owner, key.rtype),
    }
}

/// Whether a set's OLD TTL must come down before the NS switch: it differs
/// between the sides, or it is at the apex or an address, and its TTL is
/// above the cutover TTL.
pub fn needs_lowering(pair: &ZonePair<'_>, set: &Compared<'_>, cutover_ttl: u32) -> bool {
    let (Some(old), Some(_)) = (&set.old, pair.new) else {
        return false;
    };
    let differs = set.outcome != Outcome::Identical;
    let apex_or_address =
        set.key.owner == pair.origin || matches!(set.key.rtype, RType::A | RType::AAAA);
    (differs || apex_or_address) && old.has_own_ttl() && old.ttl() > cutover_ttl
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
                old_values: s.old.as_ref().map(Side::shown_values),
                new_values: s.new.as_ref().map(Side::shown_values),
                old_ttl: s.old.as_ref().filter(|o| o.has_own_ttl()).map(Side::ttl),
                new_ttl: s.new.as_ref().filter(|n| n.has_own_ttl()).map(Side::ttl),
                old_at: at(&s.old),
                new_at: at(&s.new),
            })
            .collect();
        let to_lower = pair
            .sets
            .iter()
            .filter(|s| needs_lowering(pair, s, cutover_ttl))
            .filter_map(|s| {
                let old = s.old.as_ref()?;
                Some((set_name(&s.key), old.ttl(), at(&s.old).unwrap_or_default()))
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
