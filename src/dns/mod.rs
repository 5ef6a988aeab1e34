//! The DNS engine: a span-aware zone-file parser of our own (nom lexer,
//! typed RDATA), and the zone model the DNS rules check.

pub mod canonical;
pub mod export;
pub mod lexer;
pub mod model;
pub mod name;
pub mod names;
pub mod provider;
pub mod rdata;
pub mod svcb;
pub mod wire;
pub mod zone;

use crate::finding::Finding;
use crate::rules::dns::{no_default_ttl, out_of_zone_data, syntax_error};
use crate::source::{FileId, ReadError, Sources, Span};
use model::Zone;
use name::Name;
use std::collections::BTreeSet;
use std::path::Path;

pub struct Analysis {
    pub zones: Vec<Zone>,
    pub findings: Vec<Finding>,
    /// The zone files and what they `$INCLUDE`.
    pub reported: BTreeSet<FileId>,
}

/// The zone a file name suggests: `db.example.com`, `example.com.zone`,
/// `example.com.db`.
/// octoDNS names its files after the zone: `example.com.yaml`.
/// Cloud DNS exports are often `example.com.zone.yaml`.
fn export_origin_from_file_name(path: &Path) -> Option<Name> {
    let stem = path.file_stem()?.to_string_lossy();
    let stem = stem.strip_suffix(".zone").unwrap_or(&stem);
    Name::parse(&format!("{}.", stem.trim_end_matches('.')), None).ok()
}

pub fn origin_from_file_name(path: &Path) -> Option<Name> {
    let file_name = path.file_name()?.to_string_lossy();
    let stem = file_name
        .strip_prefix("db.")
        .or_else(|| file_name.strip_suffix(".zone"))
        .or_else(|| file_name.strip_suffix(".db"))?;
    if stem.is_empty() || stem.contains(char::is_whitespace) {
        return None;
    }
    Name::parse(&format!("{}.", stem.trim_end_matches('.')), None).ok()
}

const NAME_THE_ZONE: &str = "add `$ORIGIN example.com.` at the top, pass `--origin example.com`, set `origin` in a [[per-path]] table of tripline.toml, or name the file `db.example.com` or `example.com.zone`";

/// One zone file to read, and the zone it is loaded as where the user or
/// a server configuration says it (`--origin`, `[[per-path]]`,
/// `zone "x" { file … }`).
#[derive(Clone, Debug)]
pub struct ZoneInput {
    pub path: std::path::PathBuf,
    pub origin: Option<Name>,
}

