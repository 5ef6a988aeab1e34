//! One record's data in the form drift compares, built without text for
//! the types that make up nearly every zone: the canonical wire form (RFC
//! 4034 §6.2: names uncompressed and lower-cased) of A, AAAA, NS, CNAME,
//! DNAME, PTR, MX and SRV data, and the joined octets of TXT and SPF strings
//! (providers cut long strings differently; clients join them). Other types
//! compare by the canonical text `tripline diff` uses. The live side comes
//! straight from the wire, the repository's side is encoded from its model;
//! text for messages is made only for what is reported.

use crate::dns::name::DnsName;
use crate::dns::names::NameTable;
use crate::dns::rdata::{RData, RType};
use smallvec::SmallVec;
use std::cmp::Ordering;

const PTR: u16 = 12;
const SPF: u16 = 99;

/// How a type compares.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// Canonical wire form, `prefix` fixed octets then one name.
    Wire { prefix: usize, name: bool },
    /// The strings' octets, joined.
    Joined,
    /// Canonical text.
    Text,
}

fn form(rtype: RType) -> Form {
    match rtype.0 {
        1 | 28 => Form::Wire {
            prefix: 0,
            name: false,
        },
        2 | 5 | 39 | PTR => Form::Wire {
            prefix: 0,
            name: true,
        },
        15 => Form::Wire {
            prefix: 2,
            name: true,
        },
        33 => Form::Wire {
            prefix: 6,
            name: true,
        },
        16 | SPF => Form::Joined,
        _ => Form::Text,
    }
}

/// A record's data: compared, ordered and deduplicated by what it means
/// (TXT by its joined strings), held inline when short (an address).
#[derive(Clone, Debug)]
pub struct Datum {
    kind: Kind,
    /// Canonical wire form; for TXT, the strings as they came; for text
    /// types, the canonical text.
    bytes: SmallVec<[u8; 16]>,
    /// Text types: the data as a zone file writes it.
    shown: Option<Box<str>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Wire,
    Joined,
    Text,
}

/// The values of one RRset on one side: one, nearly always.
pub type Values = SmallVec<[Datum; 1]>;

impl PartialEq for Datum {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Datum {}

impl PartialOrd for Datum {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Datum {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.kind, other.kind) {
            (Kind::Joined, Kind::Joined) => joined(&self.bytes).cmp(joined(&other.bytes)),
            _ => (self.kind as u8, &self.bytes[..]).cmp(&(other.kind as u8, &other.bytes[..])),
        }
    }
}

impl Datum {
    /// Live data in uncompressed wire form (names may be in any case).
    pub fn from_wire(rtype: RType, wire: &[u8]) -> Datum {
        match form(rtype) {
            Form::Wire { prefix, name } => {
                let mut bytes = SmallVec::from_slice(wire);
                if name && bytes.len() > prefix {
                    // Length octets are at most 63, below `A`: lower-casing
                    // the whole name leaves them alone.
                    bytes[prefix..].make_ascii_lowercase();
                }
                Datum {
                    kind: Kind::Wire,
                    bytes,
                    shown: None,
                }
            }
            Form::Joined => Datum {
                kind: Kind::Joined,
                bytes: SmallVec::from_slice(wire),
                shown: None,
            },
            Form::Text => {
                let mut names = NameTable::default();
                let typed = crate::dns::wire::presentation(rtype, wire).and_then(|text| {
                    crate::dns::rdata::parse_text(rtype, &text, None, &mut names).ok()
                });
                match typed {
                    Some(rdata) => Datum::text(rtype, &rdata, &names),
                    None => Datum::text(rtype, &RData::Generic(wire.into()), &names),
                }
            }
        }
    }

    /// A repository record's data.
    pub fn from_model(rtype: RType, rdata: &RData, names: &NameTable) -> Datum {
        let mut wire = SmallVec::<[u8; 64]>::new();
        if encode(rtype, rdata, names, &mut wire).is_some() {
            return Datum::from_wire(rtype, &wire);
        }
        Datum::text(rtype, rdata, names)
    }

    fn text(rtype: RType, rdata: &RData, names: &NameTable) -> Datum {
        Datum {
            kind: Kind::Text,
            bytes: SmallVec::from_vec(rdata.canonical(rtype, names).into_bytes()),
            shown: Some(rdata.presentation(names).into_boxed_str()),
        }
    }

    /// The data as a zone file writes it.
    pub fn show(&self, rtype: RType) -> String {
        if let Some(text) = &self.shown {
            return text.to_string();
        }
        crate::dns::wire::presentation(rtype, &self.bytes).unwrap_or_else(|| {
            RData::Generic(self.bytes.to_vec().into_boxed_slice())
                .presentation(&NameTable::default())
        })
    }
}

/// The data's values as shown.
pub fn shown(values: &[Datum], rtype: RType) -> Vec<String> {
    values.iter().map(|d| d.show(rtype)).collect()
}

/// The values sorted and deduplicated, as sides are compared.
pub fn normalise(values: &mut Values) {
    values.sort_unstable();
    values.dedup();
}

