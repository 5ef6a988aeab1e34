//! nginx's regular expressions (PCRE) read into a syntax tree, and the
//! questions rules ask of one: how many captures it has and which nest,
//! what a capture may hold or must start with, whether it is anchored,
//! whether it backtracks exponentially, and what strings it accepts.
//!
//! The tree comes from `fancy-regex`'s parser, which reads PCRE's
//! backtracking syntax (lookaround, atomic groups, possessive quantifiers,
//! back-references, all three spellings of named groups). What PCRE spells
//! differently (`\h`, `\v`, `\Q…\E`, leading `(*UTF)` verbs) is translated
//! first; character classes are read with `regex-syntax` in ASCII mode, as
//! nginx's PCRE reads `\w`, `\d` and `\s` without `(*UCP)`.

use fancy_regex::{Assertion, Expr, LookAround};
use std::collections::HashMap;
use std::sync::Arc;

/// A set of characters: each ASCII one, and "some non-ASCII one".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Chars {
    ascii: u128,
    other: bool,
}

impl Chars {
    pub const NONE: Chars = Chars {
        ascii: 0,
        other: false,
    };
    pub const ALL: Chars = Chars {
        ascii: u128::MAX,
        other: true,
    };

    pub fn one(c: char) -> Chars {
        let mut set = Chars::NONE;
        set.add(c);
        set
    }

    fn add(&mut self, c: char) {
        if c.is_ascii() {
            self.ascii |= 1u128 << (c as u32);
        } else {
            self.other = true;
        }
    }

    fn add_range(&mut self, lo: u32, hi: u32) {
        for c in lo..=hi.min(127) {
            self.ascii |= 1u128 << c;
        }
        if hi > 127 {
            self.other = true;
        }
    }

    /// Every non-ASCII character.
    pub fn non_ascii() -> Chars {
        Chars {
            ascii: 0,
            other: true,
        }
    }

    /// The set without `c` (ASCII only).
    pub fn without(self, c: char) -> Chars {
        let mut set = self;
        if c.is_ascii() {
            set.ascii &= !(1u128 << (c as u32));
        }
        set
    }

    pub fn contains(&self, c: char) -> bool {
        if c.is_ascii() {
            self.ascii & (1u128 << (c as u32)) != 0
        } else {
            self.other
        }
    }

