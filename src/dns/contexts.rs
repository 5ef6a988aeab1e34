//! What a finding in a zone or an export is inside of, recorded from the
//! records the reader made: what its fingerprint names as its context. A
//! zone file's record is inside its owner as written (an inherited owner,
//! the one written above it in the same file); an export's, inside its
//! record set: the owner name, and its type where the export locates each
//! set on its own (Route 53, Cloud DNS; an octoDNS key holds every type of
//! its name at one place, so there the name alone).

use super::export::Format;
use super::parsed::ParsedZone;
use super::record::OWNER_IS_ENTRY;
use crate::source::context::{Contexts, Kind};
use crate::source::{FileId, Sources};
use std::sync::Arc;

/// Records on each file the parse of one zone read (a zone and what it
/// includes) what encloses its records.
pub fn record(sources: &mut Sources, parsed: &ParsedZone, format: Option<Format>) {
    // By file, in the order first met: a zone's records are one run per
    // file (`$INCLUDE` starts another), so the last is nearly always it.
    let mut files: Vec<(FileId, Builder)> = Vec::new();
    for r in &parsed.records {
        let at = match files.iter().rposition(|(file, _)| *file == r.span.file) {
            Some(at) => at,
            None => {
                files.push((r.span.file, Builder::default()));
                files.len() - 1
            }
        };
        let builder = &mut files[at].1;
        let (start, end) = (r.span.start, r.span.end.max(r.span.start + 1));
        match format {
            None => {
                // The owner field as written; one past the entry's start
                // is a generated or exported entry's whole text.
                let written = (r.owner_len > 0 && r.owner_len != OWNER_IS_ENTRY)
                    .then(|| (start, start + u32::from(r.owner_len)));
                if let Some(owner) = written.or(builder.last_owner) {
                    builder.last_owner = Some(owner);
                    builder.contexts.label_written(start, end, owner.0, owner.1);
                } else {
                    builder.named(start, end, parsed.names.get(r.owner).to_string());
                }
            }
            Some(Format::OctoDns) => {
                builder.named(start, end, parsed.names.get(r.owner).to_string());
            }
            Some(Format::Route53 | Format::GoogleCloud) => {
                let set = format!("{} {}", parsed.names.get(r.owner), r.rtype);
                builder.named(start, end, set);
            }
        }
    }
    for (file, builder) in files {
        sources.enclosed(file, Arc::new(builder.contexts));
    }
}

/// One file's contexts as they are made.
struct Builder {
    contexts: Contexts,
    /// The last owner written in the file: where a blank owner is.
    last_owner: Option<(u32, u32)>,
    /// The last text label and its text: a set's records share it.
    last_text: Option<(String, crate::source::context::TextId)>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            contexts: Contexts::of(Kind::Names),
            last_owner: None,
            last_text: None,
        }
    }
}

impl Builder {
    fn named(&mut self, start: u32, end: u32, text: String) {
        let id = match &self.last_text {
            Some((last, id)) if *last == text => *id,
            _ => {
                let id = self.contexts.text(&text, None);
                self.last_text = Some((text, id));
                id
            }
        };
        self.contexts.label(start, end, id);
    }
}
