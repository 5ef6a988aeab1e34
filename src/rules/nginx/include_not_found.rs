//! An `include` of a plain path that does not exist. Reported while
//! resolving includes (see `nginx::model`).

use crate::finding::Severity;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/include-not-found",
    default_severity: Severity::Error,
    summary: "an include names a file that does not exist: nginx will not start",
    doc: include_str!("../../../rules/nginx/include-not-found.md"),
    aliases: &[],
    check: Check::Reader,
};
