//! Key material tripline cannot check — an encrypted key, or a certificate
//! nginx names through a variable (`$ssl_server_name`): said once, as
//! information, never guessed at.

use crate::finding::{Finding, Severity};
use crate::nginx::model::TlsPlace;
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::source::Span;
use crate::tls::served::Served;

pub const RULE: Rule = Rule {
    id: "tls/unverifiable",
    default_severity: Severity::Info,
    summary: "a key or certificate tripline cannot check: encrypted, or named through a variable",
    doc: include_str!("../../../rules/tls/unverifiable.md"),
    aliases: &[],
    check: Check::Served(check),
};

/// Certificates and keys nginx names through variables or inline `data:`.
fn check(served: &Served<'_>, out: &mut Checker<'_>) {
    for file in served.files() {
        if file.place != TlsPlace::Dynamic {
            continue;
        }
        out.report(Finding::new(
            &RULE,
            file.span,
            format!(
                "{} \"{}\" is chosen per request: tripline cannot tell which file is served, so it is not checked",
                file.directive, file.arg
            ),
            "nothing to fix; check the files the variable can name by passing them to tripline",
        ));
    }
}

pub fn finding(span: Span, message: impl Into<String>) -> Finding {
    Finding::new(
        &RULE,
        span,
        message,
        "nothing to fix if intended; nginx needs `ssl_password_file` to load an encrypted key",
    )
}
