//! The stable identity of a finding, for baselines, SARIF and GitLab: the
//! rule, the file's path from the project root, the flagged text and what
//! encloses it (the nginx blocks around it, the zone owner above it), and
//! the message — every one with its numbers taken out. Never a line number
//! or a day count: a comment added above a record or a clock a day later
//! leaves every fingerprint as it was. Findings alike in all of that are
//! told apart by their order (`…:1`, `…:2`).
//!
//! What encloses a finding is worked out from the raw text by the scan in
//! `contexts`, not taken from the nginx parse or the zone lexer, on
//! purpose: baselines hold these values, and the scan reads some text
//! otherwise than the readers do (`#` or a quote inside a word, `${var}`,
//! Lua bodies, invalid UTF-8, a zone line inside parentheses that starts
//! at column 0, YAML and JSON exports). Measured on `fixtures/` and the
//! nginx and dns corpora: the parse would give another context somewhere
//! in 29 of 990 nginx files (h5bp's `location ~* (?:#.*#|…)` among them)
//! and the zone lexer in 7 of 1,016 zone files.

use crate::finding::Located;
use crate::source::{FileId, SourceFile, Sources};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Characters of flagged text or context that count: a certificate's whole
/// PEM block need not be hashed to be told apart.
const MAX_CONTEXT: usize = 512;

/// FNV-1a over the parts, each ended by a NUL: stable across runs,
/// platforms and Rust versions.
pub fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// Whitespace collapsed, and every token that is a number (`3600`, `1h30m`,
/// `2026-01-31`, a line or day count) or holds one left out, so that a TTL,
/// a serial or a date does not change who a finding is. Addresses and names
/// are tokens too: they keep their letters and lose their digits.
pub fn without_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_CONTEXT));
    for token in text.split_whitespace() {
        let kept: String = token.chars().filter(|c| !c.is_ascii_digit()).collect();
        let only_units = kept
            .chars()
            .all(|c| matches!(c.to_ascii_lowercase(), 's' | 'm' | 'h' | 'd' | 'w'));
        if kept.len() < token.len() && only_units {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&kept);
        if out.len() >= MAX_CONTEXT {
            break;
        }
    }
    out
}

/// What encloses each of `offsets` (sorted) in one file, in one pass.
fn contexts(file: &SourceFile, zone: bool, offsets: &[usize]) -> HashMap<usize, String> {
    let mut out = HashMap::with_capacity(offsets.len());
    // A file without a block (a certificate bundle) has no context: not
    // worth a pass over it.
    if !zone && !file.bytes.contains(&b'{') {
        return out;
    }
    let text = file.text_lossy();
    let bytes = text.as_bytes();
    let mut wanted = offsets.iter().copied().peekable();
    if zone {
        // The owner of the record a finding is on: the last line that
        // starts with a name (not a blank, a comment or a directive).
        // Borrowed from the text: a million-line zone is not a million
        // copies of its owners.
        fn first_word(line: &str) -> &str {
            line.split_whitespace().next().unwrap_or("")
        }
        let names_owner = |line: &str| {
            line.chars()
                .next()
                .is_some_and(|c| !c.is_whitespace() && !matches!(c, ';' | '$' | ')'))
        };
        let mut owner = "";
        let mut line_start = 0;
        for line in text.split_inclusive('\n') {
            let line_end = line_start + line.len();
            while let Some(offset) = wanted.next_if(|&o| o < line_end) {
                let here = if names_owner(line) {
                    first_word(line)
                } else {
                    owner
                };
                out.insert(offset, here.to_string());
            }
            if names_owner(line) {
                owner = first_word(line);
            }
            line_start = line_end;
        }
        for offset in wanted {
            out.insert(offset, owner.to_string());
        }
        return out;
    }
    // nginx-like: the headers of the blocks open at the offset
    // (`http > server listen 443 ssl; server_name a` is too much: the header
    // is what stands before `{`, e.g. `server`, `location /api/`).
    let mut stack: Vec<String> = Vec::new();
    let mut statement_start = 0;
    let (mut in_quote, mut in_comment) = (None::<u8>, false);
    let mut i = 0;
    while i <= bytes.len() {
        while let Some(offset) = wanted.next_if(|&o| o <= i) {
            out.insert(offset, stack.join(" > "));
        }
        let Some(&b) = bytes.get(i) else { break };
        match (b, in_quote, in_comment) {
            (b'\n', _, true) => {
                in_comment = false;
                statement_start = i + 1;
            }
            (_, _, true) => {}
            (b'\\', Some(_), _) => i += 1,
            (q, Some(open), _) if q == open => in_quote = None,
            (_, Some(_), _) => {}
            (b'"' | b'\'', None, _) => in_quote = Some(b),
            (b'#', None, _) => in_comment = true,
            (b'{', None, _) => {
                let header = without_numbers(&text[statement_start.min(i)..i]);
                stack.push(header);
                statement_start = i + 1;
            }
            (b'}', None, _) => {
                stack.pop();
                statement_start = i + 1;
            }
            (b';', None, _) => statement_start = i + 1,
            _ => {}
        }
        i += 1;
    }
    for offset in wanted {
        out.insert(offset, stack.join(" > "));
    }
    out
}

