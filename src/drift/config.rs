//! `[drift]` in `tripline.toml`, merged with the command line into the
//! settings one run uses. Command-line values win.

use super::endpoint::Endpoint;
use crate::dns::name::{DnsName, Name};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

/// Whether to ask a server for a zone transfer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Axfr {
    /// Try once per server; fall back to one query per RRset if refused.
    #[default]
    Auto,
    /// Require it: a refused transfer is a finding.
    Always,
    /// Never ask: one query per RRset.
    Never,
}

/// `[drift]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct DriftConfig {
    /// Seconds to wait for one answer or handshake.
    pub timeout: Option<f64>,
    /// Attempts after the first, per query.
    pub retries: Option<u32>,
    /// Queries in flight per server.
    pub concurrency: Option<usize>,
    /// Queries per second per server (0: no limit).
    pub rate: Option<u32>,
    /// Seconds the whole run may take.
    pub deadline: Option<f64>,
    pub axfr: Option<Axfr>,
    /// `IP[:PORT]` of a recursive resolver (default: the system's).
    pub resolver: Option<String>,
    /// `IP[:PORT]` of the parent zone's servers, for the delegation check.
    pub parent_servers: Vec<String>,
    /// Names whose records are not compared, as globs (`_acme-challenge.*`).
    pub ignore: Vec<String>,
    /// Live serials this far behind or ahead of the repository's are not
    /// reported (a serial bumped by the signer, say).
    pub serial_tolerance: Option<u32>,
    /// Per zone: `[drift.zones."example.com."]`.
    pub zones: BTreeMap<String, ZoneConfig>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ZoneConfig {
    /// `IP[:PORT]` of the zone's authoritative servers (default: its apex NS).
    pub servers: Vec<String>,
    pub ignore: Vec<String>,
    pub serial_tolerance: Option<u32>,
    pub axfr: Option<Axfr>,
}

/// What one run uses, after the command line and the config are merged.
#[derive(Clone, Debug)]
pub struct Settings {
    pub dns: bool,
    pub tls: bool,
    pub timeout: Duration,
    pub retries: u32,
    pub concurrency: usize,
    /// Queries per second per server; `None` for no limit.
    pub rate: Option<u32>,
    pub deadline: Duration,
    pub axfr: Axfr,
    pub resolver: Option<SocketAddr>,
    pub parent_servers: Vec<SocketAddr>,
    /// `--server ZONE=IP[:PORT]` and `[drift.zones] servers`.
    pub servers: BTreeMap<Name, Vec<SocketAddr>>,
    /// `--connect NAME[:PORT]=IP[:PORT]`.
    pub connect: Vec<Endpoint>,
    pub ignore: Vec<globset::GlobMatcher>,
    pub zones: BTreeMap<Name, ZoneSettings>,
    pub serial_tolerance: u32,
    /// `--allow-private-addresses`: contact non-public addresses the
    /// repository names (glue, A records, `[drift]` servers).
    pub allow_private: bool,
    /// Addresses the command line names: always contacted.
    pub explicit: std::collections::BTreeSet<std::net::IpAddr>,
}

#[derive(Clone, Debug, Default)]
pub struct ZoneSettings {
    pub ignore: Vec<globset::GlobMatcher>,
    pub serial_tolerance: Option<u32>,
    pub axfr: Option<Axfr>,
}

impl Settings {
    /// Whether records at `owner` in `zone` are left out of the comparison.
    pub fn ignores(&self, zone: &Name, owner: &DnsName) -> bool {
        let text = owner.as_str().trim_end_matches('.');
        let per_zone = self.zones.get(zone).map(|z| &z.ignore[..]).unwrap_or(&[]);
        self.ignore.iter().chain(per_zone).any(|g| g.is_match(text))
    }

