//! What is wrong with a `tripline.toml`, with the line it is on.

use crate::escape::{quoted, MAX_QUOTED};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {reason}")]
    Read { path: String, reason: String },
    /// `snippet`: the offending line under the message, made safe to
    /// print (see [`ConfigError::snippet`]).
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
        snippet: String,
    },
    #[error("{path}: unknown rule or area `{selector}` in {key}{hint}")]
    UnknownRule {
        path: String,
        key: String,
        selector: String,
        hint: String,
    },
    #[error("{path}: invalid origin `{origin}` in [[per-path]]: {message}")]
    BadOrigin {
        path: String,
        origin: String,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("{path}: invalid glob `{glob}` in [[per-path]]: {message}")]
    BadGlob {
        path: String,
        glob: String,
        message: String,
    },
}

/// A TOML error as `path:line:column: message`, and the line under it with
/// a caret. The file is the repository's (untrusted): the message and the
/// line are shown with control characters made visible, so no line of it
/// can start a CI workflow command.
pub(super) fn parse_error(text: &str, shown: &str, error: &toml::de::Error) -> ConfigError {
    let offset = error.span().map_or(0, |span| span.start).min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[..offset].matches('\n').count() + 1;
    let column = text[line_start..offset].chars().count() + 1;
    let (source_line, caret_at) = excerpt_around(
        text[line_start..line_end].trim_end_matches('\r'),
        offset - line_start,
    );
    let number = line.to_string();
    let gutter = " ".repeat(number.len());
    let snippet = format!(
        "{gutter} |\n{number} | {source_line}\n{gutter} | {}^",
        " ".repeat(caret_at)
    );
    ConfigError::Parse {
        path: shown.to_string(),
        line,
        column,
        message: quoted(&error.message().trim_end().replace('\n', "; ")),
        snippet,
    }
}

/// At most [`MAX_QUOTED`] characters of a line around byte `at`, made
/// visible, and the caret's column in them: a 3 MB line is not printed.
fn excerpt_around(line: &str, at: usize) -> (String, usize) {
    let visible = |t: &str| crate::escape::visible(t).into_owned();
    let at = (0..=at.min(line.len()))
        .rev()
        .find(|&i| line.is_char_boundary(i))
        .unwrap_or(0);
    let before: Vec<char> = line[..at].chars().collect();
    let after: Vec<char> = line[at..].chars().collect();
    let keep_before = before.len().min(MAX_QUOTED / 2);
    let keep_after = after.len().min(MAX_QUOTED - keep_before);
    let mut head: String = before[before.len() - keep_before..].iter().collect();
    if keep_before < before.len() {
        head.insert(0, '…');
    }
    let mut tail: String = after[..keep_after].iter().collect();
    if keep_after < after.len() {
        tail.push('…');
    }
    let head = visible(&head);
    let caret_at = head.chars().count();
    (format!("{head}{}", visible(&tail)), caret_at)
}

impl ConfigError {
    /// Lines to print under the error, already safe to print as they are.
    pub fn snippet(&self) -> Option<&str> {
        match self {
            ConfigError::Parse { snippet, .. } => Some(snippet),
            _ => None,
        }
    }
}
