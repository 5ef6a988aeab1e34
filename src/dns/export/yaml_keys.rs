//! Where the top-level keys of a YAML file are, for locating findings:
//! serde keeps no positions.

use std::collections::{HashMap, VecDeque};

/// Where each top-level key of the YAML text starts, found in one pass over
/// its lines: serde keeps no positions, and searching the text for every key
/// is quadratic (8,000 records took 10 s).
pub(super) struct KeyPositions {
    /// Key → its (start, end) spans in document order, next one first.
    spans: HashMap<String, VecDeque<(usize, usize)>>,
}

impl KeyPositions {
    pub(super) fn scan(text: &str) -> KeyPositions {
        let mut spans: HashMap<String, VecDeque<(usize, usize)>> = HashMap::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let line = line.trim_end_matches(['\n', '\r']);
            // A complex key (`? ''`), as octoDNS writes the apex.
            let (key_text, at) = match line.strip_prefix("? ") {
                Some(rest) => (rest, start + 2),
                None => (line, start),
            };
            if let Some((key, len)) = top_level_key(key_text, at != start) {
                spans.entry(key).or_default().push_back((at, at + len));
            }
        }
        KeyPositions { spans }
    }

    /// The next unclaimed span of `key`.
    pub(super) fn take(&mut self, key: &str) -> Option<(usize, usize)> {
        self.spans.get_mut(key)?.pop_front()
    }
}

/// The key a top-level line starts with and the length of its text: `www:`,
/// `'':`, `"*.x":`; after `? ` the whole line is the key.
fn top_level_key(line: &str, complex: bool) -> Option<(String, usize)> {
    let first = line.chars().next()?;
    if matches!(first, ' ' | '\t' | '#' | '-' | '}' | ']' | '.' | '%') || line.starts_with("---") {
        return None;
    }
    match first {
        '\'' => {
            let mut key = String::new();
            let mut chars = line.char_indices().skip(1).peekable();
            while let Some((i, c)) = chars.next() {
                if c == '\'' {
                    if chars.peek().map(|(_, c)| *c) == Some('\'') {
                        key.push('\'');
                        chars.next();
                        continue;
                    }
                    return Some((key, i + 1));
                }
                key.push(c);
            }
            None
        }
        '"' => {
            let mut key = String::new();
            let mut chars = line.char_indices().skip(1);
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => key.extend(chars.next().map(|(_, c)| c)),
                    '"' => return Some((key, i + 1)),
                    c => key.push(c),
                }
            }
            None
        }
        _ if complex => Some((line.trim_end().to_string(), line.trim_end().len())),
        _ => {
            let end = line
                .find(": ")
                .or_else(|| line.strip_suffix(':').map(str::len))?;
            Some((line[..end].trim_end().to_string(), end))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_positions_are_found_in_one_pass() {
        let text = "? ''\n: type: A\n  value: 192.0.2.1\n'quoted''s':\n  type: A\nwww:\n  - type: A\n\"*.x\": {type: A}\nmail: {type: MX}\n";
        let mut positions = KeyPositions::scan(text);
        assert_eq!(positions.take(""), Some((2, 4)));
        let (start, end) = positions.take("quoted's").expect("quoted");
        assert_eq!(&text[start..end], "'quoted''s'");
        let (start, end) = positions.take("www").expect("www");
        assert_eq!(&text[start..end], "www");
        assert!(positions.take("*.x").is_some());
        assert!(positions.take("mail").is_some());
        assert_eq!(positions.take("www"), None);
    }
}
