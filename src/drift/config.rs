//! The drift options: the command line's flags and `[drift]` in
//! `tripline.toml` (declared once, in [`options`]), and the settings one
//! run uses after the two are merged. The command line wins; the
//! repository's file may only tighten the limits that bound a run, never
//! loosen them — a pull request must not hold a CI job for a day or aim it
//! at the runner's network.

mod options;

pub use options::{Axfr, DriftConfig, Flags, ZoneConfig};

use super::endpoint::{self, Endpoint};
use crate::dns::name::{DnsName, Name};
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::time::Duration;

/// Where a mapping was written, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Given {
    Flag,
    Config(String),
}

impl Given {
    pub fn describe(&self, flag: &str) -> String {
        match self {
            Given::Flag => flag.to_string(),
            Given::Config(key) => key.clone(),
        }
    }
}

/// `--server NAME=ADDR` or `[drift.zones."ZONE"] servers`, before the
/// repository says whether NAME is a zone or a name server host.
#[derive(Clone, Debug)]
pub struct ServerMapping {
    pub name: Name,
    pub addr: SocketAddr,
    pub given: Given,
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
    /// Server mappings as given; [`super::mapping`] sorts them into the two
    /// maps below once the repository is read.
    pub mappings: Vec<ServerMapping>,
    /// A zone's servers: `--server ZONE=...`, `[drift.zones] servers`.
    pub servers: BTreeMap<Name, Vec<SocketAddr>>,
    /// A name server host's addresses: `--server NSHOST=...`.
    pub ns_hosts: BTreeMap<Name, Vec<SocketAddr>>,
    /// `--connect`, else `[drift] connect`.
    pub connect: Vec<Endpoint>,
    pub connect_given: Given,
    pub ignore: Vec<globset::GlobMatcher>,
    pub zones: BTreeMap<Name, ZoneSettings>,
    pub serial_tolerance: u32,
    /// `--allow-private-addresses`: contact non-public addresses the
    /// repository names (glue, A records, `[drift]` servers).
    pub allow_private: bool,
    /// Addresses and ports the command line names: always contacted.
    pub explicit: BTreeSet<SocketAddr>,
    /// What merging changed (a repository limit above a default, lowered).
    pub notes: Vec<String>,
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
    /// The command line's permission is for the address *and* port it names.
    pub fn may_contact(&self, addr: SocketAddr) -> Result<(), String> {
        if self.allow_private || self.explicit.contains(&addr) || endpoint::is_public(addr.ip()) {
            return Ok(());
        }
        let ip = addr.ip();
        if self.explicit.iter().any(|e| e.ip() == ip) {
            Err(format!(
                "{addr}: the command line names {ip} on another port, and a permission is for one address and port; name {addr} itself (--server, --connect NAME:PORT=IP:PORT) or pass --allow-private-addresses"
            ))
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

pub const DEFAULT_TIMEOUT: f64 = 2.0;
pub const DEFAULT_RETRIES: u32 = 2;
pub const DEFAULT_CONCURRENCY: usize = 8;
/// A cap for servers close by (on a LAN, on loopback): further away, the
/// concurrency bounds the rate first (8 in flight at 20 ms is 400 per
/// second). Authoritative servers answer tens of thousands per second; a
/// 10,000-record zone that refuses transfers takes 2 s at this rate.
pub const DEFAULT_RATE: u32 = 5_000;
pub const DEFAULT_DEADLINE: f64 = 300.0;

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

/// One limit: the command line's value as given, else the repository's
/// capped at the default (with a note saying so), else the default.
struct Bound<'n> {
    notes: &'n mut Vec<String>,
}

impl Bound<'_> {
    fn pick<T: PartialOrd + Copy + std::fmt::Display>(
        &mut self,
        flag: Option<T>,
        config: Option<T>,
        default: T,
        key: &str,
        shown: impl Fn(T) -> String,
    ) -> T {
        match (flag, config) {
            (Some(v), _) => v,
            (None, Some(v)) if v > default => {
                self.notes.push(format!(
                    "[drift] {key} = {} is above the default {} and was lowered to it: tripline.toml may only tighten drift's limits (--{key} raises them)",
                    shown(v),
                    shown(default)
                ));
                default
            }
            (None, Some(v)) => v,
            (None, None) => default,
        }
    }
}

impl DriftConfig {
    /// Merges with the command line; an invalid value names its key.
    pub fn settings(&self, flags: &Flags) -> Result<Settings, String> {
        let address = |text: &str, key: &str| {
            endpoint::parse_address(text, 53).map_err(|e| format!("{key}: {e}"))
        };
        let mut mappings = Vec::new();
        let mut zones = BTreeMap::new();
        for (zone, z) in &self.zones {
            let name = Name::parse(zone, Some(&Name::root()))
                .map_err(|e| format!("[drift.zones] `{zone}`: {e}"))?;
            let key = format!("[drift.zones.\"{zone}\"] servers");
            for server in &z.servers {
                mappings.push(ServerMapping {
                    name: name.clone(),
                    addr: address(server, &key)?,
                    given: Given::Config(key.clone()),
                });
            }
            zones.insert(
                name,
                ZoneSettings {
                    ignore: z.ignore.iter().map(|g| glob(g)).collect::<Result<_, _>>()?,
                    serial_tolerance: z.serial_tolerance,
                    axfr: z.axfr,
                },
            );
        }
        // Servers named on the command line replace the config's for their
        // name (told apart once the repository is read).
        let flagged: BTreeSet<&Name> = flags.servers.iter().map(|(n, _)| n).collect();
        mappings.retain(|m| !flagged.contains(&m.name));
        mappings.extend(flags.servers.iter().map(|(name, addr)| ServerMapping {
            name: name.clone(),
            addr: *addr,
            given: Given::Flag,
        }));
        let resolver = match (flags.resolver, &self.resolver) {
            (Some(r), _) => Some(r),
            (None, Some(text)) => {
                let r = address(text, "[drift] resolver")?;
                if !flags.allow_private && !endpoint::is_public(r.ip()) {
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
        let (connect, connect_given) = if flags.connect.is_empty() {
            let parsed = (self.connect.iter())
                .map(|c| endpoint::parse_connect(c).map_err(|e| format!("[drift] connect: {e}")))
                .collect::<Result<_, _>>()?;
            (parsed, Given::Config("[drift] connect".into()))
        } else {
            (flags.connect.clone(), Given::Flag)
        };
        let explicit = (flags.servers.iter().map(|(_, a)| *a))
            .chain(flags.parent_servers.iter().copied())
            .chain(flags.resolver)
            .chain(flags.connect.iter().map(Endpoint::permitted))
            .collect();
        let mut notes = Vec::new();
        let mut bound = Bound { notes: &mut notes };
        let secs = |v: f64| format!("{v} s");
        let timeout = seconds(
            bound.pick(
                flags.timeout,
                self.timeout,
                DEFAULT_TIMEOUT,
                "timeout",
                secs,
            ),
            "timeout",
        )?;
        let deadline = seconds(
            bound.pick(
                flags.deadline,
                self.deadline,
                DEFAULT_DEADLINE,
                "deadline",
                secs,
            ),
            "deadline",
        )?;
        let retries = bound
            .pick(
                flags.retries,
                self.retries,
                DEFAULT_RETRIES,
                "retries",
                |v| v.to_string(),
            )
            .min(10);
        let concurrency = bound
            .pick(
                flags.concurrency,
                self.concurrency,
                DEFAULT_CONCURRENCY,
                "concurrency",
                |v| v.to_string(),
            )
            .clamp(1, 256);
        // 0 is "no limit", the highest rate of all.
        let config_rate = self.rate.map(|r| if r == 0 { u32::MAX } else { r });
        let per_second = |v: u32| {
            if v == u32::MAX {
                "0 (no limit)".to_string()
            } else {
                format!("{v} per second")
            }
        };
        let rate = bound.pick(flags.rate, config_rate, DEFAULT_RATE, "rate", per_second);
        let both = !flags.dns && !flags.tls;
        Ok(Settings {
            dns: flags.dns || both,
            tls: flags.tls || both,
            timeout,
            retries,
            concurrency,
            rate: (rate > 0).then_some(rate),
            deadline,
            axfr: flags.axfr.or(self.axfr).unwrap_or_default(),
            resolver,
            parent_servers,
            mappings,
            servers: BTreeMap::new(),
            ns_hosts: BTreeMap::new(),
            connect,
            connect_given,
            ignore: self
                .ignore
                .iter()
                .map(|g| glob(g))
                .collect::<Result<_, _>>()?,
            zones,
            serial_tolerance: self.serial_tolerance.unwrap_or(0),
            allow_private: flags.allow_private,
            explicit,
            notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_config() {
        let config: DriftConfig = toml::from_str(
            "timeout = 1\nrate = 100\nignore = [\"_acme-challenge.*\"]\n[zones.\"example.com\"]\nservers = [\"192.0.2.53\"]\nserial-tolerance = 2\n",
        )
        .expect("toml");
        let flags = Flags {
            timeout: Some(5.0),
            rate: Some(0),
            ..Flags::default()
        };
        let s = config.settings(&flags).expect("settings");
        assert_eq!(
            s.timeout,
            Duration::from_secs(5),
            "the command line may raise"
        );
        assert_eq!(s.rate, None, "0 is no limit");
        assert!(s.dns && s.tls);
        let zone = Name::parse("example.com.", None).expect("zone");
        assert_eq!(s.mappings.len(), 1);
        assert_eq!(s.mappings[0].name, zone);
        assert_eq!(s.serial_tolerance(&zone), 2);
        let acme = Name::parse("_acme-challenge.example.com.", None).expect("name");
        assert!(s.ignores(&zone, &acme));
        assert!(!s.ignores(&zone, &zone));
    }

    #[test]
    fn the_repository_may_only_tighten_the_limits() {
        let config: DriftConfig = toml::from_str(
            "timeout = 86400\ndeadline = 86400\nretries = 10\nrate = 0\nconcurrency = 200\n",
        )
        .expect("toml");
        let s = config.settings(&Flags::default()).expect("settings");
        assert_eq!(s.timeout, Duration::from_secs_f64(DEFAULT_TIMEOUT));
        assert_eq!(s.deadline, Duration::from_secs_f64(DEFAULT_DEADLINE));
        assert_eq!(s.retries, DEFAULT_RETRIES);
        assert_eq!(s.rate, Some(DEFAULT_RATE), "rate = 0 would lift the limit");
        assert_eq!(s.concurrency, DEFAULT_CONCURRENCY);
        assert_eq!(s.notes.len(), 5, "{:?}", s.notes);
        assert!(
            s.notes.iter().any(|n| n.contains("--timeout")),
            "{:?}",
            s.notes
        );
        let lower: DriftConfig =
            toml::from_str("timeout = 0.5\nrate = 100\nretries = 0\n").expect("toml");
        let s = lower.settings(&Flags::default()).expect("settings");
        assert_eq!(s.timeout, Duration::from_millis(500));
        assert_eq!((s.rate, s.retries), (Some(100), 0));
        assert!(s.notes.is_empty());
    }

    #[test]
    fn command_line_addresses_are_permitted_with_their_port_only() {
        let flags = Flags {
            servers: vec![(
                Name::parse("example.com.", None).expect("name"),
                "127.0.0.1:5353".parse().expect("addr"),
            )],
            connect: vec![endpoint::parse_connect("www.example.com=127.0.0.2").expect("c")],
            ..Flags::default()
        };
        let s = DriftConfig::default().settings(&flags).expect("settings");
        let addr = |t: &str| t.parse::<SocketAddr>().expect("addr");
        assert!(s.may_contact(addr("127.0.0.1:5353")).is_ok());
        assert!(s.may_contact(addr("127.0.0.2:443")).is_ok());
        let e = s
            .may_contact(addr("127.0.0.2:6379"))
            .expect_err("another port");
        assert!(e.contains("another port"), "{e}");
        assert!(s.may_contact(addr("127.0.0.1:53")).is_err());
        assert!(s.may_contact(addr("10.0.0.1:53")).is_err());
        assert!(s.may_contact(addr("9.9.9.9:53")).is_ok());
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
        let config: DriftConfig = toml::from_str("connect = [\"www\"]\n").expect("toml");
        let e = config.settings(&Flags::default()).expect_err("bad connect");
        assert!(e.contains("[drift] connect"), "{e}");
    }
}
