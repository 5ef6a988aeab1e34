//! What a head says as a zone file: lines that read as resource records,
//! zone-file directives, and the kinds of record they hold.

/// What a text says as a zone file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ZoneShape {
    /// Lines that read as resource records.
    pub records: usize,
    /// Lines that are neither records, directives, comments nor
    /// continuation lines.
    pub other: usize,
    pub soa: bool,
    pub directives: bool,
    /// Every record is a DNSKEY (a `dnssec-keygen` key file) or DS (a
    /// `dsset-` file).
    pub keys_only: bool,
    /// NS records of the root and their addresses, no SOA: root hints.
    pub root_hints: bool,
}

impl ZoneShape {
    pub fn confirms(&self) -> bool {
        self.soa || self.directives || self.records >= 1 && self.records >= self.other
    }
}

/// Record types common enough to recognise a record line by.
const COMMON_TYPES: &[&str] = &[
    "A",
    "AAAA",
    "CNAME",
    "MX",
    "NS",
    "TXT",
    "SRV",
    "PTR",
    "CAA",
    "SOA",
    "DNAME",
    "SPF",
    "TLSA",
    "SSHFP",
    "DS",
    "DNSKEY",
    "HTTPS",
    "SVCB",
    "NAPTR",
    "RRSIG",
    "NSEC",
    "NSEC3",
    "NSEC3PARAM",
    "CDS",
    "CDNSKEY",
    "HINFO",
    "LOC",
    "URI",
    "ALIAS",
];

/// The record type of a line `[owner] [ttl] [class] TYPE rdata`, if it is
/// one.
fn record_type(line: &str) -> Option<&'static str> {
    // Every line of every head sniffed comes here: no allocation, and an
    // ASCII line's words are cut from its bytes (what `split_whitespace`
    // cuts them at, within ASCII: VT included).
    let mut words = [""; 6];
    let mut count = 0;
    if line.is_ascii() {
        let bytes = line.as_bytes();
        let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
        let mut at = 0;
        while count < words.len() {
            let Some(start) = (at..bytes.len()).find(|&i| !blank(bytes[i])) else {
                break;
            };
            let end = (start..bytes.len())
                .find(|&i| blank(bytes[i]))
                .unwrap_or(bytes.len());
            words[count] = &line[start..end];
            count += 1;
            at = end;
        }
    } else {
        for (slot, word) in words.iter_mut().zip(line.split_whitespace()) {
            *slot = word;
            count += 1;
        }
    }
    let words = &words[..count];
    words.iter().take(4).enumerate().find_map(|(i, w)| {
        // No type is longer than 10 letters or starts with anything else.
        if w.len() > 10 || !w.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        let found = COMMON_TYPES.iter().find(|t| t.eq_ignore_ascii_case(w))?;
        let is_type = i + 1 < words.len();
        // Everything between the owner and the type is a TTL or a class.
        let between_ok = words[..i].iter().skip(1).all(|m| {
            m.bytes().all(|b| b.is_ascii_alphanumeric())
                && (m.bytes().next().is_some_and(|b| b.is_ascii_digit())
                    || ["IN", "CH", "HS", "CS"]
                        .iter()
                        .any(|class| class.eq_ignore_ascii_case(m)))
        });
        // A line that starts with blanks has no owner: the type may be first.
        let owner_ok = i >= 1 || line.starts_with([' ', '\t']);
        (is_type && between_ok && owner_ok).then_some(*found)
    })
}

pub fn zone_shape(head: &[u8]) -> ZoneShape {
    let text = String::from_utf8_lossy(head);
    let mut shape = ZoneShape::default();
    let mut types: Vec<&'static str> = Vec::new();
    let mut root_owner_ns = false;
    let mut depth = 0usize;
    for line in text.lines() {
        let code = match memchr::memchr(b';', line.as_bytes()) {
            Some(semicolon) => &line[..semicolon],
            None => line,
        };
        let trimmed = code.trim();
        let in_parens = depth > 0;
        let opened = memchr::memchr_iter(b'(', code.as_bytes()).count();
        let closed = memchr::memchr_iter(b')', code.as_bytes()).count();
        depth = (depth + opened).saturating_sub(closed);
        if trimmed.is_empty() || in_parens {
            continue;
        }
        // Every line of every head sniffed comes here: compared in place,
        // not upper-cased into a copy.
        let directive = |d: &str| {
            trimmed
                .get(..d.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(d))
                && trimmed[d.len()..].starts_with([' ', '\t'])
        };
        if trimmed.starts_with('$')
            && ["$ORIGIN", "$TTL", "$INCLUDE", "$GENERATE"]
                .iter()
                .any(|d| directive(d))
        {
            shape.directives = true;
            continue;
        }
        match record_type(code) {
            Some(rtype) => {
                shape.records += 1;
                if rtype == "SOA" {
                    shape.soa = true;
                }
                if rtype == "NS" && code.starts_with(". ") {
                    root_owner_ns = true;
                }
                if types.len() < 64 {
                    types.push(rtype);
                }
            }
            None if !trimmed.starts_with(['(', ')']) && !line.starts_with([' ', '\t']) => {
                shape.other += 1
            }
            None => {}
        }
    }
    shape.keys_only = !types.is_empty()
        && types
            .iter()
            .all(|t| matches!(*t, "DNSKEY" | "DS" | "CDS" | "CDNSKEY"));
    shape.root_hints =
        root_owner_ns && !shape.soa && types.iter().all(|t| matches!(*t, "NS" | "A" | "AAAA"));
    shape
}

