//! Text that came from the checked files, made safe to print. A pull
//! request controls file names, messages (which quote tokens) and source
//! lines: a newline there could start a line that GitHub Actions runs as a
//! workflow command (`::error ...`), and ESC or BEL could retitle or reset
//! the reader's terminal. Every character that is not printable text is
//! shown as a visible escape instead.

use std::borrow::Cow;

/// Whether a character is shown as an escape: C0 and C1 controls but the
/// tab, DEL, and the bidirectional overrides that make source read
/// differently than it runs ("Trojan Source").
pub fn needs_escape(c: char) -> bool {
    c.is_control() && c != '\t' || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// How an escaped character is shown: `\n`, `\r`, `\t`, `\x1b`, `\u{202e}`.
pub fn escaped(c: char) -> String {
    match c {
        '\n' => "\\n".into(),
        '\r' => "\\r".into(),
        '\t' => "\\t".into(),
        c if (c as u32) < 0x100 => format!("\\x{:02x}", c as u32),
        c => format!("\\u{{{:x}}}", c as u32),
    }
}

/// `text` with every non-printable character escaped (borrowed when clean).
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.push_str(&escaped(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The most characters of a text from a checked or settings file (a path,
/// a TOML line, a quoted value) an error message quotes: a 3 MB line or a
/// 120 MB path is not a message.
pub const MAX_QUOTED: usize = 200;

/// `text` made visible and cut at [`MAX_QUOTED`] characters, saying how
/// much was left out.
pub fn quoted(text: &str) -> String {
    cut(&visible(text), MAX_QUOTED)
}

/// `text` cut at `max` characters, saying how much was left out.
pub fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => format!(
            "{}… ({} more characters)",
            &text[..end],
            text[end..].chars().count()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible() {
        assert_eq!(visible("plain"), "plain");
        assert_eq!(visible("a\n::error file=x::y"), "a\\n::error file=x::y");
        assert_eq!(visible("\u{1b}]0;pwned\u{7}"), "\\x1b]0;pwned\\x07");
        assert_eq!(visible("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(visible("tab\there"), "tab\there");
    }

    #[test]
    fn quotes_are_cut() {
        assert_eq!(quoted("short"), "short");
        let long = "é".repeat(MAX_QUOTED + 5);
        let q = quoted(&long);
        assert!(q.starts_with(&"é".repeat(MAX_QUOTED)));
        assert!(q.ends_with("… (5 more characters)"), "{q}");
    }
}
