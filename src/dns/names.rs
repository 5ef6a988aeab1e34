//! The names of one zone (its owners and targets) in one buffer: a record
//! holds a 4-byte [`NameId`] instead of a pointer to a name of its own. A
//! million-record zone paid 80 bytes a name that way (a 16-byte pointer
//! and a 64-byte heap block for 25 bytes of text); in the table a name
//! costs its text and 4 bytes, and adding one allocates nothing.
//!
//! A name is not looked up when added, only compared with the one added
//! last (an owner's records stand together): one name may have several
//! ids, so names compare by text ([`NameTable::get`]), never by id.

use super::name::{parse_into, DnsName, NameError};

/// A name in a zone's [`NameTable`].
/// `NameId::default()` is the first name: a filler where no name is meant
/// (an empty slot of an index), never read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameId(u32);

#[derive(Default, Clone)]
pub struct NameTable {
    /// Every name's canonical text, one after the other.
    text: String,
    /// Where each name ends in `text` (it starts where the one before ends).
    ends: Vec<u32>,
}

impl NameTable {
    pub fn get(&self, id: NameId) -> &DnsName {
        let i = id.0 as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        DnsName::from_canonical(&self.text[start..self.ends[i] as usize])
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Adds a name; the same name as the last one added is not stored twice
    /// (a zone writes an owner's records together).
    pub fn push(&mut self, name: &DnsName) -> Result<NameId, NameError> {
        let start = self.text.len();
        self.text.push_str(name.as_str());
        self.seal(start)
    }

    /// Parses a name as [`super::name::Name::parse`] does, into the table.
    pub fn parse(&mut self, text: &str, origin: Option<&DnsName>) -> Result<NameId, NameError> {
        let start = self.text.len();
        match parse_into(text, origin, &mut self.text) {
            Ok(()) => self.seal(start),
            Err(e) => {
                self.text.truncate(start);
                Err(e)
            }
        }
    }

    /// The name written at `start..` becomes an entry, or is dropped for
    /// the one before it when it repeats it.
    fn seal(&mut self, start: usize) -> Result<NameId, NameError> {
        if let Some(last) = self.ends.len().checked_sub(1) {
            let before = if last == 0 {
                0
            } else {
                self.ends[last - 1] as usize
            };
            if self.text[before..start] == self.text[start..] {
                self.text.truncate(start);
                return Ok(NameId(last as u32));
            }
        }
        let (Ok(end), Ok(id)) = (
            u32::try_from(self.text.len()),
            u32::try_from(self.ends.len()),
        ) else {
            self.text.truncate(start);
            return Err(NameError::TableFull);
        };
        self.ends.push(end);
        Ok(NameId(id))
    }

    /// Appends `other`'s names; returns how to renumber `other`'s ids
    /// ([`Renumber::id`]). Its first name joins this table's last when they
    /// are one name, as [`NameTable::push`] would have done.
    pub fn append(&mut self, other: NameTable) -> Result<Renumber, NameError> {
        let joins_last = !other.is_empty()
            && !self.is_empty()
            && self.get(NameId(self.ends.len() as u32 - 1)) == other.get(NameId(0));
        let total = self.text.len() + other.text.len();
        if u32::try_from(total).is_err() || u32::try_from(self.len() + other.len()).is_err() {
            return Err(NameError::TableFull);
        }
        let base = self.text.len() as u32; // at most `total`
        let first = self.ends.len() as u32;
        let skip = usize::from(joins_last);
        let skipped_text = if joins_last { other.ends[0] } else { 0 };
        self.text.push_str(&other.text[skipped_text as usize..]);
        self.ends.extend(
            other.ends[skip..]
                .iter()
                .map(|&end| end - skipped_text + base),
        );
        Ok(Renumber {
            offset: first - u32::from(joins_last),
            joins_last,
        })
    }

    pub fn ids(&self) -> impl Iterator<Item = NameId> {
        (0..self.ends.len() as u32).map(NameId)
    }

    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// An appended table's ids in the table it joined.
#[derive(Clone, Copy, Debug)]
pub struct Renumber {
    offset: u32,
    joins_last: bool,
}

impl Renumber {
    pub fn id(self, id: NameId) -> NameId {
        if self.joins_last && id.0 == 0 {
            return NameId(self.offset);
        }
        NameId(id.0 + self.offset)
    }
}

impl std::fmt::Debug for NameTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.ids().map(|id| self.get(id)))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::name::Name;

    fn table(names: &[&str]) -> (NameTable, Vec<NameId>) {
        let mut t = NameTable::default();
        let ids = names.iter().map(|n| t.parse(n, None).unwrap()).collect();
        (t, ids)
    }

    #[test]
    fn names_read_back_as_parsed_and_repeats_are_stored_once() {
        let (t, ids) = table(&["a.example.", "a.example.", "B.example.", "a.example."]);
        assert_eq!(t.len(), 3);
        assert_eq!(ids[0], ids[1]);
        assert_ne!(ids[0], ids[3]);
        assert_eq!(t.get(ids[2]).as_str(), "b.example.");
        assert_eq!(t.get(ids[3]), &*Name::parse("a.example.", None).unwrap());
    }

    #[test]
    fn a_bad_name_leaves_the_table_as_it_was() {
        let (mut t, _) = table(&["a.example."]);
        assert!(t.parse("www", None).is_err());
        assert!(t.parse(&format!("{}.x.", "a".repeat(64)), None).is_err());
        let id = t.parse("c.example.", None).unwrap();
        assert_eq!(t.get(id).as_str(), "c.example.");
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn names_relative_to_an_origin_match_name_parse() {
        let origin = Name::parse("Example.COM.", None).unwrap();
        for text in ["www", "@", "A\\.b", "x.y.", "\\065bc", "*"] {
            let mut t = NameTable::default();
            let id = t.parse(text, Some(&origin)).unwrap();
            assert_eq!(
                t.get(id),
                &*Name::parse(text, Some(&origin)).unwrap(),
                "{text}"
            );
        }
    }

    #[test]
    fn appending_renumbers_and_joins_a_repeated_name() {
        for (second, joins) in [(["c.", "d."], false), (["b.", "d."], true)] {
            let (mut t, _) = table(&["a.", "b."]);
            let (other, other_ids) = table(&second);
            let renumber = t.append(other).unwrap();
            let (whole, whole_ids) = table(&["a.", "b.", second[0], second[1]]);
            assert_eq!(format!("{t:?}"), format!("{whole:?}"), "joins {joins}");
            for (i, id) in other_ids.iter().enumerate() {
                assert_eq!(renumber.id(*id), whole_ids[2 + i]);
            }
        }
        let (mut t, _) = table(&["a."]);
        t.append(NameTable::default()).unwrap();
        assert_eq!(t.len(), 1);
        let mut empty = NameTable::default();
        let (other, ids) = table(&["a."]);
        let renumber = empty.append(other).unwrap();
        assert_eq!(empty.get(renumber.id(ids[0])).as_str(), "a.");
    }
}
