//! A zone as the DNS rules see it: its origin and records, indexed by owner
//! and grouped into RRsets.

use super::name::Name;
use super::rdata::{RData, RType, Soa};
use super::zone::Record;
use crate::source::FileId;
use rustc_hash::FxHashSet;
use std::collections::HashSet;

pub struct Zone {
    pub origin: Name,
    /// Where the origin came from when the file did not say it: the
    /// `; Domain:` header, the file name. Messages about the apex say so.
    pub origin_inferred: Option<&'static str>,
    pub file: FileId,
    pub records: Vec<Record>,
    /// A provider export (Route 53, Cloudflare ...): the provider owns SOA and NS.
    pub is_export: bool,
    /// Each `$TTL` directive and the TTL it set (`Record::ttl_directive`
    /// indexes this, plus one).
    pub ttl_directives: Vec<(crate::source::Span, u32)>,
    /// Record indexes ordered by owner, then RRset (file order within one).
    by_owner_order: Vec<u32>,
    /// Each RRset's range in that order.
    rrset_ranges: Vec<(u32, u32)>,
    /// Where each owner's records are in that order.
    owners: OwnerIndex,
    /// Names with records below them (every ancestor of an owner, down to
    /// the origin): they exist even without records of their own.
    with_descendants: FxHashSet<Name>,
}

/// Records sharing owner, class, type and routing set.
pub struct RRset<'z> {
    pub owner: &'z Name,
    pub rtype: RType,
    /// The routing set (Route 53 `SetIdentifier`), if any.
    pub set_id: Option<&'z str>,
    pub records: Vec<&'z Record>,
}

/// What makes records one RRset, besides their owner.
fn rrset_key(r: &Record) -> (u16, RType, Option<&str>) {
    (r.class, r.rtype, r.set_id())
}

/// Owners found by hash: open addressing over the groups of one owner in
/// `by_owner_order`. A lookup is one hash and, nearly always, one compare:
/// the binary search it replaces compared names twenty times, each a cache
/// miss, and rules look names up once or more per record.
struct OwnerIndex {
    /// Group `g` spans `by_owner_order[starts[g]..starts[g + 1]]`.
    starts: Vec<u32>,
    /// `g + 1`, or 0 for an empty slot; a power of two long.
    slots: Vec<u32>,
}

/// FxHash-style over 8-byte words, then mixed (splitmix64's finaliser) so
/// that the low bits, which pick the slot, depend on every byte.
fn text_hash(text: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut hash = text.len() as u64;
    let mut words = text.as_bytes().chunks_exact(8);
    for word in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(bytes)).wrapping_mul(K);
    }
    for &byte in words.remainder() {
        hash = (hash.rotate_left(5) ^ u64::from(byte)).wrapping_mul(K);
    }
    hash ^= hash >> 30;
    hash = hash.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash ^ (hash >> 31)
}

impl OwnerIndex {
    fn build(records: &[Record], order: &[u32]) -> OwnerIndex {
        let owner = |i: usize| records[order[i] as usize].owner.as_str();
        let mut starts: Vec<u32> = Vec::new();
        for i in 0..order.len() {
            if i == 0 || owner(i) != owner(i - 1) {
                starts.push(i as u32);
            }
        }
        let groups = starts.len();
        starts.push(order.len() as u32);
        let mut slots = vec![0u32; (groups * 2).next_power_of_two().max(2)];
        let mask = slots.len() - 1;
        for (g, &start) in starts[..groups].iter().enumerate() {
            let mut at = text_hash(owner(start as usize)) as usize & mask;
            while slots[at] != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = g as u32 + 1;
        }
        OwnerIndex { starts, slots }
    }

    /// The range of the order holding the records at `name`.
    fn range<'a>(&self, name: &str, owner_at: impl Fn(u32) -> &'a str) -> std::ops::Range<usize> {
        let mask = self.slots.len() - 1;
        let mut at = text_hash(name) as usize & mask;
        loop {
            let g = match self.slots[at] {
                0 => return 0..0,
                slot => (slot - 1) as usize,
            };
            let (start, end) = (self.starts[g], self.starts[g + 1]);
            if owner_at(start) == name {
                return start as usize..end as usize;
            }
            at = (at + 1) & mask;
        }
    }
}

/// The first sixteen bytes of a name, big-endian: comparing these orders
/// two names as their texts do, unless they tie, and costs no memory
/// access (eight bytes tied too often: `host1234…` and `host12345…`).
fn order_prefix(name: &Name) -> u128 {
    let mut bytes = [0u8; 16];
    let text = name.as_str().as_bytes();
    let n = text.len().min(16);
    bytes[..n].copy_from_slice(&text[..n]);
    u128::from_be_bytes(bytes)
}

