//! `tripline diff`: the zones of OLD and NEW paired by origin and compared
//! RRset by RRset, with values normalised so that only real differences
//! remain. The comparison classifies every RRset once; the rules in
//! `rules/migration/` turn those classes into findings.

use crate::dns::model::Zone;
use crate::dns::name::{DnsName, Name};
use crate::dns::names::NameTable;
use crate::dns::provider::Pseudo;
use crate::dns::provider::Routing;
use crate::dns::rdata::{RData, RType};
use crate::dns::record::Record;
use std::cmp::Ordering;
use std::collections::BTreeMap;

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
    /// Every RRset that is not identical on both sides, in key order.
    pub sets: Vec<Compared<'z>>,
    /// How many RRsets are identical (values, TTL, kind) on both sides.
    pub identical: usize,
    /// The apex NS is one of the compared sets (`--include-ns-soa`).
    pub ns_compared: bool,
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
        let mut counts = Counts {
            compared: self.identical,
            identical: self.identical,
            ..Counts::default()
        };
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

/// One side's RRset, its key borrowed from the zone: only the sets that
/// differ get an owned [`SetKey`].
struct SideSet<'z> {
    owner: &'z DnsName,
    class: u16,
    rtype: RType,
    set_id: Option<&'z str>,
    members: Vec<Member<'z>>,
}

impl<'z> SideSet<'z> {
    fn key_order(&self, other: &SideSet<'_>) -> Ordering {
        (self.owner, self.class, self.rtype, self.set_id).cmp(&(
            other.owner,
            other.class,
            other.rtype,
            other.set_id,
        ))
    }

    /// The key within its owner, the order the sets of one owner come in.
    fn key_ref(&self) -> KeyRef<'z> {
        (self.class, self.rtype, self.set_id)
    }

    fn key(&self) -> SetKey {
        SetKey {
            owner: self.owner.to_owned(),
            class: self.class,
            rtype: self.rtype,
            set_id: self.set_id.map(str::to_string),
        }
    }
}

/// A set's key within its owner: class, type, routing set.
type KeyRef<'a> = (u16, RType, Option<&'a str>);

impl SetKey {
    fn key_ref(&self) -> KeyRef<'_> {
        (self.class, self.rtype, self.set_id.as_deref())
    }
}

/// One side's sets in key order (owner, class, type, routing set), the
/// records of every file of the zone gathered. A single zone's sets are
/// already in that order and are read as they come; the parts of a zone
/// split over several files are sorted and merged first.
fn side_sets<'z>(
    zones: &[&'z Zone],
    options: &DiffOptions,
) -> Box<dyn Iterator<Item = SideSet<'z>> + 'z> {
    let include_ns_soa = options.include_ns_soa;
    let sets = |zone: &'z Zone| {
        zone.rrsets().filter_map(move |set| {
            let provider_owned =
                set.owner() == zone.origin && (set.rtype == RType::SOA || set.rtype == RType::NS);
            (include_ns_soa || !provider_owned).then(|| SideSet {
                owner: set.owner(),
                class: set.first().class,
                rtype: set.rtype,
                set_id: set.set_id,
                members: set.records().map(|r| (r, &zone.names)).collect(),
            })
        })
    };
    if let [zone] = zones {
        return Box::new(sets(zone));
    }
    let mut all: Vec<SideSet<'z>> = zones.iter().flat_map(|&zone| sets(zone)).collect();
    // Stable: a set split over files keeps its records in file order.
    all.sort_by(|a, b| a.key_order(b));
    let mut merged: Vec<SideSet<'z>> = Vec::with_capacity(all.len());
    for set in all {
        match merged.last_mut() {
            Some(last) if last.key_order(&set) == Ordering::Equal => {
                last.members.extend(set.members)
            }
            _ => merged.push(set),
        }
    }
    Box::new(merged.into_iter())
}

/// The sets of one owner at a time, from sets in key order.
fn by_owner<'z>(
    sets: Box<dyn Iterator<Item = SideSet<'z>> + 'z>,
) -> impl Iterator<Item = Vec<SideSet<'z>>> + 'z {
    let mut sets = sets.peekable();
    std::iter::from_fn(move || {
        let first = sets.next()?;
        let mut group = vec![first];
        while let Some(next) = sets.next_if(|s| s.owner == group[0].owner) {
            group.push(next);
        }
        Some(group)
    })
}

/// Compares a pair of zones: both sides walked in key order together, one
/// owner at a time (a set's stand-ins are always at its owner), so that
/// only the sets that differ are kept; identical ones are counted. Two
/// million-record zones take the memory of the zones and their
/// differences, not of a copy of each.
fn compare<'z>(
    origin: &Name,
    old: &[&'z Zone],
    new: &[&'z Zone],
    options: &DiffOptions,
) -> ZonePair<'z> {
    let mut pair = ZonePair {
        origin: origin.clone(),
        old: old.first().copied(),
        new: new.first().copied(),
        sets: Vec::new(),
        identical: 0,
        ns_compared: false,
    };
    let mut old_groups = by_owner(side_sets(old, options)).peekable();
    let mut new_groups = by_owner(side_sets(new, options)).peekable();
    loop {
        let order = match (old_groups.peek(), new_groups.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(o), Some(n)) => o[0].owner.cmp(n[0].owner),
        };
        let (old_sets, new_sets) = match order {
            Ordering::Less => (old_groups.next(), None),
            Ordering::Greater => (None, new_groups.next()),
            Ordering::Equal => (old_groups.next(), new_groups.next()),
        };
        compare_owner(
            old_sets.unwrap_or_default(),
            new_sets.unwrap_or_default(),
            &mut pair,
        );
    }
    pair.sets.sort_by(|a, b| a.key.cmp(&b.key));
    pair
}

