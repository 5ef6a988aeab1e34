//! A zone as the DNS rules see it: its origin and records, indexed by owner
//! and grouped into RRsets.

use super::name::Name;
use super::rdata::{RData, RType, Soa};
use super::zone::Record;
use crate::source::FileId;
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
    /// Names with records below them (every ancestor of an owner, down to
    /// the origin): they exist even without records of their own.
    with_descendants: HashSet<Name>,
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

impl Zone {
    pub fn new(origin: Name, file: FileId, mut records: Vec<Record>, is_export: bool) -> Zone {
        records.shrink_to_fit();
        // Grouped by owner, then by RRset key; file order within each. A
        // lookup by name is a binary search of this order: no hash map of a
        // million names beside the records.
        let mut order: Vec<u32> = (0..records.len() as u32).collect();
        order.sort_by(|&a, &b| {
            let (ra, rb) = (&records[a as usize], &records[b as usize]);
            ra.owner
                .cmp(&rb.owner)
                .then_with(|| rrset_key(ra).cmp(&rrset_key(rb)))
        });
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
        let mut with_descendants = HashSet::new();
        let mut previous: Option<&Name> = None;
        for &i in &order {
            let owner = &records[i as usize].owner;
            if previous == Some(owner) {
                continue;
            }
            previous = Some(owner);
            let mut current = owner.parent();
            while let Some(parent) = current {
                if !parent.is_at_or_below(&origin) || !with_descendants.insert(parent.clone()) {
                    break;
                }
                current = parent.parent();
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
            with_descendants,
        }
    }

    /// The range of `by_owner_order` holding the records at `name`.
    fn owner_range(&self, name: &Name) -> std::ops::Range<usize> {
        let owner_of = |&i: &u32| &self.records[i as usize].owner;
        let start = self.by_owner_order.partition_point(|i| owner_of(i) < name);
        let len = self.by_owner_order[start..].partition_point(|i| owner_of(i) == name);
        start..start + len
    }

    /// Records at one name, in file order.
    pub fn at(&self, name: &Name) -> impl Iterator<Item = &Record> {
        self.by_owner_order[self.owner_range(name)]
            .iter()
            .map(|&i| &self.records[i as usize])
    }

    pub fn has_name(&self, name: &Name) -> bool {
        !self.owner_range(name).is_empty()
    }

    /// Some record lies below `name` (an empty non-terminal exists).
    pub fn has_descendants(&self, name: &Name) -> bool {
        self.with_descendants.contains(name)
    }

    /// Records of one type at one name: binary searches, never a scan of
    /// the name's records (a hostile zone puts 40,000 at one name, and
    /// rules ask this once per record).
    pub fn at_of_type(&self, name: &Name, rtype: RType) -> impl Iterator<Item = &Record> {
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
        let mut current = name.parent();
        while let Some(n) = current {
            if n == self.origin || !n.is_at_or_below(&self.origin) {
                break;
            }
            if self.is_delegation(&n) {
                return false;
            }
            current = n.parent();
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
