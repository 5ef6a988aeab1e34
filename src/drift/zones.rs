//! DNS drift: each zone of the repository asked of each of its
//! authoritative server addresses — SOA first (is it there, authoritative,
//! at which serial), then the whole zone by transfer when allowed, else one
//! query per RRset of the file plus probes for records the file lacks — and
//! the delegation asked of the parent zone's servers.

use super::live::LiveRecord;
use super::net::Net;
use super::query::{Answer, Server};
use super::report::{Found, LiveSet, RepoSet, ServerReport, ServerState, SetReport, ZoneReport};
use crate::dns::model::Zone;
use crate::dns::name::Name;
use crate::dns::rdata::{RData, RType};
use crate::dns::zone::Record;
use crate::source::Span;
use futures_util::future::join_all;
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;

/// Types a server may add by signing the zone itself: not compared when
/// the repository's zone carries none of them.
const SIGNING_TYPES: &[&str] = &[
    "RRSIG",
    "NSEC",
    "NSEC3",
    "NSEC3PARAM",
    "DNSKEY",
    "CDS",
    "CDNSKEY",
    "TYPE65534",
];

/// Types probed at each name of the file when no transfer is allowed: the
/// ones edited by hand in a provider console.
const PROBED_TYPES: &[RType] = &[RType::A, RType::AAAA, RType::CNAME, RType::MX, RType::TXT];

/// Probes per zone and server at most: extra records beyond them are found
/// only by a transfer.
const MAX_PROBES: usize = 2_000;

type Key = (Name, RType);

/// What one server serves of the zone, by RRset.
type LiveZone = BTreeMap<Key, Found>;

/// A server address to ask, or why there is none.
struct Target {
    label: String,
    addr: Result<SocketAddr, String>,
    ns_record: Option<Span>,
}

pub async fn zone<'z>(net: &Net, zone: &'z Zone, notes: &mut Vec<String>) -> ZoneReport<'z> {
    let origin = &zone.origin;
    net.status(&format!("{origin}: finding its servers"));
    let targets: Vec<Target> = targets(net, zone)
        .await
        .into_iter()
        .filter(
            |t| match t.addr.as_ref().map(|a| net.settings.may_contact(a.ip())) {
                Ok(Err(why)) => {
                    notes.push(format!("{origin}: {} not asked: {why}", t.label));
                    false
                }
                _ => true,
            },
        )
        .collect();
    let signed = zone
        .records
        .iter()
        .any(|r| SIGNING_TYPES.contains(&r.rtype.name().as_str()));
    let repo = repo_sets(net, zone);
    let asked: Vec<Key> = repo.keys().cloned().collect();
    let results = join_all(targets.iter().map(|t| async {
        match &t.addr {
            Ok(addr) => ask(net, zone, &asked, *addr).await,
            Err(why) => (
                ServerState::Unreachable { why: why.clone() },
                None,
                None,
                Vec::new(),
            ),
        }
    }))
    .await;

    let mut servers = Vec::new();
    let mut live: Vec<Option<LiveZone>> = Vec::new();
    for (target, (state, transfer, sets, server_notes)) in targets.into_iter().zip(results) {
        notes.extend(server_notes);
        servers.push(ServerReport {
            label: target.label,
            addr: target
                .addr
                .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0))),
            ns_record: target.ns_record,
            state,
            transfer: transfer.clone(),
            transfer_required: net.settings.axfr(origin) == super::config::Axfr::Always,
        });
        live.push(sets);
    }
    let sets = compare(zone, repo, &live, signed, net);
    let delegation = super::delegation::parents(net, zone, notes).await;
    let (serial, at) = match zone.soa() {
        Some((record, soa)) => (Some(soa.serial), record.span),
        None => (None, Span::new(zone.file, 0, 0)),
    };
    ZoneReport {
        zone,
        serial,
        serial_tolerance: net.settings.serial_tolerance(origin),
        at,
        servers,
        sets,
        delegation,
    }
}

