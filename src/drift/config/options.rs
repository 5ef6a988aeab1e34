//! The drift options as the user gives them, declared once: each option
//! both places take is one entry of `shared_options!` below, which makes
//! it a flag of [`Flags`] (`--timeout`) and a key of [`DriftConfig`]
//! (`timeout`), with one doc. What only the command line says (which
//! checks, which servers, private addresses) and what only the repository
//! says (names to ignore, per-zone settings) is declared with its struct.
//! [`super::Settings`] is what a run uses once the two are merged.

use super::super::endpoint::{self, Endpoint};
use crate::dns::name::Name;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;

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

/// Declares [`Flags`] and [`DriftConfig`]: each struct's own fields, then
/// the shared ones. A shared entry is its doc, its name, its type as a
/// flag and as a key (`flag type => key type`: an address is parsed on
/// the command line, and in the file after merging, so that its error
/// names its key), and its clap attributes.
macro_rules! shared_options {
    (
        $(#[$flags_meta:meta])*
        pub struct Flags { $($flags_own:tt)* }
        $(#[$config_meta:meta])*
        pub struct DriftConfig { $($config_own:tt)* }
        shared {
            $(
                $(#[doc = $doc:literal])*
                $name:ident: $flag_type:ty => $key_type:ty, #[arg($($arg:tt)*)]
            )*
        }
    ) => {
        $(#[$flags_meta])*
        pub struct Flags {
            $($flags_own)*
            $($(#[doc = $doc])* #[arg($($arg)*)] pub $name: $flag_type,)*
        }

        $(#[$config_meta])*
        pub struct DriftConfig {
            $($config_own)*
            $($(#[doc = $doc])* pub $name: $key_type,)*
        }
    };
}

shared_options! {
    /// The command line's drift options.
    #[derive(Clone, Debug, Default, clap::Args)]
    pub struct Flags {
        /// Compare DNS zones only [default: both DNS and TLS].
        #[arg(long)]
        pub dns: bool,
        /// Compare TLS servers only [default: both DNS and TLS].
        #[arg(long)]
        pub tls: bool,
        /// Where a zone's servers are: ZONE=IP[:PORT] replaces the zone's
        /// servers; NSHOST=IP[:PORT] says where one name server host of the
        /// zones' NS records is reached, and findings keep its name. A name
        /// that is neither is an error [default: the zone's apex NS, at their
        /// glue or resolved addresses].
        #[arg(long = "server", value_name = "NAME=IP[:PORT]", value_parser = endpoint::parse_server)]
        pub servers: Vec<(Name, SocketAddr)>,
        /// Contact private, loopback and link-local addresses the repository
        /// names (glue, A records, tripline.toml) [default: public addresses
        /// only, besides the address and port given on the command line].
        #[arg(long = "allow-private-addresses")]
        pub allow_private: bool,
    }

    /// `[drift]` as written.
    #[derive(Debug, Clone, Default, Deserialize)]
    #[cfg_attr(test, derive(schemars::JsonSchema))]
    #[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
    pub struct DriftConfig {
        /// Names whose records are not compared, as globs (`_acme-challenge.*`).
        pub ignore: Vec<String>,
        /// Live serials this far behind or ahead of the repository's are not
        /// reported (a serial bumped by the signer, say).
        pub serial_tolerance: Option<u32>,
        /// Per zone: `[drift.zones."example.com."]`.
        pub zones: BTreeMap<String, ZoneConfig>,
    }

    shared {
        /// A parent zone server, for the delegation check [default: found by
        /// the resolver].
        parent_servers: Vec<SocketAddr> => Vec<String>,
        #[arg(long = "parent-server", value_name = "IP[:PORT]", value_parser = parse_dns_address)]
        /// The recursive resolver for ordinary lookups [default: the system's;
        /// in tripline.toml, a public address only, unless
        /// --allow-private-addresses].
        resolver: Option<SocketAddr> => Option<String>,
        #[arg(long, value_name = "IP[:PORT]", value_parser = parse_dns_address)]
        /// Where to reach a TLS server name, like curl's --resolve; NAME `*`
        /// for every name (`'*:443=127.0.0.1:8443'`). A name no TLS
        /// server_name has is an error [default: `[drift] connect`, else the
        /// repository's A/AAAA for the name, else the resolver; in
        /// tripline.toml, public addresses only, unless
        /// --allow-private-addresses].
        connect: Vec<Endpoint> => Vec<String>,
        #[arg(long = "connect", value_name = "NAME[:PORT]=IP[:PORT]", value_parser = endpoint::parse_connect)]
        /// Ask for zone transfers [default: auto, once per zone and server].
        axfr: Option<Axfr> => Option<Axfr>,
        #[arg(long, value_enum)]
        /// Seconds to wait for one answer (retries included) or handshake
        /// [default: 2; tripline.toml may only lower it].
        timeout: Option<f64> => Option<f64>,
        #[arg(long, value_name = "SECONDS")]
        /// Queries sent again within the timeout when UDP stays silent
        /// [default: 2; tripline.toml may only lower it].
        retries: Option<u32> => Option<u32>,
        #[arg(long)]
        /// Queries in flight per server [default: 8; tripline.toml may only
        /// lower it].
        concurrency: Option<usize> => Option<usize>,
        #[arg(long)]
        /// Queries per second per server; 0 for no limit [default: 5000;
        /// tripline.toml may only lower it].
        rate: Option<u32> => Option<u32>,
        #[arg(long, value_name = "PER_SECOND")]
        /// Seconds the whole run may take [default: 300; tripline.toml may
        /// only lower it].
        deadline: Option<f64> => Option<f64>,
        #[arg(long, value_name = "SECONDS")]
    }
}

fn parse_dns_address(text: &str) -> Result<SocketAddr, String> {
    endpoint::parse_address(text, 53)
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