/// Parses and models each zone file. A file another one reads through
/// `$INCLUDE` is a fragment of that zone, not a zone of its own.
pub fn analyse(
    sources: &mut Sources,
    inputs: &[ZoneInput],
    jobs: usize,
) -> Result<Analysis, ReadError> {
    let mut zones = Vec::new();
    let mut findings = Vec::new();
    let mut reported = BTreeSet::new();
    let mut loaded = Vec::with_capacity(inputs.len());
    for input in inputs {
        loaded.push((sources.load(&input.path)?, input));
    }
    // Files that include others first: what they include is then known
    // before it would be read as a zone of its own.
    let includes = |file: FileId| {
        let bytes = &sources.get(file).bytes;
        memchr::memmem::find(bytes, b"$INCLUDE").is_some()
            || memchr::memmem::find(bytes, b"$include").is_some()
    };
    loaded.sort_by_key(|(file, _)| !includes(*file));
    let mut included_elsewhere: BTreeSet<FileId> = BTreeSet::new();
    for (file, input) in loaded {
        if included_elsewhere.contains(&file) {
            continue;
        }
        let path = &input.path;
        let origin = input.origin.as_ref();
        reported.insert(file);
        let hint = match origin {
            Some(given) => Some(zone::OriginHint::Given(given.clone())),
            None => origin_from_file_name(path).map(zone::OriginHint::Guessed),
        };
        // The format shows in the head; only exports need the whole text
        // as a string (zone files are lexed from the bytes).
        let bytes = &sources.get(file).bytes;
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(8192)]).into_owned();
        let format = export::detect(path, &head);
        let text = match format {
            Some(_) => sources.get(file).text_lossy().into_owned(),
            None => String::new(),
        };
        let given = origin
            .cloned()
            .or_else(|| export_origin_from_file_name(path));
        let (parsed, is_export) = match format {
            Some(export::Format::Route53) => (export::read_route53(file, &text, origin), true),
            Some(export::Format::GoogleCloud) => (export::read_google(file, &text, origin), true),
            Some(export::Format::OctoDns) => {
                (export::read_octodns(file, &text, given.as_ref()), true)
            }
            None => {
                let parsed = zone::parse_zone_on(sources, file, hint, jobs);
                let cloudflare = parsed.cloudflare_export;
                (parsed, cloudflare)
            }
        };
        reported.extend(parsed.included.iter().copied());
        included_elsewhere.extend(parsed.included.iter().copied());
        let included = parsed.included.clone();
        let mut no_origin_reported = false;
        for e in &parsed.errors {
            let unresolvable = e.message.contains("the zone's origin is unknown");
            if unresolvable && no_origin_reported {
                continue;
            }
            no_origin_reported |= unresolvable;
            let (message, help) = if unresolvable {
                (
                    format!(
                        "{}; no $ORIGIN, no absolute SOA owner, and the file name does not name a zone",
                        e.message
                    ),
                    NAME_THE_ZONE,
                )
            } else {
                (e.message.clone(), syntax_error::HELP)
            };
            findings.push(Finding::new(&syntax_error::RULE, e.span, message, help));
        }
        if let Some(last) = findings.last_mut().filter(|_| !parsed.errors.is_empty()) {
            last.hidden = parsed.more_errors;
        }
        if let Some(span) = parsed.soa_minimum_ttl {
            findings.push(Finding::new(
                &no_default_ttl::RULE,
                span,
                "no $TTL and no TTL on this record: BIND and Knot fall back to the SOA minimum, which is meant for negative caching",
                "add `$TTL 3600` (or the TTL you mean) at the top of the file",
            ));
        }
        for w in &parsed.warnings {
            let mut finding = Finding::new(
                &syntax_error::RULE,
                w.span,
                w.message.clone(),
                "write the TTL you mean: at most 2147483647 seconds, and usually far less",
            );
            finding.severity = crate::finding::Severity::Warning;
            findings.push(finding);
        }
        // An origin the user or a server configuration gave is the zone's,
        // whatever the file's own `$ORIGIN .` suggests.
        let inferred = match origin {
            Some(_) => None,
            None => infer_origin(&parsed, path),
        };
        let origin_inferred = inferred.as_ref().map(|(_, source)| *source);
        let origin = inferred.map(|(name, _)| name).or(parsed.origin);
        match origin {
            _ if parsed.not_text => {}
            Some(origin) => {
                // In place: a million-record zone is not copied.
                let mut inside = parsed.records;
                let names = parsed.names;
                let outside: Vec<_> = inside
                    .extract_if(.., |r| !names.get(r.owner).is_at_or_below(&origin))
                    .collect();
                for r in outside {
                    let owner = names.get(r.owner);
                    findings.push(Finding::new(
                        &out_of_zone_data::RULE,
                        r.owner_span(),
                        format!("ignoring out-of-zone data: {owner} is not in zone {origin}"),
                        "a server never serves it; move the record to the zone it belongs to, or fix the origin",
                    ));
                }
                let mut zone = Zone::new(origin, file, inside, names, is_export, jobs);
                zone.origin_inferred = origin_inferred;
                zone.ttl_directives = parsed.ttl_directives;
                zone.included = included;
                zones.push(zone);
            }
            None if parsed.records.is_empty() && parsed.errors.is_empty() => {}
            // The first relative name already said so, where it stands.
            None if no_origin_reported => {}
            None => findings.push(Finding::new(
                &syntax_error::RULE,
                Span::new(file, 0, 0),
                "cannot tell which zone this is: no $ORIGIN, no absolute SOA owner, and the file name does not name a zone",
                NAME_THE_ZONE,
            )),
        }
    }
    Ok(Analysis {
        zones,
        findings,
        reported,
    })
}

/// The zone of a file that says `$ORIGIN .` (BIND's own dumps, GoDaddy's
/// exports write every name fully qualified below it): from its SOA's
/// owner, else its `; Domain:` header, else its file name, when records
/// lie below that name. Root-zone and hint files keep the root.
fn infer_origin(parsed: &zone::ParsedZone, path: &Path) -> Option<(Name, &'static str)> {
    if parsed.origin.as_ref().is_none_or(|o| *o != Name::root()) {
        return None;
    }
    let soa_owner = (parsed.records.iter())
        .find(|r| r.rtype == rdata::RType::SOA)
        .and_then(|r| Name::parse(&parsed.names.get(r.owner).to_string(), None).ok());
    let candidates = [
        (soa_owner, "its SOA record's owner"),
        (parsed.domain_header.clone(), "its `; Domain:` header"),
        (export_origin_from_file_name(path), "the file name"),
    ];
    candidates.into_iter().find_map(|(name, source)| {
        // A SOA names its zone even at the top level (`ffcux.`); a name
        // taken from a header or a file name needs two labels.
        let labels = if source == "its SOA record's owner" {
            1
        } else {
            2
        };
        let name = name.filter(|n| n.label_count() >= labels)?;
        let below =
            (parsed.records.iter()).any(|r| parsed.names.get(r.owner).is_at_or_below(&name));
        below.then_some((name, source))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_from_names() {
        let o = |p: &str| origin_from_file_name(Path::new(p)).map(|n| n.to_string());
        assert_eq!(o("zones/db.example.com").as_deref(), Some("example.com."));
        assert_eq!(o("example.com.zone").as_deref(), Some("example.com."));
        assert_eq!(o("example.net.db").as_deref(), Some("example.net."));
        assert_eq!(o("zones/records.txt"), None);
    }
}
