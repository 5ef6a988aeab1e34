//! Record types and typed RDATA. The types a failover or migration touches
//! are parsed into fields; the rest are kept as validated opaque text.
//! This is the model; reading RDATA from its presentation form (the text
//! of zone files and of the exports that quote it) is `text`.

use super::name::Name;
use super::names::{NameId, NameTable};

mod text;
mod txt;
use std::net::{Ipv4Addr, Ipv6Addr};
pub use text::{
    char_string, decode_escape, is_base32hex, parse, parse_text, parse_written, Field, TextError,
};
pub use txt::TxtStrings;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RType(pub u16);

const TYPES: &[(&str, u16)] = &[
    ("A", 1),
    ("NS", 2),
    ("MD", 3),
    ("MF", 4),
    ("CNAME", 5),
    ("SOA", 6),
    ("MB", 7),
    ("MG", 8),
    ("MR", 9),
    ("NULL", 10),
    ("WKS", 11),
    ("PTR", 12),
    ("HINFO", 13),
    ("MINFO", 14),
    ("MX", 15),
    ("TXT", 16),
    ("RP", 17),
    ("AFSDB", 18),
    ("X25", 19),
    ("ISDN", 20),
    ("RT", 21),
    ("NSAP", 22),
    ("NSAP-PTR", 23),
    ("SIG", 24),
    ("KEY", 25),
    ("PX", 26),
    ("GPOS", 27),
    ("AAAA", 28),
    ("LOC", 29),
    ("NXT", 30),
    ("EID", 31),
    ("NIMLOC", 32),
    ("SRV", 33),
    ("ATMA", 34),
    ("NAPTR", 35),
    ("KX", 36),
    ("CERT", 37),
    ("A6", 38),
    ("DNAME", 39),
    ("SINK", 40),
    ("APL", 42),
    ("DS", 43),
    ("SSHFP", 44),
    ("IPSECKEY", 45),
    ("RRSIG", 46),
    ("NSEC", 47),
    ("DNSKEY", 48),
    ("DHCID", 49),
    ("NSEC3", 50),
    ("NSEC3PARAM", 51),
    ("TLSA", 52),
    ("SMIMEA", 53),
    ("HIP", 55),
    ("NINFO", 56),
    ("RKEY", 57),
    ("TALINK", 58),
    ("CDS", 59),
    ("CDNSKEY", 60),
    ("OPENPGPKEY", 61),
    ("CSYNC", 62),
    ("ZONEMD", 63),
    ("SVCB", 64),
    ("HTTPS", 65),
    ("DSYNC", 66),
    ("SPF", 99),
    ("UINFO", 100),
    ("UID", 101),
    ("GID", 102),
    ("UNSPEC", 103),
    ("NID", 104),
    ("L32", 105),
    ("L64", 106),
    ("LP", 107),
    ("EUI48", 108),
    ("EUI64", 109),
    ("URI", 256),
    ("CAA", 257),
    ("AVC", 258),
    ("DOA", 259),
    ("AMTRELAY", 260),
    ("RESINFO", 261),
    ("WALLET", 262),
    ("TA", 32768),
    ("DLV", 32769),
];

impl RType {
    pub const A: RType = RType(1);
    pub const NS: RType = RType(2);
    pub const CNAME: RType = RType(5);
    pub const SOA: RType = RType(6);
    pub const MX: RType = RType(15);
    pub const TXT: RType = RType(16);
    pub const AAAA: RType = RType(28);
    pub const SRV: RType = RType(33);
    pub const DNAME: RType = RType(39);
    pub const RRSIG: RType = RType(46);
    pub const NSEC3: RType = RType(50);

    /// A mnemonic (`MX`) or the RFC 3597 form (`TYPE15`), case-insensitive.
    /// No allocation: it runs once per record.
    pub fn parse(text: &str) -> Option<RType> {
        // The types nearly every record has, before the whole table.
        const COMMON: [(&str, RType); 6] = [
            ("A", RType::A),
            ("AAAA", RType::AAAA),
            ("CNAME", RType::CNAME),
            ("TXT", RType::TXT),
            ("MX", RType::MX),
            ("NS", RType::NS),
        ];
        let common = COMMON
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(text));
        if let Some(&(_, rtype)) = common {
            return Some(rtype);
        }
        if let Some(&(_, code)) = TYPES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(text))
        {
            return Some(RType(code));
        }
        let digits = text
            .get(..4)
            .filter(|prefix| prefix.eq_ignore_ascii_case("TYPE"))
            .map(|_| &text[4..])?;
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().ok().map(RType))
            .flatten()
    }

    /// The mnemonic (`MX`), if the type has one; no allocation.
    pub fn mnemonic(self) -> Option<&'static str> {
        // The table is in code order (a test says so): asked once or more
        // per record, a search, not a scan.
        let at = TYPES
            .binary_search_by_key(&self.0, |&(_, code)| code)
            .ok()?;
        Some(TYPES[at].0)
    }

    pub fn name(self) -> String {
        self.mnemonic()
            .map_or_else(|| format!("TYPE{}", self.0), str::to_string)
    }

    /// The types a failover or cutover changes: an address behind a name.
    pub fn is_address_like(self) -> bool {
        matches!(self, RType::A | RType::AAAA | RType::CNAME)
    }
}

