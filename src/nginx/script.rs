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

/// Variables nginx fills from the request and what they may hold
/// (gixy's table): the rest hold nothing a client chooses freely.
const REQUEST_VARIABLES: &[(&str, &str)] = &[
    ("uri", r"/[^\x20\t]*"),
    ("document_uri", r"/[^\x20\t]*"),
    ("arg_", r"[^\s&]+"),
    ("args", r"[^\s]+"),
    ("query_string", r"[^\s]+"),
    ("request_uri", r"/[^\s]*"),
    ("http_", r"[\x21-\x7e]"),
];

/// `geo` entries that configure the block rather than give a value.
const GEO_PARAMETERS: &[&str] = &[
    "delete",
    "include",
    "proxy",
    "proxy_recursive",
    "ranges",
    "volatile",
];

/// What rewrite captures hold: nginx escapes whitespace in them.
fn rewrite_boundary() -> Chars {
    let mut set = Chars::ALL;
    for c in [' ', '\t', '\r', '\n', '\x0b', '\x0c'] {
        set = set.without(c);
    }
    set
}

/// Resolves variables in one model; regexes are parsed once each.
pub struct Resolver<'m> {
    pub model: &'m Model,
    /// Parsed regexes, case-sensitive ones and caseless ones.
    patterns: [FxHashMap<Box<str>, Option<Arc<Pattern>>>; 2],
    request: HashMap<&'static str, Arc<Pattern>>,
}

/// What resolving variables needs of a whole model, built once for every
/// rule that resolves them.
#[derive(Debug, Default)]
pub struct ScriptIndex {
    /// The directives that set captures or variables, by block.
    rewrite_phase: FxHashMap<u32, Vec<u32>>,
    /// Names some `set` (or a directive like it) or named capture defines:
    /// any other name is a map's, a geo's or nginx's own.
    defined: FxHashSet<String>,
    /// Names a `map` or `geo` defines.
    hashes: FxHashSet<String>,
}

impl ScriptIndex {
    fn of(model: &Model) -> ScriptIndex {
        let mut rewrite_phase: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        let mut defined = FxHashSet::default();
        for name in rewrite_phase_directives() {
            for (i, d) in model.named(name) {
                rewrite_phase.entry(d.block).or_default().push(i);
                let regex = match name {
                    "rewrite" => model.arg(d, 0).map(|a| &*a.value),
                    "if" => condition(model, d).and_then(|c| c.value.map(|(v, _)| v)),
                    _ => {
                        if let Some(target) = model.arg(d, 0) {
                            defined
                                .insert(target.value.trim_start_matches('$').to_ascii_lowercase());
                        }
                        None
                    }
                };
                if let Some(regex) = regex {
                    defined.extend(named_groups(regex));
                }
            }
        }
        for (_, d) in model.named("location") {
            // Only a regex with `(?` can name a capture.
            let named = d.has(super::model::Occurrence::TILDE)
                && model.args(d).iter().any(|a| a.value.contains("(?"));
            if let Some(l) = location(model, d).filter(|l| named && l.modifier.is_regex()) {
                defined.extend(named_groups(l.path));
            }
        }
        for list in rewrite_phase.values_mut() {
            list.sort_unstable();
        }
        let hashes = (model.maps.iter().map(|m| m.variable.to_string()))
            .chain(model.geo_blocks.iter().map(|g| g.variable.to_string()))
            .collect();
        ScriptIndex {
            rewrite_phase,
            defined,
            hashes,
        }
    }
}

/// The directives of a block that set captures or variables before the
/// content phase: `rewrite`, `if`, and those that define a variable in
/// their first argument (see [`variables::first_argument_definers`]).
fn rewrite_phase_directives() -> impl Iterator<Item = &'static str> {
    ["rewrite", "if"]
        .into_iter()
        .chain(variables::first_argument_definers())
}

/// Which of [`REQUEST_VARIABLES`] a variable is (`arg_id` is `arg_`).
fn request_variable(name: &str) -> Option<usize> {
    REQUEST_VARIABLES.iter().position(|(k, _)| {
        if k.ends_with('_') {
            name.starts_with(k) && name.len() > k.len()
        } else {
            name == *k
        }
    })
}

/// What each request variable can hold, worked out once per process: it
/// takes 128 probes of its regex, and every `if` that tests the variable,
/// in every configuration, asks again.
static REQUEST_CHARS: [std::sync::OnceLock<Option<Chars>>; REQUEST_VARIABLES.len()] =
    [const { std::sync::OnceLock::new() }; REQUEST_VARIABLES.len()];

/// Chains of `set $a $b` resolve this deep at most (a cycle stops here).
const MAX_DEPTH: usize = 8;

