//! A zone as the DNS rules see it: its origin and records, indexed by owner
//! and grouped into RRsets.

use super::name::Name;
use super::rdata::{RData, RType, Soa};
use super::zone::Record;
use crate::source::FileId;
use rustc_hash::FxHashSet;

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
    /// Per record: its target's owner group plus one, 0 for none.
    targets: Vec<u32>,
}

/// The records at one owner: by class, type and routing set, file order
/// within each (the order of [`Zone::at`] and [`Zone::at_of_type`]).
#[derive(Clone, Copy)]
pub struct AtOwner<'z> {
    zone: &'z Zone,
    order: &'z [u32],
}

impl<'z> AtOwner<'z> {
    /// The name has no records.
    pub fn is_empty(self) -> bool {
        self.order.is_empty()
    }

    /// The records of one type (see [`Zone::at_of_type`]).
    pub fn of_type(self, rtype: RType) -> impl Iterator<Item = &'z Record> {
        of_type_in(&self.zone.records, self.order, rtype)
    }

    /// Each record with its index in the file order.
    pub fn records(self) -> impl Iterator<Item = (usize, &'z Record)> + Clone {
        let records = &self.zone.records;
        (self.order.iter()).map(move |&i| (i as usize, &records[i as usize]))
    }
}

/// Records sharing owner, class, type and routing set.
pub struct RRset<'z> {
    pub owner: &'z Name,
    pub rtype: RType,
    /// The routing set (Route 53 `SetIdentifier`), if any.
    pub set_id: Option<&'z str>,
    /// The set's place in the owner order (never empty).
    order: &'z [u32],
    all: &'z [Record],
}

impl<'z> RRset<'z> {
    /// The set's records, in file order.
    pub fn records(&self) -> impl Iterator<Item = &'z Record> + Clone + 'z {
        let all = self.all;
        self.order.iter().map(move |&i| &all[i as usize])
    }

    /// The set's first record in the file.
    pub fn first(&self) -> &'z Record {
        &self.all[self.order[0] as usize]
    }
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
    /// The slots of an index of the owner groups of `owners`.
    fn slots(owners: &OwnerOrder) -> Vec<u32> {
        let starts = &owners.starts;
        let groups = starts.len() - 1;
        let mut slots = vec![0u32; (groups * 2).next_power_of_two().max(2)];
        // At most 2^32 slots: the hash's low 32 bits pick one.
        let mask = slots.len() - 1;
        for (g, &start) in starts[..groups].iter().enumerate() {
            let hash = owners.hashes[owners.order[start as usize] as usize];
            let mut at = hash as usize & mask;
            while slots[at] != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = g as u32 + 1;
        }
        slots
    }

    /// The group of the records at `name`.
    fn group<'a>(&self, name: &str, owner_at: impl Fn(u32) -> &'a str) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut at = text_hash(name) as usize & mask;
        loop {
            let g = match self.slots[at] {
                0 => return None,
                slot => (slot - 1) as usize,
            };
            if owner_at(self.starts[g]) == name {
                return Some(g);
            }
            at = (at + 1) & mask;
        }
    }

    /// The range of the order holding group `g`.
    fn span_of(&self, g: usize) -> std::ops::Range<usize> {
        self.starts[g] as usize..self.starts[g + 1] as usize
    }
}

/// The records of one type in an owner's part of the order: per class,
/// the records of one type stand together, found by binary search, never
/// by a scan (a hostile zone puts 40,000 records at one name, and rules
/// ask once per record).
fn of_type_in<'z>(
    records: &'z [Record],
    mut rest: &'z [u32],
    rtype: RType,
) -> impl Iterator<Item = &'z Record> + 'z {
    let record = move |i: &u32| &records[*i as usize];
    let mut current: &'z [u32] = &[];
    std::iter::from_fn(move || loop {
        if let Some((first, tail)) = current.split_first() {
            current = tail;
            return Some(record(first));
        }
        let class = record(rest.first()?).class;
        let class_end = rest.partition_point(|i| record(i).class == class);
        let class_group = &rest[..class_end];
        let start = class_group.partition_point(|i| record(i).rtype < rtype);
        let end = class_group.partition_point(|i| record(i).rtype <= rtype);
        current = &class_group[start..end];
        rest = &rest[class_end..];
    })
}

