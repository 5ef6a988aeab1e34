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

#[cfg(test)]
mod tests {
    use super::*;

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
