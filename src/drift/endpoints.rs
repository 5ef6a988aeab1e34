//! TLS drift: for each server name and TLS port of the nginx
//! configurations nginx loads, what the repository says nginx serves (each
//! `ssl_certificate`, by key type) and what each address of the name
//! serves, one handshake per address and key type.

use super::handshake::{self, KeyType};
use super::net::Net;
use super::report::{EndpointReport, Expected, Probe, Served};
use crate::dns::model::Zone;
use crate::dns::name::Name;
use crate::dns::rdata::RData;
use crate::nginx::listen::{Address, Protocol};
use crate::nginx::model::{Model, Server};
use crate::tls::cert::Cert;
use crate::tls::key::PublicKey;
use crate::tls::path::to_trusted_root;
use crate::tls::served::Served as ServedView;
use crate::tls::Bundle;
use futures_util::future::join_all;
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;

/// The port nginx serves TLS on when `ssl on;` gives no listen port.
const HTTPS: u16 = 443;

/// One name and port to probe, with what the configuration serves there.
struct Plan<'a> {
    name: String,
    port: u16,
    server: &'a Server,
    at: crate::source::Span,
    expected: Vec<Expected<'a>>,
}

pub async fn endpoints<'a>(
    net: &Net,
    models: &[&'a Model],
    bundles: &'a HashMap<PathBuf, &'a Bundle>,
    zones: &[Zone],
    extra_roots: &[Vec<u8>],
    notes: &mut Vec<String>,
) -> Vec<EndpointReport<'a>> {
    let plans = plans(models, bundles, extra_roots, notes);
    let handshakes = tokio::sync::Semaphore::new(net.settings.concurrency * 4);
    let handshakes = &handshakes;
    let skipped = std::sync::Mutex::new(Vec::new());
    let skipped_ref = &skipped;
    let reports = join_all(plans.into_iter().map(|plan| async move {
        net.status(&format!("TLS {}:{}", plan.name, plan.port));
        let (found, unresolved) = addresses(net, zones, &plan.name, plan.port).await;
        let mut addrs = Vec::new();
        for (addr, source) in found {
            match net.settings.may_contact(addr.ip()) {
                Ok(()) => addrs.push((addr, source)),
                Err(why) => {
                    if let Ok(mut notes) = skipped_ref.lock() {
                        notes.push(format!(
                            "TLS {}:{} at {addr} not probed: {why}",
                            plan.name, plan.port
                        ));
                    }
                }
            }
        }
        let keys = key_types(&plan.expected);
        let name = &plan.name;
        let probes = join_all(addrs.iter().flat_map(|(addr, source)| {
            keys.iter().map(move |&key| async move {
                let _permit = handshakes.acquire().await;
                let left = net
                    .deadline
                    .saturating_duration_since(tokio::time::Instant::now());
                let result = handshake::handshake(*addr, name, key, net.settings.timeout.min(left))
                    .await
                    .map(|shown| served(shown, extra_roots));
                Probe {
                    addr: *addr,
                    source: source.clone(),
                    key,
                    result,
                }
            })
        }))
        .await;
        EndpointReport {
            name: plan.name,
            port: plan.port,
            server: plan.server,
            at: plan.at,
            expected: plan.expected,
            probes,
            unresolved,
        }
    }))
    .await;
    // Probes finish in any order; the report must not.
    let mut skipped = skipped.into_inner().unwrap_or_default();
    skipped.sort();
    notes.extend(skipped);
    reports
}

/// The key types to ask for: each configured one when there are several,
/// else whatever the server prefers.
fn key_types(expected: &[Expected<'_>]) -> Vec<KeyType> {
    let mut keys: Vec<KeyType> = expected.iter().map(|e| e.key).collect();
    keys.sort();
    keys.dedup();
    if keys.len() > 1 {
        keys
    } else {
        vec![KeyType::Any]
    }
}

fn served(shown: handshake::Shown, extra_roots: &[Vec<u8>]) -> Served {
    let chain: Vec<Cert> = shown
        .chain
        .into_iter()
        .filter_map(|der| Cert::from_der(der).ok())
        .collect();
    let refs: Vec<&Cert> = chain.iter().collect();
    let path = to_trusted_root(&refs, extra_roots);
    Served {
        chain,
        version: shown.version,
        path,
    }
}

pub fn key_type(cert: &Cert) -> KeyType {
    match cert.public_key {
        PublicKey::Rsa { .. } => KeyType::Rsa,
        PublicKey::Ec { .. } => KeyType::Ecdsa,
        _ => KeyType::Any,
    }
}

/// Every TLS server name × port of the loaded configurations, with the
/// certificates read from the files their `ssl_certificate` name.
fn plans<'a>(
    models: &[&'a Model],
    bundles: &'a HashMap<PathBuf, &'a Bundle>,
    extra_roots: &[Vec<u8>],
    notes: &mut Vec<String>,
) -> Vec<Plan<'a>> {
    let mut plans: BTreeMap<(String, u16), Plan<'a>> = BTreeMap::new();
    for model in models.iter().filter(|m| m.loaded) {
        let view = ServedView::new(model, bundles);
        for server in view.tls_servers() {
            if server.protocol != Protocol::Http {
                continue;
            }
            let expected: Vec<Expected<'a>> = view
                .pairs(server)
                .iter()
                .filter_map(|pair| {
                    let bundle = view.bundle(pair.certificate)?;
                    let chain: Vec<&'a Cert> = leaf_first(bundle);
                    let leaf = chain.first()?;
                    Some(Expected {
                        key: key_type(leaf),
                        builds_to_root: !to_trusted_root(&chain, extra_roots).is_empty(),
                        chain,
                        at: pair.certificate.span,
                    })
                })
                .collect();
            if expected.is_empty() {
                continue; // nothing in this tree to compare with
            }
            for port in tls_ports(server) {
                for name in &server.names {
                    if !probeable(&name.name) {
                        if !name.name.is_empty() && name.name != "_" {
                            notes.push(format!(
                                "TLS: server_name {} is a pattern, not a name to connect to; not probed",
                                name.name
                            ));
                        }
                        continue;
                    }
                    plans
                        .entry((name.name.clone(), port))
                        .or_insert_with(|| Plan {
                            name: name.name.clone(),
                            port,
                            server,
                            at: name.span,
                            expected: expected.iter().map(copy_expected).collect(),
                        });
                }
            }
        }
    }
    plans.into_values().collect()
}