/// For each record, the owner group its target name (CNAME, DNAME, NS,
/// PTR, MX, SRV) falls in, plus one; 0 when it has none or the name has no
/// records. Looked up once here, where rules would each look it up again.
fn resolve_targets(
    records: &[Record],
    order: &[u32],
    owners: &OwnerIndex,
    jobs: usize,
) -> Vec<u32> {
    let owner_at = |i: u32| records[order[i as usize] as usize].owner.as_str();
    let resolve = |part: &[Record]| -> Vec<u32> {
        (part.iter())
            .map(|r| {
                let group = r
                    .rdata
                    .target()
                    .and_then(|t| owners.group(t.as_str(), owner_at));
                group.map_or(0, |g| g as u32 + 1)
            })
            .collect()
    };
    let (first, second) = records.split_at(records.len() / 2);
    let (mut targets, rest) = crate::parallel::join(jobs, || resolve(first), || resolve(second));
    targets.extend(rest);
    targets
}

/// A record's place in the owner order, in 16 bytes: the first twelve
/// bytes of its owner, big-endian, then its index. Comparing the prefixes
/// orders two owners as their texts do unless they tie, and costs no
/// memory access (eight bytes tied too often: `host1234…`, `host12345…`).
fn order_key(record: &Record, index: usize) -> u128 {
    let mut bytes = [0u8; 16];
    let text = record.owner.as_str().as_bytes();
    let n = text.len().min(12);
    bytes[..n].copy_from_slice(&text[..n]);
    u128::from_be_bytes(bytes) | index as u128
}

/// Owner, then RRset key, then file order.
fn compare_keys(records: &[Record], a: u128, b: u128) -> std::cmp::Ordering {
    (a >> 32).cmp(&(b >> 32)).then_with(|| {
        let (ia, ib) = (a as u32, b as u32);
        let (ra, rb) = (&records[ia as usize], &records[ib as usize]);
        (ra.owner.cmp(&rb.owner))
            .then_with(|| rrset_key(ra).cmp(&rrset_key(rb)))
            .then(ia.cmp(&ib))
    })
}

/// The owner order and where it stands, built by [`owner_order`].
struct OwnerOrder {
    /// Record indexes grouped by owner, then by RRset key, file order
    /// within each.
    order: Vec<u32>,
    /// Where each owner's records start in `order`, plus the end.
    starts: Vec<u32>,
    /// Each record's owner hash ([`text_hash`], low 32 bits), taken while
    /// the records are read in file order.
    hashes: Vec<u32>,
}

/// Sorts the records into the owner order. On two threads, each makes
/// the keys of half the records and sorts them, and the halves are merged.
fn owner_order(records: &[Record], jobs: usize) -> OwnerOrder {
    let keyed = |from: usize, part: &[Record]| -> (Vec<u128>, Vec<u32>) {
        let mut keys: Vec<u128> = (part.iter().enumerate())
            .map(|(i, r)| order_key(r, from + i))
            .collect();
        let hashes = part
            .iter()
            .map(|r| text_hash(r.owner.as_str()) as u32)
            .collect();
        keys.sort_unstable_by(|&a, &b| compare_keys(records, a, b));
        (keys, hashes)
    };
    let mut order = Ordered::new(records);
    if jobs < 2 {
        let (keys, hashes) = keyed(0, records);
        keys.iter().for_each(|&k| order.push(k));
        return order.finish(hashes);
    }
    let mid = records.len() / 2;
    let ((left, mut hashes), (right, right_hashes)) = crate::parallel::join(
        jobs,
        || keyed(0, &records[..mid]),
        || keyed(mid, &records[mid..]),
    );
    hashes.extend(right_hashes);
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        if compare_keys(records, right[j], left[i]).is_lt() {
            order.push(right[j]);
            j += 1;
        } else {
            order.push(left[i]);
            i += 1;
        }
    }
    left[i..]
        .iter()
        .chain(&right[j..])
        .for_each(|&k| order.push(k));
    order.finish(hashes)
}

/// The owner order as it is made, key by key: where two neighbours' owner
/// prefixes differ, so do their owners, and no record is read.
struct Ordered<'r> {
    records: &'r [Record],
    order: Vec<u32>,
    starts: Vec<u32>,
    previous: Option<u128>,
}

impl<'r> Ordered<'r> {
    fn new(records: &'r [Record]) -> Self {
        Ordered {
            records,
            order: Vec::with_capacity(records.len()),
            starts: Vec::new(),
            previous: None,
        }
    }

