//! The RFC 1035 master-file lexical layer, written with nom: splits a zone
//! file into logical entries (one per line, or several lines joined by
//! parentheses), each a list of tokens with byte spans. Comments (`;`),
//! quoted strings with `\X` and `\DDD` escapes, and the significance of a
//! leading blank (the owner is inherited) are handled here, as BIND, Knot
//! and NSD do.
//!
//! Parentheses are counted, never recursed into: 10 MB of `(` is one error.

use nom::bytes::complete::{tag, take_till, take_while, take_while1};
use nom::combinator::recognize;
use nom::multi::many0_count;
use nom::sequence::pair;
use nom::{IResult, Parser};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: u32,
    pub end: u32,
    /// A `"..."` string: `start..end` includes the quotes.
    pub quoted: bool,
}

impl Token {
    pub fn raw<'a>(&self, src: &'a [u8]) -> &'a [u8] {
        &src[self.start as usize..self.end as usize]
    }

    /// The text without quotes, escapes kept (names decode them later).
    pub fn text<'a>(&self, src: &'a [u8]) -> std::borrow::Cow<'a, str> {
        let raw = self.raw(src);
        let inner = if self.quoted {
            &raw[1..raw.len().saturating_sub(1).max(1)]
        } else {
            raw
        };
        // Valid text (nearly every token) is borrowed after one quick check.
        match std::str::from_utf8(inner) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(inner),
        }
    }
}

/// A zone file's bytes and, when a stretch of them (a half the thread
/// parses) is valid UTF-8, that stretch as text: a token's text is then a
/// slice of it, where validating each token again (six a record) showed
/// in profiles of a large zone.
#[derive(Clone, Copy)]
pub struct Src<'a> {
    pub bytes: &'a [u8],
    /// `bytes[from..from + text.len()]`, when it is valid UTF-8.
    text: Option<&'a str>,
    from: usize,
}

impl<'a> Src<'a> {
    /// The bytes, with `bytes[from..to]` validated once as text.
    pub fn validated(bytes: &'a [u8], from: usize, to: usize) -> Self {
        let text = (bytes.get(from..to)).and_then(|part| std::str::from_utf8(part).ok());
        Src { bytes, text, from }
    }

    /// The bytes alone: each token's text is validated when asked for.
    pub fn unvalidated(bytes: &'a [u8]) -> Self {
        Src {
            bytes,
            text: None,
            from: 0,
        }
    }
}

impl Token {
    /// [`Token::text`], sliced from the validated text where the token lies
    /// in it (a token ends at an ASCII byte or at the end of the input, so
    /// on a character boundary; `str::get` checks anyway).
    pub fn text_in<'a>(&self, src: Src<'a>) -> std::borrow::Cow<'a, str> {
        let (start, end) = match self.quoted {
            true => (
                self.start as usize + 1,
                (self.end as usize).saturating_sub(1),
            ),
            false => (self.start as usize, self.end as usize),
        };
        let sliced = (src.text).and_then(|text| {
            let from = start.checked_sub(src.from)?;
            text.get(from..end.checked_sub(src.from)?.max(from))
        });
        match sliced {
            Some(text) => std::borrow::Cow::Borrowed(text),
            None => self.text(src.bytes),
        }
    }
}

/// One logical entry: a record or a `$` directive.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    pub tokens: Vec<Token>,
    /// The entry's first line starts with white space: the owner is the
    /// previous record's.
    pub blank_owner: bool,
    /// Byte offset of the start of its first line.
    pub line_start: u32,
    /// The last comment inside the entry (provider exports put metadata
    /// there: Cloudflare's `cf_tags`, cli53's `AWS routing`).
    pub comment: Option<(u32, u32)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    pub start: u32,
    pub end: u32,
    pub message: String,
}

type Res<'a, O> = IResult<&'a [u8], O>;

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t' || b == b'\r'
}

fn is_word_byte(b: u8) -> bool {
    !matches!(
        b,
        b' ' | b'\t' | b'\r' | b'\n' | b'(' | b')' | b';' | b'"' | b'\\'
    )
}

/// The length of the bare word at the start of `input`: plain bytes and
/// backslash escapes (`\.`, `\032`, `\ `), a backslash taking the byte
/// after it whatever it is; 0 when there is none. A byte loop, not parser
/// combinators: every token of a million-record zone goes through it.
fn word_len(input: &[u8]) -> usize {
    let mut at = 0;
    while at < input.len() {
        if is_word_byte(input[at]) {
            at += 1;
        } else if input[at] == b'\\' && at + 1 < input.len() {
            at += 2;
        } else {
            break;
        }
    }
    at
}

/// The body of a quoted string (without the quotes); `\"` does not end it.
fn quoted_body(input: &[u8]) -> Res<'_, &[u8]> {
    let piece = |i| -> Res<'_, &[u8]> {
        if let Ok(r) = take_while1::<_, _, nom::error::Error<&[u8]>>(|b| b != b'"' && b != b'\\')(i)
        {
            return Ok(r);
        }
        recognize(pair(tag(&b"\\"[..]), nom::bytes::complete::take(1usize))).parse(i)
    };
    recognize(many0_count(piece)).parse(input)
}

