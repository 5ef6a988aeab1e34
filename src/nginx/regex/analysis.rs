//! The questions rules ask of a pattern's tree: what a capture may hold
//! or must start with, whether it is anchored, whether it backtracks
//! exponentially, and how to describe a piece of it.

use super::*;
use fancy_regex::{Assertion, Expr, LookAround};

pub(super) fn literal_chars(val: &str, casei: bool) -> impl Iterator<Item = char> + '_ {
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
pub(super) fn single(e: &Expr) -> Option<Chars> {
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

pub(super) fn is_start(e: &Expr) -> bool {
    matches!(e, Expr::Assertion(Assertion::StartText))
}

pub(super) fn is_end(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Assertion(Assertion::EndText | Assertion::EndTextIgnoreTrailingNewlines { .. })
    )
}

/// Whether the sequence is pinned at its first (`last == false`) or last
/// meaningful item by an anchor `is_anchor` accepts.
pub(super) fn seq_anchored(items: &[Expr], is_anchor: fn(&Expr) -> bool, last: bool) -> bool {
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

pub(super) fn anchored(e: &Expr) -> bool {
    match e {
        Expr::Alt(alts) => !alts.is_empty() && alts.iter().all(anchored),
        Expr::Group(inner) => anchored(inner),
        _ => {
            let items = std::slice::from_ref(e);
            seq_anchored(items, is_start, false) || seq_anchored(items, is_end, true)
        }
    }
}

pub(super) fn intersects(a: Chars, b: Chars) -> bool {
    a.ascii & b.ascii != 0 || a.other && b.other
}

/// The characters an unbounded repeat at the end of `e` can take, if `e`
/// ends with one.
pub(super) fn trailing_unbounded(e: &Expr) -> Option<Chars> {
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
pub(super) fn iterates_ambiguously(body: &Expr) -> bool {
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
pub(super) fn tail_overlaps(items: &[Expr], wrap: Chars) -> bool {
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
pub(super) fn redos(e: &Expr, depth: usize) -> Option<String> {
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

pub(super) fn strip_groups(e: &Expr) -> &Expr {
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

pub(super) fn render(e: &Expr, out: &mut String, depth: usize) {
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
