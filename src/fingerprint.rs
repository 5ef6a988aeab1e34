//! The stable identity of a finding, for baselines, SARIF and GitLab: the
//! rule, the file's path from the project root, what encloses the finding,
//! the flagged text, and the message — every one with its numbers taken
//! out. Never a line number or a day count: a comment added above a record
//! or a clock a day later leaves every fingerprint as it was. Findings
//! alike in all of that are told apart by their order (`…:1`, `…:2`).
//!
//! Version 2 (this module) takes what encloses a finding from the parse:
//! each reader records it on the file as it reads (`source::context`) —
//! the nginx blocks around a directive as the nginx parser split them
//! (`http > server > location /api/`), a zone record's owner as the zone
//! lexer found it, an export's record set (`www.example.com. A`; in
//! octoDNS, where one key holds every type, the name). The hash is made as
//! version 1's was, so a finding whose context reads the same under both
//! keeps its value; those in the places where version 1's raw-text scan
//! read otherwise (and every YAML or JSON export, which version 1 gave no
//! real context) get a new one.
//!
//! Measured on the corpora when version 2 came (SARIF carries both): 5 of
//! 1,225 nginx findings differ (4 files: Lua bodies, a `{` in an unquoted
//! regex or a `//` line), no finding in a zone file, every finding in an
//! export (15 of 2,306 dns findings; 12 of 521 in `real-repos-2`, all in
//! octoDNS files), none in `real-trees`.
//!
//! Version 1 is kept apart, in [`v1`], and worked out only where an old
//! identity is asked for: a baseline of version 1 is matched by it (so
//! that no baseline written before version 2 needs writing again), and
//! SARIF carries it next to version 2 (so that GitHub keeps each alert).
//! New baselines are of version 2 and matched by it alone. Matching an old
//! baseline by version 2 where the two agree and version 1 elsewhere would
//! need version 1 all the same; rewriting the baseline for the user would
//! write to their repository, which tripline never does. The cost is the
//! old scan, only on those runs: a run with neither pays nothing for it.

pub mod v1;

use crate::finding::Located;
use crate::source::context::Kind;
use crate::source::{FileId, SourceFile, Sources};
use std::borrow::Cow;
use std::collections::HashMap;

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
        // The token's letters go straight to the output (no string per
        // token), taken back if it was a number.
        let before = out.len();
        if !out.is_empty() {
            out.push(' ');
        }
        let kept = out.len();
        out.extend(token.chars().filter(|c| !c.is_ascii_digit()));
        let only_units = out[kept..]
            .chars()
            .all(|c| matches!(c.to_ascii_lowercase(), 's' | 'm' | 'h' | 'd' | 'w'));
        if out.len() - kept < token.len() && only_units {
            out.truncate(before);
            continue;
        }
        if out.len() >= MAX_CONTEXT {
            break;
        }
    }
    out
}

/// What a finding's message was when it was fingerprinted: the note
/// `finish` adds afterwards (where nginx loads the file from) left out.
pub fn loaded_as_note(loaded_as: &str) -> String {
    format!(" (nginx loads it as {loaded_as})")
}

/// The flagged text of a finding, numbers left out.
fn flagged(file: &SourceFile, start: usize, end: usize) -> String {
    let end = end.min(file.bytes.len()).min(start + MAX_CONTEXT * 4);
    let start = start.min(end);
    without_numbers(&String::from_utf8_lossy(&file.bytes[start..end]))
}

/// The fingerprints of `findings` (in order, their `path` set), each
/// given what encloses it: both versions hash alike.
fn hashed<'f>(
    findings: &'f [Located],
    sources: &Sources,
    enclosing: impl Fn(&'f Located) -> Cow<'f, str>,
) -> Vec<String> {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    (findings.iter())
        .map(|f| {
            let file = sources.get(f.span.file);
            let note = sources.loaded_as_of(f.span.file).map(loaded_as_note);
            let message = (note.as_deref())
                .and_then(|note| f.message.strip_suffix(note))
                .unwrap_or(&f.message);
            let hash = fnv1a(&[
                f.rule,
                &f.path,
                &enclosing(f),
                &flagged(file, f.span.start as usize, f.span.end as usize),
                &without_numbers(message),
            ]);
            let occurrence = seen.entry(hash).or_insert(0);
            *occurrence += 1;
            format!("{hash:016x}:{occurrence}")
        })
        .collect()
}

/// What encloses `offset` in `file`, as its reader recorded it, outermost
/// first: block headers with their numbers left out (as version 1 did),
/// names as they are (the digits of `web1` tell it from `web2`).
fn context(file: &SourceFile, offset: u32) -> String {
    let Some(contexts) = file.contexts() else {
        return String::new();
    };
    let segments = contexts.at(offset, &file.bytes);
    let mut out = String::new();
    for segment in segments {
        if !out.is_empty() {
            out.push_str(" > ");
        }
        match contexts.kind {
            Kind::Blocks => out.push_str(&without_numbers(&segment)),
            Kind::Names => out.extend(segment.chars().take(MAX_CONTEXT)),
        }
    }
    out
}

/// Gives every finding its path from the project root and its (version 2)
/// fingerprint.
pub fn assign(findings: &mut [Located], sources: &Sources) {
    let mut paths: HashMap<FileId, String> = HashMap::new();
    for f in findings.iter_mut() {
        f.path = paths
            .entry(f.span.file)
            .or_insert_with(|| sources.repo_path(f.span.file))
            .clone();
    }
    let prints = hashed(findings, sources, |f| {
        context(sources.get(f.span.file), f.span.start).into()
    });
    for (f, print) in findings.iter_mut().zip(prints) {
        f.fingerprint = print;
    }
}

#[cfg(test)]
mod tests;
