//! A zone as the DNS rules see it: its origin and records, indexed by owner
//! and grouped into RRsets.

use super::name::{DnsName, Name};
use super::names::{NameId, NameTable};
use super::rdata::{RData, RType, Soa};
use super::record::Record;
use crate::source::FileId;
use rustc_hash::FxHashSet;

mod index;
use index::{
    of_type_in, owner_order, resolve_targets, rrset_ranges, rrset_splits, with_descendants,
    OwnerIndex, OwnerOrder, Records, WORTH_THREADS,
};

pub struct Zone {
    pub origin: Name,
    /// Where the origin came from when the file did not say it: the
    /// `; Domain:` header, the file name. Messages about the apex say so.
    pub origin_inferred: Option<&'static str>,
    pub file: FileId,
    /// The files it reads through `$INCLUDE`.
    pub included: Vec<FileId>,
    pub records: Vec<Record>,
    /// The records' owner and target names ([`Zone::owner`], [`Zone::target`]).
    pub names: NameTable,
    /// A provider export (Route 53, Cloudflare ...): the provider owns SOA and NS.
    pub is_export: bool,
    /// Each `$TTL` directive and the TTL it set (`Record::ttl_directive`
    /// indexes this, plus one).
    pub ttl_directives: Vec<(crate::source::Span, u32)>,
    /// Record indexes ordered by owner, then RRset (file order within one).
    by_owner_order: Vec<u32>,
    /// Where RRsets start inside an owner's part of that order (each
    /// owner's first record starts one too).
    rrset_splits: Vec<u32>,
    /// Where each owner's records are in that order.
    owners: OwnerIndex,
    /// Names with records below them (every ancestor of an owner, down to
    /// the origin): they exist even without records of their own.
    with_descendants: FxHashSet<Box<str>>,
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

    /// An A or AAAA record is there.
    pub fn has_address(self) -> bool {
        self.of_type(RType::A).next().is_some() || self.of_type(RType::AAAA).next().is_some()
    }

    /// Each record with its index in the file order.
    pub fn records(self) -> impl Iterator<Item = (usize, &'z Record)> + Clone {
        let records = &self.zone.records;
        (self.order.iter()).map(move |&i| (i as usize, &records[i as usize]))
    }
}

/// Records sharing owner, class, type and routing set.
pub struct RRset<'z> {
    pub rtype: RType,
    /// The routing set (Route 53 `SetIdentifier`), if any.
    pub set_id: Option<&'z str>,
    /// The set's part of its owner's records (never empty).
    members: AtOwner<'z>,
}

impl<'z> RRset<'z> {
    /// The set's records, in file order.
    pub fn records(&self) -> impl Iterator<Item = &'z Record> + Clone + 'z {
        self.members.records().map(|(_, r)| r)
    }

    /// Read when asked, not for every set: the name's text is one more
    /// place in memory per set, and most rules never need it.
    pub fn owner(&self) -> &'z DnsName {
        self.members.zone.owner(self.first())
    }

    /// The set's first record in the file.
    pub fn first(&self) -> &'z Record {
        &self.members.zone.records[self.members.order[0] as usize]
    }
}

