//! How a zone's indexes are built: the owner order (records grouped by
//! owner, then RRset, file order within), where each owner's records
//! start, the owner hash index, RRset starts, names with descendants and
//! each record's resolved target, on two threads for a large zone.

use crate::dns::name::Name;
use crate::dns::names::{NameId, NameTable};
use crate::dns::rdata::RType;
use crate::dns::record::Record;
use rustc_hash::FxHashSet;

/// A zone's records with the table their owners are named in.
#[derive(Clone, Copy)]
pub(super) struct Records<'z> {
    pub(super) list: &'z [Record],
    pub(super) names: &'z NameTable,
}

impl<'z> Records<'z> {
    /// Record `i`'s owner, as text.
    pub(super) fn owner(self, i: usize) -> &'z str {
        self.names.get(self.list[i].owner).as_str()
    }

    /// Records `i` and `j` have one owner. One id is one name, known
    /// without reading text; different ids may still be one name (a table
    /// stores a name once only where it repeats the one before).
    fn same_owner(self, i: usize, j: usize) -> bool {
        self.list[i].owner == self.list[j].owner || self.owner(i) == self.owner(j)
    }
}

/// What makes records one RRset, besides their owner.
pub(super) fn rrset_key(r: &Record) -> (u16, RType, Option<&str>) {
    (r.class, r.rtype, r.set_id())
}

/// Owners found by hash: open addressing over the groups of one owner in
/// `by_owner_order`. A lookup is one hash and, nearly always, one compare:
/// the binary search it replaces compared names twenty times, each a cache
/// miss, and rules look names up once or more per record.
pub(super) struct OwnerIndex {
    /// Group `g` spans `by_owner_order[starts[g]..starts[g + 1]]`.
    pub(super) starts: Vec<u32>,
    /// `(g + 1, the group's owner)`, or `(0, _)` for an empty slot; a power
    /// of two long. The owner is in the slot so that a probe reads the
    /// slot and the name's text: through the group's start, its first
    /// record and that record's owner it was five places in memory, each
    /// a cache miss in a large zone (a quarter of building its model).
    pub(super) slots: Vec<(u32, NameId)>,
}

/// FxHash-style over 8-byte words, then mixed (splitmix64's finaliser) so
/// that the low bits, which pick the slot, depend on every byte.
pub(super) fn text_hash(text: &str) -> u64 {
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
    pub(super) fn slots(owners: &OwnerOrder, records: &[Record]) -> Vec<(u32, NameId)> {
        let starts = &owners.starts;
        let groups = starts.len() - 1;
        let empty = (0, NameId::default());
        let mut slots = vec![empty; (groups * 2).next_power_of_two().max(2)];
        // At most 2^32 slots: the hash's low 32 bits pick one.
        let mask = slots.len() - 1;
        for (g, &start) in starts[..groups].iter().enumerate() {
            let first = owners.order[start as usize] as usize;
            let mut at = owners.hashes[first] as usize & mask;
            while slots[at].0 != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = (g as u32 + 1, records[first].owner);
        }
        slots
    }

    /// The group of the records at `name`, whose owners are in `names`.
    pub(super) fn group(&self, name: &str, names: &NameTable) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut at = text_hash(name) as usize & mask;
        loop {
            let (g, owner) = match self.slots[at] {
                (0, _) => return None,
                (slot, owner) => ((slot - 1) as usize, owner),
            };
            if names.get(owner).as_str() == name {
                return Some(g);
            }
            at = (at + 1) & mask;
        }
    }

    /// The range of the order holding group `g`.
    pub(super) fn span_of(&self, g: usize) -> std::ops::Range<usize> {
        self.starts[g] as usize..self.starts[g + 1] as usize
    }
}

