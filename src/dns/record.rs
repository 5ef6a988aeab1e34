//! One DNS record as tripline models it, whatever format it was read
//! from: zone files, Route 53, Cloudflare, Cloud DNS and octoDNS exports
//! all produce these (as hickory's `rr/` knows nothing of `serialize/txt`).

use super::names::NameId;
use super::provider::{ProviderData, Pseudo, Routing};
use super::rdata::{RData, RType};
use crate::source::Span;

/// [`Record::owner_len`] when the owner field is the whole entry.
pub const OWNER_IS_ENTRY: u16 = u16::MAX;

#[derive(Clone, Debug)]
pub struct Record {
    /// In the zone's name table (`ParsedZone::names`, `Zone::names`).
    pub owner: NameId,
    pub ttl: u32,
    /// For an inherited TTL: which `$TTL` set it (index + 1 into
    /// `ParsedZone::ttl_directives`); 0 for a TTL written on the record,
    /// taken from the record before or from the SOA.
    pub ttl_directive: u16,
    pub class: u16,
    pub rtype: RType,
    pub rdata: RData,
    /// The whole entry, from the start of its line.
    pub span: Span,
    /// Where the RDATA begins, and the owner field's length from the start
    /// of the entry (0 when inherited; [`OWNER_IS_ENTRY`] when it is the
    /// whole entry): offsets instead of two more spans, since a
    /// million-record zone pays for every byte of a record (64 of them).
    pub rdata_start: u32,
    pub owner_len: u16,
    /// What only provider exports carry: one pointer, empty for the plain
    /// records that make up nearly every zone.
    pub provider: Option<Box<ProviderData>>,
}

impl Record {
    pub fn set_id(&self) -> Option<&str> {
        self.provider.as_ref().and_then(|p| p.set_id.as_deref())
    }

    pub fn pseudo(&self) -> Option<&Pseudo> {
        self.provider.as_ref().and_then(|p| p.pseudo.as_ref())
    }

    pub fn routing(&self) -> Option<&Routing> {
        self.provider.as_ref().and_then(|p| p.routing.as_ref())
    }

    /// The owner field, or an empty span at the start of the entry when the
    /// owner is inherited.
    pub fn owner_span(&self) -> Span {
        if self.owner_len == OWNER_IS_ENTRY {
            return self.span;
        }
        Span {
            end: self.span.start + u32::from(self.owner_len),
            ..self.span
        }
    }

    /// [`Record::owner_len`] of an owner field `owner` in the entry `whole`.
    pub fn owner_len(whole: Span, owner: Span) -> u16 {
        let len = owner.end.saturating_sub(whole.start);
        match u16::try_from(len) {
            // A name is at most ~1,000 characters written: a longer owner
            // field is the whole of a generated or exported entry.
            Ok(len) if owner.start == whole.start && len < OWNER_IS_ENTRY => len,
            _ => OWNER_IS_ENTRY,
        }
    }

    /// The RDATA fields (the whole entry when they have no place of their own).
    pub fn rdata_span(&self) -> Span {
        Span {
            start: self.rdata_start,
            ..self.span
        }
    }
}

#[cfg(test)]
mod layout {
    /// A million-record zone holds a million of these: a field that makes
    /// every record bigger should be a decision, not an accident
    /// (`cargo bench --bench zone_scale` measures the whole).
    #[test]
    fn records_stay_small() {
        use std::mem::size_of;
        assert!(size_of::<crate::dns::rdata::RData>() <= 24);
        assert!(
            size_of::<super::Record>() <= 64,
            "{}",
            size_of::<super::Record>()
        );
    }
}
