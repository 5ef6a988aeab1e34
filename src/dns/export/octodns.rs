//! octoDNS YAML zone files (its `YamlProvider`): one top-level key per
//! owner (`''` is the apex), each a record or a list of records with
//! `type`, `ttl`, `value` or `values`, and provider metadata under
//! `octodns:`. Values are read the way octoDNS reads them: TXT in its
//! escaped-semicolon form and cut into 255-octet strings, structured values
//! field by field, Unicode names in punycode.

use super::yaml_keys::KeyPositions;
use super::Reader;
use crate::dns::name::{idna_to_ascii, Name};
use crate::dns::parsed::ParsedZone;
use crate::dns::provider::{ProviderData, Pseudo, Routing};
use crate::dns::rdata::{RData, RType, TxtStrings};
use crate::source::{FileId, Span};
use serde::Deserialize;
use serde_norway::Value;

/// One octoDNS record: `type`, `ttl`, and `value` or `values`.
#[derive(Deserialize)]
struct OctoRecord {
    #[serde(rename = "type")]
    rtype: String,
    ttl: Option<u32>,
    value: Option<Value>,
    values: Option<Value>,
    /// Provider metadata: `cloudflare.proxied`, `route53.healthcheck`, ...
    octodns: Option<Value>,
    /// Dynamic (geo/weighted) routing rules and pools.
    dynamic: Option<Value>,
    /// octoDNS's older geo records.
    geo: Option<Value>,
}

/// octoDNS's default TTL.
const OCTODNS_TTL: u32 = 3600;

/// `octodns:` keys about how octoDNS manages a record, not what clients
/// get: they are not compared.
const MANAGEMENT_KEYS: &[&str] = &["ignored", "excluded", "included", "lenient"];

pub fn read_octodns(file: FileId, text: &str, origin: Option<&Name>) -> ParsedZone {
    let mut reader = Reader::new(file, text);
    if let Err((message, at)) = crate::yaml::guard(text) {
        reader.error(Span::new(file, at, at), message);
        return reader.out;
    }
    let document: Value = match serde_norway::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let offset = e.location().map_or(0, |l| l.index());
            reader.error(
                Span::new(file, offset, offset),
                format!("not an octoDNS zone: {e}"),
            );
            return reader.out;
        }
    };
    let Value::Mapping(entries) = document else {
        reader.error(
            Span::new(file, 0, 0),
            "not an octoDNS zone: the top level is not a mapping of names".into(),
        );
        return reader.out;
    };
    let Some(origin) = origin.cloned() else {
        reader.error(
            Span::new(file, 0, 0),
            "an octoDNS file is named after its zone (`example.com.yaml`); pass --origin".into(),
        );
        return reader.out;
    };
    reader.out.origin = Some(origin.clone());
    let mut positions = KeyPositions::scan(text);
    let mut last = 0;
    for (key, entry) in entries {
        let key = match key {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => String::new(),
            _ => {
                reader.error(
                    Span::new(file, last, last),
                    "a record name that is not text".into(),
                );
                continue;
            }
        };
        let span = match positions.take(&key) {
            Some((start, end)) => {
                last = start;
                Span::new(file, start, end)
            }
            None => Span::new(file, last, last),
        };
        let owner = if key.is_empty() {
            Ok(origin.clone())
        } else {
            idna_to_ascii(&key).and_then(|ascii| Name::parse(&ascii, Some(&origin)))
        };
        let owner = match owner {
            Ok(o) => o,
            Err(e) => {
                reader.error(span, format!("bad record name `{key}`: {e}"));
                continue;
            }
        };
        let records = match entry {
            Value::Sequence(items) => items,
            other => vec![other],
        };
        for item in records {
            match OctoRecord::deserialize(item) {
                Ok(r) => read_record(&mut reader, &owner, &key, r, span, &origin),
                Err(e) => reader.error(span, format!("record `{key}`: {e}")),
            }
        }
    }
    reader.out
}

