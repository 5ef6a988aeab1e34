//! What an argument holds when nginx evaluates it: its literal text, the
//! variables it names, and for each variable what a client can make it
//! hold. A regex capture holds what its group matches (limited by what the
//! tested variable can hold), `$uri` is the decoded path, `set` copies a
//! value, and `map` and `geo` pick one of theirs.
//!
//! Rewrite-module directives (`set`, `rewrite`, `return`, `if`) run in
//! order, so a capture they read comes from the last regex evaluated before
//! them; every other directive runs after the rewrite phase and reads the
//! last regex of its block.

use super::blocks::{condition, location, Modifier};
use super::model::{Model, Occurrence};
use super::regex::{self, Chars, Pattern};
use super::variables;
use crate::source::Span;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::HashMap;
use std::sync::Arc;

mod resolve;

pub use resolve::{Resolver, ScriptIndex};

/// The names of a regex's named captures, lower-cased.
fn named_groups(regex: &str) -> impl Iterator<Item = String> {
    super::variables::named_captures(regex.as_bytes())
        .into_iter()
        .map(|n| n.to_ascii_lowercase())
}

/// One piece of an nginx script (`http://$host$1/x`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    /// `$name` or `${name}`, lower-cased.
    Variable(String),
    /// `$1` … `$9` (nginx reads one digit).
    Capture(usize),
}

/// Splits a script into text and variable references, as
/// `ngx_http_script_compile` reads them.
pub fn pieces(script: &str) -> Vec<Piece<'_>> {
    let bytes = script.as_bytes();
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let (piece, len) = match bytes.get(i + 1) {
            Some(d @ b'1'..=b'9') => (Some(Piece::Capture(usize::from(d - b'0'))), 2),
            Some(b'{') => {
                let name_len = bytes[i + 2..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                if name_len > 0 && bytes.get(i + 2 + name_len) == Some(&b'}') {
                    let name = &script[i + 2..i + 2 + name_len];
                    (
                        Some(Piece::Variable(name.to_ascii_lowercase())),
                        name_len + 3,
                    )
                } else {
                    (None, 1)
                }
            }
            Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {
                let name_len = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                let name = &script[i + 1..i + 1 + name_len];
                (
                    Some(Piece::Variable(name.to_ascii_lowercase())),
                    name_len + 1,
                )
            }
            _ => (None, 1),
        };
        match piece {
            Some(piece) => {
                if text_start < i {
                    out.push(Piece::Text(&script[text_start..i]));
                }
                out.push(piece);
                i += len;
                text_start = i;
            }
            None => i += 1,
        }
    }
    if text_start < bytes.len() {
        out.push(Piece::Text(&script[text_start..]));
    }
    out
}

/// The variable names a script refers to, as written (`$Host` gives
/// `Host`), without allocating; `$1`…`$9` are not names.
pub fn variable_names(script: &str) -> impl Iterator<Item = &str> {
    let bytes = script.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let at = i + memchr::memchr(b'$', &bytes[i..])?;
            let braced = bytes.get(at + 1) == Some(&b'{');
            let start = at + 1 + usize::from(braced);
            let len = bytes[start.min(bytes.len())..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            i = start + len.max(1);
            let name = &script[start..start + len];
            if name.as_bytes().first().is_some_and(|b| !b.is_ascii_digit()) {
                return Some(name);
            }
        }
        None
    })
}

/// Whether a script refers to `$1`…`$9`.
pub fn has_capture(script: &str) -> bool {
    memchr::memchr_iter(b'$', script.as_bytes()).any(|at| {
        script
            .as_bytes()
            .get(at + 1)
            .is_some_and(|b| (b'1'..=b'9').contains(b))
    })
}

/// Where a capture's regex ran against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// The decoded URI (`location` and `rewrite` regexes).
    Uri,
    /// A variable (`if ($x ~ re)`, `map $x $y { ~re ... }`), lower-cased
    /// without `$`.
    Variable(String),
}

