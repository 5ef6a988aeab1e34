//! SVCB/HTTPS SvcParams (RFC 9460): validation as BIND and Knot do it
//! (known keys, no duplicates, `alpn` lists without empty entries,
//! `mandatory` keys present), and each parameter's wire value, so that the
//! presentation form and RFC 3597 `\# len hex` compare equal.

use super::name::Name;
use super::rdata::char_string;

/// Keys BIND 9.18 and Knot 3.2 know by name (plus `keyNNNNN`).
const KEYS: &[&str] = &[
    "mandatory",
    "alpn",
    "no-default-alpn",
    "port",
    "ipv4hint",
    "ech",
    "ipv6hint",
    "dohpath",
];

fn key_number(key: &str) -> Option<u16> {
    if let Some(i) = KEYS.iter().position(|k| *k == key) {
        return u16::try_from(i).ok();
    }
    key.strip_prefix("key")
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse().ok())
}

/// Splits a value on commas not escaped by a backslash, after the
/// character-string escapes are decoded (RFC 9460 Appendix A.1).
fn value_list(value: &str) -> Result<Vec<Vec<u8>>, String> {
    let decoded = char_string(value)?;
    let mut items = vec![Vec::new()];
    let mut i = 0;
    while i < decoded.len() {
        match decoded[i] {
            b'\\' if i + 1 < decoded.len() => {
                if let Some(last) = items.last_mut() {
                    last.push(decoded[i + 1]);
                }
                i += 2;
            }
            b',' => {
                items.push(Vec::new());
                i += 1;
            }
            b => {
                if let Some(last) = items.last_mut() {
                    last.push(b);
                }
                i += 1;
            }
        }
    }
    Ok(items)
}

pub fn validate(params: &[String]) -> Result<(), String> {
    let mut seen: Vec<u16> = Vec::new();
    let mut mandatory: Vec<String> = Vec::new();
    for param in params {
        let (key, value) = match param.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (param.as_str(), None),
        };
        let number = key_number(key).ok_or_else(|| {
            if key == "ohttp" {
                "SvcParamKey `ohttp` is unknown to BIND 9.18 and Knot 3.2; write it as key8 for them".to_string()
            } else {
                format!("unknown SvcParamKey `{key}`")
            }
        })?;
        if seen.contains(&number) {
            return Err(format!("SvcParamKey `{key}` appears twice"));
        }
        seen.push(number);
        let needs_value = !matches!(key, "no-default-alpn") && !key.starts_with("key");
        if needs_value && value.is_none_or(str::is_empty) {
            return Err(format!("SvcParamKey `{key}` needs a value"));
        }
        match key {
            "alpn" => {
                let items = value_list(value.unwrap_or_default())?;
                if items.iter().any(Vec::is_empty) {
                    return Err(format!("empty protocol in `{param}`"));
                }
            }
            "mandatory" => {
                for item in value_list(value.unwrap_or_default())? {
                    let item = String::from_utf8_lossy(&item).into_owned();
                    if item.is_empty() || item == "mandatory" {
                        return Err(format!("bad mandatory list `{param}`"));
                    }
                    mandatory.push(item);
                }
            }
            "port" => {
                value
                    .unwrap_or_default()
                    .parse::<u16>()
                    .map_err(|_| format!("bad port in `{param}`"))?;
            }
            _ => {}
        }
    }
    for key in mandatory {
        let number = key_number(&key).ok_or_else(|| format!("unknown key `{key}` in mandatory"))?;
        if !seen.contains(&number) {
            return Err(format!("mandatory key `{key}` is not present"));
        }
    }
    Ok(())
}

/// One SvcParam as it goes on the wire: key number and value octets.
pub type WireParam = (u16, Vec<u8>);

