//! What a variable holds when nginx evaluates a script where it stands:
//! the [`Resolver`] follows `set`, `map`, `geo` and regex captures back to
//! what a client sends, over the [`ScriptIndex`] of a model.

use super::*;

/// Variables nginx fills from the request and what they may hold
/// (gixy's table): the rest hold nothing a client chooses freely.
pub(super) const REQUEST_VARIABLES: &[(&str, &str)] = &[
    ("uri", r"/[^\x20\t]*"),
    ("document_uri", r"/[^\x20\t]*"),
    ("arg_", r"[^\s&]+"),
    ("args", r"[^\s]+"),
    ("query_string", r"[^\s]+"),
    ("request_uri", r"/[^\s]*"),
    ("http_", r"[\x21-\x7e]"),
];

/// `geo` entries that configure the block rather than give a value.
pub(super) const GEO_PARAMETERS: &[&str] = &[
    "delete",
    "include",
    "proxy",
    "proxy_recursive",
    "ranges",
    "volatile",
];

/// What rewrite captures hold: nginx escapes whitespace in them.
pub(super) fn rewrite_boundary() -> Chars {
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
            let named = d.has(super::super::model::Occurrence::TILDE)
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
pub(super) fn rewrite_phase_directives() -> impl Iterator<Item = &'static str> {
    ["rewrite", "if"]
        .into_iter()
        .chain(variables::first_argument_definers())
}

/// Which of [`REQUEST_VARIABLES`] a variable is (`arg_id` is `arg_`).
pub(super) fn request_variable(name: &str) -> Option<usize> {
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
pub(super) static REQUEST_CHARS: [std::sync::OnceLock<Option<Chars>>; REQUEST_VARIABLES.len()] =
    [const { std::sync::OnceLock::new() }; REQUEST_VARIABLES.len()];

/// Chains of `set $a $b` resolve this deep at most (a cycle stops here).
pub(super) const MAX_DEPTH: usize = 8;

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
                if super::super::directives::variable(name, false).is_some_and(|v| !v.prefix) {
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
pub(super) enum Step {
    Directive(u32),
    Opener(u32),
}

/// A regex that sets captures.
pub(super) struct Provider {
    pattern: Arc<Pattern>,
    boundary: Option<Chars>,
    subject: Subject,
    span: Span,
}
