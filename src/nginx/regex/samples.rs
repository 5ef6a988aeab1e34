//! Strings a pattern matches, as parts: what a rule compares with the
//! requests a location or a server name should take.

use super::*;
use fancy_regex::{Assertion, Expr};

/// One piece of a sample string: text the pattern spells out, a class
/// that stands for any of its characters, or `.`, which authors often
/// write for a literal dot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Class(Chars),
    Dot,
    Start,
    End,
}

/// One string a pattern matches, as parts, and whether `^` and `$` pin it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    pub parts: Vec<Part>,
    pub anchored_start: bool,
    pub anchored_end: bool,
}

impl Sample {
    /// The text with each class holding `class` (where the class accepts
    /// every character of it, else a character it does) and each `.`
    /// holding `dot`.
    pub fn fill(&self, class: &str, dot: &str) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Class(set) => {
                    if class.chars().all(|c| set.contains(c)) {
                        out.push_str(class);
                    } else if let Some(c) = set.pick('a') {
                        out.push(c);
                    }
                }
                Part::Dot => out.push_str(dot),
                Part::Start | Part::End => {}
            }
        }
        out
    }

    /// Whether some class or `.` stands in it.
    pub fn has_wildcards(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, Part::Class(_) | Part::Dot))
    }
}

/// Strings the pattern matches, one per combination of alternatives and
/// optional parts (at most `limit`), each repeat at its least non-zero
/// count. A sample whose anchors are not at its ends cannot match and is
/// dropped.
pub fn samples(pattern: &Pattern, limit: usize) -> Vec<Sample> {
    let mut out = Vec::new();
    for mut parts in generate(&pattern.groups[0], limit, 0) {
        let starts = matches!(parts.first(), Some(Part::Start));
        let ends = matches!(parts.last(), Some(Part::End));
        while matches!(parts.first(), Some(Part::Start)) {
            parts.remove(0);
        }
        while matches!(parts.last(), Some(Part::End)) {
            parts.pop();
        }
        if parts.iter().any(|p| matches!(p, Part::Start | Part::End)) {
            continue;
        }
        out.push(Sample {
            parts,
            anchored_start: starts,
            anchored_end: ends,
        });
    }
    out
}

pub(super) fn generate(e: &Expr, limit: usize, depth: usize) -> Vec<Vec<Part>> {
    if depth > 100 {
        return vec![Vec::new()];
    }
    match e {
        Expr::Literal { val, .. } => vec![vec![Part::Text(val.clone())]],
        Expr::Any { .. } => vec![vec![Part::Dot]],
        Expr::Delegate { inner, casei } => {
            let set = class_chars(inner, *casei);
            // A class of one character is that character.
            let mut only = (0u8..128).map(char::from).filter(|&c| set.contains(c));
            match (only.next(), only.next(), set.other) {
                (Some(c), None, false) => vec![vec![Part::Text(c.to_string())]],
                _ => vec![vec![Part::Class(set)]],
            }
        }
        Expr::Assertion(Assertion::StartText) => vec![vec![Part::Start]],
        Expr::Assertion(Assertion::EndText | Assertion::EndTextIgnoreTrailingNewlines { .. }) => {
            vec![vec![Part::End]]
        }
        Expr::Concat(items) => {
            let mut acc: Vec<Vec<Part>> = vec![Vec::new()];
            for item in items {
                let parts = generate(item, limit, depth + 1);
                let mut next = Vec::new();
                'outer: for a in &acc {
                    for p in &parts {
                        if next.len() >= limit {
                            break 'outer;
                        }
                        let mut joined = a.clone();
                        joined.extend(p.iter().cloned());
                        next.push(joined);
                    }
                }
                acc = next;
            }
            acc
        }
        Expr::Alt(items) => {
            let mut out = Vec::new();
            for item in items {
                for s in generate(item, limit, depth + 1) {
                    if out.len() < limit {
                        out.push(s);
                    }
                }
            }
            out
        }
        Expr::Group(inner) => generate(inner, limit, depth + 1),
        Expr::AtomicGroup(inner) => generate(inner, limit, depth + 1),
        Expr::Repeat { child, lo, hi, .. } => {
            let body = generate(child, limit, depth + 1);
            let mut out = Vec::new();
            if *lo == 0 {
                out.push(Vec::new());
            }
            if *hi > 0 {
                let times = (*lo).clamp(1, 8);
                for b in body {
                    if out.len() < limit {
                        out.push((0..times).flat_map(|_| b.iter().cloned()).collect());
                    }
                }
            }
            out
        }
        _ => vec![Vec::new()],
    }
}
