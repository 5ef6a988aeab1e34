//! Live answers in tripline's own types: owners as [`Name`], data in its
//! uncompressed wire form — read through the zone-file parser only where a
//! field is needed (a serial, a target), compared as a [`Datum`].

use super::datum::Datum;
use super::query::{Answer, QueryError, Transport};
use crate::dns::name::Name;
use crate::dns::names::NameTable;
use crate::dns::rdata::{self, RData, RType};
use crate::dns::wire;
use hickory_proto::op::DnsResponse;
use hickory_proto::rr::Record;
use hickory_proto::serialize::binary::{BinEncodable, BinEncoder, NameEncoding};

/// A transfer longer than this is not compared record by record: the server
/// may be anyone's (a pull request can name it), and memory is bounded.
pub const MAX_TRANSFER_RECORDS: usize = 1_000_000;

/// Bytes of transfer read at most, for the same reason.
pub const MAX_TRANSFER_BYTES: usize = 128 << 20;

/// One live resource record of a query's answer.
#[derive(Clone, Debug)]
pub struct LiveRecord {
    pub owner: Name,
    pub rtype: RType,
    pub ttl: u32,
    /// Uncompressed wire form.
    pub wire: Vec<u8>,
    pub rdata: RData,
    /// The names `rdata` holds (a target, an exchange).
    pub names: NameTable,
}

impl LiveRecord {
    pub fn datum(&self) -> Datum {
        Datum::from_wire(self.rtype, &self.wire)
    }

    pub fn presentation(&self) -> String {
        self.rdata.presentation(&self.names)
    }

    /// The target name (CNAME, DNAME, NS, PTR, MX, SRV).
    pub fn target(&self) -> Option<Name> {
        self.rdata.target().map(|id| self.names.get(id).to_owned())
    }
}

/// One record of a zone transfer: only what is compared.
#[derive(Debug)]
pub struct WireRecord {
    pub owner: Name,
    pub rtype: RType,
    pub ttl: u32,
    pub datum: Datum,
}

/// Our name as hickory's.
pub fn hickory_name(name: &Name) -> Result<hickory_proto::rr::Name, QueryError> {
    hickory_proto::rr::Name::from_ascii(name.as_str())
        .map_err(|e| QueryError::Failed(format!("`{name}`: {e}")))
}

/// The response code as DNS tools print it.
pub fn rcode(response: &DnsResponse) -> String {
    format!("{:?}", response.metadata.response_code).to_ascii_uppercase()
}

fn owner_and_wire(record: &Record) -> Option<(Name, Vec<u8>)> {
    let owner = Name::parse(&record.name.to_ascii(), None).ok()?;
    let mut bytes = Vec::new();
    let mut encoder = BinEncoder::new(&mut bytes);
    encoder.set_name_encoding(NameEncoding::UncompressedLowercase);
    record.data.emit(&mut encoder).ok()?;
    Some((owner, bytes))
}

/// A hickory record as ours; `None` for a record whose owner or data does
/// not read (it is then not compared, rather than compared wrongly).
pub fn record(record: &Record) -> Option<LiveRecord> {
    let (owner, wire) = owner_and_wire(record)?;
    let rtype = RType(u16::from(record.record_type()));
    let mut names = NameTable::default();
    let rdata = match wire::presentation(rtype, &wire) {
        Some(text) => rdata::parse_text(rtype, &text, None, &mut names).ok()?,
        None => RData::Generic(wire.clone().into_boxed_slice()),
    };
    Some(LiveRecord {
        owner,
        rtype,
        ttl: record.ttl,
        wire,
        rdata,
        names,
    })
}

/// A transfer's record, without reading its data as text.
pub fn wire_record(record: &Record) -> Option<WireRecord> {
    let (owner, wire) = owner_and_wire(record)?;
    let rtype = RType(u16::from(record.record_type()));
    Some(WireRecord {
        owner,
        rtype,
        ttl: record.ttl,
        datum: Datum::from_wire(rtype, &wire),
    })
}

fn records(records: &[Record]) -> Vec<LiveRecord> {
    records.iter().filter_map(record).collect()
}

pub fn answer(response: &DnsResponse, transport: Transport) -> Result<Answer, QueryError> {
    Ok(Answer {
        rcode: rcode(response),
        authoritative: response.metadata.authoritative,
        transport,
        answers: records(&response.answers),
        authority: records(&response.authorities),
        additional: records(&response.additionals),
    })
}
