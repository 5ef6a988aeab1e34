//! DNS drift: each zone of the repository asked of each of its
//! authoritative server addresses — SOA first (is it there, authoritative,
//! at which serial), then the whole zone by transfer when allowed, else one
//! query per RRset of the file plus probes for records the file lacks — and
//! the delegation asked of the parent zone's servers. A server that is not
//! asked, and every query that gets no usable answer, is counted: the rules
//! say what was not compared.

use super::config::Axfr;
use super::live::LiveRecord;
use super::net::Net;
use super::query::{Answer, Server};
use super::report::{Found, QueryTally, ServerReport, ServerState, ZoneReport};
use super::sets::{self, Key, LiveZone};
use crate::dns::model::Zone;
use crate::dns::name::Name;
use crate::dns::rdata::{RData, RType};
use crate::source::Span;
use futures_util::future::join_all;
use std::collections::BTreeSet;
use std::net::SocketAddr;

/// Types probed at each name of the file when no transfer is allowed: the
/// ones edited by hand in a provider console.
const PROBED_TYPES: &[RType] = &[RType::A, RType::AAAA, RType::CNAME, RType::MX, RType::TXT];

/// Probes per zone and server at most: extra records beyond them are found
/// only by a transfer.
const MAX_PROBES: usize = 2_000;

/// A server address to ask, or why it is not asked.
struct Target {
    label: String,
    addr: Option<SocketAddr>,
    ns_host: Option<Name>,
    ns_record: Option<Span>,
    /// Why it is not asked: no address, or one not to be contacted.
    problem: Option<ServerState>,
}

pub async fn zone<'z>(net: &Net, zone: &'z Zone, notes: &mut Vec<String>) -> ZoneReport<'z> {
    let origin = &zone.origin;
    net.status(&format!("{origin}: finding its servers"));
    let targets = targets(net, zone).await;
    let unasked = targets.is_empty().then(|| {
        format!(
            "no server to ask: {origin} has no NS records at its apex, and no --server or [drift.zones] servers names one"
        )
    });
    let ignored = |owner: &Name| net.settings.ignores(origin, owner);
    let repo = sets::repo_sets(zone, ignored);
    let asked: Vec<Key> = repo.keys().cloned().collect();
    let results = join_all(targets.iter().map(|t| async {
        match (&t.problem, t.addr) {
            (None, Some(addr)) => ask(net, zone, &asked, addr).await,
            _ => Asked::default(),
        }
    }))
    .await;

    let mut servers = Vec::new();
    let mut live: Vec<Option<LiveZone>> = Vec::new();
    for (target, asked) in targets.into_iter().zip(results) {
        notes.extend(asked.notes);
        let state = target
            .problem
            .or(asked.state)
            .unwrap_or(ServerState::Unreachable {
                why: "not asked".into(),
            });
        servers.push(ServerReport {
            label: target.label,
            addr: target
                .addr
                .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0))),
            ns_host: target.ns_host,
            ns_record: target.ns_record,
            state,
            transfer: asked.transfer,
            transfer_required: net.settings.axfr(origin) == Axfr::Always,
            queries: asked.queries,
        });
        live.push(asked.sets);
    }
    let sets = sets::compare(zone, repo, live, ignored);
    let (delegation, delegation_unchecked) = super::delegation::parents(net, zone, notes).await;
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
        unasked,
        delegation_unchecked,
    }
}

/// The zone's server addresses: `--server ZONE=`/`[drift.zones]`, else
/// its apex NS, each host at `--server NSHOST=`, else its addresses from
/// the zone's own records (glue) or the resolver. Addresses the repository
/// names are asked only if [`super::config::Settings::may_contact`] allows.
async fn targets(net: &Net, zone: &Zone) -> Vec<Target> {
    let allowed = |addr: SocketAddr| match net.settings.may_contact(addr) {
        Ok(()) => None,
        Err(why) => Some(ServerState::NotAsked { why }),
    };
    if let Some(addrs) = net.settings.servers.get(&zone.origin) {
        return addrs
            .iter()
            .map(|a| Target {
                label: a.to_string(),
                addr: Some(*a),
                ns_host: None,
                ns_record: None,
                problem: allowed(*a),
            })
            .collect();
    }
    let mut targets = Vec::new();
    for record in zone.apex_ns() {
        let RData::Target(host) = record.rdata else {
            continue;
        };
        let host = zone.name(host);
        let unreachable = |why: String| Target {
            label: host.to_string(),
            addr: None,
            ns_host: Some(host.to_owned()),
            ns_record: Some(record.span),
            problem: Some(ServerState::Unreachable { why }),
        };
        let addrs: Vec<SocketAddr> = if let Some(given) = net.settings.ns_hosts.get(host) {
            given.clone()
        } else {
            let glue: Vec<SocketAddr> = zone
                .at(host)
                .filter_map(|r| match &r.rdata {
                    RData::A(ip) => Some(SocketAddr::from((*ip, 53))),
                    RData::Aaaa(ip) => Some(SocketAddr::from((*ip, 53))),
                    _ => None,
                })
                .collect();
            if !glue.is_empty() {
                glue
            } else {
                match net.resolver.addresses(host).await {
                    Ok(ips) => ips.into_iter().map(|ip| SocketAddr::new(ip, 53)).collect(),
                    Err(why) => {
                        targets.push(unreachable(format!(
                            "no address for {host} from {}: {why}",
                            net.resolver.describe()
                        )));
                        continue;
                    }
                }
            }
        };
        if addrs.is_empty() {
            targets.push(unreachable(format!("{host} has no address")));
        }
        for addr in addrs {
            targets.push(Target {
                label: format!("{host} ({addr})"),
                addr: Some(addr),
                ns_host: Some(host.to_owned()),
                ns_record: Some(record.span),
                problem: allowed(addr),
            });
        }
    }
    targets
}

