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

use fancy_regex::{Assertion, Expr};
use std::collections::HashMap;
use std::sync::Arc;

mod analysis;
mod chars;
mod samples;

use analysis::*;
pub use analysis::{can_contain, can_start_with, describe, first, must_contain, must_start_with};
pub use chars::Chars;
use chars::*;
pub use samples::{samples, Part, Sample};

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
