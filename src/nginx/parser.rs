//! Builds the directive tree of one nginx file from the lexer's tokens.
//!
//! The tree lives in one flat vector in document order (a directive is
//! followed by its descendants), so neither parsing, walking nor dropping
//! it recurses: a hostile file with 100 000 nested blocks cannot overflow
//! the stack. Syntax errors use nginx's wording, and parsing continues
//! wherever the intent is still clear.

use super::lexer::{skip_lua_block, Lexer, Quote, Token, Word};
use crate::problem::Bounded;

/// Deeper nesting than this is reported and the rest of the file skipped:
/// real configs nest fewer than ten levels.
pub const MAX_DEPTH: usize = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    None,
    /// Child directives follow this one in `ConfFile::directives`.
    Children,
    /// A body nginx hands to a module verbatim (`*_by_lua_block`): byte range.
    Opaque {
        start: u32,
        end: u32,
    },
}

#[derive(Clone, Debug)]
pub struct Directive {
    pub name: Word,
    /// Range into `ConfFile::words`.
    pub args: std::ops::Range<u32>,
    pub block: Block,
    /// Index of the first directive after this one's subtree.
    pub subtree_end: u32,
    /// Byte offset just past the `;`, `{` or last word that ends the statement.
    pub stmt_end: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub start: u32,
    pub end: u32,
    pub message: String,
    /// A fix hint more specific than the message's generic one.
    pub hint: Option<String>,
    /// Where a `;` would end the directive left unterminated: the fix
    /// `tripline check --fix` and the editor offer (checked before use).
    pub semicolon_at: Option<u32>,
}

#[derive(Debug, Default)]
pub struct ConfFile {
    pub directives: Vec<Directive>,
    pub words: Vec<Word>,
    /// The first [`crate::problem::MAX_KEPT`], the rest counted.
    pub errors: Bounded<SyntaxError>,
    /// Where each `#` comment starts, in order.
    pub comments: Vec<u32>,
    /// The blocks around each part of the file (for fingerprints).
    pub contexts: crate::source::context::Contexts,
}

impl ConfFile {
    pub fn args(&self, d: &Directive) -> &[Word] {
        &self.words[d.args.start as usize..d.args.end as usize]
    }

    /// Indexes of the direct children of `parent`, or of the top level.
    pub fn children(&self, parent: Option<usize>) -> Children<'_> {
        let (next, end) = match parent {
            None => (0, self.directives.len()),
            Some(p) => {
                let d = &self.directives[p];
                (p + 1, d.subtree_end as usize)
            }
        };
        Children {
            file: self,
            next,
            end,
        }
    }
}

pub struct Children<'a> {
    file: &'a ConfFile,
    next: usize,
    end: usize,
}

impl Iterator for Children<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if self.next >= self.end {
            return None;
        }
        let current = self.next;
        self.next = self.file.directives[current].subtree_end as usize;
        Some(current)
    }
}

/// Directives that open a block; a known simple directive followed by one
/// of these names was missing its `;`.
const BLOCK_DIRECTIVES: &[&str] = &[
    "events",
    "geo",
    "http",
    "if",
    "limit_except",
    "location",
    "mail",
    "map",
    "match",
    "server",
    "split_clients",
    "stream",
    "types",
    "upstream",
];

/// Common directives that never take a block; used to say
/// `directive "x" is not terminated by ";"` as nginx does.
const SIMPLE_DIRECTIVES: &[&str] = &[
    "access_log",
    "add_header",
    "alias",
    "allow",
    "auth_basic",
    "auth_basic_user_file",
    "autoindex",
    "charset",
    "client_max_body_size",
    "default_type",
    "deny",
    "error_log",
    "error_page",
    "expires",
    "fastcgi_param",
    "fastcgi_pass",
    "grpc_pass",
    "gzip",
    "include",
    "index",
    "keepalive_timeout",
    "listen",
    "pid",
    "proxy_pass",
    "proxy_redirect",
    "proxy_set_header",
    "resolver",
    "return",
    "rewrite",
    "root",
    "scgi_pass",
    "sendfile",
    "server_name",
    "server_tokens",
    "set",
    "ssl_certificate",
    "ssl_certificate_key",
    "ssl_ciphers",
    "ssl_protocols",
    "try_files",
    "user",
    "uwsgi_pass",
    "worker_connections",
    "worker_processes",
];

