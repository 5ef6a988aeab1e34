//! `tripline drift`: the repository against what is live. DNS rules read
//! each zone's servers and RRsets; TLS rules read each server name's
//! handshakes. Every message names the live side: the server (address and
//! port), the transport and the response code.

pub mod certificate_not_deployed;
pub mod delegation_mismatch;
pub mod handshake_failed;
pub mod inconsistent_across_ips;
pub mod key_type_not_served;
pub mod lame_server;
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
pub mod ttl_changed;
pub mod unreachable;

use crate::drift::handshake::KeyType;
use crate::drift::report::{
    DriftReport, EndpointReport, Expected, Found, ServerReport, SetReport, ZoneReport,
};
use crate::tls::cert::Cert;
use std::cmp::Ordering;

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

/// The present live answers of a set: server index, values, shown, TTL, how.
pub fn present<'s>(
    set: &'s SetReport<'_>,
) -> impl Iterator<Item = (usize, &'s [String], &'s [String], u32, &'s str)> {
    set.live.iter().filter_map(|l| match &l.found {
        Found::Present {
            values,
            shown,
            ttl,
            how,
        } => Some((l.server, &values[..], &shown[..], *ttl, how.as_str())),
        _ => None,
    })
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