/// The zone's server addresses: `--server`/`[drift.zones]`, else its apex
/// NS, each host's addresses from the zone's own records (glue) or the
/// resolver.
async fn targets(net: &Net, zone: &Zone) -> Vec<Target> {
    if let Some(addrs) = net.settings.servers.get(&zone.origin) {
        return addrs
            .iter()
            .map(|a| Target {
                label: a.to_string(),
                addr: Ok(*a),
                ns_record: None,
            })
            .collect();
    }
    let mut targets = Vec::new();
    for record in zone.apex_ns() {
        let RData::Target(host) = record.rdata else {
            continue;
        };
        let host = zone.name(host);
        let glue: Vec<SocketAddr> = zone
            .at(host)
            .filter_map(|r| match &r.rdata {
                RData::A(ip) => Some(SocketAddr::from((*ip, 53))),
                RData::Aaaa(ip) => Some(SocketAddr::from((*ip, 53))),
                _ => None,
            })
            .collect();
        let addrs = if glue.is_empty() {
            match net.resolver.addresses(host).await {
                Ok(ips) if !ips.is_empty() => {
                    ips.into_iter().map(|ip| SocketAddr::new(ip, 53)).collect()
                }
                Ok(_) => Vec::new(),
                Err(why) => {
                    targets.push(Target {
                        label: host.to_string(),
                        addr: Err(format!(
                            "no address for {host} from {}: {why}",
                            net.resolver.describe()
                        )),
                        ns_record: Some(record.span),
                    });
                    continue;
                }
            }
        } else {
            glue
        };
        if addrs.is_empty() {
            targets.push(Target {
                label: host.to_string(),
                addr: Err(format!("{host} has no address")),
                ns_record: Some(record.span),
            });
        }
        for addr in addrs {
            targets.push(Target {
                label: format!("{host} ({addr})"),
                addr: Ok(addr),
                ns_record: Some(record.span),
            });
        }
    }
    targets
}

/// The repository's RRsets that are compared, by key.
fn repo_sets<'z>(net: &Net, zone: &'z Zone) -> BTreeMap<Key, Vec<&'z Record>> {
    let mut sets: BTreeMap<Key, Vec<&'z Record>> = BTreeMap::new();
    for set in zone.rrsets() {
        if set.rtype == RType::SOA
            || !zone.contains(set.owner())
            || net.settings.ignores(&zone.origin, set.owner())
        {
            continue;
        }
        sets.entry((set.owner().to_owned(), set.rtype))
            .or_default()
            .extend(set.records());
    }
    sets
}

type Asked = (
    ServerState,
    Option<Result<usize, String>>,
    Option<LiveZone>,
    Vec<String>,
);