fn read_record(
    reader: &mut Reader<'_>,
    owner: &Name,
    key: &str,
    r: OctoRecord,
    span: Span,
    origin: &Name,
) {
    let ttl = r.ttl.unwrap_or(OCTODNS_TTL);
    let provider = provider_data(&r);
    let values: Vec<Value> = r
        .value
        .into_iter()
        .chain(r.values.into_iter().flat_map(|v| match v {
            Value::Sequence(items) => items,
            other => vec![other],
        }))
        .collect();
    if r.rtype == "ALIAS" {
        for v in values {
            let target = v
                .as_str()
                .ok_or_else(|| "not a name".to_string())
                .and_then(|t| name(t, origin));
            match target {
                Ok(target) => reader.add_alias(
                    owner,
                    ttl,
                    RType::A,
                    &target,
                    span,
                    ProviderData {
                        pseudo: Some(Pseudo::Alias),
                        ..provider.clone()
                    },
                ),
                Err(e) => reader.error(span, format!("bad ALIAS value at `{key}`: {e}")),
            }
        }
        return;
    }
    let Some(rtype) = RType::parse(&r.rtype) else {
        // octoDNS-only types (URLFWD) have no DNS record to check.
        return;
    };
    for v in values {
        if matches!(r.rtype.as_str(), "TXT" | "SPF") {
            match v.as_str() {
                Some(text) => reader.add(
                    owner,
                    ttl,
                    rtype,
                    RData::Txt(txt_strings(text)),
                    span,
                    provider.clone(),
                ),
                None => reader.error(span, format!("{} value at `{key}` is not text", r.rtype)),
            }
            continue;
        }
        match zone_text(&r.rtype, &v) {
            Ok(text) => reader.push(owner, ttl, rtype, &text, span, &provider, origin),
            Err(e) => reader.error(
                span,
                format!("unreadable {} value at `{key}`: {e}", r.rtype),
            ),
        }
    }
}

/// A name from a value: Unicode in punycode, relative to the zone.
fn name(text: &str, origin: &Name) -> Result<Name, String> {
    idna_to_ascii(text)
        .and_then(|ascii| Name::parse(&ascii, Some(origin)))
        .map_err(|e| e.to_string())
}

/// The pseudo-record and routing metadata a record carries.
fn provider_data(r: &OctoRecord) -> ProviderData {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut proxied = false;
    if let Some(Value::Mapping(meta)) = &r.octodns {
        for (k, v) in meta {
            let Some(k) = k.as_str() else { continue };
            if MANAGEMENT_KEYS.contains(&k) {
                continue;
            }
            if k == "cloudflare" {
                proxied = v.get("proxied").and_then(Value::as_bool) == Some(true);
                if let Value::Mapping(cf) = v {
                    for (ck, cv) in cf {
                        if ck.as_str() != Some("proxied") {
                            flatten(
                                &format!("octodns.cloudflare.{}", scalar(ck)),
                                cv,
                                &mut pairs,
                            );
                        }
                    }
                }
                continue;
            }
            flatten(&format!("octodns.{k}"), v, &mut pairs);
        }
    }
    if let Some(dynamic) = &r.dynamic {
        flatten("dynamic", dynamic, &mut pairs);
    }
    if let Some(geo) = &r.geo {
        flatten("geo", geo, &mut pairs);
    }
    ProviderData {
        set_id: None,
        pseudo: proxied.then_some(Pseudo::CloudflareProxied),
        routing: Routing::new(pairs),
    }
}

/// `prefix.key.sub=value` pairs of a nested value (sequences by index),
/// so that metadata compares whatever order its keys were written in.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Mapping(map) => {
            for (k, v) in map {
                flatten(&format!("{prefix}.{}", scalar(k)), v, out);
            }
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{prefix}.{i}"), v, out);
            }
        }
        Value::Tagged(tagged) => flatten(prefix, &tagged.value, out),
        other => out.push((prefix.to_string(), scalar(other))),
    }
}

