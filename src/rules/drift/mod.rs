//! `tripline drift`: the repository against what is live. DNS rules read
//! each zone's servers and RRsets; TLS rules read each server name's
//! handshakes. Every message names the live side: the server (address and
//! port), the transport and the response code.

pub mod certificate_not_deployed;
pub mod default_server_differs;
pub mod delegation_mismatch;
pub mod handshake_failed;
pub mod inconsistent_across_ips;
pub mod key_type_not_served;
pub mod lame_server;
pub mod not_checked;
pub mod not_comparable;
pub mod record_changed;
pub mod record_extra;
pub mod record_missing;
pub mod serial_ahead;
pub mod serial_not_deployed;
pub mod served_chain_incomplete;
pub mod served_expiring;
pub mod served_name_mismatch;
pub mod servers_disagree;
pub mod single_dns_provider;
pub mod ttl_changed;
pub mod unreachable;

use crate::drift::datum::Datum;
use crate::drift::handshake::KeyType;
use crate::drift::report::{
    DriftReport, EndpointReport, Expected, Found, Served, ServerReport, SetReport, ZoneReport,
};
use crate::tls::cert::Cert;
use std::cmp::Ordering;
use std::net::SocketAddr;

/// RFC 1982 serial number arithmetic: how `a` compares with `b`, or `None`
/// when they are exactly 2^31 apart (undefined).
pub fn serial_cmp(a: u32, b: u32) -> Option<Ordering> {
    let distance = a.wrapping_sub(b);
    match distance {
        0 => Some(Ordering::Equal),
        0x8000_0000 => None,
        d if d < 0x8000_0000 => Some(Ordering::Greater),
        _ => Some(Ordering::Less),
    }
}

/// How far apart two serials are, the short way round.
pub fn serial_distance(a: u32, b: u32) -> u32 {
    a.wrapping_sub(b).min(b.wrapping_sub(a))
}

/// Each server of each zone whose live serial is `side` of the
/// repository's (RFC 1982) by more than the zone's tolerance: the zone, the
/// server, the live serial and the repository's.
pub fn serials_off<'r, 'z>(
    report: &'r DriftReport<'z>,
    side: Ordering,
) -> impl Iterator<Item = (&'r ZoneReport<'z>, &'r ServerReport, u32, u32)> {
    report.zones.iter().flat_map(move |zone| {
        zone.servers.iter().filter_map(move |server| {
            let (repo, live) = (zone.serial?, server.serial()?);
            (serial_cmp(live, repo) == Some(side)
                && serial_distance(live, repo) > zone.serial_tolerance)
                .then_some((zone, server, live, repo))
        })
    })
}

/// `ns1 (127.0.0.1:53): UDP, NOERROR, AA` for each entry, joined.
pub fn servers_said(zone: &ZoneReport<'_>, entries: &[(usize, String)]) -> String {
    let parts: Vec<String> = entries
        .iter()
        .map(|(i, how)| {
            let label = zone.server_label(*i);
            format!("{label} ({how})")
        })
        .collect();
    crate::finding::listed(&parts)
}

/// Whether a set is compared value by value: it is in the repository as
/// plain DNS (not a provider pseudo-record or routing set).
pub fn comparable(set: &SetReport<'_>) -> bool {
    set.repo.as_ref().is_some_and(|r| r.pseudo.is_none())
}

/// The present live answers of a set: server index, values, TTL, how.
pub fn present<'s>(
    set: &'s SetReport<'_>,
) -> impl Iterator<Item = (usize, &'s [Datum], u32, &'s str)> {
    set.live.iter().filter_map(|l| match &l.found {
        Found::Present { values, ttl, how } => Some((l.server, &values[..], *ttl, &**how)),
        _ => None,
    })
}

/// Live values as a zone file writes them.
pub fn shown(values: &[Datum], set: &SetReport<'_>) -> Vec<String> {
    crate::drift::datum::shown(values, set.rtype)
}

/// `www.example.test:443`, or `example.test, www.example.test (port 443)`.
pub fn names_at(names: &[&str], port: u16) -> String {
    match names {
        [one] => format!("{one}:{port}"),
        many => format!("{} (port {port})", crate::finding::listed(many)),
    }
}

