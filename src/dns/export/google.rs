//! Google Cloud DNS `gcloud dns record-sets export` YAML.

use super::Reader;
use crate::dns::name::Name;
use crate::dns::parsed::ParsedZone;
use crate::dns::provider::ProviderData;
use crate::dns::rdata::RType;
use crate::source::{FileId, Span};
use serde::Deserialize;

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
                &ProviderData::default(),
                &root,
            );
        }
    }
    reader.out
}