fn copy_expected<'a>(e: &Expected<'a>) -> Expected<'a> {
    Expected {
        key: e.key,
        chain: e.chain.clone(),
        at: e.at,
        builds_to_root: e.builds_to_root,
    }
}

/// The bundle's certificates, leaf first, then the rest in file order.
fn leaf_first(bundle: &Bundle) -> Vec<&Cert> {
    let Some((leaf, _)) = bundle.leaf() else {
        return Vec::new();
    };
    let mut chain = vec![leaf];
    chain.extend(
        bundle
            .certs
            .iter()
            .map(|(c, _)| c)
            .filter(|c| !std::ptr::eq(*c, leaf)),
    );
    chain
}

/// The TCP ports a server block terminates TLS on.
fn tls_ports(server: &Server) -> Vec<u16> {
    let mut ports: Vec<u16> = server
        .listens
        .iter()
        .filter(|l| (l.params.ssl || server.ssl_on) && !l.params.socket.udp)
        .filter(|l| !matches!(l.params.socket.address, Address::Unix(_)))
        .filter_map(|l| l.params.socket.port.as_deref()?.parse().ok())
        .collect();
    if ports.is_empty() && server.ssl_on {
        ports.push(HTTPS);
    }
    ports.sort_unstable();
    ports.dedup();
    ports
}

/// A name a client can send as SNI: no pattern, no wildcard, no variable.
fn probeable(name: &str) -> bool {
    !name.is_empty()
        && name != "_"
        && !name.starts_with('~')
        && !name.contains(['*', '$'])
        && name.contains('.')
}

/// The name a chain of CNAMEs in the repository's zones ends at (at most 8).
fn follow_cnames(zones: &[Zone], mut host: Name) -> Name {
    for _ in 0..8 {
        let target = zones.iter().find_map(|z| {
            z.at_of_type(&host, crate::dns::rdata::RType::CNAME)
                .find_map(|r| z.target(r).map(ToOwned::to_owned))
        });
        match target {
            Some(next) if next != host => host = next,
            _ => break,
        }
    }
    host
}

/// Where `name` is reached on `port`: `--connect`, else the repository's
/// own address records for the name, else the resolver.
async fn addresses(
    net: &Net,
    zones: &[Zone],
    name: &str,
    port: u16,
) -> (Vec<(SocketAddr, String)>, Option<String>) {
    let given: Vec<(SocketAddr, String)> = (net.settings.connect.iter())
        .filter(|e| e.matches(name, port))
        .map(|e| (e.address(port), "--connect".to_string()))
        .collect();
    if !given.is_empty() {
        return (given, None);
    }
    let Ok(host) = Name::parse(&format!("{}.", name.trim_end_matches('.')), None) else {
        return (Vec::new(), Some(format!("`{name}` is not a host name")));
    };
    let host = follow_cnames(zones, host);
    let in_zones: Vec<(SocketAddr, String)> = zones
        .iter()
        .flat_map(|z| z.at(&host).map(move |r| (z, r)))
        .filter_map(|(z, r)| {
            let ip = match &r.rdata {
                RData::A(ip) => std::net::IpAddr::V4(*ip),
                RData::Aaaa(ip) => std::net::IpAddr::V6(*ip),
                _ => return None,
            };
            Some((
                SocketAddr::new(ip, port),
                format!("the {} record in zone {}", r.rtype, z.origin),
            ))
        })
        .collect();
    if !in_zones.is_empty() {
        return (in_zones, None);
    }
    match net.resolver.addresses(&host).await {
        Ok(ips) if !ips.is_empty() => (
            ips.into_iter()
                .map(|ip| (SocketAddr::new(ip, port), net.resolver.describe()))
                .collect(),
            None,
        ),
        Ok(_) => (Vec::new(), Some(format!("{name} has no address"))),
        Err(why) => (
            Vec::new(),
            Some(format!(
                "no address for {name} from {}: {why}",
                net.resolver.describe()
            )),
        ),
    }
}