/// What asking one server address gave.
#[derive(Default)]
struct Asked {
    state: Option<ServerState>,
    transfer: Option<Result<usize, String>>,
    sets: Option<LiveZone>,
    queries: QueryTally,
    notes: Vec<String>,
}

/// Everything one server address is asked about the zone.
async fn ask(net: &Net, zone: &Zone, keys: &[Key], addr: SocketAddr) -> Asked {
    let origin = &zone.origin;
    let server = net.server(addr);
    net.status(&format!("{origin}: {addr} SOA"));
    let soa = match server.query(origin, RType::SOA).await {
        Err(e) => {
            return Asked {
                state: Some(ServerState::Unreachable { why: e.to_string() }),
                ..Asked::default()
            }
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
        return Asked {
            state: Some(ServerState::Lame {
                why: lame.unwrap_or_default(),
                soa: Some(soa),
            }),
            ..Asked::default()
        };
    };
    let mut asked = Asked {
        state: Some(ServerState::Serving { serial, soa }),
        ..Asked::default()
    };
    let mode = net.settings.axfr(origin);
    if mode != Axfr::Never {
        net.status(&format!("{origin}: {addr} zone transfer"));
        match server.axfr(origin).await {
            Ok(records) => {
                let count = records.len();
                asked.sets = Some(sets::from_transfer(zone, keys.len(), records));
                asked.transfer = Some(Ok(count));
                return asked;
            }
            Err(why) => {
                asked.transfer = Some(Err(why));
                if mode == Axfr::Always {
                    return asked;
                }
            }
        }
    }
    net.status(&format!("{origin}: {addr} {} RRsets", keys.len()));
    let mut live = LiveZone {
        sets: std::collections::HashMap::with_capacity(keys.len()),
        complete: false,
    };
    for (key, found) in ask_all(&server, zone, keys).await {
        count(&mut asked.queries, &key, &found);
        live.sets.insert(key, found);
    }
    let (probes, skipped) = probes(zone, keys);
    if skipped > 0 {
        let why = match mode {
            Axfr::Never => "no zone transfer was asked (--axfr never)",
            _ => "it refused the zone transfer",
        };
        asked.notes.push(format!(
            "{origin}: {addr}: {why}; {} of {} names probed for records the file lacks",
            probes.len(),
            probes.len() + skipped
        ));
    }
    for (key, found) in ask_all(&server, zone, &probes).await {
        count(&mut asked.queries, &key, &found);
        if matches!(found, Found::Present { .. }) {
            live.sets.insert(key, found);
        }
    }
    asked.sets = Some(live);
    asked
}

fn count(tally: &mut QueryTally, (owner, rtype): &Key, found: &Found) {
    tally.asked += 1;
    if let Found::Failed { why } = found {
        tally.fail(why, || format!("{owner} {rtype}"));
    }
}

async fn ask_all(server: &Server, zone: &Zone, keys: &[Key]) -> Vec<(Key, Found)> {
    join_all(keys.iter().map(|(owner, rtype)| async move {
        (
            (owner.clone(), *rtype),
            found(server, zone, owner, *rtype).await,
        )
    }))
    .await
}

/// One RRset asked of one server.
async fn found(server: &Server, zone: &Zone, owner: &Name, rtype: RType) -> Found {
    let answer = match server.query(owner, rtype).await {
        Ok(a) => a,
        Err(e) => return Found::Failed { why: e.to_string() },
    };
    let how = answer.describe();
    fn matching<'r>(records: &'r [LiveRecord], owner: &Name, rtype: RType) -> Vec<&'r LiveRecord> {
        records
            .iter()
            .filter(|r| &r.owner == owner && r.rtype == rtype)
            .collect()
    }
    let mut records = matching(&answer.answers, owner, rtype);
    // Below a zone cut the server refers: NS in the authority section,
    // glue in the additional one.
    if records.is_empty() && is_referral(&answer, zone) {
        records = matching(&answer.authority, owner, rtype);
        records.extend(matching(&answer.additional, owner, rtype));
    }
    if !records.is_empty() {
        let ttl = records.iter().map(|r| r.ttl).max().unwrap_or(0);
        return sets::present(records.iter().map(|r| r.datum()).collect(), ttl, how);
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
        _ => Found::Failed { why: how },
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