    pub fn union(self, other: Chars) -> Chars {
        Chars {
            ascii: self.ascii | other.ascii,
            other: self.other || other.other,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ascii == 0 && !self.other
    }

    /// Exactly the one character `c`.
    pub fn is_only(&self, c: char) -> bool {
        !self.other && c.is_ascii() && self.ascii == 1u128 << (c as u32)
    }

    /// A character of the set to write into a sample: `preferred` if the
    /// set has it, else a letter, digit or other printable one.
    pub fn pick(&self, preferred: char) -> Option<char> {
        if self.contains(preferred) {
            return Some(preferred);
        }
        let printable = ('a'..='z').chain('0'..='9').chain('A'..='Z').chain(
            (0x21u8..0x7f)
                .map(char::from)
                .filter(|c| !c.is_ascii_alphanumeric()),
        );
        printable.chain([' ']).find(|&c| self.contains(c))
    }
}

/// What a character class or escape matches, read in ASCII mode.
fn class_chars(inner: &str, casei: bool) -> Chars {
    use regex_syntax::hir::{Class, HirKind};
    let ascii = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .case_insensitive(casei)
        .build()
        .parse(inner);
    let hir = match ascii {
        Ok(hir) => hir,
        // `\p{L}` and the like need Unicode mode.
        Err(_) => match regex_syntax::ParserBuilder::new()
            .case_insensitive(casei)
            .build()
            .parse(inner)
        {
            Ok(hir) => hir,
            Err(_) => return Chars::ALL,
        },
    };
    let mut set = Chars::NONE;
    match hir.kind() {
        HirKind::Class(Class::Bytes(bytes)) => {
            for r in bytes.iter() {
                set.add_range(u32::from(r.start()), u32::from(r.end()));
            }
        }
        HirKind::Class(Class::Unicode(chars)) => {
            for r in chars.iter() {
                set.add_range(r.start() as u32, r.end() as u32);
            }
        }
        HirKind::Literal(lit) => {
            for &b in lit.0.iter() {
                set.add_range(u32::from(b), u32::from(b));
            }
        }
        _ => return Chars::ALL,
    }
    set
}

/// Patterns longer than this are not analysed (real ones are far shorter).
pub const MAX_PATTERN_BYTES: usize = 8192;
/// Nor those with groups nested deeper than this.
pub const MAX_NESTING: usize = 64;

/// How deep a pattern's parentheses nest (escapes and classes skipped).
fn nesting(source: &str) -> usize {
    let (mut depth, mut most, mut in_class) = (0usize, 0usize, false);
    let mut bytes = source.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'\\' => {
                bytes.next();
            }
            b'[' => in_class = true,
            b']' => in_class = false,
            b'(' if !in_class => {
                depth += 1;
                most = most.max(depth);
            }
            b')' if !in_class => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    most
}

/// Why a pattern could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub String);

/// A parsed pattern and what rules ask of it.
#[derive(Debug)]
pub struct Pattern {
    pub source: String,
    pub case_insensitive: bool,
    /// Capture groups by number; 0 is the whole pattern.
    groups: Vec<Arc<Expr>>,
    /// The group each capture sits in (0 for the top level).
    parents: Vec<usize>,
    /// What comes right before each capture in the pattern.
    before: Vec<Before>,
    named: HashMap<String, usize>,
    /// `fancy-regex`'s translation, for matching.
    translated: String,
}

/// What precedes a capture: the start of the pattern, a literal
/// character, or something else (a class, a repeat, an alternation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Before {
    Start,
    Char(char),
    Other,
}

/// PCRE's start-of-pattern settings, `(*UTF)`, `(*UCP)`, `(*CRLF)`...
fn strip_verbs(mut source: &str) -> &str {
    while let Some(rest) = source.strip_prefix("(*") {
        let Some(end) = rest.find(')') else {
            break;
        };
        let verb = &rest[..end];
        if !verb
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '=')
        {
            break;
        }
        source = &rest[end + 1..];
    }
    source
}

