//! Provider exports read into the same records as zone files: AWS Route 53
//! `list-resource-record-sets` JSON, Google Cloud DNS `record-sets export`
//! YAML and octoDNS YAML. Values go through the zone-file RDATA parser, so
//! a value means the same whichever format carried it. Provider
//! pseudo-records (aliases) become records of their own kind, never dropped.
//!
//! JSON and YAML parsers do not keep positions, so each record set is
//! located by finding its name in the text, in order.

use super::lexer;
use super::name::Name;
use super::rdata::{self, Field, RData, RType};
use super::zone::{
    ParsedZone, ProviderData, Pseudo, Record, Route53Alias as AliasDetails, ZoneError,
};
use crate::source::{FileId, Span};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Route53,
    GoogleCloud,
    OctoDns,
}

/// Which export a file is, from its content and name.
pub fn detect(path: &std::path::Path, text: &str) -> Option<Format> {
    let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    if text.trim_start().starts_with('{') && text.contains("\"ResourceRecordSets\"") {
        Some(Format::Route53)
    } else if yaml && text.contains("dns#resourceRecordSet") {
        Some(Format::GoogleCloud)
    } else if yaml && looks_like_octodns(text) {
        Some(Format::OctoDns)
    } else {
        None
    }
}

/// octoDNS record files: `type: MX`-style lines and `value:`/`values:`.
pub fn looks_like_octodns(text: &str) -> bool {
    let has_type = text.lines().any(|l| {
        let l = l.trim_start().trim_start_matches("- ");
        l.strip_prefix("type: ").is_some_and(|t| {
            RType::parse(t.trim().trim_matches('\'')).is_some() || t.trim() == "ALIAS"
        })
    });
    has_type && (text.contains("value:") || text.contains("values:"))
}

/// Collects records and errors; finds spans for names in order.
struct Reader<'t> {
    file: FileId,
    text: &'t str,
    cursor: usize,
    out: ParsedZone,
}

impl<'t> Reader<'t> {
    fn new(file: FileId, text: &'t str) -> Self {
        Reader {
            file,
            text,
            cursor: 0,
            out: ParsedZone {
                ..ParsedZone::default()
            },
        }
    }

    /// The next occurrence of `needle` at or after the cursor.
    fn locate(&mut self, needle: &str) -> Span {
        match self.text[self.cursor..].find(needle) {
            Some(offset) if !needle.is_empty() => {
                let start = self.cursor + offset;
                self.cursor = start + needle.len();
                Span::new(self.file, start, start + needle.len())
            }
            _ => Span::new(self.file, self.cursor, self.cursor),
        }
    }

    fn error(&mut self, span: Span, message: String) {
        if self.out.errors.len() >= crate::finding::MAX_RECORDED_ERRORS {
            self.out.more_errors += 1;
            return;
        }
        self.out.errors.push(ZoneError { span, message });
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        owner: &Name,
        ttl: u32,
        rtype: RType,
        value: &str,
        span: Span,
        set_id: Option<String>,
        origin: &Name,
    ) {
        let (entries, lex_errors) = lexer::entries(value.as_bytes());
        if let Some(e) = lex_errors.first() {
            self.error(
                span,
                format!("{} {rtype} value `{value}`: {}", owner, e.message),
            );
            return;
        }
        let tokens: Vec<lexer::Token> = entries.into_iter().flat_map(|e| e.tokens).collect();
        let texts: Vec<String> = tokens
            .iter()
            .map(|t| t.text(value.as_bytes()).into_owned())
            .collect();
        let fields: Vec<Field<'_>> = texts
            .iter()
            .zip(&tokens)
            .map(|(text, t)| Field {
                text,
                quoted: t.quoted,
            })
            .collect();
        match rdata::parse(rtype, &fields, Some(origin)) {
            Ok(rdata) => {
                self.out
                    .records
                    .push(record(owner.clone(), ttl, rtype, rdata, span, set_id, None))
            }
            Err(message) => self.error(span, format!("{owner} {rtype}: {message}")),
        }
    }
}

