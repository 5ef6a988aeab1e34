//! What one `tripline drift` run saw, side by side with what the repository
//! says: per zone, each server address's state and each RRset on each
//! server; per TLS server name, each handshake. The rules in
//! `rules/drift/` read this and nothing else.

use super::handshake::KeyType;
use super::query::Answer;
use crate::dns::model::Zone;
use crate::dns::name::Name;
use crate::dns::rdata::RType;
use crate::dns::zone::Record;
use crate::nginx::model::Server as NginxServer;
use crate::source::Span;
use crate::tls::cert::Cert;
use std::net::SocketAddr;

pub struct DriftReport<'a> {
    pub zones: Vec<ZoneReport<'a>>,
    pub endpoints: Vec<EndpointReport<'a>>,
}

/// One zone of the repository and its servers.
pub struct ZoneReport<'z> {
    pub zone: &'z Zone,
    /// The repository's SOA serial.
    pub serial: Option<u32>,
    pub serial_tolerance: u32,
    /// Where findings about the zone as a whole point: its SOA record.
    pub at: Span,
    pub servers: Vec<ServerReport>,
    pub sets: Vec<SetReport<'z>>,
    pub delegation: Vec<ParentReport>,
}

impl ZoneReport<'_> {
    /// How messages name server `i` of the zone (`?` for one not listed).
    pub fn server_label(&self, i: usize) -> &str {
        self.servers.get(i).map_or("?", |s| s.label.as_str())
    }
}

/// One server address of a zone.
pub struct ServerReport {
    /// `ns1.example.net. (192.0.2.53:53)`, or the address given.
    pub label: String,
    pub addr: SocketAddr,
    /// The apex NS record this address came from, if any.
    pub ns_record: Option<Span>,
    pub state: ServerState,
    /// What the zone transfer gave, when one was asked.
    pub transfer: Option<Result<usize, String>>,
    /// `--axfr always`: the transfer was required.
    pub transfer_required: bool,
}

pub enum ServerState {
    /// Authoritative for the zone: its SOA serial.
    Serving { serial: u32, soa: Answer },
    /// Answers, but not as the zone's authority.
    Lame { why: String, soa: Option<Answer> },
    /// No answer at all, or no address to ask.
    Unreachable { why: String },
}

impl ServerReport {
    pub fn serial(&self) -> Option<u32> {
        match &self.state {
            ServerState::Serving { serial, .. } => Some(*serial),
            _ => None,
        }
    }

    /// `ns1.example.net. (192.0.2.53:53, UDP, NOERROR, AA)`: the server and
    /// how it answered the SOA query.
    pub fn answered(&self) -> String {
        match &self.state {
            ServerState::Serving { soa, .. } => format!("{} ({})", self.label, soa.describe()),
            _ => self.label.clone(),
        }
    }

    pub fn is_serving(&self) -> bool {
        matches!(self.state, ServerState::Serving { .. })
    }
}

/// One RRset, in the repository and on each serving server.
pub struct SetReport<'z> {
    pub owner: Name,
    pub rtype: RType,
    pub repo: Option<RepoSet<'z>>,
    /// One per server of [`ZoneReport::servers`] that was asked about it.
    pub live: Vec<LiveSet>,
}

pub struct RepoSet<'z> {
    /// Never empty.
    pub records: Vec<&'z Record>,
    /// Canonical values, sorted and deduplicated.
    pub values: Vec<String>,
    pub shown: Vec<String>,
    pub ttl: u32,
    /// A provider pseudo-record (alias, proxied, flattened): what clients
    /// get is not in the file.
    pub pseudo: Option<String>,
}

impl RepoSet<'_> {
    pub fn span(&self) -> Option<Span> {
        self.records.first().map(|r| r.span)
    }
}

pub struct LiveSet {
    /// Index into [`ZoneReport::servers`].
    pub server: usize,
    pub found: Found,
}

#[derive(Clone, Debug)]
pub enum Found {
    Present {
        values: Vec<String>,
        shown: Vec<String>,
        ttl: u32,
        how: String,
    },
    /// NXDOMAIN or NODATA.
    Absent { how: String },
    /// The query failed (timeout, error): nothing to compare.
    Failed { why: String },
}

/// A parent zone server's view of the delegation.
pub struct ParentReport {
    pub label: String,
    pub addr: SocketAddr,
    pub result: Result<Delegation, String>,
}

pub struct Delegation {
    /// The NS names the parent hands out, sorted.
    pub ns: Vec<Name>,
    /// Glue addresses the parent hands out: host and address, sorted.
    pub glue: Vec<(Name, String)>,
    pub how: String,
}

/// One TLS server name and port the nginx configuration serves.
pub struct EndpointReport<'a> {
    pub name: String,
    pub port: u16,
    pub server: &'a NginxServer,
    /// Where endpoint-wide findings point: the `server_name` directive.
    pub at: Span,
    pub expected: Vec<Expected<'a>>,
    pub probes: Vec<Probe>,
    /// Why no address was found, when none was.
    pub unresolved: Option<String>,
}

/// A certificate the configuration serves for this endpoint.
pub struct Expected<'a> {
    pub key: KeyType,
    /// The chain read from the file, leaf first.
    pub chain: Vec<&'a Cert>,
    /// The `ssl_certificate` directive.
    pub at: Span,
    /// Whether the file's chain builds to a trusted root.
    pub builds_to_root: bool,
}

impl Expected<'_> {
    pub fn leaf(&self) -> Option<&Cert> {
        self.chain.first().copied()
    }
}

/// One handshake.
pub struct Probe {
    pub addr: SocketAddr,
    /// Where the address came from (`--connect`, the zone's A record, ...).
    pub source: String,
    pub key: KeyType,
    pub result: Result<Served, String>,
}

pub struct Served {
    pub chain: Vec<Cert>,
    pub version: String,
    /// The certificates of the chain that build the path to a trusted
    /// root, leaf first (empty: none does).
    pub path: Vec<usize>,
}

impl Served {
    pub fn leaf(&self) -> Option<&Cert> {
        self.chain.first()
    }
}
