//! One canonical form per record type, so that RDATA compares equal however
//! a provider or a person wrote it: numbers as integers (`02` is `2`), hex
//! case-insensitive and without spaces, base64 by the bytes it encodes, CAA
//! tags and NAPTR flags case-insensitive, names canonical, TXT strings
//! joined, LOC by the position it describes. `tripline diff` compares these.

use super::name::Name;
use super::names::NameTable;
use super::rdata::{RData, RType};
use super::svcb;
use base64::Engine as _;

/// The canonical form of a record's data.
pub fn canonical(rtype: RType, rdata: &RData, names: &NameTable) -> String {
    match rdata {
        // Written as their `Debug` form was when they held names: the
        // canonical forms stay what they were.
        RData::Target(name) => format!("Target({:?})", names.get(*name)),
        RData::Alias(name) => format!("Alias({:?})", names.get(*name)),
        RData::Mx {
            preference,
            exchange,
        } => format!(
            "Mx {{ preference: {preference}, exchange: {:?} }}",
            names.get(*exchange)
        ),
        RData::Srv {
            priority,
            weight,
            port,
            target,
        } => format!(
            "Srv {{ priority: {priority}, weight: {weight}, port: {port}, target: {:?} }}",
            names.get(*target)
        ),
        RData::Txt(strings) => {
            let joined: Vec<u8> = strings.concat();
            format!("txt {}", hex(&joined))
        }
        RData::Caa(caa) => format!(
            "caa {} {} {}",
            caa.flags,
            caa.tag.to_ascii_lowercase(),
            hex(&caa.value)
        ),
        RData::Naptr(n) => format!(
            "naptr {} {} {} {} {} {}",
            n.order,
            n.preference,
            hex(&n.flags.to_ascii_lowercase()),
            hex(&n.services.to_ascii_lowercase()),
            hex(&n.regexp),
            n.replacement
        ),
        // Parameters by their wire values, in key order (RFC 9460 §2.2):
        // the presentation form and `\# len hex` meet there.
        RData::Svcb(svcb) => match svcb::wire_params(&svcb.params) {
            Ok(params) => svcb_canonical(svcb.priority, &svcb.target, &params),
            Err(_) => format!("{rdata:?}"),
        },
        RData::Generic(bytes) if matches!(rtype.name().as_str(), "SVCB" | "HTTPS") => {
            match svcb::from_wire(bytes) {
                Some((priority, target, params)) => svcb_canonical(priority, &target, &params),
                None => format!("{rdata:?}"),
            }
        }
        // `\# len hex` of a type zone files write typed: the typed form's
        // canonical, so that both spellings compare equal.
        RData::Generic(bytes) => {
            let mut typed_names = NameTable::default();
            super::wire::presentation(rtype, bytes)
                .and_then(|text| {
                    super::rdata::parse_text(rtype, &text, None, &mut typed_names).ok()
                })
                .filter(|typed| !matches!(typed, RData::Generic(_)))
                .map_or_else(
                    || format!("{rdata:?}"),
                    |typed| canonical(rtype, &typed, &typed_names),
                )
        }
        RData::Fields(fields) => fields_canonical(rtype, fields),
        RData::Opaque(text) => opaque_canonical(rtype, text),
        other => format!("{other:?}"),
    }
}

fn svcb_canonical(priority: u16, target: &Name, params: &[svcb::WireParam]) -> String {
    let params: Vec<String> = params
        .iter()
        .map(|(key, value)| format!("{key}={}", hex(value)))
        .collect();
    format!("svcb {priority} {target} {}", params.join(" "))
}

/// Lower-case hex of bytes.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A decimal field as the integer it is, or as written if it is none.
fn number(text: &str) -> String {
    text.parse::<u64>()
        .map_or_else(|_| text.to_string(), |n| n.to_string())
}

/// Hex data split over fields, joined and lower-cased.
fn hex_text(parts: &[&str]) -> String {
    parts.concat().to_ascii_lowercase()
}

/// `count` numbers, then the rest as `rest`.
fn numbers_then(fields: &[&str], count: usize, rest: impl Fn(&[&str]) -> String) -> String {
    let split = count.min(fields.len());
    let mut out: Vec<String> = fields[..split].iter().map(|f| number(f)).collect();
    out.push(rest(&fields[split..]));
    out.join(" ")
}