    /// `Err(why)` for an address the repository names that is not public:
    /// a pull request must not point tripline at the CI runner's network.
    pub fn may_contact(&self, ip: std::net::IpAddr) -> Result<(), String> {
        if self.allow_private || self.explicit.contains(&ip) || super::endpoint::is_public(ip) {
            Ok(())
        } else {
            Err(format!(
                "{ip} is not a public address and comes from the repository; name it on the command line (--server, --connect) or pass --allow-private-addresses"
            ))
        }
    }

    pub fn serial_tolerance(&self, zone: &Name) -> u32 {
        self.zones
            .get(zone)
            .and_then(|z| z.serial_tolerance)
            .unwrap_or(self.serial_tolerance)
    }

    pub fn axfr(&self, zone: &Name) -> Axfr {
        self.zones
            .get(zone)
            .and_then(|z| z.axfr)
            .unwrap_or(self.axfr)
    }
}

/// The command line's drift options, as parsed by clap.
#[derive(Clone, Debug, Default)]
pub struct Flags {
    pub dns: bool,
    pub tls: bool,
    pub servers: Vec<(Name, SocketAddr)>,
    pub parent_servers: Vec<SocketAddr>,
    pub resolver: Option<SocketAddr>,
    pub connect: Vec<Endpoint>,
    pub axfr: Option<Axfr>,
    pub timeout: Option<f64>,
    pub retries: Option<u32>,
    pub concurrency: Option<usize>,
    pub rate: Option<u32>,
    pub deadline: Option<f64>,
    pub allow_private: bool,
}

const DEFAULT_TIMEOUT: f64 = 2.0;
const DEFAULT_RETRIES: u32 = 2;
const DEFAULT_CONCURRENCY: usize = 8;
/// A cap for servers close by (on a LAN, on loopback): further away, the
/// concurrency bounds the rate first (8 in flight at 20 ms is 400 per
/// second). Authoritative servers answer tens of thousands per second; a
/// 10,000-record zone that refuses transfers takes 2.4 s at this rate.
const DEFAULT_RATE: u32 = 5_000;
const DEFAULT_DEADLINE: f64 = 300.0;

fn glob(text: &str) -> Result<globset::GlobMatcher, String> {
    globset::GlobBuilder::new(text.trim_end_matches('.'))
        .case_insensitive(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("invalid glob `{text}`: {}", e.kind()))
}

fn seconds(value: f64, key: &str) -> Result<Duration, String> {
    if value.is_finite() && value > 0.0 && value <= 86_400.0 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(format!(
            "{key} must be a number of seconds above 0 (got {value})"
        ))
    }
}

