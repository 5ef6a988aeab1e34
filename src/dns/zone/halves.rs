//! A large zone file parsed as two halves on two threads, with the result
//! of one thread.
//!
//! The second half is read from the start of a line near the middle, with
//! the parser state the first half had once its last `$` directive (and
//! the zone's name) was behind it. When the first half is done, its final
//! state is compared with that guess: lexer at a line start outside
//! parentheses and quotes, same `$ORIGIN`, `$TTL`, class and (without
//! `$TTL`) last TTL, same zone name. If anything differs, or the second
//! half holds a `$` directive, or either half has too many errors to merge
//! exactly, both halves are thrown away and the file is parsed on one
//! thread: the speculation can cost time, never a different result.

use super::{ParsedZone, Parser, Record, State, ZoneError};
use crate::dns::lexer::{Entries, LexError, Src};
use crate::dns::name::Name;
use crate::dns::names::{NameTable, Renumber};
use crate::problem::Bounded;
use crate::source::{FileId, Sources, Span};
use std::sync::mpsc;

/// Files smaller than this are parsed on one thread.
const WORTH_SPLITTING: usize = crate::parallel::WORTH_THREADS;
/// Lines looked at past the middle for one the second half can start at.
const SPLIT_SEARCH_LINES: usize = 4096;
/// The second half hands its records over in pieces of this many, each
/// freed once moved: the halves are never held twice in full.
const PIECE: usize = 1 << 12;

/// What the second half starts from: the first half's state at a point
/// past every directive of the first half.
struct Guess {
    state: State,
    origin: Option<Name>,
    ttl_directives: usize,
    soa_minimum: Option<u32>,
}

impl Guess {
    fn of(p: &Parser<'_>, state: &State) -> Guess {
        Guess {
            state: state.clone(),
            origin: p.out.origin.clone(),
            ttl_directives: p.out.ttl_directives.len(),
            soa_minimum: p.soa_minimum,
        }
    }

    /// The second half read exactly as it would have been after `final_`:
    /// everything a record of the second half reads from the state agrees.
    fn holds_for(&self, p: &Parser<'_>, final_: &State) -> bool {
        let (guess, ttl_known) = (&self.state, self.state.default_ttl.is_some());
        guess.origin == final_.origin
            && guess.default_ttl == final_.default_ttl
            && guess.default_ttl_directive == final_.default_ttl_directive
            && guess.last_class == final_.last_class
            // Without `$TTL`, a record without TTL takes the last one given.
            && (ttl_known || (guess.last_ttl.is_some() && guess.last_ttl == final_.last_ttl))
            && self.origin == p.out.origin
            && self.ttl_directives == p.out.ttl_directives.len()
    }
}

/// The second half's records, errors and final state.
struct SecondHalf {
    pieces: Vec<Vec<Record>>,
    errors: Bounded<ZoneError>,
    lex_errors: Vec<LexError>,
    /// Where its comments start.
    comments: Vec<u32>,
    /// Where its entries that write their owner start, and the owners end.
    owners: Vec<(u32, u32)>,
    warnings: Bounded<ZoneError>,
    /// The owner and target names of `pieces`, numbered from 0 in a table
    /// of their own.
    names: NameTable,
    origin: Option<Name>,
    soa_minimum: Option<u32>,
    state: State,
}

/// Where the second half starts: the first line at or after the middle
/// that opens with an owner name, when no line after it is a `$` directive.
fn split_point(bytes: &[u8]) -> Option<usize> {
    if bytes.len() < WORTH_SPLITTING {
        return None;
    }
    let mut at = bytes.len() / 2;
    for _ in 0..SPLIT_SEARCH_LINES {
        at += memchr::memchr(b'\n', bytes.get(at..)?)? + 1;
        let opens_with_owner = bytes.get(at).is_some_and(|&b| {
            !matches!(
                b,
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'$' | b'(' | b')' | b'"'
            )
        });
        if opens_with_owner {
            let directive_after = memchr::memmem::find(&bytes[at - 1..], b"\n$").is_some();
            return (!directive_after).then_some(at);
        }
    }
    None
}

/// Where the first half's last directive starts (0 when there is none).
fn last_directive(first_half: &[u8]) -> usize {
    memchr::memmem::rfind(first_half, b"\n$").map_or(0, |at| at + 1)
}