impl Zone {
    /// The zone's model: `records` indexed by owner and RRset, on up to
    /// `jobs` threads (the result does not depend on them).
    pub fn new(
        origin: Name,
        file: FileId,
        mut records: Vec<Record>,
        mut names: NameTable,
        is_export: bool,
        jobs: usize,
    ) -> Zone {
        records.shrink_to_fit();
        names.shrink_to_fit();
        let list = Records {
            list: &records,
            names: &names,
        };
        let jobs = if records.len() < WORTH_THREADS {
            1
        } else {
            jobs
        };
        // The owner order takes both threads (each sorts half the records).
        // The slots, the longest of what needs the order, then have a
        // thread to themselves while the other makes the rest: paired with
        // the order, the names with descendants left the slots to run alone.
        let owner_order = owner_order(list, jobs);
        let ((rrset_splits, with_descendants), slots) = crate::parallel::join(
            jobs,
            || {
                let sets = rrset_splits(&records, &owner_order.order, &owner_order.starts);
                (sets, with_descendants(list, &origin))
            },
            || OwnerIndex::slots(&owner_order, &records),
        );
        // Freed now, not at the end of this function: resolving targets
        // is when the zone's memory peaks.
        let OwnerOrder {
            order,
            starts,
            hashes,
        } = owner_order;
        drop(hashes);
        let owners = OwnerIndex { starts, slots };
        let targets = resolve_targets(list, &owners, jobs);
        Zone {
            origin,
            origin_inferred: None,
            file,
            included: Vec::new(),
            records,
            names,
            is_export,
            ttl_directives: Vec::new(),
            by_owner_order: order,
            rrset_splits,
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

    /// A record's owner.
    pub fn owner(&self, record: &Record) -> &DnsName {
        self.names.get(record.owner)
    }

    /// A name of this zone's records (an owner, a target).
    pub fn name(&self, id: NameId) -> &DnsName {
        self.names.get(id)
    }

    /// A record's target name (CNAME, DNAME, NS, PTR, MX, SRV).
    pub fn target(&self, record: &Record) -> Option<&DnsName> {
        record.rdata.target().map(|id| self.names.get(id))
    }

    /// The range of `by_owner_order` holding the records at `name`.
    fn owner_range(&self, name: &str) -> std::ops::Range<usize> {
        (self.owners.group(name, &self.names)).map_or(0..0, |g| self.owners.span_of(g))
    }

    /// Every owner's records, one owner at a time (owners ordered by
    /// name): rules that look at each name once need no lookups.
    pub fn owners(&self) -> impl Iterator<Item = AtOwner<'_>> {
        self.owners.starts.windows(2).map(move |group| AtOwner {
            zone: self,
            order: &self.by_owner_order[group[0] as usize..group[1] as usize],
        })
    }

    /// The `g`th owner of [`Zone::owners`]: a rule that keeps owners for
    /// later keeps their numbers (4 bytes, not a 24-byte view each).
    pub fn owner_group(&self, g: usize) -> AtOwner<'_> {
        AtOwner {
            zone: self,
            order: &self.by_owner_order[self.owners.span_of(g)],
        }
    }

    /// Each owner that has a record `wanted` picks: the index of its first
    /// such record and the owner's number ([`Zone::owner_group`]), in the
    /// file order of those records. Numbers, 8 bytes an owner, where a
    /// zone of CNAMEs has one per record.
    pub fn first_of_each_owner(&self, wanted: impl Fn(&Record) -> bool) -> Vec<(u32, u32)> {
        let mut found: Vec<(u32, u32)> = (self.owners().enumerate())
            .filter_map(|(g, at_owner)| {
                (at_owner.records())
                    .filter(|(_, r)| wanted(r))
                    .map(|(index, _)| index)
                    .min()
                    .map(|index| (index as u32, g as u32))
            })
            .collect();
        found.sort_unstable();
        found
    }

    /// Records at one name, in file order.
    pub fn at(&self, name: &DnsName) -> impl Iterator<Item = &Record> {
        self.by_owner_order[self.owner_range(name.as_str())]
            .iter()
            .map(|&i| &self.records[i as usize])
    }

    pub fn has_name(&self, name: &DnsName) -> bool {
        !self.owner_range(name.as_str()).is_empty()
    }

    /// Some record lies below `name` (an empty non-terminal exists).
    pub fn has_descendants(&self, name: &DnsName) -> bool {
        self.with_descendants.contains(name.as_str())
    }

    /// Records of one type at one name: binary searches, never a scan of
    /// the name's records (a hostile zone puts 40,000 at one name, and
    /// rules ask this once per record).
    pub fn at_of_type(&self, name: &DnsName, rtype: RType) -> impl Iterator<Item = &Record> {
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

    /// A response policy zone (RPZ): its NS records only fill the slot a
    /// master file needs (`NS localhost.`); no resolver is sent to them, so
    /// providers and counts of name servers mean nothing for it.
    pub fn is_policy_zone(&self) -> bool {
        let ns = self.apex_ns();
        !ns.is_empty()
            && ns.iter().all(|r| {
                self.target(r)
                    .is_some_and(|n| n.as_str().eq_ignore_ascii_case("localhost."))
            })
    }

    /// The zone's name as messages show it, with where it was inferred from.
    pub fn described(&self) -> String {
        match self.origin_inferred {
            Some(source) => format!("{} (the zone name is inferred from {source})", self.origin),
            None => self.origin.to_string(),
        }
    }

    /// The names NS records point to, anywhere in the zone.
    pub fn name_server_hosts(&self) -> FxHashSet<&DnsName> {
        (self.records.iter())
            .filter_map(|r| match &r.rdata {
                RData::Target(host) if r.rtype == RType::NS => Some(self.names.get(*host)),
                _ => None,
            })
            .collect()
    }

    /// The RRsets, views of a precomputed index: walking every set of a
    /// million-record zone allocates nothing.
    pub fn rrsets(&self) -> impl Iterator<Item = RRset<'_>> {
        self.rrset_ranges()
            .map(move |(start, end)| self.rrset_at(start, end))
    }

