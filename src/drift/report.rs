//! What one `tripline drift` run saw, side by side with what the repository
//! says: per zone, each server address's state and each RRset on each
//! server; per TLS server block and port, each handshake; per TLS socket,
//! what answers a name no server_name matches. What could not be asked is
//! here too, with why: the rules in `rules/drift/` read this and nothing
//! else, and a run never reads as clean for what it did not look at.

use super::datum::Values;
use super::handshake::KeyType;
use super::query::Answer;
use crate::dns::model::Zone;
use crate::dns::name::Name;
use crate::dns::rdata::RType;
use crate::dns::record::Record;
use crate::nginx::model::Server as NginxServer;
use crate::source::Span;
use crate::tls::cert::Cert;
use std::collections::BTreeMap;
use std::net::SocketAddr;

pub struct DriftReport<'a> {
    pub zones: Vec<ZoneReport<'a>>,
    pub endpoints: Vec<EndpointReport<'a>>,
    pub defaults: Vec<DefaultReport<'a>>,
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
    /// Why no server at all was asked, when none was.
    pub unasked: Option<String>,
    /// Why the delegation was not compared although parent servers were
    /// given or found: none of them answered, or none was allowed.
    pub delegation_unchecked: Option<String>,
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
    /// The NS host this address serves as, when known.
    pub ns_host: Option<Name>,
    /// The apex NS record this address came from, if any.
    pub ns_record: Option<Span>,
    pub state: ServerState,
    /// What the zone transfer gave, when one was asked.
    pub transfer: Option<Result<usize, String>>,
    /// `--axfr always`: the transfer was required.
    pub transfer_required: bool,
    /// Queries about single RRsets (the file's, and probes) asked, and
    /// those that got no usable answer, by why.
    pub queries: QueryTally,
}

#[derive(Clone, Debug, Default)]
pub struct QueryTally {
    pub asked: usize,
    /// Why → how many, and the first RRset that failed that way.
    pub failed: BTreeMap<String, (usize, String)>,
}

impl QueryTally {
    pub fn failures(&self) -> usize {
        self.failed.values().map(|(n, _)| n).sum()
    }

    pub fn fail(&mut self, why: &str, what: impl FnOnce() -> String) {
        self.failed
            .entry(why.to_string())
            .or_insert_with(|| (0, what()))
            .0 += 1;
    }
}

pub enum ServerState {
    /// Authoritative for the zone: its SOA serial.
    Serving { serial: u32, soa: Answer },
    /// Answers, but not as the zone's authority.
    Lame { why: String, soa: Option<Answer> },
    /// No answer at all, or no address to ask.
    Unreachable { why: String },
    /// Not asked: a non-public address the repository names, say.
    NotAsked { why: String },
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
    pub records: RepoRecords<'z>,
    /// The values compared, sorted and deduplicated.
    pub values: Values,
    /// An alias's target's records, whose data clients get (else the
    /// set's own records).
    pub shown_from: Option<Vec<&'z Record>>,
    /// An alias to a name of the zone: clients get its target's records.
    pub alias_of: Option<Name>,
    pub ttl: u32,
    /// A provider pseudo-record (alias, proxied, flattened): what clients
    /// get is not in the file.
    pub pseudo: Option<String>,
}

impl RepoSet<'_> {
    pub fn span(&self) -> Option<Span> {
        self.records.first().map(|r| r.span)
    }

    /// The values as the zone file writes them, for messages.
    pub fn shown(&self, zone: &Zone) -> Vec<String> {
        let mut shown: Vec<String> = (self.shown_from.as_deref())
            .unwrap_or(&self.records)
            .iter()
            .map(|r| r.rdata.presentation(&zone.names))
            .collect();
        shown.sort();
        shown.dedup();
        if let Some(target) = &self.alias_of {
            for value in &mut shown {
                value.push_str(&format!(" (alias to {target})"));
            }
        }
        shown
    }
}

pub struct LiveSet {
    /// Index into [`ZoneReport::servers`].
    pub server: usize,
    pub found: Found,
}

/// One RRset's records in the repository: one, nearly always.
pub type RepoRecords<'z> = smallvec::SmallVec<[&'z Record; 1]>;

#[derive(Clone, Debug)]
pub enum Found {
    Present {
        /// Sorted and deduplicated.
        values: Values,
        ttl: u32,
        /// `AXFR, NOERROR`, `UDP, NOERROR, AA`.
        how: std::borrow::Cow<'static, str>,
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

/// One TLS server block and port of the nginx configuration, with every
/// name of it that a client can send.
pub struct EndpointReport<'a> {
    /// The names probed, in the order of the configuration.
    pub names: Vec<String>,
    pub port: u16,
    pub server: &'a NginxServer,
    /// Where endpoint-wide findings point: the first `server_name`.
    pub at: Span,
    /// The `ssl_certificate` directive, even when its file is not in the
    /// repository (certbot's /etc/letsencrypt/live/...).
    pub certificate_at: Option<Span>,
    /// The certificates read from the repository's files (none when the
    /// files live on the server only).
    pub expected: Vec<Expected<'a>>,
    pub probes: Vec<Probe>,
    /// Names with no address, and why.
    pub unresolved: Vec<(String, String)>,
    /// Addresses not probed, and why (not public, another port).
    pub skipped: Vec<(String, SocketAddr, String)>,
}

impl EndpointReport<'_> {
    /// Where findings about what is served point: the certificate directive.
    pub fn served_at(&self) -> Span {
        self.certificate_at.unwrap_or(self.at)
    }
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
    /// The server name sent (SNI).
    pub name: String,
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

/// One TLS socket of the configuration (`*:443`) and what a client that
/// sends a name no `server_name` matches gets at each address drift probes
/// for it.
pub struct DefaultReport<'a> {
    /// `*:443`.
    pub socket: String,
    pub port: u16,
    /// The server blocks on the socket, in the order nginx reads them.
    pub blocks: Vec<BlockView<'a>>,
    /// The repository's default: the block marked `default_server`, else
    /// the first.
    pub default: usize,
    /// Whether `default_server` says so (else: the first block read).
    pub marked: bool,
    /// The name sent (SNI and Host).
    pub name: String,
    pub probes: Vec<DefaultProbe>,
}

/// What the repository says one server block sends.
pub struct BlockView<'a> {
    pub server: &'a NginxServer,
    /// Where it listens on the socket.
    pub at: Span,
    /// `the server block for www.example.test`.
    pub label: String,
    /// The names a client can send to it.
    pub names: Vec<String>,
    /// `ssl_reject_handshake on`.
    pub rejects: bool,
    /// Its first `ssl_certificate` as written (blocks sharing a file
    /// cannot be told apart by certificate).
    pub certificate_arg: Option<String>,
    /// The leaf of that file, when the repository holds it.
    pub certificate: Option<&'a Cert>,
    /// Its server-level `return` code (444: close without an answer).
    pub returns: Option<u16>,
}

pub struct DefaultProbe {
    pub addr: SocketAddr,
    pub result: Result<DefaultAnswer, String>,
}

/// What answered a name no server_name matches.
pub enum DefaultAnswer {
    /// The handshake was refused with an alert (`ssl_reject_handshake`).
    Rejected(String),
    Served {
        chain: Vec<Cert>,
        http: HttpAnswer,
    },
}

/// The answer to the one `GET /`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpAnswer {
    Status(u16),
    /// Closed without a byte: nginx's `return 444`.
    Closed,
    /// No status line (an error, a timeout, not HTTP).
    Failed(String),
}
