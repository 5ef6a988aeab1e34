//! The repository's RRsets and each server's, side by side: which sets are
//! compared, in which form (see [`super::datum`]), and how a provider
//! pseudo-record or an alias reads.

use super::datum::Datum;
use super::live::WireRecord;
use super::report::{Found, LiveSet, RepoSet, SetReport};
use crate::dns::model::Zone;
use crate::dns::name::Name;
use crate::dns::rdata::{RData, RType};
use crate::dns::zone::Record;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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
pub type LiveZone = HashMap<Key, Found>;

/// The repository's RRsets that are compared, by key.
pub fn repo_sets<'z>(
    zone: &'z Zone,
    ignored: impl Fn(&Name) -> bool,
) -> BTreeMap<Key, Vec<&'z Record>> {
    let mut sets: BTreeMap<Key, Vec<&'z Record>> = BTreeMap::new();
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

/// A transfer's records, by RRset; the file's RRsets it lacks are absent.
pub fn from_transfer(zone: &Zone, keys: &[Key], records: Vec<WireRecord>) -> LiveZone {
    let mut grouped: HashMap<Key, (Vec<Datum>, u32)> = HashMap::with_capacity(keys.len());
    for r in records {
        if r.rtype == RType::SOA || !zone.contains(&r.owner) {
            continue;
        }
        let entry = grouped.entry((r.owner, r.rtype)).or_default();
        entry.0.push(r.datum);
        entry.1 = entry.1.max(r.ttl);
    }
    let mut live: LiveZone = grouped
        .into_iter()
        .map(|(key, (values, ttl))| (key, present(values, ttl, "AXFR, NOERROR".to_string())))
        .collect();
    for key in keys {
        live.entry(key.clone()).or_insert_with(|| Found::Absent {
            how: "AXFR, NOERROR: not in the zone transfer".to_string(),
        });
    }
    live
}

pub fn present(mut values: Vec<Datum>, ttl: u32, how: String) -> Found {
    values.sort_unstable();
    values.dedup();
    Found::Present { values, ttl, how }
}

/// Every RRset of the file and of any server, side by side; the live maps
/// are emptied into the report.
pub fn compare<'z>(
    zone: &'z Zone,
    repo: BTreeMap<Key, Vec<&'z Record>>,
    mut live: Vec<Option<LiveZone>>,
    ignored: impl Fn(&Name) -> bool,
) -> Vec<SetReport<'z>> {
    let signed = zone
        .records
        .iter()
        .any(|r| SIGNING_TYPES.contains(&r.rtype.0));
    let mut keys: BTreeSet<Key> = repo.keys().cloned().collect();
    for sets in live.iter().flatten() {
        keys.extend(
            sets.iter()
                .filter(|(_, f)| matches!(f, Found::Present { .. }))
                .map(|(k, _)| k.clone()),
        );
    }
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        let (owner, rtype) = &key;
        if !signed && SIGNING_TYPES.contains(&rtype.0) && !repo.contains_key(&key) {
            continue;
        }
        if ignored(owner) {
            continue;
        }
        let repo_set = repo
            .get(&key)
            .map(|records| through_alias(zone, records).unwrap_or_else(|| repo_set(zone, records)));
        let mut sets = Vec::new();
        for (server, zone_live) in live.iter_mut().enumerate() {
            let Some(zone_live) = zone_live else { continue };
            if let Some(found) = zone_live.remove(&key) {
                sets.push(LiveSet { server, found });
            }
        }
        out.push(SetReport {
            owner: owner.clone(),
            rtype: *rtype,
            repo: repo_set,
            live: sets,
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
    let of_target = repo_set(zone, &targets);
    Some(RepoSet {
        records: records.to_vec(),
        alias_of: Some(target.to_owned()),
        ..of_target
    })
}

fn repo_set<'z>(zone: &Zone, records: &[&'z Record]) -> RepoSet<'z> {
    let mut values: Vec<Datum> = records
        .iter()
        .map(|r| Datum::from_model(r.rtype, &r.rdata, &zone.names))
        .collect();
    values.sort_unstable();
    values.dedup();
    let pseudo = records.iter().find_map(|r| {
        if r.set_id().is_some() {
            return Some(
                "a routing set: which record a client gets depends on the provider's policy"
                    .to_string(),
            );
        }
        r.pseudo().map(|p| {
            use crate::dns::zone::Pseudo;
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
        records: records.to_vec(),
        values,
        shown_from: records.to_vec(),
        alias_of: None,
        pseudo,
    }
}
