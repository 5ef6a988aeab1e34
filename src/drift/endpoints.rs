//! TLS drift: for each server block and TLS port of the nginx
//! configurations nginx loads, every name of it a client can send, probed
//! at each of its addresses — one handshake per name, address and key type
//! configured — whether or not the repository holds the certificate (with
//! certbot, it lives on the server only): expiry, names and the chain need
//! only the name. What the repository's files say nginx serves is set
//! beside it when the files are there.

use super::handshake::{self, KeyType};
use super::net::Net;
use super::report::{EndpointReport, Expected, Probe, Served};
use crate::dns::model::Zone;
use crate::dns::name::Name;
use crate::dns::rdata::RData;
use crate::nginx::listen::{Address, Protocol};
use crate::nginx::model::{Model, Server};
use crate::source::Span;
use crate::tls::cert::Cert;
use crate::tls::key::PublicKey;
use crate::tls::path::to_trusted_root;
use crate::tls::served::Served as ServedView;
use crate::tls::Bundle;
use futures_util::future::join_all;
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;

/// One server block and port to probe, with what the configuration serves.
struct Plan<'a> {
    names: Vec<(String, Span)>,
    port: u16,
    server: &'a Server,
    certificate_at: Option<Span>,
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
    join_all(plans.into_iter().map(|plan| async move {
        let mut targets = Vec::new();
        let mut unresolved = Vec::new();
        let mut skipped = Vec::new();
        for (name, _) in &plan.names {
            net.status(&format!("TLS {name}:{}", plan.port));
            match addresses(net, zones, name, plan.port).await {
                Ok(found) => {
                    for (addr, source) in found {
                        match net.settings.may_contact(addr) {
                            Ok(()) => targets.push((name.clone(), addr, source)),
                            Err(why) => skipped.push((name.clone(), addr, why)),
                        }
                    }
                }
                Err(why) => unresolved.push((name.clone(), why)),
            }
        }
        let keys = key_types(&plan.expected);
        let probes = join_all(targets.iter().flat_map(|(name, addr, source)| {
            keys.iter().map(move |&key| async move {
                let _permit = handshakes.acquire().await;
                let left = net
                    .deadline
                    .saturating_duration_since(tokio::time::Instant::now());
                let result = handshake::handshake(*addr, name, key, net.settings.timeout.min(left))
                    .await
                    .map(|shown| served(shown, extra_roots));
                Probe {
                    name: name.clone(),
                    addr: *addr,
                    source: source.clone(),
                    key,
                    result,
                }
            })
        }))
        .await;
        EndpointReport {
            at: plan
                .names
                .first()
                .map_or(plan.server.keyword, |(_, at)| *at),
            names: plan.names.into_iter().map(|(n, _)| n).collect(),
            port: plan.port,
            server: plan.server,
            certificate_at: plan.certificate_at,
            expected: plan.expected,
            probes,
            unresolved,
            skipped,
        }
    }))
    .await
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

pub fn served(shown: handshake::Shown, extra_roots: &[Vec<u8>]) -> Served {
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

/// The HTTP servers that terminate TLS in the configurations nginx loads.
pub fn tls_servers<'a>(models: &[&'a Model]) -> impl Iterator<Item = (&'a Model, &'a Server)> {
    let models: Vec<&'a Model> = models.to_vec();
    models
        .into_iter()
        .filter(|m| m.loaded)
        .flat_map(|m| m.servers.iter().map(move |s| (m, s)))
        .filter(|(_, s)| s.protocol == Protocol::Http)
        .filter(|(_, s)| s.ssl_on || s.listens.iter().any(|l| l.params.ssl))
}

/// Every name a TLS server block serves that a client can send, with its
/// TLS ports: what `--connect` may name.
pub fn tls_names(models: &[&Model]) -> Vec<(String, Vec<u16>)> {
    let mut names: BTreeMap<String, Vec<u16>> = BTreeMap::new();
    for (_, server) in tls_servers(models) {
        let ports = tls_ports(server);
        for name in server.names.iter().filter(|n| probeable(&n.name)) {
            names
                .entry(name.name.clone())
                .or_default()
                .extend(ports.iter().copied());
        }
    }
    names
        .into_iter()
        .map(|(name, mut ports)| {
            ports.sort_unstable();
            ports.dedup();
            (name, ports)
        })
        .collect()
}

