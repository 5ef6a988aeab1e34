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

/// A record's data: compared, ordered and deduplicated by `key`; `shown`
/// when the key is not wire form that can be shown.
#[derive(Clone, Debug)]
pub struct Datum {
    key: Box<[u8]>,
    shown: Shown,
}

#[derive(Clone, Debug)]
enum Shown {
    /// The key is the canonical wire form.
    Key,
    /// TXT: the strings as they came, in wire form.
    Wire(Box<[u8]>),
    Text(Box<str>),
}

impl PartialEq for Datum {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
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
        self.key.cmp(&other.key)
    }
}

impl Datum {
    /// Live data in uncompressed wire form (names may be in any case).
    pub fn from_wire(rtype: RType, mut wire: Vec<u8>) -> Datum {
        match form(rtype) {
            Form::Wire { prefix, name } => {
                if name && wire.len() > prefix {
                    // Length octets are at most 63, below `A`: lower-casing
                    // the whole name leaves them alone.
                    wire[prefix..].make_ascii_lowercase();
                }
                Datum {
                    key: wire.into_boxed_slice(),
                    shown: Shown::Key,
                }
            }
            Form::Joined => Datum {
                key: joined(&wire).into_boxed_slice(),
                shown: Shown::Wire(wire.into_boxed_slice()),
            },
            Form::Text => {
                let mut names = NameTable::default();
                let typed = crate::dns::wire::presentation(rtype, &wire).and_then(|text| {
                    crate::dns::rdata::parse_text(rtype, &text, None, &mut names).ok()
                });
                match typed {
                    Some(rdata) => Datum::text(rtype, &rdata, &names),
                    None => Datum::text(rtype, &RData::Generic(wire.into_boxed_slice()), &names),
                }
            }
        }
    }

    /// A repository record's data.
    pub fn from_model(rtype: RType, rdata: &RData, names: &NameTable) -> Datum {
        if let Some(wire) = encode(rtype, rdata, names) {
            return Datum::from_wire(rtype, wire);
        }
        Datum::text(rtype, rdata, names)
    }

    fn text(rtype: RType, rdata: &RData, names: &NameTable) -> Datum {
        Datum {
            key: rdata
                .canonical(rtype, names)
                .into_bytes()
                .into_boxed_slice(),
            shown: Shown::Text(rdata.presentation(names).into_boxed_str()),
        }
    }

    /// The data as a zone file writes it.
    pub fn show(&self, rtype: RType) -> String {
        let wire = match &self.shown {
            Shown::Text(text) => return text.to_string(),
            Shown::Key => &self.key,
            Shown::Wire(wire) => wire,
        };
        crate::dns::wire::presentation(rtype, wire)
            .unwrap_or_else(|| RData::Generic(wire.clone()).presentation(&NameTable::default()))
    }
}

/// The data's sorted, deduplicated values as shown.
pub fn shown(values: &[Datum], rtype: RType) -> Vec<String> {
    values.iter().map(|d| d.show(rtype)).collect()
}

/// TXT strings in wire form (length octet, octets), joined.
fn joined(wire: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(wire.len());
    let mut rest = wire;
    while let Some((&len, tail)) = rest.split_first() {
        let (string, after) = tail.split_at(usize::from(len).min(tail.len()));
        out.extend_from_slice(string);
        rest = after;
    }
    out
}

/// Uncompressed wire form of a repository record's data, for the types
/// compared in wire form; `None` for the others (and for RFC 3597 data of
/// types holding names, whose case the text form settles).
fn encode(rtype: RType, rdata: &RData, names: &NameTable) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    match (form(rtype), rdata) {
        (Form::Text, _) => return None,
        (Form::Wire { name: true, .. }, RData::Generic(_)) => return None,
        (_, RData::Generic(bytes)) => out.extend_from_slice(bytes),
        (_, RData::A(ip)) => out.extend_from_slice(&ip.octets()),
        (_, RData::Aaaa(ip)) => out.extend_from_slice(&ip.octets()),
        (_, RData::Target(name)) => name_wire(names.get(*name), &mut out)?,
        (
            _,
            RData::Mx {
                preference,
                exchange,
            },
        ) => {
            out.extend_from_slice(&preference.to_be_bytes());
            name_wire(names.get(*exchange), &mut out)?;
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
            name_wire(names.get(*target), &mut out)?;
        }
        (_, RData::Txt(strings)) => {
            for string in strings.iter() {
                out.push(u8::try_from(string.len()).ok()?);
                out.extend_from_slice(string);
            }
        }
        _ => return None,
    }
    Some(out)
}

/// A canonical name (lower case, escapes normalised) in wire form.
fn name_wire(name: &DnsName, out: &mut Vec<u8>) -> Option<()> {
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
        assert_eq!(mx, Datum::from_wire(RType::MX, wire));
        assert_eq!(mx.show(RType::MX), "10 mail.example.com.");
        let escaped = model(RType::CNAME, "a\\.b.example.");
        assert_eq!(
            escaped,
            Datum::from_wire(RType::CNAME, b"\x03a.b\x07example\x00".to_vec())
        );
        let a = model(RType::A, "192.0.2.1");
        assert_eq!(a, Datum::from_wire(RType::A, vec![192, 0, 2, 1]));
        assert_eq!(a.show(RType::A), "192.0.2.1");
        let srv = model(RType::SRV, "0 5 5060 SIP.example.");
        assert_eq!(
            srv,
            Datum::from_wire(
                RType::SRV,
                b"\0\0\0\x05\x13\xc4\x03sip\x07example\0".to_vec()
            )
        );
    }

    #[test]
    fn txt_compares_by_its_joined_strings_and_shows_as_served() {
        let split = model(RType::TXT, "\"v=spf1 \" \"-all\"");
        let whole = Datum::from_wire(RType::TXT, b"\x0bv=spf1 -all".to_vec());
        assert_eq!(split, whole);
        assert_eq!(whole.show(RType::TXT), "\"v=spf1 -all\"");
        assert_ne!(split, Datum::from_wire(RType::TXT, b"\x04-all".to_vec()));
    }

    #[test]
    fn other_types_compare_by_canonical_text() {
        let caa = model(RType(257), "0 ISSUE \"letsencrypt.org\"");
        let wire = b"\x00\x05issueletsencrypt.org".to_vec();
        assert_eq!(caa, Datum::from_wire(RType(257), wire));
        assert_eq!(caa.show(RType(257)), "0 ISSUE \"letsencrypt.org\"");
    }
}
