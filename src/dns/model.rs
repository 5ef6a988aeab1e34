//! A zone as the DNS rules see it: its origin and records, indexed by owner
//! and grouped into RRsets.

use super::name::Name;
use super::rdata::{RData, RType, Soa};
use super::zone::Record;
use crate::source::FileId;
use std::collections::{HashMap, HashSet};

pub struct Zone {
    pub origin: Name,
    pub file: FileId,
    pub records: Vec<Record>,
    /// A provider export (Route 53, Cloudflare ...): the provider owns SOA and NS.
    pub is_export: bool,
    by_owner: HashMap<Name, Vec<usize>>,
    /// Names with records below them (every ancestor of an owner, down to
    /// the origin): they exist even without records of their own.
    with_descendants: HashSet<Name>,
}

/// Records sharing owner, class and type.
pub struct RRset<'z> {
    pub owner: &'z Name,
    pub rtype: RType,
    /// The routing set (Route 53 `SetIdentifier`), if any.
    pub set_id: Option<&'z str>,
    pub records: Vec<&'z Record>,
}

impl Zone {
    pub fn new(origin: Name, file: FileId, records: Vec<Record>, is_export: bool) -> Zone {
        let mut by_owner: HashMap<Name, Vec<usize>> = HashMap::new();
        for (i, r) in records.iter().enumerate() {
            by_owner.entry(r.owner.clone()).or_default().push(i);
        }
        let mut with_descendants = HashSet::new();
        for owner in by_owner.keys() {
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
            file,
            records,
            is_export,
            by_owner,
            with_descendants,
        }
    }

    /// Records at one name, in file order.
    pub fn at(&self, name: &Name) -> impl Iterator<Item = &Record> {
        self.by_owner
            .get(name)
            .into_iter()
            .flatten()
            .map(|&i| &self.records[i])
    }

    pub fn has_name(&self, name: &Name) -> bool {
        self.by_owner.contains_key(name)
    }

    /// Some record lies below `name` (an empty non-terminal exists).
    pub fn has_descendants(&self, name: &Name) -> bool {
        self.with_descendants.contains(name)
    }

    pub fn at_of_type(&self, name: &Name, rtype: RType) -> impl Iterator<Item = &Record> {
        self.at(name).filter(move |r| r.rtype == rtype)
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

    /// RRsets in order of their first record.
    pub fn rrsets(&self) -> Vec<RRset<'_>> {
        let mut index: HashMap<(&Name, u16, RType, Option<&str>), usize> = HashMap::new();
        let mut sets: Vec<RRset<'_>> = Vec::new();
        for r in &self.records {
            let key = (&r.owner, r.class, r.rtype, r.set_id.as_deref());
            let i = *index.entry(key).or_insert_with(|| {
                sets.push(RRset {
                    owner: &r.owner,
                    rtype: r.rtype,
                    set_id: r.set_id.as_deref(),
                    records: Vec::new(),
                });
                sets.len() - 1
            });
            sets[i].records.push(r);
        }
        sets
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
        self.at(name)
            .any(|r| r.rtype == RType::A || r.rtype == RType::AAAA)
    }
}
