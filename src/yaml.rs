//! YAML from untrusted files (provider exports, Kubernetes Secrets): checked
//! before a parser sees it. A YAML parser given `[` nested 100,000 deep
//! spends a minute on 100 KB, so nesting and size are bounded first, and
//! every document stream stops at its first error (a stream that cannot
//! make progress repeats the same error forever).

/// Deeper flow nesting (`[[[...`, `{{{...`) than any real export has.
pub const MAX_DEPTH: usize = 64;
/// Larger than any real export or Secret.
pub const MAX_BYTES: usize = 64 << 20;

/// `Err(message, byte offset)` when the text is too deep or too large.
pub fn guard(text: &str) -> Result<(), (String, usize)> {
    if text.len() > MAX_BYTES {
        return Err((
            format!(
                "YAML of {} bytes is larger than the {} MB tripline reads",
                text.len(),
                MAX_BYTES >> 20
            ),
            0,
        ));
    }
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut comment = false;
    for (at, &b) in text.as_bytes().iter().enumerate() {
        if comment {
            comment = b != b'\n';
            continue;
        }
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'#') => comment = true,
            (None, b'[' | b'{') => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err((
                        format!("YAML nested deeper than {MAX_DEPTH} levels; not read"),
                        at,
                    ));
                }
            }
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            (None, b'\n') => {}
            _ => {}
        }
    }
    Ok(())
}

/// Where the comments of a YAML text start: a `#` at the start of a line
/// or after white space, outside a quoted scalar (YAML 1.2 §6.6; `a#b` is
/// a plain scalar). A quote opens a scalar only where one starts, after
/// white space or a flow indicator (`it's` is plain); a backslash escapes
/// the byte after it inside a double-quoted one.
pub fn comments(text: &[u8]) -> Vec<u32> {
    let mut starts = Vec::new();
    let mut quote: Option<u8> = None;
    let mut token_start = true;
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        if let Some(q) = quote {
            match b {
                b'\\' if q == b'"' => i += 1,
                _ if b == q => quote = None,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'#' if token_start => {
                starts.push(i as u32);
                i = memchr::memchr(b'\n', &text[i..]).map_or(text.len(), |n| i + n);
                continue;
            }
            b'"' | b'\'' if token_start => quote = Some(b),
            b' ' | b'\t' | b'\r' | b'\n' => token_start = true,
            b'[' | b'{' | b',' | b':' | b'-' => {}
            _ => token_start = false,
        }
        i += 1;
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_start_at_a_hash_after_white_space_outside_quotes() {
        let text =
            b"a: b#c # one\n# two\nd: 'x # y' # three\ne: \"q \\\" # r\" #four\nit's: #five\n";
        let starts: Vec<&[u8]> = comments(text)
            .into_iter()
            .map(|at| &text[at as usize..at as usize + 2])
            .collect();
        assert_eq!(starts, [b"# ", b"# ", b"# ", b"#f", b"#f"]);
        assert_eq!(comments(b"x: 1\n").len(), 0);
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        assert!(guard("a: [1, {b: 2}]\n").is_ok());
        let deep = "[".repeat(100_000);
        let (message, at) = guard(&deep).expect_err("too deep");
        assert!(message.contains("deeper than 64"));
        assert_eq!(at, MAX_DEPTH);
        assert!(
            guard("a: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['\n")
                .is_ok()
        );
    }
}