/// What a value can be.
#[derive(Clone, Debug)]
pub enum Value {
    /// Text the configuration holds.
    Text(String),
    /// What a regex capture group matched.
    Capture {
        pattern: Arc<Pattern>,
        group: usize,
        /// What the subject could hold: the capture holds no more.
        boundary: Option<Chars>,
        subject: Subject,
        /// Read as `$1`…`$9` (not by name): `set` escapes those again.
        numbered: bool,
        /// The regex's directive.
        provider: Span,
    },
    /// A variable nginx fills from the request, described by a pattern.
    Request { name: String, pattern: Arc<Pattern> },
    /// A variable the client does not control, or one tripline cannot see.
    Opaque(String),
    /// Pieces evaluated one after the other.
    Script(Vec<Value>),
    /// One of the values of a `map` or `geo`; `default`: one of them is
    /// the default, so no other value is possible.
    OneOf {
        values: Vec<Value>,
        default: bool,
        provider: Span,
        /// The map's source variable, lower-cased without `$`.
        source: Option<String>,
    },
    /// A variable another directive sets (`set $x ...`).
    Set {
        name: String,
        value: Box<Value>,
        provider: Span,
    },
}

impl Value {
    /// Whether a client can make the value hold `c`.
    pub fn can_contain(&self, c: char) -> bool {
        match self {
            Value::Text(_) | Value::Opaque(_) => false,
            Value::Capture {
                pattern,
                group,
                boundary,
                ..
            } => {
                boundary.is_none_or(|b| b.contains(c))
                    && pattern
                        .group(*group)
                        .is_some_and(|g| regex::can_contain(g, c, true))
            }
            Value::Request { pattern, .. } => pattern
                .group(0)
                .is_some_and(|g| regex::can_contain(g, c, true)),
            Value::Script(parts) => parts.iter().any(|p| p.can_contain(c)),
            Value::OneOf { values, .. } => values.iter().any(|v| v.can_contain(c)),
            Value::Set { value, .. } => value.can_contain(c),
        }
    }

    /// Whether the value always holds `c`.
    pub fn must_contain(&self, c: char) -> bool {
        match self {
            Value::Text(text) => text.contains(c),
            Value::Opaque(_) => false,
            Value::Capture { pattern, group, .. } => pattern
                .group(*group)
                .is_some_and(|g| regex::must_contain(g, c)),
            Value::Request { pattern, .. } => {
                pattern.group(0).is_some_and(|g| regex::must_contain(g, c))
            }
            Value::Script(parts) => parts.iter().any(|p| p.must_contain(c)),
            Value::OneOf {
                values, default, ..
            } => *default && !values.is_empty() && values.iter().all(|v| v.must_contain(c)),
            Value::Set { value, .. } => value.must_contain(c),
        }
    }

    /// Whether a client can make the value start with `c`.
    pub fn can_start_with(&self, c: char) -> bool {
        match self {
            Value::Text(_) | Value::Opaque(_) => false,
            Value::Capture {
                pattern,
                group,
                boundary,
                ..
            } => {
                boundary.is_none_or(|b| b.contains(c))
                    && pattern
                        .group(*group)
                        .is_some_and(|g| regex::can_start_with(g, c))
            }
            Value::Request { pattern, .. } => pattern
                .group(0)
                .is_some_and(|g| regex::can_start_with(g, c)),
            Value::Script(parts) => parts.first().is_some_and(|p| p.can_start_with(c)),
            Value::OneOf { values, .. } => values.iter().any(|v| v.can_start_with(c)),
            Value::Set { value, .. } => value.can_start_with(c),
        }
    }