fn comment(input: &[u8]) -> Res<'_, &[u8]> {
    recognize(pair(tag(&b";"[..]), take_till(|b| b == b'\n'))).parse(input)
}

/// Splits `src` into entries; errors are reported and lexing goes on.
pub fn entries(src: &[u8]) -> (Vec<Entry>, Vec<LexError>) {
    let mut lexer = Entries::new(src);
    let found: Vec<Entry> = lexer.by_ref().collect();
    (found, lexer.errors)
}

/// The entries of a zone file, one at a time: a million-record file is
/// never held as a million token lists.
pub struct Entries<'a> {
    src: &'a [u8],
    pos: usize,
    current: Entry,
    depth: usize,
    open_at: usize,
    at_line_start: bool,
    done: bool,
    /// Errors so far; complete once the iterator is exhausted.
    pub errors: Vec<LexError>,
    /// The input ended inside parentheses or a quoted string.
    cut_short: bool,
    /// Where each `;` comment seen so far starts.
    comments: Vec<u32>,
    /// Where each entry that writes its owner starts, and where that
    /// owner ends: what the entries after it, up to the next, are inside
    /// of (see [`crate::source::context::Contexts::of_owners`]).
    owners: Vec<(u32, u32)>,
    /// `current` was lent out by [`Entries::next_entry`]: cleared before
    /// reading on.
    lent: bool,
}

impl<'a> Entries<'a> {
    pub fn new(src: &'a [u8]) -> Self {
        Self::starting_at(src, 0)
    }

    /// The entries from `pos`, the start of a line outside parentheses and
    /// quotes; spans stay offsets into all of `src`.
    pub fn starting_at(src: &'a [u8], pos: usize) -> Self {
        Entries {
            src,
            pos,
            current: Entry::default(),
            depth: 0,
            open_at: 0,
            at_line_start: true,
            done: false,
            errors: Vec::new(),
            cut_short: false,
            comments: Vec::new(),
            owners: Vec::new(),
            lent: false,
        }
    }

    /// Where the comments lexed so far start, in order.
    pub fn take_comments(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.comments)
    }

    /// Where lexing has got to.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The input ended inside parentheses or a quoted string: lexing more
    /// input after it would have gone differently.
    pub fn cut_short(&self) -> bool {
        self.cut_short
    }

    /// Where each entry lexed so far that writes its owner starts, and
    /// where the owner ends, in order.
    pub fn take_owners(&mut self) -> Vec<(u32, u32)> {
        std::mem::take(&mut self.owners)
    }

    /// The next entry, lent rather than given: its token list is reused
    /// for the entry after it, so a million-record file allocates one
    /// list, not a million.
    pub fn next_entry(&mut self) -> Option<&Entry> {
        if self.lent {
            self.clear();
        }
        self.lent = self.advance();
        self.lent.then_some(&self.current)
    }

    /// The entry read so far has tokens (it is then `current`, finished);
    /// otherwise it is cleared for the next one.
    fn finish(&mut self) -> bool {
        let Some(first) = self.current.tokens.first() else {
            self.clear();
            return false;
        };
        // An owner is written at the start of the line; a directive
        // (`$TTL`) writes none and stays inside the owner before it.
        let directive = self.src.get(first.start as usize) == Some(&b'$');
        if !self.current.blank_owner && !directive {
            self.owners.push((self.current.line_start, first.end));
        }
        true
    }

    fn clear(&mut self) {
        self.current.tokens.clear();
        self.current.blank_owner = false;
        self.current.line_start = 0;
        self.current.comment = None;
    }

    /// Reads up to the end of the next entry with tokens: true when there
    /// is one, in `current`.
    fn advance(&mut self) -> bool {
        let src = self.src;
        while self.pos < src.len() {
            let pos = self.pos;
            let rest = &src[pos..];
            let b = rest[0];
            if self.at_line_start && self.depth == 0 {
                self.at_line_start = false;
                self.current.line_start = pos as u32;
                self.current.blank_owner = is_blank(b);
            }
            match b {
                b'\n' => {
                    self.pos += 1;
                    // Inside parentheses a newline continues the entry.
                    if self.depth == 0 {
                        self.at_line_start = true;
                        if self.finish() {
                            return true;
                        }
                    }
                }
                b' ' | b'\t' | b'\r' => {
                    let (r, _) = take_while::<_, _, nom::error::Error<&[u8]>>(is_blank)(rest)
                        .unwrap_or((rest, rest));
                    self.pos = src.len() - r.len();
                }
                b';' => {
                    let len = comment(rest).map_or(rest.len(), |(r, _)| rest.len() - r.len());
                    self.current.comment = Some((pos as u32, (pos + len) as u32));
                    self.comments.push(pos as u32);
                    self.pos += len;
                }
                b'(' => {
                    if self.depth == 0 {
                        self.open_at = pos;
                    }
                    self.depth += 1;
                    self.pos += 1;
                }
                b')' => {
                    if self.depth == 0 {
                        self.errors.push(LexError {
                            start: pos as u32,
                            end: pos as u32 + 1,
                            message: "unbalanced parentheses: `)` without `(`".into(),
                        });
                    } else {
                        self.depth -= 1;
                    }
                    self.pos += 1;
                }
                b'"' => {
                    let body = quoted_body(&rest[1..]).map_or(0, |(_, body)| body.len());
                    let close = pos + 1 + body;
                    if src.get(close) == Some(&b'"') {
                        self.current.tokens.push(Token {
                            start: pos as u32,
                            end: close as u32 + 1,
                            quoted: true,
                        });
                        self.pos = close + 1;
                    } else {
                        self.errors.push(LexError {
                            start: pos as u32,
                            end: src.len() as u32,
                            message: "unterminated quoted string".into(),
                        });
                        self.cut_short = true;
                        self.pos = src.len();
                    }
                }
                _ => {
                    let len = word_len(rest).max(1);
                    self.current.tokens.push(Token {
                        start: pos as u32,
                        end: (pos + len) as u32,
                        quoted: false,
                    });
                    self.pos += len;
                }
            }
        }
        if self.done {
            return false;
        }
        self.done = true;
        if self.depth > 0 {
            self.cut_short = true;
            self.errors.push(LexError {
                start: self.open_at as u32,
                end: self.open_at as u32 + 1,
                message: "unbalanced parentheses: `(` is never closed".into(),
            });
        }
        self.finish()
    }
}

