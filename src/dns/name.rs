//! Domain names in one canonical form (lower case, absolute, escapes
//! normalised) so that names compare equal however they were written, with
//! the RFC 1035 limits enforced: 63 octets a label, 255 a name.

use std::fmt;
use std::sync::Arc;

mod plain;
#[cfg(test)]
use plain::{is_plain, parse_plain};

/// An owned name. Shared (`Arc`): a clone is a reference count, not a copy
/// of the text. A zone's own owners and targets are not `Name`s but ids in
/// its [`super::names::NameTable`], which lends them out as [`DnsName`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(Arc<str>);

/// A name in canonical form, borrowed: from a [`Name`] (which derefs to
/// it) or from a zone's name table. All the questions a name answers are
/// asked here, so that they need no owned copy.
#[repr(transparent)]
#[derive(PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DnsName(str);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("label `{label}` is {len} octets long; the limit is 63")]
    LabelTooLong { label: String, len: usize },
    #[error("name is {0} octets long in wire format; the limit is 255")]
    NameTooLong(usize),
    #[error("empty label in `{0}`")]
    EmptyLabel(String),
    #[error("bad escape `\\{0}` (decimal escapes go up to \\255)")]
    BadEscape(String),
    #[error("relative name `{0}` but the zone's origin is unknown")]
    NoOrigin(String),
    #[error("`{0}` is not a valid internationalised domain name")]
    BadIdn(String),
    /// A zone's name table is addressed by `u32` offsets.
    #[error("the zone's names exceed 4 GiB of text")]
    TableFull,
}

/// An internationalised name in the ASCII (punycode) form DNS carries:
/// `☃.example.com.` is `xn--n3h.example.com.`. ASCII text is returned as
/// is, escapes and all; a trailing dot is kept.
pub fn idna_to_ascii(text: &str) -> Result<std::borrow::Cow<'_, str>, NameError> {
    if text.is_ascii() {
        return Ok(std::borrow::Cow::Borrowed(text));
    }
    idna::domain_to_ascii(text)
        .map(std::borrow::Cow::Owned)
        .map_err(|_| NameError::BadIdn(text.to_string()))
}

/// Names look up by their text: hash, equality and order are the text's.
impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<DnsName> for Name {
    fn borrow(&self) -> &DnsName {
        self
    }
}

impl std::ops::Deref for Name {
    type Target = DnsName;
    fn deref(&self) -> &DnsName {
        DnsName::from_canonical(&self.0)
    }
}

impl ToOwned for DnsName {
    type Owned = Name;
    fn to_owned(&self) -> Name {
        Name(self.0.into())
    }
}

impl PartialEq<DnsName> for Name {
    fn eq(&self, other: &DnsName) -> bool {
        *self.0 == other.0
    }
}

impl PartialEq<Name> for DnsName {
    fn eq(&self, other: &Name) -> bool {
        self.0 == *other.0
    }
}

impl PartialEq<Name> for &DnsName {
    fn eq(&self, other: &Name) -> bool {
        self.0 == *other.0
    }
}

impl PartialEq<&DnsName> for Name {
    fn eq(&self, other: &&DnsName) -> bool {
        *self.0 == other.0
    }
}

/// [`Name::is_at_or_below`] on canonical texts.
pub fn text_at_or_below(name: &str, other: &str) -> bool {
    if other == "." || name == other {
        return true;
    }
    name.ends_with(other)
        && name.len() > other.len()
        && name.as_bytes()[name.len() - other.len() - 1] == b'.'
        && !name[..name.len() - other.len() - 1].ends_with('\\')
}

/// Labels of a canonical name's text, split at unescaped dots.
fn labels_of(s: &str) -> impl Iterator<Item = &str> {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'.' => {
                    let label = &s[start..i];
                    i += 1;
                    start = i;
                    if !label.is_empty() {
                        return Some(label);
                    }
                }
                _ => i += 1,
            }
        }
        None
    })
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Name({})", self.0)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for DnsName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Name({})", &self.0)
    }
}

impl fmt::Display for DnsName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Decodes presentation-format labels; `None` label list for `.` (the root).
fn decode(text: &str) -> Result<(Vec<Vec<u8>>, bool), NameError> {
    let bytes = text.as_bytes();
    let mut labels = Vec::new();
    let mut label = Vec::new();
    let mut absolute = false;
    let mut i = 0;
    if text == "." {
        return Ok((labels, true));
    }
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                let (byte, len) =
                    super::rdata::decode_escape(bytes, i).map_err(NameError::BadEscape)?;
                label.push(byte);
                i += len;
            }
            b'.' => {
                if label.is_empty() {
                    return Err(NameError::EmptyLabel(text.to_string()));
                }
                labels.push(std::mem::take(&mut label));
                i += 1;
                if i == bytes.len() {
                    absolute = true;
                }
            }
            other => {
                label.push(other);
                i += 1;
            }
        }
    }
    if !label.is_empty() {
        labels.push(label);
    }
    Ok((labels, absolute))
}