/// TXT strings in wire form (length octet, octets), joined.
fn joined(wire: &[u8]) -> impl Iterator<Item = u8> + '_ {
    let mut rest = wire;
    std::iter::from_fn(move || {
        let (&len, tail) = rest.split_first()?;
        let (string, after) = tail.split_at(usize::from(len).min(tail.len()));
        rest = after;
        Some(string)
    })
    .flatten()
    .copied()
}

/// Uncompressed wire form of a repository record's data, for the types
/// compared in wire form; `None` for the others.
fn encode(
    rtype: RType,
    rdata: &RData,
    names: &NameTable,
    out: &mut SmallVec<[u8; 64]>,
) -> Option<()> {
    match (form(rtype), rdata) {
        (Form::Text, _) => return None,
        (_, RData::Generic(bytes)) => out.extend_from_slice(bytes),
        (_, RData::A(ip)) => out.extend_from_slice(&ip.octets()),
        (_, RData::Aaaa(ip)) => out.extend_from_slice(&ip.octets()),
        (_, RData::Target(name)) => name_wire(names.get(*name), out)?,
        (
            _,
            RData::Mx {
                preference,
                exchange,
            },
        ) => {
            out.extend_from_slice(&preference.to_be_bytes());
            name_wire(names.get(*exchange), out)?;
        }
        (
            _,
            RData::Srv {
                priority,
                weight,
                port,
                target,
            },
        ) => {
            for field in [priority, weight, port] {
                out.extend_from_slice(&field.to_be_bytes());
            }
            name_wire(names.get(*target), out)?;
        }
        (_, RData::Txt(strings)) => {
            for string in strings.iter() {
                out.push(u8::try_from(string.len()).ok()?);
                out.extend_from_slice(string);
            }
        }
        _ => return None,
    }
    Some(())
}

/// A canonical name (lower case, escapes normalised) in wire form.
fn name_wire(name: &DnsName, out: &mut SmallVec<[u8; 64]>) -> Option<()> {
    let text = name.as_str();
    if text == "." {
        out.push(0);
        return Some(());
    }
    let bytes = text.as_bytes();
    let mut label_start = out.len();
    out.push(0);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                let (byte, len) = crate::dns::rdata::decode_escape(bytes, i).ok()?;
                out.push(byte.to_ascii_lowercase());
                i += len;
            }
            b'.' => {
                let len = out.len() - label_start - 1;
                out[label_start] = u8::try_from(len).ok()?;
                label_start = out.len();
                out.push(0);
                i += 1;
            }
            b => {
                out.push(b.to_ascii_lowercase());
                i += 1;
            }
        }
    }
    // A relative name would leave its last label open: canonical names
    // are absolute, and the open length octet is the root's 0.
    let len = out.len() - label_start - 1;
    if len > 0 {
        out[label_start] = u8::try_from(len).ok()?;
        out.push(0);
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::rdata::parse_text;

    fn model(rtype: RType, text: &str) -> Datum {
        let mut names = NameTable::default();
        let rdata = parse_text(rtype, text, None, &mut names).expect("rdata");
        Datum::from_model(rtype, &rdata, &names)
    }

    #[test]
    fn the_model_encodes_as_the_wire_reads() {
        let mx = model(RType::MX, "10 Mail.Example.COM.");
        let wire = b"\x00\x0a\x04MAIL\x07example\x03com\x00".to_vec();
        assert_eq!(mx, Datum::from_wire(RType::MX, &wire));
        assert_eq!(mx.show(RType::MX), "10 mail.example.com.");
        let escaped = model(RType::CNAME, "a\\.b.example.");
        assert_eq!(
            escaped,
            Datum::from_wire(RType::CNAME, b"\x03a.b\x07example\x00")
        );
        let a = model(RType::A, "192.0.2.1");
        assert_eq!(a, Datum::from_wire(RType::A, &[192, 0, 2, 1]));
        assert_eq!(a.show(RType::A), "192.0.2.1");
        let srv = model(RType::SRV, "0 5 5060 SIP.example.");
        assert_eq!(
            srv,
            Datum::from_wire(RType::SRV, b"\0\0\0\x05\x13\xc4\x03sip\x07example\0")
        );
    }

    #[test]
    fn txt_compares_by_its_joined_strings_and_shows_as_served() {
        let split = model(RType::TXT, "\"v=spf1 \" \"-all\"");
        let whole = Datum::from_wire(RType::TXT, b"\x0bv=spf1 -all");
        assert_eq!(split, whole);
        assert_eq!(whole.show(RType::TXT), "\"v=spf1 -all\"");
        assert_ne!(split, Datum::from_wire(RType::TXT, b"\x04-all"));
    }

    #[test]
    fn other_types_compare_by_canonical_text() {
        let caa = model(RType(257), "0 ISSUE \"letsencrypt.org\"");
        let wire = b"\x00\x05issueletsencrypt.org".to_vec();
        assert_eq!(caa, Datum::from_wire(RType(257), &wire));
        assert_eq!(caa.show(RType(257)), "0 ISSUE \"letsencrypt.org\"");
    }
}