/// Blocks whose entries are data (`key value;`), not directives.
const DATA_BLOCKS: &[&str] = &["map", "geo", "types", "split_clients", "charset_map"];

fn is_block_directive(name: &str, parent: Option<&str>) -> bool {
    // `server` inside an upstream is a simple directive; map keys are data.
    if name == "server" && parent == Some("upstream")
        || parent.is_some_and(|p| DATA_BLOCKS.contains(&p))
    {
        return false;
    }
    BLOCK_DIRECTIVES.contains(&name)
}

fn is_opaque_block(name: &str) -> bool {
    name.ends_with("_by_lua_block")
}

struct Parser<'a> {
    src: &'a [u8],
    lexer: Lexer<'a>,
    out: ConfFile,
    /// Open blocks: index of the directive that opened each.
    open: Vec<usize>,
    pending: Vec<Word>,
    /// The same blocks, as contexts.
    blocks: super::contexts::Blocks,
}

pub fn parse(src: &[u8]) -> ConfFile {
    let mut p = Parser {
        src,
        lexer: Lexer::new(src),
        out: ConfFile::default(),
        open: Vec::new(),
        pending: Vec::new(),
        blocks: Default::default(),
    };
    p.run();
    p.out.comments = p.lexer.take_comments();
    p.out.contexts = p.blocks.finish();
    p.out
}