/// Rewrites what PCRE spells differently from `fancy-regex`.
fn translate(source: &str) -> String {
    let source = strip_verbs(source);
    let mut out = String::with_capacity(source.len() + 8);
    let mut chars = source.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push_str("\\\\");
                    break;
                };
                let (outside, inside) = match next {
                    'h' => ("[\\t ]", "\\t "),
                    'H' => ("[^\\t ]", "\\x00-\\x08\\x0A-\\x1F\\x21-\\x7F"),
                    'v' => ("[\\n\\x0B\\x0C\\r]", "\\n\\x0B\\x0C\\r"),
                    'V' => ("[^\\n\\x0B\\x0C\\r]", "\\x00-\\x09\\x0E-\\x7F"),
                    'Q' => {
                        let mut quoted = String::new();
                        while let Some(q) = chars.next() {
                            if q == '\\' && chars.peek() == Some(&'E') {
                                chars.next();
                                break;
                            }
                            quoted.push(q);
                        }
                        out.push_str(&regex_syntax::escape(&quoted));
                        continue;
                    }
                    'E' => continue,
                    _ => {
                        out.push('\\');
                        out.push(next);
                        continue;
                    }
                };
                out.push_str(if in_class { inside } else { outside });
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // `[]` and `[^]` start with a literal `]`.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            '[' if in_class && chars.peek() == Some(&':') => {
                // POSIX class `[:alpha:]`: copied whole.
                out.push('[');
                for p in chars.by_ref() {
                    out.push(p);
                    if p == ']' {
                        break;
                    }
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

impl Pattern {
    pub fn parse(source: &str, case_insensitive: bool) -> Result<Pattern, Unreadable> {
        // The parser and the analyses recurse over the tree: a hostile
        // pattern is refused before either sees it.
        if source.len() > MAX_PATTERN_BYTES || nesting(source) > MAX_NESTING {
            return Err(Unreadable(format!(
                "longer than {MAX_PATTERN_BYTES} bytes or nested deeper than {MAX_NESTING} groups"
            )));
        }
        let translated = translate(source);
        let text = if case_insensitive {
            format!("(?i){translated}")
        } else {
            translated.clone()
        };
        let tree = Expr::parse_tree(&text).map_err(|e| Unreadable(e.to_string()))?;
        let root = Arc::new(tree.expr);
        let mut pattern = Pattern {
            source: source.to_string(),
            case_insensitive,
            groups: vec![Arc::clone(&root)],
            parents: vec![0],
            before: vec![Before::Start],
            named: tree.named_groups.into_iter().collect(),
            translated: text,
        };
        let mut stack = Vec::new();
        pattern.number_groups(&root, 0, Before::Start, &mut stack);
        Ok(pattern)
    }

    /// Numbers captures in the order their `(` appears, as PCRE does, and
    /// notes each one's enclosing capture and what precedes it.
    fn number_groups(&mut self, e: &Expr, parent: usize, before: Before, depth: &mut Vec<()>) {
        // Patterns nest a few levels; a hostile one is cut off, not recursed into.
        if depth.len() > 200 {
            return;
        }
        depth.push(());
        match e {
            Expr::Group(inner) => {
                let n = self.groups.len();
                self.groups.push(Arc::clone(inner));
                self.parents.push(parent);
                self.before.push(before);
                self.number_groups(inner, n, Before::Start, depth);
            }
            Expr::Concat(items) => {
                let mut prev = before;
                for item in items {
                    self.number_groups(item, parent, prev, depth);
                    prev = match item {
                        Expr::Literal { val, .. } => val.chars().last().map_or(prev, Before::Char),
                        Expr::Assertion(Assertion::StartText) => Before::Start,
                        Expr::LookAround(..) => prev,
                        _ => Before::Other,
                    };
                }
            }
            _ => {
                for child in children(e) {
                    self.number_groups(child, parent, Before::Other, depth);
                }
            }
        }
        depth.pop();
    }

    /// Number of capturing groups.
    pub fn captures(&self) -> usize {
        self.groups.len() - 1
    }

    pub fn group(&self, n: usize) -> Option<&Expr> {
        self.groups.get(n).map(|g| &**g)
    }

    pub fn named(&self, name: &str) -> Option<usize> {
        self.named.get(name).copied()
    }

    pub fn names(&self) -> impl Iterator<Item = (&str, usize)> {
        self.named.iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// The capture that encloses capture `n` (0: none).
    pub fn parent(&self, n: usize) -> usize {
        self.parents.get(n).copied().unwrap_or(0)
    }

    /// Whether one of two captures lies inside the other.
    pub fn nested(&self, a: usize, b: usize) -> bool {
        let inside = |inner: usize, outer: usize| {
            let mut p = self.parent(inner);
            while p != 0 {
                if p == outer {
                    return true;
                }
                p = self.parent(p);
            }
            false
        };
        a != b && (inside(a, b) || inside(b, a))
    }

    pub fn before(&self, n: usize) -> Before {
        self.before.get(n).copied().unwrap_or(Before::Other)
    }

    /// Whether every alternative is pinned to the start or the end of the
    /// subject; one that is not lets PCRE try at every position.
    pub fn is_anchored(&self) -> bool {
        anchored(&self.groups[0])
    }

    /// A matcher with PCRE's semantics as far as `fancy-regex` has them.
    pub fn matcher(&self) -> Option<fancy_regex::Regex> {
        fancy_regex::RegexBuilder::new(&self.translated)
            .backtrack_limit(100_000)
            .build()
            .ok()
    }

    /// Nested unbounded repeats whose bodies can match the same text in two
    /// ways: PCRE backtracks exponentially on a subject that almost
    /// matches. The innermost such repeat.
    pub fn exponential_backtracking(&self) -> Option<String> {
        redos(&self.groups[0], 0)
    }
}

/// The direct sub-expressions of an expression.
pub fn children(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::Concat(items) | Expr::Alt(items) => items.iter().collect(),
        Expr::Group(inner) => vec![&**inner],
        Expr::LookAround(inner, _) | Expr::AtomicGroup(inner) => vec![&**inner],
        Expr::Repeat { child, .. } => vec![&**child],
        Expr::Conditional {
            condition,
            true_branch,
            false_branch,
        } => vec![&**condition, &**true_branch, &**false_branch],
        _ => Vec::new(),
    }
}

fn literal_chars(val: &str, casei: bool) -> impl Iterator<Item = char> + '_ {
    val.chars().flat_map(move |c| {
        let mut v = vec![c];
        if casei {
            v.push(c.to_ascii_lowercase());
            v.push(c.to_ascii_uppercase());
        }
        v
    })
}

