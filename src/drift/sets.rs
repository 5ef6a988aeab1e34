//! The repository's RRsets and each server's, side by side: which sets are
//! compared, in which form (see [`super::datum`]), and how a provider
//! pseudo-record or an alias reads.

use super::datum::{self, Datum, Values};
use super::live::WireRecord;
use super::report::{Found, LiveSet, RepoRecords, RepoSet, SetReport};
use crate::dns::model::Zone;
use crate::dns::name::Name;
use crate::dns::rdata::{RData, RType};
use crate::dns::record::Record;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// Types a server may add by signing the zone itself: not compared when
/// the repository's zone carries none of them.
pub const SIGNING_TYPES: &[u16] = &[
    46,    // RRSIG
    47,    // NSEC
    50,    // NSEC3
    51,    // NSEC3PARAM
    48,    // DNSKEY
    59,    // CDS
    60,    // CDNSKEY
    65534, // a signer's private state
];

pub type Key = (Name, RType);

/// What one server serves of the zone, by RRset.
pub struct LiveZone {
    pub sets: HashMap<Key, Found>,
    /// From a whole-zone transfer: a set it lacks is absent, not unasked.
    pub complete: bool,
}

/// The repository's RRsets that are compared, by key.
pub fn repo_sets<'z>(
    zone: &'z Zone,
    ignored: impl Fn(&Name) -> bool,
) -> BTreeMap<Key, RepoRecords<'z>> {
    let mut sets: BTreeMap<Key, RepoRecords<'z>> = BTreeMap::new();
    for set in zone.rrsets() {
        if set.rtype == RType::SOA || !zone.contains(set.owner()) {
            continue;
        }
        let owner = set.owner().to_owned();
        if ignored(&owner) {
            continue;
        }
        sets.entry((owner, set.rtype))
            .or_default()
            .extend(set.records());
    }
    sets
}

/// A transfer's records, by RRset.
pub fn from_transfer(zone: &Zone, expected: usize, records: Vec<WireRecord>) -> LiveZone {
    let mut sets: HashMap<Key, Found> = HashMap::with_capacity(expected);
    for r in records {
        if r.rtype == RType::SOA || !zone.contains(&r.owner) {
            continue;
        }
        let found = sets.entry((r.owner, r.rtype)).or_insert(Found::Present {
            values: Values::new(),
            ttl: 0,
            how: Cow::Borrowed("AXFR, NOERROR"),
        });
        if let Found::Present { values, ttl, .. } = found {
            values.push(r.datum);
            *ttl = (*ttl).max(r.ttl);
        }
    }
    for found in sets.values_mut() {
        if let Found::Present { values, .. } = found {
            datum::normalise(values);
        }
    }
    LiveZone {
        sets,
        complete: true,
    }
}

pub fn present(mut values: Values, ttl: u32, how: String) -> Found {
    datum::normalise(&mut values);
    Found::Present {
        values,
        ttl,
        how: Cow::Owned(how),
    }
}

/// Every RRset of the file and of any server, side by side: the file's in
/// order, then those only servers have, in order. The live maps are
/// emptied into the report.
pub fn compare<'z>(
    zone: &'z Zone,
    repo: BTreeMap<Key, RepoRecords<'z>>,
    mut live: Vec<Option<LiveZone>>,
    ignored: impl Fn(&Name) -> bool,
) -> Vec<SetReport<'z>> {
    let signed = zone
        .records
        .iter()
        .any(|r| SIGNING_TYPES.contains(&r.rtype.0));
    let mut out = Vec::with_capacity(repo.len());
    let take = |key: &Key, live: &mut Vec<Option<LiveZone>>| -> Vec<LiveSet> {
        let mut sets = Vec::new();
        for (server, zone_live) in live.iter_mut().enumerate() {
            let Some(zone_live) = zone_live else { continue };
            let found = match zone_live.sets.remove(key) {
                Some(found) => found,
                None if zone_live.complete => Found::Absent {
                    how: "AXFR, NOERROR: not in the zone transfer".to_string(),
                },
                None => continue,
            };
            sets.push(LiveSet { server, found });
        }
        sets
    };
    for (key, records) in repo {
        let live_sets = take(&key, &mut live);
        let repo_set = through_alias(zone, &records).unwrap_or_else(|| repo_set(zone, records));
        out.push(SetReport {
            owner: key.0,
            rtype: key.1,
            repo: Some(repo_set),
            live: live_sets,
        });
    }
    let mut extra: Vec<Key> = live
        .iter()
        .flatten()
        .flat_map(|l| l.sets.iter())
        .filter(|(_, f)| matches!(f, Found::Present { .. }))
        .map(|(k, _)| k.clone())
        .filter(|(_, rtype)| signed || !SIGNING_TYPES.contains(&rtype.0))
        .filter(|(owner, _)| !ignored(owner))
        .collect();
    extra.sort_unstable();
    extra.dedup();
    for key in extra {
        let live_sets = take(&key, &mut live)
            .into_iter()
            .filter(|l| matches!(l.found, Found::Present { .. }))
            .collect();
        out.push(SetReport {
            owner: key.0,
            rtype: key.1,
            repo: None,
            live: live_sets,
        });
    }
    out
}

/// An alias (Route 53, ALIAS/ANAME) to a name of the same zone is
/// knowable: clients get the target's records of the alias's type, so those
/// are what the server must serve. `None` for any other set.
fn through_alias<'z>(zone: &'z Zone, records: &[&'z Record]) -> Option<RepoSet<'z>> {
    let first = records.first()?;
    let RData::Alias(target) = first.rdata else {
        return None;
    };
    let target = zone.name(target);
    if first.set_id().is_some() || !zone.is_authoritative_for(target) {
        return None;
    }
    let targets: Vec<&Record> = zone
        .at_of_type(target, first.rtype)
        .filter(|r| r.pseudo().is_none())
        .collect();
    if targets.is_empty() {
        return None;
    }
    let of_target = repo_set(zone, targets.iter().copied().collect());
    Some(RepoSet {
        records: records.iter().copied().collect(),
        shown_from: Some(targets),
        alias_of: Some(target.to_owned()),
        ..of_target
    })
}

fn repo_set<'z>(zone: &Zone, records: RepoRecords<'z>) -> RepoSet<'z> {
    let mut values: Values = records
        .iter()
        .map(|r| Datum::from_model(r.rtype, &r.rdata, &zone.names))
        .collect();
    datum::normalise(&mut values);
    let pseudo = records.iter().find_map(|r| {
        if r.set_id().is_some() {
            return Some(
                "a routing set: which record a client gets depends on the provider's policy"
                    .to_string(),
            );
        }
        r.pseudo().map(|p| {
            use crate::dns::provider::Pseudo;
            match p {
                Pseudo::Route53Alias(_) | Pseudo::Alias => {
                    "an alias: the provider answers with its target's records".to_string()
                }
                Pseudo::CloudflareProxied => {
                    "proxied by Cloudflare: clients get Cloudflare's addresses".to_string()
                }
                Pseudo::FlattenedCname => {
                    "a flattened CNAME: the provider answers with the target's addresses"
                        .to_string()
                }
            }
        })
    });
    RepoSet {
        ttl: records.iter().map(|r| r.ttl).max().unwrap_or(0),
        records,
        values,
        shown_from: None,
        alias_of: None,
        pseudo,
    }
}