/// A scalar as text (`~` for null).
fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "~".to_string(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// octoDNS's TXT value as character-strings: a value written already
/// quoted and chunked (`"v=DKIM1\; k=rsa\; " "p=MIIB..."`) is unquoted and
/// joined, `\;` is `;`, and the octets are cut every 255.
fn txt_strings(value: &str) -> TxtStrings {
    // octoDNS drops the first and the last character of a value that
    // starts with a quote, then the `" "` between chunks.
    let unquoted = match value.strip_prefix('"') {
        Some(rest) => {
            let mut chars = rest.chars();
            chars.next_back();
            chars.as_str()
        }
        None => value,
    };
    let raw = unquoted.replace("\" \"", "").replace("\\;", ";");
    // A character-string holds at most 255 octets: octoDNS cuts longer
    // values itself.
    TxtStrings::chunked(raw.as_bytes())
}

/// A value as zone-file RDATA text, the way octoDNS's `to_rdata_text`
/// writes each type.
fn zone_text(rtype: &str, value: &Value) -> Result<String, String> {
    let fields = match value {
        Value::Mapping(_) => value,
        Value::String(s) => {
            return Ok(match rtype {
                "CNAME" | "NS" | "PTR" | "DNAME" => {
                    idna_to_ascii(s).map_err(|e| e.to_string())?.into_owned()
                }
                _ => s.clone(),
            })
        }
        Value::Number(n) => return Ok(n.to_string()),
        _ => return Err("neither text nor a mapping of fields".into()),
    };
    let field = |key: &str| -> Result<String, String> {
        match fields.get(key) {
            Some(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => Ok(scalar(v)),
            Some(Value::Null) | None => Err(format!("no `{key}`")),
            Some(_) => Err(format!("`{key}` is not a scalar")),
        }
    };
    let either = |a: &str, b: &str| field(a).or_else(|_| field(b));
    let target = |key: &str| -> Result<String, String> {
        let text = field(key)?;
        Ok(idna_to_ascii(&text)
            .map_err(|e| e.to_string())?
            .into_owned())
    };
    Ok(match rtype {
        "MX" => format!(
            "{} {}",
            either("preference", "priority")?,
            idna_to_ascii(&either("exchange", "value")?).map_err(|e| e.to_string())?
        ),
        "SRV" => format!(
            "{} {} {} {}",
            field("priority")?,
            field("weight")?,
            field("port")?,
            target("target")?
        ),
        "CAA" => format!(
            "{} {} {}",
            field("flags").unwrap_or_else(|_| "0".into()),
            field("tag")?,
            quoted(&field("value")?)
        ),
        "NAPTR" => format!(
            "{} {} {} {} {} {}",
            field("order")?,
            field("preference")?,
            quoted(&field("flags").unwrap_or_default()),
            quoted(&field("service").unwrap_or_default()),
            quoted(&field("regexp").unwrap_or_default()),
            target("replacement")?
        ),
        "SSHFP" => format!(
            "{} {} {}",
            field("algorithm")?,
            field("fingerprint_type")?,
            field("fingerprint")?
        ),
        "TLSA" => format!(
            "{} {} {} {}",
            field("certificate_usage")?,
            field("selector")?,
            field("matching_type")?,
            field("certificate_association_data")?
        ),
        // Older octoDNS wrote DS with DNSKEY's field names.
        "DS" if fields.get("public_key").is_some() || fields.get("flags").is_some() => format!(
            "{} {} {} {}",
            field("flags")?,
            field("protocol")?,
            field("algorithm")?,
            field("public_key")?
        ),
        "DS" => format!(
            "{} {} {} {}",
            field("key_tag")?,
            field("algorithm")?,
            field("digest_type")?,
            field("digest")?
        ),
        "LOC" => format!(
            "{} {} {} {} {} {} {} {} {}m {}m {}m {}m",
            field("lat_degrees")?,
            field("lat_minutes")?,
            field("lat_seconds")?,
            field("lat_direction")?,
            field("long_degrees")?,
            field("long_minutes")?,
            field("long_seconds")?,
            field("long_direction")?,
            field("altitude")?,
            field("size")?,
            field("precision_horz")?,
            field("precision_vert")?
        ),
        "URI" => format!(
            "{} {} {}",
            field("priority")?,
            field("weight")?,
            quoted(&field("target")?)
        ),
        "SVCB" | "HTTPS" => {
            let mut text = format!("{} {}", field("svcpriority")?, target("targetname")?);
            if let Some(Value::Mapping(params)) = fields.get("svcparams") {
                for (k, v) in params {
                    text.push(' ');
                    text.push_str(&svc_param(&scalar(k), v));
                }
            }
            text
        }
        other => return Err(format!("octoDNS has no structured {other} value")),
    })
}

/// One SvcParam in presentation form. Keys newer than BIND 9.18 and Knot
/// 3.2, which octoDNS (through dnspython) writes by name, become the
/// `keyNNNNN=` form they mean, so that the record reads as the same data.
fn svc_param(key: &str, value: &Value) -> String {
    let items: Vec<String> = match value {
        Value::Null => Vec::new(),
        Value::Sequence(items) => items.iter().map(scalar).collect(),
        other => vec![scalar(other)],
    };
    match key {
        // RFC 9540: no value.
        "ohttp" => "key8".to_string(),
        // RFC 9953: length-prefixed path segments, like `alpn`.
        "docpath" => {
            let wire: String = items
                .iter()
                .flat_map(|item| item.split(','))
                .map(|segment| {
                    let mut out = format!("\\{:03}", segment.len().min(255));
                    for b in segment.bytes() {
                        out.push_str(&format!("\\{b:03}"));
                    }
                    out
                })
                .collect();
            if wire.is_empty() {
                "key10".to_string()
            } else {
                format!("key10=\"{wire}\"")
            }
        }
        "mandatory" => {
            let keys: Vec<&str> = items
                .iter()
                .flat_map(|item| item.split(','))
                .map(|k| match k {
                    "ohttp" => "key8",
                    "docpath" => "key10",
                    other => other,
                })
                .collect();
            format!("mandatory={}", keys.join(","))
        }
        _ if items.is_empty() => key.to_string(),
        _ => format!("{key}={}", items.join(",")),
    }
}

/// A character-string as octoDNS's `to_rdata_text` writes it: the value
/// between quotes as is. Its NAPTR, CAA and URI values are already in
/// presentation form (`\\1` in a NAPTR regexp is one backslash and a 1).
fn quoted(text: &str) -> String {
    format!("\"{text}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_txt_is_cut_every_255_octets() {
        let key = "A".repeat(410);
        let strings = txt_strings(&format!("v=DKIM1\\; k=rsa\\; p={key}"));
        let lengths: Vec<usize> = strings.iter().map(<[u8]>::len).collect();
        assert_eq!(lengths, [255, "v=DKIM1; k=rsa; p=".len() + 410 - 255]);
        let joined: Vec<u8> = strings.concat();
        assert_eq!(joined, format!("v=DKIM1; k=rsa; p={key}").into_bytes());
    }

    #[test]
    fn prechunked_txt_is_joined_as_octodns_does() {
        let strings = txt_strings("\"v=spf1 \" \"-all\"");
        assert_eq!(strings.concat(), b"v=spf1 -all".to_vec());
        assert_eq!(txt_strings("").concat(), Vec::<u8>::new());
        assert_eq!(txt_strings("").iter().count(), 1);
    }

    #[test]
    fn structured_values_become_rdata_text() {
        let loc: Value = serde_norway::from_str(
            "{lat_degrees: 31, lat_minutes: 58, lat_seconds: 52.1, lat_direction: S, \
             long_degrees: 115, long_minutes: 49, long_seconds: 11.7, long_direction: E, \
             altitude: 20, size: 10, precision_horz: 10, precision_vert: 2}",
        )
        .expect("yaml");
        assert_eq!(
            zone_text("LOC", &loc).expect("loc"),
            "31 58 52.1 S 115 49 11.7 E 20m 10m 10m 2m"
        );
        let mx: Value =
            serde_norway::from_str("{preference: 10, exchange: mx.bücher.de.}").expect("yaml");
        assert_eq!(zone_text("MX", &mx).expect("mx"), "10 mx.xn--bcher-kva.de.");
        let https: Value = serde_norway::from_str(
            "{svcpriority: 1, targetname: ., svcparams: {alpn: [h2, h3], no-default-alpn: ~}}",
        )
        .expect("yaml");
        assert_eq!(
            zone_text("HTTPS", &https).expect("https"),
            "1 . alpn=h2,h3 no-default-alpn"
        );
        let missing: Value = serde_norway::from_str("{selector: 1}").expect("yaml");
        assert!(zone_text("TLSA", &missing).is_err());
    }
}
