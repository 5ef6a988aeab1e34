//! Legacy: version 1 fingerprints, worked out only to match baselines
//! written before version 2 (`"version": 1`) and to keep `tripline/v1` in
//! SARIF, so that a repository's baseline and its GitHub alerts stay as
//! they were across the upgrade. Nothing new is keyed by them.
//!
//! Version 1 took what encloses a finding from a scan of the raw text of
//! its own, not from the readers: it reads some text otherwise than the
//! parse does (`#` or a quote inside a word, `${var}`, Lua bodies, a zone
//! line inside parentheses that starts at column 0) and gives YAML and
//! JSON exports the first word of a line as their owner. Measured when
//! version 2 came: the parse gives another context somewhere in 29 of 990
//! nginx files (h5bp's `location ~* (?:#.*#|…)` among them) and 7 of 1,016
//! zone files. This scan is kept as it was, byte for byte: changing it
//! would unmatch the baselines it exists for.

use super::{hashed, without_numbers};
use crate::finding::Located;
use crate::source::{FileId, SourceFile, Sources};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The version 1 fingerprint of each of `findings` (in order; their
/// `path` already set). `zone_files` were read as zones (owners), the rest
/// as nginx-like blocks.
pub fn fingerprints(
    findings: &[Located],
    sources: &Sources,
    zone_files: &BTreeSet<FileId>,
) -> Vec<String> {
    let mut by_file: BTreeMap<FileId, Vec<usize>> = BTreeMap::new();
    for f in findings {
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
    hashed(findings, sources, |f| {
        (context.get(&f.span.file))
            .and_then(|c| c.get(&(f.span.start as usize)))
            .map_or("", String::as_str)
            .into()
    })
}

/// Gives every finding its version 1 fingerprint, next to its own.
pub fn assign(findings: &mut [Located], sources: &Sources, zone_files: &BTreeSet<FileId>) {
    let prints = fingerprints(findings, sources, zone_files);
    for (f, print) in findings.iter_mut().zip(prints) {
        f.legacy_fingerprint = Some(print);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
