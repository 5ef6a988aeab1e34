//! nginx's lexical grammar, written with nom, following `ngx_conf_read_token`:
//! bare words (with `\` escapes and `${var}`), single- and double-quoted
//! strings, `#` comments, and the three punctuation tokens `;`, `{`, `}`.
//!
//! Two nginx quirks matter for fidelity: a bare word ends at white space,
//! `;` or `{` but *not* at `}` (so `a}` is one word), and a closing quote
//! must be followed by white space, `;`, `{` or `)`.

use nom::branch::alt;
use nom::bytes::complete::{is_not, tag, take, take_while1};
use nom::combinator::{opt, recognize};
use nom::multi::many0_count;
use nom::sequence::pair;
use nom::{IResult, Parser};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quote {
    None,
    Double,
    Single,
}

/// A word token: `start..end` is the raw text including quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    pub start: u32,
    pub end: u32,
    pub quote: Quote,
    /// The raw text contains a backslash, so the value needs unescaping.
    pub escaped: bool,
}

impl Word {
    /// The raw bytes between the quotes (or the whole bare word).
    pub fn inner<'a>(&self, src: &'a [u8]) -> &'a [u8] {
        let (s, e) = (self.start as usize, self.end as usize);
        match self.quote {
            Quote::None => &src[s..e],
            _ => &src[s + 1..e - 1],
        }
    }

    /// The value nginx sees: quotes removed, `\"`, `\'`, `\\`, `\t`, `\r`,
    /// `\n` unescaped, any other backslash kept.
    pub fn value<'a>(&self, src: &'a [u8]) -> std::borrow::Cow<'a, str> {
        let inner = self.inner(src);
        if !self.escaped {
            // Checked first: the lossy decoder walks a word in chunks even
            // when it is plain ASCII, and the walk asks for every word.
            return match std::str::from_utf8(inner) {
                Ok(text) => std::borrow::Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(inner),
            };
        }
        let mut out = Vec::with_capacity(inner.len());
        let mut i = 0;
        while i < inner.len() {
            if inner[i] == b'\\' && i + 1 < inner.len() {
                let unescaped = match inner[i + 1] {
                    quote @ (b'"' | b'\'' | b'\\') => Some(quote),
                    b't' => Some(b'\t'),
                    b'r' => Some(b'\r'),
                    b'n' => Some(b'\n'),
                    _ => None,
                };
                if let Some(byte) = unescaped {
                    out.push(byte);
                    i += 2;
                    continue;
                }
            }
            out.push(inner[i]);
            i += 1;
        }
        std::borrow::Cow::Owned(String::from_utf8_lossy(&out).into_owned())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    Word(Word),
    Semicolon(u32),
    Open(u32),
    Close(u32),
    Eof(u32),
}

/// A lexical error at a byte offset, in nginx's wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    pub offset: u32,
    pub len: u32,
    pub message: String,
}

type Res<'a, O> = IResult<&'a [u8], O>;

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Bytes that never need a closer look inside a bare word.
fn is_plain_word_byte(b: u8) -> bool {
    !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b';' | b'{' | b'\\' | b'$')
}

/// Skips white space and `#` comments (a comment runs to the end of the
/// line and may hold any bytes) from `pos`; records where each comment
/// starts. Returns where the next token starts.
fn skip_trivia(src: &[u8], mut pos: usize, comments: &mut Vec<u32>) -> usize {
    loop {
        while src.get(pos).is_some_and(|&b| is_space(b)) {
            pos += 1;
        }
        if src.get(pos) != Some(&b'#') {
            return pos;
        }
        comments.push(pos as u32);
        pos = memchr::memchr(b'\n', &src[pos..]).map_or(src.len(), |n| pos + n);
    }
}

/// One piece of a bare word: plain bytes, a backslash pair, `${` or a lone `$`.
fn bare_word_piece(input: &[u8]) -> Res<'_, &[u8]> {
    alt((
        take_while1(is_plain_word_byte),
        recognize(pair(tag(&b"\\"[..]), opt(take(1usize)))),
        tag(&b"${"[..]),
        tag(&b"$"[..]),
    ))
    .parse(input)
}

fn bare_word(input: &[u8]) -> Res<'_, &[u8]> {
    recognize(pair(bare_word_piece, many0_count(bare_word_piece))).parse(input)
}

