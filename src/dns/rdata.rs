//! Record types and typed RDATA. The types a failover or migration touches
//! are parsed into fields; the rest are kept as validated opaque text.

use super::name::Name;
use super::names::{NameId, NameTable};

mod txt;
use std::net::{Ipv4Addr, Ipv6Addr};
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

    /// A mnemonic (`MX`) or the RFC 3597 form (`TYPE15`), case-insensitive.
    /// No allocation: it runs once per record.
    pub fn parse(text: &str) -> Option<RType> {
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
        TYPES
            .iter()
            .find(|(_, code)| *code == self.0)
            .map(|(name, _)| *name)
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

/// One RDATA field as the parser hands it over.
pub struct Field<'a> {
    pub text: &'a str,
    pub quoted: bool,
}

/// Decodes the escape starting at `bytes[i]` (a backslash): `\\DDD`
/// (decimal, at most 255) or `\\X`. Returns the byte and the escape's length.
pub fn decode_escape(bytes: &[u8], i: usize) -> Result<(u8, usize), String> {
    let digits = &bytes[i + 1..(i + 4).min(bytes.len())];
    if digits.len() == 3 && digits.iter().all(u8::is_ascii_digit) {
        let value = digits
            .iter()
            .fold(0u32, |a, d| a * 10 + u32::from(d - b'0'));
        let byte = u8::try_from(value).map_err(|_| String::from_utf8_lossy(digits).into_owned())?;
        return Ok((byte, 4));
    }
    match bytes.get(i + 1) {
        Some(&b) => Ok((b, 2)),
        None => Err(String::new()),
    }
}

/// Decodes a character-string: `\\X` and `\\DDD` escapes.
pub fn char_string(text: &str) -> Result<Vec<u8>, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            let (byte, len) = decode_escape(bytes, i).map_err(|digits| {
                if digits.is_empty() {
                    "trailing backslash".to_string()
                } else {
                    format!("bad escape \\{digits}")
                }
            })?;
            out.push(byte);
            i += len;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    if out.len() > 255 {
        return Err(format!(
            "character-string is {} octets long; the limit is 255",
            out.len()
        ));
    }
    Ok(out)
}

fn num<T: std::str::FromStr>(field: Option<&Field<'_>>, what: &str) -> Result<T, String> {
    let f = field.ok_or_else(|| format!("missing {what}"))?;
    f.text
        .parse()
        .map_err(|_| format!("bad {what} `{}`", f.text))
}

fn name(field: Option<&Field<'_>>, what: &str, origin: Option<&Name>) -> Result<Name, String> {
    let f = field.ok_or_else(|| format!("missing {what}"))?;
    Name::parse(f.text, origin).map_err(|e| format!("bad {what} `{}`: {e}", f.text))
}

/// [`name`] into the zone's name table.
fn name_in(
    names: &mut NameTable,
    field: Option<&Field<'_>>,
    what: &str,
    origin: Option<&Name>,
) -> Result<NameId, String> {
    let f = field.ok_or_else(|| format!("missing {what}"))?;
    (names.parse(f.text, origin.map(|o| &**o))).map_err(|e| format!("bad {what} `{}`: {e}", f.text))
}

fn exactly(fields: &[Field<'_>], n: usize, rtype: RType) -> Result<(), String> {
    if fields.len() > n {
        return Err(format!(
            "extra data in {rtype} record: `{}`",
            fields[n].text
        ));
    }
    if fields.len() < n {
        return Err(format!("unexpected end of input in {rtype} record"));
    }
    Ok(())
}

pub fn is_base32hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'v').contains(&b.to_ascii_lowercase())
}

fn hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) || !digits.iter().all(u8::is_ascii_hexdigit) {
        return Err(format!("bad hex data `{text}`"));
    }
    Ok(digits
        .chunks(2)
        .map(|pair| {
            let hi = (pair[0] as char).to_digit(16).unwrap_or(0);
            let lo = (pair[1] as char).to_digit(16).unwrap_or(0);
            (hi * 16 + lo) as u8
        })
        .collect())
}

/// Types whose presentation format tripline does not parse: written as
/// `TYPEnnn`, they must use the RFC 3597 `\\#` form.
fn is_typed(rtype: RType) -> bool {
    matches!(
        rtype.mnemonic().unwrap_or(""),
        "A" | "AAAA"
            | "CNAME"
            | "DNAME"
            | "NS"
            | "PTR"
            | "MX"
            | "SOA"
            | "TXT"
            | "SPF"
            | "SRV"
            | "CAA"
            | "DS"
            | "CDS"
            | "TLSA"
            | "SMIMEA"
            | "SSHFP"
            | "SVCB"
            | "HTTPS"
            | "NAPTR"
            | "EUI48"
            | "EUI64"
            | "NSAP"
            | "NSEC3"
    )
}