fn fields_canonical(rtype: RType, fields: &[Box<str>]) -> String {
    let fields: Vec<&str> = fields.iter().map(|f| &**f).collect();
    match rtype.name().as_str() {
        "DS" | "CDS" | "DLV" | "TA" | "TLSA" | "SMIMEA" => numbers_then(&fields, 3, hex_text),
        "SSHFP" => numbers_then(&fields, 2, hex_text),
        "NSEC3" => numbers_then(&fields, 3, |rest| {
            let mut out: Vec<String> = Vec::new();
            if let Some(salt) = rest.first() {
                out.push(salt.to_ascii_lowercase());
            }
            if let Some(next) = rest.get(1) {
                out.push(next.to_ascii_lowercase());
            }
            let mut types: Vec<String> = rest
                .iter()
                .skip(2)
                .map(|t| t.to_ascii_uppercase())
                .collect();
            types.sort();
            out.extend(types);
            out.join(" ")
        }),
        "EUI48" | "EUI64" => fields.join(" ").to_ascii_lowercase(),
        "NSAP" => fields.join("").replace('.', "").to_ascii_lowercase(),
        _ => fields.join(" "),
    }
}

fn opaque_canonical(rtype: RType, text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let base64_rest = |rest: &[&str]| -> String {
        let joined = rest.concat();
        base64::engine::general_purpose::STANDARD
            .decode(joined.as_bytes())
            .map_or(joined, |bytes| hex(&bytes))
    };
    match rtype.name().as_str() {
        "DNSKEY" | "CDNSKEY" | "KEY" => numbers_then(&words, 3, base64_rest),
        "OPENPGPKEY" => base64_rest(&words),
        "NSEC3PARAM" => numbers_then(&words, 3, hex_text),
        "LOC" => loc(&words).unwrap_or_else(|| words.join(" ")),
        _ if text.contains('"') => text.trim().to_string(),
        _ => words.join(" "),
    }
}

