//! The delegation: what the parent zone's servers hand out for a zone (its
//! NS set and glue), asked without recursion of each parent server address
//! (`--parent-server`, else found through the resolver).

use super::live::LiveRecord;
use super::net::Net;
use super::query::Answer;
use super::report::{Delegation, ParentReport};
use crate::dns::model::Zone;
use crate::dns::name::Name;
use crate::dns::rdata::RType;
use futures_util::future::join_all;
use std::net::SocketAddr;

/// Parent zone server addresses asked at most.
const MAX_PARENT_ADDRESSES: usize = 6;

/// The parent zone's servers and what each hands out for the zone, and
/// why the delegation was not compared when servers were given or found
/// but none gave a usable answer. No parent found at all is only a note:
/// the check is optional where the resolver cannot see the parent.
pub async fn parents(
    net: &Net,
    zone: &Zone,
    notes: &mut Vec<String>,
) -> (Vec<ParentReport>, Option<String>) {
    let origin = &zone.origin;
    let mut addrs: Vec<(String, SocketAddr)> = net
        .settings
        .parent_servers
        .iter()
        .map(|a| (a.to_string(), *a))
        .collect();
    if addrs.is_empty() {
        net.status(&format!("{origin}: finding the parent zone's servers"));
        match parent_servers(net, origin).await {
            Ok(found) => addrs = found,
            Err(why) => {
                notes.push(format!("{origin}: delegation not checked: {why}"));
                return (Vec::new(), None);
            }
        }
    }
    let mut refused = Vec::new();
    addrs.retain(|(label, addr)| match net.settings.may_contact(*addr) {
        Ok(()) => true,
        Err(why) => {
            refused.push(format!("{label} not asked: {why}"));
            false
        }
    });
    net.status(&format!("{origin}: the delegation"));
    let reports: Vec<ParentReport> = join_all(addrs.into_iter().map(|(label, addr)| async move {
        let server = net.server(addr);
        let result = match server.query(origin, RType::NS).await {
            Err(e) => Err(e.to_string()),
            Ok(answer) => delegation(&answer, origin),
        };
        ParentReport {
            label,
            addr,
            result,
        }
    }))
    .await;
    let failed: Vec<String> = reports
        .iter()
        .filter_map(|p| p.result.as_ref().err().map(|e| format!("{}: {e}", p.label)))
        .collect();
    let unchecked = if reports.iter().all(|p| p.result.is_err()) {
        let all: Vec<String> = refused.into_iter().chain(failed).collect();
        Some(all.join("; "))
    } else {
        notes.extend(refused);
        notes.extend(
            failed
                .iter()
                .map(|f| format!("{origin}: parent server {f}")),
        );
        None
    };
    (reports, unchecked)
}

async fn parent_servers(net: &Net, origin: &Name) -> Result<Vec<(String, SocketAddr)>, String> {
    let mut parent = origin
        .parent()
        .ok_or_else(|| "the root zone has no parent".to_string())?;
    let hosts = loop {
        match net.resolver.name_servers(&parent).await {
            Ok(hosts) if !hosts.is_empty() => break hosts,
            _ => match parent.parent() {
                Some(up) => parent = up,
                None => {
                    return Err(format!(
                        "no parent zone found through {}",
                        net.resolver.describe()
                    ))
                }
            },
        }
    };
    let mut addrs = Vec::new();
    for host in hosts {
        if let Ok(ips) = net.resolver.addresses(&host).await {
            for ip in ips {
                let addr = SocketAddr::new(ip, 53);
                addrs.push((format!("{host} ({addr}), a server of {parent}"), addr));
            }
        }
        if addrs.len() >= MAX_PARENT_ADDRESSES {
            break;
        }
    }
    if addrs.is_empty() {
        return Err(format!("no address for the servers of {parent}"));
    }
    addrs.truncate(MAX_PARENT_ADDRESSES);
    Ok(addrs)
}

/// The NS set and glue a parent server gives for `origin`: a referral, or
/// an authoritative answer when the same server serves both zones.
fn delegation(answer: &Answer, origin: &Name) -> Result<Delegation, String> {
    let ns_of = |records: &[LiveRecord]| -> Vec<Name> {
        records
            .iter()
            .filter(|r| &r.owner == origin && r.rtype == RType::NS)
            .filter_map(LiveRecord::target)
            .collect()
    };
    let mut ns = ns_of(&answer.answers);
    if ns.is_empty() {
        ns = ns_of(&answer.authority);
    }
    if ns.is_empty() {
        return Err(format!("{}: no NS records for {origin}", answer.describe()));
    }
    ns.sort();
    ns.dedup();
    let mut glue: Vec<(Name, String)> = answer
        .additional
        .iter()
        .filter(|r| ns.contains(&r.owner) && (r.rtype == RType::A || r.rtype == RType::AAAA))
        .map(|r| (r.owner.clone(), r.presentation()))
        .collect();
    glue.sort();
    glue.dedup();
    Ok(Delegation {
        ns,
        glue,
        how: answer.describe(),
    })
}
