//! The mappings a user gives (`--server`, `--connect`, `[drift.zones]`,
//! `[drift] connect`) checked against the repository before anything is
//! sent: a name that matches no zone, name server host or TLS server_name is
//! an error with the closest name — silently ignored, it would send drift to
//! the zone's real servers instead.

use super::config::{Given, Settings};
use crate::dns::model::Zone;
use crate::dns::name::Name;
use std::collections::BTreeSet;

/// Sorts `--server` and `[drift.zones]` mappings into zone and name server
/// host mappings, and checks every `--connect` name; `tls_names` are the
/// TLS server names (and their ports) of the configurations nginx loads.
pub fn resolve(
    settings: &mut Settings,
    zones: &[Zone],
    tls_names: &[(String, Vec<u16>)],
) -> Result<(), String> {
    let origins: BTreeSet<&Name> = zones.iter().map(|z| &z.origin).collect();
    let hosts: BTreeSet<Name> = zones
        .iter()
        .flat_map(|z| {
            z.apex_ns()
                .into_iter()
                .filter_map(move |r| z.target(r).map(ToOwned::to_owned))
        })
        .collect();
    for zone in settings.zones.keys() {
        if !origins.contains(zone) {
            return Err(format!(
                "[drift.zones.\"{zone}\"]: the repository has no zone {zone}{}",
                hint(zone.as_str(), origins.iter().map(|o| o.as_str()))
            ));
        }
    }
    for mapping in std::mem::take(&mut settings.mappings) {
        let name = &mapping.name;
        if origins.contains(name) {
            settings
                .servers
                .entry(name.clone())
                .or_default()
                .push(mapping.addr);
        } else if hosts.contains(name) && mapping.given == Given::Flag {
            settings
                .ns_hosts
                .entry(name.clone())
                .or_default()
                .push(mapping.addr);
        } else {
            let candidates = origins
                .iter()
                .map(|o| o.as_str())
                .chain(hosts.iter().map(|h| h.as_str()));
            return Err(format!(
                "{} {name}={}: the repository has no zone {name}, and no zone names it in its NS records{}",
                mapping.given.describe("--server"),
                mapping.addr,
                hint(name.as_str(), candidates)
            ));
        }
    }
    for endpoint in &settings.connect {
        if endpoint.is_wildcard() {
            let served = tls_names
                .iter()
                .any(|(_, ports)| endpoint.port.is_none_or(|p| ports.contains(&p)));
            if !served {
                return Err(format!(
                    "{} {}: no TLS server_name of the repository is served on port {}",
                    settings.connect_given.describe("--connect"),
                    endpoint.describe(),
                    endpoint.port.unwrap_or(0)
                ));
            }
            continue;
        }
        let found = tls_names.iter().find(|(n, _)| *n == endpoint.name);
        match (found, endpoint.port) {
            (Some((_, ports)), Some(port)) if !ports.contains(&port) => {
                let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
                return Err(format!(
                    "{} {}: {} is served with TLS on port {}, not {port}",
                    settings.connect_given.describe("--connect"),
                    endpoint.describe(),
                    endpoint.name,
                    ports.join(", ")
                ));
            }
            (Some(_), _) => {}
            (None, _) => {
                return Err(format!(
                    "{} {}: no TLS server block of the repository has server_name {}{}",
                    settings.connect_given.describe("--connect"),
                    endpoint.describe(),
                    endpoint.name,
                    hint(&endpoint.name, tls_names.iter().map(|(n, _)| n.as_str()))
                ))
            }
        }
    }
    Ok(())
}

/// ` (did you mean X?)`, or what there is to choose from when nothing is close.
fn hint<'a>(name: &str, candidates: impl Iterator<Item = &'a str> + Clone) -> String {
    let bare = |n: &'a str| n.trim_end_matches('.');
    let close = crate::suggest::closest(
        name.trim_end_matches('.'),
        candidates.clone().map(bare),
        0.8,
    );
    if let Some(close) = close {
        let written = candidates
            .clone()
            .find(|c| bare(c) == close)
            .unwrap_or(close);
        return format!(" (did you mean {written}?)");
    }
    let all: Vec<&str> = candidates.take(6).collect();
    if all.is_empty() {
        " (it has none)".to_string()
    } else {
        format!("; it has {}", crate::finding::listed(&all))
    }
}

#[cfg(test)]
mod tests {
    use super::hint;

    #[test]
    fn the_closest_name_or_the_choice() {
        let names = ["example.test.", "ns1.example.test."];
        assert_eq!(
            hint("exmaple.test.", names.iter().copied()),
            " (did you mean example.test.?)"
        );
        assert!(hint("cliniko.", names.iter().copied()).starts_with("; it has "));
        assert_eq!(hint("x", std::iter::empty()), " (it has none)");
    }
}