impl Parser<'_> {
    /// Parses the file `bytes` of the top-level `file` as two halves on two
    /// threads; false (and nothing changed) when the file cannot be split
    /// or the second half's guess turned out wrong.
    pub(super) fn in_halves(
        &mut self,
        file: FileId,
        bytes: &[u8],
        state: &mut State,
        chain: &mut Vec<FileId>,
    ) -> bool {
        let Some(split) = split_point(bytes) else {
            return false;
        };
        let directives_end = last_directive(&bytes[..split]);
        let cloudflare_domain = self.cloudflare_domain.clone();
        let header = self.out.header();
        // A parser of its own: if the guess fails, the whole file is parsed
        // again by `self`, which nothing here has touched.
        let mut first = Parser::new(&mut *self.sources, self.out.header(), 1);
        first.cloudflare_domain = cloudflare_domain.clone();
        let mut first_state = state.clone();
        let (send_guess, guess_arrives) = mpsc::sync_channel::<Guess>(1);
        let outcome = std::thread::scope(|scope| {
            let second = scope.spawn(move || {
                let guess = guess_arrives.recv().ok()?;
                second_half(file, bytes, split, header, cloudflare_domain, guess)
            });
            let mut entries = Entries::new(&bytes[..split]);
            let mut send_guess = Some(send_guess);
            let src = Src::validated(bytes, 0, split);
            while let Some(entry) = entries.next_entry() {
                first.entry(file, src, entry, &mut first_state, chain);
                let line_start = entry.line_start as usize;
                let ready = line_start >= directives_end
                    && (first.out.origin.is_some() || entries.position() >= split / 4);
                if ready {
                    if let Some(send) = send_guess.take() {
                        let _ = send.send(Guess::of(&first, &first_state));
                    }
                }
            }
            // No point was ready: the second half starts from the end.
            if let Some(send) = send_guess.take() {
                let _ = send.send(Guess::of(&first, &first_state));
            }
            let first_clean = !entries.cut_short() && !first.out.errors.is_full();
            let lex_errors = std::mem::take(&mut entries.errors);
            let comments = entries.take_comments();
            let owners = entries.take_owners();
            let second = second.join().ok().flatten()?;
            (first_clean && second.1.holds_for(&first, &first_state)).then_some((
                lex_errors,
                (comments, owners),
                second.0,
            ))
        });
        let Some((first_lex_errors, (mut comments, mut owners), mut second)) = outcome else {
            return false;
        };
        comments.append(&mut second.comments);
        owners.append(&mut second.owners);
        // Only past 4 GiB of names: one thread then says so where it happens.
        let Ok(renumber) = first.out.names.append(std::mem::take(&mut second.names)) else {
            return false;
        };
        let first = first.into_first_half();
        *state = self.join(first, first_lex_errors, second, renumber, file);
        self.sources.saw(file, crate::source::Seen { comments });
        // The second half's first entries inherit the first half's last
        // owner: the runs join up as one pass would have made them.
        let owners = crate::source::context::Contexts::of_owners(owners);
        self.sources.enclosed(file, std::sync::Arc::new(owners));
        true
    }

    /// Takes over the first half's parser and appends the second half, as
    /// one thread would have left them; the state after the second half.
    fn join(
        &mut self,
        first: FirstHalf,
        first_lex_errors: Vec<LexError>,
        second: SecondHalf,
        renumber: Renumber,
        file: FileId,
    ) -> State {
        let FirstHalf {
            out: mut first_out,
            waiting_for_soa,
            soa_minimum,
            budgets,
        } = first;
        let parse_errors = std::mem::take(&mut first_out.errors);
        let mut warnings = std::mem::take(&mut first_out.warnings);
        let second_count: usize = second.pieces.iter().map(Vec::len).sum();
        first_out.records.reserve_exact(second_count);
        for piece in second.pieces {
            first_out
                .records
                .extend(piece.into_iter().map(|mut record| {
                    record.owner = renumber.id(record.owner);
                    if let Some(name) = record.rdata.name_mut() {
                        *name = renumber.id(*name);
                    }
                    record
                }));
        }
        warnings.extend(second.warnings);
        first_out.warnings = warnings;
        first_out.origin = second.origin;
        self.out = first_out;
        // In the order one thread reports them: parse errors of the whole
        // file, then the lexer's.
        let lexed = first_lex_errors.into_iter().chain(second.lex_errors);
        for e in parse_errors.into_iter().chain(second.errors) {
            self.error(e.span, e.message);
        }
        for e in lexed {
            self.error(Span::new(file, e.start as usize, e.end as usize), e.message);
        }
        self.waiting_for_soa = waiting_for_soa;
        self.soa_minimum = soa_minimum.or(second.soa_minimum);
        self.budgets = budgets;
        let mut state = second.state;
        state.last_owner = state.last_owner.map(|id| renumber.id(id));
        state
    }

    /// What the parser holds besides its borrow of the sources.
    fn into_first_half(self) -> FirstHalf {
        FirstHalf {
            out: self.out,
            waiting_for_soa: self.waiting_for_soa,
            soa_minimum: self.soa_minimum,
            budgets: self.budgets,
        }
    }
}