/// The records of one type in an owner's part of the order: per class,
/// the records of one type stand together, found by binary search, never
/// by a scan (a hostile zone puts 40,000 records at one name, and rules
/// ask once per record).
pub(super) fn of_type_in<'z>(
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
pub(super) fn resolve_targets(records: Records<'_>, owners: &OwnerIndex, jobs: usize) -> Vec<u32> {
    let names = records.names;
    let resolve = |part: &[Record]| -> Vec<u32> {
        (part.iter())
            .map(|r| {
                let group =
                    (r.rdata.target()).and_then(|t| owners.group(names.get(t).as_str(), names));
                group.map_or(0, |g| g as u32 + 1)
            })
            .collect()
    };
    let (first, second) = records.list.split_at(records.list.len() / 2);
    let (mut targets, rest) = crate::parallel::join(jobs, || resolve(first), || resolve(second));
    targets.extend(rest);
    targets
}

/// A record's place in the owner order, in 16 bytes: the first twelve
/// bytes of its owner, big-endian, then its index. Comparing the prefixes
/// orders two owners as their texts do unless they tie, and costs no
/// memory access (eight bytes tied too often: `host1234…`, `host12345…`).
pub(super) fn order_key(owner: &str, index: usize) -> u128 {
    let mut bytes = [0u8; 16];
    let text = owner.as_bytes();
    let n = text.len().min(12);
    bytes[..n].copy_from_slice(&text[..n]);
    u128::from_be_bytes(bytes) | index as u128
}

/// Owner, then RRset key, then file order.
pub(super) fn compare_keys(records: Records<'_>, a: u128, b: u128) -> std::cmp::Ordering {
    (a >> 32).cmp(&(b >> 32)).then_with(|| {
        let (ia, ib) = (a as u32, b as u32);
        let (ra, rb) = (&records.list[ia as usize], &records.list[ib as usize]);
        let by_owner = match ra.owner == rb.owner {
            true => std::cmp::Ordering::Equal,
            false => records.owner(ia as usize).cmp(records.owner(ib as usize)),
        };
        by_owner
            .then_with(|| rrset_key(ra).cmp(&rrset_key(rb)))
            .then(ia.cmp(&ib))
    })
}

/// Sorts keys as [`compare_keys`] orders them: first as plain numbers
/// (owner prefix, then index: no call and no memory read per compare),
/// then each run of one prefix by the whole comparison. Most owners differ
/// in their first twelve bytes, so most runs are one owner's records; the
/// sort with the comparison throughout was most of building the order.
fn sort_keys(records: Records<'_>, keys: &mut [u128]) {
    keys.sort_unstable();
    for run in keys.chunk_by_mut(|a, b| a >> 32 == b >> 32) {
        if run.len() > 1 {
            run.sort_unstable_by(|&a, &b| compare_keys(records, a, b));
        }
    }
}

/// The owner order and where it stands, built by [`owner_order`].
pub(super) struct OwnerOrder {
    /// Record indexes grouped by owner, then by RRset key, file order
    /// within each.
    pub(super) order: Vec<u32>,
    /// Where each owner's records start in `order`, plus the end.
    pub(super) starts: Vec<u32>,
    /// Each record's owner hash ([`text_hash`], low 32 bits), taken while
    /// the records are read in file order.
    pub(super) hashes: Vec<u32>,
}

