//! Key material tripline cannot check (an encrypted key): said once, as
//! information, never guessed at.

use crate::finding::{Finding, Severity};
use crate::registry::{Check, Rule};
use crate::source::Span;

pub const RULE: Rule = Rule {
    id: "tls/unverifiable",
    default_severity: Severity::Info,
    summary: "a key tripline cannot check, such as an encrypted private key",
    doc: include_str!("../../../rules/tls/unverifiable.md"),
    aliases: &[],
    check: Check::Reader,
};

pub fn finding(span: Span, message: impl Into<String>) -> Finding {
    Finding::new(
        &RULE,
        span,
        message,
        "nothing to fix if intended; nginx needs `ssl_password_file` to load an encrypted key",
    )
}
