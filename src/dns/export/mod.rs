//! Provider exports read into the same records as zone files: AWS Route 53
//! `list-resource-record-sets` JSON, Google Cloud DNS `record-sets export`
//! YAML and octoDNS YAML. Values go through the zone-file RDATA parser, so
//! a value means the same whichever format carried it. Provider
//! pseudo-records (aliases) become records of their own kind, never dropped.
//!
//! JSON and YAML parsers do not keep positions, so each record set is
//! located by finding its name in the text, in order (octoDNS: by one scan
//! of the file's top-level keys), never by a search per record that would
//! make reading quadratic.

mod google;
mod octodns;
mod route53;
mod yaml_keys;

pub use google::read_google;
pub use octodns::read_octodns;
pub use route53::read_route53;

use super::name::Name;
use super::parsed::{ParsedZone, ZoneError};
use super::provider::ProviderData;
use super::rdata::{self, RData, RType, TextError};
use super::record::Record;
use crate::source::{FileId, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Route53,
    GoogleCloud,
    OctoDns,
}

impl Format {
    /// What starts a comment in the format, where a suppression can be
    /// written: YAML's `#`; JSON has none.
    pub fn comment(self) -> Option<char> {
        match self {
            Format::Route53 => None,
            Format::GoogleCloud | Format::OctoDns => Some('#'),
        }
    }
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
pub(super) struct Reader<'t> {
    file: FileId,
    text: &'t str,
    cursor: usize,
    /// A name was not found where expected: later searches would each scan
    /// to the end of the file (quadratic on hostile input), so they stop.
    lost: bool,
    pub(super) out: ParsedZone,
}

impl<'t> Reader<'t> {
    pub(super) fn new(file: FileId, text: &'t str) -> Self {
        Reader {
            file,
            text,
            cursor: 0,
            lost: false,
            out: ParsedZone::default(),
        }
    }

    /// The next occurrence of `needle` at or after the cursor; after one
    /// miss, the cursor (every later span points there).
    pub(super) fn locate(&mut self, needle: &str) -> Span {
        let found = (!self.lost && !needle.is_empty())
            .then(|| self.text[self.cursor..].find(needle))
            .flatten();
        match found {
            Some(offset) => {
                let start = self.cursor + offset;
                self.cursor = start + needle.len();
                Span::new(self.file, start, start + needle.len())
            }
            None => {
                self.lost = true;
                Span::new(self.file, self.cursor, self.cursor)
            }
        }
    }

    pub(super) fn error(&mut self, span: Span, message: String) {
        self.out.errors.push(ZoneError { span, message });
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn push(
        &mut self,
        owner: &Name,
        ttl: u32,
        rtype: RType,
        value: &str,
        span: Span,
        provider: &ProviderData,
        origin: &Name,
    ) {
        match rdata::parse_text(rtype, value, Some(origin), &mut self.out.names) {
            Ok(rdata) => self.add(owner, ttl, rtype, rdata, span, provider.clone()),
            Err(TextError::Lex(message)) => {
                self.error(span, format!("{owner} {rtype} value `{value}`: {message}"))
            }
            Err(TextError::Data(message)) => {
                self.error(span, format!("{owner} {rtype}: {message}"))
            }
        }
    }
}

impl Reader<'_> {
    /// Adds a provider alias to `target` (see [`Reader::add`]).
    pub(super) fn add_alias(
        &mut self,
        owner: &Name,
        ttl: u32,
        rtype: RType,
        target: &Name,
        span: Span,
        provider: ProviderData,
    ) {
        match self.out.names.push(target) {
            Ok(target) => self.add(owner, ttl, rtype, RData::Alias(target), span, provider),
            Err(e) => self.error(span, format!("{owner} {rtype}: {e}")),
        }
    }

    /// Adds a record, its owner into the zone's name table.
    pub(super) fn add(
        &mut self,
        owner: &Name,
        ttl: u32,
        rtype: RType,
        rdata: RData,
        span: Span,
        provider: ProviderData,
    ) {
        let owner = match self.out.names.push(owner) {
            Ok(id) => id,
            Err(e) => return self.error(span, format!("{owner} {rtype}: {e}")),
        };
        self.out.records.push(Record {
            owner,
            ttl,
            ttl_directive: 0,
            class: 1,
            rtype,
            rdata,
            span,
            owner_len: crate::dns::record::OWNER_IS_ENTRY,
            rdata_start: span.start,
            provider: provider.into_box(),
        });
    }
}

/// A byte offset from serde's 1-based line and column.
pub(super) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}
