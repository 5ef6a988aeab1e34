//! BIND's `named.conf` (and PowerDNS's bind backend, which reads the same
//! syntax): `zone "name" { file "path"; };` statements, `options {
//! directory "..."; }` and `include "...";`. Only those are read.

/// What a named.conf says about zones.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct NamedConf {
    /// `options { directory }`: where relative zone files are.
    pub directory: Option<String>,
    /// (zone name, file as written, line).
    pub zones: Vec<(String, String, usize)>,
    /// `include` paths as written, with their lines.
    pub includes: Vec<(String, usize)>,
}

#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Open,
    Close,
    Semi,
}

/// Deeper than any real named.conf nests.
const MAX_DEPTH: usize = 32;

fn tokens(text: &str) -> Vec<(Token, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b if b.is_ascii_whitespace() => i += 1,
            b'#' => i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n),
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n)
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = memchr::memmem::find(&bytes[i + 2..], b"*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
                line += bytes[i..end].iter().filter(|&&c| c == b'\n').count();
                i = end;
            }
            b'{' => {
                out.push((Token::Open, line));
                i += 1;
            }
            b'}' => {
                out.push((Token::Close, line));
                i += 1;
            }
            b';' => {
                out.push((Token::Semi, line));
                i += 1;
            }
            b'"' => {
                let end = memchr::memchr(b'"', &bytes[i + 1..]).map_or(bytes.len(), |n| i + 1 + n);
                out.push((Token::Word(text[i + 1..end].to_string()), line));
                line += bytes[i..end].iter().filter(|&&c| c == b'\n').count();
                i = end + 1;
            }
            _ => {
                let start = i;
                while i < bytes.len()
                    && !bytes[i].is_ascii_whitespace()
                    && !matches!(bytes[i], b'{' | b'}' | b';' | b'"')
                {
                    i += 1;
                }
                out.push((Token::Word(text[start..i].to_string()), line));
            }
        }
    }
    out
}

/// One statement: its words, its line, and its block's statements.
struct Statement {
    words: Vec<String>,
    line: usize,
    block: Vec<Statement>,
}

fn statements(tokens: &[(Token, usize)], at: &mut usize, depth: usize) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut current = Statement {
        words: Vec::new(),
        line: 0,
        block: Vec::new(),
    };
    while let Some((token, line)) = tokens.get(*at) {
        *at += 1;
        match token {
            Token::Word(w) => {
                if current.words.is_empty() {
                    current.line = *line;
                }
                current.words.push(w.clone());
            }
            Token::Open => {
                if depth < MAX_DEPTH {
                    current.block = statements(tokens, at, depth + 1);
                }
            }
            Token::Semi => {
                if !current.words.is_empty() {
                    out.push(std::mem::replace(
                        &mut current,
                        Statement {
                            words: Vec::new(),
                            line: 0,
                            block: Vec::new(),
                        },
                    ));
                }
            }
            Token::Close => break,
        }
    }
    if !current.words.is_empty() {
        out.push(current);
    }
    out
}

fn collect(list: &[Statement], conf: &mut NamedConf) {
    for s in list {
        match s.words.first().map(String::as_str) {
            Some("zone") => {
                let (Some(name), Some(file)) = (
                    s.words.get(1),
                    s.block
                        .iter()
                        .find(|c| c.words.first().is_some_and(|w| w == "file"))
                        .and_then(|c| c.words.get(1)),
                ) else {
                    continue;
                };
                let hint = s.block.iter().any(|c| {
                    c.words.first().is_some_and(|w| w == "type")
                        && c.words.get(1).is_some_and(|t| t == "hint")
                });
                if !hint {
                    conf.zones.push((name.clone(), file.clone(), s.line));
                }
            }
            Some("options") => {
                if let Some(dir) = s
                    .block
                    .iter()
                    .find(|c| c.words.first().is_some_and(|w| w == "directory"))
                    .and_then(|c| c.words.get(1))
                {
                    conf.directory = Some(dir.clone());
                }
            }
            Some("include") => {
                if let Some(path) = s.words.get(1) {
                    conf.includes.push((path.clone(), s.line));
                }
            }
            Some("view") => collect(&s.block, conf),
            _ => {}
        }
    }
}

/// Whether a text is BIND configuration: a `zone "x" {` with a `file`
/// or `type` inside, or an `options {` with `directory`.
pub fn looks_like_named_conf(code: &str) -> bool {
    let has_zone = code.lines().any(|l| {
        let t = l.trim_start();
        t.starts_with("zone ") && (t.contains('"') || t.ends_with('{'))
    });
    has_zone && (code.contains("file ") || code.contains("type "))
        || code.contains("options {") && code.contains("directory")
}

pub fn read(text: &str) -> NamedConf {
    let tokens = tokens(text);
    let mut at = 0;
    let list = statements(&tokens, &mut at, 0);
    let mut conf = NamedConf::default();
    collect(&list, &mut conf);
    conf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_options_and_includes() {
        let text = "// BIND\noptions {\n  directory \"/var/cache/bind\";\n};\n\
            zone \"example.com\" IN {\n  type master; # primary\n  file \"/etc/bind/db.example.com\";\n};\n\
            /* zone \"old\" { file \"x\"; }; */\n\
            zone \".\" { type hint; file \"root.hints\"; };\n\
            view \"v\" { zone \"10.in-addr.arpa\" { type master; file \"db.10\"; }; };\n\
            include \"/etc/bind/named.conf.local\";\n";
        assert!(looks_like_named_conf(text));
        let conf = read(text);
        assert_eq!(conf.directory.as_deref(), Some("/var/cache/bind"));
        assert_eq!(
            conf.zones,
            [
                (
                    "example.com".to_string(),
                    "/etc/bind/db.example.com".to_string(),
                    5
                ),
                ("10.in-addr.arpa".to_string(), "db.10".to_string(), 11),
            ]
        );
        assert_eq!(
            conf.includes,
            [("/etc/bind/named.conf.local".to_string(), 12)]
        );
    }

    #[test]
    fn hostile_nesting_is_bounded() {
        let deep = "{".repeat(100_000);
        assert_eq!(read(&deep), NamedConf::default());
    }
}