    /// The RRsets of two records or more: what rules that compare a set's
    /// records with each other walk. A set's size is known from the index
    /// alone, so the single-record sets that make up nearly every zone are
    /// skipped without reading their records (each a cache miss, in owner
    /// order: a tenth of checking a million-record zone, for two rules).
    pub fn rrsets_of_several(&self) -> impl Iterator<Item = RRset<'_>> {
        (self.rrset_ranges())
            .filter(|&(start, end)| end - start > 1)
            .map(move |(start, end)| self.rrset_at(start, end))
    }

    fn rrset_ranges(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        rrset_ranges(&self.owners.starts, &self.rrset_splits)
    }

    fn rrset_at(&self, start: u32, end: u32) -> RRset<'_> {
        let order = &self.by_owner_order[start as usize..end as usize];
        let first = &self.records[order[0] as usize];
        RRset {
            rtype: first.rtype,
            set_id: first.set_id(),
            members: AtOwner { zone: self, order },
        }
    }

    /// Names below the apex with NS records: delegation points.
    pub fn is_delegation(&self, name: &DnsName) -> bool {
        name != self.origin && self.at_of_type(name, RType::NS).next().is_some()
    }

    /// The name is inside this zone's authority: at or below the origin
    /// and not below a delegation point.
    pub fn is_authoritative_for(&self, name: &DnsName) -> bool {
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
    pub fn contains(&self, name: &DnsName) -> bool {
        name.is_at_or_below(&self.origin)
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
        Zone::new(origin, id, parsed.records, parsed.names, false, jobs)
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
        assert_eq!(one.rrset_splits, two.rrset_splits);
        // The sets cover the order one after the other; each is one owner,
        // class, type and routing set, and neighbours differ.
        let sets: Vec<(u32, u32)> = one.rrset_ranges().collect();
        assert_eq!(sets.first().map(|s| s.0), Some(0));
        assert_eq!(
            sets.last().map(|s| s.1),
            Some(one.by_owner_order.len() as u32)
        );
        let key = |at: u32| {
            let r = &one.records[one.by_owner_order[at as usize] as usize];
            (one.owner(r), index::rrset_key(r))
        };
        for pair in sets.windows(2) {
            assert_eq!(pair[0].1, pair[1].0);
            assert_ne!(key(pair[0].1 - 1), key(pair[1].0));
        }
        for &(start, end) in &sets {
            assert!(start < end);
            assert!((start..end).all(|at| key(at) == key(start)));
        }
        assert!(sets.len() > one.rrset_splits.len());
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
            let key = |r: &Record| (one.owner(r), r.class, r.rtype);
            assert!(key(a) < key(b) || (key(a) == key(b) && index[0] < index[1]));
        }
        // A target's records, found once, are those found by its name.
        let mut resolved = 0;
        for (i, record) in one.records.iter().enumerate() {
            let Some(target) = one.target(record) else {
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
        first_of_each_owner_numbers_its_owners(&one);
    }

    /// The first wanted record of each owner, with the owner's number.
    fn first_of_each_owner_numbers_its_owners(zone: &Zone) {
        type Wanted = fn(&Record) -> bool;
        let wanted: [(&str, Wanted); 3] = [
            ("CNAME", |r| r.rtype == RType::CNAME),
            ("A or TXT", |r| matches!(r.rtype, RType::A | RType::TXT)),
            ("any", |_| true),
        ];
        for (what, wanted) in wanted {
            let found = zone.first_of_each_owner(wanted);
            assert!(found.len() > 100, "{what}: {}", found.len());
            assert!(
                found.windows(2).all(|w| w[0].0 < w[1].0),
                "{what}: file order"
            );
            let owners = (zone.records.iter())
                .filter(|r| wanted(r))
                .map(|r| zone.owner(r))
                .collect::<std::collections::BTreeSet<_>>();
            assert_eq!(found.len(), owners.len(), "{what}: one each");
            for &(index, g) in &found {
                let record = &zone.records[index as usize];
                let at_owner: Vec<usize> = (zone.owner_group(g as usize).records())
                    .filter(|(_, r)| wanted(r))
                    .map(|(i, _)| i)
                    .collect();
                assert_eq!(at_owner.iter().min(), Some(&(index as usize)), "{what}");
                // The owner numbered is the record's own.
                let numbered: Vec<*const Record> = (zone.owner_group(g as usize).records())
                    .map(|(_, r)| std::ptr::from_ref(r))
                    .collect();
                let by_name: Vec<*const Record> = zone
                    .at(zone.owner(record))
                    .map(std::ptr::from_ref)
                    .collect();
                assert_eq!(numbered, by_name, "{what}");
            }
        }
    }
}
