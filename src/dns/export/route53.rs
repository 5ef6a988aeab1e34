//! AWS Route 53 `list-resource-record-sets` JSON: octal-escaped names,
//! aliases and routing sets (weight, failover, health check, region, geo).

use super::{offset_of, Reader};
use crate::dns::name::Name;
use crate::dns::parsed::ParsedZone;
use crate::dns::provider::{ProviderData, Pseudo, Route53Alias as AliasDetails, Route53Routing};
use crate::dns::rdata::RType;
use crate::source::{FileId, Span};
use serde::Deserialize;

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
    weight: Option<i64>,
    failover: Option<String>,
    health_check_id: Option<String>,
    region: Option<String>,
    geo_location: Option<Route53Geo>,
    multi_value_answer: Option<bool>,
    cidr_routing_config: Option<Route53Cidr>,
    geo_proximity_location: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Route53Geo {
    continent_code: Option<String>,
    country_code: Option<String>,
    subdivision_code: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Route53Cidr {
    collection_id: String,
    location_name: String,
}

impl Route53Set {
    /// The set identifier and routing policy every record of the set carries.
    fn provider(&self, pseudo: Option<Pseudo>) -> ProviderData {
        let geo = self.geo_location.as_ref();
        let mut other = Vec::new();
        if let Some(cidr) = &self.cidr_routing_config {
            other.push(("cidrcollection", cidr.collection_id.clone()));
            other.push(("cidrlocation", cidr.location_name.clone()));
        }
        if let Some(location) = &self.geo_proximity_location {
            // Sorted keys, so the same location always reads the same.
            other.push(("geoproximity", location.to_string()));
        }
        let routing = Route53Routing {
            weight: self.weight,
            failover: self.failover.clone(),
            health_check_id: self.health_check_id.clone(),
            region: self.region.clone(),
            continent_code: geo.and_then(|g| g.continent_code.clone()),
            country_code: geo.and_then(|g| g.country_code.clone()),
            subdivision_code: geo.and_then(|g| g.subdivision_code.clone()),
            multivalue: self.multi_value_answer == Some(true),
            other,
        };
        ProviderData {
            set_id: self.set_identifier.as_deref().map(Box::from),
            pseudo,
            routing: routing.routing(),
        }
    }
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
                Ok(target) => reader.add_alias(
                    &owner,
                    0,
                    rtype,
                    &target,
                    span,
                    set.provider(Some(Pseudo::Route53Alias(Box::new(AliasDetails {
                        hosted_zone_id: alias.hosted_zone_id.clone(),
                        evaluate_target_health: alias.evaluate_target_health,
                    })))),
                ),
                Err(e) => reader.error(span, format!("bad alias target `{}`: {e}", alias.dns_name)),
            }
            continue;
        }
        let ttl = set.ttl.unwrap_or(300);
        let provider = set.provider(None);
        for value in &set.resource_records {
            reader.push(&owner, ttl, rtype, &value.value, span, &provider, &root);
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
