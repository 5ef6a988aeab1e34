//! RDATA from its presentation form: the fields of a zone-file entry, or
//! the text an export quotes (`10 mx.example.com.`), read into [`RData`].

use super::super::name::Name;
use super::super::names::{NameId, NameTable};
use super::{Caa, Naptr, RData, RType, Soa, Svcb, TxtStrings};

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
    let (entries, errors) = super::super::lexer::entries(text.as_bytes());
    if let Some(e) = errors.first() {
        return Err(TextError::Lex(e.message.clone()));
    }
    let tokens: Vec<super::super::lexer::Token> =
        entries.into_iter().flat_map(|e| e.tokens).collect();
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
                super::super::zone::parse_ttl(f.text)
                    .ok_or_else(|| format!("bad SOA {what} `{}`", f.text))
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
            super::super::svcb::validate(&params)?;
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
