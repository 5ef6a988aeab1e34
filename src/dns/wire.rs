//! RDATA in wire form as zone-file presentation text, for the types zones
//! commonly hold: what a live server answers (`tripline drift`) and what an
//! RFC 3597 `\# len hex` record means, so that both compare with the typed
//! records of a zone file through one parser and one canonical form.
//!
//! Names must be uncompressed (DNSSEC canonical form, RFC 4034 §6.2), as a
//! server's RDATA is once taken out of its message.

use super::name::Name;
use super::rdata::RType;
use base64::Engine as _;
use std::fmt::Write as _;

/// Reads RDATA front to back; every read checks the length.
struct Cursor<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn u8(&mut self) -> Option<u8> {
        let b = *self.data.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes([self.u8()?, self.u8()?]))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes([
            self.u8()?,
            self.u8()?,
            self.u8()?,
            self.u8()?,
        ]))
    }

    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let bytes = self.data.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        Some(bytes)
    }

    fn rest(&mut self) -> &'a [u8] {
        let bytes = &self.data[self.at.min(self.data.len())..];
        self.at = self.data.len();
        bytes
    }

    fn name(&mut self) -> Option<Name> {
        let (name, used) = Name::from_wire(&self.data[self.at.min(self.data.len())..])?;
        self.at += used;
        Some(name)
    }

    /// A length-prefixed character-string, quoted and escaped.
    fn char_string(&mut self) -> Option<String> {
        let len = usize::from(self.u8()?);
        Some(quoted(self.take(len)?))
    }

    fn done(&self) -> bool {
        self.at == self.data.len()
    }
}

/// A character-string in presentation form: quoted, with `"` and `\`
/// escaped and non-printable octets as `\DDD`.
pub fn quoted(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\{b:03}");
            }
        }
    }
    out.push('"');
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The presentation text of `data` as RDATA of `rtype`, or `None` for a type
/// this does not decode (callers fall back to `\# len hex`) or malformed data.
pub fn presentation(rtype: RType, data: &[u8]) -> Option<String> {
    let mut c = Cursor { data, at: 0 };
    let text = match rtype.name().as_str() {
        "A" => std::net::Ipv4Addr::from(<[u8; 4]>::try_from(c.take(4)?).ok()?).to_string(),
        "AAAA" => std::net::Ipv6Addr::from(<[u8; 16]>::try_from(c.take(16)?).ok()?).to_string(),
        "NS" | "CNAME" | "PTR" | "DNAME" | "ANAME" => c.name()?.to_string(),
        "MX" | "KX" | "AFSDB" | "RT" => format!("{} {}", c.u16()?, c.name()?),
        "SOA" => format!(
            "{} {} {} {} {} {} {}",
            c.name()?,
            c.name()?,
            c.u32()?,
            c.u32()?,
            c.u32()?,
            c.u32()?,
            c.u32()?
        ),
        "TXT" | "SPF" => {
            let mut strings = Vec::new();
            while !c.done() {
                strings.push(c.char_string()?);
            }
            if strings.is_empty() {
                return None;
            }
            strings.join(" ")
        }
        "HINFO" => format!("{} {}", c.char_string()?, c.char_string()?),
        "SRV" => format!("{} {} {} {}", c.u16()?, c.u16()?, c.u16()?, c.name()?),
        "CAA" => {
            let flags = c.u8()?;
            let tag_len = usize::from(c.u8()?);
            let tag = std::str::from_utf8(c.take(tag_len)?).ok()?;
            if tag.is_empty() || !tag.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return None;
            }
            format!("{flags} {tag} {}", quoted(c.rest()))
        }
        "NAPTR" => format!(
            "{} {} {} {} {} {}",
            c.u16()?,
            c.u16()?,
            c.char_string()?,
            c.char_string()?,
            c.char_string()?,
            c.name()?
        ),
        "DS" | "CDS" | "DLV" | "TA" => {
            format!("{} {} {} {}", c.u16()?, c.u8()?, c.u8()?, hex(c.rest()))
        }
        "TLSA" | "SMIMEA" => format!("{} {} {} {}", c.u8()?, c.u8()?, c.u8()?, hex(c.rest())),
        "SSHFP" => format!("{} {} {}", c.u8()?, c.u8()?, hex(c.rest())),
        "DNSKEY" | "CDNSKEY" | "KEY" => {
            format!("{} {} {} {}", c.u16()?, c.u8()?, c.u8()?, base64(c.rest()))
        }
        "OPENPGPKEY" => base64(c.rest()),
        "LOC" => loc(&mut c)?,
        _ => return None,
    };
    // Trailing octets a type does not define: not this type's RDATA.
    c.done().then_some(text)
}