/// Completed handshakes of one endpoint that got one certificate at one
/// address, for one key type: the names that got it. Findings about what
/// is served are one per group, not one per name.
pub struct Group<'e> {
    pub addr: SocketAddr,
    pub key: KeyType,
    pub served: &'e Served,
    pub names: Vec<&'e str>,
}

impl Group<'_> {
    /// `www.example.test:443 at 203.0.113.10:443`.
    pub fn label(&self, port: u16) -> String {
        format!("{} at {}", names_at(&self.names, port), self.addr)
    }
}

pub fn by_certificate<'e>(endpoint: &'e EndpointReport<'_>) -> Vec<Group<'e>> {
    let mut groups: Vec<Group<'e>> = Vec::new();
    for probe in &endpoint.probes {
        let Ok(served) = &probe.result else { continue };
        let der = served.leaf().map(|c| &c.der[..]);
        let same = groups.iter_mut().find(|g| {
            g.addr == probe.addr && g.key == probe.key && g.served.leaf().map(|c| &c.der[..]) == der
        });
        match same {
            Some(group) => group.names.push(&probe.name),
            None => groups.push(Group {
                addr: probe.addr,
                key: probe.key,
                served,
                names: vec![&probe.name],
            }),
        }
    }
    groups
}

/// The certificate the configuration serves for a handshake that asked
/// for `key` and got `live`: the one of that key type. `None` when the
/// server answered with another key type (`drift/key-type-not-served`).
pub fn expected_for<'e, 'a>(
    endpoint: &'e EndpointReport<'a>,
    key: KeyType,
    live: &Cert,
) -> Option<&'e Expected<'a>> {
    let live_key = crate::drift::key_type(live);
    match key {
        KeyType::Any => endpoint
            .expected
            .iter()
            .find(|e| e.key == live_key)
            .or(endpoint.expected.first()),
        key if key == live_key => endpoint.expected.iter().find(|e| e.key == key),
        _ => None,
    }
}

/// Every name server of a zone that answers as its authority is at one
/// provider: which one, its servers that answer, and the servers of other
/// providers the zone names that do not (lame or unreachable). `None` when
/// a server that answers has no NS name (`--server ZONE=`), or a server of
/// another provider was not asked: then nothing is known.
pub struct ProviderVerdict {
    pub provider: String,
    pub serving: Vec<usize>,
    pub down: Vec<usize>,
}

pub fn provider_verdict(zone: &ZoneReport<'_>) -> Option<ProviderVerdict> {
    use crate::drift::report::ServerState;
    use crate::rules::dns::single_dns_provider::provider_of;
    let provider = |i: usize| {
        zone.servers[i]
            .ns_host
            .as_ref()
            .map(|h| provider_of(h.as_str()))
    };
    let serving: Vec<usize> = (0..zone.servers.len())
        .filter(|&i| zone.servers[i].is_serving())
        .collect();
    let first = provider(*serving.first()?)?;
    for &i in &serving {
        if provider(i)? != first {
            return None;
        }
    }
    let mut down = Vec::new();
    for (i, server) in zone.servers.iter().enumerate() {
        if server.is_serving() || provider(i).is_some_and(|p| p == first) {
            continue;
        }
        match server.state {
            ServerState::Lame { .. } | ServerState::Unreachable { .. } => down.push(i),
            _ => return None,
        }
    }
    Some(ProviderVerdict {
        provider: first,
        serving,
        down,
    })
}

/// Whether `server` of `zone` is said to be down by the provider verdict
/// (`drift/single-dns-provider`): one finding says why, not one per server.
pub fn in_provider_verdict(zone: &ZoneReport<'_>, server: usize) -> bool {
    provider_verdict(zone).is_some_and(|v| v.down.contains(&server))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_1982_serials() {
        assert_eq!(serial_cmp(2, 1), Some(Ordering::Greater));
        assert_eq!(serial_cmp(1, 2), Some(Ordering::Less));
        assert_eq!(serial_cmp(0, u32::MAX), Some(Ordering::Greater), "wraps");
        assert_eq!(serial_cmp(5, 5), Some(Ordering::Equal));
        assert_eq!(serial_cmp(0, 0x8000_0000), None);
        assert_eq!(serial_distance(0, u32::MAX), 1);
    }
}