/// LOC (RFC 1876) as numbers: latitude and longitude in thousandths of an
/// arc-second, altitude, size and precisions in centimetres (defaults 1 m,
/// 10,000 m and 10 m).
fn loc(words: &[&str]) -> Option<String> {
    let mut i = 0;
    let mut angle = |positive: &str, negative: &str| -> Option<i64> {
        let mut parts = Vec::new();
        while i < words.len() && parts.len() < 3 {
            let w = words[i];
            if w.eq_ignore_ascii_case(positive) || w.eq_ignore_ascii_case(negative) {
                break;
            }
            parts.push(w.parse::<f64>().ok()?);
            i += 1;
        }
        let sign = match words.get(i) {
            Some(w) if w.eq_ignore_ascii_case(positive) => 1,
            Some(w) if w.eq_ignore_ascii_case(negative) => -1,
            _ => return None,
        };
        i += 1;
        let (d, m, s) = (
            parts.first().copied().unwrap_or(0.0),
            parts.get(1).copied().unwrap_or(0.0),
            parts.get(2).copied().unwrap_or(0.0),
        );
        Some(sign * ((d * 3600.0 + m * 60.0 + s) * 1000.0).round() as i64)
    };
    let latitude = angle("N", "S")?;
    let longitude = angle("E", "W")?;
    let rest = &words[i.min(words.len())..];
    let metres = |index: usize, default: f64| -> Option<i64> {
        let value = match rest.get(index) {
            Some(w) => w.trim_end_matches(['m', 'M']).parse::<f64>().ok()?,
            None => default,
        };
        Some((value * 100.0).round() as i64)
    };
    Some(format!(
        "loc {latitude} {longitude} {} {} {} {}",
        metres(0, 0.0)?,
        metres(1, 1.0)?,
        metres(2, 10_000.0)?,
        metres(3, 10.0)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::rdata::{parse, Field};

    fn canon(rtype: &str, text: &str) -> String {
        let rtype = RType::parse(rtype).expect("type");
        let words: Vec<&str> = text.split_whitespace().collect();
        let fields: Vec<Field<'_>> = words
            .iter()
            .map(|w| Field {
                text: w.trim_matches('"'),
                quoted: w.starts_with('"'),
            })
            .collect();
        let origin = crate::dns::name::Name::parse("example.com.", None).expect("origin");
        let mut names = NameTable::default();
        let rdata = parse(rtype, &fields, Some(&origin), &mut names).expect("parses");
        canonical(rtype, &rdata, &names)
    }

    #[test]
    fn one_form_per_type() {
        assert_eq!(
            canon("TLSA", "02 00 01 ABCDEF"),
            canon("TLSA", "2 0 1 abcdef")
        );
        assert_eq!(canon("SSHFP", "1 2 AB CD"), canon("SSHFP", "1 2 abcd"));
        assert_eq!(
            canon("DS", "12345 13 2 AABB"),
            canon("DS", "12345 13 02 aabb")
        );
        assert_eq!(
            canon("CAA", "0 ISSUE \"letsencrypt.org\""),
            canon("CAA", "0 issue \"letsencrypt.org\"")
        );
        assert_ne!(
            canon("CAA", "0 issue \"LetsEncrypt.org\""),
            canon("CAA", "0 issue \"letsencrypt.org\"")
        );
        assert_eq!(
            canon("DNSKEY", "257 3 13 AwEA AQ=="),
            canon("DNSKEY", "257 3 13 AwEAAQ==")
        );
        assert_eq!(
            canon(
                "LOC",
                "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m"
            ),
            canon("LOC", "52 22 23 N 4 53 32 E -2m 0m")
        );
        assert_ne!(
            canon("LOC", "52 22 23 N 4 53 32 E -2m"),
            canon("LOC", "52 22 23 S 4 53 32 E -2m")
        );
        assert_eq!(canon("TXT", "\"ab\" \"c\""), canon("TXT", "\"abc\""));
        assert_eq!(canon("CDS", "1 8 2 AB"), canon("CDS", "01 008 02 ab"));
        assert_eq!(
            canon("NSEC3PARAM", "1 0 10 AABBCCDD"),
            canon("NSEC3PARAM", "1 0 010 aabbccdd")
        );
        assert_eq!(
            canon("OPENPGPKEY", "mQIN Bw=="),
            canon("OPENPGPKEY", "mQINBw==")
        );
        assert_eq!(
            canon("NAPTR", "100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:a@b!\" ."),
            canon("NAPTR", "100 10 \"u\" \"e2u+SIP\" \"!^.*$!sip:a@b!\" .")
        );
        assert_eq!(
            canon("EUI48", "00-00-5E-00-53-2A"),
            canon("EUI48", "00-00-5e-00-53-2a")
        );
        assert_eq!(
            canon("AAAA", "2001:db8::1"),
            canon("AAAA", "2001:0DB8:0:0:0:0:0:1")
        );
        assert_eq!(canon("MX", "10 MX.example.com."), canon("MX", "010 mx"));
        assert_eq!(
            canon("HTTPS", "1 . alpn=h2,h3 port=443"),
            canon("HTTPS", "1 . port=443 alpn=h2,h3")
        );
        assert_ne!(canon("HTTPS", "1 . alpn=h2"), canon("HTTPS", "1 . alpn=h3"));
        assert_eq!(canon("A", "\\# 4 C0000201"), canon("A", "192.0.2.1"));
        assert_eq!(canon("MX", "\\# 6 000A026D7800"), canon("MX", "10 mx."));
        assert_eq!(
            canon("DS", "\\# 6 3039 0D 02 AABB"),
            canon("DS", "12345 13 2 aabb")
        );
        assert_ne!(canon("A", "\\# 4 C0000202"), canon("A", "192.0.2.1"));
        // RFC 9460 Appendix D.2, figure 4, in both forms.
        assert_eq!(
            canon("SVCB", "16 foo.example.com. port=53"),
            canon(
                "SVCB",
                "\\# 25 001003666f6f076578616d706c6503636f6d00000300020035"
            )
        );
        assert_ne!(canon("TXT", "\"Abc\""), canon("TXT", "\"abc\""));
    }
}