/// The characters one single-character expression matches.
fn single(e: &Expr) -> Option<Chars> {
    match e {
        Expr::Any { newline, crlf } => {
            let mut set = Chars::ALL;
            if !newline {
                set.ascii &= !(1u128 << b'\n');
                if *crlf {
                    set.ascii &= !(1u128 << b'\r');
                }
            }
            Some(set)
        }
        Expr::Delegate { inner, casei } => Some(class_chars(inner, *casei)),
        _ => None,
    }
}

/// Whether the expression can match text holding `c` outside its literal
/// parts (`skip_literal`) or anywhere.
pub fn can_contain(e: &Expr, c: char, skip_literal: bool) -> bool {
    if let Some(set) = single(e) {
        return set.contains(c);
    }
    match e {
        Expr::Literal { val, casei } => !skip_literal && literal_chars(val, *casei).any(|l| l == c),
        Expr::Repeat { child, hi, .. } => *hi > 0 && can_contain(child, c, skip_literal),
        Expr::LookAround(..) | Expr::Assertion(_) | Expr::Empty => false,
        Expr::Concat(_)
        | Expr::Alt(_)
        | Expr::Group(_)
        | Expr::AtomicGroup(_)
        | Expr::Conditional { .. } => children(e)
            .into_iter()
            .any(|child| can_contain(child, c, skip_literal)),
        Expr::GeneralNewline { .. } => matches!(c, '\n' | '\r' | '\x0b' | '\x0c'),
        // Back-references, recursion: what they hold is what a group holds.
        _ => true,
    }
}

/// Whether every match of the expression holds `c`.
pub fn must_contain(e: &Expr, c: char) -> bool {
    if let Some(set) = single(e) {
        return set.is_only(c);
    }
    match e {
        Expr::Literal { val, casei } => val.chars().any(|l| {
            l == c && (!*casei || !c.is_ascii_alphabetic() || l.to_ascii_lowercase() == c)
        }),
        Expr::Concat(items) => items.iter().any(|i| must_contain(i, c)),
        Expr::Alt(items) => !items.is_empty() && items.iter().all(|i| must_contain(i, c)),
        Expr::Group(inner) => must_contain(inner, c),
        Expr::AtomicGroup(inner) => must_contain(inner, c),
        Expr::Repeat { child, lo, .. } => *lo > 0 && must_contain(child, c),
        _ => false,
    }
}

/// The characters a match may start with, and whether it may be empty.
pub fn first(e: &Expr) -> (Chars, bool) {
    if let Some(set) = single(e) {
        return (set, false);
    }
    match e {
        Expr::Literal { val, casei } => match val.chars().next() {
            Some(c) => {
                let mut set = Chars::NONE;
                for l in literal_chars(&val[..c.len_utf8()], *casei) {
                    set.add(l);
                }
                (set, false)
            }
            None => (Chars::NONE, true),
        },
        Expr::Concat(items) => {
            let mut set = Chars::NONE;
            for item in items {
                let (s, nullable) = first(item);
                set = set.union(s);
                if !nullable {
                    return (set, false);
                }
            }
            (set, true)
        }
        Expr::Alt(items) => items
            .iter()
            .fold((Chars::NONE, items.is_empty()), |acc, i| {
                let (s, n) = first(i);
                (acc.0.union(s), acc.1 || n)
            }),
        Expr::Group(inner) => first(inner),
        Expr::AtomicGroup(inner) => first(inner),
        Expr::Repeat { child, lo, hi, .. } => {
            if *hi == 0 {
                return (Chars::NONE, true);
            }
            let (s, n) = first(child);
            (s, n || *lo == 0)
        }
        Expr::Assertion(_) | Expr::LookAround(..) | Expr::Empty => (Chars::NONE, true),
        _ => (Chars::ALL, true),
    }
}

