//! A PEM block that does not decode, or garbage where a certificate or key
//! should be: reported while reading, with the block's line.

use crate::finding::{Finding, Severity};
use crate::rules::{Check, Rule};
use crate::source::Span;

pub const RULE: Rule = Rule {
    id: "tls/parse-error",
    default_severity: Severity::Error,
    summary: "a certificate or key file that does not decode: nginx fails to load it",
    doc: include_str!("../../../rules/tls/parse-error.md"),
    aliases: &[],
    check: Check::Reader,
};

pub fn finding(span: Span, message: impl Into<String>) -> Finding {
    Finding::new(
        &RULE,
        span,
        message,
        "re-export the file from its source (`openssl x509 -in cert.pem -text` shows whether it decodes); nginx would refuse to start with it",
    )
}