impl Iterator for Entries<'_> {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        if self.lent {
            self.clear();
            self.lent = false;
        }
        self.advance().then(|| std::mem::take(&mut self.current))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<Vec<String>> {
        let (entries, errors) = entries(src.as_bytes());
        assert!(errors.is_empty(), "{errors:?}");
        entries
            .iter()
            .map(|e| {
                e.tokens
                    .iter()
                    .map(|t| t.text(src.as_bytes()).into_owned())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn parentheses_join_lines_and_comments_go() {
        let src = "@ IN SOA ns1 host ( 1 ; serial\n 2 3 4 5 )\nwww A 192.0.2.1 ; web\n";
        assert_eq!(
            texts(src),
            vec![
                vec!["@", "IN", "SOA", "ns1", "host", "1", "2", "3", "4", "5"],
                vec!["www", "A", "192.0.2.1"]
            ]
        );
    }

    #[test]
    fn quoted_strings_keep_semicolons_and_escapes() {
        let src = "t TXT \"a;b\" \"c\\\"d\" ( \"x ; y\" )\n";
        assert_eq!(texts(src), vec![vec!["t", "TXT", "a;b", "c\\\"d", "x ; y"]]);
    }

    #[test]
    fn blank_owner_is_flagged() {
        let (found, _) = entries(b"a A 1.2.3.4\n  A 1.2.3.5\n\n");
        assert!(!found[0].blank_owner);
        assert!(found[1].blank_owner);
        assert_eq!(found.len(), 2);
        // The continuation lines of a parenthesised entry do not count.
        let (found, _) = entries(b"@ SOA a b (\n 1 2 3 4 5\n )  ; c\n  NS ns\n");
        assert!(!found[0].blank_owner);
        assert!(found[1].blank_owner);
    }

    /// The grammar `word_len` implements, in nom: pieces of plain bytes or
    /// of a backslash and the byte after it.
    fn word_reference(input: &[u8]) -> usize {
        let piece = |i| -> Res<'_, &[u8]> {
            if let Ok(r) = take_while1::<_, _, nom::error::Error<&[u8]>>(is_word_byte)(i) {
                return Ok(r);
            }
            recognize(pair(tag(&b"\\"[..]), nom::bytes::complete::take(1usize))).parse(i)
        };
        recognize(pair(piece, many0_count(piece)))
            .parse(input)
            .map_or(0, |(rest, _)| input.len() - rest.len())
    }

    #[test]
    fn word_len_is_the_grammar() {
        let alphabet = b"a.\\ \t\n;()\"0\r";
        for input in crate::test_texts::over(alphabet, (0..2000).map(|l| l % 12)) {
            assert_eq!(word_len(&input), word_reference(&input), "{input:?}");
        }
    }

    #[test]
    fn escapes_in_words() {
        assert_eq!(
            texts("a\\ b\\;c A 1.2.3.4\n"),
            vec![vec!["a\\ b\\;c", "A", "1.2.3.4"]]
        );
    }

    #[test]
    fn unbalanced_parentheses_are_errors() {
        let src = "(".repeat(100_000);
        let (_, errors) = entries(src.as_bytes());
        assert_eq!(errors.len(), 1);
        let (_, errors) = entries(b"a A 1.2.3.4 )\n");
        assert_eq!(errors[0].message, "unbalanced parentheses: `)` without `(`");
        let (_, errors) = entries(b"a TXT \"open\n");
        assert_eq!(errors[0].message, "unterminated quoted string");
    }
}
