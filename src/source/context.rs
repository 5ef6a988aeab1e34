//! What encloses each part of a file, as the reader that parsed it saw
//! it: the nginx blocks around a directive, the owner of a zone record,
//! the record set of a provider export. Kept on the file as data, so that
//! what is worked out after the rules (a finding's fingerprint) names the
//! parse's context without reading the raw text again or knowing any
//! format.
//!
//! A label is either text the reader made (a block's header and its
//! parent's label; an export's `owner TYPE`) or a range of the file itself
//! (a zone record's owner as written): a million-record zone pays 8 bytes
//! per owner it writes, not a string each.

/// A part of the file and its label (an index into [`Contexts::texts`]).
#[derive(Clone, Copy, Debug)]
struct Part {
    start: u32,
    end: u32,
    label: u32,
}

/// A text label: its own text, and the label it is nested in (an nginx
/// block inside another).
#[derive(Clone, Debug)]
struct Text {
    text: Box<str>,
    parent: Option<u32>,
}

/// What a file's labels are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Kind {
    /// Block headers (`location ~ ^/v2/`): a number in one is a detail (a
    /// port, a version in a path), not who a finding is.
    #[default]
    Blocks,
    /// Names (`web1`, `www.example.com. A`): their digits tell them apart.
    Names,
}

/// The parts of one file and their labels. Parts are added in order and
/// never overlap: a part that starts before the last one ends is dropped
/// (the first reader's word on a place stands).
#[derive(Clone, Debug, Default)]
pub struct Contexts {
    parts: Vec<Part>,
    texts: Vec<Text>,
    /// A zone file's owners as written, in order: where each entry that
    /// writes one starts and where the owner ends. What follows, up to
    /// the next, is inside it (entries that inherit it, directives,
    /// comments); before the first, nothing is.
    owners: Vec<(u32, u32)>,
    /// What the labels are.
    pub kind: Kind,
}

/// A text label to give parts: see [`Contexts::text`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextId(u32);

impl Contexts {
    /// No part yet; labels of this kind.
    pub fn of(kind: Kind) -> Self {
        Contexts {
            kind,
            ..Contexts::default()
        }
    }

    /// A label made of `text`, nested in `parent` (its segments are listed
    /// outermost first by [`Contexts::at`]).
    pub fn text(&mut self, text: &str, parent: Option<TextId>) -> TextId {
        let id = self.texts.len() as u32;
        self.texts.push(Text {
            text: text.into(),
            parent: parent.map(|p| p.0),
        });
        TextId(id)
    }

    /// A zone file's contexts: its owners as written, as the lexer gave
    /// them (see [`Contexts::owners`]).
    pub fn of_owners(mut owners: Vec<(u32, u32)>) -> Self {
        owners.shrink_to_fit();
        Contexts {
            owners,
            kind: Kind::Names,
            ..Contexts::default()
        }
    }

    /// `start..end` is labelled `text`.
    pub fn label(&mut self, start: u32, end: u32, text: TextId) {
        let label = text.0;
        if end <= start {
            return;
        }
        if let Some(last) = self.parts.last_mut() {
            if start < last.end {
                return;
            }
            // Records of one set are one part.
            if last.label == label {
                last.end = end;
                return;
            }
        }
        self.parts.push(Part { start, end, label });
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty() && self.owners.is_empty()
    }

    /// The label of the part that holds `offset`, as its segments from the
    /// outermost in (`["http", "server", "location /"]`); empty where no
    /// part holds it. `bytes` is the file's text, for owners as written.
    pub fn at<'a>(&'a self, offset: u32, bytes: &'a [u8]) -> Vec<std::borrow::Cow<'a, str>> {
        if !self.owners.is_empty() {
            let index = self.owners.partition_point(|&(start, _)| start <= offset);
            let Some(&(start, end)) = index.checked_sub(1).and_then(|i| self.owners.get(i)) else {
                return Vec::new();
            };
            let text = (bytes.get(start as usize..end as usize)).unwrap_or_default();
            return vec![String::from_utf8_lossy(text)];
        }
        let index = self.parts.partition_point(|p| p.start <= offset);
        let Some(part) = index.checked_sub(1).and_then(|i| self.parts.get(i)) else {
            return Vec::new();
        };
        if offset >= part.end {
            return Vec::new();
        }
        let mut segments = Vec::new();
        let mut id = part.label;
        // Parents come before their children: the walk ends.
        while let Some(text) = self.texts.get(id as usize) {
            segments.push(std::borrow::Cow::Borrowed(&*text.text));
            match text.parent {
                Some(parent) if parent < id => id = parent,
                _ => break,
            }
        }
        segments.reverse();
        segments
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_nest_and_sets_merge() {
        let bytes = b"www A 1\n  A 2\nmail A 3\n";
        let c = Contexts::of_owners(vec![(0, 3), (14, 18)]);
        assert_eq!(c.at(10, bytes), ["www"]);
        assert_eq!(c.at(14, bytes), ["mail"]);
        assert_eq!(c.at(99, bytes), ["mail"]);
        assert!(Contexts::of_owners(vec![(8, 10)]).at(2, bytes).is_empty());

        let mut c = Contexts::default();
        let www = c.text("www. A", None);
        c.label(0, 4, www);
        c.label(4, 8, www);
        // Overlapping the last part: dropped.
        c.label(6, 12, www);
        assert_eq!(c.parts.len(), 1);
        assert_eq!(c.at(5, b""), ["www. A"]);
        assert!(c.at(8, b"").is_empty());

        let mut c = Contexts::default();
        let http = c.text("http", None);
        let server = c.text("server", Some(http));
        c.label(5, 10, http);
        c.label(10, 20, server);
        c.label(20, 25, http);
        assert_eq!(c.at(12, b""), ["http", "server"]);
        assert_eq!(c.at(22, b""), ["http"]);
        assert!(c.at(2, b"").is_empty());
    }
}