fn record(
    owner: Name,
    ttl: u32,
    rtype: RType,
    rdata: RData,
    span: Span,
    set_id: Option<String>,
    pseudo: Option<Pseudo>,
) -> Record {
    Record {
        owner,
        ttl,
        ttl_explicit: true,
        ttl_directive: 0,
        class: 1,
        rtype,
        rdata,
        span,
        owner_end: span.end,
        rdata_start: span.start,
        provider: ProviderData::boxed(set_id.map(Box::from), pseudo),
    }
}

/// Route 53 escapes special characters in names as octal `\ooo` (`\052`
/// is `*`); zone files use decimal `\DDD`.
fn route53_name(name: &str) -> String {
    let bytes = name.as_bytes();
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes
            .get(i + 1..i + 4)
            .filter(|d| d.iter().all(|b| (b'0'..=b'7').contains(b)));
        match (bytes[i], octal) {
            (b'\\', Some(digits)) => {
                let value = digits.iter().fold(0u32, |a, d| a * 8 + u32::from(d - b'0'));
                out.push_str(&format!("\\{value:03}"));
                i += 4;
            }
            (b, _) => {
                out.push(b as char);
                i += 1;
            }
        }
    }
    out
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Route53Export {
    resource_record_sets: Vec<Route53Set>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Route53Set {
    name: String,
    #[serde(rename = "Type")]
    rtype: String,
    #[serde(rename = "TTL")]
    ttl: Option<u32>,
    #[serde(default)]
    resource_records: Vec<Route53Value>,
    alias_target: Option<Route53Alias>,
    set_identifier: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Route53Value {
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Route53Alias {
    hosted_zone_id: String,
    #[serde(rename = "DNSName")]
    dns_name: String,
    #[serde(default)]
    evaluate_target_health: bool,
}

pub fn read_route53(file: FileId, text: &str, origin: Option<&Name>) -> ParsedZone {
    let mut reader = Reader::new(file, text);
    let export: Route53Export = match serde_json::from_str(text) {
        Ok(e) => e,
        Err(e) => {
            let offset = offset_of(text, e.line(), e.column());
            reader.error(
                Span::new(file, offset, offset),
                format!("not a Route 53 export: {e}"),
            );
            return reader.out;
        }
    };
    let root = Name::root();
    let names: Vec<Option<Name>> = export
        .resource_record_sets
        .iter()
        .map(|s| Name::parse(&route53_name(&s.name), Some(&root)).ok())
        .collect();
    let zone = origin.cloned().or_else(|| {
        export
            .resource_record_sets
            .iter()
            .zip(&names)
            .find(|(s, _)| s.rtype == "SOA")
            .and_then(|(_, n)| n.clone())
    });
    reader.out.origin = zone;
    for (set, name) in export.resource_record_sets.iter().zip(names) {
        let literal = serde_json::to_string(&set.name).unwrap_or_default();
        let span = reader.locate(&literal);
        let Some(owner) = name else {
            reader.error(span, format!("bad record name `{}`", set.name));
            continue;
        };
        let Some(rtype) = RType::parse(&set.rtype) else {
            reader.error(span, format!("unknown RR type `{}`", set.rtype));
            continue;
        };
        if let Some(alias) = &set.alias_target {
            match Name::parse(&route53_name(&alias.dns_name), Some(&root)) {
                Ok(target) => reader.out.records.push(record(
                    owner,
                    0,
                    rtype,
                    RData::Alias(target),
                    span,
                    set.set_identifier.clone(),
                    Some(Pseudo::Route53Alias(Box::new(AliasDetails {
                        hosted_zone_id: alias.hosted_zone_id.clone(),
                        evaluate_target_health: alias.evaluate_target_health,
                    }))),
                )),
                Err(e) => reader.error(span, format!("bad alias target `{}`: {e}", alias.dns_name)),
            }
            continue;
        }
        let ttl = set.ttl.unwrap_or(300);
        for value in &set.resource_records {
            reader.push(
                &owner,
                ttl,
                rtype,
                &value.value,
                span,
                set.set_identifier.clone(),
                &root,
            );
        }
    }
    reader.out
}

/// A byte offset from serde's 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

#[derive(Deserialize)]
struct GoogleSet {
    name: String,
    #[serde(rename = "type")]
    rtype: String,
    ttl: Option<u32>,
    #[serde(default)]
    rrdatas: Vec<String>,
}

pub fn read_google(file: FileId, text: &str, origin: Option<&Name>) -> ParsedZone {
    let mut reader = Reader::new(file, text);
    if let Err((message, at)) = crate::yaml::guard(text) {
        reader.error(Span::new(file, at, at), message);
        return reader.out;
    }
    let root = Name::root();
    let mut sets = Vec::new();
    for document in serde_norway::Deserializer::from_str(text) {
        match GoogleSet::deserialize(document) {
            Ok(set) => sets.push(set),
            Err(e) => {
                let offset = e.location().map_or(0, |l| l.index());
                reader.error(
                    Span::new(file, offset, offset),
                    format!("not a Cloud DNS export: {e}"),
                );
                return reader.out;
            }
        }
    }
    reader.out.origin = origin.cloned().or_else(|| {
        sets.iter()
            .find(|s| s.rtype == "SOA")
            .and_then(|s| Name::parse(&s.name, Some(&root)).ok())
    });
    for set in &sets {
        let span = reader.locate(&format!("name: {}", set.name));
        let (Ok(owner), Some(rtype)) = (
            Name::parse(&set.name, Some(&root)),
            RType::parse(&set.rtype),
        ) else {
            reader.error(span, format!("bad record set `{} {}`", set.name, set.rtype));
            continue;
        };
        for value in &set.rrdatas {
            reader.push(
                &owner,
                set.ttl.unwrap_or(300),
                rtype,
                value,
                span,
                None,
                &root,
            );
        }
    }
    reader.out
}

/// One octoDNS record: `type`, `ttl`, and `value` or `values`.
#[derive(Deserialize)]
struct OctoRecord {
    #[serde(rename = "type")]
    rtype: String,
    ttl: Option<u32>,
    value: Option<serde_norway::Value>,
    #[serde(default)]
    values: Vec<serde_norway::Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OctoEntry {
    One(OctoRecord),
    Many(Vec<OctoRecord>),
}

/// octoDNS's default TTL.
const OCTODNS_TTL: u32 = 3600;

/// A structured octoDNS value as zone-file RDATA text.
fn octo_value(rtype: &str, value: &serde_norway::Value) -> Option<String> {
    use serde_norway::Value;
    let field = |key: &str| -> Option<String> {
        match value.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    };
    let quote = |s: String| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    match value {
        Value::String(s) => Some(match rtype {
            // octoDNS escapes `;` in TXT values; zone files need quotes.
            "TXT" | "SPF" => quote(s.replace("\\;", ";")),
            _ => s.clone(),
        }),
        Value::Number(n) => Some(n.to_string()),
        Value::Mapping(_) => match rtype {
            "MX" => Some(format!(
                "{} {}",
                field("preference").or_else(|| field("priority"))?,
                field("exchange").or_else(|| field("value"))?
            )),
            "SRV" => Some(format!(
                "{} {} {} {}",
                field("priority")?,
                field("weight")?,
                field("port")?,
                field("target")?
            )),
            "CAA" => Some(format!(
                "{} {} {}",
                field("flags").unwrap_or_else(|| "0".into()),
                field("tag")?,
                quote(field("value")?)
            )),
            "NAPTR" => Some(format!(
                "{} {} {} {} {} {}",
                field("order")?,
                field("preference")?,
                quote(field("flags")?),
                quote(field("service")?),
                quote(field("regexp")?),
                field("replacement")?
            )),
            "SSHFP" => Some(format!(
                "{} {} {}",
                field("algorithm")?,
                field("fingerprint_type")?,
                field("fingerprint")?
            )),
            "TLSA" => Some(format!(
                "{} {} {} {}",
                field("certificate_usage")?,
                field("selector")?,
                field("matching_type")?,
                field("certificate_association_data")?
            )),
            "DS" => Some(format!(
                "{} {} {} {}",
                field("key_tag")?,
                field("algorithm")?,
                field("digest_type")?,
                field("digest")?
            )),
            _ => None,
        },
        _ => None,
    }
}

pub fn read_octodns(file: FileId, text: &str, origin: Option<&Name>) -> ParsedZone {
    let mut reader = Reader::new(file, text);
    if let Err((message, at)) = crate::yaml::guard(text) {
        reader.error(Span::new(file, at, at), message);
        return reader.out;
    }
    let entries: BTreeMap<String, OctoEntry> = match serde_norway::from_str(text) {
        Ok(e) => e,
        Err(e) => {
            let offset = e.location().map_or(0, |l| l.index());
            reader.error(
                Span::new(file, offset, offset),
                format!("not an octoDNS zone: {e}"),
            );
            return reader.out;
        }
    };
    let Some(origin) = origin.cloned() else {
        reader.error(
            Span::new(file, 0, 0),
            "an octoDNS file is named after its zone (`example.com.yaml`); pass --origin".into(),
        );
        return reader.out;
    };
    reader.out.origin = Some(origin.clone());
    // Document order, for spans: sort keys by where they first appear.
    let mut keys: Vec<(&String, &OctoEntry)> = entries.iter().collect();
    keys.sort_by_key(|(k, _)| {
        text.find(&format!("\n{k}:"))
            .or_else(|| text.find(&format!("'{k}':")))
            .unwrap_or(0)
    });
    for (key, entry) in keys {
        let needle = if key.is_empty() {
            "''".to_string()
        } else {
            format!("{key}:")
        };
        let span = reader.locate(&needle);
        let owner = if key.is_empty() {
            Ok(origin.clone())
        } else {
            Name::parse(key, Some(&origin))
        };
        let owner = match owner {
            Ok(o) => o,
            Err(e) => {
                reader.error(span, format!("bad record name `{key}`: {e}"));
                continue;
            }
        };
        let records: Vec<&OctoRecord> = match entry {
            OctoEntry::One(r) => vec![r],
            OctoEntry::Many(rs) => rs.iter().collect(),
        };
        for r in records {
            let ttl = r.ttl.unwrap_or(OCTODNS_TTL);
            let values: Vec<&serde_norway::Value> = r.value.iter().chain(&r.values).collect();
            if r.rtype == "ALIAS" {
                for v in values {
                    match v.as_str().map(|t| Name::parse(t, Some(&origin))) {
                        Some(Ok(target)) => reader.out.records.push(record(
                            owner.clone(),
                            ttl,
                            RType::A,
                            RData::Alias(target),
                            span,
                            None,
                            Some(Pseudo::Alias),
                        )),
                        _ => reader.error(span, format!("bad ALIAS value at `{key}`")),
                    }
                }
                continue;
            }
            let Some(rtype) = RType::parse(&r.rtype) else {
                // octoDNS-only types (URLFWD) have no DNS record to check.
                continue;
            };
            for v in values {
                match octo_value(&r.rtype, v) {
                    Some(text) => reader.push(&owner, ttl, rtype, &text, span, None, &origin),
                    None => reader.error(span, format!("unreadable {} value at `{key}`", r.rtype)),
                }
            }
        }
    }
    reader.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route53_octal_escapes() {
        assert_eq!(route53_name("\\052.example.com."), "\\042.example.com.");
        assert_eq!(
            Name::parse(&route53_name("\\052.example.com."), None)
                .expect("name")
                .as_str(),
            "*.example.com."
        );
    }
}