/// The body of a quoted string up to (not including) the closing quote.
fn quoted_body(quote: u8) -> impl FnMut(&[u8]) -> Res<'_, &[u8]> {
    move |input| {
        let stop: &[u8] = if quote == b'"' { b"\"\\" } else { b"'\\" };
        recognize(many0_count(alt((
            is_not(stop),
            recognize(pair(tag(&b"\\"[..]), take(1usize))),
        ))))
        .parse(input)
    }
}

pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    /// Set after a closing quote: the next byte must separate tokens.
    need_space: bool,
    /// Where each `#` comment seen so far starts.
    comments: Vec<u32>,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a [u8]) -> Self {
        Lexer {
            src,
            pos: 0,
            need_space: false,
            comments: Vec::new(),
        }
    }

    /// Where the comments seen so far start, in order.
    pub fn take_comments(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.comments)
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn source(&self) -> &'a [u8] {
        self.src
    }

    /// Moves to `pos` (used after an opaque block has been skipped).
    pub fn seek(&mut self, pos: usize) {
        self.pos = pos.min(self.src.len());
        self.need_space = false;
    }

    fn rest(&self) -> &'a [u8] {
        &self.src[self.pos..]
    }

    fn advance_to(&mut self, rest: &'a [u8]) {
        self.pos = self.src.len() - rest.len();
    }

    /// The next token, or an error that the parser reports and recovers from.
    pub fn next_token(&mut self) -> Result<Token, LexError> {
        if self.need_space {
            self.need_space = false;
            match self.rest().first() {
                None => {}
                Some(&b) if is_space(b) || b == b';' || b == b'{' || b == b')' => {}
                Some(&b) => {
                    return Err(LexError {
                        offset: self.pos as u32,
                        len: 1,
                        message: format!("unexpected \"{}\"", char_for_message(self.rest(), b)),
                    });
                }
            }
        }
        self.pos = skip_trivia(self.src, self.pos, &mut self.comments);
        let start = self.pos as u32;
        let Some(&first) = self.rest().first() else {
            return Ok(Token::Eof(start));
        };
        match first {
            b';' => {
                self.pos += 1;
                Ok(Token::Semicolon(start))
            }
            b'{' => {
                self.pos += 1;
                Ok(Token::Open(start))
            }
            b'}' => {
                self.pos += 1;
                Ok(Token::Close(start))
            }
            b'"' | b'\'' => self.quoted(first),
            _ => {
                let (rest, word) = bare_word(self.rest()).map_err(|_| LexError {
                    offset: start,
                    len: 1,
                    message: "unreadable token".into(),
                })?;
                self.advance_to(rest);
                Ok(Token::Word(Word {
                    start,
                    end: self.pos as u32,
                    quote: Quote::None,
                    escaped: word.contains(&b'\\'),
                }))
            }
        }
    }

    fn quoted(&mut self, quote: u8) -> Result<Token, LexError> {
        let start = self.pos;
        let after_open = &self.src[start + 1..];
        let body = match quoted_body(quote)(after_open) {
            Ok((_, body)) => body,
            Err(_) => &after_open[..0],
        };
        let close = start + 1 + body.len();
        if self.src.get(close) != Some(&quote) {
            // A trailing lone backslash or end of input: nginx reads to EOF.
            self.pos = self.src.len();
            return Err(LexError {
                offset: self.src.len() as u32,
                len: 0,
                message: "unexpected end of file, expecting \";\" or \"}\"".into(),
            });
        }
        self.pos = close + 1;
        self.need_space = true;
        Ok(Token::Word(Word {
            start: start as u32,
            end: self.pos as u32,
            quote: if quote == b'"' {
                Quote::Double
            } else {
                Quote::Single
            },
            escaped: body.contains(&b'\\'),
        }))
    }
}

/// The character at the start of `rest` for an error message (the byte as
/// a Latin-1 char if it does not start valid UTF-8).
fn char_for_message(rest: &[u8], first: u8) -> char {
    let end = rest.len().min(4);
    for len in 1..=end {
        if let Ok(s) = std::str::from_utf8(&rest[..len]) {
            if let Some(c) = s.chars().next() {
                return c;
            }
        }
    }
    first as char
}