impl Zone {
    pub fn new(origin: Name, file: FileId, mut records: Vec<Record>, is_export: bool) -> Zone {
        records.shrink_to_fit();
        // Grouped by owner, then by RRset key; file order within each (the
        // index breaks ties, so the unstable sort gives the stable order).
        let mut keyed: Vec<(u128, u32)> = (records.iter().enumerate())
            .map(|(i, r)| (order_prefix(&r.owner), i as u32))
            .collect();
        keyed.sort_unstable_by(|&(pa, a), &(pb, b)| {
            pa.cmp(&pb).then_with(|| {
                let (ra, rb) = (&records[a as usize], &records[b as usize]);
                (ra.owner.cmp(&rb.owner))
                    .then_with(|| rrset_key(ra).cmp(&rrset_key(rb)))
                    .then(a.cmp(&b))
            })
        });
        let order: Vec<u32> = keyed.into_iter().map(|(_, i)| i).collect();
        let mut rrset_ranges: Vec<(u32, u32)> = Vec::new();
        let mut set_start = 0usize;
        for i in 1..=order.len() {
            let boundary = i == order.len() || {
                let (prev, this) = (&records[order[i - 1] as usize], &records[order[i] as usize]);
                prev.owner != this.owner || rrset_key(prev) != rrset_key(this)
            };
            if boundary {
                rrset_ranges.push((set_start as u32, i as u32));
                set_start = i;
            }
        }
        let owners = OwnerIndex::build(&records, &order);
        let mut with_descendants = FxHashSet::default();
        for &start in &owners.starts[..owners.starts.len() - 1] {
            let owner = &records[order[start as usize] as usize].owner;
            for parent in owner.suffixes() {
                if !super::name::text_at_or_below(parent, origin.as_str())
                    || with_descendants.contains(parent)
                {
                    break;
                }
                if let Ok(name) = Name::parse(parent, None) {
                    with_descendants.insert(name);
                }
            }
        }
        Zone {
            origin,
            origin_inferred: None,
            file,
            records,
            is_export,
            ttl_directives: Vec::new(),
            by_owner_order: order,
            rrset_ranges,
            owners,
            with_descendants,
        }
    }

    /// The range of `by_owner_order` holding the records at `name`.
    fn owner_range(&self, name: &str) -> std::ops::Range<usize> {
        self.owners.range(name, |i| {
            self.records[self.by_owner_order[i as usize] as usize]
                .owner
                .as_str()
        })
    }

    /// Records at one name, in file order.
    pub fn at(&self, name: &Name) -> impl Iterator<Item = &Record> {
        self.by_owner_order[self.owner_range(name.as_str())]
            .iter()
            .map(|&i| &self.records[i as usize])
    }

    pub fn has_name(&self, name: &Name) -> bool {
        !self.owner_range(name.as_str()).is_empty()
    }

    /// Some record lies below `name` (an empty non-terminal exists).
    pub fn has_descendants(&self, name: &Name) -> bool {
        self.with_descendants.contains(name.as_str())
    }

    /// Records of one type at one name: binary searches, never a scan of
    /// the name's records (a hostile zone puts 40,000 at one name, and
    /// rules ask this once per record).
    pub fn at_of_type(&self, name: &Name, rtype: RType) -> impl Iterator<Item = &Record> {
        self.of_type_at(name.as_str(), rtype)
    }

    /// [`Zone::at_of_type`] by the name's text.
    fn of_type_at(&self, name: &str, rtype: RType) -> impl Iterator<Item = &Record> {
        let record = |i: &u32| &self.records[*i as usize];
        // Within a name the order is (class, type, set): per class, the
        // records of one type stand together.
        let mut rest = &self.by_owner_order[self.owner_range(name)];
        let mut groups = Vec::with_capacity(1);
        while let Some(first) = rest.first() {
            let class = record(first).class;
            let class_end = rest.partition_point(|i| record(i).class == class);
            let class_group = &rest[..class_end];
            let start = class_group.partition_point(|i| record(i).rtype < rtype);
            let end = class_group.partition_point(|i| record(i).rtype <= rtype);
            groups.push(&class_group[start..end]);
            rest = &rest[class_end..];
        }
        groups.into_iter().flatten().map(record)
    }

    pub fn soa(&self) -> Option<(&Record, &Soa)> {
        self.at(&self.origin).find_map(|r| match &r.rdata {
            RData::Soa(soa) => Some((r, soa.as_ref())),
            _ => None,
        })
    }

    pub fn apex_ns(&self) -> Vec<&Record> {
        self.at_of_type(&self.origin, RType::NS).collect()
    }

    /// The zone's name as messages show it, with where it was inferred from.
    pub fn described(&self) -> String {
        match self.origin_inferred {
            Some(source) => format!("{} (the zone name is inferred from {source})", self.origin),
            None => self.origin.to_string(),
        }
    }

    /// The names NS records point to, anywhere in the zone.
    pub fn name_server_hosts(&self) -> HashSet<&Name> {
        (self.records.iter())
            .filter_map(|r| match &r.rdata {
                RData::Target(host) if r.rtype == RType::NS => Some(host),
                _ => None,
            })
            .collect()
    }

    /// The RRsets, made one at a time from a precomputed index: rules that
    /// walk every set of a million-record zone allocate one set at a time.
    pub fn rrsets(&self) -> impl Iterator<Item = RRset<'_>> {
        self.rrset_ranges.iter().map(move |&(start, end)| {
            let records: Vec<&Record> = self.by_owner_order[start as usize..end as usize]
                .iter()
                .map(|&i| &self.records[i as usize])
                .collect();
            let first = records[0];
            RRset {
                owner: &first.owner,
                rtype: first.rtype,
                set_id: first.set_id(),
                records,
            }
        })
    }

    /// Names below the apex with NS records: delegation points.
    pub fn is_delegation(&self, name: &Name) -> bool {
        name != &self.origin && self.at_of_type(name, RType::NS).next().is_some()
    }

    /// The name is inside this zone's authority: at or below the origin
    /// and not below a delegation point.
    pub fn is_authoritative_for(&self, name: &Name) -> bool {
        if !name.is_at_or_below(&self.origin) {
            return false;
        }
        let origin = self.origin.as_str();
        for parent in name.suffixes() {
            if parent == origin || !super::name::text_at_or_below(parent, origin) {
                break;
            }
            if self.of_type_at(parent, RType::NS).next().is_some() {
                return false;
            }
        }
        true
    }

    /// The name is at or below the origin (in bailiwick).
    pub fn contains(&self, name: &Name) -> bool {
        name.is_at_or_below(&self.origin)
    }

    pub fn has_address(&self, name: &Name) -> bool {
        self.at_of_type(name, RType::A).next().is_some()
            || self.at_of_type(name, RType::AAAA).next().is_some()
    }
}