/// The sets of one owner on both sides (either may be empty).
fn compare_owner<'z>(old: Vec<SideSet<'z>>, new: Vec<SideSet<'z>>, pair: &mut ZonePair<'z>) {
    if let Some(set) = old.first().or(new.first()) {
        pair.ns_compared |=
            set.owner == &*pair.origin && (old.iter().chain(&new)).any(|s| s.rtype == RType::NS);
    }
    // Both sides come in key order: found by binary search, so that an
    // owner with thousands of routing sets costs n log n, not n².
    let in_old: Vec<SetKey> = old.iter().map(SideSet::key).collect();
    let new_keys: Vec<KeyRef<'z>> = new.iter().map(SideSet::key_ref).collect();
    let claimed = |k: &KeyRef<'_>| in_old.binary_search_by(|o| o.key_ref().cmp(k)).is_ok();
    // The sets of NEW at this owner that OLD lacks itself: the only ones
    // that may stand in for another.
    let unclaimed: Vec<usize> = (0..new.len()).filter(|&i| !claimed(&new_keys[i])).collect();
    let mut new: Vec<Option<SideSet<'z>>> = new.into_iter().map(Some).collect();
    // Sets of NEW that stand in for a set of OLD under another key: compared
    // with it, so not extra.
    let mut stood_in = vec![false; new.len()];
    for (set, key) in old.into_iter().zip(in_old.iter()) {
        let exact = (new_keys.binary_search(&key.key_ref()).ok()).and_then(|i| new[i].take());
        if exact
            .as_ref()
            .is_some_and(|n| plainly_identical(&set.members, &n.members))
        {
            pair.identical += 1;
            continue;
        }
        let old_side = Side::new(set.members);
        let (outcome, new_side) = match exact {
            Some(new_set) => {
                let new_side = Side::new(new_set.members);
                (outcome_of(&old_side, &new_side), Some(new_side))
            }
            None => {
                let found = stand_ins(key, &old_side, &new, &unclaimed);
                if found.is_empty() {
                    // A record that is gone is missing, whatever kind it
                    // was: an alias deleted is a loss, not a portability
                    // question.
                    (Outcome::Missing, None)
                } else {
                    let records: Vec<Member<'_>> = (found.iter())
                        .filter_map(|&i| new[i].as_ref())
                        .flat_map(|s| s.members.iter().copied())
                        .collect();
                    found.iter().for_each(|&i| stood_in[i] = true);
                    (Outcome::NonPortable, Some(Side::new(records)))
                }
            }
        };
        if outcome == Outcome::Identical {
            pair.identical += 1;
            continue;
        }
        pair.sets.push(Compared {
            key: key.clone(),
            old: Some(old_side),
            new: new_side,
            outcome,
        });
    }
    for (set, stood_in) in new.into_iter().zip(stood_in) {
        let Some(set) = set.filter(|_| !stood_in) else {
            continue;
        };
        pair.sets.push(Compared {
            key: set.key(),
            old: None,
            new: Some(Side::new(set.members)),
            outcome: Outcome::Extra,
        });
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
    new: &[Option<SideSet<'_>>],
    unclaimed: &[usize],
) -> Vec<usize> {
    let unclaimed = || (unclaimed.iter()).filter_map(|&i| Some((i, new[i].as_ref()?)));
    let replacement = unclaimed().find(|(_, s)| {
        s.set_id == key.set_id.as_deref()
            && s.rtype.is_address_like()
            && key.rtype.is_address_like()
            && (old.flavour != Flavour::Plain || Flavour::of(&s.members) != Flavour::Plain)
    });
    if let Some((i, _)) = replacement {
        return vec![i];
    }
    let candidates: Vec<(usize, &SideSet<'_>)> = unclaimed()
        .filter(|(_, s)| s.class == key.class && s.rtype == key.rtype)
        .filter(|(_, s)| s.set_id.is_some() != key.set_id.is_some())
        .collect();
    let serving: Vec<Member<'_>> = (candidates.iter())
        .flat_map(|(_, s)| s.members.iter().copied())
        .collect();
    if !candidates.is_empty() && Side::new(serving).covers(old) {
        candidates.into_iter().map(|(i, _)| i).collect()
    } else {
        Vec::new()
    }
}

/// Identical without normalising a value: the same records in the same
/// order, each with the same data, TTL, provider kind and routing — what
/// most sets of a migration are, decided without a string per record.
/// `false` only means "compare them in full".
fn plainly_identical(old: &[Member<'_>], new: &[Member<'_>]) -> bool {
    old.len() == new.len()
        && old.iter().zip(new).all(|(&(a, a_names), &(b, b_names))| {
            a.rtype == b.rtype
                && a.ttl == b.ttl
                && a.pseudo() == b.pseudo()
                && a.routing() == b.routing()
                && a.rdata.same_across(a_names, &b.rdata, b_names)
        })
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
