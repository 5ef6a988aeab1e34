//! Names written plainly (no escapes, no upper case, no empty label: what
//! nearly every zone writes) are their own canonical text: checked in one
//! pass and copied, not decoded label by label.

use super::{DnsName, NameError};

/// The text of a name without an escape, a character to escape, an upper
/// case letter or an empty label: what nearly every zone writes, and what
/// [`super::Name::parse`] takes without decoding label by label.
#[cfg(test)]
pub(super) fn is_plain(text: &str) -> bool {
    longest_label(text).is_some()
}

/// Bytes a plain name is written in: printable ASCII but upper case
/// letters, `\`, `"`, `(`, `)`, `;`, `@` and `$` (and the dot, which
/// separates labels).
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x21;
    while b <= 0x7e {
        table[b] = !matches!(
            b as u8,
            b'A'..=b'Z' | b'\\' | b'"' | b'(' | b')' | b';' | b'@' | b'$' | b'.'
        );
        b += 1;
    }
    table
};

/// The length of the longest label of `text` when the text is plain (see
/// `is_plain`), in one pass over it: every owner and target of a zone
/// comes through here, and three passes (bytes, `..`, label lengths)
/// showed in profiles of parsing a large zone.
pub(super) fn longest_label(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.first().is_none_or(|&b| b == b'.') {
        return None;
    }
    let (mut longest, mut label) = (0, 0);
    for &b in bytes {
        if b == b'.' {
            // The first byte is no dot: an empty label here is `..`.
            if label == 0 {
                return None;
            }
            longest = longest.max(label);
            label = 0;
        } else if PLAIN[usize::from(b)] {
            label += 1;
        } else {
            return None;
        }
    }
    Some(longest.max(label))
}

/// [`super::parse_into`] for text that `is_plain`.
#[cfg(test)]
pub(super) fn parse_plain(
    text: &str,
    origin: Option<&DnsName>,
    out: &mut String,
) -> Result<(), NameError> {
    let longest = longest_label(text).unwrap_or(0);
    parse(text, longest, origin, out)
}

/// [`super::parse_into`] for text that is plain, whose longest label is
/// `longest` octets: it is its own canonical form, one octet a character.
pub(super) fn parse(
    text: &str,
    longest: usize,
    origin: Option<&DnsName>,
    out: &mut String,
) -> Result<(), NameError> {
    if longest > 63 {
        if let Some(label) = text.split('.').find(|l| l.len() > 63) {
            return Err(NameError::LabelTooLong {
                label: label.to_string(),
                len: label.len(),
            });
        }
    }
    let absolute = text.ends_with('.');
    let own = if absolute {
        text.len() + 1
    } else {
        text.len() + 2
    };
    let (suffix, wire) = match (absolute, origin) {
        (true, _) => ("", own),
        (false, None) => return Err(NameError::NoOrigin(text.to_string())),
        (false, Some(origin)) if origin.as_str() == "." => (".", own),
        // An origin's wire length is at most its text's plus one (escapes
        // only shorten it): worked out only for names near the limit.
        (false, Some(origin)) if own + origin.as_str().len() <= 255 => (origin.as_str(), own),
        (false, Some(origin)) => (origin.as_str(), own + origin.wire_len() - 1),
    };
    if wire > 255 {
        return Err(NameError::NameTooLong(wire));
    }
    out.reserve(text.len() + 1 + suffix.len());
    out.push_str(text);
    if suffix.len() > 1 {
        out.push('.');
    }
    out.push_str(suffix);
    Ok(())
}