impl<'a> Parser<'a> {
    fn word_text(&self, w: &Word) -> std::borrow::Cow<'a, str> {
        w.value(self.src)
    }

    fn error(&mut self, start: u32, end: u32, message: String) {
        self.out.errors.push(SyntaxError {
            start,
            end,
            message,
            hint: None,
            semicolon_at: None,
        });
    }

    /// Marks the error just recorded as fixed by a `;` at `at`.
    fn semicolon_fixes_last(&mut self, at: u32) {
        // Past the recorded errors, the last one is another's.
        if self.out.errors.more() > 0 {
            return;
        }
        if let Some(e) = self.out.errors.last_mut() {
            e.semicolon_at = Some(at);
        }
    }

    fn parent_name(&self) -> Option<std::borrow::Cow<'a, str>> {
        self.open
            .last()
            .map(|&i| self.word_text(&self.out.directives[i].name))
    }

    /// Turns the pending words into a directive; returns its index.
    fn push_directive(&mut self, words: &[Word], block: Block, stmt_end: u32) -> usize {
        let args_start = self.out.words.len() as u32;
        self.out.words.extend_from_slice(&words[1..]);
        let index = self.out.directives.len();
        self.out.directives.push(Directive {
            name: words[0],
            args: args_start..self.out.words.len() as u32,
            block,
            subtree_end: index as u32 + 1,
            stmt_end,
        });
        index
    }

    /// Closes the innermost block; `end` is just past its `}` (or where
    /// the parse stops).
    fn close_block(&mut self, end: u32) {
        if let Some(i) = self.open.pop() {
            self.out.directives[i].subtree_end = self.out.directives.len() as u32;
            self.blocks.close(end);
        }
    }

    fn run(&mut self) {
        // Depth of an anonymous `{ ... }` being skipped after an error.
        let mut skipping = 0usize;
        loop {
            let token = match self.lexer.next_token() {
                Ok(t) => t,
                Err(e) => {
                    self.error(e.offset, e.offset + e.len, e.message);
                    continue;
                }
            };
            if skipping > 0 {
                match token {
                    Token::Open(_) => skipping += 1,
                    Token::Close(_) => skipping -= 1,
                    Token::Eof(_) => {}
                    _ => continue,
                }
                if !matches!(token, Token::Eof(_)) {
                    continue;
                }
            }
            match token {
                Token::Word(w) => self.pending.push(w),
                Token::Semicolon(at) => self.on_semicolon(at),
                Token::Open(at) => {
                    if self.pending.is_empty() {
                        self.error(at, at + 1, "unexpected \"{\"".into());
                        skipping = 1;
                    } else if !self.on_open(at) {
                        return;
                    }
                }
                Token::Close(at) => self.on_close(at),
                Token::Eof(at) => {
                    self.on_eof(at);
                    return;
                }
            }
        }
    }

    fn on_semicolon(&mut self, at: u32) {
        if self.pending.is_empty() {
            self.error(at, at + 1, "unexpected \";\"".into());
            return;
        }
        // The pending buffer is handed back afterwards to keep its capacity:
        // this is the hot path.
        let mut words = std::mem::take(&mut self.pending);
        let name = self.word_text(&words[0]);
        let parent = self.parent_name();
        if words[0].quote == Quote::None && is_block_directive(&name, parent.as_deref()) {
            self.error(
                words[0].start,
                words[0].end,
                format!("directive \"{name}\" has no opening \"{{\""),
            );
        }
        self.push_directive(&words, Block::None, at + 1);
        words.clear();
        self.pending = words;
    }

    /// Returns false when parsing must stop (nesting too deep).
    fn on_open(&mut self, at: u32) -> bool {
        let mut words = std::mem::take(&mut self.pending);
        let name = self.word_text(&words[0]);
        if SIMPLE_DIRECTIVES.contains(&name.as_ref()) {
            // `root /x\n location / {`: the block belongs to `location`,
            // and the `;` is missing after `/x`.
            let parent = self.parent_name();
            let split = words.iter().enumerate().skip(1).find(|(_, w)| {
                w.quote == Quote::None && is_block_directive(&self.word_text(w), parent.as_deref())
            });
            let missing_at = match split {
                Some((k, _)) => {
                    let head: Vec<Word> = words.drain(..k).collect();
                    let stmt_end = head[head.len() - 1].end;
                    self.push_directive(&head, Block::None, stmt_end);
                    stmt_end
                }
                None => words[words.len() - 1].end,
            };
            self.error(
                missing_at,
                missing_at,
                format!("directive \"{name}\" is not terminated by \";\""),
            );
            self.semicolon_fixes_last(missing_at);
        }
        let name = self.word_text(&words[0]);
        if self
            .parent_name()
            .is_some_and(|p| DATA_BLOCKS.contains(&p.as_ref()))
        {
            // map, types and friends hold `key value;` entries only.
            self.error(at, at + 1, "unexpected \"{\"".into());
        }
        if is_opaque_block(&name) {
            let body_start = at as usize + 1;
            match skip_lua_block(self.src, body_start) {
                Some(close) => {
                    self.push_directive(
                        &words,
                        Block::Opaque {
                            start: body_start as u32,
                            end: close as u32,
                        },
                        at + 1,
                    );
                    self.lexer.seek(close + 1);
                }
                None => {
                    self.push_directive(&words, Block::None, at + 1);
                    let end = self.src.len() as u32;
                    self.error(end, end, "unexpected end of file, expecting \"}\"".into());
                    self.lexer.seek(self.src.len());
                }
            }
            return true;
        }
        if self.open.len() >= MAX_DEPTH {
            self.error(
                at,
                at + 1,
                format!(
                    "blocks nested deeper than {MAX_DEPTH} levels; the rest of this file is not checked"
                ),
            );
            while !self.open.is_empty() {
                self.close_block(at + 1);
            }
            return false;
        }
        let index = self.push_directive(&words, Block::Children, at + 1);
        self.open.push(index);
        self.blocks
            .open(&super::contexts::header(self.src, &words), at);
        true
    }

    fn on_close(&mut self, at: u32) {
        if !self.pending.is_empty() {
            // `root /x }`: nginx stops here; we keep the directive and close the block.
            self.error(at, at + 1, "unexpected \"}\"".into());
            let words = std::mem::take(&mut self.pending);
            let name = self.word_text(&words[0]).into_owned();
            if let Some(e) = self.out.errors.last_mut() {
                e.hint = Some(format!("`{name}` before it is missing its `;`"));
            }
            let stmt_end = words[words.len() - 1].end;
            self.semicolon_fixes_last(stmt_end);
            self.push_directive(&words, Block::None, stmt_end);
        } else if self.open.is_empty() {
            self.error(at, at + 1, "unexpected \"}\"".into());
            return;
        }
        self.close_block(at + 1);
    }

    fn on_eof(&mut self, _: u32) {
        // Point at the end of the last content rather than past the final
        // newline, so the snippet shows the line that is left open.
        let at = self.src.trim_ascii_end().len() as u32;
        if !self.pending.is_empty() {
            self.error(
                at,
                at,
                "unexpected end of file, expecting \";\" or \"}\"".into(),
            );
            let words = std::mem::take(&mut self.pending);
            let stmt_end = words[words.len() - 1].end;
            self.semicolon_fixes_last(stmt_end);
            self.push_directive(&words, Block::None, stmt_end);
        } else if !self.open.is_empty() {
            self.error(at, at, "unexpected end of file, expecting \"}\"".into());
        }
        // Blocks the file leaves open enclose its very end too (where the
        // error that says so points).
        let end = self.src.len() as u32 + 1;
        while !self.open.is_empty() {
            self.close_block(end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(src: &str) -> Vec<String> {
        let f = parse(src.as_bytes());
        f.directives
            .iter()
            .map(|d| d.name.value(src.as_bytes()).into_owned())
            .collect()
    }

    fn errors(src: &str) -> Vec<String> {
        parse(src.as_bytes())
            .errors
            .into_iter()
            .map(|e| e.message)
            .collect()
    }

    #[test]
    fn nested_blocks_and_children() {
        let src = "http { server { listen 80; location / { root /x; } } include a; }";
        let f = parse(src.as_bytes());
        assert!(f.errors.is_empty());
        assert_eq!(
            names(src),
            ["http", "server", "listen", "location", "root", "include"]
        );
        let http_children: Vec<usize> = f.children(Some(0)).collect();
        assert_eq!(http_children, [1, 5]);
        let server_children: Vec<usize> = f.children(Some(1)).collect();
        assert_eq!(server_children, [2, 3]);
        assert_eq!(f.children(None).count(), 1);
    }

    #[test]
    fn nginx_wording_for_brace_errors() {
        assert_eq!(errors("a b }"), ["unexpected \"}\""]);
        assert_eq!(errors("}"), ["unexpected \"}\""]);
        assert_eq!(
            errors("http { a;"),
            ["unexpected end of file, expecting \"}\""]
        );
        assert_eq!(
            errors("a b"),
            ["unexpected end of file, expecting \";\" or \"}\""]
        );
        assert_eq!(errors(";"), ["unexpected \";\""]);
    }

    #[test]
    fn missing_semicolon_before_block_recovers() {
        let src = "server { proxy_pass http://a\n location / { root /x; } }";
        assert_eq!(
            errors(src),
            ["directive \"proxy_pass\" is not terminated by \";\""]
        );
        assert_eq!(names(src), ["server", "proxy_pass", "location", "root"]);
        let f = parse(src.as_bytes());
        assert_eq!(f.errors[0].start as usize, src.find('\n').expect("newline"));
    }

    #[test]
    fn block_directive_without_brace() {
        assert_eq!(errors("http;"), ["directive \"http\" has no opening \"{\""]);
        assert!(errors("upstream u { server 10.0.0.1; }").is_empty());
        assert!(errors("map $a $b { server 1; default 0; }").is_empty());
        assert_eq!(errors("map $a $b { x { } }"), ["unexpected \"{\""]);
    }

    #[test]
    fn lua_blocks_are_opaque() {
        let src = "location / { content_by_lua_block { ngx.say(\"}\") } return 200; }";
        let f = parse(src.as_bytes());
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        assert_eq!(names(src), ["location", "content_by_lua_block", "return"]);
        assert!(matches!(f.directives[1].block, Block::Opaque { .. }));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let depth = 100_000;
        let src = "a {".repeat(depth) + &"}".repeat(depth);
        let f = parse(src.as_bytes());
        assert_eq!(f.errors.len(), 1);
        assert!(f.errors[0].message.contains("nested deeper"));
        assert_eq!(f.directives.len(), MAX_DEPTH);
    }

    #[test]
    fn anonymous_block_is_skipped() {
        let src = "{ a; { b; } } c;";
        assert_eq!(errors(src), ["unexpected \"{\""]);
        assert_eq!(names(src), ["c"]);
    }
}
