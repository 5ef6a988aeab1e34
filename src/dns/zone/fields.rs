//! The fields of a zone-file entry that are not RDATA: TTLs with units,
//! classes, and an entry's trailing comment.

use super::super::lexer::Entry;

/// An entry's trailing comment, borrowed from the file (no copy per record).
pub(super) fn entry_comment<'a>(entry: &Entry, src: &'a [u8]) -> Option<std::borrow::Cow<'a, str>> {
    entry
        .comment
        .map(|(start, end)| String::from_utf8_lossy(&src[start as usize..end as usize]))
}

/// A TTL: seconds, or units (`1h30m`, `2W`), case-insensitive.
pub fn parse_ttl(text: &str) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<u32>().ok();
    }
    let mut total: u64 = 0;
    let mut number: Option<u64> = None;
    for c in text.chars() {
        if let Some(d) = c.to_digit(10) {
            number = Some(
                number
                    .unwrap_or(0)
                    .checked_mul(10)?
                    .checked_add(u64::from(d))?,
            );
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        total = total.checked_add(number.take()?.checked_mul(unit)?)?;
    }
    if number.is_some() {
        return None;
    }
    u32::try_from(total).ok()
}

/// A class mnemonic or `CLASSnnn`, case-insensitive; no allocation (every
/// record's fields are tried as a class).
pub(super) fn parse_class(text: &str) -> Option<u16> {
    const CLASSES: [(&str, u16); 6] = [
        ("IN", 1),
        ("CS", 2),
        ("CH", 3),
        ("HS", 4),
        ("NONE", 254),
        ("ANY", 255),
    ];
    if let Some(&(_, class)) = CLASSES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(text))
    {
        return Some(class);
    }
    text.get(..5)
        .filter(|prefix| prefix.eq_ignore_ascii_case("CLASS"))
        .map(|_| &text[5..])
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse().ok())
}