/// Whether a match can start with `c`.
pub fn can_start_with(e: &Expr, c: char) -> bool {
    first(e).0.contains(c)
}

/// Whether every match starts with `c`.
pub fn must_start_with(e: &Expr, c: char) -> bool {
    let (set, nullable) = first(e);
    !nullable && set.is_only(c)
}

fn is_start(e: &Expr) -> bool {
    matches!(e, Expr::Assertion(Assertion::StartText))
}

fn is_end(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Assertion(Assertion::EndText | Assertion::EndTextIgnoreTrailingNewlines { .. })
    )
}

/// Whether the sequence is pinned at its first (`last == false`) or last
/// meaningful item by an anchor `is_anchor` accepts.
fn seq_anchored(items: &[Expr], is_anchor: fn(&Expr) -> bool, last: bool) -> bool {
    let (item, rest) = match if last {
        items.split_last()
    } else {
        items.split_first()
    } {
        Some(split) => split,
        None => return false,
    };
    if is_anchor(item) {
        return true;
    }
    match item {
        Expr::Group(inner) => seq_anchored(std::slice::from_ref(&**inner), is_anchor, last),
        Expr::AtomicGroup(inner) => seq_anchored(std::slice::from_ref(&**inner), is_anchor, last),
        Expr::Concat(inner) => seq_anchored(inner, is_anchor, last),
        Expr::LookAround(inner, kind) => {
            (matches!(kind, LookAround::LookAhead | LookAround::LookBehind)
                && seq_anchored(std::slice::from_ref(&**inner), is_anchor, last))
                || seq_anchored(rest, is_anchor, last)
        }
        Expr::Alt(alts) => {
            !alts.is_empty()
                && alts
                    .iter()
                    .all(|a| seq_anchored(std::slice::from_ref(a), is_anchor, last))
        }
        Expr::Repeat { child, lo, .. } => {
            *lo >= 1 && seq_anchored(std::slice::from_ref(&**child), is_anchor, last)
        }
        _ => false,
    }
}

fn anchored(e: &Expr) -> bool {
    match e {
        Expr::Alt(alts) => !alts.is_empty() && alts.iter().all(anchored),
        Expr::Group(inner) => anchored(inner),
        _ => {
            let items = std::slice::from_ref(e);
            seq_anchored(items, is_start, false) || seq_anchored(items, is_end, true)
        }
    }
}

fn intersects(a: Chars, b: Chars) -> bool {
    a.ascii & b.ascii != 0 || a.other && b.other
}

/// The characters an unbounded repeat at the end of `e` can take, if `e`
/// ends with one.
fn trailing_unbounded(e: &Expr) -> Option<Chars> {
    match e {
        Expr::Repeat { child, hi, .. } if *hi == usize::MAX => Some(first(child).0),
        Expr::Group(inner) => trailing_unbounded(inner),
        Expr::Concat(items) => {
            let mut found = None::<Chars>;
            for item in items.iter().rev() {
                if let Some(set) = trailing_unbounded(item) {
                    found = Some(found.map_or(set, |f| f.union(set)));
                }
                if !first(item).1 {
                    break;
                }
            }
            found
        }
        Expr::Alt(alts) => alts
            .iter()
            .filter_map(trailing_unbounded)
            .reduce(Chars::union),
        _ => None,
    }
}