    fn push(&mut self, key: u128) {
        let new_owner = self.previous.is_none_or(|previous| {
            previous >> 32 != key >> 32 || {
                let owner = |k: u128| &self.records[k as u32 as usize].owner;
                owner(previous) != owner(key)
            }
        });
        if new_owner {
            self.starts.push(self.order.len() as u32);
        }
        self.order.push(key as u32);
        self.previous = Some(key);
    }

    fn finish(mut self, hashes: Vec<u32>) -> OwnerOrder {
        self.starts.push(self.order.len() as u32);
        OwnerOrder {
            order: self.order,
            starts: self.starts,
            hashes,
        }
    }
}

/// Zones with fewer records are indexed on one thread.
const WORTH_THREADS: usize = 1 << 16;

/// Each RRset's range in `order`: owner groups split where the key changes.
fn rrset_ranges(records: &[Record], order: &[u32], starts: &[u32]) -> Vec<(u32, u32)> {
    let key = |i: usize| rrset_key(&records[order[i] as usize]);
    let mut ranges = Vec::with_capacity(starts.len());
    for group in starts.windows(2) {
        let (start, end) = (group[0] as usize, group[1] as usize);
        let mut set_start = start;
        for i in start + 1..end {
            if key(i) != key(i - 1) {
                ranges.push((set_start as u32, i as u32));
                set_start = i;
            }
        }
        ranges.push((set_start as u32, end as u32));
    }
    ranges
}

/// Names with records below them, down to the origin. Records are read
/// in file order, one after the other, not in the owner order.
fn with_descendants(records: &[Record], origin: &Name) -> FxHashSet<Name> {
    let mut names = FxHashSet::default();
    let origin = origin.as_str();
    for record in records {
        for parent in record.owner.suffixes() {
            // Most owners are children of the origin: a parent as long as
            // the origin and at or below it is the origin, no hash needed.
            let is_origin = parent.len() == origin.len();
            if !super::name::text_at_or_below(parent, origin)
                || (is_origin && !names.is_empty())
                || names.contains(parent)
            {
                break;
            }
            if let Ok(name) = Name::parse(parent, None) {
                names.insert(name);
            }
        }
    }
    names
}