#[cfg(test)]
mod tests {
    use super::*;

    // The byte-by-byte zone shape before its words were cut from bytes, kept
    // as the reference the fast one is held to.
    /// The record type of a line `[owner] [ttl] [class] TYPE rdata`, if it is
    /// one.
    fn reference_record_type(line: &str) -> Option<String> {
        // Every line of every head sniffed comes here: no allocation until a
        // type is found.
        let mut words = [""; 6];
        let mut count = 0;
        for (slot, word) in words.iter_mut().zip(line.split_whitespace()) {
            *slot = word;
            count += 1;
        }
        let words = &words[..count];
        words.iter().take(4).enumerate().find_map(|(i, w)| {
            // No type is longer than 10 letters or starts with anything else.
            if w.len() > 10 || !w.starts_with(|c: char| c.is_ascii_alphabetic()) {
                return None;
            }
            let found = COMMON_TYPES.iter().find(|t| t.eq_ignore_ascii_case(w))?;
            let is_type = i + 1 < words.len();
            // Everything between the owner and the type is a TTL or a class.
            let between_ok = words[..i].iter().skip(1).all(|m| {
                m.bytes().all(|b| b.is_ascii_alphanumeric())
                    && (m.bytes().next().is_some_and(|b| b.is_ascii_digit())
                        || ["IN", "CH", "HS", "CS"]
                            .iter()
                            .any(|class| class.eq_ignore_ascii_case(m)))
            });
            // A line that starts with blanks has no owner: the type may be first.
            let owner_ok = i >= 1 || line.starts_with([' ', '\t']);
            (is_type && between_ok && owner_ok).then(|| (*found).to_string())
        })
    }

    fn reference_zone_shape(head: &[u8]) -> ZoneShape {
        let text = String::from_utf8_lossy(head);
        let mut shape = ZoneShape::default();
        let mut types: Vec<String> = Vec::new();
        let mut root_owner_ns = false;
        let mut depth = 0usize;
        for line in text.lines() {
            let code = line.split(';').next().unwrap_or("");
            let trimmed = code.trim();
            let in_parens = depth > 0;
            let (opened, closed) = code.bytes().fold((0, 0), |(o, c), b| match b {
                b'(' => (o + 1, c),
                b')' => (o, c + 1),
                _ => (o, c),
            });
            depth = (depth + opened).saturating_sub(closed);
            if trimmed.is_empty() || in_parens {
                continue;
            }
            // Every line of every head sniffed comes here: compared in place,
            // not upper-cased into a copy.
            let directive = |d: &str| {
                trimmed
                    .get(..d.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(d))
                    && trimmed[d.len()..].starts_with([' ', '\t'])
            };
            if trimmed.starts_with('$')
                && ["$ORIGIN", "$TTL", "$INCLUDE", "$GENERATE"]
                    .iter()
                    .any(|d| directive(d))
            {
                shape.directives = true;
                continue;
            }
            match reference_record_type(code) {
                Some(rtype) => {
                    shape.records += 1;
                    if rtype == "SOA" {
                        shape.soa = true;
                    }
                    if rtype == "NS" && code.starts_with(". ") {
                        root_owner_ns = true;
                    }
                    if types.len() < 64 {
                        types.push(rtype);
                    }
                }
                None if !trimmed.starts_with(['(', ')']) && !line.starts_with([' ', '\t']) => {
                    shape.other += 1
                }
                None => {}
            }
        }
        shape.keys_only = !types.is_empty()
            && types
                .iter()
                .all(|t| matches!(t.as_str(), "DNSKEY" | "DS" | "CDS" | "CDNSKEY"));
        shape.root_hints = root_owner_ns
            && !shape.soa
            && types
                .iter()
                .all(|t| matches!(t.as_str(), "NS" | "A" | "AAAA"));
        shape
    }

    #[test]
    fn the_zone_shape_is_the_one_the_plain_reading_gives() {
        let words: &[&[u8]] = &[
            b"www",
            b"@",
            b"3600",
            b"IN",
            b"in",
            b"a",
            b"A",
            b"aaaa",
            b"NS",
            b"SOA",
            b"dnskey",
            b"ds",
            b"$TTL",
            b"$ORIGIN",
            b" ",
            b"\t",
            b"\x0b",
            b"\n",
            b"\r\n",
            b";",
            b"(",
            b")",
            b". ",
            b"192.0.2.1",
            b"line of prose",
            b"\xc3\xa9",
            b"\xe2\x80\x83",
            b"\xff",
        ];
        let alphabet: Vec<u8> = (0..words.len() as u8).collect();
        for picks in crate::test_texts::over(&alphabet, (0..4000).map(|n| n % 50)) {
            let head: Vec<u8> = picks
                .iter()
                .flat_map(|&i| words[i as usize].to_vec())
                .collect();
            assert_eq!(
                zone_shape(&head),
                reference_zone_shape(&head),
                "{:?}",
                String::from_utf8_lossy(&head)
            );
        }
    }
}
