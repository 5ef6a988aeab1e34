//! A file nginx would refuse to load. Reported by the parser.

use crate::finding::{Edit, Fix, Severity};
use crate::rules::{Check, Rule};
use crate::source::FileId;

pub const RULE: Rule = Rule {
    id: "nginx/syntax-error",
    default_severity: Severity::Error,
    summary: "nginx cannot parse this file and refuses to start or reload",
    doc: include_str!("../../../rules/nginx/syntax-error.md"),
    aliases: &[],
    check: Check::Reader,
};

/// A fix hint for each of nginx's messages.
pub fn help_for(message: &str) -> &'static str {
    if message.contains("is not terminated by") {
        "add the missing `;` at the end of this directive"
    } else if message.contains("has no opening") {
        "this directive takes a block: `name args { ... }`"
    } else if message.starts_with("unexpected end of file, expecting \"}\"") {
        "a block is not closed: add the missing `}`"
    } else if message.starts_with("unexpected end of file") {
        "the last directive is not terminated: add `;` (or close the quote)"
    } else if message == "unexpected \"}\"" {
        "a `}` with no open block, or a directive before it without `;`"
    } else if message.starts_with("unexpected \"") {
        "a quoted string must be followed by a space, `;` or `{`"
    } else if message.contains("nested deeper") {
        "no real configuration nests this deep; check for a generated or corrupted file"
    } else {
        "nginx -t would reject this file"
    }
}

/// The missing `;` added where the directive nginx reads ends.
pub fn semicolon_fix(file: FileId, at: usize) -> Fix {
    Fix::safe("Add the missing `;`", vec![Edit::insert(file, at, ";")])
}