/// Sorts the records into the owner order. On two threads, each makes
/// the keys of half the records and sorts them, and the halves are merged.
pub(super) fn owner_order(records: Records<'_>, jobs: usize) -> OwnerOrder {
    let keyed = |from: usize, part: &[Record]| -> (Vec<u128>, Vec<u32>) {
        // One pass: each owner's text is read once, in file order.
        let (mut keys, hashes): (Vec<u128>, Vec<u32>) = (part.iter().enumerate())
            .map(|(i, r)| {
                let owner = records.names.get(r.owner).as_str();
                (order_key(owner, from + i), text_hash(owner) as u32)
            })
            .unzip();
        sort_keys(records, &mut keys);
        (keys, hashes)
    };
    let mut order = Ordered::new(records);
    if jobs < 2 {
        let (keys, hashes) = keyed(0, records.list);
        keys.iter().for_each(|&k| order.push(k));
        return order.finish(hashes);
    }
    let mid = records.list.len() / 2;
    let ((left, mut hashes), (right, right_hashes)) = crate::parallel::join(
        jobs,
        || keyed(0, &records.list[..mid]),
        || keyed(mid, &records.list[mid..]),
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
pub(super) struct Ordered<'r> {
    records: Records<'r>,
    order: Vec<u32>,
    starts: Vec<u32>,
    previous: Option<u128>,
}

impl<'r> Ordered<'r> {
    fn new(records: Records<'r>) -> Self {
        Ordered {
            records,
            order: Vec::with_capacity(records.list.len()),
            starts: Vec::new(),
            previous: None,
        }
    }

    fn push(&mut self, key: u128) {
        let new_owner = self.previous.is_none_or(|previous| {
            previous >> 32 != key >> 32 || {
                !(self.records).same_owner(previous as u32 as usize, key as u32 as usize)
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
pub(super) const WORTH_THREADS: usize = 1 << 16;

/// Where an RRset starts inside its owner's part of `order` (past the
/// owner's first record): with the owners' starts, where every set starts.
/// Most names hold one RRset, so this is short, where a start for every
/// set cost 4 bytes a record of a large zone.
pub(super) fn rrset_splits(records: &[Record], order: &[u32], starts: &[u32]) -> Vec<u32> {
    let key = |i: usize| rrset_key(&records[order[i] as usize]);
    let mut splits = Vec::new();
    for group in starts.windows(2) {
        let (start, end) = (group[0] as usize, group[1] as usize);
        for i in start + 1..end {
            if key(i) != key(i - 1) {
                splits.push(i as u32);
            }
        }
    }
    splits.shrink_to_fit();
    splits
}

/// Each RRset's range in the order, from the owners' `starts` and the
/// `splits` inside them, in order.
pub(super) fn rrset_ranges<'a>(
    starts: &'a [u32],
    splits: &'a [u32],
) -> impl Iterator<Item = (u32, u32)> + 'a {
    // The next owner is `starts[g]..starts[g + 1]`; `splits[k..]` are
    // those not passed yet; the set being made starts at `at`.
    let (mut g, mut k) = (0, 0);
    let mut at = starts.first().copied().unwrap_or(0);
    std::iter::from_fn(move || {
        let end = *starts.get(g + 1)?;
        let next = match splits.get(k) {
            Some(&split) if split < end => {
                k += 1;
                split
            }
            _ => {
                g += 1;
                end
            }
        };
        let set = (at, next);
        at = next;
        Some(set)
    })
}

/// Names with records below them, down to the origin. Records are read
/// in file order, one after the other, not in the owner order.
/// Kept as plain boxed texts: a shared name's count fields were 16 bytes
/// more for each of a large zone's delegations.
pub(super) fn with_descendants(records: Records<'_>, origin: &Name) -> FxHashSet<Box<str>> {
    let mut names = FxHashSet::default();
    let text = origin.as_str();
    let mut origin_reached = false;
    let mut previous = None;
    for record in records.list {
        // An owner's records stand together, under one id: walked once.
        if previous.replace(record.owner) == Some(record.owner) {
            continue;
        }
        for parent in records.names.get(record.owner).suffixes() {
            if !crate::dns::name::text_at_or_below(parent, text) {
                break;
            }
            // At or below the origin and as long: the origin itself, which
            // ends most walks (most owners are its children) without a hash.
            if parent.len() == text.len() {
                origin_reached = true;
                break;
            }
            if names.contains(parent) {
                break;
            }
            if let Ok(name) = Name::parse(parent, None) {
                names.insert(name.as_str().into());
            }
        }
    }
    if origin_reached {
        names.insert(text.into());
    }
    names
}