impl Zone {
    /// The zone's model: `records` indexed by owner and RRset, on up to
    /// `jobs` threads (the result does not depend on them).
    pub fn new(
        origin: Name,
        file: FileId,
        mut records: Vec<Record>,
        is_export: bool,
        jobs: usize,
    ) -> Zone {
        records.shrink_to_fit();
        let jobs = if records.len() < WORTH_THREADS {
            1
        } else {
            jobs
        };
        let (owner_order, with_descendants) = crate::parallel::join(
            jobs,
            || owner_order(&records, jobs),
            || with_descendants(&records, &origin),
        );
        let (rrset_ranges, slots) = crate::parallel::join(
            jobs,
            || rrset_ranges(&records, &owner_order.order, &owner_order.starts),
            || OwnerIndex::slots(&owner_order),
        );
        let OwnerOrder { order, starts, .. } = owner_order;
        let owners = OwnerIndex { starts, slots };
        let targets = resolve_targets(&records, &order, &owners, jobs);
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
            targets,
        }
    }

    /// The records at record `i`'s target name (CNAME, DNAME, NS, PTR, MX,
    /// SRV): [`Zone::at`] of the target, found when the zone was built.
    pub fn at_target(&self, i: usize) -> AtOwner<'_> {
        let order = match self.targets.get(i) {
            Some(&g) if g > 0 => &self.by_owner_order[self.owners.span_of(g as usize - 1)],
            _ => &[],
        };
        AtOwner { zone: self, order }
    }

    /// The range of `by_owner_order` holding the records at `name`.
    fn owner_range(&self, name: &str) -> std::ops::Range<usize> {
        let owner_at = |i: u32| {
            self.records[self.by_owner_order[i as usize] as usize]
                .owner
                .as_str()
        };
        (self.owners.group(name, owner_at)).map_or(0..0, |g| self.owners.span_of(g))
    }

    /// Every owner's records, one owner at a time (owners ordered by
    /// name): rules that look at each name once need no lookups.
    pub fn owners(&self) -> impl Iterator<Item = AtOwner<'_>> {
        self.owners.starts.windows(2).map(move |group| AtOwner {
            zone: self,
            order: &self.by_owner_order[group[0] as usize..group[1] as usize],
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
        of_type_in(
            &self.records,
            &self.by_owner_order[self.owner_range(name)],
            rtype,
        )
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
    pub fn name_server_hosts(&self) -> FxHashSet<&Name> {
        (self.records.iter())
            .filter_map(|r| match &r.rdata {
                RData::Target(host) if r.rtype == RType::NS => Some(host),
                _ => None,
            })
            .collect()
    }

    /// The RRsets, views of a precomputed index: walking every set of a
    /// million-record zone allocates nothing.
    pub fn rrsets(&self) -> impl Iterator<Item = RRset<'_>> {
        self.rrset_ranges.iter().map(move |&(start, end)| {
            let order = &self.by_owner_order[start as usize..end as usize];
            let first = &self.records[order[0] as usize];
            RRset {
                owner: &first.owner,
                rtype: first.rtype,
                set_id: first.set_id(),
                order,
                all: &self.records,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::zone::parse_zone;
    use crate::source::Sources;
    use std::fmt::Write as _;

    fn zone_of(text: &str, jobs: usize) -> Zone {
        let mut sources = Sources::default();
        let id = sources.add("t.zone".into(), "t.zone".into(), text.into());
        let parsed = parse_zone(&mut sources, id, None);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors.first());
        let origin = Name::parse("example.com.", None).expect("origin");
        Zone::new(origin, id, parsed.records, false, jobs)
    }

    #[test]
    fn indexes_are_the_same_on_two_threads() {
        // Owners sharing long prefixes, in no order, several classes and
        // types per name, repeated names far apart, names below names.
        let mut text = String::from("$ORIGIN example.com.\n$TTL 60\n");
        for i in 0..WORTH_THREADS * 2 {
            let n = (i * 7919) % 5000;
            let _ = match i % 5 {
                0 => writeln!(text, "a-very-long-shared-prefix-{n} A 10.0.0.{}", i % 250),
                1 => writeln!(text, "a-very-long-shared-prefix-{n} CH TXT \"{i}\""),
                2 => writeln!(text, "x.y{n}.sub MX {} mail", i % 7),
                3 if i % 3 == 0 => writeln!(text, "w{n} CNAME host{}", n / 2),
                3 => writeln!(text, "host{n} AAAA 2001:db8::{:x}", i % 9),
                _ => writeln!(text, "host{n} A 10.0.1.{}", i % 3),
            };
        }
        let (one, two) = (zone_of(&text, 1), zone_of(&text, 2));
        assert_eq!(one.by_owner_order, two.by_owner_order);
        assert_eq!(one.rrset_ranges, two.rrset_ranges);
        assert_eq!(one.owners.starts, two.owners.starts);
        assert_eq!(one.owners.slots, two.owners.slots);
        assert_eq!(one.with_descendants, two.with_descendants);
        // By owner text, then class and type; file order within (i = 2 made
        // `x.y838.sub`, so `y838.sub` has records below it and none at it).
        let order: Vec<&Record> = one
            .by_owner_order
            .iter()
            .map(|&i| &one.records[i as usize])
            .collect();
        for (pair, index) in order.windows(2).zip(one.by_owner_order.windows(2)) {
            let (a, b) = (pair[0], pair[1]);
            let key = |r: &Record| (r.owner.clone(), r.class, r.rtype);
            assert!(key(a) < key(b) || (key(a) == key(b) && index[0] < index[1]));
        }
        // A target's records, found once, are those found by its name.
        let mut resolved = 0;
        for (i, record) in one.records.iter().enumerate() {
            let Some(target) = record.rdata.target() else {
                continue;
            };
            let by_name: Vec<*const Record> = one.at(target).map(std::ptr::from_ref).collect();
            let found: Vec<*const Record> = (one.at_target(i).records())
                .map(|(_, r)| std::ptr::from_ref(r))
                .collect();
            assert_eq!(by_name, found);
            for rtype in [RType::A, RType::AAAA, RType::TXT] {
                let by_name: Vec<_> = one
                    .at_of_type(target, rtype)
                    .map(std::ptr::from_ref)
                    .collect();
                let found: Vec<_> = one
                    .at_target(i)
                    .of_type(rtype)
                    .map(std::ptr::from_ref)
                    .collect();
                assert_eq!(by_name, found);
            }
            resolved += usize::from(!found.is_empty());
        }
        assert!(resolved > 1000, "{resolved}");
        assert_eq!(one.targets, two.targets);
        let sub = Name::parse("y838.sub.example.com.", None).expect("name");
        assert!(one.has_descendants(&sub));
        assert_eq!(one.at(&sub).count(), 0);
    }
}