/// The wire values of presentation-form params, sorted by key (RFC 9460
/// §2.2): what two spellings of the same parameters have in common.
pub fn wire_params(params: &[String]) -> Result<Vec<WireParam>, String> {
    let mut out = Vec::new();
    for param in params {
        let (key, value) = match param.split_once('=') {
            Some((k, v)) => (k, v),
            None => (param.as_str(), ""),
        };
        let number = key_number(key).ok_or_else(|| format!("unknown SvcParamKey `{key}`"))?;
        let bad = |what: &str| format!("bad {what} in `{param}`");
        let wire = match number {
            0 => {
                let mut keys: Vec<u16> = value_list(value)?
                    .iter()
                    .map(|k| key_number(&String::from_utf8_lossy(k)).ok_or_else(|| bad("key")))
                    .collect::<Result<_, _>>()?;
                keys.sort_unstable();
                keys.iter().flat_map(|k| k.to_be_bytes()).collect()
            }
            1 => {
                let mut wire = Vec::new();
                for id in value_list(value)? {
                    let len = u8::try_from(id.len()).map_err(|_| bad("protocol id"))?;
                    wire.push(len);
                    wire.extend(id);
                }
                wire
            }
            3 => value
                .parse::<u16>()
                .map_err(|_| bad("port"))?
                .to_be_bytes()
                .to_vec(),
            4 => addresses::<std::net::Ipv4Addr>(value).ok_or_else(|| bad("IPv4 hint"))?,
            5 => {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD
                    .decode(char_string(value)?)
                    .map_err(|_| bad("ECH config"))?
            }
            6 => addresses::<std::net::Ipv6Addr>(value).ok_or_else(|| bad("IPv6 hint"))?,
            _ => char_string(value)?,
        };
        out.push((number, wire));
    }
    out.sort();
    Ok(out)
}

/// Comma-separated addresses as their octets, one after the other.
fn addresses<A>(value: &str) -> Option<Vec<u8>>
where
    A: std::str::FromStr + Octets,
{
    let text = char_string(value).ok()?;
    let text = String::from_utf8(text).ok()?;
    let mut out = Vec::new();
    for item in text.split(',') {
        out.extend(item.parse::<A>().ok()?.octets_vec());
    }
    Some(out)
}

trait Octets {
    fn octets_vec(&self) -> Vec<u8>;
}

impl Octets for std::net::Ipv4Addr {
    fn octets_vec(&self) -> Vec<u8> {
        self.octets().to_vec()
    }
}

impl Octets for std::net::Ipv6Addr {
    fn octets_vec(&self) -> Vec<u8> {
        self.octets().to_vec()
    }
}

/// SVCB/HTTPS RDATA in wire form (RFC 3597 `\# len hex`): priority, target
/// and params, or `None` if it is not well-formed.
pub fn from_wire(data: &[u8]) -> Option<(u16, Name, Vec<WireParam>)> {
    let priority = u16::from_be_bytes([*data.first()?, *data.get(1)?]);
    let (target, used) = Name::from_wire(data.get(2..)?)?;
    let mut rest = data.get(2 + used..)?;
    let mut params = Vec::new();
    while !rest.is_empty() {
        let key = u16::from_be_bytes([*rest.first()?, *rest.get(1)?]);
        let len = usize::from(u16::from_be_bytes([*rest.get(2)?, *rest.get(3)?]));
        params.push((key, rest.get(4..4 + len)?.to_vec()));
        rest = &rest[4 + len..];
    }
    Some((priority, target, params))
}

#[cfg(test)]
mod tests {
    use super::validate;

    fn v(params: &[&str]) -> Result<(), String> {
        validate(&params.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn presentation_and_wire_params_agree() {
        use super::{from_wire, wire_params};
        let params: Vec<String> = ["port=53", "alpn=h2,h3", "ipv6hint=2001:db8::1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let wire = wire_params(&params).expect("params");
        assert_eq!(wire[0], (1, b"\x02h2\x02h3".to_vec()));
        assert_eq!(wire[1], (3, vec![0, 53]));
        // RFC 9460 Appendix D.2, figure 4: `16 foo.example.com. port=53`.
        let data = [
            0x00, 0x10, 3, b'f', b'o', b'o', 7, b'e', b'x', b'a', b'm', b'p', b'l', b'e', 3, b'c',
            b'o', b'm', 0, 0x00, 0x03, 0x00, 0x02, 0x00, 0x35,
        ];
        let (priority, target, from) = from_wire(&data).expect("wire");
        assert_eq!((priority, target.as_str()), (16, "foo.example.com."));
        assert_eq!(from, wire_params(&["port=53".to_string()]).expect("port"));
        assert!(from_wire(&data[..data.len() - 1]).is_none());
    }

    #[test]
    fn svc_params() {
        assert!(v(&["alpn=h2,h3", "port=443"]).is_ok());
        assert!(v(&["alpn=f\\\\\\\\oo\\\\,bar,h2"]).is_ok());
        assert!(v(&["alpn=\\,abc"]).is_err());
        assert!(v(&["alpn=abc,"]).is_err());
        assert!(v(&["mandatory=alpn"]).is_err());
        assert!(v(&["mandatory=alpn", "alpn=h2"]).is_ok());
        assert!(v(&["key123=abc", "key123=def"]).is_err());
        assert!(v(&["unknown=x"]).is_err());
    }
}