fn encode_label(label: &[u8], out: &mut String) {
    for &b in label {
        let b = b.to_ascii_lowercase();
        match b {
            b'.' | b'\\' | b'"' | b'(' | b')' | b';' | b'@' | b'$' => {
                out.push('\\');
                out.push(b as char);
            }
            0x21..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03}")),
        }
    }
}

/// Octets of a canonical label: `\X` and `\DDD` are one octet each.
fn decoded_len(label: &str) -> usize {
    let bytes = label.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < bytes.len() {
        i += match bytes[i] {
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => 4,
            b'\\' => 2,
            _ => 1,
        };
        n += 1;
    }
    n
}

impl DnsName {
    /// Text already in canonical form (as a [`Name`] or a name table holds it).
    pub(super) fn from_canonical(text: &str) -> &DnsName {
        // SAFETY: `DnsName` is `#[repr(transparent)]` over `str`, so the
        // two references have one layout (the `Path`-over-`OsStr` pattern).
        unsafe { &*(text as *const str as *const DnsName) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn labels(&self) -> impl Iterator<Item = &str> {
        // Canonical form escapes dots inside labels, so split on unescaped ones.
        labels_of(&self.0)
    }

    /// The names above this one, nearest first, down to the root `.`, as
    /// text: walking up a name costs no allocation.
    pub fn suffixes(&self) -> impl Iterator<Item = &str> {
        let s: &str = &self.0;
        let mut rest = (s != ".").then_some(s);
        std::iter::from_fn(move || {
            let current = rest?;
            let first = labels_of(current).next()?;
            let after = &current[first.len() + 1..];
            let parent = if after.is_empty() { "." } else { after };
            rest = (parent != ".").then_some(parent);
            Some(parent)
        })
    }

    pub fn label_count(&self) -> usize {
        self.labels().count()
    }

    fn wire_len(&self) -> usize {
        match &self.0 {
            "." => 1,
            // Without escapes, one octet a character, and the dots are the
            // length octets.
            text if !text.contains('\\') => text.len() + 1,
            _ => self.labels().map(|l| decoded_len(l) + 1).sum::<usize>() + 1,
        }
    }

    /// `self` equals `other` or lies below it.
    pub fn is_at_or_below(&self, other: &DnsName) -> bool {
        text_at_or_below(&self.0, &other.0)
    }

    /// The name one label up (`None` at the root).
    pub fn parent(&self) -> Option<Name> {
        if &self.0 == "." {
            return None;
        }
        let first = self.labels().next()?;
        let rest = &self.0[first.len() + 1..];
        Some(if rest.is_empty() {
            Name::root()
        } else {
            Name(rest.into())
        })
    }

    /// The first label, raw (for wildcard checks).
    pub fn first_label(&self) -> &str {
        self.labels().next().unwrap_or("")
    }
}

impl Name {
    pub fn root() -> Name {
        Name(".".into())
    }

    /// Parses a name as written in a zone file: `@` is the origin, a name
    /// without a trailing dot is relative to it.
    pub fn parse(text: &str, origin: Option<&Name>) -> Result<Name, NameError> {
        if text == "@" {
            return origin
                .cloned()
                .ok_or_else(|| NameError::NoOrigin(text.to_string()));
        }
        let mut out = String::new();
        parse_into(text, origin.map(|o| &**o), &mut out)?;
        Ok(Name(out.into()))
    }

    /// A name in uncompressed wire form at the start of `bytes`, and the
    /// octets it took; `None` for a truncated, compressed or oversized name.
    pub fn from_wire(bytes: &[u8]) -> Option<(Name, usize)> {
        let mut text = String::new();
        let mut at = 0;
        loop {
            let len = usize::from(*bytes.get(at)?);
            at += 1;
            if len == 0 {
                break;
            }
            if len > 63 {
                return None; // a compression pointer or a bad label
            }
            encode_label(bytes.get(at..at + len)?, &mut text);
            text.push('.');
            at += len;
        }
        if text.is_empty() {
            text.push('.');
        }
        Name::parse(&text, None).ok().map(|name| (name, at))
    }
}

/// [`Name::parse`] appending the canonical text to `out` (a name table's
/// buffer: no allocation per name). On error `out` may hold part of it.
pub(super) fn parse_into(
    text: &str,
    origin: Option<&DnsName>,
    out: &mut String,
) -> Result<(), NameError> {
    if text == "@" {
        let origin = origin.ok_or_else(|| NameError::NoOrigin(text.to_string()))?;
        out.push_str(origin.as_str());
        return Ok(());
    }
    if let Some(longest) = plain::longest_label(text) {
        return plain::parse(text, longest, origin, out);
    }
    parse_decoded(text, origin, out)
}

/// [`parse_into`] label by label: escapes, upper case, any octet.
fn parse_decoded(text: &str, origin: Option<&DnsName>, out: &mut String) -> Result<(), NameError> {
    let (labels, absolute) = decode(text)?;
    let start = out.len();
    for label in &labels {
        if label.len() > 63 {
            return Err(NameError::LabelTooLong {
                label: String::from_utf8_lossy(label).into_owned(),
                len: label.len(),
            });
        }
        encode_label(label, out);
        out.push('.');
    }
    let mut wire = labels.iter().map(|l| l.len() + 1).sum::<usize>() + 1;
    if !absolute {
        let origin = origin.ok_or_else(|| NameError::NoOrigin(text.to_string()))?;
        if origin.as_str() != "." {
            out.push_str(origin.as_str());
        }
        wire += origin.wire_len() - 1;
    }
    if out.len() == start {
        out.push('.');
    }
    if wire > 255 {
        return Err(NameError::NameTooLong(wire));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plain_path_agrees_with_decoding() {
        let origin = Name::parse("example.com.", None).unwrap();
        let long_label = "a".repeat(64);
        let long_name = vec!["abcdefghij"; 25].join(".");
        for text in [
            "www",
            "www.",
            "a.b.c",
            "_svc._tcp",
            "*",
            "*.x",
            "host-1.sub",
            "a/b",
            "x.example.com.",
            &long_label,
            &long_name,
        ] {
            for origin in [Some(&origin), Some(&Name::root()), None] {
                assert!(is_plain(text), "{text}");
                let each = |parse: fn(&str, Option<&DnsName>, &mut String) -> _| {
                    let mut out = String::from("before");
                    let result: Result<(), NameError> = parse(text, origin.map(|o| &**o), &mut out);
                    result.map(|()| out)
                };
                assert_eq!(
                    each(parse_plain),
                    each(parse_decoded),
                    "{text} in {origin:?}"
                );
            }
        }
        for text in ["Www", "a\\.b", "a..b", ".", ".a", "caf\u{e9}", "a;b", "@x"] {
            assert!(!is_plain(text), "{text}");
        }
        let n = Name::parse("a.b.example.com.", None).unwrap();
        assert_eq!(
            n.suffixes().collect::<Vec<_>>(),
            ["b.example.com.", "example.com.", "com.", "."]
        );
        let escaped = Name::parse("a\\.b.c.", None).unwrap();
        assert_eq!(escaped.suffixes().collect::<Vec<_>>(), ["c.", "."]);
        assert_eq!(Name::root().suffixes().count(), 0);
    }

    fn origin() -> Name {
        Name::parse("Example.COM.", None).expect("origin")
    }

    #[test]
    fn idn_names_become_punycode() {
        assert_eq!(
            idna_to_ascii("☃.example.com.").expect("idn").as_ref(),
            "xn--n3h.example.com."
        );
        assert_eq!(
            idna_to_ascii("Bücher").expect("idn").as_ref(),
            "xn--bcher-kva"
        );
        assert!(matches!(
            idna_to_ascii("_dmarc.example.com."),
            Ok(std::borrow::Cow::Borrowed(_))
        ));
    }

    #[test]
    fn canonical_form() {
        let o = origin();
        assert_eq!(o.as_str(), "example.com.");
        assert_eq!(
            Name::parse("WWW", Some(&o)).expect("ok").as_str(),
            "www.example.com."
        );
        assert_eq!(Name::parse("@", Some(&o)).expect("ok"), o);
        assert_eq!(
            Name::parse("a\\046b", Some(&o)).expect("ok").as_str(),
            "a\\.b.example.com."
        );
        // Zone files escape in decimal (Route 53 exports use octal: `\\052`).
        assert_eq!(
            Name::parse("\\042", Some(&o)).expect("ok").as_str(),
            "*.example.com."
        );
        assert_eq!(Name::parse(".", None).expect("root").as_str(), ".");
    }

    #[test]
    fn limits() {
        let long = "a".repeat(64);
        assert!(matches!(
            Name::parse(&long, Some(&origin())),
            Err(NameError::LabelTooLong { len: 64, .. })
        ));
        let many = vec!["abcdefghij"; 30].join(".") + ".";
        assert!(matches!(
            Name::parse(&many, None),
            Err(NameError::NameTooLong(_))
        ));
        assert!(matches!(
            Name::parse("a..b.", None),
            Err(NameError::EmptyLabel(_))
        ));
        assert!(matches!(
            Name::parse("www", None),
            Err(NameError::NoOrigin(_))
        ));
        assert!(matches!(
            Name::parse("\\300.", None),
            Err(NameError::BadEscape(_))
        ));
    }

    #[test]
    fn hierarchy() {
        let o = origin();
        let www = Name::parse("www", Some(&o)).expect("ok");
        assert!(www.is_at_or_below(&o));
        assert!(o.is_at_or_below(&o));
        assert!(!o.is_at_or_below(&www));
        let other = Name::parse("notexample.com.", None).expect("ok");
        assert!(!other.is_at_or_below(&o));
        assert_eq!(www.parent(), Some(o));
        assert_eq!(www.label_count(), 3);
    }
}