/// The first half's parser without its borrow of the sources.
struct FirstHalf {
    out: ParsedZone,
    waiting_for_soa: Vec<usize>,
    soa_minimum: Option<u32>,
    budgets: super::Budgets,
}

/// Parses `bytes[split..]` from the guessed state, on its own parser.
fn second_half(
    file: FileId,
    bytes: &[u8],
    split: usize,
    header: ParsedZone,
    cloudflare_domain: Option<String>,
    guess: Guess,
) -> Option<(SecondHalf, Guess)> {
    let mut no_sources = Sources::default();
    let mut p = Parser::new(&mut no_sources, header, 1);
    p.cloudflare_domain = cloudflare_domain;
    p.out.origin = guess.origin.clone();
    p.soa_minimum = guess.soa_minimum;
    let mut state = guess.state.clone();
    // The first half's id, in a table this half does not have; its first
    // line names an owner (`split_point`) anyway.
    state.last_owner = None;
    let mut entries = Entries::starting_at(bytes, split);
    let mut pieces = Vec::new();
    let src = Src::validated(bytes, split, bytes.len());
    while let Some(entry) = entries.next_entry() {
        if super::is_directive(bytes, entry) {
            return None;
        }
        p.record(file, src, entry, &entry.tokens, &mut state, None);
        if p.out.records.len() >= PIECE {
            pieces.push(std::mem::replace(
                &mut p.out.records,
                Vec::with_capacity(PIECE),
            ));
        }
        if p.out.errors.is_full() {
            return None;
        }
    }
    pieces.push(std::mem::take(&mut p.out.records));
    let half = SecondHalf {
        pieces,
        errors: std::mem::take(&mut p.out.errors),
        lex_errors: std::mem::take(&mut entries.errors),
        comments: entries.take_comments(),
        owners: entries.take_owners(),
        warnings: std::mem::take(&mut p.out.warnings),
        names: std::mem::take(&mut p.out.names),
        origin: p.out.origin.take(),
        soa_minimum: p.soa_minimum,
        state,
    };
    Some((half, guess))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::zone::{parse_zone_on, OriginHint};
    use std::fmt::Write as _;
    use std::path::PathBuf;

    /// Parsed on one thread and on two: the same in every field, and the
    /// same owners around its entries.
    fn same_on_two_threads(text: &str, hint: Option<OriginHint>) -> ParsedZone {
        let parse = |jobs| {
            let mut sources = Sources::default();
            let id = sources.add(PathBuf::from("t.zone"), "t.zone".into(), text.into());
            let parsed = parse_zone_on(&mut sources, id, hint.clone(), jobs);
            let contexts = sources.get(id).contexts().expect("the lexer's owners");
            assert!(!contexts.is_empty());
            (parsed, format!("{contexts:?}"))
        };
        let ((one, one_contexts), (two, two_contexts)) = (parse(1), parse(2));
        assert_eq!(format!("{one:?}"), format!("{two:?}"));
        assert!(one_contexts == two_contexts, "the owners differ");
        one
    }

    /// Whether the two halves were kept (the guess held).
    fn halves_held(text: &str) -> bool {
        let mut sources = Sources::default();
        let id = sources.add(PathBuf::from("t.zone"), "t.zone".into(), text.into());
        let bytes = std::sync::Arc::clone(&sources.get(id).bytes);
        let mut p = Parser::new(&mut sources, ParsedZone::default(), 2);
        let mut state = State {
            origin: None,
            default_ttl: None,
            default_ttl_directive: 0,
            last_owner: None,
            last_ttl: None,
            last_class: 1,
        };
        p.in_halves(id, &bytes, &mut state, &mut vec![id])
    }

    /// A zone past the size worth splitting: `$ORIGIN`, `$TTL`, SOA, then
    /// `lines` of records from `line(i)`.
    fn zone(head: &str, lines: usize, line: impl Fn(usize) -> String) -> String {
        let mut text = String::from(head);
        for i in 0..lines {
            let _ = writeln!(text, "{}", line(i));
        }
        assert!(text.len() > WORTH_SPLITTING);
        text
    }

    const HEAD: &str =
        "$ORIGIN example.com.\n$TTL 3600\n@ SOA ns1 host ( 1 2 3 4 300 )\n@ NS ns1\n";

    #[test]
    fn a_plain_zone_is_split_and_reads_the_same() {
        // Targets named in both halves, before and after their owners.
        let text = zone(HEAD, 60_000, |i| match i % 4 {
            0 => format!("host{i} A 10.0.{}.{}", i / 250 % 250, i % 250),
            1 => format!("www{i} CNAME host{}", (i * 7919) % 60_000 / 4 * 4),
            2 => format!("mail{i} MX 10 www{}", (i * 31) % 60_000 / 4 * 4 + 1),
            _ => format!("_s{i}._tcp SRV 0 0 443 host{i}"),
        });
        assert!(halves_held(&text));
        let parsed = same_on_two_threads(&text, None);
        assert_eq!(parsed.records.len(), 60_002);
        assert!(parsed.errors.is_empty());
        // Every name reads as written, whichever half's table it came from.
        let named = |i: usize| parsed.names.get(parsed.records[i + 2].owner).to_string();
        for i in [1, 29_999, 30_001, 59_998] {
            let written = text.lines().nth(i + 4).unwrap_or_default();
            let (owner, data) = written.split_once(' ').unwrap_or_default();
            assert_eq!(named(i), format!("{owner}.example.com."), "{written}");
            let rdata = parsed.records[i + 2].rdata.presentation(&parsed.names);
            let target = data.rsplit(' ').next().unwrap_or_default();
            assert!(
                rdata.ends_with(&format!("{target}.example.com.")),
                "{written}: {rdata}"
            );
        }
    }

    #[test]
    fn entries_across_the_middle_read_the_same() {
        // Parentheses and quoted strings spanning lines, blank owners and
        // comments all around the middle: the guess fails or holds, the
        // result is the same.
        let kinds = [
            |i: usize| format!("p{i} TXT ( \"a\"\n\"b\" )"),
            |i: usize| format!("q{i} TXT \"line\nbreak\""),
            |i: usize| format!("r{i} A 10.0.0.1\n  A 10.0.0.2 ; more"),
            |i: usize| format!("; comment {i}\n\ns{i} 60 IN A 10.0.0.3"),
        ];
        for kind in kinds {
            let text = zone(HEAD, 60_000, kind);
            same_on_two_threads(&text, None);
        }
    }

    #[test]
    fn state_changed_after_the_guess_reads_the_same() {
        // A class set late in the first half; no `$TTL`, so the last TTL
        // carries over; `$TTL` in the second half; no `$ORIGIN` at all.
        let class = zone(HEAD, 100_000, |i| match i {
            30_000 => "ch CH TXT \"x\"".into(),
            _ => format!("h{i} A 10.0.0.1"),
        });
        assert!(!halves_held(&class));
        same_on_two_threads(&class, None);
        let last_ttl = zone(
            "$ORIGIN example.com.\n@ 60 SOA ns1 host 1 2 3 4 5\n",
            100_000,
            |i| format!("h{i} {} A 10.0.0.1", 100 + i % 3),
        );
        assert!(!halves_held(&last_ttl));
        same_on_two_threads(&last_ttl, None);
        let ttl_late = zone(HEAD, 100_000, |i| match i {
            95_000 => "$TTL 60".into(),
            _ => format!("h{i} A 10.0.0.1"),
        });
        assert!(split_point(ttl_late.as_bytes()).is_none());
        same_on_two_threads(&ttl_late, None);
        let guessed = zone(
            "$TTL 60\nexample.org. SOA ns1 host 1 2 3 4 5\n",
            100_000,
            |i| format!("h{i} A 10.0.0.1"),
        );
        let origin = Name::parse("example.org.", None).ok();
        let parsed = same_on_two_threads(&guessed, origin.map(OriginHint::Guessed));
        assert_eq!(parsed.records.len(), 100_001);
    }

    #[test]
    fn errors_of_both_halves_keep_one_threads_order_and_cap() {
        let some = zone(HEAD, 100_000, |i| match i % 25_000 {
            7 => format!("bad{i} A 999.0.0.1"),
            8 => format!("bad{i} A 10.0.0.1 )"),
            _ => format!("h{i} A 10.0.0.1"),
        });
        assert!(halves_held(&some));
        let parsed = same_on_two_threads(&some, None);
        assert_eq!(parsed.errors.len(), 8);
        let many = zone(HEAD, 100_000, |i| format!("bad{i} A 999.0.0.{}", i % 10));
        assert!(!halves_held(&many));
        let parsed = same_on_two_threads(&many, None);
        assert_eq!(parsed.errors.len(), crate::problem::MAX_KEPT);
        assert_eq!(parsed.errors.more(), 99_000);
    }
}