/// Skips the body of a `*_by_lua_block { ... }` starting just after its `{`,
/// honouring Lua strings, long brackets and comments so that braces inside
/// them do not count. Returns the offset of the matching `}`, or `None` at
/// end of input.
pub fn skip_lua_block(src: &[u8], mut pos: usize) -> Option<usize> {
    let mut depth = 1usize;
    while pos < src.len() {
        match src[pos] {
            b'{' => {
                depth += 1;
                pos += 1;
            }
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(pos);
                }
                pos += 1;
            }
            b'"' | b'\'' => {
                let quote = src[pos];
                pos += 1;
                while pos < src.len() && src[pos] != quote && src[pos] != b'\n' {
                    pos += if src[pos] == b'\\' { 2 } else { 1 };
                }
                pos += 1;
            }
            b'-' if src.get(pos + 1) == Some(&b'-') => {
                pos += 2;
                if let Some(end) = long_bracket_end(src, pos) {
                    pos = end;
                } else {
                    while pos < src.len() && src[pos] != b'\n' {
                        pos += 1;
                    }
                }
            }
            b'[' => pos = long_bracket_end(src, pos).unwrap_or(pos + 1),
            _ => pos += 1,
        }
    }
    None
}

/// If a Lua long bracket (`[[`, `[==[`) opens at `pos`, the offset just
/// past its matching close (or end of input).
fn long_bracket_end(src: &[u8], pos: usize) -> Option<usize> {
    if src.get(pos) != Some(&b'[') {
        return None;
    }
    let level = src[pos + 1..].iter().take_while(|&&b| b == b'=').count();
    if src.get(pos + 1 + level) != Some(&b'[') {
        return None;
    }
    let mut close = Vec::with_capacity(level + 2);
    close.push(b']');
    close.extend(std::iter::repeat_n(b'=', level));
    close.push(b']');
    let body_start = pos + level + 2;
    let found = src[body_start..]
        .windows(close.len())
        .position(|w| w == close.as_slice());
    Some(found.map_or(src.len(), |i| body_start + i + close.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(src: &str) -> Vec<Result<String, String>> {
        let mut lx = Lexer::new(src.as_bytes());
        let mut out = Vec::new();
        loop {
            match lx.next_token() {
                Ok(Token::Eof(_)) => break,
                Ok(Token::Word(w)) => out.push(Ok(w.value(src.as_bytes()).into_owned())),
                Ok(Token::Semicolon(_)) => out.push(Ok(";".into())),
                Ok(Token::Open(_)) => out.push(Ok("{".into())),
                Ok(Token::Close(_)) => out.push(Ok("}".into())),
                Err(e) => {
                    out.push(Err(e.message));
                    if lx.position() >= src.len() {
                        break;
                    }
                }
            }
        }
        out
    }

    fn ok(words: &[&str]) -> Vec<Result<String, String>> {
        words.iter().map(|w| Ok(w.to_string())).collect()
    }

    #[test]
    fn bare_words_variables_and_braces() {
        assert_eq!(
            tokens("set $a ${b}c; x}y;"),
            ok(&["set", "$a", "${b}c", ";", "x}y", ";"])
        );
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(
            tokens(r#"a "b \"c\" ;" 'd\'e' f\ g;"#),
            ok(&["a", "b \"c\" ;", "d'e", "f\\ g", ";"])
        );
    }

    #[test]
    fn comments_hold_any_bytes() {
        let src = b"a # \xff\xfe { ; }\nb;";
        let mut lx = Lexer::new(src);
        let mut n = 0;
        while !matches!(lx.next_token(), Ok(Token::Eof(_))) {
            n += 1;
        }
        assert_eq!(n, 3);
    }

    #[test]
    fn closing_quote_must_be_followed_by_space() {
        assert_eq!(
            tokens(r#"a "b"c;"#),
            vec![
                Ok("a".into()),
                Ok("b".into()),
                Err("unexpected \"c\"".into()),
                Ok("c".into()),
                Ok(";".into())
            ]
        );
    }

    #[test]
    fn unterminated_quote_is_eof_error() {
        assert_eq!(
            tokens("a \"b"),
            vec![
                Ok("a".into()),
                Err("unexpected end of file, expecting \";\" or \"}\"".into())
            ]
        );
    }

    #[test]
    fn lua_block_skips_strings_and_comments() {
        let body = b" local s = \"}\" -- }\n local t = [[ } ]] } rest";
        let end = skip_lua_block(body, 0).expect("closed");
        assert_eq!(&body[end..end + 5], b"} res");
    }
}
