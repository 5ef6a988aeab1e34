//! What a finding in an export is inside of: what its fingerprint names as
//! its context. A record is inside its record set, from the records the
//! reader made: the owner name, and its type where the export locates each
//! set on its own (Route 53, Cloud DNS; an octoDNS key holds every type of
//! its name at one place, so there the name alone). A zone file's entries
//! are inside the owner its lexer read (`lexer::Entries::take_owners`).

use super::export::Format;
use super::parsed::ParsedZone;
use crate::source::context::{Contexts, Kind};
use crate::source::{FileId, Sources};
use std::sync::Arc;

/// Records on an export's file what encloses its records.
pub fn of_export(sources: &mut Sources, file: FileId, parsed: &ParsedZone, format: Format) {
    let mut builder = Builder::default();
    for r in parsed.records.iter().filter(|r| r.span.file == file) {
        let (start, end) = (r.span.start, r.span.end.max(r.span.start + 1));
        let owner = parsed.names.get(r.owner);
        let label = match format {
            Format::OctoDns => owner.to_string(),
            Format::Route53 | Format::GoogleCloud => format!("{owner} {}", r.rtype),
        };
        builder.named(start, end, label);
    }
    sources.enclosed(file, Arc::new(builder.contexts));
}

/// One file's contexts as they are made.
struct Builder {
    contexts: Contexts,
    /// The last text label and its text: a set's records share it.
    last_text: Option<(String, crate::source::context::TextId)>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            contexts: Contexts::of(Kind::Names),
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