/// Whether repeating `body` lets PCRE split one text into iterations in
/// more than one way: two alternatives that start alike, or an unbounded
/// repeat followed (within the body, or by the next iteration) by
/// something that can take the same character.
fn iterates_ambiguously(body: &Expr) -> bool {
    let wrap = first(body).0;
    if let Expr::Alt(alts) = body {
        let firsts: Vec<Chars> = alts.iter().map(|a| first(a).0).collect();
        if (0..firsts.len()).any(|i| firsts[i + 1..].iter().any(|b| intersects(firsts[i], *b))) {
            return true;
        }
        return alts
            .iter()
            .any(|a| tail_overlaps(std::slice::from_ref(a), wrap));
    }
    let items = match body {
        Expr::Concat(items) => items.as_slice(),
        other => std::slice::from_ref(other),
    };
    tail_overlaps(items, wrap)
}

/// Whether an unbounded repeat in the sequence can take a character of
/// what follows it (`wrap` after the sequence's end).
fn tail_overlaps(items: &[Expr], wrap: Chars) -> bool {
    items.iter().enumerate().any(|(i, item)| {
        let Some(repeat) = trailing_unbounded(item) else {
            return false;
        };
        let mut follow = Chars::NONE;
        let mut through = true;
        for next in &items[i + 1..] {
            let (set, nullable) = first(next);
            follow = follow.union(set);
            if !nullable {
                through = false;
                break;
            }
        }
        if through {
            follow = follow.union(wrap);
        }
        intersects(repeat, follow)
    })
}

/// A repeat that backtracks exponentially: an unbounded repeat whose body
/// can split a text into iterations in several ways (`(a+)+`, `(a|aa)*`,
/// `(\w+\s?)*`). The innermost such repeat.
fn redos(e: &Expr, depth: usize) -> Option<String> {
    if depth > 200 {
        return None;
    }
    match e {
        // An atomic group or possessive repeat never backtracks into itself.
        Expr::AtomicGroup(_) => None,
        Expr::Repeat { child, hi, .. } if *hi == usize::MAX => {
            if let Some(inner) = redos(child, depth + 1) {
                return Some(inner);
            }
            iterates_ambiguously(strip_groups(child)).then(|| describe(e))
        }
        _ => children(e).into_iter().find_map(|c| redos(c, depth + 1)),
    }
}

fn strip_groups(e: &Expr) -> &Expr {
    match e {
        Expr::Group(inner) => strip_groups(inner),
        _ => e,
    }
}

/// A short rendering of an expression for messages.
pub fn describe(e: &Expr) -> String {
    let mut out = String::new();
    render(e, &mut out, 0);
    out
}

fn render(e: &Expr, out: &mut String, depth: usize) {
    if depth > 50 || out.len() > 80 {
        return;
    }
    match e {
        Expr::Literal { val, .. } => out.push_str(&regex_syntax::escape(val)),
        Expr::Any { .. } => out.push('.'),
        Expr::Delegate { inner, .. } => out.push_str(inner),
        Expr::Concat(items) => items.iter().for_each(|i| render(i, out, depth + 1)),
        Expr::Alt(items) => {
            out.push_str("(?:");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                render(item, out, depth + 1);
            }
            out.push(')');
        }
        Expr::Group(inner) => {
            out.push('(');
            render(inner, out, depth + 1);
            out.push(')');
        }
        Expr::Repeat { child, lo, hi, .. } => {
            render(child, out, depth + 1);
            match (*lo, *hi) {
                (0, usize::MAX) => out.push('*'),
                (1, usize::MAX) => out.push('+'),
                (0, 1) => out.push('?'),
                (lo, usize::MAX) => out.push_str(&format!("{{{lo},}}")),
                (lo, hi) if lo == hi => out.push_str(&format!("{{{lo}}}")),
                (lo, hi) => out.push_str(&format!("{{{lo},{hi}}}")),
            }
        }
        Expr::Assertion(Assertion::StartText) => out.push('^'),
        Expr::Assertion(_) => out.push('$'),
        _ => out.push('…'),
    }
}

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