/// Everything one server address is asked about the zone.
async fn ask(net: &Net, zone: &Zone, keys: &[Key], addr: SocketAddr) -> Asked {
    let origin = &zone.origin;
    let server = net.server(addr);
    net.status(&format!("{origin}: {addr} SOA"));
    let soa = match server.query(origin, RType::SOA).await {
        Err(e) => {
            return (
                ServerState::Unreachable { why: e.to_string() },
                None,
                None,
                Vec::new(),
            )
        }
        Ok(answer) => answer,
    };
    let serial = soa.answers.iter().find_map(|r| match &r.rdata {
        RData::Soa(s) if &r.owner == origin => Some(s.serial),
        _ => None,
    });
    let lame = if soa.rcode != "NOERROR" {
        Some(format!("answers {} for the zone's SOA", soa.rcode))
    } else if !soa.authoritative {
        Some("answers without the AA bit: it does not serve the zone as its authority".to_string())
    } else if serial.is_none() {
        Some("gives no SOA for the zone".to_string())
    } else {
        None
    };
    let (Some(serial), None) = (serial, lame.clone()) else {
        let why = lame.unwrap_or_default();
        return (
            ServerState::Lame {
                why,
                soa: Some(soa),
            },
            None,
            None,
            Vec::new(),
        );
    };
    let state = ServerState::Serving {
        serial,
        soa: soa.clone(),
    };
    let mut notes = Vec::new();
    let mode = net.settings.axfr(origin);
    let mut transfer = None;
    if mode != super::config::Axfr::Never {
        net.status(&format!("{origin}: {addr} zone transfer"));
        match server.axfr(origin).await {
            Ok(records) => {
                let count = records.len();
                let live = from_transfer(zone, keys, records);
                return (state, Some(Ok(count)), Some(live), notes);
            }
            Err(why) => {
                transfer = Some(Err(why));
                if mode == super::config::Axfr::Always {
                    return (state, transfer, None, notes);
                }
            }
        }
    }
    net.status(&format!("{origin}: {addr} {} RRsets", keys.len()));
    let mut live: LiveZone = BTreeMap::new();
    let answered = join_all(keys.iter().map(|(owner, rtype)| {
        let server = server.clone();
        async move {
            (
                (owner.clone(), *rtype),
                found(&server, zone, owner, *rtype).await,
            )
        }
    }))
    .await;
    live.extend(answered);
    let (probes, skipped) = probes(zone, keys);
    if skipped > 0 {
        notes.push(format!(
            "{origin}: {addr} allows no zone transfer; {} of {} names probed for records the file lacks",
            probes.len(),
            probes.len() + skipped
        ));
    }
    let probed = join_all(probes.iter().map(|(owner, rtype)| {
        let server = server.clone();
        async move {
            (
                (owner.clone(), *rtype),
                found(&server, zone, owner, *rtype).await,
            )
        }
    }))
    .await;
    live.extend(
        probed
            .into_iter()
            .filter(|(_, f)| matches!(f, Found::Present { .. })),
    );
    (state, transfer, Some(live), notes)
}

/// A transfer's records, by RRset; the file's RRsets it lacks are absent.
fn from_transfer(zone: &Zone, keys: &[Key], records: Vec<LiveRecord>) -> LiveZone {
    let mut grouped: BTreeMap<Key, Vec<LiveRecord>> = BTreeMap::new();
    for r in records {
        if r.rtype == RType::SOA || !zone.contains(&r.owner) {
            continue;
        }
        grouped
            .entry((r.owner.clone(), r.rtype))
            .or_default()
            .push(r);
    }
    let mut live: LiveZone = grouped
        .into_iter()
        .map(|(key, records)| (key, present(&records, "AXFR, NOERROR".to_string())))
        .collect();
    for key in keys {
        live.entry(key.clone()).or_insert_with(|| Found::Absent {
            how: "AXFR, NOERROR: not in the zone transfer".to_string(),
        });
    }
    live
}

fn present(records: &[LiveRecord], how: String) -> Found {
    let mut pairs: Vec<(String, String)> = records
        .iter()
        .map(|r| (r.canonical(), r.presentation()))
        .collect();
    pairs.sort();
    pairs.dedup_by(|a, b| a.0 == b.0);
    let (values, shown) = pairs.into_iter().unzip();
    Found::Present {
        values,
        shown,
        ttl: records.iter().map(|r| r.ttl).max().unwrap_or(0),
        how,
    }
}

/// One RRset asked of one server.
async fn found(server: &Server, zone: &Zone, owner: &Name, rtype: RType) -> Found {
    let answer = match server.query(owner, rtype).await {
        Ok(a) => a,
        Err(e) => return Found::Failed { why: e.to_string() },
    };
    let how = answer.describe();
    let matching = |records: &[LiveRecord]| -> Vec<LiveRecord> {
        records
            .iter()
            .filter(|r| &r.owner == owner && r.rtype == rtype)
            .cloned()
            .collect()
    };
    let mut records = matching(&answer.answers);
    // Below a zone cut the server refers: NS in the authority section,
    // glue in the additional one.
    if records.is_empty() && is_referral(&answer, zone) {
        records = matching(&answer.authority);
        records.extend(matching(&answer.additional));
    }
    if !records.is_empty() {
        return present(&records, how);
    }
    match answer.rcode.as_str() {
        "NXDOMAIN" => Found::Absent {
            how: format!("{how}: NXDOMAIN"),
        },
        "NOERROR" => {
            let cname = answer
                .answers
                .iter()
                .find(|r| &r.owner == owner && r.rtype == RType::CNAME);
            let what = match cname {
                Some(c) => format!("{how}: a CNAME to {}", c.presentation()),
                None => format!("{how}: no {rtype} records (NODATA)"),
            };
            Found::Absent { how: what }
        }
        _ => Found::Failed {
            why: how.to_string(),
        },
    }
}