/// Every TLS server block × port of the loaded configurations, with its
/// names (each name and port goes to the first block that serves it, as
/// nginx picks) and the certificates read from the files `ssl_certificate`
/// names, when the repository holds them.
fn plans<'a>(
    models: &[&'a Model],
    bundles: &'a HashMap<PathBuf, &'a Bundle>,
    extra_roots: &[Vec<u8>],
    notes: &mut Vec<String>,
) -> Vec<Plan<'a>> {
    let mut plans: Vec<Plan<'a>> = Vec::new();
    let mut taken: std::collections::HashSet<(String, u16)> = Default::default();
    for (model, server) in tls_servers(models) {
        let view = ServedView::new(model, bundles);
        let pairs = view.pairs(server);
        let expected: Vec<Expected<'a>> = pairs
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
        for name in &server.names {
            if !probeable(&name.name) && !name.name.is_empty() && name.name != "_" {
                notes.push(format!(
                    "TLS: server_name {} is a pattern, not a name to connect to; not probed (the default-server probe sends a name no server_name matches)",
                    name.name
                ));
            }
        }
        for port in tls_ports(server) {
            let names: Vec<(String, Span)> = server
                .names
                .iter()
                .filter(|n| probeable(&n.name))
                .filter(|n| taken.insert((n.name.clone(), port)))
                .map(|n| (n.name.clone(), n.span))
                .collect();
            if names.is_empty() {
                continue;
            }
            plans.push(Plan {
                names,
                port,
                server,
                certificate_at: pairs.first().map(|p| p.certificate.span),
                expected: expected.iter().map(copy_expected).collect(),
            });
        }
    }
    plans
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
pub fn leaf_first(bundle: &Bundle) -> Vec<&Cert> {
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
pub fn tls_ports(server: &Server) -> Vec<u16> {
    let mut ports: Vec<u16> = server
        .listens
        .iter()
        .filter(|l| (l.params.ssl || server.ssl_on) && !l.params.socket.udp)
        .filter(|l| !matches!(l.params.socket.address, Address::Unix(_)))
        .filter_map(|l| l.params.socket.port.as_deref()?.parse().ok())
        .collect();
    if ports.is_empty() && server.ssl_on {
        ports.push(super::endpoint::HTTPS);
    }
    ports.sort_unstable();
    ports.dedup();
    ports
}

/// A name a client can send as SNI: no pattern, no wildcard, no variable.
pub fn probeable(name: &str) -> bool {
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

/// `--connect` for the name, else for every name (`*`), in the order given.
pub fn connected(net: &Net, name: &str, port: u16) -> Vec<(SocketAddr, String)> {
    let given = |wildcard: bool| -> Vec<(SocketAddr, String)> {
        (net.settings.connect.iter())
            .filter(|e| e.is_wildcard() == wildcard && e.matches(name, port))
            .map(|e| {
                let from = net.settings.connect_given.describe("--connect");
                (e.address(port), from)
            })
            .collect()
    };
    let exact = given(false);
    if exact.is_empty() {
        given(true)
    } else {
        exact
    }
}

/// Where `name` is reached on `port`: `--connect` (or `[drift] connect`),
/// else the repository's own address records for the name, else the
/// resolver; `Err(why)` when it has no address.
async fn addresses(
    net: &Net,
    zones: &[Zone],
    name: &str,
    port: u16,
) -> Result<Vec<(SocketAddr, String)>, String> {
    let given = connected(net, name, port);
    if !given.is_empty() {
        return Ok(given);
    }
    let Ok(host) = Name::parse(&format!("{}.", name.trim_end_matches('.')), None) else {
        return Err(format!("`{name}` is not a host name"));
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
        return Ok(in_zones);
    }
    match net.resolver.addresses(&host).await {
        Ok(ips) if !ips.is_empty() => Ok(ips
            .into_iter()
            .map(|ip| (SocketAddr::new(ip, port), net.resolver.describe()))
            .collect()),
        Ok(_) => Err(format!("{name} has no address")),
        Err(why) => Err(format!(
            "no address for {name} from {}: {why}",
            net.resolver.describe()
        )),
    }
}