impl DriftConfig {
    /// Merges with the command line; an invalid value names its key.
    pub fn settings(&self, flags: &Flags) -> Result<Settings, String> {
        let address = |text: &str, key: &str| {
            super::endpoint::parse_address(text, 53).map_err(|e| format!("{key}: {e}"))
        };
        let mut servers: BTreeMap<Name, Vec<SocketAddr>> = BTreeMap::new();
        for (zone, z) in &self.zones {
            let name = Name::parse(zone, Some(&Name::root()))
                .map_err(|e| format!("[drift.zones] `{zone}`: {e}"))?;
            for server in &z.servers {
                let addr = address(server, &format!("[drift.zones.\"{zone}\"] servers"))?;
                servers.entry(name.clone()).or_default().push(addr);
            }
        }
        // Servers named on the command line replace the config's for their zone.
        let mut from_flags: BTreeMap<Name, Vec<SocketAddr>> = BTreeMap::new();
        for (zone, addr) in &flags.servers {
            from_flags.entry(zone.clone()).or_default().push(*addr);
        }
        servers.extend(from_flags);
        let mut zones = BTreeMap::new();
        for (zone, z) in &self.zones {
            let name = Name::parse(zone, Some(&Name::root())).map_err(|e| e.to_string())?;
            zones.insert(
                name,
                ZoneSettings {
                    ignore: z.ignore.iter().map(|g| glob(g)).collect::<Result<_, _>>()?,
                    serial_tolerance: z.serial_tolerance,
                    axfr: z.axfr,
                },
            );
        }
        let resolver = match (flags.resolver, &self.resolver) {
            (Some(r), _) => Some(r),
            (None, Some(text)) => {
                let r = address(text, "[drift] resolver")?;
                if !flags.allow_private && !super::endpoint::is_public(r.ip()) {
                    return Err(format!(
                        "[drift] resolver {r} is not a public address; give it with --resolver, or pass --allow-private-addresses"
                    ));
                }
                Some(r)
            }
            (None, None) => None,
        };
        let parent_servers = if flags.parent_servers.is_empty() {
            (self.parent_servers.iter())
                .map(|p| address(p, "[drift] parent-servers"))
                .collect::<Result<_, _>>()?
        } else {
            flags.parent_servers.clone()
        };
        let rate = flags.rate.or(self.rate).unwrap_or(DEFAULT_RATE);
        let explicit = (flags.servers.iter().map(|(_, a)| a.ip()))
            .chain(flags.parent_servers.iter().map(|a| a.ip()))
            .chain(flags.resolver.iter().map(|a| a.ip()))
            .chain(flags.connect.iter().map(|e| e.ip))
            .collect();
        let both = !flags.dns && !flags.tls;
        Ok(Settings {
            dns: flags.dns || both,
            tls: flags.tls || both,
            timeout: seconds(
                flags.timeout.or(self.timeout).unwrap_or(DEFAULT_TIMEOUT),
                "timeout",
            )?,
            retries: flags
                .retries
                .or(self.retries)
                .unwrap_or(DEFAULT_RETRIES)
                .min(10),
            concurrency: flags
                .concurrency
                .or(self.concurrency)
                .unwrap_or(DEFAULT_CONCURRENCY)
                .clamp(1, 256),
            rate: (rate > 0).then_some(rate),
            deadline: seconds(
                flags.deadline.or(self.deadline).unwrap_or(DEFAULT_DEADLINE),
                "deadline",
            )?,
            axfr: flags.axfr.or(self.axfr).unwrap_or_default(),
            resolver,
            parent_servers,
            servers,
            connect: flags.connect.clone(),
            ignore: self
                .ignore
                .iter()
                .map(|g| glob(g))
                .collect::<Result<_, _>>()?,
            zones,
            serial_tolerance: self.serial_tolerance.unwrap_or(0),
            allow_private: flags.allow_private,
            explicit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_config() {
        let config: DriftConfig = toml::from_str(
            "timeout = 5\nrate = 0\nignore = [\"_acme-challenge.*\"]\n[zones.\"example.com\"]\nservers = [\"192.0.2.53\"]\nserial-tolerance = 2\n",
        )
        .expect("toml");
        let flags = Flags {
            timeout: Some(1.0),
            ..Flags::default()
        };
        let s = config.settings(&flags).expect("settings");
        assert_eq!(s.timeout, Duration::from_secs(1));
        assert_eq!(s.rate, None, "0 is no limit");
        assert!(s.dns && s.tls);
        let zone = Name::parse("example.com.", None).expect("zone");
        assert_eq!(
            s.servers[&zone],
            vec!["192.0.2.53:53".parse().expect("addr")]
        );
        assert_eq!(s.serial_tolerance(&zone), 2);
        let acme = Name::parse("_acme-challenge.example.com.", None).expect("name");
        assert!(s.ignores(&zone, &acme));
        assert!(!s.ignores(&zone, &zone));
    }

    #[test]
    fn bad_values_name_their_key() {
        let config: DriftConfig = toml::from_str("timeout = -1\n").expect("toml");
        let e = config
            .settings(&Flags::default())
            .expect_err("negative timeout");
        assert!(e.contains("timeout"), "{e}");
        let config: DriftConfig = toml::from_str("resolver = \"nonsense\"\n").expect("toml");
        let e = config
            .settings(&Flags::default())
            .expect_err("bad resolver");
        assert!(e.contains("resolver"), "{e}");
    }
}