fn is_referral(answer: &Answer, zone: &Zone) -> bool {
    !answer.authoritative
        && answer
            .authority
            .iter()
            .any(|r| r.rtype == RType::NS && r.owner != zone.origin)
}

/// The (name, type) pairs probed for records the file lacks, and how many
/// were left out by [`MAX_PROBES`].
fn probes(zone: &Zone, keys: &[Key]) -> (Vec<Key>, usize) {
    let present: BTreeSet<&Key> = keys.iter().collect();
    let owners: BTreeSet<&Name> = keys.iter().map(|(o, _)| o).collect();
    let mut wanted = Vec::new();
    for owner in owners {
        if !zone.is_authoritative_for(owner) || zone.is_delegation(owner) {
            continue;
        }
        let is_cname = present.contains(&(owner.clone(), RType::CNAME));
        if is_cname {
            continue; // a CNAME owner has no other data
        }
        for rtype in PROBED_TYPES {
            if !present.contains(&(owner.clone(), *rtype)) {
                wanted.push((owner.clone(), *rtype));
            }
        }
    }
    let skipped = wanted.len().saturating_sub(MAX_PROBES);
    wanted.truncate(MAX_PROBES);
    (wanted, skipped)
}

/// Every RRset of the file and of any server, side by side.
fn compare<'z>(
    zone: &'z Zone,
    repo: BTreeMap<Key, Vec<&'z Record>>,
    live: &[Option<LiveZone>],
    signed: bool,
    net: &Net,
) -> Vec<SetReport<'z>> {
    let mut keys: BTreeSet<Key> = repo.keys().cloned().collect();
    for sets in live.iter().flatten() {
        keys.extend(
            sets.iter()
                .filter(|(_, f)| matches!(f, Found::Present { .. }))
                .map(|(k, _)| k.clone()),
        );
    }
    let mut out = Vec::new();
    for key in keys {
        let (owner, rtype) = &key;
        if !signed && SIGNING_TYPES.contains(&rtype.name().as_str()) && !repo.contains_key(&key) {
            continue;
        }
        if net.settings.ignores(&zone.origin, owner) {
            continue;
        }
        let repo_set = repo
            .get(&key)
            .map(|records| through_alias(zone, records).unwrap_or_else(|| repo_set(zone, records)));
        let mut sets = Vec::new();
        for (server, zone_live) in live.iter().enumerate() {
            let Some(zone_live) = zone_live else { continue };
            if let Some(found) = zone_live.get(&key) {
                sets.push(LiveSet {
                    server,
                    found: found.clone(),
                });
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
        shown: of_target
            .shown
            .iter()
            .map(|v| format!("{v} (alias to {target})"))
            .collect(),
        ..of_target
    })
}

fn repo_set<'z>(zone: &Zone, records: &[&'z Record]) -> RepoSet<'z> {
    let names = &zone.names;
    let mut pairs: Vec<(String, String)> = records
        .iter()
        .map(|r| {
            (
                r.rdata.canonical(r.rtype, names),
                r.rdata.presentation(names),
            )
        })
        .collect();
    pairs.sort();
    pairs.dedup_by(|a, b| a.0 == b.0);
    let (values, shown) = pairs.into_iter().unzip();
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
        shown,
        pseudo,
    }
}