impl<'m> Resolver<'m> {
    pub fn new(model: &'m Model) -> Self {
        Resolver {
            model,
            patterns: [FxHashMap::default(), FxHashMap::default()],
            request: HashMap::new(),
        }
    }

    /// What resolving needs of the whole model, built when first needed
    /// (most configurations never ask).
    fn index(&self) -> &'m ScriptIndex {
        let model = self.model;
        model.script_index.get_or_init(|| ScriptIndex::of(model))
    }

    /// A regex, parsed once; `None` if PCRE syntax tripline cannot read.
    pub fn pattern(&mut self, source: &str, case_insensitive: bool) -> Option<Arc<Pattern>> {
        let cache = &mut self.patterns[usize::from(case_insensitive)];
        if let Some(known) = cache.get(source) {
            return known.clone();
        }
        let parsed = Pattern::parse(source, case_insensitive).ok().map(Arc::new);
        cache.insert(source.into(), parsed.clone());
        parsed
    }

    /// What the variables of a script in directive `at` may hold.
    pub fn references(&mut self, script: &str, at: u32) -> Vec<Reference> {
        pieces(script)
            .into_iter()
            .filter_map(|p| match p {
                Piece::Text(_) => None,
                Piece::Variable(name) => Some(Reference {
                    written: format!("${name}"),
                    value: self.variable(&name, Some(at), 0),
                }),
                Piece::Capture(n) => Some(Reference {
                    written: format!("${n}"),
                    value: self.capture(n, at, 0),
                }),
            })
            .collect()
    }

    /// Whether a script refers to anything a client may fill: a capture,
    /// a request variable, or a variable the configuration defines (which
    /// may copy one). `$host`, `$remote_addr` and the like need no look.
    pub fn may_be_chosen_by_client(&self, script: &str) -> bool {
        has_capture(script)
            || variable_names(script).any(|name| {
                let lower;
                let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
                    lower = name.to_ascii_lowercase();
                    lower.as_str()
                } else {
                    name
                };
                if request_variable(name).is_some() {
                    return true;
                }
                // nginx's own variables cannot be set or mapped to (nginx
                // refuses the duplicate): no need to look at the rest.
                if super::directives::variable(name, false).is_some_and(|v| !v.prefix) {
                    return false;
                }
                let index = self.index();
                index.defined.contains(name) || index.hashes.contains(name)
            })
    }

    /// A whole script as one value.
    pub fn script(&mut self, script: &str, at: Option<u32>) -> Value {
        self.script_at(script, at, 0)
    }

    fn script_at(&mut self, script: &str, at: Option<u32>, depth: usize) -> Value {
        let parts = pieces(script)
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => Value::Text(t.to_string()),
                Piece::Variable(name) => self.variable(&name, at, depth),
                Piece::Capture(n) => match at {
                    Some(at) => self.capture(n, at, depth),
                    None => Value::Opaque(format!("${n}")),
                },
            })
            .collect();
        Value::Script(parts)
    }

    /// Whether a directive runs in the rewrite phase, in order with the
    /// regexes around it.
    fn in_rewrite_phase(d: &Occurrence) -> bool {
        matches!(&*d.name, "set" | "rewrite" | "return" | "if" | "break")
    }

    /// The directives evaluated before `at` in its block and the blocks
    /// around it, nearest first: for rewrite-phase directives those
    /// before it, for others every one of the block; then the block's
    /// opener, then the enclosing blocks' own directives.
    fn scan(&self, at: u32) -> Vec<Step> {
        let model = self.model;
        let Some(d) = model.directives.get(at as usize) else {
            return Vec::new();
        };
        let mut steps = Vec::new();
        let mut block = d.block;
        let mut until = if Self::in_rewrite_phase(d) {
            Some(at)
        } else {
            None
        };
        loop {
            let siblings: Vec<u32> = self
                .index()
                .rewrite_phase
                .get(&block)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .copied()
                .filter(|&i| until.is_none_or(|u| i < u))
                .collect();
            for &i in siblings.iter().rev() {
                steps.push(Step::Directive(i));
            }
            let Some((opener, _)) = model.opener(block) else {
                break;
            };
            steps.push(Step::Opener(opener));
            // The blocks around run their rewrite phase first, in full.
            until = None;
            match model.parent_block(block) {
                Some(parent) => block = parent,
                None => break,
            }
        }
        steps
    }

    /// A regex a directive evaluates: `rewrite`, an `if` (the last regex
    /// inside it, else its own), a regex `location`.
    fn regex_of(&mut self, i: u32, opener: bool, inside_if: bool) -> Option<Provider> {
        let model = self.model;
        let d = model.directives.get(i as usize)?;
        match &*d.name {
            "rewrite" if !opener => {
                let source = model.arg(d, 0)?.value.to_string();
                let pattern = self.pattern(&source, false)?;
                Some(Provider {
                    pattern,
                    boundary: Some(rewrite_boundary()),
                    subject: Subject::Uri,
                    span: d.stmt_span,
                })
            }
            "if" => {
                if !opener && !inside_if {
                    if let Some(block) = model.opened(d) {
                        let inner: Vec<u32> = model.children(block).collect();
                        for &j in inner.iter().rev() {
                            if let Some(p) = self.regex_of(j, false, true) {
                                return Some(p);
                            }
                        }
                    }
                }
                let cond = condition(model, d)?;
                if !cond.is_regex() {
                    return None;
                }
                let (source, _) = cond.value?;
                let pattern = self.pattern(source, cond.case_insensitive())?;
                let tested = cond.variable.map(|v| {
                    v.trim_start_matches('$')
                        .trim_matches(|c| c == '{' || c == '}')
                        .to_ascii_lowercase()
                });
                let boundary = tested.as_deref().and_then(|v| self.request_chars(v));
                Some(Provider {
                    pattern,
                    boundary: Some(boundary.unwrap_or(Chars::ALL)),
                    subject: tested.map_or(Subject::Uri, Subject::Variable),
                    span: d.stmt_span,
                })
            }
            "location" if opener => {
                let loc = location(model, d)?;
                if !loc.modifier.is_regex() {
                    return None;
                }
                let pattern = self.pattern(loc.path, loc.modifier == Modifier::RegexCaseless)?;
                Some(Provider {
                    pattern,
                    boundary: None,
                    subject: Subject::Uri,
                    span: d.stmt_span,
                })
            }
            _ => None,
        }
    }

    /// The characters a request variable can hold, if it is one.
    fn request_chars(&mut self, name: &str) -> Option<Chars> {
        let i = request_variable(name)?;
        *REQUEST_CHARS.get(i)?.get_or_init(|| {
            let pattern = Pattern::parse(REQUEST_VARIABLES.get(i)?.1, true).ok()?;
            let root = pattern.group(0)?;
            let mut set = Chars::NONE;
            for c in (0u8..128).map(char::from) {
                if regex::can_contain(root, c, false) {
                    set = set.union(Chars::one(c));
                }
            }
            Some(set.union(Chars::non_ascii()))
        })
    }

    fn request_pattern(&mut self, name: &str) -> Option<Arc<Pattern>> {
        let i = request_variable(name)?;
        let (key, source) = REQUEST_VARIABLES.get(i)?;
        if let Some(p) = self.request.get(key) {
            return Some(Arc::clone(p));
        }
        let parsed = Arc::new(Pattern::parse(source, true).ok()?);
        self.request.insert(key, Arc::clone(&parsed));
        Some(parsed)
    }

    /// `$N` as directive `at` reads it.
    pub fn capture(&mut self, n: usize, at: u32, _depth: usize) -> Value {
        for step in self.scan(at) {
            let found = match step {
                Step::Directive(i) => self.regex_of(i, false, false),
                Step::Opener(i) => self.regex_of(i, true, false),
            };
            if let Some(p) = found {
                if n > p.pattern.captures() {
                    return Value::Opaque(format!("${n}"));
                }
                return Value::Capture {
                    pattern: p.pattern,
                    group: n,
                    boundary: p.boundary,
                    subject: p.subject,
                    numbered: true,
                    provider: p.span,
                };
            }
        }
        Value::Opaque(format!("${n}"))
    }

    /// `$name` as directive `at` reads it (`None`: outside any block, as a
    /// map's value is read).
    pub fn variable(&mut self, name: &str, at: Option<u32>, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Opaque(format!("${name}"));
        }
        if let Some(at) = at.filter(|_| self.index().defined.contains(name)) {
            if let Some(found) = self.set_or_named(name, at, depth) {
                return found;
            }
        }
        if let Some(found) = self.map_or_geo(name, depth) {
            return found;
        }
        match self.request_pattern(name) {
            Some(pattern) => Value::Request {
                name: name.to_string(),
                pattern,
            },
            None => Value::Opaque(format!("${name}")),
        }
    }

    /// The nearest `set $name` or regex with a capture of that name.
    fn set_or_named(&mut self, name: &str, at: u32, depth: usize) -> Option<Value> {
        for step in self.scan(at) {
            let (i, opener) = match step {
                Step::Directive(i) => (i, false),
                Step::Opener(i) => (i, true),
            };
            if !opener {
                if let Some(v) = self.set_in(i, name, depth) {
                    return Some(v);
                }
            }
            if let Some(p) = self.regex_of(i, opener, false) {
                if let Some(group) = p.pattern.named(name) {
                    return Some(Value::Capture {
                        pattern: p.pattern,
                        group,
                        boundary: p.boundary,
                        subject: p.subject,
                        numbered: false,
                        provider: p.span,
                    });
                }
            }
        }
        None
    }

    /// What `set $name` (or a directive like it) at `i` gives, looking into
    /// an `if` block it may be.
    fn set_in(&mut self, i: u32, name: &str, depth: usize) -> Option<Value> {
        let model = self.model;
        let d = model.directives.get(i as usize)?;
        match &*d.name {
            "if" => {
                let block = model.opened(d)?;
                let inner: Vec<u32> = model.children(block).collect();
                inner
                    .into_iter()
                    .rev()
                    .find_map(|j| self.set_in(j, name, depth))
            }
            definer if variables::defines_in_first_argument(definer) => {
                let target = model.arg(d, 0)?;
                let target = target.value.trim_start_matches('$');
                if !target.eq_ignore_ascii_case(name) {
                    return None;
                }
                let value = if &*d.name == "set" {
                    let script = model
                        .arg(d, 1)
                        .map_or(String::new(), |a| a.value.to_string());
                    self.script_at(&script, Some(i), depth + 1)
                } else {
                    Value::Opaque(format!("${name}"))
                };
                Some(Value::Set {
                    name: name.to_string(),
                    value: Box::new(value),
                    provider: d.stmt_span,
                })
            }
            _ => None,
        }
    }

    /// A `map` or `geo` variable: one of its values.
    fn map_or_geo(&mut self, name: &str, depth: usize) -> Option<Value> {
        let model = self.model;
        if let Some(map) = model.maps.iter().find(|m| &*m.variable == name) {
            let mut values = Vec::new();
            let mut default = false;
            for entry in &map.entries {
                let Some(value) = &entry.value else {
                    continue;
                };
                let key = &*entry.key.value;
                if key == "default" {
                    default = true;
                }
                let regex = key
                    .strip_prefix("~*")
                    .map(|k| (k, true))
                    .or_else(|| key.strip_prefix('~').map(|k| (k, false)));
                let pattern = regex.and_then(|(k, casei)| self.pattern(k, casei));
                let subject = Subject::Variable(
                    map.source
                        .trim_start_matches('$')
                        .trim_matches(|c| c == '{' || c == '}')
                        .to_ascii_lowercase(),
                );
                let parts = pieces(&value.value)
                    .into_iter()
                    .map(|p| match (p, &pattern) {
                        (Piece::Text(t), _) => Value::Text(t.to_string()),
                        (Piece::Capture(n), Some(pattern)) if n <= pattern.captures() => {
                            Value::Capture {
                                pattern: Arc::clone(pattern),
                                group: n,
                                boundary: None,
                                subject: subject.clone(),
                                numbered: true,
                                provider: entry.span,
                            }
                        }
                        (Piece::Capture(n), _) => Value::Opaque(format!("${n}")),
                        (Piece::Variable(v), Some(pattern)) if pattern.named(&v).is_some() => {
                            Value::Capture {
                                pattern: Arc::clone(pattern),
                                group: pattern.named(&v).unwrap_or(0),
                                boundary: None,
                                subject: subject.clone(),
                                numbered: false,
                                provider: entry.span,
                            }
                        }
                        (Piece::Variable(v), _) => self.variable(&v, None, depth + 1),
                    })
                    .collect();
                values.push(Value::Script(parts));
            }
            return Some(Value::OneOf {
                values,
                default,
                provider: map.span,
                source: Some(map.source.trim_start_matches('$').to_ascii_lowercase()),
            });
        }
        let geo = model.geo_blocks.iter().find(|g| &*g.variable == name)?;
        let mut values = Vec::new();
        let mut default = false;
        for entry in &geo.entries {
            let [key, value] = entry.words.as_slice() else {
                continue;
            };
            if GEO_PARAMETERS.contains(&&*key.value) {
                continue;
            }
            if &*key.value == "default" {
                default = true;
            }
            values.push(Value::Text(value.value.to_string()));
        }
        Some(Value::OneOf {
            values,
            default,
            provider: geo.span,
            source: None,
        })
    }
}

/// A directive on the way out from where a value is read.
#[derive(Clone, Copy, Debug)]
enum Step {
    Directive(u32),
    Opener(u32),
}

/// A regex that sets captures.
struct Provider {
    pattern: Arc<Pattern>,
    boundary: Option<Chars>,
    subject: Subject,
    span: Span,
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