/// RFC 1876 LOC, version 0.
fn loc(c: &mut Cursor<'_>) -> Option<String> {
    if c.u8()? != 0 {
        return None;
    }
    // Size and precisions: a mantissa and a power of ten, in centimetres.
    let metres = |b: u8| -> Option<f64> {
        let (mantissa, exponent) = (b >> 4, b & 0x0f);
        (mantissa <= 9 && exponent <= 9)
            .then(|| f64::from(mantissa) * 10f64.powi(i32::from(exponent)) / 100.0)
    };
    let size = metres(c.u8()?)?;
    let horizontal = metres(c.u8()?)?;
    let vertical = metres(c.u8()?)?;
    let angle = |raw: u32, positive: char, negative: char| -> String {
        let offset = i64::from(raw) - (1i64 << 31);
        let hemisphere = if offset < 0 { negative } else { positive };
        let thousandths = offset.unsigned_abs();
        let (degrees, rest) = (thousandths / 3_600_000, thousandths % 3_600_000);
        let (minutes, rest) = (rest / 60_000, rest % 60_000);
        format!(
            "{degrees} {minutes} {}.{:03} {hemisphere}",
            rest / 1000,
            rest % 1000
        )
    };
    let latitude = angle(c.u32()?, 'N', 'S');
    let longitude = angle(c.u32()?, 'E', 'W');
    // Altitude: centimetres above 100,000 m below the WGS 84 spheroid.
    let altitude = (i64::from(c.u32()?) - 10_000_000) as f64 / 100.0;
    Some(format!(
        "{latitude} {longitude} {altitude:.2}m {size:.2}m {horizontal:.2}m {vertical:.2}m"
    ))
}

/// `\# len hex`: the RFC 3597 form of any RDATA.
pub fn generic(data: &[u8]) -> String {
    if data.is_empty() {
        "\\# 0".to_string()
    } else {
        format!("\\# {} {}", data.len(), hex(data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(rtype: &str, data: &[u8]) -> Option<String> {
        presentation(RType::parse(rtype).expect("type"), data)
    }

    #[test]
    fn common_types() {
        assert_eq!(t("A", &[192, 0, 2, 1]).as_deref(), Some("192.0.2.1"));
        assert_eq!(t("A", &[192, 0, 2]), None);
        assert_eq!(t("A", &[192, 0, 2, 1, 0]), None, "trailing octets");
        assert_eq!(
            t("MX", &[0, 10, 2, b'm', b'x', 0]).as_deref(),
            Some("10 mx.")
        );
        assert_eq!(
            t("TXT", &[3, b'a', b'"', b'c', 1, 7]).as_deref(),
            Some("\"a\\\"c\" \"\\007\"")
        );
        assert_eq!(
            t("CAA", b"\x00\x05issueletsencrypt.org").as_deref(),
            Some("0 issue \"letsencrypt.org\"")
        );
        assert_eq!(
            t("DS", &[0x30, 0x39, 13, 2, 0xAA, 0xBB]).as_deref(),
            Some("12345 13 2 AABB")
        );
        assert_eq!(t("TYPE65280", &[1, 2]), None);
        assert_eq!(generic(&[0xab, 0xcd]), "\\# 2 ABCD");
    }

    #[test]
    fn loc_round_numbers() {
        // RFC 1876's example: 42 21 54 N 71 06 18 W -24m 30m (size 30 m,
        // default precisions 10,000 m and 10 m).
        let lat = (1u32 << 31) + (42 * 3600 + 21 * 60 + 54) * 1000;
        let lon = (1u32 << 31) - (71 * 3600 + 6 * 60 + 18) * 1000;
        let alt = 10_000_000u32 - 2400;
        let mut data = vec![0, 0x33, 0x16, 0x13];
        data.extend(lat.to_be_bytes());
        data.extend(lon.to_be_bytes());
        data.extend(alt.to_be_bytes());
        assert_eq!(
            t("LOC", &data).as_deref(),
            Some("42 21 54.000 N 71 6 18.000 W -24.00m 30.00m 10000.00m 10.00m")
        );
    }
}
