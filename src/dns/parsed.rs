//! What a reader of any zone format hands on: the records it read, their
//! names, and what it could not read, with where.

use super::name::Name;
use super::names::NameTable;
use super::record::Record;
use crate::problem::Bounded;
use crate::source::{FileId, Span};

/// A record or directive a reader could not take, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneError {
    pub span: Span,
    pub message: String,
}

/// One file read in any format: the zone's records, as the model wants
/// them, and the reader's problems.
#[derive(Debug, Default)]
pub struct ParsedZone {
    pub origin: Option<Name>,
    pub records: Vec<Record>,
    /// The records' owner and target names.
    pub names: NameTable,
    /// The first [`crate::problem::MAX_KEPT`], the rest counted.
    pub errors: Bounded<ZoneError>,
    /// First record whose TTL fell back to the SOA minimum (no `$TTL`).
    pub soa_minimum_ttl: Option<Span>,
    /// Files read through `$INCLUDE`.
    pub included: Vec<FileId>,
    /// The file is binary: no zone to check beyond saying so.
    pub not_text: bool,
    /// A Cloudflare export (its `;; Exported:` header): the provider owns SOA and NS.
    pub cloudflare_export: bool,
    /// Each `$TTL` directive (the whole entry) and the TTL it set.
    pub ttl_directives: Vec<(Span, u32)>,
    /// The zone a `; Domain:` header names (GoDaddy, Cloudflare exports).
    pub domain_header: Option<Name>,
    /// Problems a server loads the zone despite (a TTL above 2^31−1).
    pub warnings: Bounded<ZoneError>,
}