/// The flagged text of a finding, numbers left out.
fn flagged(file: &SourceFile, start: usize, end: usize) -> String {
    let end = end.min(file.bytes.len()).min(start + MAX_CONTEXT * 4);
    let start = start.min(end);
    without_numbers(&String::from_utf8_lossy(&file.bytes[start..end]))
}

/// Gives every finding its path from the project root and its fingerprint.
/// `zone_files` are read as zones (owners), the rest as nginx-like blocks.
pub fn assign(findings: &mut [Located], sources: &Sources, zone_files: &BTreeSet<FileId>) {
    let mut by_file: BTreeMap<FileId, Vec<usize>> = BTreeMap::new();
    for f in findings.iter() {
        by_file
            .entry(f.span.file)
            .or_default()
            .push(f.span.start as usize);
    }
    let mut context: HashMap<FileId, HashMap<usize, String>> = HashMap::new();
    for (id, mut offsets) in by_file {
        offsets.sort_unstable();
        offsets.dedup();
        let file = sources.get(id);
        context.insert(id, contexts(file, zone_files.contains(&id), &offsets));
    }
    let mut paths: HashMap<FileId, String> = HashMap::new();
    let mut seen: HashMap<u64, usize> = HashMap::new();
    for f in findings.iter_mut() {
        let path = paths
            .entry(f.span.file)
            .or_insert_with(|| sources.repo_path(f.span.file))
            .clone();
        let file = sources.get(f.span.file);
        let enclosing = (context.get(&f.span.file))
            .and_then(|c| c.get(&(f.span.start as usize)))
            .map_or("", String::as_str);
        let hash = fnv1a(&[
            f.rule,
            &path,
            enclosing,
            &flagged(file, f.span.start as usize, f.span.end as usize),
            &without_numbers(&f.message),
        ]);
        let occurrence = seen.entry(hash).or_insert(0);
        *occurrence += 1;
        f.fingerprint = format!("{hash:016x}:{occurrence}");
        f.path = path;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_left_out() {
        assert_eq!(without_numbers("www 3600 IN A 192.0.2.1"), "www IN A ...");
        assert_eq!(without_numbers("expires in 19 days"), "expires in days");
        assert_eq!(without_numbers("ttl 1h30m  at api:4"), "ttl at api:");
        assert_eq!(
            without_numbers("server_name  example.com;"),
            "server_name example.com;"
        );
        assert_ne!(fnv1a(&["a", "b"]), fnv1a(&["ab"]));
    }

    #[test]
    fn enclosing_blocks_and_owners() {
        let mut sources = Sources::default();
        let nginx = "http {\n  # a { comment\n  server {\n    listen 80;\n    location \"/a{\" {\n      x;\n    }\n    y;\n  }\n}\n";
        let id = sources.add("n".into(), "n".into(), nginx.as_bytes().to_vec());
        let x = nginx.find("x;").unwrap();
        let y = nginx.find("y;").unwrap();
        let c = contexts(sources.get(id), false, &[x, y]);
        assert_eq!(c[&x], "http > server > location \"/a{\"");
        assert_eq!(c[&y], "http > server");

        let zone = "$ORIGIN example.com.\nwww 300 IN A 192.0.2.1\n; note\n    IN AAAA ::1\nmail IN MX 10 mx\n";
        let id = sources.add("z".into(), "z".into(), zone.as_bytes().to_vec());
        let aaaa = zone.find("    IN AAAA").unwrap();
        let mx = zone.find("mail").unwrap();
        let c = contexts(sources.get(id), true, &[aaaa, mx]);
        assert_eq!(c[&aaaa], "www");
        assert_eq!(c[&mx], "mail");
    }
}