impl std::fmt::Display for RType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Soa {
    pub mname: Name,
    pub rname: Name,
    pub serial: u32,
    pub refresh: u32,
    pub retry: u32,
    pub expire: u32,
    pub minimum: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caa {
    pub flags: u8,
    pub tag: String,
    pub value: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Svcb {
    pub priority: u16,
    pub target: Name,
    pub params: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Naptr {
    pub order: u16,
    pub preference: u16,
    pub flags: Vec<u8>,
    pub services: Vec<u8>,
    pub regexp: Vec<u8>,
    pub replacement: Name,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RData {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    /// CNAME, DNAME, NS, PTR: one target name. Target names are in the
    /// zone's name table, like owners: compare them with [`RData::same`].
    Target(NameId),
    Mx {
        preference: u16,
        exchange: NameId,
    },
    Soa(Box<Soa>),
    /// TXT and SPF: the character-strings, escapes decoded.
    Txt(TxtStrings),
    Srv {
        priority: u16,
        weight: u16,
        port: u16,
        target: NameId,
    },
    /// CAA, SVCB/HTTPS and NAPTR are rare and large: boxed, so that every
    /// other record stays small (a million-record zone is the target).
    Caa(Box<Caa>),
    /// DS, CDS, TLSA, SSHFP and friends: numeric fields and hex data.
    Fields(Box<[Box<str>]>),
    Svcb(Box<Svcb>),
    Naptr(Box<Naptr>),
    /// RFC 3597 `\# len hex`.
    Generic(Box<[u8]>),
    /// A provider alias (Route 53 alias, ALIAS/ANAME): answers with the
    /// target's records of the record's type.
    Alias(NameId),
    /// Other types: the RDATA text as written.
    Opaque(Box<str>),
}

impl RData {
    /// A form that compares equal for the same data however it was written
    /// (see [`super::canonical`]).
    pub fn canonical(&self, rtype: RType, names: &NameTable) -> String {
        super::canonical::canonical(rtype, self, names)
    }

    /// The same data: target names compared by their text (one name may
    /// have two ids in a table), everything else as it is.
    pub fn same(&self, other: &RData, names: &NameTable) -> bool {
        self.same_across(names, other, names)
    }

    /// [`RData::same`] for records of two zones, each with its name table.
    /// Equal here means equal canonical forms; the converse need not hold
    /// (a TXT value split at another place normalises alike).
    pub fn same_across(&self, names: &NameTable, other: &RData, other_names: &NameTable) -> bool {
        let name = |a: &NameId, b: &NameId| names.get(*a) == other_names.get(*b);
        match (self, other) {
            (RData::Target(a), RData::Target(b)) | (RData::Alias(a), RData::Alias(b)) => name(a, b),
            (
                RData::Mx {
                    preference: p,
                    exchange: a,
                },
                RData::Mx {
                    preference: q,
                    exchange: b,
                },
            ) => p == q && name(a, b),
            (
                RData::Srv {
                    priority,
                    weight,
                    port,
                    target: a,
                },
                RData::Srv {
                    priority: priority_b,
                    weight: weight_b,
                    port: port_b,
                    target: b,
                },
            ) => (priority, weight, port) == (priority_b, weight_b, port_b) && name(a, b),
            // The other kinds hold no name ids: their data compares as it is.
            (a, b) => a == b,
        }
    }

    /// The RDATA as a zone file would write it, for messages and reports.
    pub fn presentation(&self, names: &NameTable) -> String {
        fn quoted(bytes: &[u8]) -> String {
            let mut out = String::from("\"");
            for &b in bytes {
                match b {
                    b'"' | b'\\' => {
                        out.push('\\');
                        out.push(b as char);
                    }
                    0x20..=0x7e => out.push(b as char),
                    _ => out.push_str(&format!("\\{b:03}")),
                }
            }
            out.push('"');
            out
        }
        match self {
            RData::A(ip) => ip.to_string(),
            RData::Aaaa(ip) => ip.to_string(),
            RData::Target(name) | RData::Alias(name) => names.get(*name).to_string(),
            RData::Mx {
                preference,
                exchange,
            } => format!("{preference} {}", names.get(*exchange)),
            RData::Soa(soa) => format!(
                "{} {} {} {} {} {} {}",
                soa.mname, soa.rname, soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum
            ),
            RData::Txt(strings) => strings.iter().map(quoted).collect::<Vec<_>>().join(" "),
            RData::Srv {
                priority,
                weight,
                port,
                target,
            } => format!("{priority} {weight} {port} {}", names.get(*target)),
            RData::Caa(caa) => format!("{} {} {}", caa.flags, caa.tag, quoted(&caa.value)),
            RData::Fields(fields) => fields.join(" "),
            RData::Svcb(svcb) => {
                let mut text = format!("{} {}", svcb.priority, svcb.target);
                for param in &svcb.params {
                    text.push(' ');
                    text.push_str(param);
                }
                text
            }
            RData::Naptr(n) => format!(
                "{} {} {} {} {} {}",
                n.order,
                n.preference,
                quoted(&n.flags),
                quoted(&n.services),
                quoted(&n.regexp),
                n.replacement
            ),
            RData::Generic(bytes) => {
                let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                format!("\\# {} {hex}", bytes.len())
            }
            RData::Opaque(text) => text.to_string(),
        }
    }

    /// The name this record points at (CNAME, NS, MX, SRV ...).
    /// The name in the zone's table the data holds, to renumber it when
    /// tables are joined.
    pub fn name_mut(&mut self) -> Option<&mut NameId> {
        match self {
            RData::Target(n) | RData::Alias(n) => Some(n),
            RData::Mx { exchange, .. } => Some(exchange),
            RData::Srv { target, .. } => Some(target),
            _ => None,
        }
    }

    pub fn target(&self) -> Option<NameId> {
        match *self {
            RData::Target(n) => Some(n),
            RData::Mx { exchange, .. } => Some(exchange),
            RData::Srv { target, .. } => Some(target),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_table_is_in_code_order_and_read_both_ways() {
        assert!(TYPES.windows(2).all(|w| w[0].1 < w[1].1));
        for &(name, code) in TYPES {
            assert_eq!(RType(code).mnemonic(), Some(name));
            assert_eq!(RType::parse(name), Some(RType(code)), "{name}");
            assert_eq!(RType::parse(&name.to_ascii_lowercase()), Some(RType(code)));
        }
        assert_eq!(RType(3000).mnemonic(), None);
        assert_eq!(RType::parse("TYPE3000"), Some(RType(3000)));
        assert_eq!(RType::parse("AA"), None);
    }

    fn f(texts: &[&str]) -> Vec<Field<'static>> {
        texts
            .iter()
            .map(|t| Field {
                text: Box::leak(t.to_string().into_boxed_str()),
                quoted: false,
            })
            .collect()
    }

    #[test]
    fn types() {
        assert_eq!(RType::parse("mx"), Some(RType::MX));
        assert_eq!(RType::parse("TYPE65280"), Some(RType(65280)));
        assert_eq!(RType(65280).name(), "TYPE65280");
        assert_eq!(RType::parse("BOGUS"), None);
    }

    #[test]
    fn typed_rdata() {
        let o = Name::parse("example.com.", None).expect("origin");
        let names = &mut NameTable::default();
        let mx = parse(RType::MX, &f(&["10", "mail"]), Some(&o), names).expect("mx");
        assert_eq!(mx.presentation(names), "10 mail.example.com.");
        let RData::Mx { exchange, .. } = mx else {
            panic!("{mx:?}")
        };
        assert_eq!(names.get(exchange).as_str(), "mail.example.com.");
        let again = parse(RType::MX, &f(&["10", "MAIL.example.com."]), Some(&o), names);
        assert!(mx.same(&again.expect("mx"), names));
        let other = parse(RType::MX, &f(&["10", "mx2"]), Some(&o), names).expect("mx");
        assert!(!mx.same(&other, names));
        assert!(parse(RType::A, &f(&["300.1.1.1"]), Some(&o), names).is_err());
        assert!(parse(RType::A, &f(&["1.1.1.1", "x"]), Some(&o), names).is_err());
        assert_eq!(
            parse(RType(65280), &f(&["\\#", "2", "abcd"]), Some(&o), names),
            Ok(RData::Generic(Box::new([0xab, 0xcd])))
        );
        assert!(parse(RType(65280), &f(&["\\#", "3", "abcd"]), Some(&o), names).is_err());
        let txt = parse(RType::TXT, &f(&[r#"v=spf1\" x"#, "tail"]), Some(&o), names).expect("txt");
        assert_eq!(txt.presentation(names), r#""v=spf1\" x" "tail""#);
        let long = "x".repeat(256);
        assert!(parse(RType::TXT, &f(&[&long]), Some(&o), names).is_err());
    }
}