fn generate(e: &Expr, limit: usize, depth: usize) -> Vec<Vec<Part>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Pattern {
        Pattern::parse(s, false).expect("parses")
    }

    #[test]
    fn captures_are_numbered_like_pcre() {
        let pat = p("^/(?<outer>(.*))/(x)(?:y)$");
        assert_eq!(pat.captures(), 3);
        assert_eq!(pat.named("outer"), Some(1));
        assert!(pat.nested(1, 2));
        assert!(!pat.nested(1, 3));
        assert_eq!(p("(*UTF)((.*))$").captures(), 2);
        assert_eq!(p("^(?>a+)(b+)$").captures(), 1);
        assert_eq!(p("^(a++)$").captures(), 1);
        assert_eq!(p("(?i)/").captures(), 0);
    }

    #[test]
    fn what_a_capture_may_hold() {
        let pat = p(r"/proxy/(a|b)/(\W*)$");
        assert!(!can_contain(pat.group(1).unwrap(), '\n', true));
        assert!(can_contain(pat.group(2).unwrap(), '\n', true));
        let dot = p("^/test/(.*)");
        assert!(!can_contain(dot.group(1).unwrap(), '\n', true));
        assert!(can_contain(dot.group(1).unwrap(), '\r', true));
        let slash = p("^/i(/.*)$");
        assert!(must_start_with(slash.group(1).unwrap(), '/'));
        assert!(!must_start_with(p("(.*)").group(1).unwrap(), '/'));
        assert!(must_contain(p("(a/b)").group(1).unwrap(), '/'));
        assert!(can_contain(p(r"\h").group(0).unwrap(), '\t', true));
        assert_eq!(pat.before(2), Before::Char('/'));
        assert_eq!(p("/images(.*)").before(1), Before::Char('s'));
    }

    #[test]
    fn anchors() {
        for anchored in [
            r"\.php$",
            "^/static/",
            "(?!/admin)^/v1",
            "(^/a|^/b)/c",
            "(^/a|/b$)",
            "(?=^/foo)/foo/bar",
            "(^/foo)+bar",
            r"\A/v1|/v2\Z",
            r"/v1/.+\z",
            "^/foo|/bar$",
        ] {
            assert!(p(anchored).is_anchored(), "{anchored}");
        }
        for loose in [
            r"\.php",
            "/v1/",
            "^/foo|/bar",
            "(^/foo)*bar",
            r"/v1/.+\\z",
            r"/x|/y\z",
        ] {
            assert!(!p(loose).is_anchored(), "{loose}");
        }
    }

    #[test]
    fn exponential_backtracking() {
        for bad in ["^/(a|aa)+$", "(a+)+b", r"^(\w+\s?)*$", "(.*)*x"] {
            assert!(p(bad).exponential_backtracking().is_some(), "{bad}");
        }
        for fine in [
            "^/(a|b)+$",
            r"^/[a-z]+/\d+$",
            "(?>a+)+b",
            r"\.(css|js)$",
            "^/(.*)$",
        ] {
            assert!(p(fine).exponential_backtracking().is_none(), "{fine}");
        }
    }

    #[test]
    fn samples_keep_anchors_at_the_ends() {
        let pat = p(r"^https?://example\.com($|/)(.*)");
        let texts: Vec<String> = samples(&pat, 32).iter().map(|s| s.fill("a", ".")).collect();
        let digits = p("^:[0-9]{1,5}$");
        assert_eq!(samples(&digits, 4)[0].fill("attacker", "x"), ":0");
        assert!(
            texts.contains(&"https://example.com".to_string()),
            "{texts:?}"
        );
        assert!(texts.iter().all(|t| !t.contains('$')));
    }

    #[test]
    fn hostile_patterns_are_refused() {
        let deep = format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(Pattern::parse(&deep, false).is_err());
        assert!(Pattern::parse(&"a".repeat(100_000), false).is_err());
        assert!(Pattern::parse(&format!("{}a{}", "(".repeat(60), ")".repeat(60)), false).is_ok());
    }

    #[test]
    fn pcre_spellings() {
        assert!(Pattern::parse(r"\Qa.b\E", false).is_ok());
        let h = p(r"x\hy");
        assert!(can_contain(h.group(0).unwrap(), ' ', true));
        assert!(p("[]a]").captures() == 0);
    }
}