    /// Whether the value always starts with `c`.
    pub fn must_start_with(&self, c: char) -> bool {
        match self {
            Value::Text(text) => text.starts_with(c),
            Value::Opaque(_) => false,
            Value::Capture { pattern, group, .. } => pattern
                .group(*group)
                .is_some_and(|g| regex::must_start_with(g, c)),
            Value::Request { pattern, .. } => pattern
                .group(0)
                .is_some_and(|g| regex::must_start_with(g, c)),
            Value::Script(parts) => parts.first().is_some_and(|p| p.must_start_with(c)),
            Value::OneOf {
                values, default, ..
            } => *default && !values.is_empty() && values.iter().all(|v| v.must_start_with(c)),
            Value::Set { value, .. } => value.must_start_with(c),
        }
    }

    /// Whether the value carries the decoded request path: `$uri`, a
    /// capture of a regex run against it, a map of it, or a `set` of one of
    /// those (a numbered capture copied by `set` is escaped again).
    pub fn carries_decoded_path(&self) -> bool {
        let decoded = |name: &str| matches!(name, "uri" | "document_uri");
        match self {
            Value::Request { name, .. } => decoded(name),
            Value::Capture { subject, .. } => match subject {
                Subject::Uri => true,
                Subject::Variable(v) => decoded(v),
            },
            Value::OneOf { source, .. } => source.as_deref().is_some_and(decoded),
            Value::Set { value, .. } => match &**value {
                Value::Script(parts) => parts.iter().any(|p| {
                    !matches!(p, Value::Capture { numbered: true, .. }) && p.carries_decoded_path()
                }),
                other => other.carries_decoded_path(),
            },
            Value::Script(parts) => parts.iter().any(Value::carries_decoded_path),
            Value::Text(_) | Value::Opaque(_) => false,
        }
    }

    /// How a message names where the value comes from (`$target`, `a
    /// regex capture`).
    pub fn describe(&self) -> String {
        match self {
            Value::Set { name, .. } => format!("${name}"),
            Value::Request { name, .. } => format!("${name}"),
            Value::Opaque(name) => name.clone(),
            Value::Capture { .. } => "a regex capture".to_string(),
            Value::OneOf { .. } => "a map or geo value".to_string(),
            Value::Script(parts) => parts
                .iter()
                .find(|p| !matches!(p, Value::Text(_)))
                .map_or_else(|| "text".to_string(), Value::describe),
            Value::Text(_) => "text".to_string(),
        }
    }

    /// The text the value always is, when it is only text.
    pub fn text(&self) -> Option<String> {
        match self {
            Value::Text(t) => Some(t.clone()),
            Value::Script(parts) => parts.iter().map(Value::text).collect(),
            Value::Set { value, .. } => value.text(),
            _ => None,
        }
    }

    /// The directives the value comes from, for related locations.
    pub fn providers(&self) -> Vec<Span> {
        let mut out = Vec::new();
        self.collect_providers(&mut out);
        out.dedup();
        out
    }

    fn collect_providers(&self, out: &mut Vec<Span>) {
        match self {
            Value::Capture { provider, .. } => out.push(*provider),
            Value::OneOf {
                provider, values, ..
            } => {
                out.push(*provider);
                values.iter().for_each(|v| v.collect_providers(out));
            }
            Value::Set {
                provider, value, ..
            } => {
                out.push(*provider);
                value.collect_providers(out);
            }
            Value::Script(parts) => parts.iter().for_each(|p| p.collect_providers(out)),
            _ => {}
        }
    }
}

/// A variable reference in a script and what it resolved to.
#[derive(Clone, Debug)]
pub struct Reference {
    /// `$name` or `$1` as written.
    pub written: String,
    pub value: Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_split_like_nginx() {
        assert_eq!(
            pieces("http://$host${uri}x/$12"),
            [
                Piece::Text("http://"),
                Piece::Variable("host".into()),
                Piece::Variable("uri".into()),
                Piece::Text("x/"),
                Piece::Capture(1),
                Piece::Text("2"),
            ]
        );
        assert_eq!(pieces("$"), [Piece::Text("$")]);
        assert_eq!(pieces("a$0b"), [Piece::Text("a$0b")]);
        assert_eq!(pieces("$HTTP_Host"), [Piece::Variable("http_host".into())]);
    }
}
