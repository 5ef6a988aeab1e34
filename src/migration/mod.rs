//! `tripline diff`: the zones of OLD and NEW paired by origin and compared
//! RRset by RRset, with values normalised so that only real differences
//! remain. The comparison classifies every RRset once; the rules in
//! `rules/migration/` turn those classes into findings.

use crate::dns::model::Zone;
use crate::dns::name::Name;
use crate::dns::names::NameTable;
use crate::dns::provider::Routing;
use crate::dns::rdata::{RData, RType};
use crate::dns::zone::{Pseudo, Record};
use std::collections::{BTreeMap, BTreeSet};

mod summary;

pub use summary::{earliest_switch, rfc3339, ttls_to_lower, PairReport, Row, ToLower};

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

/// A record of a set, with the name table of the zone it is in (a set
/// gathers the records of every file of one zone).
pub type Member<'z> = (&'z Record, &'z NameTable);

impl Flavour {
    fn of(records: &[Member<'_>]) -> Flavour {
        let Some(&(first, names)) = records.first() else {
            return Flavour::Plain;
        };
        match (first.pseudo(), &first.rdata) {
            (pseudo, RData::Alias(target)) => Flavour::Alias {
                route53: matches!(pseudo, Some(Pseudo::Route53Alias(_))),
                target: names.get(*target).to_owned(),
            },
            (Some(Pseudo::CloudflareProxied), _) => Flavour::Proxied,
            (Some(Pseudo::FlattenedCname), _) => Flavour::Flattened,
            _ => Flavour::Plain,
        }
    }

    /// Whether two flavours are the same kind of record, whatever their
    /// targets (an alias retargeted is a change, not another kind).
    fn same_kind(&self, other: &Flavour) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
            && match (self, other) {
                (Flavour::Alias { route53: a, .. }, Flavour::Alias { route53: b, .. }) => a == b,
                _ => true,
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
    /// Routing policy of a routing set (weight, failover role, health
    /// check, region) or octoDNS metadata.
    pub routing: Option<Routing>,
}

impl<'z> Side<'z> {
    fn new(members: Vec<Member<'z>>) -> Side<'z> {
        let mut pairs: Vec<(String, String)> = (members.iter())
            .map(|(r, names)| {
                (
                    r.rdata.canonical(r.rtype, names),
                    r.rdata.presentation(names),
                )
            })
            .collect();
        pairs.sort();
        pairs.dedup_by(|a, b| a.0 == b.0);
        let flavour = Flavour::of(&members);
        let records: Vec<&'z Record> = members.into_iter().map(|(r, _)| r).collect();
        let routing = records.first().and_then(|r| r.routing()).cloned();
        let (values, shown) = pairs.into_iter().unzip();
        Side {
            records,
            values,
            shown,
            flavour,
            routing,
        }
    }

    /// Whether this set answers every value of `other` (a routing set that
    /// became one plain set still serves its addresses).
    fn covers(&self, other: &Side<'_>) -> bool {
        other
            .values
            .iter()
            .all(|v| self.values.binary_search(v).is_ok())
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

    /// The values as one line, each shortened with `…` past
    /// [`crate::finding::MAX_QUOTED`] characters: for tables.
    pub fn shown_values_short(&self) -> String {
        match &self.flavour {
            Flavour::Alias { .. } => self.shown_values(),
            _ => {
                let short: Vec<_> = self
                    .shown
                    .iter()
                    .map(|v| crate::finding::shortened(v))
                    .collect();
                crate::finding::listed(&short)
            }
        }
    }

    /// Whether the set belongs to a routing set (Route 53 `SetIdentifier`).
    pub fn is_routing_set(&self) -> bool {
        self.records.first().is_some_and(|r| r.set_id().is_some())
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

fn collect<'z>(zones: &[&'z Zone], options: &DiffOptions) -> BTreeMap<SetKey, Vec<Member<'z>>> {
    let mut sets: BTreeMap<SetKey, Vec<Member<'z>>> = BTreeMap::new();
    for zone in zones {
        for set in zone.rrsets() {
            let provider_owned =
                set.owner() == zone.origin && (set.rtype == RType::SOA || set.rtype == RType::NS);
            if provider_owned && !options.include_ns_soa {
                continue;
            }
            let key = SetKey {
                owner: set.owner().to_owned(),
                class: set.first().class,
                rtype: set.rtype,
                set_id: set.set_id.map(str::to_string),
            };
            (sets.entry(key).or_default()).extend(set.records().map(|r| (r, &zone.names)));
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
    let in_old: BTreeSet<SetKey> = old_sets.keys().cloned().collect();
    // Sets of NEW that stand in for a set of OLD under another key: compared
    // with it, so not extra.
    let mut stood_in = BTreeSet::new();
    let mut sets = Vec::new();
    for (key, records) in old_sets {
        let old_side = Side::new(records);
        let (outcome, new_side) = match new_sets.remove(&key) {
            Some(new_records) => {
                let new_side = Side::new(new_records);
                (outcome_of(&old_side, &new_side), Some(new_side))
            }
            None => {
                let keys = stand_ins(&key, &old_side, &new_sets, &in_old);
                if keys.is_empty() {
                    // A record that is gone is missing, whatever kind it
                    // was: an alias deleted is a loss, not a portability
                    // question.
                    (Outcome::Missing, None)
                } else {
                    let records: Vec<Member<'_>> = keys
                        .iter()
                        .filter_map(|k| new_sets.get(k))
                        .flatten()
                        .copied()
                        .collect();
                    stood_in.extend(keys);
                    (Outcome::NonPortable, Some(Side::new(records)))
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
        if stood_in.contains(&key) {
            continue;
        }
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

/// The sets of NEW that serve an OLD set NEW has no exact counterpart of,
/// in another form: what clients get may change, but nothing is lost.
///
/// - a pseudo-record carried as something else at the same name (a CNAME
///   that became an alias A): only address-like sets stand in for each
///   other, and only ones OLD does not have itself;
/// - a routing set that collapsed into a plain set still serving its values;
/// - a plain set split into routing sets that together serve its values.
fn stand_ins(
    key: &SetKey,
    old: &Side<'_>,
    new_sets: &BTreeMap<SetKey, Vec<Member<'_>>>,
    in_old: &BTreeSet<SetKey>,
) -> Vec<SetKey> {
    let unclaimed = |k: &&SetKey| !in_old.contains(*k);
    let same_name_and_type = |k: &&SetKey| k.class == key.class && k.rtype == key.rtype;
    // Every stand-in has the set's owner: the sets of that one name, found
    // in the ordered map rather than by scanning all of NEW once per set
    // NEW lacks (quadratic in a million-record migration).
    let lowest = SetKey {
        owner: key.owner.clone(),
        class: 0,
        rtype: RType(0),
        set_id: None,
    };
    let same_owner = || {
        (new_sets.range(lowest.clone()..)).take_while(|(k, _)| k.owner == key.owner)
    };
    let replacement = same_owner().find(|(k, records)| {
        k.set_id == key.set_id
            && k.rtype.is_address_like()
            && key.rtype.is_address_like()
            && !in_old.contains(*k)
            && (old.flavour != Flavour::Plain || Flavour::of(records) != Flavour::Plain)
    });
    if let Some((k, _)) = replacement {
        return vec![k.clone()];
    }
    let candidates: Vec<&SetKey> = same_owner()
        .map(|(k, _)| k)
        .filter(same_name_and_type)
        .filter(unclaimed)
        .filter(|k| k.set_id.is_some() != key.set_id.is_some())
        .collect();
    let serving: Vec<Member<'_>> = candidates
        .iter()
        .filter_map(|k| new_sets.get(*k))
        .flatten()
        .copied()
        .collect();
    if !candidates.is_empty() && Side::new(serving).covers(old) {
        candidates.into_iter().cloned().collect()
    } else {
        Vec::new()
    }
}

fn outcome_of(old: &Side<'_>, new: &Side<'_>) -> Outcome {
    // Proxied on or off changes what clients get (Cloudflare's addresses or
    // the origin's): a change of the record, not of its kind.
    let proxy_switched = matches!(
        (&old.flavour, &new.flavour),
        (Flavour::Proxied, Flavour::Plain) | (Flavour::Plain, Flavour::Proxied)
    );
    if proxy_switched {
        Outcome::Changed
    } else if !old.flavour.same_kind(&new.flavour) {
        Outcome::NonPortable
    } else if old.flavour != new.flavour || old.values != new.values || old.routing != new.routing {
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