/// Parses the RDATA fields of a record of type `rtype`; `generic_type` is
/// set when the type was written as `TYPEnnn`.
pub fn parse_written(
    rtype: RType,
    generic_type: bool,
    fields: &[Field<'_>],
    origin: Option<&Name>,
    names: &mut NameTable,
) -> Result<RData, String> {
    let is_generic_data = fields.first().is_some_and(|f| f.text == "\\#" && !f.quoted);
    if generic_type && !is_generic_data && !is_typed(rtype) {
        return Err(format!(
            "{rtype} written as TYPE{} needs the RFC 3597 form `\\# length hex`",
            rtype.0
        ));
    }
    parse(rtype, fields, origin, names)
}

/// Why RDATA text did not parse: its tokens, or their meaning.
#[derive(Debug)]
pub enum TextError {
    Lex(String),
    Data(String),
}

/// Parses RDATA written as zone-file text (`10 mx.example.com.`): tokens
/// as the zone lexer reads them, then [`parse`].
pub fn parse_text(
    rtype: RType,
    text: &str,
    origin: Option<&Name>,
    names: &mut NameTable,
) -> Result<RData, TextError> {
    let (entries, errors) = super::lexer::entries(text.as_bytes());
    if let Some(e) = errors.first() {
        return Err(TextError::Lex(e.message.clone()));
    }
    let tokens: Vec<super::lexer::Token> = entries.into_iter().flat_map(|e| e.tokens).collect();
    let texts: Vec<String> = tokens
        .iter()
        .map(|t| t.text(text.as_bytes()).into_owned())
        .collect();
    let fields: Vec<Field<'_>> = texts
        .iter()
        .zip(&tokens)
        .map(|(text, t)| Field {
            text,
            quoted: t.quoted,
        })
        .collect();
    parse(rtype, &fields, origin, names).map_err(TextError::Data)
}

/// Parses the RDATA fields of a record of type `rtype`.
/// Target names go into `names`.
pub fn parse(
    rtype: RType,
    fields: &[Field<'_>],
    origin: Option<&Name>,
    names: &mut NameTable,
) -> Result<RData, String> {
    if fields.first().is_some_and(|f| f.text == "\\#" && !f.quoted) {
        let len: usize = num(fields.get(1), "RFC 3597 length")?;
        let data: String = fields[2.min(fields.len())..]
            .iter()
            .map(|f| f.text)
            .collect();
        let bytes = hex(&data)?;
        if bytes.len() != len {
            return Err(format!(
                "RFC 3597 data is {} octets but the length says {len}",
                bytes.len()
            ));
        }
        return Ok(RData::Generic(bytes.into()));
    }
    match rtype.mnemonic().unwrap_or("") {
        "A" => {
            exactly(fields, 1, rtype)?;
            fields[0]
                .text
                .parse()
                .map(RData::A)
                .map_err(|_| format!("bad IPv4 address `{}`", fields[0].text))
        }
        "AAAA" => {
            exactly(fields, 1, rtype)?;
            fields[0]
                .text
                .parse()
                .map(RData::Aaaa)
                .map_err(|_| format!("bad IPv6 address `{}`", fields[0].text))
        }
        "CNAME" | "DNAME" | "NS" | "PTR" => {
            exactly(fields, 1, rtype)?;
            Ok(RData::Target(name_in(
                names,
                fields.first(),
                "target name",
                origin,
            )?))
        }
        "MX" => {
            exactly(fields, 2, rtype)?;
            Ok(RData::Mx {
                preference: num(fields.first(), "MX preference")?,
                exchange: name_in(names, fields.get(1), "mail exchange", origin)?,
            })
        }
        "SOA" => {
            exactly(fields, 7, rtype)?;
            let ttl = |i: usize, what: &str| -> Result<u32, String> {
                let f = &fields[i];
                super::zone::parse_ttl(f.text).ok_or_else(|| format!("bad SOA {what} `{}`", f.text))
            };
            Ok(RData::Soa(Box::new(Soa {
                mname: name(fields.first(), "SOA primary name server", origin)?,
                rname: name(fields.get(1), "SOA mailbox", origin)?,
                serial: num(fields.get(2), "SOA serial")?,
                refresh: ttl(3, "refresh")?,
                retry: ttl(4, "retry")?,
                expire: ttl(5, "expire")?,
                minimum: ttl(6, "minimum")?,
            })))
        }
        "TXT" | "SPF" => {
            if fields.is_empty() {
                return Err(format!("unexpected end of input in {rtype} record"));
            }
            let strings = (fields.iter())
                .map(|f| char_string(f.text))
                .collect::<Result<Vec<_>, _>>()?;
            // `char_string` holds each to 255 octets.
            TxtStrings::new(strings.iter().map(Vec::as_slice))
                .map(RData::Txt)
                .ok_or_else(|| "character-string longer than 255 octets".to_string())
        }
        "SRV" => {
            exactly(fields, 4, rtype)?;
            Ok(RData::Srv {
                priority: num(fields.first(), "SRV priority")?,
                weight: num(fields.get(1), "SRV weight")?,
                port: num(fields.get(2), "SRV port")?,
                target: name_in(names, fields.get(3), "SRV target", origin)?,
            })
        }
        "CAA" => {
            exactly(fields, 3, rtype)?;
            let tag = fields[1].text.to_string();
            if tag.is_empty() || !tag.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(format!("bad CAA tag `{tag}`"));
            }
            Ok(RData::Caa(Box::new(Caa {
                flags: num(fields.first(), "CAA flags")?,
                tag,
                value: char_string(fields[2].text)?,
            })))
        }
        "DS" | "CDS" | "TLSA" | "SMIMEA" | "SSHFP" => {
            let numeric = match rtype.mnemonic().unwrap_or("") {
                "DS" | "CDS" | "TLSA" | "SMIMEA" => 3,
                _ => 2,
            };
            if fields.len() <= numeric {
                return Err(format!("unexpected end of input in {rtype} record"));
            }
            for (i, f) in fields.iter().take(numeric).enumerate() {
                let ok = if i == 0 && matches!(rtype.mnemonic(), Some("DS" | "CDS")) {
                    f.text.parse::<u16>().is_ok()
                } else {
                    f.text.parse::<u8>().is_ok()
                };
                if !ok {
                    return Err(format!("bad {rtype} field `{}`", f.text));
                }
            }
            let data: String = fields[numeric..].iter().map(|f| f.text).collect();
            hex(&data)?;
            Ok(RData::Fields(
                fields.iter().map(|f| f.text.into()).collect(),
            ))
        }
        "SVCB" | "HTTPS" => {
            if fields.len() < 2 {
                return Err(format!("unexpected end of input in {rtype} record"));
            }
            // `key="quoted value"` arrives as `key=` and a quoted field.
            let mut params: Vec<String> = Vec::new();
            for f in &fields[2..] {
                match params.last_mut() {
                    Some(last) if f.quoted && last.ends_with('=') => last.push_str(f.text),
                    _ => params.push(f.text.to_string()),
                }
            }
            super::svcb::validate(&params)?;
            Ok(RData::Svcb(Box::new(Svcb {
                priority: num(fields.first(), "SvcPriority")?,
                target: name(fields.get(1), "TargetName", origin)?,
                params,
            })))
        }
        "EUI48" | "EUI64" => {
            exactly(fields, 1, rtype)?;
            let groups = if rtype.mnemonic() == Some("EUI48") {
                6
            } else {
                8
            };
            let parts: Vec<&str> = fields[0].text.split('-').collect();
            let ok = parts.len() == groups
                && parts
                    .iter()
                    .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_hexdigit()));
            if !ok {
                return Err(format!(
                    "bad EUI `{}`: {rtype} is {groups} hex pairs joined by `-`",
                    fields[0].text
                ));
            }
            Ok(RData::Fields(Box::new([fields[0].text.into()])))
        }
        "NSAP" => {
            let text: String = fields.iter().map(|f| f.text).collect();
            let digits: String = text
                .strip_prefix("0x")
                .or_else(|| text.strip_prefix("0X"))
                .ok_or_else(|| format!("bad NSAP `{text}`: it starts with 0x"))?
                .replace('.', "");
            if digits.is_empty() || !digits.len().is_multiple_of(2) {
                return Err(format!(
                    "bad NSAP `{text}`: an even, non-zero number of hex digits"
                ));
            }
            hex(&digits)?;
            Ok(RData::Fields(Box::new([text.into()])))
        }
        "NSEC3" => {
            if fields.len() < 5 {
                return Err(format!("unexpected end of input in {rtype} record"));
            }
            let algorithm: u8 = num(fields.first(), "NSEC3 hash algorithm")?;
            let _: u8 = num(fields.get(1), "NSEC3 flags")?;
            let _: u16 = num(fields.get(2), "NSEC3 iterations")?;
            if fields[3].text != "-" {
                hex(fields[3].text)?;
            }
            let next = fields[4].text;
            if !next.bytes().all(is_base32hex) {
                return Err(format!(
                    "bad NSEC3 next hashed owner `{next}`: not base32hex"
                ));
            }
            // SHA-1, the only algorithm defined: 20 octets, 32 characters.
            if algorithm == 1 && next.len() != 32 {
                return Err(format!(
                    "NSEC3 next hashed owner `{next}` is {} characters; a SHA-1 hash is 32",
                    next.len()
                ));
            }
            Ok(RData::Fields(
                fields.iter().map(|f| f.text.into()).collect(),
            ))
        }
        "NAPTR" => {
            exactly(fields, 6, rtype)?;
            Ok(RData::Naptr(Box::new(Naptr {
                order: num(fields.first(), "NAPTR order")?,
                preference: num(fields.get(1), "NAPTR preference")?,
                flags: char_string(fields[2].text)?,
                services: char_string(fields[3].text)?,
                regexp: char_string(fields[4].text)?,
                replacement: name(fields.get(5), "NAPTR replacement", origin)?,
            })))
        }
        _ => {
            if fields.is_empty() && rtype.0 != 10 {
                return Err(format!("unexpected end of input in {rtype} record"));
            }
            Ok(RData::Opaque(
                fields
                    .iter()
                    .map(|f| f.text)
                    .collect::<Vec<_>>()
                    .join(" ")
                    .into(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
